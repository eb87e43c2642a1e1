/*
 * channel: one joined channel as the client sees it: name, topic and members, kept sorted
 * by nick so the user list and completion need no sorting of their own. Pure.
 */
#ifndef LANCHAT_CHANNEL_H
#define LANCHAT_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

struct sess_member {
	char nick[NICK_LEN + 1];
	char prefix; /* '@', '+' ... or 0 */
	bool away;
};

struct sess_chan {
	char name[CHANNEL_LEN + 1];
	char topic[TOPIC_LEN + 1];
	struct sess_member *members;
	size_t nmembers;
	size_t cap;
	bool names_open; /* a 353 list is being received */
	bool parting;    /* our PART is sent but not confirmed: a /join must send JOIN */
};

/* Frees the member list (the channel itself is part of the session). */
void chan_clear(struct sess_chan *c);
struct sess_member *chan_member_find(struct sess_chan *c, const char *nick);
/* Adds nick (or updates its prefix if present). */
void chan_member_add(struct sess_chan *c, const char *nick, char prefix);
bool chan_member_del(struct sess_chan *c, const char *nick);
/* A nick change: keeps prefix and away state, moves it to its sorted place. */
void chan_member_rename(struct sess_chan *c, const char *from, const char *to);

#endif
