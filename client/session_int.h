/* What session.c, session_in.c and session_num.c share and nobody else needs. */
#ifndef LANCHAT_SESSION_INT_H
#define LANCHAT_SESSION_INT_H

#include "client/session.h"
#include "common/ircmsg.h"

/* The token of our own lag PINGs, told apart from anything else the server echoes. */
#define LAG_TOKEN "lanchat-lag"

void sess_set_state(struct session *s, enum sess_state st, int64_t now);
struct sess_chan *sess_chan_add(struct session *s, const char *name);
void sess_chan_remove(struct session *s, struct sess_chan *c);
/* Adds a line to window win (the server window if there is no such window) and marks it. */
void sess_line(struct session *s, int win, time_t t, enum sb_kind kind, int flags,
    const char *tag, const char *nick, const char *text);
/* A line about channel chan, in its window (or, tagged, in the server window). */
void sess_chan_line(struct session *s, const char *chan, time_t t, enum sb_kind kind,
    int flags, const char *nick, const char *text);

/* Is text a line that mentions our nick or a highlight word? */
bool sess_mentions(const struct session *s, const char *text);

/* One server line being handled, for session_in.c and session_num.c. */
struct sess_ctx {
	struct session *s;
	struct irc_msg *m;
	char nick[NICK_LEN + 1]; /* nick part of the source, "" if none */
	bool from_server;        /* source is a server (or absent) */
	bool self;               /* source is us */
	time_t t;                /* server-time if offered, else wall clock */
	int64_t now;
};
const char *sess_param(const struct sess_ctx *c, int i);
const char *sess_last_param(const struct sess_ctx *c);
/* The parameters from index from on, joined by spaces. */
void sess_join_params(const struct sess_ctx *c, int from, char *buf, size_t cap);
/* A reply or notice for the window the user is looking at. */
void sess_say_in(struct sess_ctx *c, enum sb_kind kind, int flags, const char *tag,
    const char *nick, const char *text);
/* A line about channel chan. */
void sess_say_chan(struct sess_ctx *c, const char *chan, enum sb_kind kind, int flags,
    const char *nick, const char *text);
/* Private lines with nick: its query window, opened if open is set (else the one shown). */
void sess_say_query(struct sess_ctx *c, const char *nick, bool open, enum sb_kind kind, int flags,
    const char *who, const char *text);
/* A numeric reply (session_num.c). */
void sess_on_numeric(struct sess_ctx *c, int num);

#endif
