/*
 * harness: see harness.h. Single-threaded; every wait is a poll() with a deadline, and every
 * poll also drains the server's output pipe so a chatty server can never block on it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

enum {
	TH_ARGS_MAX = 64,
	TH_INBUF = 64 * 1024,
	TH_PIPE_SIZE = 1 << 20,
	TH_FAIL_LINES = 40,     /* lines of history printed on failure */
	TH_FAIL_LOG = 3000,     /* bytes of server log printed on failure */
	TH_STOP_POLL_MS = 5,    /* re-check interval for the exit status once the pipe closed */
};

struct th_server {
	pid_t pid;
	int outfd; /* read end of the server's stderr+stdout, -1 at EOF */
	int port;
	bool running;
	int status;
	char *log;
	size_t loglen;
	size_t logcap;
	char statedir[128]; /* a fresh --state-dir made for it, removed at teardown; or "" */
	struct th_server *next;
};

struct th_client {
	int fd;
	struct th_server *srv;
	bool eof;
	char in[TH_INBUF];
	size_t start;
	size_t len;
	char cur[TH_LINE_MAX + 1];
	size_t cur_len;
	char *hist[TH_HISTORY];
	unsigned long nlines;
	char nick[64];
	char prefix[160];
	pid_t tls_pid; /* the openssl s_client carrying a TLS client's bytes, or 0 */
	struct th_client *next;
};

static struct th_server *servers;
static struct th_client *clients;
static unsigned sync_seq;

long long
th_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
remaining(long long deadline)
{
	long long left = deadline - th_now_ms();

	return left < 0 ? 0 : (int)left;
}

static void
th_vfail_at(const char *file, int line, const char *fmt, va_list ap)
{
	char msg[16384];

	vsnprintf(msg, sizeof msg, fmt, ap);
	print_error("%s\n", msg);
	_fail(file, line);
}

void
th_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	th_vfail_at(file, line, fmt, ap);
	va_end(ap);
	abort(); /* _fail does not return */
}

/* Appends s to buf (cap bytes), escaping bytes that would garble a terminal. */
static void
append_visible(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	for (; *s != '\0' && n + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f)
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", ch);
		else
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
}

/* ---- server ---- */

