/*
 * relay: a user event (message, join, part, quit, nick, topic, mode, kick, invite) formatted once per dialect
 * (IRC, IRC with the tags a recipient asked for: server-time, msgid; plain text) and
 * appended to each recipient's output queue.
 */
#ifndef LANCHAT_RELAY_H
#define LANCHAT_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn;
struct channel;

enum relay_kind {
	EV_PRIVMSG,
	EV_NOTICE,
	EV_JOIN,
	EV_PART,
	EV_QUIT,
	EV_NICK,
	EV_TOPIC,
	EV_MODE,   /* text: "+o-t bob" */
	EV_KICK,   /* arg: who was kicked; text: the reason */
	EV_INVITE, /* arg: who is invited; target: the channel */
};

struct relay_event {
	enum relay_kind kind;
	const struct conn *from;
	const char *from_prefix; /* "nick!~user@host" at the time of the event */
	const char *from_nick;
	const char *account;     /* the sender's account (account-tag, extended-join), or NULL */
	const char *realname;    /* the sender's (extended-join), or NULL */
	const char *target;      /* channel or nick; NULL for QUIT and NICK */
	const char *text;        /* message, reason, new nick, topic or modes; may be NULL */
	const char *arg;         /* the nick a KICK or INVITE is about, else NULL */
	const char *msgid;       /* its msgid tag (message-tags), or NULL */
	int64_t ms;              /* when it happened, ms since the epoch; 0: now */
};

/* To every member of ch; the sender too when include_sender (or echo-message asks for it). */
void relay_channel(const struct relay_event *ev, struct channel *ch, bool include_sender);
/* To the members of ch that asked for capability cap, but skip. */
void relay_channel_cap(
    const struct relay_event *ev, struct channel *ch, unsigned cap, const struct conn *skip);
/* To one connection. */
void relay_one(const struct relay_event *ev, struct conn *to);
/* To the sender and everyone who shares a channel with it, once each (QUIT, NICK). */
void relay_peers(const struct relay_event *ev, struct conn *from, bool include_sender);
/*
 * A stored event replayed to one connection, in the form it can take: IRC clients with
 * server-time get the line with its original tags (and batch=ref when batch is not NULL);
 * other IRC clients a NOTICE to channel from the server with the time in the text; plain
 * users "[14:02] <alice> hi".
 */
void relay_history(const struct relay_event *ev, struct conn *to, const char *channel,
    const char *batch);

/*
 * A private message kept while its recipient was away, delivered: with its original time in
 * tags (and batch=ref when batch is not NULL) when the client has server-time, else with the
 * time in the text; plain users see "[14:02] *bob* (while you were away) hi".
 */
void relay_offline(const struct relay_event *ev, struct conn *to, const char *batch);
/* ":nick!user@host ACCOUNT name" (or "*") to c and its peers that asked for account-notify. */
void relay_account(struct conn *c);

/*
 * Opens a batch of type with its parameter for c when c takes batches: writes its reference
 * into ref and returns it, else NULL. relay_batch_close(c, NULL) does nothing.
 */
const char *relay_batch_open(struct conn *c, char *ref, size_t cap, const char *type,
    const char *param);
void relay_batch_close(struct conn *c, const char *ref);

#endif
