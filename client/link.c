/*
 * link: the connection to the server, plain or TLS: connect, handshake, the trust decision,
 * the lines read from it and what the session queued for it. The session decides what to
 * say; the link moves it.
 */
#include "client/link.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <tls.h>

#include "common/util.h"

enum {
	READ_CHUNK_MAX = 64, /* reads of the socket per pass */
	QUIT_FLUSH_MS = 500  /* how long /quit waits for its QUIT to leave */
};

void
link_init(struct link *k, struct session *s)
{
	char err[TLS_PATH_LEN + 256];

	memset(k, 0, sizeof *k);
	k->tp.fd = -1;
	lb_init(&k->lb);
	if (tlskey_state_dir(NULL, "lanchat", k->dir, sizeof k->dir, err, sizeof err) != 0) {
		k->dir[0] = '\0';
		sess_info(
		    s, SB_ERROR, "TLS: %s; servers are not remembered, no client certificate", err);
		return;
	}
	if (tlskey_ensure(k->dir, "lanchat client", &k->key, err, sizeof err) != 0)
		sess_info(s, SB_ERROR, "TLS: %s; connecting without a client certificate", err);
	else
		k->have_key = s->have_cert = true;
	if (trust_load(&k->trust, k->dir, err, sizeof err) != 0)
		sess_info(s, SB_ERROR, "TLS: %s; no server is pinned until it is fixed", err);
	else if (k->trust.bad > 0)
		sess_info(s, SB_ERROR, "TLS: %zu line%s of %s/%s could not be read and pin nothing",
		    k->trust.bad, k->trust.bad == 1 ? "" : "s", k->dir, TRUST_FILE);
}

void
link_free(struct link *k)
{
	link_close(k);
	trust_free(&k->trust);
}

void
link_close(struct link *k)
{
	tp_close(&k->tp);
	k->state = LINK_DOWN;
	k->read_wants_out = k->write_wants_in = false;
	lb_init(&k->lb);
}

void
link_lose(struct link *k, struct session *s, const char *reason, int64_t now)
{
	if (k->down_since == 0)
		k->down_since = now;
	link_close(k);
	sess_lost(s, reason, now);
}

void
link_connect(struct link *k, struct session *s, int64_t now)
{
	char err[256] = "";

	link_close(k);
	sess_connecting(s, now);
	int fd = net_connect(s->host, s->port, err, sizeof err);
	if (fd == NET_UNRESOLVED) {
		if (k->down_since == 0)
			k->down_since = now;
		sess_unresolved(s, err, now);
	} else if (fd < 0) {
		link_lose(k, s, err, now);
	} else {
		tp_plain(&k->tp, fd);
		k->state = LINK_CONNECTING;
	}
}

int
link_fd(const struct link *k)
{
	return k->state == LINK_DOWN ? -1 : k->tp.fd;
}

short
link_events(const struct link *k, bool output)
{
	switch (k->state) {
	case LINK_DOWN:
		return 0;
	case LINK_CONNECTING:
		return POLLOUT;
	case LINK_HANDSHAKE:
		return k->hs_events;
	case LINK_UP:
		break;
	}
	return (short)(POLLIN | (output || k->read_wants_out ? POLLOUT : 0));
}

bool
link_pending(const struct link *k)
{
	return k->state == LINK_UP && (lb_ready(&k->lb) || k->tp.pending);
}

