/* What session.c and session_in.c share and nobody else needs. */
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

#endif
