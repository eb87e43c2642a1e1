/*
 * whowas: the nicks that left (quit, were dropped or changed nick), the newest WHOWAS_MAX of
 * them, for WHOWAS. A ring: the oldest entry makes room for the next. Pure: no I/O, the
 * time is given; lookups compare folded nicks (CASEMAPPING=ascii), newest first.
 */
#ifndef LANCHAT_WHOWAS_H
#define LANCHAT_WHOWAS_H

#include <stdint.h>

#include "common/limits.h"

struct whowas_entry {
	char nick[NICK_LEN + 1];
	char fold[NICK_LEN + 1];
	char user[USER_LEN + 1];
	char host[HOST_LEN];
	char realname[REALNAME_LEN + 1];
	int64_t left; /* when, seconds since the epoch */
};

struct whowas {
	struct whowas_entry ring[WHOWAS_MAX];
	unsigned head;  /* the slot the next entry goes to */
	unsigned count; /* entries held, up to WHOWAS_MAX */
};

/* Remembers a nick that left at time left; longer strings are cut. */
void whowas_add(struct whowas *w, const char *nick, const char *user, const char *host,
    const char *realname, int64_t left);
/* The nth (0: newest) entry for nick, any case, or NULL when there are not that many. */
const struct whowas_entry *whowas_find(const struct whowas *w, const char *nick, unsigned nth);

#endif
