#include "server/conn.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/ircmsg.h"
#include "common/net.h"
#include "common/redact.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/sasl.h"
#include "server/server.h"

void
conn_host_str(const struct sockaddr *sa, char *buf, size_t cap)
{
	net_addr_str(sa, buf + 1, cap - 1);
	/* "::1" would read as a trailing parameter inside 352/311 replies: write it "0::1". */
	if (buf[1] == ':')
		buf[0] = '0';
	else
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
}

struct conn *
conn_new(int fd, const struct sockaddr *sa)
{
	struct conn *c = xcalloc(1, sizeof *c);

	c->fd = fd;
	tp_plain(&c->tp, fd);
	c->id = ++srv.next_id;
	conn_host_str(sa, c->host, sizeof c->host);
	c->port = net_addr_port(sa);
	c->local = conn_is_local(fd, sa);
	lb_init(&c->in);
	ob_init(&c->out);
	c->connected_ms = c->last_rx_ms = c->tokens_ms = c->greeted_ms = srv.now_ms;
	c->tokens = FLOOD_BURST;
	c->lag_ms = -1;
	c->ping_done_ms = srv.now_ms;
	if (srv.trace)
		c->trace = xcalloc(1, sizeof *c->trace);
	return c;
}

int
conn_start_tls(struct conn *c, struct tls *server)
{
	if (tp_accept(&c->tp, server, c->fd) != 0)
		return -1;
	c->hs_events = POLLIN; /* the client speaks first */
	return 0;
}

bool
conn_handshake(struct conn *c)
{
	switch (tp_handshake(&c->tp)) {
	case TP_OK:
		c->hs_events = 0;
		return true;
	case TP_WANT_READ:
		c->hs_events = POLLIN;
		return false;
	case TP_WANT_WRITE:
		c->hs_events = POLLOUT;
		return false;
	case TP_EOF:
	case TP_ERROR:
		break;
	}
	conn_kill(c, "TLS handshake failed: %s", tp_error(&c->tp));
	return false;
}

short
conn_transport_events(const struct conn *c)
{
	if (!c->tp.handshaken)
		return c->hs_events;
	return (short)((c->read_wants_out ? POLLOUT : 0) | (c->write_wants_in ? POLLIN : 0));
}

void
conn_close(struct conn *c)
{
	size_t n;

	if (c->tp.handshaken && ob_pending(&c->out) > 0 &&
	    tp_write(&c->tp, ob_data(&c->out), ob_pending(&c->out), &n) == TP_OK) {
		conn_trace_written(c, ob_data(&c->out), n);
		ob_consume(&c->out, n, OUTBUF_KEEP);
		c->bytes_out += (uint64_t)n;
		srv.stats.bytes_out += (uint64_t)n;
	}
	tp_close(&c->tp);
	c->fd = -1;
}

void
conn_add(struct conn *c)
{
	if (srv.nconns == srv.capconns) {
		srv.capconns = srv.capconns ? srv.capconns * 2 : 64;
		srv.conns = xrealloc(srv.conns, srv.capconns * sizeof *srv.conns);
	}
	c->idx = srv.nconns;
	srv.conns[srv.nconns++] = c;
	if (srv.nconns > srv.stats.peak_clients)
		srv.stats.peak_clients = srv.nconns;
}

void
conn_free(struct conn *c)
{
	tp_close(&c->tp); /* a no-op after conn_close */
	ob_free(&c->out);
	free(c->chans);
	free(c->chanstatus);
	free(c->away);
	free(c->trace);
	if (c->sasl != NULL) /* it may hold a password on its way in */
		explicit_bzero(c->sasl, sizeof *c->sasl);
	free(c->sasl);
	free(c);
}

bool
conn_is_local(int fd, const struct sockaddr *sa)
{
	struct sockaddr_storage me;
	socklen_t len = sizeof me;

	if (getsockname(fd, (struct sockaddr *)&me, &len) != 0 || me.ss_family != sa->sa_family)
		return false;
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr ==
		    ((struct sockaddr_in *)(void *)&me)->sin_addr.s_addr;
	if (sa->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		           &((struct sockaddr_in6 *)(void *)&me)->sin6_addr,
		           sizeof(struct in6_addr)) == 0;
	return false;
}

const char *
conn_nick(const struct conn *c)
{
	return c->nick[0] ? c->nick : "*";
}

void
conn_prefix(const struct conn *c, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s!~%s@%s", conn_nick(c), c->user[0] ? c->user : "plain", c->host);
}

