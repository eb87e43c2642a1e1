/*
 * Limits: flood control, SendQ, many clients at once, --max-clients, and the idle and
 * registration timeouts. Each test shows that the limit hits the one client that earns it
 * while the others carry on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/limits.h"
#include "harness.h"

static const char SENDQ_FILL[] =
    "the quick brown fox jumps over the lazy dog, then the lazy dog jumps over the quick brown "
    "fox, and so on for a while, until the line is long enough to make the point about buffers.."
    "........................................";

enum {
	FLOOD_LINES = 8000,      /* lines the flooder has ready; far beyond any sane rate */
	FLOOD_DEADLINE = 15000,  /* ms for the server to drop the flooder */
	CHAT_EVERY_MS = 500,     /* the polite client's pace while the flood goes on */
	SENDQ_MESSAGES = 40000,
	SENDQ_DEADLINE = 60000,
	/*
	 * Text per message: 40,000 of them make ~10 MB, well past what the kernel buffers for a
	 * connection that does not read (tcp_wmem max is typically 4 MB), so the SendQ must act.
	 */
	SENDQ_PAD = 200,
	CROWD = 200,
	PASTE_LINES = 300,       /* about 30 KB of pasted text from a plain user */
	PASTE_PACED_S = 3,       /* seconds of paced paste the test watches */
	BIG_MEMBERS = 150,       /* 150 nicks of 30 characters: a NAMES reply over 4 KiB */
};

static int
remaining_ms(long long deadline)
{
	long long left = deadline - th_now_ms();

	return left > 0 ? (int)left : 0;
}

