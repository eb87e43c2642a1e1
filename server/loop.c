#include "server/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/util.h"
#include "server/actions.h"
#include "server/conn.h"
#include "server/dialect.h"
#include "server/flood.h"
#include "server/hosts.h"
#include "server/server.h"

int64_t (*loop_clock)(void) = clock_ms;

static struct pollfd *pfds;
static size_t cap_pfds;
static int64_t next_tick;
static int64_t last_refusal_log;

struct watch {
	int fd;
	short events;
	loop_fd_fn fn;
	void *arg;
};
static struct watch watches[LOOP_WATCH_MAX];
static int nwatches;

struct timer {
	int64_t due;
	loop_timer_fn fn;
	void *arg;
};
static struct timer timers[LOOP_WATCH_MAX];

void (*loop_on_close)(const struct conn *c);
void (*loop_on_wake)(void);
void (*loop_on_shutdown)(void);
void (*loop_before_flush)(void);

int
loop_watch(int fd, short events, loop_fd_fn fn, void *arg)
{
	if (nwatches == LOOP_WATCH_MAX)
		return -1;
	watches[nwatches++] = (struct watch){ fd, events, fn, arg };
	return 0;
}

void
loop_unwatch(int fd)
{
	for (int i = 0; i < nwatches; i++) {
		if (watches[i].fd == fd) {
			watches[i] = watches[--nwatches];
			return;
		}
	}
}

int
loop_timer(int64_t due_ms, loop_timer_fn fn, void *arg)
{
	for (int i = 0; i < LOOP_WATCH_MAX; i++) {
		if (timers[i].fn == NULL) {
			timers[i] = (struct timer){ due_ms, fn, arg };
			return 0;
		}
	}
	return -1;
}

static void
run_timers(void)
{
	for (int i = 0; i < LOOP_WATCH_MAX; i++) {
		struct timer *t = &timers[i];
		if (t->fn != NULL && srv.now_ms >= t->due) {
			t->due = t->fn(srv.now_ms, t->arg);
			if (t->due == 0)
				t->fn = NULL;
		}
	}
}

/* Turns a connection away with one ERROR line and a log line (at most one a second). */
static void
refuse(int fd, const char *host, const char *why)
{
	char line[256];
	int n;

	n = snprintf(line, sizeof line, "ERROR :Closing link: %s (%s)\r\n", host, why);
	/* Best effort: the socket is fresh, so a short line always fits its buffer. */
	if (send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("refusal to %s not sent: %s", host, strerror(errno));
	close(fd);
	srv.stats.refused++;
	if (srv.now_ms - last_refusal_log >= 1000) {
		last_refusal_log = srv.now_ms;
		log_warn("refused %s: %s", host, why);
	}
}

static void
accept_new(int lfd)
{
	for (int k = 0; k < ACCEPTS_PER_PASS; k++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* Out of descriptors: pause the listener rather than spin. */
				srv.accept_paused_until = srv.now_ms + ACCEPT_BACKOFF_MS;
				log_warn("accept: %s; pausing new connections for %d ms",
				    strerror(errno), ACCEPT_BACKOFF_MS);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
				log_warn("accept: %s", strerror(errno));
			}
			return;
		}
		char host[HOST_LEN], why[96];
		conn_host_str((struct sockaddr *)&ss, host, sizeof host);
		if ((int)srv.nconns >= srv.cfg.max_clients) {
			snprintf(why, sizeof why, "Server full: %d %s", srv.cfg.max_clients,
			    srv.cfg.max_clients == 1 ? "client" : "clients");
			refuse(fd, host, why);
			continue;
		}
		if (srv.cfg.max_per_host > 0 && hosts_count(host) >= srv.cfg.max_per_host) {
			snprintf(why, sizeof why, "Too many connections from your address: %d",
			    srv.cfg.max_per_host);
			refuse(fd, host, why);
			continue;
		}
		net_nodelay(fd);
		net_keepalive(fd, KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_PROBES);
		loop_adopt(fd, (struct sockaddr *)&ss);
	}
}

struct conn *
loop_adopt(int fd, const struct sockaddr *sa)
{
	struct conn *c = conn_new(fd, sa);

	hosts_add(c->host);
	conn_add(c);
	srv.stats.accepted++;
	log_info("connect #%u from %s port %d (%zu clients)", c->id, c->host, c->port, srv.nconns);
	dialect_greet(c);
	return c;
}

/* Handles up to budget buffered lines, as far as the flood bucket allows; returns how many. */
static int
process_input(struct conn *c, int budget)
{
	int handled = 0;

	flood_refill(c);
	for (; handled < budget && !c->dead; handled++) {
		char *line;
		size_t len;
		int cost = 1;

		if (!flood_allows(c))
			break;
		enum lb_result r = lb_next(&c->in, &line, &len);
		if (r == LB_NONE)
			break;
		c->lines_in++;
		srv.stats.lines_in++;
		c->last_rx_ms = srv.now_ms;
		if (r == LB_TOOLONG) {
			conn_trace(c, false, "(line too long)", 15);
			dialect_too_long(c);
		} else {
			conn_trace(c, false, line, len);
			cost = dialect_line(c, line);
		}
		flood_charge(c, cost);
	}
	return handled;
}

