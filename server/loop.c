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
#include "server/sched.h"
#include "server/server.h"

int64_t (*loop_clock)(void) = clock_ms;

static struct pollfd *pfds;
static struct conn **pconns; /* the connection behind each polled entry after the fixed ones */
static size_t cap_pfds;
static bool lists_ready;  /* srv's per-pass lists set up (loop_run, or the first loop_once) */
static bool quiet;        /* the last poll() waited its whole timeout for nothing */
static int64_t last_refusal_log;

void (*loop_on_close)(const struct conn *c);
void (*loop_on_wake)(void);
void (*loop_on_shutdown)(void);
void (*loop_before_flush)(void);

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

/* One step of a TLS handshake; over, the client is greeted and its first bytes read. */
static void
handshake(struct conn *c)
{
	if (!conn_handshake(c))
		return;
	log_info("TLS #%u from %s: %s%s%s", c->id, c->host, tp_version(&c->tp),
	    c->tp.peer_fp ? ", client certificate SHA256:" : "",
	    c->tp.peer_fp ? c->tp.peer_fp : "");
	dialect_greet(c);
	/* From the handshake's deadline to the dialect's (registration, PING). */
	if (!c->dead)
		tq_set(&srv.deadlines, &c->deadline, dialect_next_tick(c));
}

static void
accept_new(int lfd, bool tls)
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
		loop_adopt(fd, (struct sockaddr *)&ss, tls ? srv.tls : NULL);
	}
}

/* The lists a pass walks, set up once, before the first connection joins them. */
static void
lists_init(void)
{
	if (lists_ready)
		return;
	hc_init(&srv.act, COLD_AFTER_MS, COLD_POLL_MS, srv.now_ms);
	cset_init(&srv.pending);
	cset_init(&srv.dying);
	tq_init(&srv.deadlines);
	lists_ready = true;
}

static void
lists_free(void)
{
	hc_free(&srv.act);
	cset_free(&srv.pending);
	cset_free(&srv.dying);
	tq_free(&srv.deadlines);
	lists_ready = false;
}

