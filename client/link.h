/*
 * link: the client's connection to its server. TCP connect, then (for ircs:// and servers
 * whose beacon says tls=) a TLS handshake inside main.c's poll loop, the trust decision on
 * the certificate (known_servers, a beacon's fp=, the system's CAs), and reads and writes
 * through the transport. It tells the session what happened (sess_connected/sess_secured,
 * sess_lost); the session never sees a socket.
 *
 * The client's own key and certificate are made on first use in its state directory
 * ($XDG_STATE_HOME/lanchat) and presented to every TLS server, so that a server can know it
 * again; known_servers lives beside them.
 */
#ifndef LANCHAT_LINK_H
#define LANCHAT_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/session.h"
#include "client/trust.h"
#include "common/tlskey.h"
#include "common/transport.h"

enum link_state { LINK_DOWN, LINK_CONNECTING, LINK_HANDSHAKE, LINK_UP };

struct link {
	enum link_state state;
	struct transport tp;
	short hs_events;       /* LINK_HANDSHAKE: what the handshake waits for */
	bool read_wants_out;   /* a TLS read needs the socket writable */
	bool write_wants_in;   /* a TLS write needs the socket readable */
	char dir[TLS_PATH_LEN];/* the state directory, "" if there is none */
	struct tlskey key;     /* ours, presented to servers */
	bool have_key;
	struct trust trust;    /* known_servers */
};

/*
 * Finds (or makes) the state directory, our key and known_servers. Problems are reported
 * with sess_info and leave TLS working without a client certificate or pinning memory.
 */
void link_init(struct link *l, struct session *s);
void link_free(struct link *l);

/* Starts connecting to the session's host and port; failure is sess_lost. */
void link_connect(struct link *l, struct session *s, int64_t now);
/* The socket to poll, or -1. */
int link_fd(const struct link *l);
/* What to poll it for, given whether the session has output queued. */
short link_events(const struct link *l, bool output);
/* Whether decrypted bytes may be waiting inside the session, unseen by poll(). */
bool link_pending(const struct link *l);
/* poll() reported revents: finishes the connect or moves the handshake on. */
void link_ready(struct link *l, struct session *s, short revents, int64_t now);

/* Reads up to cap bytes; TP_OK with *got, a WANT (nothing yet), TP_EOF or TP_ERROR. */
enum tp_io link_read(struct link *l, void *buf, size_t cap, size_t *got);
/* Writes what the session has queued; -1 if the link broke (reason in err). */
int link_flush(struct link *l, struct session *s, char *err, size_t errcap);
void link_close(struct link *l);
/* Why the last read or write failed. */
const char *link_error(const struct link *l);

/* /trust: pins the certificate that was refused for the session's server. 0, or -1. */
int link_trust_refused(struct link *l, struct session *s);

#endif
