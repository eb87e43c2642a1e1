#include "server/announce.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/beacon.h"
#include "common/lan.h"
#include "common/net.h"
#include "common/util.h"
#include "server/sched.h"
#include "server/server.h"

static struct {
	int fd;
	int port;
	int tcp_port;
	uint64_t id;
	uint64_t seq;
	struct lan_dests dests;
	uint64_t rejected[BEACON_NERR];
	struct beacon_roster *heard;  /* senders heard, so that a newcomer can be told apart */
	struct beacon_answer answer;
	bool answer_armed;            /* the answer timer is set */
} an = { .fd = -1 };

static void
send_beacon(enum beacon_kind kind)
{
	struct beacon b;
	char buf[BEACON_MAX];
	int n;

	memset(&b, 0, sizeof b);
	b.kind = kind;
	b.id = an.id;
	b.seq = ++an.seq;
	if (kind == BEACON_SERVER) {
		str_copy(b.name, srv.cfg.name, sizeof b.name);
		b.port = (uint16_t)an.tcp_port;
		b.users = (uint32_t)srv.nusers;
		b.max = (uint32_t)srv.cfg.max_clients;
		b.uptime = (uint32_t)(time(NULL) - srv.started);
		str_copy(b.ver, LANCHAT_VERSION, sizeof b.ver);
		if (srv.tls_port != 0) {
			b.tls_port = (uint16_t)srv.tls_port;
			str_copy(b.fp, srv.tls_fp, sizeof b.fp);
		}
	}
	n = beacon_encode(&b, buf, sizeof buf);
	if (n < 0) {
		log_warn("beacon: cannot encode: %s", beacon_strerror(n));
		return;
	}
	srv.stats.beacons_sent += (uint64_t)lan_send(an.fd, &an.dests, buf, (size_t)n);
}

static int64_t
on_timer(int64_t now_ms, void *arg)
{
	(void)arg;
	if (an.fd < 0)
		return 0;
	send_beacon(BEACON_SERVER);
	beacon_answer_periodic(&an.answer);
	if (an.heard != NULL)
		beacon_roster_expire(an.heard, now_ms);
	return now_ms + beacon_jitter(BEACON_INTERVAL_MS, lan_random32());
}

/* An answer held back by the rate limit is due. */
static int64_t
on_answer(int64_t now_ms, void *arg)
{
	(void)arg;
	an.answer_armed = false;
	if (an.fd >= 0 && beacon_answer_take(&an.answer, now_ms)) {
		log_debug("beacon: answering a newcomer");
		send_beacon(BEACON_SERVER);
	}
	return 0;
}

/*
 * A user id not heard before is most likely a client that has just started and is waiting
 * for servers: answer now (or as soon as the rate limit allows) rather than at the next
 * interval, up to 6 s away. A sender the full roster cannot hold counts as new too.
 */
static void
heard_user(const struct beacon *b, const char *addr, int64_t now_ms)
{
	enum beacon_verdict v = beacon_roster_update(an.heard, b, addr, now_ms);

	if (b->kind != BEACON_USER || (v != BEACON_NEW && v != BEACON_FULL))
		return;
	int64_t due = beacon_answer_ask(&an.answer, now_ms);
	if (due <= now_ms) {
		on_answer(now_ms, NULL);
	} else if (!an.answer_armed && sched_timer(due, on_answer, NULL) == 0) {
		an.answer_armed = true;
	}
}

/* Beacons from others are counted, and newcomers answered; clients keep the full roster. */
static void
on_readable(int fd, short revents, void *arg)
{
	(void)revents;
	(void)arg;
	for (int k = 0; k < BEACON_RATE_PER_SEC * 4; k++) {
		char buf[BEACON_MAX + 1], addr[NET_ADDRSTR];
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		struct beacon b;
		ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&ss,
		    &sl);
		if (n < 0)
			return;
		int rc = beacon_decode(buf, (size_t)n, &b);
		if (rc != BEACON_OK) {
			an.rejected[-rc]++;
		} else if (b.id != an.id) {
			srv.stats.beacons_heard++;
			net_addr_str((struct sockaddr *)&ss, addr, sizeof addr);
			heard_user(&b, addr, srv.now_ms);
		}
	}
}

void
announce_start(const struct announce_config *cfg, int tcp_port)
{
	char err[128];

	if (!cfg->enabled)
		return;
	an.port = cfg->port;
	an.tcp_port = tcp_port;
	an.id = lan_random_id();
	lan_dests_init(&an.dests, an.port);
	/*
	 * A unicast datagram goes to only one of the sockets sharing a port, so with unicast
	 * destinations the server must not listen: it would take its own beacons away from the
	 * client beside it. Hearing others is only a count for the dashboard.
	 */
	for (int i = 0; i < cfg->ndest; i++)
		if (!lan_dests_add(&an.dests, cfg->dest[i]))
			log_warn("beacon: '%s' is not an IPv4 address; skipped", cfg->dest[i]);
	bool listen = lan_dests_broadcast_only(&an.dests);
	an.fd = lan_beacon_socket(an.port, listen, err, sizeof err);
	if (an.fd < 0 && listen) {
		log_debug("beacon: %s; sending only", err);
		an.fd = lan_beacon_socket(an.port, false, err, sizeof err);
	}
	if (an.fd < 0) {
		log_warn("beacon: %s; not announcing", err);
		return;
	}
	if (listen) {
		an.heard = xcalloc(1, sizeof *an.heard);
		beacon_roster_init(an.heard, an.id, BEACON_INTERVAL_MS);
		beacon_answer_init(&an.answer);
		sched_watch(an.fd, POLLIN, on_readable, NULL);
	}
	log_info("beacon: announcing on udp port %d every %d s (%s)", an.port,
	    BEACON_INTERVAL_MS / 1000, an.dests.broadcast ? "broadcast" : "given addresses");
	send_beacon(BEACON_SERVER);
	sched_timer(srv.now_ms + beacon_jitter(BEACON_INTERVAL_MS, lan_random32()), on_timer, NULL);
}

void
announce_stop(void)
{
	if (an.fd < 0)
		return;
	send_beacon(BEACON_BYE);
	sched_unwatch(an.fd);
	close(an.fd);
	an.fd = -1;
	free(an.heard);
	an.heard = NULL;
}