/*
 * Reads and handles lines in turn until LINES_PER_PASS are done or the socket is drained:
 * the input buffer holds only one line's worth, and a busy sender's next lines are usually
 * already waiting, so this saves a poll() round per handful of messages.
 */
static void
service(struct conn *c, bool readable)
{
	int budget = LINES_PER_PASS;
	bool more = readable;

	for (;;) {
		if (more) {
			enum conn_read_result r = conn_read(c);
			if (r == CONN_READ_DEAD)
				return;
			more = r == CONN_READ_FULL;
		}
		budget -= process_input(c, budget);
		if (!more || budget <= 0 || c->dead || c->throttled)
			return;
	}
}

/* Everything a dead connection leaves behind, then the connection itself. */
static void
finish(struct conn *c)
{
	act_teardown(c);
	if (ob_pending(&c->out) > 0) {
		ssize_t n =
		    send(c->fd, ob_data(&c->out), ob_pending(&c->out), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			conn_trace_written(c, ob_data(&c->out), (size_t)n);
			ob_consume(&c->out, (size_t)n, OUTBUF_KEEP);
			c->bytes_out += (uint64_t)n;
			srv.stats.bytes_out += (uint64_t)n;
		}
	}
	log_info("disconnect #%u %s from %s: %s (in %llu lines/%llu bytes, out %llu lines/%llu "
	         "bytes, %lld s)",
	    c->id, conn_nick(c), c->host, c->reason, (unsigned long long)c->lines_in,
	    (unsigned long long)c->bytes_in, (unsigned long long)c->lines_out,
	    (unsigned long long)c->bytes_out, (long long)((srv.now_ms - c->connected_ms) / 1000));
	if (loop_on_close != NULL)
		loop_on_close(c);
	hosts_remove(c->host);
	close(c->fd);
	conn_free(c);
}

static void
reap(void)
{
	for (size_t i = 0; i < srv.nconns;) {
		struct conn *c = srv.conns[i];
		if (!c->dead) {
			i++;
			continue;
		}
		srv.conns[i] = srv.conns[--srv.nconns];
		srv.conns[i]->idx = i;
		finish(c);
	}
}

static int
poll_timeout(bool busy, bool throttled)
{
	int64_t t = next_tick - srv.now_ms;
	if (busy)
		return 0;
	if (throttled && srv.cfg.flood_rate > 0 && t > 1000 / srv.cfg.flood_rate)
		t = 1000 / srv.cfg.flood_rate;
	if (srv.accept_paused_until > srv.now_ms && t > srv.accept_paused_until - srv.now_ms)
		t = srv.accept_paused_until - srv.now_ms;
	for (int i = 0; i < LOOP_WATCH_MAX; i++)
		if (timers[i].fn != NULL && t > timers[i].due - srv.now_ms)
			t = timers[i].due - srv.now_ms;
	return t < 0 ? 0 : (int)t;
}

static void
shutdown_all(void)
{
	int64_t deadline;

	log_info("shutting down: %zu clients", srv.nconns);
	/* Connections accepted in the last pass have no slot yet. */
	if (srv.nconns > cap_pfds) {
		cap_pfds = srv.nconns;
		pfds = xrealloc(pfds, cap_pfds * sizeof *pfds);
	}
	for (size_t i = 0; i < srv.nconns; i++) {
		struct conn *c = srv.conns[i];
		dialect_goodbye(c);
		conn_kill(c, "Server shutting down");
	}
	if (loop_before_flush != NULL)
		loop_before_flush();
	/* Flush for a bounded moment so everyone reads the goodbye. */
	deadline = loop_clock() + SHUTDOWN_FLUSH_MS;
	for (;;) {
		size_t n = 0;
		srv.now_ms = loop_clock();
		for (size_t i = 0; i < srv.nconns; i++) {
			struct conn *c = srv.conns[i];
			if (ob_pending(&c->out) == 0)
				continue;
			/* conn_flush writes only for the living: revive it for this one write. */
			c->dead = false;
			conn_flush(c);
			c->dead = true;
			if (ob_pending(&c->out) > 0) {
				pfds[n].fd = c->fd;
				pfds[n].events = POLLOUT;
				n++;
			}
		}
		if (n == 0 || srv.now_ms >= deadline)
			break;
		poll(pfds, n, (int)(deadline - srv.now_ms));
	}
	for (size_t i = 0; i < srv.nconns; i++) {
		ob_clear(&srv.conns[i]->out);
		act_teardown_quiet(srv.conns[i]); /* no QUIT fan-out while everyone leaves */
	}
	reap();
	if (loop_on_shutdown != NULL)
		loop_on_shutdown();
}

