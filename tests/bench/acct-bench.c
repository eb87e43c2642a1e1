/*
 * lanchat-acct-bench: what accounts cost a running lanchatd on loopback. Three figures:
 * registrations per second (NickServ REGISTER with a password, so one yescrypt hash each),
 * SASL PLAIN logins per second (one hash check each), both with N clients and at most K at
 * once; and NICK changes per second from one client, to nicks nobody owns and to nicks that
 * are accounts (the ownership check: a store lookup, a notice and a grace timer).
 *
 * usage: lanchat-acct-bench HOST PORT [N [K [NICKS]]]      (defaults 5000 200 20000)
 * Loopback only. Each run needs a fresh store (the accounts it registers must be new).
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/limits.h"
#include "tests/bench/bench_net.h"

enum { LINE_BUF = 8192, NICK_BATCH = 500 };

struct slot {
	int fd;
	int idx;      /* the account this slot works on; -1 idle */
	int step;     /* where it is in its exchange */
	size_t len;
	char buf[LINE_BUF];
};

static struct sockaddr_storage addr;
static socklen_t addrlen;

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "lanchat-acct-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int
dial(void)
{
	int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, addrlen) != 0)
		die("connect");
	return fd;
}

static void
put(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		s += w;
		n -= (size_t)w;
	}
}

/* Reads what is there; returns the next complete line of s (without CR LF), or NULL. */
static char *
next_line(struct slot *s, bool *eof)
{
	for (;;) {
		char *nl = memchr(s->buf, '\n', s->len);
		if (nl != NULL) {
			static char line[LINE_BUF];
			size_t n = (size_t)(nl - s->buf);
			memcpy(line, s->buf, n);
			line[n > 0 && line[n - 1] == '\r' ? n - 1 : n] = '\0';
			memmove(s->buf, nl + 1, s->len - n - 1);
			s->len -= n + 1;
			return line;
		}
		ssize_t r = read(s->fd, s->buf + s->len, sizeof s->buf - s->len - 1);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return NULL;
		if (r <= 0) {
			*eof = true;
			return NULL;
		}
		s->len += (size_t)r;
	}
}

static const char *
plain_b64(int i)
{
	static char out[256];
	unsigned char raw[128];
	int n = snprintf((char *)raw + 1, sizeof raw - 1, "acc%05d", i) + 1;
	raw[0] = '\0';
	raw[n++] = '\0';
	n += snprintf((char *)raw + n, sizeof raw - (size_t)n, "pw%05d", i);
	EVP_EncodeBlock((unsigned char *)out, raw, n);
	return out;
}

/* Starts account i's exchange on a fresh connection. */
static void
begin(struct slot *s, int i, bool login)
{
	char line[512];

	s->fd = dial();
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
	s->idx = i;
	s->step = 0;
	s->len = 0;
	if (login)
		snprintf(line, sizeof line,
		    "CAP REQ :sasl\r\nNICK l%05d\r\nUSER b 0 * :b\r\nAUTHENTICATE PLAIN\r\n", i);
	else
		snprintf(line, sizeof line,
		    "NICK acc%05d\r\nUSER b 0 * :b\r\nPRIVMSG NickServ :REGISTER pw%05d\r\n", i, i);
	put(s->fd, line);
}

/* Moves s on by what it read; true once its exchange is over (the slot is then idle). */
static bool
advance(struct slot *s, bool login, int *failed)
{
	bool eof = false;
	char *l;

	while ((l = next_line(s, &eof)) != NULL) {
		if (login && s->step == 0 && strcmp(l, "AUTHENTICATE +") == 0) {
			char out[300];
			snprintf(out, sizeof out, "AUTHENTICATE %s\r\n", plain_b64(s->idx));
			put(s->fd, out);
			s->step = 1;
		} else if ((login && strstr(l, " 903 ") != NULL) ||
		    (!login && strstr(l, "is registered to you") != NULL)) {
			break;
		} else if (strstr(l, " 904 ") != NULL || strstr(l, "Invalid account") != NULL ||
		    strstr(l, "registered already") != NULL || strncmp(l, "ERROR", 5) == 0) {
			++*failed;
			break;
		}
	}
	if (l == NULL && !eof)
		return false;
	if (eof)
		++*failed;
	close(s->fd);
	s->fd = -1;
	s->idx = -1;
	return true;
}

