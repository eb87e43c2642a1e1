/*
 * ui: the screen, drawn from state. Status line, welcome pane, messages (or wire) pane with
 * the user list beside it, a channel bar and the input line. Every pass redraws from data
 * into windows, marks each with wnoutrefresh and ends with a single doupdate().
 */
#ifndef LANCHAT_UI_H
#define LANCHAT_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "client/discovery.h"
#include "client/editor.h"
#include "client/lanplan.h"
#include "client/lanview.h"
#include "client/session.h"

struct ui_view {
	struct session *s;
	const struct editor *ed;
	bool show_wire;      /* the wire view replaces the messages pane */
	bool welcome_hidden; /* collapsed to one line */
	bool show_lan;       /* the people on the LAN replace the messages pane (F4, /lan) */
	const struct discovery *disc;    /* NULL when not listening for beacons */
	const struct lanplan_picker *picker; /* shown instead of messages while open */
	struct lanview_self self;        /* for the LAN view */
	char progress[160];              /* a file transfer under way, "" if none */
	int64_t now;
};

/* Enters curses mode (in colour if colours). Safe to call ui_stop() any number of times. */
void ui_start(bool colours);
void ui_stop(void);
/* Turns colours on or off at once (ui.colours); nothing without a colour terminal. */
void ui_colours(bool on);
/* The terminal changed size: rebuild the windows. */
void ui_resize(void);
void ui_draw(struct ui_view *v);
/* Rows of the messages pane, for paging. */
int ui_page_rows(void);
void ui_bell(void);

#endif
