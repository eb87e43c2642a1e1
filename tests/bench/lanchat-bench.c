/*
 * lanchat-bench: a load generator for IRC servers on loopback.
 *
 * Opens N connections, registers them, joins one channel and has S of them send PRIVMSG
 * carrying a sequence number and a CLOCK_MONOTONIC send time; every receiver records one-way
 * latency, loss and per-sender order. Modes: fanout (fixed total rate or a per-sender window of
 * in-flight messages), pingpong (one message in flight between two clients), storm (idle
 * clients connecting C at a time; registration time and server RSS per connection) and plain
 * (fanout over lanchatd's plain-text protocol). --tls runs any mode over TLS (libtls,
 * through lanchat's own transport; certificates are not checked: this measures servers).
 * --idle N adds a second pool of N registered
 * clients that never say anything, so the same load runs beside a crowd of idle connections;
 * --quiet SECS has everyone stay silent that long before the run starts.
 * firstline: N clients register and stay silent for --quiet seconds, then each says one line
 * to a listening client, paced at -r lines a second: the latency of the first line from a
 * client that has been idle. One thread, one epoll loop, non-blocking sockets. Refuses any target that is not loopback and bounds every run in time.
 * Ends with one machine-readable "RESULT key=value ..." line.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/outbuf.h"
#include "common/transport.h"
#include "tests/bench/bench_hist.h"
#include "tests/bench/bench_line.h"
#include "tests/bench/bench_net.h"
#include "tests/bench/bench_opts.h"
#include "tests/bench/bench_proc.h"

enum {
	BENCH_READ_CHUNK = 64 * 1024,   /* bytes read per read() call */
	BENCH_READS_PER_EVENT = 8,      /* reads per ready socket per pass (fairness) */
	BENCH_PART_MAX = 2048,          /* a partial line longer than this is dropped */
	BENCH_OUT_LIMIT = 1024 * 1024,  /* bytes queued towards the server per client */
	BENCH_EVENTS = 512,
	BENCH_TICK_MS = 10,             /* housekeeping granularity */
	BENCH_QUIET_MS = 200,           /* silence that ends the settle phase */
	BENCH_SETTLE_MAX_MS = 5000,
	BENCH_SYNC_MS = 200,            /* plain mode: interval of the readiness probe */
	BENCH_PINGPONG_STALL_MS = 1000, /* pingpong: resend after this long without an answer */
	BENCH_RATE_TICK_MIN_NS = 100000, /* rate mode timer never fires more often */
};

#define BENCH_MARK "LCB "
#define BENCH_SYNC "LCBSYNC"
#define NS 1000000000LL

enum phase { PH_SETUP, PH_SETTLE, PH_QUIET, PH_RUN, PH_DRAIN, PH_HOLD, PH_DONE };
enum cstate { CS_IDLE, CS_CONNECTING, CS_REGISTERING, CS_JOINING, CS_READY, CS_DEAD };

struct bclient {
	int fd;
	struct transport tp; /* plain socket, or TLS with --tls */
	bool hs;             /* TLS handshake in progress */
	enum cstate st;
	bool want_out;   /* EPOLLOUT requested */
	bool dirty;      /* output queued since the last flush */
	char nick[BENCH_NICK_MAX];
	size_t partlen;
	char *part;      /* the unfinished last line of the previous read */
	struct outbuf out;
};

static struct bench_opts o;

static struct state {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int ep, timer;
	struct bclient *c;
	enum phase phase;
	int64_t t_start, t_phase, t_deadline, t_last_rx, t_run_start, t_run_end, t_last_sync;
	int64_t t_first_connect, t_last_ready, t_pp_sent;
	int total;           /* connections: o.clients, then the idle pool */
	int rx_rows;         /* clients that receive measured messages */
	int next_connect, inflight, nready, ndead, ndead_active, ndead_idle, nregistered;
	int next_talker;     /* firstline: the next client to say its line */
	uint64_t *rx_count;  /* [receiver * senders + sender]: messages received */
	uint32_t *rx_next;   /* [receiver * senders + sender]: highest sequence seen + 1 */
	uint64_t *sent;      /* [sender] */
	uint64_t total_sent, delivered, delivered_in_run, ooo, unsent;
	struct hist lat;
	struct proc_sample p_run0, p_run1;
	long rss_before_kb, rss_after_kb;
	char first_error[160];
	char pad[BENCH_PAYLOAD_MAX + 1];
} s;

