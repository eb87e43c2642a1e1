/*
 * link: the client's connection to its server, the one module that owns it, plain or TLS.
 * TCP connect, then (for ircs:// and servers whose beacon says tls=) a TLS handshake inside
 * main.c's poll loop, the trust decision on the certificate (known_servers, a beacon's fp=,
 * the system's CAs), the lines read (into the session) and the bytes the session queued for
 * it. Failures are handed to the session (sess_lost, sess_unresolved), which decides what
 * happens next; the session never sees a socket.
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
#include "common/linebuf.h"
#include "common/net.h"
#include "common/tlskey.h"
#include "common/transport.h"

enum link_state { LINK_DOWN, LINK_CONNECTING, LINK_HANDSHAKE, LINK_UP };

struct link {
	enum link_state state;
	struct transport tp;
	short hs_events;     /* LINK_HANDSHAKE: what the handshake waits for */
	bool read_wants_out; /* a TLS read needs the socket writable */
	bool write_wants_in; /* a TLS write needs the socket readable */
	struct linebuf lb;
	char peer[NET_ADDRSTR]; /* numeric address of the server we last reached */
	int peer_port;
	int64_t down_since;     /* when the link went down, 0 while it is up */
	char dir[TLS_PATH_LEN]; /* the state directory, "" if there is none */
	struct tlskey key;      /* ours, presented to servers */
	bool have_key;
	struct trust trust; /* known_servers */
};

/*
 * Finds (or makes) the state directory, our key and known_servers. Problems are reported
 * with sess_info and leave TLS working without a client certificate or pinning memory.
 */
void link_init(struct link *k, struct session *s);
void link_free(struct link *k);

/* Closes the connection (if any) and forgets unread input. */
void link_close(struct link *k);
/* Closes and tells the session why. */
void link_lose(struct link *k, struct session *s, const char *reason, int64_t now);
/* Starts connecting to the session's host and port (over TLS if the session says so). */
void link_connect(struct link *k, struct session *s, int64_t now);

/* The socket to poll, or -1. */
int link_fd(const struct link *k);
/* What to poll it for, given whether the session has output queued. */
short link_events(const struct link *k, bool output);
/* Whether framed lines or decrypted bytes wait inside, unseen by poll(). */
bool link_pending(const struct link *k);
/* poll() reported revents: finishes the connect, moves the handshake on, or reads. */
void link_ready(struct link *k, struct session *s, short revents, int64_t now);

/* Writes what is queued; returns -1 if the connection broke (why in err). */
int link_flush(struct link *k, struct session *s, char *err, size_t errcap);
/* Gives a last line (QUIT) a short, bounded chance to leave before the socket closes. */
void link_flush_before_close(struct link *k, struct session *s);
/* Reads and hands the session up to LINES_PER_DRAW lines. */
void link_read(struct link *k, struct session *s, int64_t now);

/* Our side of the connection, where a DCC offer listens (IPv4 only); 0 if none. */
uint32_t link_local_ipv4(const struct link *k);

/* /trust: pins the certificate that was refused for the session's server. 0, or -1. */
int link_trust_refused(struct link *k, struct session *s);

#endif