/* A client far over the flood rate is dropped with Excess Flood; a polite one keeps talking. */
static void
test_flood(void **state)
{
	struct th_server *srv = th_server_start("--flood", "2", NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *f = th_user(srv, "flooder");
	size_t cap = (size_t)FLOOD_LINES * 32, len = 0, off = 0;
	char *buf = malloc(cap);
	long long deadline, next_chat;
	int said = 0, heard = 0;
	bool kicked = false, quit_seen = false;

	(void)state;
	assert_non_null(buf);
	th_join(a, "#f");
	th_join(b, "#f");
	th_join(f, "#f");
	for (int i = 0; i < FLOOD_LINES; i++)
		len += (size_t)snprintf(buf + len, cap - len, "PRIVMSG #f :flood %d\r\n", i);

	deadline = th_now_ms() + FLOOD_DEADLINE;
	next_chat = th_now_ms();
	while (!th_eof(f) && th_now_ms() < deadline) {
		struct pollfd pf[2] = {{.fd = th_fd(f), .events = POLLIN | POLLOUT},
		    {.fd = th_fd(b), .events = POLLIN}};
		const char *l;

		if (th_now_ms() >= next_chat) {
			th_sendf(a, "PRIVMSG #f :polite %d", said++);
			next_chat += CHAT_EVERY_MS;
		}
		poll(pf, 2, 50);
		if (pf[0].revents & POLLOUT) {
			ssize_t n = th_try_send(f, buf + off, len - off);

			if (n > 0)
				off = (off + (size_t)n) % len;
		}
		while ((l = th_read_line(f, 0)) != NULL)
			if (strstr(l, "Excess Flood") != NULL && strncmp(l, "ERROR ", 6) == 0)
				kicked = true;
		while ((l = th_read_line(b, 0)) != NULL) {
			if (strstr(l, "PRIVMSG #f :polite ") != NULL)
				heard++;
			else if (strncmp(l, ":flooder!~flooder@127.0.0.1 QUIT :", 34) == 0)
				quit_seen = strstr(l, "Excess Flood") != NULL;
		}
	}
	free(buf);
	if (!th_eof(f))
		th_fail("the flooder was still connected after %d ms", FLOOD_DEADLINE);
	if (!kicked)
		th_fail("the flooder was closed without \"ERROR :Closing link: ... (Excess Flood)\"");
	/* bob sees the flooder go, and every polite line, the last one sent after the kick. */
	th_sendf(a, "PRIVMSG #f :polite %d", said++);
	deadline = th_now_ms() + TH_TIMEOUT;
	while (!(quit_seen && heard == said)) {
		const char *l = th_read_line(b, remaining_ms(deadline));

		if (l == NULL)
			th_fail("bob: %d of %d polite lines, flooder QUIT %sseen", heard, said,
			    quit_seen ? "" : "not ");
		if (strstr(l, "PRIVMSG #f :polite ") != NULL)
			heard++;
		else if (strncmp(l, ":flooder!~flooder@127.0.0.1 QUIT :", 34) == 0)
			quit_seen = strstr(l, "Excess Flood") != NULL;
	}
	th_server_expect_log(srv, "flood", TH_TIMEOUT);
	th_sync(a);
}

/*
 * A plain user pasting 300 lines (about 30 KB, past the IRC flood kick) is paced, told so,
 * and keeps its connection; the lines arrive in order.
 */
static void
test_plain_paste(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p = th_connect(srv);
	static char paste[PASTE_LINES * 100];
	size_t len = 0;
	char pat[64];

	(void)state;
	th_join(a, "#lan");
	for (int i = 0; i < PASTE_LINES; i++)
		len += (size_t)snprintf(paste + len, sizeof paste - len, "paste %03d %.*s\n", i, 85,
		    SENDQ_FILL);
	if (len <= FLOOD_KICK_BYTES)
		th_fail("the paste is too short to prove anything (%zu bytes)", len);
	th_send(p, paste, len);
	snprintf(pat, sizeof pat, "Your lines are being sent at %d a second", FLOOD_RATE_DEFAULT);
	th_expect(p, pat, TH_TIMEOUT);
	/*
	 * Paced lines for PASTE_PACED_S seconds: past the once-a-second checks that drop an
	 * IRC client this far over the limit.
	 */
	for (int i = 0; i < FLOOD_BURST + FLOOD_RATE_DEFAULT * PASTE_PACED_S; i++) {
		snprintf(pat, sizeof pat, "re: PRIVMSG #lan :paste %03d ", i);
		th_expect_before(a, pat, "re:QUIT :.*Excess Flood", TH_TIMEOUT);
	}
	while (th_read_line(p, 0) != NULL)
		;
	if (th_eof(p) || th_seen(p, 0, "Excess Flood"))
		th_fail("the pasting plain user was disconnected");
}

/*
 * A member that never reads is dropped for SendQ while a reader in the same channel gets
 * all 40,000 messages in order.
 */
static void
test_sendq(void **state)
{
	struct th_server *srv = th_server_start("--flood", "0", "--sendq", "8192", NULL);
	struct th_client *w = th_user(srv, "writer");
	struct th_client *r = th_user(srv, "reader");
	struct th_client *s = th_connect_rcvbuf(srv, 4096);
	size_t cap = (size_t)SENDQ_MESSAGES * (SENDQ_PAD + 32), len = 0, off = 0;
	char *buf = malloc(cap);
	long long deadline;
	int next = 0;
	bool stuck_quit = false;

	(void)state;
	assert_non_null(buf);
	th_register(s, "stuck");
	th_join(w, "#q");
	th_join(r, "#q");
	th_join(s, "#q");
	th_expect(r, "re:^:stuck!~stuck@127\\.0\\.0\\.1 JOIN :?#q$", TH_TIMEOUT);
	for (int i = 0; i < SENDQ_MESSAGES; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		    "PRIVMSG #q :m%05d %.*s\r\n", i, SENDQ_PAD, SENDQ_FILL);

	deadline = th_now_ms() + SENDQ_DEADLINE;
	while (next < SENDQ_MESSAGES && th_now_ms() < deadline && !th_eof(r)) {
		struct pollfd pf[2] = {{.fd = th_fd(w), .events = off < len ? POLLOUT : 0},
		    {.fd = th_fd(r), .events = POLLIN}};
		const char *l;

		poll(pf, 2, 100);
		if (off < len && (pf[0].revents & POLLOUT)) {
			ssize_t n = th_try_send(w, buf + off, len - off);

			if (n < 0)
				th_fail("the writer's connection failed after %zu bytes", off);
			off += (size_t)n;
		}
		while ((l = th_read_line(r, 0)) != NULL) {
			const char *m = strstr(l, " PRIVMSG #q :m");
			int got;

			if (m != NULL && strncmp(l, ":writer!", 8) == 0) {
				got = atoi(m + 14);
				if (got != next)
					th_fail("reader got message %d, expected %d: %s", got, next, l);
				next++;
			} else if (strncmp(l, ":stuck!", 7) == 0 && strstr(l, " QUIT :") != NULL) {
				if (strstr(l, "SendQ exceeded") == NULL)
					th_fail("stuck quit for another reason: %s", l);
				stuck_quit = true;
			}
		}
		th_server_drain(srv);
	}
	free(buf);
	if (next < SENDQ_MESSAGES)
		th_fail("the reader got %d of %d messages (%s)", next, SENDQ_MESSAGES,
		    th_eof(r) ? "its connection closed" : "timed out");
	if (!stuck_quit)
		th_expect(r, "re:^:stuck!~stuck@127\\.0\\.0\\.1 QUIT :.*SendQ exceeded", TH_TIMEOUT);
	th_server_expect_log(srv, "SendQ exceeded", TH_TIMEOUT);
	th_sync(w);
	th_sync(r);
}

/*
 * The SendQ is for clients that do not read, not for long replies: with --sendq at its 4 KiB
 * minimum, joining a channel whose NAMES reply alone is larger still works, and the joiner
 * gets every nick.
 */
static void
test_sendq_long_reply(void **state)
{
	struct th_server *srv = th_server_start("--sendq", "4096", "--max-per-host", "0", NULL);
	struct th_client *c[BIG_MEMBERS], *late;
	char nick[32];
	const char *l;
	int nicks = 0;

	(void)state;
	for (int i = 0; i < BIG_MEMBERS; i++) {
		/* 30 characters, the advertised NICKLEN. */
		snprintf(nick, sizeof nick, "member%03d%s", i, "xxxxxxxxxxxxxxxxxxxxx");
		c[i] = th_user(srv, nick);
		th_join(c[i], "#big");
	}
	late = th_user(srv, "late");
	th_sendf(late, "JOIN #big");
	for (;;) {
		const char *p;

		l = th_expect_before(late, "re:^:irc\\.test (353|366) late ", "re:^ERROR", TH_TIMEOUT);
		if (strstr(l, " 366 ") != NULL)
			break;
		for (p = strstr(l, " :"); p != NULL && (p = strstr(p, "member")) != NULL; p += 6)
			nicks++;
	}
	if (nicks != BIG_MEMBERS)
		th_fail("NAMES listed %d of %d members", nicks, BIG_MEMBERS);
	th_sync(late);
	th_sync(c[0]);
}

/* 200 clients registering at the same moment all get 001; LUSERS then counts them. */
static void
test_many_clients(void **state)
{
	struct th_server *srv = th_server_start("--max-per-host", "0", NULL);
	struct th_client *c[CROWD];
	char pat[64];
	const char *l;
	int users = 0, invisible = 0;

	(void)state;
	th_crowd(srv, c, CROWD, "user");
	th_expect(c[0], "re: (376|422) user000 ", TH_TIMEOUT);
	th_sendf(c[0], "LUSERS");
	l = th_expect(c[0], " 251 user000 ", TH_TIMEOUT);
	if (sscanf(l, ":irc.test 251 user000 :There are %d users and %d invisible", &users,
	    &invisible) != 2 || users + invisible != CROWD)
		th_fail("LUSERS after %d registrations: %s", CROWD, l);
	snprintf(pat, sizeof pat, "I have %d clients", CROWD);
	th_expect(c[0], pat, TH_TIMEOUT);
}

/*
 * Connects from source address src to the server and returns the first line it sends
 * (in buf), or fails the test.
 */
static void
first_line_from(struct th_server *srv, const char *src, char *buf, size_t cap)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	size_t len = 0;
	long long deadline = th_now_ms() + TH_TIMEOUT;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, src, &a.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0)
		th_fail("cannot bind a socket to %s", src);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	a.sin_port = htons((uint16_t)th_server_port(srv));
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
		th_fail("cannot connect from %s", src);
	while (len + 1 < cap && memchr(buf, '\n', len) == NULL && th_now_ms() < deadline) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pf, 1, 100) <= 0)
			continue;
		if ((n = read(fd, buf + len, cap - 1 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
}

/*
 * One address gets MAX_PER_HOST_DEFAULT connections; the next is refused with ERROR while
 * another address still gets in, and a closed connection frees its slot.
 */
static void
test_max_per_host(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *c[MAX_PER_HOST_DEFAULT], *extra;
	char line[512], pat[128];

	(void)state;
	for (int i = 0; i < MAX_PER_HOST_DEFAULT; i++) {
		c[i] = th_connect(srv);
		th_expect_before(c[i], "*** Welcome to irc.test", "ERROR", TH_TIMEOUT);
	}
	extra = th_connect(srv);
	snprintf(pat, sizeof pat,
	    "re:^ERROR :Closing link: 127\\.0\\.0\\.1 \\(Too many connections from your "
	    "address: %d\\)",
	    MAX_PER_HOST_DEFAULT);
	th_expect_before(extra, pat, "Welcome", TH_TIMEOUT);
	th_expect_closed(extra, TH_TIMEOUT);
	th_close(extra);
	th_server_expect_log(srv, "Too many connections from your address", TH_TIMEOUT);

	first_line_from(srv, "127.0.0.2", line, sizeof line);
	if (strstr(line, "*** Welcome to irc.test") == NULL)
		th_fail("a connection from 127.0.0.2 was not welcomed: \"%s\"", line);

	th_close(c[0]);
	th_server_expect_log(srv, "disconnect #1 ", TH_TIMEOUT);
	first_line_from(srv, "127.0.0.1", line, sizeof line);
	if (strstr(line, "*** Welcome to irc.test") == NULL)
		th_fail("the freed slot was not reused: \"%s\"", line);
}

/* --max-clients 3: the fourth connection gets ERROR (Server full); a freed slot is reused. */
static void
test_max_clients(void **state)
{
	struct th_server *srv = th_server_start("--max-clients", "3", NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c = th_connect(srv);
	struct th_client *extra;

	(void)state;
	th_expect(c, "*** Welcome to irc.test", TH_TIMEOUT);
	extra = th_connect(srv);
	th_expect_before(extra, "re:^ERROR :Closing link: .*\\(Server full", "Welcome",
	    TH_TIMEOUT);
	th_expect_closed(extra, TH_TIMEOUT);
	th_close(extra);

	th_join(a, "#m");
	th_join(b, "#m");
	th_close(a);
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 QUIT :", TH_TIMEOUT);
	a = th_connect(srv);
	th_expect_before(a, "*** Welcome to irc.test", "ERROR", TH_TIMEOUT);
	th_register(a, "alice");
}

/*
 * --timeout 2: an IRC client that never finishes registering is dropped; a silent registered
 * client gets PING and, not answering, is dropped; one that answers stays.
 */
static void
test_timeouts(void **state)
{
	struct th_server *srv = th_server_start("--timeout", "2", NULL);
	struct th_client *u = th_connect(srv);
	struct th_client *idle, *awake;
	const char *l;
	char token[128];
	long long t0 = th_now_ms();

	(void)state;
	th_sendf(u, "NICK pending");
	idle = th_user(srv, "idle");
	awake = th_user(srv, "awake");
	th_expect(idle, "re:^(:irc\\.test )?PING :?[^ ]+$", 5000);
	if (th_now_ms() - t0 < 1500)
		th_fail("PING after %lld ms of silence with --timeout 2", th_now_ms() - t0);
	l = th_expect(awake, "re:^(:irc\\.test )?PING :?[^ ]+$", 5000);
	snprintf(token, sizeof token, "%s", strstr(l, "PING ") + 5);
	th_sendf(awake, "PONG %s", token);

	th_expect(u, "re:^ERROR :.*Registration timeout", 5000);
	th_expect_closed(u, TH_TIMEOUT);
	th_expect(idle, "re:^ERROR :.*Ping timeout", 6000);
	th_expect_closed(idle, TH_TIMEOUT);
	th_server_expect_log(srv, "Ping timeout", TH_TIMEOUT);
	/* awake answered and is still served. */
	th_sync(awake);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_flood, th_teardown),
		cmocka_unit_test_teardown(test_plain_paste, th_teardown),
		cmocka_unit_test_teardown(test_sendq, th_teardown),
		cmocka_unit_test_teardown(test_sendq_long_reply, th_teardown),
		cmocka_unit_test_teardown(test_many_clients, th_teardown),
		cmocka_unit_test_teardown(test_max_clients, th_teardown),
		cmocka_unit_test_teardown(test_max_per_host, th_teardown),
		cmocka_unit_test_teardown(test_timeouts, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