static bool
is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* The handshake is over: is this the server we mean? */
static void
judge(struct link *k, struct session *s, int64_t now)
{
	const char *fp = k->tp.peer_fp;
	char hp[SESS_HOST_LEN + SESS_PORT_LEN + 8], err[TLS_PATH_LEN + 128];
	bool ca_ok = false;

	net_join_hostport(hp, sizeof hp, s->host, s->port);
	if (fp == NULL) {
		link_lose(k, s, "the server presented no certificate", now);
		return;
	}
	/* A real certificate for a host name needs no pin; LAN addresses never have one. */
	if (!is_ip_literal(s->host)) {
		size_t len;
		const void *chain = tp_peer_chain(&k->tp, &len);
		ca_ok = chain != NULL && tlskey_ca_verifies(chain, len, s->host);
	}
	switch (trust_decide(&k->trust, s->host, s->port, fp, s->expect_fp, ca_ok)) {
	case TRUST_ACCEPT:
	case TRUST_ACCEPT_CA:
		k->state = LINK_UP;
		sess_secured(s, fp, false, now);
		return;
	case TRUST_ACCEPT_NEW:
		k->state = LINK_UP;
		if (trust_set(&k->trust, s->host, s->port, fp) != 0 || k->dir[0] == '\0')
			sess_info(s, SB_ERROR, "TLS: %s could not be remembered", hp);
		else if (trust_save(&k->trust, k->dir, err, sizeof err) != 0)
			sess_info(s, SB_ERROR, "TLS: %s", err);
		sess_secured(s, fp, true, now);
		return;
	case TRUST_REFUSE_CHANGED:
		str_copy(
		    s->pinned_fp, trust_lookup(&k->trust, s->host, s->port), sizeof s->pinned_fp);
		str_copy(s->refused_fp, fp, sizeof s->refused_fp);
		s->user_quit = true; /* no retry: it would be refused again */
		link_lose(
		    k, s, "the server's certificate has changed: not connected (see above)", now);
		return;
	case TRUST_REFUSE_BEACON:
		sess_info(s, SB_ERROR,
		    "Refused %s: a server on the LAN is announcing itself with a certificate that "
		    "is not its own. Its beacon said SHA256:%s, the server presented SHA256:%s.",
		    hp, s->expect_fp, fp);
		s->user_quit = true;
		link_lose(k, s, "a beacon named another certificate for this server: refused", now);
		return;
	}
}

static void
handshake(struct link *k, struct session *s, int64_t now)
{
	char reason[SESS_HOST_LEN + SESS_PORT_LEN + 300], hp[SESS_HOST_LEN + SESS_PORT_LEN + 8];

	switch (tp_handshake(&k->tp)) {
	case TP_OK:
		judge(k, s, now);
		return;
	case TP_WANT_READ:
		k->hs_events = POLLIN;
		return;
	case TP_WANT_WRITE:
		k->hs_events = POLLOUT;
		return;
	case TP_EOF:
	case TP_ERROR:
		break;
	}
	net_join_hostport(hp, sizeof hp, s->host, s->port);
	snprintf(reason, sizeof reason, "TLS with %s failed: %s", hp, tp_error(&k->tp));
	link_lose(k, s, reason, now);
}

/* TCP is up: note whom we reached, then say so or start TLS. */
static void
connected(struct link *k, struct session *s, int64_t now)
{
	char err[256];
	int fd = k->tp.fd;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
		net_addr_str((struct sockaddr *)&ss, k->peer, sizeof k->peer);
		k->peer_port = net_addr_port((struct sockaddr *)&ss);
	}
	if (!s->tls) {
		k->state = LINK_UP;
		sess_connected(s, now);
		return;
	}
	struct tls *ctx = tp_client_new(k->have_key ? &k->key : NULL, err, sizeof err);
	if (ctx == NULL) {
		link_lose(k, s, err, now);
		return;
	}
	if (tp_connect(&k->tp, ctx, fd, s->host) != 0) {
		snprintf(err, sizeof err, "TLS: %s", tls_error(ctx));
		tls_free(ctx);
		tp_plain(&k->tp, fd); /* so that link_close closes the socket */
		link_lose(k, s, err, now);
		return;
	}
	k->state = LINK_HANDSHAKE;
	handshake(k, s, now);
}

void
link_ready(struct link *k, struct session *s, short revents, int64_t now)
{
	if (k->state == LINK_CONNECTING && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(k->tp.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0) {
			char reason[SESS_HOST_LEN + SESS_PORT_LEN + 128];
			char hp[SESS_HOST_LEN + SESS_PORT_LEN + 8];
			net_join_hostport(hp, sizeof hp, s->host, s->port);
			snprintf(reason, sizeof reason, "%s: %s", hp, strerror(err));
			link_lose(k, s, reason, now);
			return;
		}
		connected(k, s, now);
	} else if (k->state == LINK_HANDSHAKE && revents != 0) {
		handshake(k, s, now);
	} else if (k->state == LINK_UP &&
	    ((revents & (POLLIN | POLLERR | POLLHUP)) || link_pending(k) ||
	        (k->read_wants_out && (revents & POLLOUT)))) {
		link_read(k, s, now);
	}
}

