/*
 * channel: one joined channel as the client sees it: name, topic and members. Members are
 * found by nick through a hash map, so adding, finding and removing one is O(1) however
 * many a server announces; at most CLIENT_CHAN_MEMBERS_MAX are kept. The list is sorted by
 * nick on demand (chan_sort) for the user list and completion, not on every change. Pure.
 */
#ifndef LANCHAT_CHANNEL_H
#define LANCHAT_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/hmap.h"
#include "common/limits.h"

struct sess_member {
	char nick[NICK_LEN + 1];
	char key[NICK_LEN + 1]; /* nick in lower case: the map's key */
	char prefix;            /* '@', '+' ... or 0 */
	bool away;
	bool account;           /* logged in (extended-join, account-notify, WHO flag r) */
	size_t idx;             /* place in members[] */
};

struct sess_chan {
	char name[CHANNEL_LEN + 1];
	char topic[TOPIC_LEN + 1];
	struct sess_member **members; /* sorted by nick only after chan_sort */
	size_t nmembers;
	size_t cap;
	struct hmap by_nick;
	bool sorted;
	size_t not_kept;  /* members announced past CLIENT_CHAN_MEMBERS_MAX since the last NAMES */
	bool names_open;  /* a 353 list is being received */
	bool parting;     /* our PART is sent but not confirmed: a /join must send JOIN */
};

/* Frees the member list (the channel itself is part of the session). */
void chan_clear(struct sess_chan *c);
struct sess_member *chan_member_find(struct sess_chan *c, const char *nick);
/*
 * Adds nick (or updates its prefix if present). Returns false when the channel already
 * keeps CLIENT_CHAN_MEMBERS_MAX members (counted in not_kept).
 */
bool chan_member_add(struct sess_chan *c, const char *nick, char prefix);
bool chan_member_del(struct sess_chan *c, const char *nick);
/* A nick change: keeps prefix and away state. */
void chan_member_rename(struct sess_chan *c, const char *from, const char *to);
/* Sorts members[] by nick if anything changed since the last call. */
void chan_sort(struct sess_chan *c);

#endif
