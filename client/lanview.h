/*
 * lanview: draws the LAN into the messages pane: the server picker, and the people (and
 * servers) heard on the LAN. Drawing only; the state is in lanplan.h and discovery.h.
 */
#ifndef LANCHAT_LANVIEW_H
#define LANCHAT_LANVIEW_H

#include <curses.h>
#include <stdint.h>

#include "client/discovery.h"
#include "client/lanplan.h"

/* How we look to the others, shown as the first row of the people view. */
struct lanview_self {
	const char *nick;
	enum beacon_status status;
	uint32_t idle_s;
	const char *server;   /* name of the server we are on, or NULL */
};

/* d may be NULL (discovery is off). */
void lanview_picker(WINDOW *w, const struct lanplan_picker *p, const struct discovery *d,
    int64_t now);
void lanview_people(WINDOW *w, const struct discovery *d, const struct lanview_self *self,
    int64_t now);

#endif
