#include "common/transport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tls.h>

#include "common/tlskey.h"
#include "common/util.h"

void
tp_plain(struct transport *t, int fd)
{
	*t = (struct transport){ .fd = fd, .handshaken = true };
}

int
tp_accept(struct transport *t, struct tls *server, int fd)
{
	*t = (struct transport){ .fd = fd };
	return tls_accept_socket(server, &t->tls, fd) == 0 ? 0 : -1;
}

int
tp_connect(struct transport *t, struct tls *client, int fd, const char *servername)
{
	*t = (struct transport){ .fd = fd, .tls = client };
	if (tls_connect_socket(client, fd, servername) != 0) {
		t->tls = NULL;
		return -1;
	}
	return 0;
}

static enum tp_io
tls_want(ssize_t rc)
{
	if (rc == TLS_WANT_POLLIN)
		return TP_WANT_READ;
	if (rc == TLS_WANT_POLLOUT)
		return TP_WANT_WRITE;
	return TP_ERROR;
}

static void
keep_peer_fp(struct transport *t)
{
	char fp[TLS_FP_HEX + 1];
	const char *h;

	if (tls_peer_cert_provided(t->tls) && (h = tls_peer_cert_hash(t->tls)) != NULL &&
	    tlskey_parse_fp(h, fp))
		t->peer_fp = xstrdup(fp);
}

enum tp_io
tp_handshake(struct transport *t)
{
	int rc;

	if (t->handshaken)
		return TP_OK;
	rc = tls_handshake(t->tls);
	if (rc != 0)
		return tls_want(rc);
	t->handshaken = true;
	t->pending = true; /* the first bytes may have come with the handshake's last */
	keep_peer_fp(t);
	return TP_OK;
}

enum tp_io
tp_read(struct transport *t, void *buf, size_t cap, size_t *got)
{
	ssize_t n;

	*got = 0;
	t->pending = false;
	if (t->tls == NULL) {
		do
			n = read(t->fd, buf, cap);
		while (n < 0 && errno == EINTR);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return TP_WANT_READ;
		if (n < 0) {
			t->saved_errno = errno;
			return TP_ERROR;
		}
	} else {
		if (!t->handshaken) {
			enum tp_io r = tp_handshake(t);
			if (r != TP_OK)
				return r;
		}
		n = tls_read(t->tls, buf, cap);
		if (n < 0) {
			char b;
			/* A peer that closes TCP without close_notify is gone all the same
			 * (OpenSSL 3 calls it an error): say end of file, not a read error. */
			if (n == -1 && recv(t->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
				return TP_EOF;
			return tls_want(n);
		}
		/* A full buffer may have left the rest of a record decrypted inside the
		 * session, where poll() cannot see it. */
		t->pending = (size_t)n == cap;
	}
	if (n == 0)
		return TP_EOF;
	*got = (size_t)n;
	return TP_OK;
}

enum tp_io
tp_write(struct transport *t, const void *buf, size_t len, size_t *put)
{
	ssize_t n;

	*put = 0;
	if (t->tls == NULL) {
		do
			n = send(t->fd, buf, len, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return TP_WANT_WRITE;
		if (n < 0) {
			t->saved_errno = errno;
			return TP_ERROR;
		}
	} else {
		n = tls_write(t->tls, buf, len);
		if (n < 0)
			return tls_want(n);
	}
	*put = (size_t)n;
	return TP_OK;
}

const char *
tp_error(const struct transport *t)
{
	const char *e = NULL;

	if (t->tls != NULL)
		e = tls_error(t->tls);
	else if (t->saved_errno != 0)
		e = strerror(t->saved_errno);
	return e != NULL ? e : "connection failed";
}

const char *
tp_version(const struct transport *t)
{
	const char *v = t->tls != NULL && t->handshaken ? tls_conn_version(t->tls) : NULL;
	return t->tls == NULL ? "plain" : v != NULL ? v : "TLS";
}

void
tp_close(struct transport *t)
{
	if (t->tls != NULL) {
		/* One try at close_notify: a peer that does not read it loses nothing. */
		if (t->handshaken)
			(void)tls_close(t->tls);
		tls_free(t->tls);
		t->tls = NULL;
	}
	free(t->peer_fp);
	t->peer_fp = NULL;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

const void *
tp_peer_chain(const struct transport *t, size_t *len)
{
	*len = 0;
	if (t->tls == NULL || !t->handshaken)
		return NULL;
	return tls_peer_cert_chain_pem(t->tls, len);
}

static struct tls_config *
base_config(const struct tlskey *k, char *err, size_t errcap)
{
	struct tls_config *cfg = tls_config_new();

	if (cfg == NULL) {
		snprintf(err, errcap, "cannot set up TLS: out of memory");
		return NULL;
	}
	if (tls_config_set_protocols(cfg, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3) != 0 ||
	    (k != NULL && tls_config_set_keypair_file(cfg, k->cert_path, k->key_path) != 0)) {
		snprintf(err, errcap, "TLS key %s or certificate %s: %s", k ? k->key_path : "-",
		    k ? k->cert_path : "-", tls_config_error(cfg));
		tls_config_free(cfg);
		return NULL;
	}
	/* Both sides pin fingerprints (or verify chains themselves) rather than trust a CA
	 * list blindly: a LAN server's certificate is its own. */
	tls_config_insecure_noverifycert(cfg);
	tls_config_insecure_noverifyname(cfg);
	return cfg;
}

static struct tls *
configured(struct tls *ctx, struct tls_config *cfg, char *err, size_t errcap)
{
	if (ctx == NULL) {
		snprintf(err, errcap, "cannot set up TLS: out of memory");
	} else if (tls_configure(ctx, cfg) != 0) {
		snprintf(err, errcap, "cannot set up TLS: %s", tls_error(ctx));
		tls_free(ctx);
		ctx = NULL;
	}
	/* The context keeps what it needs; the config (and the key in it) can go. */
	tls_config_free(cfg);
	return ctx;
}

struct tls *
tp_server_new(const struct tlskey *k, char *err, size_t errcap)
{
	struct tls_config *cfg = base_config(k, err, errcap);

	if (cfg == NULL)
		return NULL;
	tls_config_verify_client_optional(cfg);
	return configured(tls_server(), cfg, err, errcap);
}

struct tls *
tp_client_new(const struct tlskey *own, char *err, size_t errcap)
{
	struct tls_config *cfg = base_config(own, err, errcap);

	if (cfg == NULL)
		return NULL;
	return configured(tls_client(), cfg, err, errcap);
}