void
th_server_drain(struct th_server *srv)
{
	char buf[8192];
	ssize_t n;

	if (srv == NULL || srv->outfd < 0)
		return;
	for (;;) {
		n = read(srv->outfd, buf, sizeof buf);
		if (n > 0) {
			size_t take = (size_t)n;

			if (srv->loglen + take > TH_LOG_MAX)
				take = TH_LOG_MAX - srv->loglen;
			if (srv->loglen + take + 1 > srv->logcap) {
				size_t cap = srv->logcap ? srv->logcap : 8192;

				while (cap < srv->loglen + take + 1)
					cap *= 2;
				srv->log = realloc(srv->log, cap);
				if (srv->log == NULL)
					abort();
				srv->logcap = cap;
			}
			memcpy(srv->log + srv->loglen, buf, take);
			srv->loglen += take;
			srv->log[srv->loglen] = '\0';
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(srv->outfd); /* EOF or a real error: the server is gone */
		srv->outfd = -1;
		return;
	}
}

const char *
th_server_log(struct th_server *srv)
{
	th_server_drain(srv);
	return srv->log != NULL ? srv->log : "";
}

static const char *
log_tail(struct th_server *srv)
{
	const char *log = th_server_log(srv);
	size_t len = strlen(log);

	return len > TH_FAIL_LOG ? log + len - TH_FAIL_LOG : log;
}

int
th_server_port(const struct th_server *srv)
{
	return srv->port;
}

pid_t
th_server_pid(const struct th_server *srv)
{
	return srv->pid;
}

/* Forks and execs argv with stdout and stderr on a pipe; returns the read end. */
static int
spawn(char *const argv[], pid_t *pid)
{
	int fds[2];
	int size = TH_PIPE_SIZE;

	signal(SIGPIPE, SIG_IGN);
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	*pid = fork();
	if (*pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (*pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	(void)fcntl(fds[0], F_SETPIPE_SZ, size); /* best effort: more slack between drains */
	return fds[0];
}

/* Waits for the child to exit, draining its output; -1 if it outlives the deadline. */
static int
reap(struct th_server *srv, long long deadline)
{
	int st;

	for (;;) {
		pid_t r = waitpid(srv->pid, &st, WNOHANG);

		if (r == srv->pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (th_now_ms() >= deadline) {
			kill(srv->pid, SIGKILL);
			waitpid(srv->pid, &st, 0);
			th_server_drain(srv);
			srv->running = false;
			srv->status = -1;
			return -1;
		}
		if (srv->outfd >= 0) {
			struct pollfd p = {.fd = srv->outfd, .events = POLLIN};
			int ms = remaining(deadline);

			poll(&p, 1, ms < 100 ? ms : 100);
			th_server_drain(srv);
		} else {
			/* Output closed but not yet reaped: no fd to wait on, so re-check shortly. */
			struct timespec ts = {0, TH_STOP_POLL_MS * 1000000L};

			nanosleep(&ts, NULL);
		}
	}
	th_server_drain(srv);
	srv->running = false;
	if (WIFEXITED(st))
		srv->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		srv->status = 128 + WTERMSIG(st);
	else
		srv->status = -1;
	return srv->status;
}

/* The port of the first ADDR:PORT token after "listening on ", or -1. */
static int
parse_port(const char *log)
{
	const char *p = strstr(log, "listening on ");
	const char *end;
	const char *colon = NULL;
	const char *q;
	long port;

	if (p == NULL)
		return -1;
	p += strlen("listening on ");
	end = p + strcspn(p, " \t\r\n,");
	for (q = p; q < end; q++)
		if (*q == ':')
			colon = q;
	if (colon == NULL || !strchr("0123456789", colon[1]) || colon[1] == '\0')
		return -1;
	port = strtol(colon + 1, NULL, 10);
	return port > 0 && port < 65536 ? (int)port : -1;
}

static struct th_server *
server_new(void)
{
	struct th_server *srv = calloc(1, sizeof *srv);

	if (srv == NULL)
		abort();
	srv->outfd = -1;
	srv->port = -1;
	srv->next = servers;
	servers = srv;
	return srv;
}

struct th_server *
th_server_start_at(const char *file, int line, const char *arg, ...)
{
	char *argv[TH_ARGS_MAX];
	int argc = 0;
	struct th_server *srv = server_new();
	long long deadline;
	va_list ap;

	argv[argc++] = (char *)th_lanchatd_path;
	argv[argc++] = (char *)"-p";
	argv[argc++] = (char *)"0";
	argv[argc++] = (char *)"-b";
	argv[argc++] = (char *)TH_HOST;
	argv[argc++] = (char *)"-n";
	argv[argc++] = (char *)TH_SERVER_NAME;
	argv[argc++] = (char *)"--no-beacon";
	bool own_state = false;
	va_start(ap, arg);
	for (; arg != NULL && argc < TH_ARGS_MAX - 3; arg = va_arg(ap, const char *)) {
		own_state |= strcmp(arg, "--state-dir") == 0 || strcmp(arg, "--no-store") == 0;
		argv[argc++] = (char *)arg;
	}
	va_end(ap);
	/* Each server its own store, so tests neither share history nor wait on a lock. */
	if (!own_state) {
		const char *tmp = getenv("TMPDIR");
		snprintf(srv->statedir, sizeof srv->statedir, "%s/lanchat-th-XXXXXX",
		    tmp != NULL && strlen(tmp) < 64 ? tmp : "/tmp");
		if (mkdtemp(srv->statedir) == NULL)
			th_fail_at(file, line, "mkdtemp: %s", strerror(errno));
		argv[argc++] = (char *)"--state-dir";
		argv[argc++] = srv->statedir;
	}
	argv[argc] = NULL;

	srv->outfd = spawn(argv, &srv->pid);
	if (srv->outfd < 0)
		th_fail_at(file, line, "cannot start %s: %s", th_lanchatd_path, strerror(errno));
	srv->running = true;
	deadline = th_now_ms() + TH_START_TIMEOUT;
	for (;;) {
		struct pollfd p = {.fd = srv->outfd, .events = POLLIN};

		th_server_drain(srv);
		if (srv->log != NULL && (srv->port = parse_port(srv->log)) > 0)
			return srv;
		if (srv->outfd < 0 || th_now_ms() >= deadline)
			break;
		poll(&p, 1, remaining(deadline));
	}
	if (srv->outfd >= 0)
		th_server_stop(srv, TH_START_TIMEOUT);
	else
		reap(srv, th_now_ms() + TH_START_TIMEOUT);
	th_fail_at(file, line, "lanchatd did not report \"listening on ADDR:PORT\" (status %d); "
	    "its output:\n%s", srv->status, srv->log != NULL ? srv->log : "(nothing)");
}

void
th_server_expect_log_at(const char *file, int line, struct th_server *srv, const char *pattern,
    int timeout_ms)
{
	long long deadline = th_now_ms() + timeout_ms;
	bool re = strncmp(pattern, "re:", 3) == 0;
	regex_t rx;

	if (re && regcomp(&rx, pattern + 3, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0)
		th_fail_at(file, line, "bad regular expression %s", pattern);
	for (;;) {
		const char *log = th_server_log(srv);
		bool hit = re ? regexec(&rx, log, 0, NULL, 0) == 0 : strstr(log, pattern) != NULL;

		if (hit)
			break;
		if (srv->outfd < 0 || th_now_ms() >= deadline) {
			if (re)
				regfree(&rx);
			th_fail_at(file, line, "server log never showed \"%s\" within %d ms; log tail:\n%s",
			    pattern, timeout_ms, log_tail(srv));
		}
		struct pollfd p = {.fd = srv->outfd, .events = POLLIN};
		poll(&p, 1, remaining(deadline));
	}
	if (re)
		regfree(&rx);
}

int
th_server_signal(struct th_server *srv, int sig, int timeout_ms)
{
	if (!srv->running)
		return srv->status;
	kill(srv->pid, sig);
	return reap(srv, th_now_ms() + timeout_ms);
}

int
th_server_stop(struct th_server *srv, int timeout_ms)
{
	return th_server_signal(srv, SIGTERM, timeout_ms);
}

int
th_run(char **out, int timeout_ms, const char *arg, ...)
{
	char *argv[TH_ARGS_MAX];
	int argc = 0;
	struct th_server *srv = server_new();
	va_list ap;
	int st;

	argv[argc++] = (char *)th_lanchatd_path;
	va_start(ap, arg);
	for (; arg != NULL && argc < TH_ARGS_MAX - 1; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	argv[argc] = NULL;
	srv->outfd = spawn(argv, &srv->pid);
	if (srv->outfd < 0)
		return -1;
	srv->running = true;
	st = reap(srv, th_now_ms() + timeout_ms);
	*out = strdup(srv->log != NULL ? srv->log : "");
	return st;
}

/* ---- clients ---- */

struct th_client *
th_connect_at(const char *file, int line, struct th_server *srv, int rcvbuf)
{
	return th_connect_from_at(file, line, srv, rcvbuf, NULL);
}

struct th_client *
th_connect_from_at(
    const char *file, int line, struct th_server *srv, int rcvbuf, const char *from)
{
	struct th_client *c = calloc(1, sizeof *c);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv->port)};
	long long deadline = th_now_ms() + TH_TIMEOUT;
	int one = 1;
	int err = 0;
	socklen_t elen = sizeof err;

	if (c == NULL)
		abort();
	c->srv = srv;
	c->next = clients;
	clients = c;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		th_fail_at(file, line, "socket: %s", strerror(errno));
	if (rcvbuf > 0)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (from != NULL) {
		struct sockaddr_in src = {.sin_family = AF_INET};
		inet_pton(AF_INET, from, &src.sin_addr);
		if (bind(c->fd, (struct sockaddr *)&src, sizeof src) != 0)
			th_fail_at(file, line, "bind to %s: %s", from, strerror(errno));
	}
	inet_pton(AF_INET, TH_HOST, &sin.sin_addr);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		struct pollfd p = {.fd = c->fd, .events = POLLOUT};

		if (errno != EINPROGRESS)
			th_fail_at(file, line, "connect to port %d: %s", srv->port, strerror(errno));
		if (poll(&p, 1, remaining(deadline)) != 1)
			th_fail_at(file, line, "connect to port %d timed out", srv->port);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (err != 0)
			th_fail_at(file, line, "connect to port %d: %s", srv->port, strerror(err));
	}
	return c;
}

int
th_server_tls_port(const struct th_server *srv)
{
	const char *p = srv->log != NULL ? strstr(srv->log, " and TLS ") : NULL;
	const char *colon;

	if (p == NULL)
		return -1;
	p += strlen(" and TLS ");
	colon = strchr(p, ':');
	if (colon == NULL || colon > p + strcspn(p, " \t\r\n,"))
		return -1;
	return (int)strtol(colon + 1, NULL, 10);
}

struct th_client *
th_connect_tls_at(const char *file, int line, struct th_server *srv, const char *cert,
    const char *key)
{
	struct th_client *c = calloc(1, sizeof *c);
	int sp[2], port = th_server_tls_port(srv);
	char target[64];

	if (c == NULL)
		abort();
	if (port <= 0)
		th_fail_at(file, line, "the server reported no TLS port");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		th_fail_at(file, line, "socketpair: %s", strerror(errno));
	snprintf(target, sizeof target, "%s:%d", TH_HOST, port);
	c->tls_pid = fork();
	if (c->tls_pid < 0)
		th_fail_at(file, line, "fork: %s", strerror(errno));
	if (c->tls_pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(sp[1], 0);
		dup2(sp[1], 1);
		if (null >= 0)
			dup2(null, 2);
		if (cert != NULL)
			execlp("openssl", "openssl", "s_client", "-quiet", "-nocommands", "-connect",
			    target, "-cert", cert, "-key", key, (char *)NULL);
		else
			execlp("openssl", "openssl", "s_client", "-quiet", "-nocommands", "-connect",
			    target, (char *)NULL);
		_exit(127);
	}
	close(sp[1]);
	c->fd = sp[0];
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	c->srv = srv;
	c->next = clients;
	clients = c;
	return c;
}

int
th_fd(const struct th_client *c)
{
	return c->fd;
}

const char *
th_nick(const struct th_client *c)
{
	return c->nick;
}

void
th_set_nick(struct th_client *c, const char *nick)
{
	snprintf(c->nick, sizeof c->nick, "%s", nick);
	snprintf(c->prefix, sizeof c->prefix, "%s!~%s@%s", nick, nick, TH_HOST);
}

const char *
th_prefix(const struct th_client *c)
{
	return c->prefix;
}

static const char *
client_name(const struct th_client *c)
{
	return c->nick[0] != '\0' ? c->nick : "(unregistered)";
}

ssize_t
th_try_send(struct th_client *c, const void *data, size_t len)
{
	ssize_t n;

	do
		n = send(c->fd, data, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	return n;
}

void
th_send_at(const char *file, int line, struct th_client *c, const void *data, size_t len)
{
	const char *p = data;
	long long deadline = th_now_ms() + TH_TIMEOUT;

	while (len > 0) {
		ssize_t n = th_try_send(c, p, len);

		if (n < 0)
			th_fail_at(file, line, "send on %s: %s", client_name(c), strerror(errno));
		p += n;
		len -= (size_t)n;
		if (len > 0) {
			struct pollfd pf[2] = {{.fd = c->fd, .events = POLLOUT},
			    {.fd = c->srv->outfd, .events = POLLIN}};

			if (th_now_ms() >= deadline)
				th_fail_at(file, line, "send on %s blocked for %d ms", client_name(c),
				    TH_TIMEOUT);
			poll(pf, 2, remaining(deadline));
			th_server_drain(c->srv);
		}
	}
}

void
th_sendf_at(const char *file, int line, struct th_client *c, const char *fmt, ...)
{
	char buf[TH_LINE_MAX + 3];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf - 2)
		th_fail_at(file, line, "th_sendf: line too long for the harness");
	memcpy(buf + n, "\r\n", 2);
	th_send_at(file, line, c, buf, (size_t)n + 2);
}

/* Moves the next complete line (or an oversized or final fragment) into c->cur. */
static bool
take_line(struct th_client *c)
{
	char *base = c->in + c->start;
	char *nl = memchr(base, '\n', c->len);
	size_t n;
	size_t skip;
	char **slot;

	if (nl != NULL) {
		n = (size_t)(nl - base);
		skip = n + 1;
	} else if (c->len >= TH_LINE_MAX || (c->eof && c->len > 0)) {
		n = c->len < TH_LINE_MAX ? c->len : TH_LINE_MAX;
		skip = n;
	} else {
		return false;
	}
	if (n > TH_LINE_MAX)
		n = TH_LINE_MAX;
	memcpy(c->cur, base, n);
	if (n > 0 && c->cur[n - 1] == '\r')
		n--;
	c->cur[n] = '\0';
	c->cur_len = n;
	c->start += skip;
	c->len -= skip;
	if (c->len == 0)
		c->start = 0;
	slot = &c->hist[c->nlines % TH_HISTORY];
	free(*slot);
	*slot = strdup(c->cur);
	c->nlines++;
	return true;
}

/* Waits up to ms for bytes; false on timeout. Sets eof on end of stream or error. */
static bool
fill(struct th_client *c, int ms)
{
	struct pollfd pf[2] = {{.fd = c->fd, .events = POLLIN},
	    {.fd = c->srv->outfd, .events = POLLIN}};
	long long deadline = th_now_ms() + ms;
	ssize_t n;

	if (c->start > 0 && c->start + c->len > TH_INBUF / 2) {
		memmove(c->in, c->in + c->start, c->len);
		c->start = 0;
	}
	for (;;) {
		n = recv(c->fd, c->in + c->start + c->len, TH_INBUF - c->start - c->len, 0);
		if (n > 0) {
			c->len += (size_t)n;
			return true;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			c->eof = true;
			return true;
		}
		if (errno == EINTR)
			continue;
		pf[1].fd = c->srv->outfd;
		if (poll(pf, 2, remaining(deadline)) <= 0 && th_now_ms() >= deadline)
			return false;
		th_server_drain(c->srv);
		if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)) && th_now_ms() >= deadline)
			return false;
	}
}

