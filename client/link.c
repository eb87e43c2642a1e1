/*
 * link: the connection to the server as bytes: a non-blocking socket, the lines read from it
 * and what the session queued for it. The session decides what to say; the link moves it.
 */
#include "client/link.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "common/util.h"

enum {
	READ_CHUNK_MAX = 64,   /* reads of the socket per pass */
	QUIT_FLUSH_MS = 500    /* how long /quit waits for its QUIT to leave */
};

void
link_init(struct link *k)
{
	memset(k, 0, sizeof *k);
	k->fd = -1;
	lb_init(&k->lb);
}


void
link_close(struct link *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
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
	k->fd = net_connect(s->host, s->port, err, sizeof err);
	if (k->fd == NET_UNRESOLVED) {
		k->fd = -1;
		if (k->down_since == 0)
			k->down_since = now;
		sess_unresolved(s, err, now);
	} else if (k->fd < 0) {
		link_lose(k, s, err, now);
	}
}

/* Writes what is queued; returns -1 if the connection broke. */
int
link_flush(struct link *k, struct session *s)
{
	struct outbuf *ob = &s->out;

	while (k->fd >= 0 && s->state != SESS_CONNECTING && ob_pending(ob) > 0) {
		ssize_t n = write(k->fd, ob_data(ob), ob_pending(ob));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		sess_count_io(s, 0, (uint64_t)n);
		ob_consume(ob, (size_t)n, OUTBUF_KEEP);
	}
	return 0;
}

/* Gives a QUIT a short, bounded chance to reach the server before the socket closes. */
void
link_flush_before_close(struct link *k, struct session *s)
{
	int64_t end = clock_ms() + QUIT_FLUSH_MS;
	while (k->fd >= 0 && ob_pending(&s->out) > 0 && s->state != SESS_CONNECTING) {
		int64_t left = end - clock_ms();
		if (left <= 0 || link_flush(k, s) < 0)
			break;
		struct pollfd p = { .fd = k->fd, .events = POLLOUT };
		if (ob_pending(&s->out) > 0 && poll(&p, 1, (int)left) <= 0)
			break;
	}
}

void
link_finish_connect(struct link *k, struct session *s, int64_t now)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0) {
		char reason[SESS_HOST_LEN + SESS_PORT_LEN + 128], hp[SESS_HOST_LEN + SESS_PORT_LEN + 8];
		net_join_hostport(hp, sizeof hp, s->host, s->port);
		snprintf(reason, sizeof reason, "%s: %s", hp, strerror(err));
		link_lose(k, s, reason, now);
		return;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getpeername(k->fd, (struct sockaddr *)&ss, &sl) == 0) {
		net_addr_str((struct sockaddr *)&ss, k->peer, sizeof k->peer);
		k->peer_port = net_addr_port((struct sockaddr *)&ss);
	}
	sess_connected(s, now);
}

/* Reads and handles up to LINES_PER_DRAW lines, so typing stays quick under a flood. */
void
link_read(struct link *k, struct session *s, int64_t now)
{
	int lines = 0, reads = 0;
	bool eof = false;
	char reason[SESS_REASON_LEN] = "connection closed by server";

	while (lines < LINES_PER_DRAW && k->fd >= 0) {
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
		size_t avail;
		char *space = lb_space(&k->lb, &avail);
		ssize_t n = read(k->fd, space, avail);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			snprintf(reason, sizeof reason, "%s", strerror(errno));
			eof = true;
			continue;
		}
		if (n == 0) {
			eof = true;
			continue;
		}
		sess_count_io(s, (uint64_t)n, 0);
		lb_commit(&k->lb, (size_t)n);
	}
	if (eof && k->fd >= 0) {
		/* An ERROR line said why; keep that rather than the bare EOF. */
		link_lose(k, s, s->reason[0] && s->want_close ? s->reason : reason, now);
	}
}

