/*
 * channel: the channel registry's entries: membership with each member's status (@ +),
 * topic, modes, the b/e/I mask lists and pending invitations. Changes only state;
 * deciding who may change it, and announcing a change to the members, is the caller's
 * (actions.c, through relay.c).
 */
#ifndef LANCHAT_CHANNEL_H
#define LANCHAT_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/limits.h"
#include "server/conn.h"
#include "server/numerics.h"

struct conn;

/* A member's status in one channel (kept per membership, beside conn's chans). */
enum chan_status {
	CHAN_OP = 1 << 0,    /* @ */
	CHAN_VOICE = 1 << 1, /* + */
};

/* A ban, ban exception or invite exception. */
struct chan_mask {
	char mask[CHAN_MASK_LEN + 1];
	char setter[NICK_LEN + 1];
	time_t at;
};

struct chan_masks {
	struct chan_mask *v;
	size_t n;
};

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
	unsigned modes;              /* enum mode_flag bits */
	char key[CHAN_KEY_LEN + 1];  /* +k, "" when none */
	unsigned limit;              /* +l, 0 when none */
	struct chan_masks bans, excepts, invex; /* b e I */
	unsigned invites[CHAN_INVITES_MAX]; /* conn ids invited and not yet joined; 0: free */
	size_t ninvites_next;        /* the slot the next invitation takes (a ring) */
};

/*
 * Finds or creates the channel and adds c. *joined is the channel when c was added, NULL
 * when c was in it already (NUM_OK) or on error (a bad name, too many channels).
 */
enum num_error chan_join(struct conn *c, const char *name, struct channel **joined);
/* Removes c from ch (and frees ch when it empties). Announces nothing. */
void chan_remove(struct conn *c, struct channel *ch);
/* Frees what ch holds (members, topic, lists), not ch itself: for a channel outside the registry. */
void chan_release(struct channel *ch);
void chan_set_topic(struct channel *ch, const struct conn *by, const char *topic);

/* c's position in c->chans for ch, or -1 when c is not in ch. */
int chan_index(const struct conn *c, const struct channel *ch);
/* c's enum chan_status bits in ch (0 when none or not a member). */
unsigned chan_status(const struct conn *c, const struct channel *ch);
/* Sets or clears status bits of a member; false when c is not in ch. */
bool chan_set_status(struct conn *c, struct channel *ch, unsigned bits, bool on);
/* May c act as operator of ch: its @, or a server operator. */
bool chan_is_op(const struct conn *c, const struct channel *ch);
/*
 * "@+" (multi) or the highest of them, for NAMES, WHO and WHOIS; "" for none. buf >= 3.
 */
const char *chan_prefix(unsigned status, bool multi, char *buf);

/* The list of a list letter (b e I); NULL for any other. */
struct chan_masks *chan_list(struct channel *ch, char letter);
/* Adds an already normalised mask: 0, 1 when it is there already, 2 when the list is full. */
int chan_mask_add(struct chan_masks *l, const char *mask, const char *setter);
/* Removes a mask (compared ignoring case); false when it was not there. */
bool chan_mask_del(struct chan_masks *l, const char *mask);
/* Does any mask of l match c's nick!user@host? O(1) when the list is empty. */
bool chan_mask_matches(const struct chan_masks *l, const struct conn *c);
/* Banned in ch: a ban matches and no exception does. */
bool chan_banned(const struct channel *ch, const struct conn *c);

/* Remembers that c may join ch once past +i, +k and +l. */
void chan_invite(struct channel *ch, const struct conn *c);
/* Was c invited (the invitation is used up when take is true)? */
bool chan_invited(struct channel *ch, const struct conn *c, bool take);

#endif
