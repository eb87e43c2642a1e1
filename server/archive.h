/*
 * archive: the conversation kept in the store (store.h) and given back: channel events
 * stamped with a msgid and the server time, recorded in the loop pass's transaction; the
 * last lines replayed on JOIN to clients without chathistory; the CHATHISTORY command;
 * channel topics that outlive a restart.
 *
 * Everything here is a no-op while srv.store is NULL (--no-store) or history is off
 * (--no-history), except stamping: msgid tags are given out either way.
 */
#ifndef LANCHAT_ARCHIVE_H
#define LANCHAT_ARCHIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/limits.h"

struct conn;
struct channel;
struct relay_event;

struct arc_config {
	bool history; /* store channel events (--no-history turns it off) */
	int days;     /* --history-days: older lines are pruned; 0 keeps them */
	int replay;   /* --history-replay: lines replayed on JOIN; 0 turns it off */
	bool private_history; /* keep private messages between two accounts (--history-private) */
};

/* Starts with srv.store (or none): seeds msgids above the stored ones, starts pruning. */
void arc_init(const struct arc_config *cfg);
/* Takes the settings a reload may change (days, replay); history stays as arc_init set it. */
void arc_configure(const struct arc_config *cfg);
/* Is history kept (a store, and not --no-history)? */
bool arc_on(void);

/*
 * Gives ev a msgid and the time (ev->msgid points at a buffer kept until the next stamp).
 * arc_channel and arc_peers stamp for themselves; a private message is stamped by hand.
 */
void arc_stamp(struct relay_event *ev);
/* Stamps ev, relays it to ch (relay_channel) and records it there. */
void arc_channel(struct relay_event *ev, struct channel *ch, bool include_sender);
/* Stamps a QUIT or NICK, records it in each channel of from, relays it (relay_peers). */
void arc_peers(struct relay_event *ev, struct conn *from, bool include_sender);

/*
 * A private message between two logged-in accounts (stamped already): recorded where only
 * those two can fetch it with CHATHISTORY, unless --history-private off.
 */
void arc_private(struct relay_event *ev, const struct conn *from, const struct conn *to);

/* Commits the pass's writes; the loop calls it before it flushes anyone's output. */
void arc_pass_end(void);

/* The last lines of ch for c, who just joined it (after the NAMES reply). */
void arc_replay_join(struct conn *c, const struct channel *ch);
/* CHATHISTORY with its parameters (params[0] is the subcommand). */
void arc_chathistory(struct conn *c, int nparams, char **params);

/* A new channel: its topic, flags and limit come back from the store. */
void arc_channel_restore(struct channel *ch);
/* A channel's topic, flags or limit changed: stored while any differs from a new one's. */
void arc_channel_save(const struct channel *ch);

#endif
