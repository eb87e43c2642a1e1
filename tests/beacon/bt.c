/* bt: see bt.h. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bt.h"

enum {
	BT_SOCKETS_MAX = 16,
	BT_SEEN_MAX = 8,    /* datagrams listed when an expectation fails */
	BT_SEEN_LEN = 160,  /* bytes shown of each */
	BT_INODES_MAX = 256,
};

static int socks[BT_SOCKETS_MAX];
static int nsocks;

int
bt_listen_at(const char *file, int line, int port, int *bound)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	socklen_t sl = sizeof sin;
	int one = 1;
	int fd;

	if (nsocks == BT_SOCKETS_MAX)
		th_fail_at(file, line, "bt_listen: more than %d sockets", BT_SOCKETS_MAX);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		th_fail_at(file, line, "udp socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) != 0) {
		int err = errno;
		close(fd);
		th_fail_at(file, line, "bind udp port %d: %s", port, strerror(err));
	}
	socks[nsocks++] = fd;
	if (bound != NULL)
		*bound = ntohs(sin.sin_port);
	return fd;
}

void
bt_send_at(const char *file, int line, int port, const void *data, size_t len)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ssize_t n;

	if (fd < 0)
		th_fail_at(file, line, "udp socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	inet_pton(AF_INET, BT_BCAST, &sin.sin_addr);
	n = sendto(fd, data, len, 0, (struct sockaddr *)&sin, sizeof sin);
	if (n < 0 || (size_t)n != len) {
		int err = errno;
		close(fd);
		th_fail_at(file, line, "sendto %s:%d (%zu bytes): %s", BT_BCAST, port, len,
		    n < 0 ? strerror(err) : "short");
	}
	close(fd);
}

static int
remaining(long long deadline)
{
	long long left = deadline - th_now_ms();

	return left < 0 ? 0 : (int)left;
}

bool
bt_recv(int fd, long long deadline, char *buf, size_t cap, size_t *len, char *addr,
    size_t acap)
{
	for (;;) {
		struct sockaddr_in sin;
		socklen_t sl = sizeof sin;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		/* MSG_TRUNC: the length as sent, so oversized datagrams can be told apart. */
		ssize_t n = recvfrom(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&sin, &sl);

		if (n >= 0) {
			*len = (size_t)n;
			if (addr != NULL)
				inet_ntop(AF_INET, &sin.sin_addr, addr, (socklen_t)acap);
			return true;
		}
		if (errno != EAGAIN && errno != EINTR)
			return false;
		if (th_now_ms() >= deadline)
			return false;
		poll(&p, 1, remaining(deadline));
	}
}

/* Appends a readable rendering of a datagram to a failure message. */
static void
describe(char *out, size_t cap, const char *buf, size_t len, size_t kept)
{
	size_t o = strlen(out);
	size_t show = kept < BT_SEEN_LEN ? kept : BT_SEEN_LEN;

	o += (size_t)snprintf(out + o, cap - o, "  | (%zu bytes) ", len);
	for (size_t i = 0; i < show && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x20 || c > 0x7e)
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (o + 2 < cap) {
		out[o++] = '\n';
		out[o] = '\0';
	}
}

void
bt_expect_at(const char *file, int line, int fd, enum beacon_kind kind, uint64_t id,
    struct beacon *b, char *addr, int timeout_ms)
{
	long long deadline = th_now_ms() + timeout_ms;
	char seen[BT_SEEN_MAX * (BT_SEEN_LEN * 4 + 32)] = "";
	char buf[BEACON_MAX + 1];
	char from[INET_ADDRSTRLEN];
	unsigned count = 0;
	size_t len;

	while (bt_recv(fd, deadline, buf, sizeof buf, &len, from, sizeof from)) {
		size_t kept = len < sizeof buf ? len : sizeof buf;
		int rc = len > BEACON_MAX ? BEACON_E_OVERSIZE : beacon_decode(buf, len, b);

		if (rc == BEACON_OK && b->kind == kind && (id == 0 || b->id == id)) {
			if (addr != NULL)
				strcpy(addr, from);
			return;
		}
		if (count++ < BT_SEEN_MAX)
			describe(seen, sizeof seen, buf, len, kept);
	}
	th_fail_at(file, line, "no %s beacon%s within %d ms; %u other datagram(s) arrived:\n%s",
	    beacon_kind_name(kind), id != 0 ? " with that id" : "", timeout_ms, count, seen);
}