void
conn_send(struct conn *c, const char *line, size_t len)
{
	enum ob_result r;

	if (c->dead)
		return;
	r = ob_append(&c->out, line, len, srv.cfg.sendq);
	if (r == OB_FULL) {
		/*
		 * The SendQ counts what the client has not taken, not what this pass produced:
		 * before dropping anyone, hand the kernel what it will accept now, so a long
		 * reply (NAMES of a big channel) reaches a client that reads.
		 */
		conn_flush(c);
		if (c->dead)
			return;
		r = ob_append(&c->out, line, len, srv.cfg.sendq);
	}
	switch (r) {
	case OB_OK:
		cset_add(&srv.pending, &c->pending); /* room reserved on accept */
		c->lines_out++;
		srv.stats.lines_out++;
		return;
	case OB_FULL:
		srv.stats.sendq_drops++;
		/* Whatever is queued will never be read in time; drop it and the client. */
		ob_clear(&c->out);
		conn_kill(c, "SendQ exceeded");
		return;
	case OB_NOMEM:
		conn_kill(c, "Out of memory");
		return;
	}
}

static void
send_vline(struct conn *c, const char *head, const char *fmt, va_list ap)
{
	char line[IRC_LINE_MAX + 1];
	size_t n = str_copy(line, head, sizeof line);
	if (n > IRC_LINE_BODY)
		n = IRC_LINE_BODY;
	int m = vsnprintf(line + n, sizeof line - n, fmt, ap);
	if (m < 0)
		return;
	/* The buffer holds one byte past the limit, so the cut can see where a character ends. */
	n += (size_t)m < sizeof line - n ? (size_t)m : sizeof line - n - 1;
	n = san_utf8_cut(line, n, IRC_LINE_BODY);
	line[n++] = '\r';
	line[n++] = '\n';
	conn_send(c, line, n);
}

void
conn_printf(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	send_vline(c, "", fmt, ap);
	va_end(ap);
}

void
conn_reply(struct conn *c, const char *num, const char *fmt, ...)
{
	char head[SERVER_NAME_LEN + NICK_LEN + 16];
	va_list ap;

	snprintf(head, sizeof head, ":%s %s %s ", srv.cfg.name, num, conn_nick(c));
	va_start(ap, fmt);
	send_vline(c, head, fmt, ap);
	va_end(ap);
}

void
conn_notice(struct conn *c, const char *fmt, ...)
{
	char head[SERVER_NAME_LEN + NICK_LEN + 32];
	va_list ap;

	if (c->mode == CONN_PLAIN)
		str_copy(head, "*** ", sizeof head);
	else
		snprintf(head, sizeof head, ":%s NOTICE %s :", srv.cfg.name, conn_nick(c));
	va_start(ap, fmt);
	send_vline(c, head, fmt, ap);
	va_end(ap);
}

void
conn_notice_from(struct conn *c, const char *service, const char *fmt, ...)
{
	char head[SERVER_NAME_LEN + 2 * NICK_LEN + 48];
	va_list ap;

	if (c->mode == CONN_PLAIN)
		snprintf(head, sizeof head, "-%s- ", service);
	else
		snprintf(head, sizeof head, ":%s!%s@services.%s NOTICE %s :", service, service,
		    srv.cfg.name, conn_nick(c));
	va_start(ap, fmt);
	send_vline(c, head, fmt, ap);
	va_end(ap);
}

/* Records why the connection ends and marks it for the reaper; tell sends the ERROR first. */
static void
vkill(struct conn *c, bool tell, const char *fmt, va_list ap)
{
	if (c->dead)
		return;
	vsnprintf(c->reason, sizeof c->reason, fmt, ap);
	if (tell && c->mode == CONN_PLAIN) {
		/* The reason may quote the user's own words ("/quit ..."): a terminal shows it. */
		char safe[CONN_REASON_LEN * 4];
		san_text(safe, sizeof safe, c->reason, strlen(c->reason), SAN_STRIP_FORMAT);
		conn_printf(c, "*** Closing link: %s", safe);
	} else if (tell)
		conn_printf(
		    c, "ERROR :Closing link: %s[%s] (%s)", conn_nick(c), c->host, c->reason);
	c->dead = true;
	cset_add(&srv.dying, &c->dying); /* room reserved on accept */
}

void
conn_kill(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vkill(c, false, fmt, ap);
	va_end(ap);
}

void
conn_close_link(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vkill(c, true, fmt, ap);
	va_end(ap);
}