const char *
th_read_line(struct th_client *c, int timeout_ms)
{
	long long deadline = th_now_ms() + timeout_ms;

	for (;;) {
		if (take_line(c))
			return c->cur;
		if (c->eof)
			return NULL;
		if (!fill(c, remaining(deadline)))
			return NULL;
	}
}

size_t
th_line_len(const struct th_client *c)
{
	return c->cur_len;
}

bool
th_eof(const struct th_client *c)
{
	return c->eof && c->len == 0;
}

static bool
match(const char *file, int line, const char *text, const char *pattern)
{
	regex_t rx;
	bool hit;

	if (strncmp(pattern, "re:", 3) != 0)
		return strstr(text, pattern) != NULL;
	if (regcomp(&rx, pattern + 3, REG_EXTENDED | REG_NOSUB) != 0)
		th_fail_at(file, line, "bad regular expression %s", pattern);
	hit = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	return hit;
}

unsigned long
th_mark(const struct th_client *c)
{
	return c->nlines;
}

bool
th_seen(const struct th_client *c, unsigned long mark, const char *pattern)
{
	unsigned long i = mark;

	if (c->nlines > TH_HISTORY && i < c->nlines - TH_HISTORY)
		i = c->nlines - TH_HISTORY;
	for (; i < c->nlines; i++)
		if (match(__FILE__, __LINE__, c->hist[i % TH_HISTORY], pattern))
			return true;
	return false;
}

