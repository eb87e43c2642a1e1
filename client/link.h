/*
 * link: the client's connection to its server as bytes: a non-blocking socket, the lines
 * read from it (into the session) and the bytes the session queued for it. Failures are
 * handed to the session (sess_lost, sess_unresolved), which decides what happens next.
 */
#ifndef LANCHAT_LINK_H
#define LANCHAT_LINK_H

#include <stdint.h>

#include "client/session.h"
#include "common/linebuf.h"
#include "common/net.h"

struct link {
	int fd;                     /* -1 if none */
	struct linebuf lb;
	char peer[NET_ADDRSTR];     /* numeric address of the server we last reached */
	int peer_port;
	int64_t down_since;         /* when the link went down, 0 while it is up */
};

void link_init(struct link *k);
/* Closes the socket (if any) and forgets unread input. */
void link_close(struct link *k);
/* Closes and tells the session why. */
void link_lose(struct link *k, struct session *s, const char *reason, int64_t now);
/* Starts connecting to the session's host and port. */
void link_connect(struct link *k, struct session *s, int64_t now);
/* The socket became writable while connecting: connected, or lost with the reason. */
void link_finish_connect(struct link *k, struct session *s, int64_t now);
/* Writes what is queued; returns -1 if the connection broke. */
int link_flush(struct link *k, struct session *s);
/* Gives a last line (QUIT) a short, bounded chance to leave before the socket closes. */
void link_flush_before_close(struct link *k, struct session *s);
/* Reads and hands the session up to LINES_PER_DRAW lines. */
void link_read(struct link *k, struct session *s, int64_t now);

#endif