static volatile sig_atomic_t stop_flag;

static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("lanchat-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
note_error(int idx, const char *what, const char *detail)
{
	if (s.first_error[0] == '\0')
		snprintf(s.first_error, sizeof s.first_error, "client %d: %s%s%.100s", idx, what,
		    detail ? ": " : "", detail ? detail : "");
}


static void
ep_set(int idx, bool out)
{
	struct epoll_event ev = {0};
	struct bclient *c = &s.c[idx];

	if (c->want_out == out)
		return;
	ev.events = EPOLLIN | (out ? EPOLLOUT : 0);
	ev.data.u32 = (uint32_t)idx;
	if (epoll_ctl(s.ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->want_out = out;
}

static void
client_dead(int idx, const char *why, const char *detail)
{
	struct bclient *c = &s.c[idx];

	if (c->st == CS_DEAD)
		return;
	if (c->st == CS_CONNECTING || c->st == CS_REGISTERING)
		s.inflight--;
	if (c->st == CS_READY)
		s.nready--;
	note_error(idx, why, detail);
	/* Only the measured clients count: idle-pool clients and firstline talkers a server
	 * could not take make the run smaller, not void. */
	if (idx < o.clients && (o.mode != MODE_FIRSTLINE || idx == 0))
		s.ndead_active++;
	if (idx >= o.clients)
		s.ndead_idle++;
	if (c->fd >= 0) {
		epoll_ctl(s.ep, EPOLL_CTL_DEL, c->fd, NULL);
		tp_close(&c->tp); /* and the socket */
	}
	c->fd = -1;
	c->st = CS_DEAD;
	s.ndead++;
}

static void
queue(int idx, const char *buf, size_t len)
{
	struct bclient *c = &s.c[idx];

	if (c->st == CS_DEAD)
		return;
	if (ob_append(&c->out, buf, len, BENCH_OUT_LIMIT) != OB_OK) {
		s.unsent++;
		return;
	}
	c->dirty = true;
}

static void
queuef(int idx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
queuef(int idx, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof buf)
		queue(idx, buf, (size_t)n);
}

static void
flush(int idx)
{
	struct bclient *c = &s.c[idx];
	size_t n;

	c->dirty = false;
	if (c->st == CS_DEAD || c->st == CS_CONNECTING || c->hs)
		return;
	while (ob_pending(&c->out) > 0) {
		enum tp_io r = tp_write(&c->tp, ob_data(&c->out), ob_pending(&c->out), &n);
		if (r == TP_OK) {
			ob_consume(&c->out, n, BENCH_OUT_LIMIT);
			continue;
		}
		if (r == TP_WANT_WRITE || r == TP_WANT_READ)
			break;
		client_dead(idx, "write", tp_error(&c->tp));
		return;
	}
	ep_set(idx, ob_pending(&c->out) > 0);
}

static void
flush_dirty(void)
{
	int i;

	for (i = 0; i < s.total; i++)
		if (s.c[i].dirty)
			flush(i);
}

static void
client_start(int idx)
{
	struct bclient *c = &s.c[idx];
	struct epoll_event ev = {0};
	int one = 1;

	c->fd = socket(s.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		c->st = CS_CONNECTING;
		s.inflight++;
		client_dead(idx, "socket", strerror(errno));
		return;
	}
	tp_plain(&c->tp, c->fd);
	/* Measure the server, not Nagle's algorithm in the generator. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (struct sockaddr *)&s.addr, s.addrlen) != 0 && errno != EINPROGRESS) {
		c->st = CS_CONNECTING;
		s.inflight++;
		client_dead(idx, "connect", strerror(errno));
		return;
	}
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.u32 = (uint32_t)idx;
	epoll_ctl(s.ep, EPOLL_CTL_ADD, c->fd, &ev);
	c->want_out = true;
	c->st = CS_CONNECTING;
	s.inflight++;
	if (s.t_first_connect == 0)
		s.t_first_connect = now_ns();
	snprintf(c->nick, sizeof c->nick, "%s%d", o.nick, idx);
	if (o.mode == MODE_PLAIN)
		/* The first line makes the connection a plain one and is already a message. */
		queuef(idx, "%s hello %d\r\n", idx == 0 ? BENCH_SYNC : "LCBHELLO", idx);
	else
		queuef(idx, "NICK %s\r\nUSER %s 0 * :lanchat-bench\r\n", c->nick, c->nick);
}

static void
client_ready(int idx)
{
	struct bclient *c = &s.c[idx];

	if (c->st == CS_READY || c->st == CS_DEAD)
		return;
	if (c->st == CS_CONNECTING || c->st == CS_REGISTERING)
		s.inflight--;
	c->st = CS_READY;
	s.nready++;
	s.t_last_ready = now_ns();
}

static void
client_registered(int idx)
{
	struct bclient *c = &s.c[idx];

	s.nregistered++;
	if (o.oper != NULL && idx < o.senders) {
		char name[64];
		const char *colon = strchr(o.oper, ':');
		size_t nl = colon ? (size_t)(colon - o.oper) : strlen(o.oper);
		if (nl >= sizeof name)
			nl = sizeof name - 1;
		memcpy(name, o.oper, nl);
		name[nl] = '\0';
		queuef(idx, "OPER %s %s\r\n", name, colon ? colon + 1 : "");
		if (o.umode != NULL)
			queuef(idx, "MODE %s %s\r\n", c->nick, o.umode);
	}
	/* The idle pool and the firstline talkers stay out of every channel. */
	if ((o.mode == MODE_STORM && !o.join) || o.mode == MODE_FIRSTLINE || idx >= o.clients) {
		client_ready(idx);
		return;
	}
	s.inflight--;
	c->st = CS_JOINING;
	queuef(idx, "JOIN %s\r\n", o.channel);
}

/* "LCB sender seq time pad": a measured message, wherever it sits in the line. */
static void
on_data(int r, const char *p, int64_t t_rx)
{
	uint64_t snd = bl_decimal(&p);
	uint32_t seq = (uint32_t)bl_decimal(&p);
	int64_t t_tx = (int64_t)bl_decimal(&p);
	size_t k;

	if (snd >= (uint64_t)o.senders || (int)snd == r || t_tx <= 0 || r >= s.rx_rows)
		return;
	k = (size_t)r * (size_t)o.senders + snd;
	s.rx_count[k]++;
	if (seq + 1 > s.rx_next[k])
		s.rx_next[k] = seq + 1;
	else
		s.ooo++;
	s.delivered++;
	if (t_rx >= s.t_run_start && s.phase == PH_RUN)
		s.delivered_in_run++;
	hist_add(&s.lat, t_rx > t_tx ? (uint64_t)(t_rx - t_tx) : 0);
	if (o.mode == MODE_PINGPONG && r < 2 && s.phase == PH_RUN) {
		/* The answer goes out as soon as the message is in. */
		queuef(r, "PRIVMSG %s :" BENCH_MARK "%d %" PRIu64 " %" PRId64 " %s\r\n", o.channel,
		    r, s.sent[r], now_ns(), s.pad);
		s.sent[r]++;
		s.total_sent++;
		s.t_pp_sent = now_ns();
	}
}

static void
on_line(int idx, char *line, int64_t t_rx)
{
	struct bclient *c = &s.c[idx];
	const char *cmd, *src, *mark;
	size_t srclen;

	/* An IRC message's text follows the first " :"; look there before scanning the line. */
	mark = line[0] == ':' ? strstr(line + 1, " :") : NULL;
	if (mark != NULL && strncmp(mark + 2, BENCH_MARK, strlen(BENCH_MARK)) == 0)
		mark += 2;
	else
		mark = strstr(line, BENCH_MARK);
	if (c->st == CS_READY && mark != NULL &&
	    (mark == line || mark[-1] == ':' || mark[-1] == ' ')) {
		on_data(idx, mark + strlen(BENCH_MARK), t_rx);
		return;
	}
	cmd = bl_command(line, &src, &srclen);
	if (strncmp(cmd, "PING ", 5) == 0) {
		queuef(idx, "PONG %s\r\n", cmd + 5);
		return;
	}
	if (strncmp(cmd, "ERROR", 5) == 0) {
		client_dead(idx, "server closed", cmd);
		return;
	}
	if (o.mode == MODE_PLAIN) {
		if (strstr(line, BENCH_SYNC) != NULL && idx != 0 && c->st != CS_READY) {
			client_ready(idx);
			client_ready(0);
		}
		return;
	}
	if (c->st == CS_REGISTERING) {
		if (strncmp(cmd, "001 ", 4) == 0)
			client_registered(idx);
		else if (strncmp(cmd, "433 ", 4) == 0 || strncmp(cmd, "432 ", 4) == 0)
			client_dead(idx, "nickname refused", cmd);
		return;
	}
	if (c->st == CS_JOINING && strncmp(cmd, "JOIN ", 5) == 0 &&
	    bl_source_is(src, srclen, c->nick)) {
		client_ready(idx);
		return;
	}
	if (c->st == CS_JOINING && (strncmp(cmd, "403 ", 4) == 0 ||
	    strncmp(cmd, "405 ", 4) == 0 || strncmp(cmd, "471 ", 4) == 0))
		client_dead(idx, "join refused", cmd);
}

static void
on_readable(int idx)
{
	static char buf[BENCH_PART_MAX + BENCH_READ_CHUNK + 1];
	struct bclient *c = &s.c[idx];
	int round;

	for (round = 0; round < BENCH_READS_PER_EVENT && c->st != CS_DEAD; round++) {
		size_t have = c->partlen, off = 0, n;
		int64_t t;
		char *nl;

		memcpy(buf, c->part, have);
		enum tp_io r = tp_read(&c->tp, buf + have, BENCH_READ_CHUNK, &n);
		if (r == TP_WANT_READ || r == TP_WANT_WRITE)
			return;
		if (r != TP_OK) {
			client_dead(idx, r == TP_EOF ? "connection closed" : "read",
			    r == TP_EOF ? NULL : tp_error(&c->tp));
			return;
		}
		/* One clock reading per read(): every line in it arrived together. */
		t = now_ns();
		s.t_last_rx = t;
		have += (size_t)n;
		while (off < have && (nl = memchr(buf + off, '\n', have - off)) != NULL) {
			char *line = buf + off;
			size_t len = (size_t)(nl - line);
			off += len + 1;
			if (len > 0 && line[len - 1] == '\r')
				len--;
			line[len] = '\0';
			if (len > 0)
				on_line(idx, line, t);
			if (c->st == CS_DEAD)
				return;
		}
		c->partlen = have - off;
		if (c->partlen > BENCH_PART_MAX)
			c->partlen = 0; /* an absurd line: drop it rather than grow */
		memcpy(c->part, buf + off, c->partlen);
		/* A short plain read drained the socket; TLS reads one record at a time. */
		if (n < BENCH_READ_CHUNK && !c->tp.tls)
			return;
	}
}

/* Steps a TLS handshake; once over, the queued registration goes out. */
static void
handshake(int idx)
{
	struct bclient *c = &s.c[idx];

	switch (tp_handshake(&c->tp)) {
	case TP_OK:
		c->hs = false;
		flush(idx);
		return;
	case TP_WANT_READ:
		ep_set(idx, false);
		return;
	case TP_WANT_WRITE:
		ep_set(idx, true);
		return;
	default:
		client_dead(idx, "TLS handshake", tp_error(&c->tp));
	}
}

static void
on_writable(int idx)
{
	struct bclient *c = &s.c[idx];

	if (c->st == CS_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			client_dead(idx, "connect", strerror(err));
			return;
		}
		c->st = CS_REGISTERING;
		if (o.mode == MODE_PLAIN) {
			s.inflight--;
			c->st = CS_JOINING;
		}
		if (o.tls) {
			char why[256];
			struct tls *ctx = tp_client_new(NULL, why, sizeof why);
			if (ctx == NULL || tp_connect(&c->tp, ctx, c->fd, o.host) != 0) {
				client_dead(idx, "TLS", ctx ? tp_error(&c->tp) : why);
				return;
			}
			c->hs = true;
			handshake(idx);
			return;
		}
	}
	if (c->hs)
		handshake(idx);
	else
		flush(idx);
}

static void
send_message(int snd, int64_t t)
{
	char buf[BENCH_PAYLOAD_MAX + 128];
	int n;

	if (o.mode == MODE_PLAIN)
		n = snprintf(buf, sizeof buf, BENCH_MARK "%d %" PRIu64 " %" PRId64 " %s\r\n", snd,
		    s.sent[snd], t, s.pad);
	else
		n = snprintf(buf, sizeof buf, "PRIVMSG %s :" BENCH_MARK "%d %" PRIu64 " %" PRId64
		    " %s\r\n", o.mode == MODE_FIRSTLINE ? s.c[0].nick : o.channel, snd, s.sent[snd],
		    t, s.pad);
	queue(snd, buf, (size_t)n);
	s.sent[snd]++;
	s.total_sent++;
}

/* Messages from snd not yet seen by every live receiver. */
static uint64_t
inflight_of(int snd)
{
	uint64_t least = s.sent[snd];
	int r;

	for (r = 0; r < o.clients; r++) {
		uint64_t got;
		if (r == snd || s.c[r].st != CS_READY)
			continue;
		got = s.rx_count[(size_t)r * (size_t)o.senders + (size_t)snd];
		if (got < least)
			least = got;
	}
	return s.sent[snd] - least;
}

static void
pump_window(void)
{
	int snd;
	int64_t t = now_ns();

	for (snd = 0; snd < o.senders; snd++) {
		uint64_t fl;
		if (s.c[snd].st != CS_READY)
			continue;
		for (fl = inflight_of(snd); fl < (uint64_t)o.window; fl++)
			send_message(snd, t);
	}
}

static void
pump_rate(int64_t t)
{
	double due = (double)(t - s.t_run_start) / (double)NS * o.rate;
	uint64_t want = (uint64_t)due, cap = (uint64_t)(o.rate / 10) + 1;
	uint64_t n = 0;

	while (s.total_sent < want && n++ < cap)
		send_message((int)(s.total_sent % (uint64_t)o.senders), t);
	/* Messages that could not be sent within a tenth of a second are skipped, not bunched. */
	if (s.total_sent < want)
		s.unsent += want - s.total_sent, s.total_sent = want;
}

/* firstline: the next talkers due say their one line; none is skipped. */
static void
pump_first(int64_t t)
{
	double due = (double)(t - s.t_run_start) / (double)NS * o.rate;

	while (s.next_talker < o.clients && (double)(s.next_talker - 1) <= due) {
		if (s.c[s.next_talker].st == CS_READY)
			send_message(s.next_talker, t);
		s.next_talker++;
	}
}

static uint64_t
expected_deliveries(void)
{
	uint64_t e = 0;
	int snd, r;

	if (o.mode == MODE_FIRSTLINE)
		return s.c[0].st == CS_READY ? s.total_sent : 0;
	for (snd = 0; snd < o.senders; snd++)
		for (r = 0; r < o.clients; r++)
			if (r != snd && s.c[r].st == CS_READY)
				e += s.sent[snd];
	return e;
}

static void
start_timer(int64_t interval_ns)
{
	struct itimerspec its = {0};
	struct epoll_event ev = {0};

	if (interval_ns < BENCH_RATE_TICK_MIN_NS)
		interval_ns = BENCH_RATE_TICK_MIN_NS;
	its.it_interval.tv_sec = interval_ns / NS;
	its.it_interval.tv_nsec = interval_ns % NS;
	its.it_value = its.it_interval;
	s.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s.timer < 0)
		die("timerfd_create: %s", strerror(errno));
	timerfd_settime(s.timer, 0, &its, NULL);
	ev.events = EPOLLIN;
	ev.data.u32 = UINT32_MAX;
	epoll_ctl(s.ep, EPOLL_CTL_ADD, s.timer, &ev);
}

static void
enter(enum phase ph, int64_t t, double secs)
{
	s.phase = ph;
	s.t_phase = t;
	s.t_deadline = t + (int64_t)(secs * (double)NS);
}

static void
start_run(int64_t t)
{
	proc_read(o.pid, &s.p_run0);
	s.t_run_start = t;
	enter(PH_RUN, t, o.duration);
	if (o.mode == MODE_FIRSTLINE) {
		s.next_talker = 1;
		enter(PH_RUN, t, (double)o.clients / o.rate + 1);
		start_timer((int64_t)((double)NS / o.rate));
	} else if (o.mode == MODE_PINGPONG) {
		send_message(0, t);
		s.t_pp_sent = t;
	} else if (o.rate > 0) {
		start_timer((int64_t)((double)NS / o.rate));
	}
}

static void
end_run(int64_t t)
{
	s.t_run_end = t;
	proc_read(o.pid, &s.p_run1);
	if (s.timer >= 0) {
		close(s.timer);
		s.timer = -1;
	}
	enter(PH_DRAIN, t, o.drain);
}

/* Whether every client of the measured pool (not the idle pool) is ready. */
static bool
active_ready(void)
{
	for (int i = 0; i < (o.mode == MODE_FIRSTLINE ? 1 : o.clients); i++)
		if (s.c[i].st != CS_READY)
			return false;
	return true;
}

/* Phase changes and periodic work; called once per loop pass. */
static void
tick(int64_t t)
{
	int all = s.total - s.ndead;

	switch (s.phase) {
	case PH_SETUP:
		while (s.next_connect < s.total && s.inflight < o.concurrency) {
			/* The measured clients first and on their own: a server with a short
			 * listen backlog resets what overflows it. */
			if (s.next_connect == o.clients && s.nready < o.clients - s.ndead_active &&
			    o.mode != MODE_FIRSTLINE)
				break;
			client_start(s.next_connect++);
		}
		/* Plain clients have no JOIN reply: a client is in the channel once it hears
		 * client 0's probe. Probe until every client has heard one, since a client
		 * that connects after a probe went out would otherwise wait forever. */
		if (o.mode == MODE_PLAIN && s.nready < all &&
		    (s.c[0].st == CS_JOINING || s.c[0].st == CS_READY) &&
		    t - s.t_last_sync > BENCH_SYNC_MS * 1000000LL) {
			queuef(0, BENCH_SYNC " probe\r\n");
			s.t_last_sync = t;
		}
		/* Idle-pool clients a server could not take are counted, not fatal. */
		if (s.next_connect == s.total && s.nready == all) {
			if (s.ndead_active > 0 && o.mode != MODE_STORM)
				die("setup failed: %d of %d connections lost (%s)", s.ndead_active,
				    o.clients, s.first_error);
			enter(PH_SETTLE, t, BENCH_SETTLE_MAX_MS / 1000.0);
		} else if (t > s.t_deadline) {
			fprintf(stderr, "lanchat-bench: setup timed out: %d of %d ready (%s)\n",
			    s.nready, s.total, s.first_error[0] ? s.first_error : "no error");
			if (o.mode != MODE_STORM && !active_ready())
				die("setup failed: a measured client is not ready");
			enter(PH_SETTLE, t, BENCH_SETTLE_MAX_MS / 1000.0);
		}
		break;
	case PH_SETTLE:
		/* Let the join and registration bursts drain so they do not count as latency. */
		if (t - s.t_last_rx < BENCH_QUIET_MS * 1000000LL && t < s.t_deadline)
			break;
		if (o.mode == MODE_STORM) {
			long rss = proc_rss_kb(o.pid);
			s.rss_after_kb = rss;
			proc_read(o.pid, &s.p_run1);
			enter(PH_HOLD, t, o.hold);
		} else if (o.quiet > 0) {
			/* Idle means idle for a while: a server may treat the long silent apart. */
			enter(PH_QUIET, t, o.quiet);
		} else {
			start_run(t);
		}
		break;
	case PH_QUIET:
		if (t >= s.t_deadline)
			start_run(t);
		break;
	case PH_RUN:
		if (t >= s.t_deadline || (o.mode == MODE_FIRSTLINE && s.next_talker >= o.clients)) {
			end_run(t);
			break;
		}
		if (o.mode == MODE_PINGPONG &&
		    t - s.t_pp_sent > BENCH_PINGPONG_STALL_MS * 1000000LL) {
			send_message(0, t);
			s.t_pp_sent = t;
		}
		break;
	case PH_DRAIN:
		if (s.delivered >= expected_deliveries() || t >= s.t_deadline)
			s.phase = PH_DONE;
		break;
	case PH_HOLD:
		if (t >= s.t_deadline)
			s.phase = PH_DONE;
		break;
	case PH_DONE:
		break;
	}
}

static void
loop(void)
{
	struct epoll_event ev[BENCH_EVENTS];
	int64_t hard = s.t_start + (int64_t)BENCH_HARD_CAP_S * NS;

	while (s.phase != PH_DONE) {
		int64_t t = now_ns();
		int n, i;

		if (stop_flag || t > hard) {
			fprintf(stderr, "lanchat-bench: %s; reporting what was measured\n",
			    stop_flag ? "interrupted" : "hard time cap reached");
			if (s.phase == PH_RUN)
				end_run(t);
			break;
		}
		tick(t);
		if (s.phase == PH_RUN && o.mode == MODE_FANOUT && o.rate <= 0)
			pump_window();
		else if (s.phase == PH_RUN && o.mode == MODE_PLAIN && o.rate <= 0)
			pump_window();
		flush_dirty();
		n = epoll_wait(s.ep, ev, BENCH_EVENTS, BENCH_TICK_MS);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			uint32_t idx = ev[i].data.u32;
			if (idx == UINT32_MAX) {
				uint64_t exp;
				if (read(s.timer, &exp, sizeof exp) < 0 && errno != EAGAIN)
					die("timerfd: %s", strerror(errno));
				if (s.phase == PH_RUN && o.mode == MODE_FIRSTLINE)
					pump_first(now_ns());
				else if (s.phase == PH_RUN)
					pump_rate(now_ns());
				continue;
			}
			if (s.c[idx].st == CS_DEAD)
				continue;
			if (ev[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
				on_writable((int)idx);
			if (s.c[idx].st != CS_DEAD && s.c[idx].hs)
				handshake((int)idx);
			else if (s.c[idx].st != CS_DEAD &&
			    (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				on_readable((int)idx);
		}
	}
}

static double
ms_between(int64_t a, int64_t b)
{
	return (double)(b - a) / 1e6;
}

static void
report(void)
{
	double run_s = s.t_run_end > s.t_run_start ? (double)(s.t_run_end - s.t_run_start) / NS : 0;
	uint64_t expected = expected_deliveries();
	uint64_t lost = expected > s.delivered ? expected - s.delivered : 0;
	double rate = run_s > 0 ? (double)s.delivered_in_run / run_s : 0;
	double cpu = proc_cpu_pct(&s.p_run0, &s.p_run1);
	long rss = o.pid > 0 ? proc_rss_kb(o.pid) : -1;
	int alive = s.total - s.ndead;
	int idle_alive = o.idle - s.ndead_idle;

	printf("mode %s, %d clients, %d senders", bench_mode_name(o.mode), o.clients, o.senders);
	if (o.mode == MODE_STORM) {
		double reg_ms = s.nready > 0 ? ms_between(s.t_first_connect, s.t_last_ready) : 0;
		double per = s.nready > 0 && s.rss_after_kb >= 0 && s.rss_before_kb >= 0 ?
		    (double)(s.rss_after_kb - s.rss_before_kb) * 1024.0 / s.nready : -1;
		printf(", %d at a time\n", o.concurrency);
		printf("  registered %d of %d in %.1f ms; %d still connected after %.1f s\n",
		    s.nready, o.clients, reg_ms, alive, o.hold);
		if (o.pid > 0)
			printf("  server RSS %ld kB before, %ld kB after: %.0f bytes per connection\n",
			    s.rss_before_kb, s.rss_after_kb, per);
		/* Server CPU per registration: unlike the time to register all, it hardly
		 * depends on what else the machine is doing. */
		double cpu_us = -1;
		if (s.p_run0.valid && s.p_run1.valid && s.nready > 0)
			cpu_us = (double)(s.p_run1.ticks - s.p_run0.ticks) * 1e6 /
			    (double)sysconf(_SC_CLK_TCK) / s.nready;
		if (cpu_us >= 0)
			printf("  server CPU %.0f us per connection\n", cpu_us);
		printf("RESULT mode=storm clients=%d concurrency=%d registered=%d reg_ms=%.1f "
		    "alive=%d rss_before_kb=%ld rss_after_kb=%ld rss_per_conn=%.0f "
		    "cpu_us_per_conn=%.0f\n",
		    o.clients, o.concurrency, s.nready, reg_ms, alive, s.rss_before_kb,
		    s.rss_after_kb, per, cpu_us);
		return;
	}
	if (o.rate > 0)
		printf(", %.0f msg/s total", o.rate);
	else if (o.mode != MODE_PINGPONG)
		printf(", window %d", o.window);
	printf(", %.2f s\n", run_s);
	if (o.idle > 0)
		printf("  beside %d idle registered clients (%d still connected)\n", o.idle,
		    idle_alive);
	if (o.mode == MODE_FIRSTLINE)
		printf("  one line from each of %d clients after %.1f s of silence\n", o.clients - 1,
		    o.quiet);
	printf("  sent %" PRIu64 " (%" PRIu64 " skipped), delivered %" PRIu64 " of %" PRIu64
	    ": %.0f deliveries/s\n", s.total_sent, s.unsent, s.delivered, expected, rate);
	printf("  latency p50 %.1f us, p99 %.1f us, max %.1f us; lost %" PRIu64
	    ", out of order %" PRIu64 "\n", hist_pct(&s.lat, 0.50) / 1e3,
	    hist_pct(&s.lat, 0.99) / 1e3, s.lat.max / 1e3, lost, s.ooo);
	if (o.pid > 0)
		printf("  server CPU %.1f%%, RSS %ld kB\n", cpu, rss);
	if (s.first_error[0])
		printf("  first error: %s\n", s.first_error);
	printf("RESULT mode=%s clients=%d senders=%d rate=%.0f window=%d secs=%.2f sent=%" PRIu64
	    " skipped=%" PRIu64 " delivered=%" PRIu64 " expected=%" PRIu64 " lost=%" PRIu64
	    " ooo=%" PRIu64 " dps=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f cpu_pct=%.1f "
	    "rss_kb=%ld alive=%d idle=%d idle_alive=%d quiet=%.1f\n", bench_mode_name(o.mode),
	    o.clients, o.senders, o.rate, o.window, run_s, s.total_sent, s.unsent, s.delivered,
	    expected, lost, s.ooo, rate, hist_pct(&s.lat, 0.50) / 1e3, hist_pct(&s.lat, 0.99) / 1e3,
	    s.lat.max / 1e3, cpu, rss, alive, o.idle, idle_alive, o.quiet);
}

static void
resolve_target(void)
{
	char err[256];
	if (bench_resolve_loopback(o.host, o.port, &s.addr, &s.addrlen, err, sizeof err) != 0) {
		fprintf(stderr, "lanchat-bench: %s\n", err);
		exit(2);
	}
}

/* --wait: the server may still be starting; retry until it accepts or time runs out. */
static void
wait_for_server(void)
{
	if (bench_wait_listening(&s.addr, s.addrlen, o.wait_ms) != 0)
		die("%s port %s: nobody listening after %d ms", o.host, o.port, o.wait_ms);
}


int
main(int argc, char **argv)
{
	struct sigaction sa = {0};
	int i;

	bench_opts_parse(&o, argc, argv);
	resolve_target();
	s.total = o.clients + o.idle;
	s.rx_rows = o.mode == MODE_FIRSTLINE ? 1 : o.clients;
	bench_raise_nofile(s.total);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (o.wait_ms > 0)
		wait_for_server();

	memset(s.pad, 'x', (size_t)o.size);
	s.pad[o.size] = '\0';
	s.timer = -1;
	s.c = calloc((size_t)s.total, sizeof *s.c);
	s.sent = calloc((size_t)o.senders + 1, sizeof *s.sent);
	s.rx_count = calloc((size_t)s.rx_rows * (size_t)o.senders + 1, sizeof *s.rx_count);
	s.rx_next = calloc((size_t)s.rx_rows * (size_t)o.senders + 1, sizeof *s.rx_next);
	if (!s.c || !s.sent || !s.rx_count || !s.rx_next)
		die("out of memory");
	for (i = 0; i < s.total; i++) {
		s.c[i].fd = -1;
		ob_init(&s.c[i].out);
		if ((s.c[i].part = malloc(BENCH_PART_MAX)) == NULL)
			die("out of memory");
	}
	hist_init(&s.lat);
	if ((s.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1: %s", strerror(errno));

	s.rss_before_kb = o.pid > 0 ? proc_rss_kb(o.pid) : -1;
	proc_read(o.pid, &s.p_run0);
	s.t_start = now_ns();
	enter(PH_SETUP, s.t_start, o.setup);
	loop();
	report();
	for (i = 0; i < s.total; i++) {
		if (s.c[i].fd >= 0)
			close(s.c[i].fd);
		ob_free(&s.c[i].out);
		free(s.c[i].part);
	}
	free(s.c);
	free(s.sent);
	free(s.rx_count);
	free(s.rx_next);
	close(s.ep);
	return s.nready == 0 ? 1 : 0;
}
