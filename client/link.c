#include "client/link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <tls.h>

#include "common/net.h"
#include "common/util.h"

void
link_init(struct link *l, struct session *s)
{
	char err[TLS_PATH_LEN + 256];

	memset(l, 0, sizeof *l);
	l->tp.fd = -1;
	if (tlskey_state_dir(NULL, "lanchat", l->dir, sizeof l->dir, err, sizeof err) != 0) {
		l->dir[0] = '\0';
		sess_info(s, SB_ERROR, "TLS: %s; servers are not remembered, no client certificate",
		    err);
		return;
	}
	if (tlskey_ensure(l->dir, "lanchat client", &l->key, err, sizeof err) != 0)
		sess_info(s, SB_ERROR, "TLS: %s; connecting without a client certificate", err);
	else
		l->have_key = true;
	if (trust_load(&l->trust, l->dir, err, sizeof err) != 0)
		sess_info(s, SB_ERROR, "TLS: %s; no server is pinned until it is fixed", err);
	else if (l->trust.bad > 0)
		sess_info(s, SB_ERROR, "TLS: %zu line%s of %s/%s could not be read and pin nothing",
		    l->trust.bad, l->trust.bad == 1 ? "" : "s", l->dir, TRUST_FILE);
}

void
link_free(struct link *l)
{
	link_close(l);
	trust_free(&l->trust);
}

void
link_close(struct link *l)
{
	tp_close(&l->tp);
	l->state = LINK_DOWN;
	l->read_wants_out = l->write_wants_in = false;
}

int
link_fd(const struct link *l)
{
	return l->state == LINK_DOWN ? -1 : l->tp.fd;
}

const char *
link_error(const struct link *l)
{
	return tp_error(&l->tp);
}

static void
fail(struct link *l, struct session *s, int64_t now, const char *reason)
{
	link_close(l);
	sess_lost(s, reason, now);
}

void
link_connect(struct link *l, struct session *s, int64_t now)
{
	char err[256] = "";

	link_close(l);
	sess_connecting(s, now);
	int fd = net_connect(s->host, s->port, err, sizeof err);
	if (fd < 0) {
		sess_lost(s, err, now);
		return;
	}
	tp_plain(&l->tp, fd);
	l->state = LINK_CONNECTING;
}

short
link_events(const struct link *l, bool output)
{
	switch (l->state) {
	case LINK_DOWN:
		return 0;
	case LINK_CONNECTING:
		return POLLOUT;
	case LINK_HANDSHAKE:
		return l->hs_events;
	case LINK_UP:
		break;
	}
	return (short)(POLLIN | (output || l->read_wants_out ? POLLOUT : 0));
}

bool
link_pending(const struct link *l)
{
	return l->state == LINK_UP && l->tp.pending;
}

static bool
is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* The handshake is over: is this the server we mean? */
static void
judge(struct link *l, struct session *s, int64_t now)
{
	const char *fp = l->tp.peer_fp;
	char hp[SESS_HOST_LEN + SESS_PORT_LEN + 8], err[TLS_PATH_LEN + 128];
	bool ca_ok = false;

	net_join_hostport(hp, sizeof hp, s->host, s->port);
	if (fp == NULL) {
		fail(l, s, now, "the server presented no certificate");
		return;
	}
	/* A real certificate for a host name needs no pin; LAN addresses never have one. */
	if (!is_ip_literal(s->host)) {
		size_t len;
		const void *chain = tp_peer_chain(&l->tp, &len);
		ca_ok = chain != NULL && tlskey_ca_verifies(chain, len, s->host);
	}
	switch (trust_decide(&l->trust, s->host, s->port, fp, s->expect_fp, ca_ok)) {
	case TRUST_ACCEPT:
	case TRUST_ACCEPT_CA:
		l->state = LINK_UP;
		sess_secured(s, fp, false, now);
		return;
	case TRUST_ACCEPT_NEW:
		l->state = LINK_UP;
		if (trust_set(&l->trust, s->host, s->port, fp) != 0 || l->dir[0] == '\0')
			sess_info(s, SB_ERROR, "TLS: %s could not be remembered", hp);
		else if (trust_save(&l->trust, l->dir, err, sizeof err) != 0)
			sess_info(s, SB_ERROR, "TLS: %s", err);
		sess_secured(s, fp, true, now);
		return;
	case TRUST_REFUSE_CHANGED:
		str_copy(s->pinned_fp, trust_lookup(&l->trust, s->host, s->port),
		    sizeof s->pinned_fp);
		str_copy(s->refused_fp, fp, sizeof s->refused_fp);
		s->user_quit = true; /* no retry: it would be refused again */
		fail(l, s, now, "the server's certificate has changed: not connected (see above)");
		return;
	case TRUST_REFUSE_BEACON:
		sess_info(s, SB_ERROR,
		    "Refused %s: a server on the LAN is announcing itself with a certificate that "
		    "is not its own. Its beacon said SHA256:%s, the server presented SHA256:%s.",
		    hp, s->expect_fp, fp);
		s->user_quit = true;
		fail(l, s, now, "a beacon named another certificate for this server: refused");
		return;
	}
}

