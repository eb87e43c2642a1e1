#include "common/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"

void
net_nodelay(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void
net_keepalive(int fd, int idle_s, int interval_s, int probes)
{
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval_s, sizeof interval_s);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

void
net_addr_str(const struct sockaddr *sa, char *buf, size_t cap)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)cap);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf, (socklen_t)cap);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)cap);
	} else {
		str_copy(buf, "unknown", cap);
	}
}

int
net_addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

int
net_addr_port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return net_addr_port((struct sockaddr *)&ss);
}

void
net_join_hostport(char *buf, size_t cap, const char *host, const char *port)
{
	snprintf(buf, cap, strchr(host, ':') != NULL ? "[%s]:%s" : "%s:%s", host, port);
}

void
net_local_str(int fd, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[NET_ADDRSTR];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		str_copy(buf, "?", cap);
		return;
	}
	net_addr_str((struct sockaddr *)&ss, host, sizeof host);
	if (ss.ss_family == AF_INET6 && strchr(host, ':') != NULL)
		snprintf(buf, cap, "[%s]:%d", host, net_addr_port((struct sockaddr *)&ss));
	else
		snprintf(buf, cap, "%s:%d", host, net_addr_port((struct sockaddr *)&ss));
}

static int
listen_one(const struct addrinfo *ai, bool dual, char *errbuf, size_t errcap)
{
	int one = 1, zero = 0;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0) {
		snprintf(errbuf, errcap, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual ? &zero : &one, sizeof one);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
		char host[NET_ADDRSTR];
		net_addr_str(ai->ai_addr, host, sizeof host);
		snprintf(errbuf, errcap, "cannot listen on %s port %d: %s", host,
		    net_addr_port(ai->ai_addr), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
net_listen(const char *bind_addr, const char *port, int *fds, char *errbuf, size_t errcap)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char unbracketed[NET_ADDRSTR];
	int n = 0, rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (bind_addr == NULL) {
		/* One dual-stack IPv6 socket; fall back to IPv4 where IPv6 is absent. */
		hints.ai_family = AF_INET6;
		if (getaddrinfo(NULL, port, &hints, &res) == 0) {
			int fd = listen_one(res, true, errbuf, errcap);
			freeaddrinfo(res);
			if (fd >= 0) {
				fds[0] = fd;
				return 1;
			}
			if (errno == EADDRINUSE)
				return -1;
		}
		hints.ai_family = AF_INET;
		bind_addr = "0.0.0.0";
	} else {
		hints.ai_family = AF_UNSPEC;
		/* "[::1]" as people write an IPv6 address next to a port: drop the brackets. */
		size_t blen = strlen(bind_addr);
		if (blen > 2 && bind_addr[0] == '[' && bind_addr[blen - 1] == ']' &&
		    blen - 2 < sizeof unbracketed) {
			memcpy(unbracketed, bind_addr + 1, blen - 2);
			unbracketed[blen - 2] = '\0';
			bind_addr = unbracketed;
		}
	}
	rc = getaddrinfo(bind_addr, port, &hints, &res);
	if (rc != 0) {
		snprintf(errbuf, errcap, "cannot resolve %s: %s", bind_addr, gai_strerror(rc));
		return -1;
	}
	for (struct addrinfo *ai = res; ai != NULL && n < NET_LISTEN_MAX; ai = ai->ai_next) {
		int fd = listen_one(ai, false, errbuf, errcap);
		if (fd < 0) {
			for (int i = 0; i < n; i++)
				close(fds[i]);
			freeaddrinfo(res);
			return -1;
		}
		fds[n++] = fd;
		/* With port 0 every further socket must share the port the first one got. */
		if (strcmp(port, "0") == 0)
			break;
	}
	freeaddrinfo(res);
	if (n == 0)
		snprintf(errbuf, errcap, "no address to listen on");
	return n > 0 ? n : -1;
}

int
net_connect(const char *host, const char *port, char *errbuf, size_t errcap)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	int rc, fd = -1;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(errbuf, errcap, "cannot resolve %s: %s", host, gai_strerror(rc));
		return NET_UNRESOLVED;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS)
			break;
		snprintf(errbuf, errcap, "connect to %s port %s: %s", host, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		net_nodelay(fd);
	else if (errbuf[0] == '\0')
		snprintf(errbuf, errcap, "cannot connect to %s port %s", host, port);
	return fd;
}

int
net_split_hostport(const char *in, char *host, size_t hcap, char *port, size_t pcap,
    const char *defport)
{
	const char *colon;
	str_copy(port, defport, pcap);
	if (in[0] == '[') {
		const char *end = strchr(in, ']');
		if (end == NULL)
			return -1;
		size_t n = (size_t)(end - in - 1);
		if (n >= hcap)
			return -1;
		memcpy(host, in + 1, n);
		host[n] = '\0';
		if (end[1] == ':') {
			if (str_copy(port, end + 2, pcap) >= pcap)
				return -1;
		} else if (end[1] != '\0') {
			return -1;
		}
	} else if ((colon = strchr(in, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		size_t n = (size_t)(colon - in);
		if (n >= hcap)
			return -1;
		memcpy(host, in, n);
		host[n] = '\0';
		if (str_copy(port, colon + 1, pcap) >= pcap)
			return -1;
	} else if (str_copy(host, in, hcap) >= hcap) {
		/* Never connect to a silently shortened name. */
		return -1;
	}
	if (host[0] == '\0' || port[0] == '\0')
		return -1;
	long num = 0;
	for (const char *p = port; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		/* Digits only and bounded by pcap, yet stop early rather than overflow. */
		if (num <= 65535)
			num = num * 10 + (*p - '0');
	}
	/* Port 0 means "any" to the kernel, and a larger one wraps: neither can be dialled. */
	if (num < 1 || num > 65535)
		return NET_SPLIT_BADPORT;
	return 0;
}