int
link_flush(struct link *k, struct session *s, char *err, size_t errcap)
{
	struct outbuf *ob = &s->out;

	while (k->state == LINK_UP && ob_pending(ob) > 0) {
		size_t n;
		enum tp_io r = tp_write(&k->tp, ob_data(ob), ob_pending(ob), &n);
		k->write_wants_in = r == TP_WANT_READ;
		if (r == TP_WANT_READ || r == TP_WANT_WRITE)
			return 0;
		if (r != TP_OK) {
			snprintf(err, errcap, "%s", tp_error(&k->tp));
			return -1;
		}
		sess_count_io(s, 0, (uint64_t)n);
		ob_consume(ob, n, OUTBUF_KEEP);
	}
	return 0;
}

/* Gives a QUIT a short, bounded chance to reach the server before the socket closes. */
void
link_flush_before_close(struct link *k, struct session *s)
{
	int64_t end = clock_ms() + QUIT_FLUSH_MS;
	char err[256];

	while (k->state == LINK_UP && ob_pending(&s->out) > 0) {
		int64_t left = end - clock_ms();
		if (left <= 0 || link_flush(k, s, err, sizeof err) < 0)
			break;
		struct pollfd p = { .fd = link_fd(k), .events = link_events(k, true) };
		if (ob_pending(&s->out) > 0 && poll(&p, 1, (int)left) <= 0)
			break;
	}
}

/* Reads and handles up to LINES_PER_DRAW lines, so typing stays quick under a flood. */
void
link_read(struct link *k, struct session *s, int64_t now)
{
	int lines = 0, reads = 0;
	bool eof = false;
	char reason[SESS_REASON_LEN] = "connection closed by server";

	while (lines < LINES_PER_DRAW && k->state == LINK_UP) {
		char *line;
		size_t len;
		enum lb_result r = lb_next(&k->lb, &line, &len);
		if (r == LB_LINE) {
			sess_feed(s, line, now, time(NULL));
			lines++;
			continue;
		}
		if (r == LB_TOOLONG) {
			sb_add(s->wire, time(NULL), SB_WIRE_IN, 0, NULL, NULL,
			    "(line longer than 512 bytes dropped)");
			continue;
		}
		if (eof || reads++ >= READ_CHUNK_MAX)
			break;
		size_t avail, n;
		char *space = lb_space(&k->lb, &avail);
		enum tp_io io = tp_read(&k->tp, space, avail, &n);
		k->read_wants_out = io == TP_WANT_WRITE;
		if (io == TP_WANT_READ || io == TP_WANT_WRITE)
			break;
		if (io == TP_ERROR)
			snprintf(reason, sizeof reason, "%s", tp_error(&k->tp));
		if (io != TP_OK) {
			eof = true;
			continue;
		}
		sess_count_io(s, (uint64_t)n, 0);
		lb_commit(&k->lb, n);
	}
	if (eof && k->state == LINK_UP) {
		/* An ERROR line said why; keep that rather than the bare EOF. */
		link_lose(k, s, s->reason[0] && s->want_close ? s->reason : reason, now);
	}
}

uint32_t
link_local_ipv4(const struct link *k)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (link_fd(k) < 0 || getsockname(link_fd(k), (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	const struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (ss.ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		uint32_t v;
		memcpy(&v, &s6->sin6_addr.s6_addr[12], 4);
		return ntohl(v);
	}
	return 0;
}

int
link_trust_refused(struct link *k, struct session *s)
{
	char err[TLS_PATH_LEN + 128];

	if (s->refused_fp[0] == '\0') {
		sess_info(s, SB_INFO, "Nothing to trust: no certificate was refused");
		return -1;
	}
	if (trust_set(&k->trust, s->host, s->port, s->refused_fp) != 0) {
		sess_info(s, SB_ERROR, "TLS: the certificate could not be pinned");
		return -1;
	}
	if (k->dir[0] != '\0' && trust_save(&k->trust, k->dir, err, sizeof err) != 0)
		sess_info(s, SB_ERROR, "TLS: %s", err);
	sess_info(s, SB_INFO, "Now trusting SHA256:%s for %s", s->refused_fp, s->host);
	s->refused_fp[0] = s->pinned_fp[0] = '\0';
	return 0;
}