/* One pass: poll (at most max_wait_ms when that is not negative), dispatch, flush, reap. */
static bool
pass(int wake_fd, int max_wait_ms)
{
	size_t need = srv.nconns + srv.nlisten + nwatches + 1, n = 0, first_conn, nconns;
	size_t first_watch;
	int nw = nwatches;
	bool busy = false, throttled = false;

	srv.pass++;
	if (need > cap_pfds) {
		cap_pfds = need * 2;
		pfds = xrealloc(pfds, cap_pfds * sizeof *pfds);
	}
	pfds[n++] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	for (int i = 0; i < srv.nlisten; i++) {
		bool paused = srv.accept_paused_until > srv.now_ms;
		pfds[n++] =
		    (struct pollfd){ .fd = paused ? -1 : srv.listen_fds[i], .events = POLLIN };
	}
	first_watch = n;
	for (int i = 0; i < nw; i++)
		pfds[n++] = (struct pollfd){ .fd = watches[i].fd, .events = watches[i].events };
	first_conn = n;
	nconns = srv.nconns;
	for (size_t i = 0; i < nconns; i++) {
		struct conn *c = srv.conns[i];
		short ev = 0;
		bool ready = lb_ready(&c->in);
		if (!c->throttled && !ready)
			ev |= POLLIN;
		if (ob_pending(&c->out) > 0)
			ev |= POLLOUT;
		busy |= ready && !c->throttled;
		throttled |= c->throttled;
		/*
		 * POLLHUP and POLLERR are reported even with no events asked for: a
		 * throttled client that reset its connection would make every poll()
		 * return at once until its tokens refill. The throttle timeout wakes
		 * the loop for it instead.
		 */
		pfds[n++] =
		    (struct pollfd){ .fd = c->throttled && c->hung_up ? -1 : c->fd, .events = ev };
	}

	int wait = poll_timeout(busy, throttled);
	if (max_wait_ms >= 0 && wait > max_wait_ms)
		wait = max_wait_ms;
	int rc = poll(pfds, n, wait);
	srv.now_ms = loop_clock();
	if (rc < 0 && errno != EINTR) {
		log_error("poll: %s", strerror(errno));
		return false;
	}
	if (rc > 0 && (pfds[0].revents & POLLIN)) {
		char buf[64];
		while (read(wake_fd, buf, sizeof buf) > 0)
			;
		if (loop_on_wake != NULL)
			loop_on_wake();
	}
	if (srv.quit)
		return false;
	for (int i = 0; rc > 0 && i < srv.nlisten; i++)
		if (pfds[1 + i].revents & POLLIN)
			accept_new(srv.listen_fds[i]);
	/* Watchers may unwatch themselves: walk a snapshot of the ones polled. */
	for (int i = 0; rc > 0 && i < nw; i++) {
		struct pollfd *p = &pfds[first_watch + (size_t)i];
		for (int j = 0; p->revents && j < nwatches; j++)
			if (watches[j].fd == p->fd) {
				watches[j].fn(p->fd, p->revents, watches[j].arg);
				break;
			}
	}

	/* Dispatch: read what arrived, then handle buffered lines, for every connection. */
	for (size_t i = 0; i < nconns; i++) {
		struct conn *c = srv.conns[i];
		short re = rc > 0 ? pfds[first_conn + i].revents : 0;
		if (c->dead)
			continue;
		if (re & (POLLERR | POLLHUP))
			c->hung_up = true;
		service(c, re & (POLLIN | POLLERR | POLLHUP));
	}
	run_timers();
	if (srv.now_ms >= next_tick) {
		next_tick = srv.now_ms + TICK_MS;
		for (size_t i = 0; i < srv.nconns; i++) {
			struct conn *c = srv.conns[i];
			/* An emptied large output buffer goes back to malloc once a tick,
			 * not after every write, which made busy passes allocate. */
			ob_consume(&c->out, 0, OUTBUF_KEEP);
			if (!c->dead && !flood_check_excess(c))
				dialect_tick(c);
		}
	}
	if (loop_before_flush != NULL)
		loop_before_flush();
	/* One write per connection per pass, right away rather than after POLLOUT. */
	for (size_t i = 0; i < srv.nconns; i++)
		if (!srv.conns[i]->dead && ob_pending(&srv.conns[i]->out) > 0)
			conn_flush(srv.conns[i]);
	reap();
	return true;
}

void
loop_run(int wake_fd)
{
	srv.now_ms = loop_clock();
	next_tick = srv.now_ms + TICK_MS;
	while (!srv.quit && pass(wake_fd, -1))
		;
	shutdown_all();
	free(pfds);
	pfds = NULL;
	cap_pfds = 0;
}

void
loop_once(int max_wait_ms)
{
	if (next_tick == 0)
		next_tick = srv.now_ms + TICK_MS;
	pass(-1, max_wait_ms);
}