/* Fails with the lines this client read since mark and the tail of the server's log. */
static void
fail_with_history(const char *file, int line, struct th_client *c, unsigned long mark,
    const char *what)
{
	char buf[12288];
	unsigned long i = mark;
	unsigned long shown;

	if (c->nlines - mark > TH_FAIL_LINES)
		i = c->nlines - TH_FAIL_LINES;
	shown = c->nlines - i;
	snprintf(buf, sizeof buf, "%s\n  %lu line(s) read by %s meanwhile%s:\n", what,
	    c->nlines - mark, client_name(c), shown < c->nlines - mark ? " (last ones)" : "");
	for (; i < c->nlines; i++) {
		strncat(buf, "  | ", sizeof buf - strlen(buf) - 1);
		append_visible(buf, sizeof buf, c->hist[i % TH_HISTORY]);
		strncat(buf, "\n", sizeof buf - strlen(buf) - 1);
	}
	th_fail_at(file, line, "%s  server log tail:\n%s", buf, log_tail(c->srv));
}

const char *
th_expect_at(const char *file, int line, struct th_client *c, const char *pattern,
    const char *forbidden, int timeout_ms)
{
	long long deadline = th_now_ms() + timeout_ms;
	unsigned long mark = c->nlines;
	const char *l;
	char what[1024];

	/* The deadline also bounds a stream of lines that never stops and never matches. */
	while (th_now_ms() <= deadline && (l = th_read_line(c, remaining(deadline))) != NULL) {
		if (forbidden != NULL && match(file, line, l, forbidden)) {
			snprintf(what, sizeof what, "%s got a line matching \"%s\" before \"%s\"",
			    client_name(c), forbidden, pattern);
			fail_with_history(file, line, c, mark, what);
		}
		if (match(file, line, l, pattern))
			return l;
	}
	snprintf(what, sizeof what, "%s: no line matching \"%s\" (%s after %d ms)", client_name(c),
	    pattern, th_eof(c) ? "connection closed" : "timed out", timeout_ms);
	fail_with_history(file, line, c, mark, what);
	return NULL;
}