/* n exchanges, at most k at once; returns the rate per second. */
static double
run(int n, int k, bool login, int *failed)
{
	struct slot *slots = calloc((size_t)k, sizeof *slots);
	struct pollfd *pf = calloc((size_t)k, sizeof *pf);
	int started = 0, done = 0;
	double t0 = now_s();

	*failed = 0;
	for (int j = 0; j < k; j++) {
		slots[j].fd = -1;
		slots[j].idx = -1;
	}
	while (done < n) {
		for (int j = 0; j < k; j++)
			if (slots[j].fd < 0 && started < n)
				begin(&slots[j], started++, login);
		for (int j = 0; j < k; j++)
			pf[j] = (struct pollfd){ .fd = slots[j].fd, .events = POLLIN };
		if (poll(pf, (nfds_t)k, 120000) <= 0)
			die("poll (the server stopped answering)");
		for (int j = 0; j < k; j++)
			if (pf[j].revents != 0 && advance(&slots[j], login, failed))
				done++;
	}
	free(slots);
	free(pf);
	return n / (now_s() - t0);
}

/* One registered client changes its nick m times to names from fmt, then syncs with PING. */
static double
nick_rate(int m, bool owned, int accounts)
{
	struct slot s = { .fd = dial(), .idx = 0 };
	char line[256];
	bool eof = false;
	char *l;
	double t0;

	put(s.fd, "NICK nickbench\r\nUSER b 0 * :b\r\n");
	while ((l = next_line(&s, &eof)) == NULL || strstr(l, " 001 ") == NULL)
		if (eof)
			die("registration");
	t0 = now_s();
	for (int i = 0; i < m; i += NICK_BATCH) {
		for (int j = i; j < i + NICK_BATCH && j < m; j++) {
			if (owned)
				snprintf(line, sizeof line, "NICK acc%05d\r\n", j % accounts);
			else
				snprintf(line, sizeof line, "NICK free%05d\r\n", j);
			put(s.fd, line);
		}
		snprintf(line, sizeof line, "PING :batch%d\r\n", i);
		put(s.fd, line);
		char want[64];
		snprintf(want, sizeof want, "batch%d", i);
		for (;;) {
			struct pollfd p = { .fd = s.fd, .events = POLLIN };
			l = next_line(&s, &eof);
			if (eof)
				die("the server closed the NICK client");
			if (l != NULL && strstr(l, "PONG") != NULL && strstr(l, want) != NULL)
				break;
			if (l == NULL && poll(&p, 1, 10000) <= 0)
				die("poll (NICK)");
		}
	}
	double rate = m / (now_s() - t0);
	close(s.fd);
	return rate;
}

int
main(int argc, char **argv)
{
	char err[256];
	int n = argc > 3 ? atoi(argv[3]) : 5000, k = argc > 4 ? atoi(argv[4]) : 200,
	    m = argc > 5 ? atoi(argv[5]) : 20000, failed;

	if (argc < 3 || n <= 0 || k <= 0 || m <= 0 || n > 99999) {
		fprintf(stderr, "usage: lanchat-acct-bench HOST PORT [N [K [NICKS]]]\n");
		return 2;
	}
	if (bench_resolve_loopback(argv[1], argv[2], &addr, &addrlen, err, sizeof err) != 0) {
		fprintf(stderr, "lanchat-acct-bench: %s\n", err);
		return 2;
	}
	bench_raise_nofile(k + 16);
	double reg = run(n, k, false, &failed);
	printf("registrations/s  %8.1f  (%d clients, %d at once, %d failed)\n", reg, n, k, failed);
	double login = run(n, k, true, &failed);
	printf("SASL PLAIN logins/s %5.1f  (%d clients, %d at once, %d failed)\n", login, n, k,
	    failed);
	double free_rate = nick_rate(m, false, n), owned = nick_rate(m, true, n);
	printf("NICK/s to free nicks  %8.0f\n", free_rate);
	printf("NICK/s to owned nicks %8.0f  (%.2fx the cost)\n", owned, free_rate / owned);
	return 0;
}
