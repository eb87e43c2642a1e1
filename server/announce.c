#include "server/announce.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/beacon.h"
#include "common/lan.h"
#include "common/util.h"
#include "server/loop.h"
#include "server/server.h"

static struct {
	int fd;
	int port;
	int tcp_port;
	uint64_t id;
	uint64_t seq;
	struct lan_dests dests;
	uint64_t rejected[BEACON_NERR];
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
	return now_ms + beacon_jitter(BEACON_INTERVAL_MS, lan_random32());
}

/* Beacons from others are only counted here; clients keep the roster. */
static void
on_readable(int fd, short revents, void *arg)
{
	(void)revents;
	(void)arg;
	for (int k = 0; k < BEACON_RATE_PER_SEC * 4; k++) {
		char buf[BEACON_MAX + 1];
		struct beacon b;
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0)
			return;
		int rc = beacon_decode(buf, (size_t)n, &b);
		if (rc != BEACON_OK)
			an.rejected[-rc]++;
		else if (b.id != an.id)
			srv.stats.beacons_heard++;
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
	if (listen)
		loop_watch(an.fd, POLLIN, on_readable, NULL);
	log_info("beacon: announcing on udp port %d every %d s (%s)", an.port,
	    BEACON_INTERVAL_MS / 1000, an.dests.broadcast ? "broadcast" : "given addresses");
	send_beacon(BEACON_SERVER);
	loop_timer(srv.now_ms + beacon_jitter(BEACON_INTERVAL_MS, lan_random32()), on_timer, NULL);
}

void
announce_stop(void)
{
	if (an.fd < 0)
		return;
	send_beacon(BEACON_BYE);
	loop_unwatch(an.fd);
	close(an.fd);
	an.fd = -1;
}