void
th_expect_closed_at(const char *file, int line, struct th_client *c, int timeout_ms)
{
	long long deadline = th_now_ms() + timeout_ms;
	unsigned long mark = c->nlines;
	char what[256];

	while (!th_eof(c)) {
		if ((th_now_ms() > deadline || th_read_line(c, remaining(deadline)) == NULL) &&
		    !th_eof(c)) {
			snprintf(what, sizeof what, "%s: connection still open after %d ms",
			    client_name(c), timeout_ms);
			fail_with_history(file, line, c, mark, what);
		}
	}
}

void
th_sync_at(const char *file, int line, struct th_client *c, const char *forbidden)
{
	char pat[64];
	unsigned n = ++sync_seq;

	th_sendf_at(file, line, c, "PING :th-sync-%u", n);
	snprintf(pat, sizeof pat, "re:PONG .*th-sync-%u$", n);
	th_expect_at(file, line, c, pat, forbidden, TH_TIMEOUT);
}

void
th_register_at(const char *file, int line, struct th_client *c, const char *nick)
{
	char pat[128];

	th_set_nick(c, nick);
	th_sendf_at(file, line, c, "NICK %s", nick);
	th_sendf_at(file, line, c, "USER %s 0 * :Real %s", nick, nick);
	snprintf(pat, sizeof pat, "re:^:[^ ]+ 001 %s ", th_re_quote(nick));
	th_expect_at(file, line, c, pat, "re:^ERROR|^:[^ ]+ 4[0-9][0-9] ", TH_TIMEOUT);
	snprintf(pat, sizeof pat, "re:^:[^ ]+ (376|422) %s ", th_re_quote(nick));
	th_expect_at(file, line, c, pat, "re:^ERROR", TH_TIMEOUT);
}

