/*
 * beacon_listen: a discovery listener for the network-namespace test. It opens the client's
 * discovery module on a UDP port (0: a free one), says "ready PORT", and then reports on
 * stdout, one line each:
 *
 *	server NAME ADDR PORT   a server was heard (ADDR is the datagram's source)
 *	welcome LINE            the first line that server sent when we connected to ADDR PORT
 *	gone ADDR               the server said bye
 *
 * It exits 0 after "gone", 1 when timeout_ms pass first or anything fails.
 * Usage: beacon_listen PORT TIMEOUT_MS
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/discovery.h"
#include "common/util.h"

enum { WELCOME_MAX = 512 };

static int64_t deadline;

static int
left_ms(void)
{
	int64_t left = deadline - clock_ms();

	return left < 0 ? 0 : (int)left;
}

/* Connects to addr:port and prints the first line the server sends. */
static int
welcome(const char *addr, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char line[WELCOME_MAX];
	size_t len = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &sin.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		perror("beacon_listen: connect");
		return -1;
	}
	while (len < sizeof line - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, left_ms()) != 1)
			break;
		n = read(fd, line + len, sizeof line - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		line[len] = '\0';
		if (strchr(line, '\n') != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			printf("welcome %s\n", line);
			fflush(stdout);
			close(fd);
			return 0;
		}
	}
	fprintf(stderr, "beacon_listen: no welcome line from %s:%d\n", addr, port);
	close(fd);
	return -1;
}

int
main(int argc, char **argv)
{
	struct disc_config cfg = {.announce = false, .dest = {"127.255.255.255"}, .ndest = 1};
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	char err[256], addr[HOST_LEN] = "";
	struct discovery *d;
	bool seen = false;

	if (argc != 3) {
		fprintf(stderr, "usage: beacon_listen PORT TIMEOUT_MS\n");
		return 2;
	}
	cfg.port = atoi(argv[1]);
	deadline = clock_ms() + atoi(argv[2]);
	if ((d = disc_open(&cfg, err, sizeof err)) == NULL) {
		fprintf(stderr, "beacon_listen: %s\n", err);
		return 1;
	}
	getsockname(disc_fd(d), (struct sockaddr *)&sin, &sl);
	printf("ready %d\n", ntohs(sin.sin_port));
	fflush(stdout);

	while (left_ms() > 0) {
		struct pollfd p = {.fd = disc_fd(d), .events = POLLIN};
		const struct beacon_peer *srv[4];
		size_t n;

		poll(&p, 1, left_ms());
		disc_read(d, clock_ms());
		n = disc_servers(d, srv, 4);
		if (!seen && n > 0) {
			seen = true;
			str_copy(addr, srv[0]->addr, sizeof addr);
			printf("server %s %s %d\n", srv[0]->b.name, addr, srv[0]->b.port);
			fflush(stdout);
			if (welcome(addr, srv[0]->b.port) != 0)
				break;
		} else if (seen && n == 0) {
			printf("gone %s\n", addr);
			fflush(stdout);
			disc_close(d);
			return 0;
		}
	}
	fprintf(stderr, "beacon_listen: %s\n", seen ? "no bye heard" : "no server heard");
	disc_close(d);
	return 1;
}
