#include "common/lan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/util.h"

static int
add_unique(struct in_addr *out, int n, int max, struct in_addr a)
{
	for (int i = 0; i < n; i++)
		if (out[i].s_addr == a.s_addr)
			return n;
	if (n < max)
		out[n++] = a;
	return n;
}

/*
 * 127.255.255.255 (so one machine hears itself), then the broadcast address of every up,
 * broadcast-capable IPv4 interface. Returns how many were written to out[0..max).
 */
static int
lan_broadcast_addrs(struct in_addr *out, int max)
{
	struct ifaddrs *ifs;
	struct in_addr lo;
	int n = 0;

	lo.s_addr = htonl(0x7fffffff);
	n = add_unique(out, n, max, lo);
	if (getifaddrs(&ifs) != 0)
		return n;
	for (struct ifaddrs *ifa = ifs; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET ||
		    !(ifa->ifa_flags & IFF_UP) || !(ifa->ifa_flags & IFF_BROADCAST) ||
		    ifa->ifa_broadaddr == NULL)
			continue;
		n = add_unique(out, n, max, ((struct sockaddr_in *)ifa->ifa_broadaddr)->sin_addr);
	}
	freeifaddrs(ifs);
	return n;
}

static bool
lan_is_broadcast(struct in_addr a)
{
	struct in_addr all[64];
	int n;

	if (a.s_addr == htonl(INADDR_BROADCAST))
		return true;
	n = lan_broadcast_addrs(all, 64);
	for (int i = 0; i < n; i++)
		if (all[i].s_addr == a.s_addr)
			return true;
	return false;
}

int
lan_beacon_socket(int port, bool listen, char *errbuf, size_t errcap)
{
	struct sockaddr_in sin;
	int one = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(errbuf, errcap, "udp socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	if (!listen)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		snprintf(errbuf, errcap, "cannot listen for beacons on udp port %d: %s", port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void
lan_dests_init(struct lan_dests *d, int port)
{
	memset(d, 0, sizeof *d);
	d->port = port;
	d->broadcast = true;
}

static void
dests_put(struct lan_dests *d, struct in_addr a)
{
	for (int i = 0; i < d->n; i++)
		if (d->addr[i].sin_addr.s_addr == a.s_addr)
			return;
	if (d->n == LAN_DEST_MAX)
		return;
	struct sockaddr_in *sin = &d->addr[d->n++];
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)d->port);
	sin->sin_addr = a;
}

bool
lan_dests_add(struct lan_dests *d, const char *addr)
{
	struct in_addr a;
	/* Once destinations are named, never broadcast, even if this one is unusable. */
	d->broadcast = false;
	if (inet_pton(AF_INET, addr, &a) != 1)
		return false;
	dests_put(d, a);
	return true;
}

bool
lan_valid_addr(const char *addr)
{
	struct in_addr a;
	return inet_pton(AF_INET, addr, &a) == 1;
}

bool
lan_dests_broadcast_only(const struct lan_dests *d)
{
	for (int i = 0; !d->broadcast && i < d->n; i++)
		if (!lan_is_broadcast(d->addr[i].sin_addr))
			return false;
	return true;
}

int
lan_send(int fd, struct lan_dests *d, const void *buf, size_t len)
{
	int sent = 0;

	if (d->broadcast) {
		/* Interfaces come and go (a laptop joins Wi-Fi): look again every time. */
		struct in_addr all[LAN_DEST_MAX];
		int n = lan_broadcast_addrs(all, LAN_DEST_MAX);
		d->n = 0;
		for (int i = 0; i < n; i++)
			dests_put(d, all[i]);
	}
	for (int i = 0; i < d->n; i++)
		if (sendto(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&d->addr[i],
		        sizeof d->addr[i]) == (ssize_t)len)
			sent++;
	return sent;
}

uint32_t
lan_random32(void)
{
	uint32_t r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = (uint32_t)clock_ms() * 2654435761u;
	return r;
}

uint64_t
lan_random_id(void)
{
	uint64_t id = 0;
	if (getrandom(&id, sizeof id, GRND_NONBLOCK) != sizeof id || id == 0)
		id = ((uint64_t)lan_random32() << 32 | lan_random32()) | 1;
	return id;
}