struct th_client *
th_user_at(const char *file, int line, struct th_server *srv, const char *nick)
{
	struct th_client *c = th_connect_at(file, line, srv, 0);

	th_register_at(file, line, c, nick);
	return c;
}

void
th_crowd_at(const char *file, int line, struct th_server *srv, struct th_client **c, int n,
    const char *prefix)
{
	char nick[64], pat[128];

	for (int i = 0; i < n; i++)
		c[i] = th_connect_at(file, line, srv, 0);
	for (int i = 0; i < n; i++) {
		snprintf(nick, sizeof nick, "%s%03d", prefix, i);
		th_set_nick(c[i], nick);
		th_sendf_at(file, line, c[i], "NICK %s\r\nUSER %s 0 * :Crowd %d", nick, nick, i);
	}
	for (int i = 0; i < n; i++) {
		snprintf(pat, sizeof pat, "re:^:irc\\.test 001 %s ", th_re_quote(c[i]->nick));
		th_expect_at(file, line, c[i], pat, "re:^ERROR", 10000);
	}
}

void
th_join_at(const char *file, int line, struct th_client *c, const char *chan)
{
	char pat[256];

	th_sendf_at(file, line, c, "JOIN %s", chan);
	snprintf(pat, sizeof pat, "re:^:[^ ]+ 366 %s ", th_re_quote(c->nick));
	strncat(pat, th_re_quote(chan), sizeof pat - strlen(pat) - 1);
	strncat(pat, " ", sizeof pat - strlen(pat) - 1);
	th_expect_at(file, line, c, pat, "re:^ERROR|^:[^ ]+ (403|405|461|471|473|474|475|476) ",
	    TH_TIMEOUT);
}