struct th_server *
bt_server_at(const char *file, int line, int port, const char *arg, ...)
{
	enum { EXTRA_MAX = 12 };
	const char *a[EXTRA_MAX + 1] = {NULL};
	char portstr[16];
	int n = 0;
	va_list ap;

	va_start(ap, arg);
	for (; arg != NULL; arg = va_arg(ap, const char *)) {
		if (n == EXTRA_MAX)
			th_fail_at(file, line, "bt_server: over %d extra arguments", EXTRA_MAX);
		a[n++] = arg;
	}
	va_end(ap);
	snprintf(portstr, sizeof portstr, "%d", port);
	/* The harness stops at the first NULL, so the unused tail of a[] ends the list. */
	return th_server_start_at(file, line, "--beacon-addr", BT_BCAST, "--beacon-port", portstr,
	    a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
	    (const char *)NULL);
}

/* The inodes of pid's sockets, from the "socket:[N]" links in /proc/PID/fd. */
static size_t
socket_inodes(pid_t pid, unsigned long *out, size_t max)
{
	char path[64];
	size_t n = 0;
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(dir)) != NULL && n < max) {
		char link[320], target[64];
		ssize_t k;

		snprintf(link, sizeof link, "%s/%s", path, e->d_name);
		k = readlink(link, target, sizeof target - 1);
		if (k <= 0)
			continue;
		target[k] = '\0';
		if (sscanf(target, "socket:[%lu]", &out[n]) == 1)
			n++;
	}
	closedir(dir);
	return n;
}

long
bt_rx_queue(pid_t pid, int port)
{
	unsigned long inodes[BT_INODES_MAX];
	size_t ninodes = socket_inodes(pid, inodes, BT_INODES_MAX);
	char line[512];
	long found = -1;
	FILE *f = fopen("/proc/net/udp", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned lport, txq, rxq;
		unsigned long inode;

		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, " %*u: %*x:%x %*x:%*x %*x %x:%x %*x:%*x %*x %*u %*u %lu", &lport,
		        &txq, &rxq, &inode) != 4 || (int)lport != port)
			continue;
		for (size_t i = 0; i < ninodes; i++)
			if (inodes[i] == inode)
				found = (long)rxq;
	}
	fclose(f);
	return found;
}

#define JUNK(what, s, err) {what, s, sizeof s - 1, err}
const struct bt_junk bt_junk[] = {
	JUNK("empty", "", BEACON_E_FOREIGN),
	JUNK("foreign text", "hello, is anyone there?", BEACON_E_FOREIGN),
	JUNK("binary with NULs", "\0\0LANCHAT/1\0server\xff\xfe", BEACON_E_FOREIGN),
	JUNK("another version", "LANCHAT/2 server id=1 seq=1", BEACON_E_VERSION),
	JUNK("unknown kind", "LANCHAT/1 gossip id=1 seq=1", BEACON_E_KIND),
	JUNK("no kind", "LANCHAT/1", BEACON_E_MALFORMED),
	JUNK("doubled space", "LANCHAT/1 bye  id=1 seq=1", BEACON_E_MALFORMED),
	JUNK("control byte", "LANCHAT/1 bye id=1 seq=1\x1b[2J", BEACON_E_MALFORMED),
	JUNK("bad escape", "LANCHAT/1 bye id=1 seq=1 x=%4", BEACON_E_MALFORMED),
	JUNK("repeated key", "LANCHAT/1 bye id=1 seq=1 seq=2", BEACON_E_MALFORMED),
	JUNK("missing seq", "LANCHAT/1 bye id=1", BEACON_E_MISSING),
	JUNK("id zero", "LANCHAT/1 bye id=0 seq=1", BEACON_E_RANGE),
	JUNK("port zero", "LANCHAT/1 server id=1 seq=1 name=x port=0 users=0 max=1 uptime=0 "
	    "ver=1", BEACON_E_RANGE),
	JUNK("nick with a space", "LANCHAT/1 user id=2 seq=1 nick=bad%20nick status=away "
	    "idle=0 server=-", BEACON_E_RANGE),
	{"one byte over", NULL, BEACON_MAX + 1, BEACON_E_OVERSIZE},
	{"60000 bytes", NULL, 60000, BEACON_E_OVERSIZE},
};
const size_t bt_njunk = sizeof bt_junk / sizeof bt_junk[0];

void
bt_send_junk(size_t i, int port)
{
	const struct bt_junk *j = &bt_junk[i];
	char *fill;

	if (j->data != NULL) {
		bt_send(port, j->data, j->len);
		return;
	}
	/* A beacon that would be valid but for its length. */
	fill = malloc(j->len);
	if (fill == NULL)
		abort();
	memset(fill, 'A', j->len);
	memcpy(fill, "LANCHAT/1 bye id=1 seq=1 pad=", 29);
	bt_send(port, fill, j->len);
	free(fill);
}

int
bt_teardown(void **state)
{
	while (nsocks > 0)
		close(socks[--nsocks]);
	return th_teardown(state);
}
