#include "common/lan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

int
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

bool
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