const char *
th_re_quote(const char *s)
{
	static char buf[4][512];
	static int which;
	char *out = buf[which++ % 4];
	size_t n = 0;

	for (; *s != '\0' && n + 3 < sizeof buf[0]; s++) {
		if (strchr(".[]{}()\\*+?^$|", *s) != NULL)
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

static void
client_unlink(struct th_client *c)
{
	struct th_client **pp;

	for (pp = &clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->fd >= 0)
		close(c->fd);
	if (c->tls_pid > 0) {
		kill(c->tls_pid, SIGTERM);
		waitpid(c->tls_pid, NULL, 0);
	}
	for (int i = 0; i < TH_HISTORY; i++)
		free(c->hist[i]);
	free(c);
}

void
th_close(struct th_client *c)
{
	client_unlink(c);
}

void
th_reset(struct th_client *c)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	client_unlink(c);
}

/* The server's state directory: a few files, no subdirectories. */
static int
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (unlink(path) != 0)
			print_error("cannot remove %s: %s\n", path, strerror(errno));
	}
	closedir(d);
	return rmdir(dir);
}

int
th_teardown(void **state)
{
	int rc = 0;

	(void)state;
	while (clients != NULL)
		client_unlink(clients);
	while (servers != NULL) {
		struct th_server *srv = servers;

		if (srv->running) {
			int st = th_server_stop(srv, TH_START_TIMEOUT);

			if (st != 0) {
				print_error("lanchatd (pid %d) exited with status %d after SIGTERM; log "
				    "tail:\n%s\n", (int)srv->pid, st, log_tail(srv));
				rc = -1;
			}
		}
		servers = srv->next;
		if (srv->outfd >= 0)
			close(srv->outfd);
		if (srv->statedir[0] != '\0' && remove_tree(srv->statedir) != 0)
			rc = -1;
		free(srv->log);
		free(srv);
	}
	return rc;
}