enum conn_read_result
conn_read(struct conn *c)
{
	size_t avail, n;
	char *p = lb_space(&c->in, &avail);

	if (avail == 0)
		return CONN_READ_NONE;
	enum tp_io r = tp_read(&c->tp, p, avail, &n);
	c->read_wants_out = r == TP_WANT_WRITE;
	switch (r) {
	case TP_OK: {
		size_t keep = lb_pending(&c->in);
		lb_commit(&c->in, n);
		if (c->mode != CONN_IRC) {
			/* People may use telnet; IRC clients never send IAC, BS or DEL. */
			char reply[TELNET_REPLY_PER_BYTE * IRC_LINE_MAX];
			size_t rlen;
			/* lb_space left the pending bytes at its start, just before p. */
			size_t total = telnet_filter(&c->telnet, p - keep, keep, keep + n, reply,
			    sizeof reply, &rlen);
			lb_truncate(&c->in, total);
			if (rlen > 0)
				conn_send(c, reply, rlen);
		}
		c->bytes_in += (uint64_t)n;
		srv.stats.bytes_in += (uint64_t)n;
		return n == avail ? CONN_READ_FULL : CONN_READ_SOME;
	}
	case TP_WANT_READ:
	case TP_WANT_WRITE:
		return CONN_READ_NONE;
	case TP_EOF:
		conn_kill(c, "Connection closed");
		return CONN_READ_DEAD;
	case TP_ERROR:
		break;
	}
	conn_kill(c, "Read error: %s", tp_error(&c->tp));
	return CONN_READ_DEAD;
}

void
conn_flush(struct conn *c)
{
	size_t len = ob_pending(&c->out), n;
	bool hot;

	if (len == 0)
		return;
	if (c->flush_pass + 1 != srv.pass)
		c->hot_passes = 0;
	else if (c->hot_passes < OUTBUF_HOT_PASSES)
		c->hot_passes++;
	hot = c->hot_passes >= OUTBUF_HOT_PASSES;
	c->flush_pass = srv.pass;
	enum tp_io r = tp_write(&c->tp, ob_data(&c->out), len, &n);
	c->write_wants_in = r == TP_WANT_READ;
	if (r == TP_OK) {
		if (c->trace != NULL)
			conn_trace_written(c, ob_data(&c->out), n);
		/*
		 * A client written to on pass after pass fills its buffer again at once: keep
		 * it rather than free and regrow it every pass (the tick trims it later). The
		 * rest, such as a registration burst, give a large buffer back now, so that
		 * thousands of idle connections stay small.
		 */
		ob_consume(&c->out, n, hot ? SIZE_MAX : OUTBUF_KEEP);
		c->bytes_out += (uint64_t)n;
		srv.stats.bytes_out += (uint64_t)n;
	} else if (r == TP_ERROR || r == TP_EOF) {
		ob_clear(&c->out);
		conn_kill(c, "Write error: %s", tp_error(&c->tp));
	}
}

void
conn_set_nick(struct conn *c, const char *nick)
{
	if (c->nickfold[0])
		hmap_del(&srv.nicks, c->nickfold);
	str_copy(c->nick, nick, sizeof c->nick);
	irc_casefold(c->nickfold, nick, sizeof c->nickfold);
	if (hmap_put(&srv.nicks, c->nickfold, c) < 0) {
		log_error("out of memory adding nick %s", nick);
		exit(1);
	}
}

bool
conn_in_channel(const struct conn *c, const struct channel *ch)
{
	for (int i = 0; i < c->nchans; i++)
		if (c->chans[i] == ch)
			return true;
	return false;
}

void
conn_trace(struct conn *c, bool out, const char *line, size_t len)
{
	struct conn_trace *t = c->trace;
	if (t == NULL)
		return;
	/* The dashboard shows these lines: never a password that one of them carries. */
	len = redact_line(line, len, t->ring[t->head].text, TRACE_TEXT);
	t->ring[t->head].ms = srv.now_ms;
	t->ring[t->head].out = out;
	t->ring[t->head].len = (unsigned short)len;
	t->head = (t->head + 1) % TRACE_LINES;
	if (t->count < TRACE_LINES)
		t->count++;
}

/*
 * Outgoing lines are traced per write, not per message: a busy client gets hundreds of lines
 * a pass and the ring keeps only a few, so only those are copied. It also shows what really
 * went out, when it went. One write records at most half the ring, so that a burst (the
 * welcome, a NAMES list) never pushes out every line the client sent.
 */
void
conn_trace_written(struct conn *c, const char *data, size_t n)
{
	struct conn_trace *t = c->trace;
	size_t starts[TRACE_LINES / 2], ends[TRACE_LINES / 2], k = 0, e = n;

	if (t == NULL || n == 0)
		return;
	while (e > 0 && data[e - 1] != '\n')
		e--; /* a line cut by a partial write is traced when its end goes out */
	while (e > 0 && k < TRACE_LINES / 2) {
		const char *nl = e >= 2 ? memrchr(data, '\n', e - 1) : NULL;
		size_t s = nl != NULL ? (size_t)(nl - data) + 1 : 0;
		if (s > 0 || !t->out_midline) {
			starts[k] = s;
			ends[k] = e;
			k++;
		}
		e = s;
	}
	while (k-- > 0) {
		size_t len = ends[k] - starts[k];
		while (len > 0 &&
		    (data[starts[k] + len - 1] == '\n' || data[starts[k] + len - 1] == '\r'))
			len--;
		conn_trace(c, true, data + starts[k], len);
	}
	t->out_midline = data[n - 1] != '\n';
}
