#include "server/announce.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
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
	struct sockaddr_in dest[ANNOUNCE_DEST_MAX];
	int ndest;
	bool broadcast; /* destinations are re-read from the interfaces before each beacon */
	uint64_t rejected[BEACON_NERR];
} an = { .fd = -1 };

static uint32_t
rand32(void)
{
	uint32_t r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = (uint32_t)clock_ms() * 2654435761u;
	return r;
}

static void
add_dest(struct in_addr a)
{
	for (int i = 0; i < an.ndest; i++)
		if (an.dest[i].sin_addr.s_addr == a.s_addr)
			return;
	if (an.ndest == ANNOUNCE_DEST_MAX)
		return;
	struct sockaddr_in *sin = &an.dest[an.ndest++];
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)an.port);
	sin->sin_addr = a;
}

/* Interfaces come and go (a laptop joins Wi-Fi): look again before each beacon. */
static void
find_broadcast_dests(void)
{
	struct in_addr all[ANNOUNCE_DEST_MAX];
	int n = lan_broadcast_addrs(all, ANNOUNCE_DEST_MAX);

	an.ndest = 0;
	for (int i = 0; i < n; i++)
		add_dest(all[i]);
}

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
	if (an.broadcast)
		find_broadcast_dests();
	for (int i = 0; i < an.ndest; i++) {
		if (sendto(an.fd, buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&an.dest[i],
		        sizeof an.dest[i]) == n)
			srv.stats.beacons_sent++;
		else
			log_debug("beacon to %s: %s", inet_ntoa(an.dest[i].sin_addr), strerror(errno));
	}
}

static int64_t
on_timer(int64_t now_ms, void *arg)
{
	(void)arg;
	if (an.fd < 0)
		return 0;
	send_beacon(BEACON_SERVER);
	return now_ms + beacon_jitter(BEACON_INTERVAL_MS, rand32());
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
	if (getrandom(&an.id, sizeof an.id, 0) != sizeof an.id || an.id == 0)
		an.id = ((uint64_t)rand32() << 32 | rand32()) | 1;
	an.broadcast = cfg->ndest == 0;
	/*
	 * A unicast datagram goes to only one of the sockets sharing a port, so with unicast
	 * destinations the server must not listen: it would take its own beacons away from the
	 * client beside it. Hearing others is only a count for the dashboard.
	 */
	bool listen = true;
	for (int i = 0; i < cfg->ndest; i++) {
		struct in_addr a;
		if (inet_pton(AF_INET, cfg->dest[i], &a) != 1) {
			log_warn("beacon: '%s' is not an IPv4 address; skipped", cfg->dest[i]);
			continue;
		}
		add_dest(a);
		listen = listen && lan_is_broadcast(a);
	}
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
	    BEACON_INTERVAL_MS / 1000, an.broadcast ? "broadcast" : "given addresses");
	send_beacon(BEACON_SERVER);
	loop_timer(srv.now_ms + beacon_jitter(BEACON_INTERVAL_MS, rand32()), on_timer, NULL);
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
