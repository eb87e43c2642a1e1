/*
 * channel: the channel registry's entries: membership and topic. Changes only state;
 * announcing a change to the members is the caller's (actions.c, through relay.c).
 */
#ifndef LANCHAT_CHANNEL_H
#define LANCHAT_CHANNEL_H

#include <stddef.h>
#include <time.h>

#include "common/limits.h"
#include "server/conn.h"
#include "server/numerics.h"

struct conn;

struct channel {
	char name[CHANNEL_LEN + 1];
	char fold[CHANNEL_LEN + 1];
	char *topic;
	char topic_by[CONN_PREFIX_LEN]; /* nick!user@host of who set it */
	time_t topic_at;
	time_t created;
	struct conn **members;
	size_t nmembers;
	size_t capmembers;
};

/*
 * Finds or creates the channel and adds c. *joined is the channel when c was added, NULL
 * when c was in it already (NUM_OK) or on error (a bad name, too many channels).
 */
enum num_error chan_join(struct conn *c, const char *name, struct channel **joined);
/* Removes c from ch (and frees ch when it empties). Announces nothing. */
void chan_remove(struct conn *c, struct channel *ch);
void chan_set_topic(struct channel *ch, const struct conn *by, const char *topic);

#endif
