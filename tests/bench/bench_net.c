#include "tests/bench/bench_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

bool
bench_addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		const uint8_t *b = in6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127;
	}
	return false;
}

int
bench_resolve_loopback(const char *host, const char *port, struct sockaddr_storage *out,
    socklen_t *outlen, char *err, size_t errcap)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	int rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errcap, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (!bench_addr_is_loopback(ai->ai_addr)) {
			snprintf(err, errcap,
			    "refusing %s: only loopback targets (127.0.0.0/8, ::1) are allowed", host);
			freeaddrinfo(res);
			return -1;
		}
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*outlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void
bench_raise_nofile(int need)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)need + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max < want) {
		struct rlimit hard = { want, want };
		if (setrlimit(RLIMIT_NOFILE, &hard) == 0)
			return;
		want = rl.rlim_max;
	}
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || want < (rlim_t)need + 16)
		fprintf(stderr,
		    "lanchat-bench: warning: descriptor limit %ju is below %d connections\n",
		    (uintmax_t)want, need);
}

int
bench_wait_listening(const struct sockaddr_storage *addr, socklen_t len, int wait_ms)
{
	struct timespec start, now, pause = { 0, BENCH_WAIT_RETRY_MS * 1000000L };

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int rc = fd < 0 ? -1 : connect(fd, (const struct sockaddr *)addr, len);

		if (fd >= 0)
			close(fd);
		if (rc == 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
		    wait_ms)
			return -1;
		nanosleep(&pause, NULL);
	}
}

int
bench_free_port(void)
{
	struct sockaddr_in sin = { 0 };
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		fprintf(stderr, "lanchat-bench: cannot find a free port: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	printf("%d\n", ntohs(sin.sin_port));
	close(fd);
	return 0;
}
