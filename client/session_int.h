/* What session.c and session_in.c share and nobody else needs. */
#ifndef LANCHAT_SESSION_INT_H
#define LANCHAT_SESSION_INT_H

#include "client/session.h"

/* The token of our own lag PINGs, told apart from anything else the server echoes. */
#define LAG_TOKEN "lanchat-lag"

void sess_set_state(struct session *s, enum sess_state st, int64_t now);
int sess_chan_index(struct session *s, const struct sess_chan *c);
struct sess_chan *sess_chan_add(struct session *s, const char *name);
void sess_chan_remove(struct session *s, struct sess_chan *c);
/* The tag for a line about channel chan: NULL (none) only if it is our one channel. */
const char *sess_tag_for(const struct session *s, const char *chan);

#endif