struct conn *
loop_adopt(int fd, const struct sockaddr *sa, struct tls *tls)
{
	struct conn *c = conn_new(fd, sa);

	if (tls != NULL && conn_start_tls(c, tls) != 0) {
		log_warn("cannot start a TLS session for %s", c->host);
		conn_free(c); /* closes fd */
		return NULL;
	}
	lists_init();
	hosts_add(c->host);
	conn_add(c);
	/* Room for everyone on every per-pass list, so that joining one never fails later. */
	if (cset_reserve(&srv.pending, srv.nconns) < 0 || cset_reserve(&srv.dying, srv.nconns) < 0 ||
	    tq_reserve(&srv.deadlines, srv.nconns) < 0 ||
	    hc_add(&srv.act, &c->act, srv.now_ms) < 0) {
		log_error("out of memory adding connection #%u", c->id);
		exit(1);
	}
	/* A stalled handshake holds a slot this long, never the loop. */
	tq_set(&srv.deadlines, &c->deadline,
	    tls != NULL ? c->connected_ms + TLS_HANDSHAKE_TIMEOUT_MS : dialect_next_tick(c));
	srv.stats.accepted++;
	log_info("connect #%u from %s port %d%s (%zu clients)", c->id, c->host, c->port,
	    tls != NULL ? " over TLS" : "", srv.nconns);
	if (tls != NULL)
		handshake(c); /* the ClientHello is often here already */
	else
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

static int64_t
earliest(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * When c's tick next has something to do (INT64_MAX: never). A deadline that moves later
 * (a line arrives, a PONG) is left where it was: the tick then finds nothing and asks
 * again. One that comes closer is moved with tq_set_earlier where it changes.
 */
static int64_t
next_check(const struct conn *c)
{
	int64_t due = dialect_next_tick(c);

	/* A throttled client's unread input, and an emptied large output buffer: each tick. */
	if (c->throttled || c->out.cap > OUTBUF_KEEP)
		due = earliest(due, srv.now_ms + TICK_MS);
	return due;
}

/* Connections whose deadline has come, and only those: the heap finds them. */
static void
run_deadlines(void)
{
	struct tq_timer *t;

	while ((t = tq_pop_due(&srv.deadlines, srv.now_ms)) != NULL) {
		struct conn *c = TQ_ENTRY(t, struct conn, deadline);
		if (c->dead)
			continue;
		if (!c->tp.handshaken) {
			if (srv.now_ms - c->connected_ms >= TLS_HANDSHAKE_TIMEOUT_MS)
				conn_kill(c, "TLS handshake timeout");
			else
				tq_set(&srv.deadlines, &c->deadline,
				    c->connected_ms + TLS_HANDSHAKE_TIMEOUT_MS);
			continue;
		}
		/* An emptied large output buffer goes back to malloc once a tick, not after
		 * every write, which made busy passes allocate. */
		ob_consume(&c->out, 0, OUTBUF_KEEP);
		if (flood_check_excess(c))
			continue;
		dialect_tick(c);
		if (c->dead)
			continue;
		int64_t due = next_check(c);
		/* Not again in this pass, whatever happens: each check moves a client on. */
		if (due != INT64_MAX)
			tq_set(&srv.deadlines, &c->deadline, due > srv.now_ms ? due : srv.now_ms + 1);
	}
}

/* Everything a dead connection leaves behind, then the connection itself. */
static void
finish(struct conn *c)
{
	act_teardown(c);
	conn_close(c); /* its last output, the TLS close_notify, the socket */
	log_info("disconnect #%u %s from %s: %s (in %llu lines/%llu bytes, out %llu lines/%llu "
	         "bytes, %lld s)",
	    c->id, conn_nick(c), c->host, c->reason, (unsigned long long)c->lines_in,
	    (unsigned long long)c->bytes_in, (unsigned long long)c->lines_out,
	    (unsigned long long)c->bytes_out, (long long)((srv.now_ms - c->connected_ms) / 1000));
	if (loop_on_close != NULL)
		loop_on_close(c);
	cset_del(&c->pending);
	cset_del(&c->dying);
	hc_remove(&srv.act, &c->act);
	tq_cancel(&srv.deadlines, &c->deadline);
	hosts_remove(c->host);
	conn_free(c);
}

/*
 * Frees the connections marked dead, and only those. A QUIT relayed by finish() can push a
 * peer over its SendQ and so mark it dead too: take from the list until it is empty.
 */
static void
reap(void)
{
	while (cset_count(&srv.dying) > 0) {
		struct cset_link *l = cset_at(&srv.dying, cset_count(&srv.dying) - 1);
		struct conn *c = CSET_ENTRY(l, struct conn, dying);
		size_t i = c->idx;

		cset_del(l);
		srv.conns[i] = srv.conns[--srv.nconns];
		srv.conns[i]->idx = i;
		finish(c);
	}
}

/*
 * One write per connection with output queued, right away rather than after POLLOUT; the
 * rest of the connections are not looked at.
 */
static void
flush_pending(void)
{
	/* From the end: taking one off the list moves the last one into its place. */
	for (size_t i = cset_count(&srv.pending); i-- > 0;) {
		struct conn *c = CSET_ENTRY(cset_at(&srv.pending, i), struct conn, pending);
		if (!c->dead)
			conn_flush(c);
		if (c->dead)
			continue; /* finish() takes it off every list */
		if (c->out.cap > OUTBUF_KEEP)
			tq_set_earlier(&srv.deadlines, &c->deadline, srv.now_ms + TICK_MS);
		if (ob_pending(&c->out) == 0)
			cset_del(&c->pending);
		else /* the rest waits for POLLOUT, which only hot connections ask for */
			hc_heat(&srv.act, &c->act);
	}
}

/*
 * May c leave the hot set? Silent for COLD_AFTER_MS, registered, and nothing in flight:
 * no output queued, no complete line buffered, no decrypted bytes waiting inside TLS, no TLS
 * read or write waiting for the other direction, not throttled. A partial line does not
 * count: the rest of it arrives as input, which the cold poll sees.
 */
static bool
may_cool(const struct conn *c)
{
	return !c->dead && c->registered && c->mode != CONN_UNKNOWN && !c->throttled &&
	    ob_pending(&c->out) == 0 && !lb_ready(&c->in) && !c->tp.pending &&
	    conn_transport_events(c) == 0 &&
	    hc_silent(&srv.act, &c->act, srv.now_ms);
}

static int
poll_timeout(bool busy, bool throttled, bool cold)
{
	int64_t t = TICK_MS;
	if (busy)
		return 0;
	if (throttled && srv.cfg.flood_rate > 0 && t > 1000 / srv.cfg.flood_rate)
		t = 1000 / srv.cfg.flood_rate;
	if (srv.accept_paused_until > srv.now_ms && t > srv.accept_paused_until - srv.now_ms)
		t = srv.accept_paused_until - srv.now_ms;
	if (sched_next_due() != INT64_MAX)
		t = earliest(t, sched_next_due() - srv.now_ms);
	if (tq_count(&srv.deadlines) > 0)
		t = earliest(t, tq_next_due(&srv.deadlines) - srv.now_ms);
	/* A pass that leaves the cold set out wakes in time to look at it. */
	if (!cold)
		t = earliest(t, hc_cold_wait(&srv.act, srv.now_ms));
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
		pconns = xrealloc(pconns, cap_pfds * sizeof *pconns);
	}
	for (size_t i = 0; i < srv.nconns; i++) {
		struct conn *c = srv.conns[i];
		if (c->tp.handshaken) /* mid-handshake, nothing can be said to it yet */
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
				pfds[n].events = (short)(POLLOUT | conn_transport_events(c));
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

/* Adds c to the poll set; returns whether it has complete lines it can handle now. */
static bool
poll_conn(size_t *n, size_t first_conn, struct conn *c, bool *throttled)
{
	short ev = conn_transport_events(c);
	bool ready = lb_ready(&c->in) || c->tp.pending;

	if (c->tp.handshaken && !c->throttled && !ready)
		ev |= POLLIN;
	if (ob_pending(&c->out) > 0)
		ev |= POLLOUT;
	*throttled |= c->throttled;
	pconns[*n - first_conn] = c;
	/*
	 * POLLHUP and POLLERR are reported even with no events asked for: a throttled client
	 * that reset its connection would make every poll() return at once until its tokens
	 * refill. The throttle timeout wakes the loop for it instead.
	 */
	pfds[(*n)++] = (struct pollfd){ .fd = c->throttled && c->hung_up ? -1 : c->fd,
		.events = ev };
	return ready && !c->throttled;
}

/* One pass: poll (at most max_wait_ms when that is not negative), dispatch, flush, reap. */
static bool
pass(int wake_fd, int max_wait_ms)
{
	/* Every COLD_POLL_MS the cold connections are polled too; otherwise only hot ones. */
	bool cold = hc_cold_due(&srv.act, srv.now_ms);
	size_t need = srv.nlisten + SCHED_MAX + 1 + hc_hot_count(&srv.act) +
	    (cold ? hc_cold_count(&srv.act) : 0);
	size_t n = 0, first_conn, first_watch, nhot, npolled, first_cold;
	int nw;
	bool busy = false, throttled = false;

	srv.pass++;
	if (need > cap_pfds) {
		cap_pfds = need * 2;
		pfds = xrealloc(pfds, cap_pfds * sizeof *pfds);
		pconns = xrealloc(pconns, cap_pfds * sizeof *pconns);
	}
	pfds[n++] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	for (int i = 0; i < srv.nlisten; i++) {
		bool paused = srv.accept_paused_until > srv.now_ms;
		pfds[n++] = (struct pollfd){ .fd = paused ? -1 : srv.listen_fds[i],
			.events = POLLIN };
	}
	first_watch = n;
	nw = sched_fill(&pfds[n]);
	n += (size_t)nw;
	first_conn = n;
	/* From the end: cooling one moves the last hot one into its place. */
	for (size_t i = hc_hot_count(&srv.act); i-- > 0;) {
		struct conn *c = HC_ENTRY(hc_hot_at(&srv.act, i), struct conn, act);
		if (may_cool(c))
			hc_cool(&srv.act, &c->act);
		else
			busy |= poll_conn(&n, first_conn, c, &throttled);
	}
	nhot = n - first_conn;
	first_cold = n;
	/* Cold ones have nothing queued either way and are not throttled: input only. */
	for (size_t i = 0; cold && i < hc_cold_count(&srv.act); i++) {
		struct conn *c = HC_ENTRY(hc_cold_at(&srv.act, i), struct conn, act);
		pconns[n - first_conn] = c;
		pfds[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
	}
	npolled = n - first_conn;

	int timeout = poll_timeout(busy, throttled, cold), rc;
	if (max_wait_ms >= 0 && timeout > max_wait_ms)
		timeout = max_wait_ms;
	if (cold && !quiet && n > first_cold) {
		/*
		 * A busy server looks at the cold set without blocking on it: poll() then
		 * scans those sockets once, instead of twice with a wait-queue entry on each.
		 * A quiet one sleeps on everyone at once, so that it wakes only for work.
		 */
		int rcold = poll(pfds + first_cold, n - first_cold, 0);
		if (rcold < 0) {
			for (size_t i = first_cold; i < n; i++)
				pfds[i].revents = 0; /* looked at again next time */
			rcold = 0;
		}
		rc = poll(pfds, first_cold, rcold > 0 ? 0 : timeout);
		if (rc >= 0)
			rc += rcold;
	} else {
		rc = poll(pfds, n, timeout);
	}
	quiet = rc == 0 && timeout > 0;
	srv.now_ms = loop_clock();
	if (cold)
		hc_cold_polled(&srv.act, srv.now_ms);
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
			accept_new(srv.listen_fds[i], srv.listen_tls[i]);
	if (rc > 0)
		sched_dispatch(&pfds[first_watch], nw);

	/*
	 * Dispatch: read what arrived, then handle buffered lines, for every hot
	 * connection; a cold one only if poll() saw something, which makes it hot.
	 */
	for (size_t k = 0; k < npolled; k++) {
		struct conn *c = pconns[k];
		short re = rc > 0 ? pfds[first_conn + k].revents : 0;
		if (c->dead)
			continue;
		if (!c->tp.handshaken) {
			if (re) {
				hc_activity(&srv.act, &c->act, srv.now_ms);
				handshake(c);
			}
			continue;
		}
		if (re & (POLLIN | POLLERR | POLLHUP))
			hc_activity(&srv.act, &c->act, srv.now_ms);
		else if (k >= nhot)
			continue;
		if (re & (POLLERR | POLLHUP))
			c->hung_up = true;
		/* TLS may hold decrypted bytes poll() cannot see, or want POLLOUT to read. */
		service(c, (re & (POLLIN | POLLERR | POLLHUP)) || c->tp.pending ||
		        (c->read_wants_out && (re & POLLOUT)));
		if (c->dead)
			continue;
		/*
		 * Its unread input is checked each tick while it waits for tokens; and one that
		 * had no deadline (a plain guest that turned out to be an IRC client) may have
		 * one now.
		 */
		if (c->throttled || !tq_queued(&c->deadline)) {
			int64_t due = next_check(c);
			if (due != INT64_MAX)
				tq_set_earlier(&srv.deadlines, &c->deadline, due);
		}
	}
	sched_run_due(srv.now_ms);
	run_deadlines();
	/* What this pass stored is committed before anyone is sent it. */
	if (loop_before_flush != NULL)
		loop_before_flush();
	flush_pending();
	reap();
	return true;
}

void
loop_run(int wake_fd)
{
	srv.now_ms = loop_clock();
	lists_init();
	while (!srv.quit && pass(wake_fd, -1))
		;
	shutdown_all();
	free(pfds);
	free(pconns);
	pfds = NULL;
	pconns = NULL;
	cap_pfds = 0;
	lists_free();
}

void
loop_once(int max_wait_ms)
{
	lists_init();
	pass(-1, max_wait_ms);
}