static void
handshake(struct link *l, struct session *s, int64_t now)
{
	char reason[SESS_HOST_LEN + SESS_PORT_LEN + 300], hp[SESS_HOST_LEN + SESS_PORT_LEN + 8];

	switch (tp_handshake(&l->tp)) {
	case TP_OK:
		judge(l, s, now);
		return;
	case TP_WANT_READ:
		l->hs_events = POLLIN;
		return;
	case TP_WANT_WRITE:
		l->hs_events = POLLOUT;
		return;
	case TP_EOF:
	case TP_ERROR:
		break;
	}
	net_join_hostport(hp, sizeof hp, s->host, s->port);
	snprintf(reason, sizeof reason, "TLS with %s failed: %s", hp, tp_error(&l->tp));
	fail(l, s, now, reason);
}

static void
connected(struct link *l, struct session *s, int64_t now)
{
	char err[256];
	int fd = l->tp.fd;

	if (!s->tls) {
		l->state = LINK_UP;
		sess_connected(s, now);
		return;
	}
	struct tls *ctx = tp_client_new(l->have_key ? &l->key : NULL, err, sizeof err);
	if (ctx == NULL) {
		fail(l, s, now, err);
		return;
	}
	if (tp_connect(&l->tp, ctx, fd, s->host) != 0) {
		snprintf(err, sizeof err, "TLS: %s", tls_error(ctx));
		tls_free(ctx);
		tp_plain(&l->tp, fd); /* so that link_close closes the socket */
		fail(l, s, now, err);
		return;
	}
	l->state = LINK_HANDSHAKE;
	handshake(l, s, now);
}

void
link_ready(struct link *l, struct session *s, short revents, int64_t now)
{
	if (l->state == LINK_CONNECTING && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(l->tp.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0) {
			char reason[SESS_HOST_LEN + SESS_PORT_LEN + 128];
			char hp[SESS_HOST_LEN + SESS_PORT_LEN + 8];
			net_join_hostport(hp, sizeof hp, s->host, s->port);
			snprintf(reason, sizeof reason, "%s: %s", hp, strerror(err));
			fail(l, s, now, reason);
			return;
		}
		connected(l, s, now);
	} else if (l->state == LINK_HANDSHAKE && revents != 0) {
		handshake(l, s, now);
	}
}

enum tp_io
link_read(struct link *l, void *buf, size_t cap, size_t *got)
{
	*got = 0;
	if (l->state != LINK_UP)
		return TP_WANT_READ;
	enum tp_io r = tp_read(&l->tp, buf, cap, got);
	l->read_wants_out = r == TP_WANT_WRITE;
	return r;
}

int
link_flush(struct link *l, struct session *s, char *err, size_t errcap)
{
	struct outbuf *ob = &s->out;

	while (l->state == LINK_UP && ob_pending(ob) > 0) {
		size_t n;
		enum tp_io r = tp_write(&l->tp, ob_data(ob), ob_pending(ob), &n);
		l->write_wants_in = r == TP_WANT_READ;
		if (r == TP_WANT_READ || r == TP_WANT_WRITE)
			return 0;
		if (r != TP_OK) {
			snprintf(err, errcap, "%s", tp_error(&l->tp));
			return -1;
		}
		sess_count_io(s, 0, (uint64_t)n);
		ob_consume(ob, n, OUTBUF_KEEP);
	}
	return 0;
}

int
link_trust_refused(struct link *l, struct session *s)
{
	char err[TLS_PATH_LEN + 128];

	if (s->refused_fp[0] == '\0') {
		sess_info(s, SB_INFO, "Nothing to trust: no certificate was refused");
		return -1;
	}
	if (trust_set(&l->trust, s->host, s->port, s->refused_fp) != 0) {
		sess_info(s, SB_ERROR, "TLS: the certificate could not be pinned");
		return -1;
	}
	if (l->dir[0] != '\0' && trust_save(&l->trust, l->dir, err, sizeof err) != 0)
		sess_info(s, SB_ERROR, "TLS: %s", err);
	sess_info(s, SB_INFO, "Now trusting SHA256:%s for %s", s->refused_fp, s->host);
	s->refused_fp[0] = s->pinned_fp[0] = '\0';
	return 0;
}
