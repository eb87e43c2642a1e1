/*
 * transport: one connection's bytes, through a plain socket or a TLS session (libtls), behind
 * one interface that both programs' poll() loops use.
 *
 * Every call is non-blocking and returns what to wait for instead of waiting:
 * TP_WANT_READ means "call again once the socket is readable" (POLLIN), TP_WANT_WRITE once it
 * is writable (POLLOUT). A TLS session may want either for any call: a read can need to
 * write (a key update) and a write can need to read. A plain transport never handshakes.
 *
 * TLS is 1.2 or 1.3 only, with libtls's default ciphers; OpenSSL under libtls offers no
 * compression and libtls refuses renegotiation. Peers' certificates are not checked against
 * CAs here: both sides pin by fingerprint (tp_peer_fp), and the client may additionally ask
 * whether the chain verifies for the host name (tlskey_ca_verifies).
 */
#ifndef LANCHAT_TRANSPORT_H
#define LANCHAT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

struct tls;
struct tlskey;

enum tp_io {
	TP_OK = 0,     /* done (bytes moved, or the handshake finished) */
	TP_WANT_READ,  /* try again when the socket is readable */
	TP_WANT_WRITE, /* try again when the socket is writable */
	TP_EOF,        /* the peer closed the connection */
	TP_ERROR       /* the connection is unusable; tp_error says why */
};

struct transport {
	int fd;
	struct tls *tls; /* NULL: plain socket */
	bool handshaken; /* TLS: the handshake is over (plain: always) */
	bool pending;    /* the last read filled the buffer: more may be inside the session */
	char *peer_fp;   /* TLS: the peer's certificate fingerprint, if it showed one */
	int saved_errno; /* plain: the errno behind the last TP_ERROR */
};

/* A plain socket; the transport owns fd from now on. */
void tp_plain(struct transport *t, int fd);
/* The server side of a TLS session on an accepted fd. Returns 0, or -1 (fd not taken). */
int tp_accept(struct transport *t, struct tls *server, int fd);
/* The client side of a TLS session on a connected fd, naming servername in SNI. */
int tp_connect(struct transport *t, struct tls *client, int fd, const char *servername);

/* Moves the handshake on. TP_OK once it is over (every later call returns TP_OK). */
enum tp_io tp_handshake(struct transport *t);
/* Reads up to cap bytes; *got is how many on TP_OK (never 0: that is TP_EOF). */
enum tp_io tp_read(struct transport *t, void *buf, size_t cap, size_t *got);
/* Writes up to len bytes; *put is how many on TP_OK. Retry after a WANT with the same data. */
enum tp_io tp_write(struct transport *t, const void *buf, size_t len, size_t *put);
/* Why the last call failed, as a sentence fragment. */
const char *tp_error(const struct transport *t);
/* Says goodbye (TLS close_notify, best effort, never waiting), frees the session, closes fd. */
void tp_close(struct transport *t);

static inline bool
tp_is_tls(const struct transport *t)
{
	return t->tls != NULL;
}
/* "TLSv1.3" or "plain". */
const char *tp_version(const struct transport *t);

/*
 * A server context presenting k, TLS 1.2/1.3, asking clients for a certificate but taking
 * any (its fingerprint is kept) or none. Returns NULL with err set.
 */
struct tls *tp_server_new(const struct tlskey *k, char *err, size_t errcap);
/*
 * A client context presenting own (if not NULL). Certificates are not verified by libtls:
 * the caller pins or verifies the chain itself. Returns NULL with err set.
 */
struct tls *tp_client_new(const struct tlskey *own, char *err, size_t errcap);
/* The peer's certificate chain as PEM (for tlskey_ca_verifies), or NULL. */
const void *tp_peer_chain(const struct transport *t, size_t *len);

#endif
