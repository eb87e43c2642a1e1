/*
 * Hostile and clumsy input: overlong lines, NUL bytes, invalid UTF-8, bare CR or LF, binary
 * junk, one byte per write, a peer that resets mid-line. The server answers sensibly and
 * keeps serving everyone else.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/limits.h"
#include "harness.h"

/* Two registered users in #r; everything here checks that they can still talk. */
struct pair {
	struct th_server *srv;
	struct th_client *a;
	struct th_client *b;
};

static struct pair
pair_start(void)
{
	struct pair p;

	p.srv = th_server_start(NULL);
	p.a = th_user(p.srv, "alice");
	p.b = th_user(p.srv, "bob");
	th_join(p.a, "#r");
	th_join(p.b, "#r");
	return p;
}

static void
still_talking(struct pair *p, const char *tag)
{
	char pat[128];

	th_sendf(p->a, "PRIVMSG #r :still fine %s", tag);
	snprintf(pat, sizeof pat, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #r :still fine %s$",
	    tag);
	th_expect(p->b, pat, TH_TIMEOUT);
	th_sendf(p->b, "PRIVMSG alice :and back %s", tag);
	snprintf(pat, sizeof pat, "re:^:bob!~bob@127\\.0\\.0\\.1 PRIVMSG alice :and back %s$", tag);
	th_expect(p->a, pat, TH_TIMEOUT);
}

/* Sends "PRIVMSG #r :" plus fill bytes of ch so the whole line, CR LF included, is total. */
static void
send_sized(struct th_client *c, size_t total, char ch)
{
	static char buf[8192];
	const char *head = "PRIVMSG #r :";
	size_t hl = strlen(head);

	assert_true(total < sizeof buf && total > hl + 2);
	memcpy(buf, head, hl);
	memset(buf + hl, ch, total - hl - 2);
	memcpy(buf + total - 2, "\r\n", 2);
	th_send(c, buf, total);
}

/* 512 bytes with CR LF pass; 513 get 417 and are dropped; the connection stays. */
static void
test_line_length_limit(void **state)
{
	struct pair p = pair_start();

	(void)state;
	send_sized(p.a, IRC_LINE_MAX, 'x');
	th_expect(p.b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #r :xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    TH_TIMEOUT);
	th_sync_without(p.a, " 417 ");

	send_sized(p.a, IRC_LINE_MAX + 1, 'y');
	th_expect(p.a, "re:^:irc\\.test 417 alice :Input line was too long$", TH_TIMEOUT);
	send_sized(p.a, 5000, 'z');
	th_expect(p.a, "re:^:irc\\.test 417 alice :Input line was too long$", TH_TIMEOUT);
	/* One 417 per long line, and neither reached bob. */
	th_sync_without(p.a, " 417 ");
	th_sync_without(p.b, "yyyyyyyy|zzzzzzzz");
	still_talking(&p, "after long lines");
}

/*
 * A plain user's overlong line with no space to split at goes out in pieces cut between
 * characters, with no numeric and nothing lost.
 */
static void
test_line_length_limit_plain(void **state)
{
	struct pair p = pair_start();
	struct th_client *n = th_connect(p.srv);
	char big[700];
	size_t got = 0;

	(void)state;
	th_join(p.a, "#lan");
	th_send(n, "hi\n", 3);
	th_expect(p.a, "re:^:guest[0-9]+![^ ]+ PRIVMSG #lan :hi$", TH_TIMEOUT);
	memset(big, 'w', sizeof big - 1);
	big[sizeof big - 1] = '\n';
	th_send(n, big, sizeof big);
	while (got < sizeof big - 1) {
		const char *l = th_expect(p.a, "re:^:guest[0-9]+![^ ]+ PRIVMSG #lan :w+$", TH_TIMEOUT);
		got += strlen(strstr(l, " :") + 2);
	}
	if (got != sizeof big - 1)
		th_fail("%zu of %zu letters arrived", got, sizeof big - 1);
	th_send(n, "short again\n", 12);
	th_expect(p.a, "re:^:guest[0-9]+![^ ]+ PRIVMSG #lan :short again$", TH_TIMEOUT);
	if (th_seen(n, 0, "re:^:[^ ]+ 417 ") || th_seen(n, 0, "too long"))
		th_fail("a plain user's long line was refused");
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool
valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;

		if (c < 0x80)
			n = 0;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return false;
		if (i + n >= len)
			return false;
		for (size_t k = 1; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0) ||
		    (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90))
			return false;
		i += n + 1;
	}
	return true;
}

/* NUL bytes and invalid UTF-8: nothing crashes, no NUL is relayed, plain users get UTF-8. */
static void
test_nul_and_invalid_utf8(void **state)
{
	struct pair p = pair_start();
	struct th_client *n = th_connect(p.srv);
	static const char nul[] = "PRIVMSG #r :before\0after\r\n";
	static const char bad[] = "PRIVMSG #lan :bad \xff\xfe\xc0\xaf\xed\xa0\x80 utf8\r\n";
	const char *l;

	(void)state;
	th_send(p.a, nul, sizeof nul - 1);
	th_sync(p.a);
	th_sendf(p.a, "PRIVMSG #r :marker");
	while ((l = th_read_line(p.b, TH_TIMEOUT)) != NULL && strstr(l, "marker") == NULL)
		if (th_line_len(p.b) != strlen(l))
			th_fail("a NUL byte was relayed to bob");
	if (l == NULL)
		th_fail("bob never got the marker after the NUL line");

	th_join(p.a, "#lan");
	th_send(n, "plain here\n", 11);
	th_expect(p.a, "PRIVMSG #lan :plain here", TH_TIMEOUT);
	th_send(p.a, bad, sizeof bad - 1);
	l = th_expect(n, " utf8", TH_TIMEOUT);
	if (!valid_utf8((const unsigned char *)l, th_line_len(n)))
		th_fail("invalid UTF-8 reached a plain user unchanged: %s", l);
	still_talking(&p, "after NUL and bad UTF-8");
}

/* CR, LF and CR LF all end a line; empty lines are ignored. */
static void
test_line_endings(void **state)
{
	struct pair p = pair_start();
	static const char mix[] = "PING :one\rPING :two\nPING :three\r\n\r\n\n\rPING :four\r\n";

	(void)state;
	th_send(p.a, mix, sizeof mix - 1);
	th_expect_before(p.a, "re:PONG .*:one$", "re: 421 |two|three|four", TH_TIMEOUT);
	th_expect_before(p.a, "re:PONG .*:two$", "re: 421 |three|four", TH_TIMEOUT);
	th_expect_before(p.a, "re:PONG .*:three$", "re: 421 |four", TH_TIMEOUT);
	th_expect_before(p.a, "re:PONG .*:four$", " 421 ", TH_TIMEOUT);
	th_sync_without(p.a, "re: 4[0-9][0-9] ");
}

/* Writes up to len bytes within ms, whatever the server accepts; stops on error. */
static size_t
push(struct th_client *c, const char *data, size_t len, int ms)
{
	long long deadline = th_now_ms() + ms;
	size_t done = 0;

	while (done < len && th_now_ms() < deadline) {
		ssize_t n = th_try_send(c, data + done, len - done);
		struct pollfd pf = {.fd = th_fd(c), .events = POLLOUT};

		if (n < 0)
			break;
		done += (size_t)n;
		if (done < len)
			poll(&pf, 1, 50);
		while (th_read_line(c, 0) != NULL) /* keep our side from filling up */
			;
	}
	return done;
}

/* Random bytes, raw and after a valid registration, do not hurt anyone else. */
static void
test_binary_junk(void **state)
{
	struct pair p = pair_start();
	struct th_client *j1 = th_connect(p.srv);
	struct th_client *j2 = th_connect(p.srv);
	static char junk[64 * 1024];
	uint32_t x = 2463534242u;

	(void)state;
	for (size_t i = 0; i < sizeof junk; i++) {
		x ^= x << 13; /* xorshift32: the same junk every run */
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (char)(x >> 24);
	}
	push(j1, junk, sizeof junk, 3000);
	th_sendf(j2, "NICK junky");
	th_sendf(j2, "USER junky 0 * :Junk");
	push(j2, junk + 1000, sizeof junk - 1000, 3000);
	still_talking(&p, "beside junk");
	th_close(j1);
	th_close(j2);
	/* New connections still register. */
	th_user(p.srv, "carol");
	still_talking(&p, "after junk");
}

/* A client that writes one byte at a time registers and talks normally. */
static void
test_one_byte_at_a_time(void **state)
{
	struct pair p = pair_start();
	struct th_client *s = th_connect(p.srv);
	static const char text[] = "NICK slow\r\nUSER slow 0 * :Slow\r\nJOIN #r\r\n"
	    "PRIVMSG #r :typed slowly\r\n";
	struct timespec gap = {0, 1000000}; /* pacing so bytes travel in separate segments */

	(void)state;
	for (size_t i = 0; i < sizeof text - 1; i++) {
		th_send(s, text + i, 1);
		nanosleep(&gap, NULL);
	}
	th_expect(s, " 001 slow ", TH_TIMEOUT);
	th_expect(p.b, "re:^:slow!~slow@127\\.0\\.0\\.1 JOIN :?#r$", TH_TIMEOUT);
	th_expect(p.b, "re:^:slow!~slow@127\\.0\\.0\\.1 PRIVMSG #r :typed slowly$", TH_TIMEOUT);
}

/* A peer that sends half a line and resets: its QUIT is seen, the half line never is. */
static void
test_reset_mid_line(void **state)
{
	struct pair p = pair_start();
	struct th_client *c = th_user(p.srv, "carol");

	(void)state;
	th_join(c, "#r");
	th_sendf(c, "PRIVMSG #r :whole line");
	th_expect(p.b, "whole line", TH_TIMEOUT);
	th_send(c, "PRIVMSG #r :half a li", 21);
	th_sync(p.a); /* let the server see the half line first, most of the time */
	th_reset(c);
	th_expect_before(p.b, "re:^:carol!~carol@127\\.0\\.0\\.1 QUIT :", "half a li", TH_TIMEOUT);
	th_expect_before(p.a, "re:^:carol!~carol@127\\.0\\.0\\.1 QUIT :", "half a li", TH_TIMEOUT);
	still_talking(&p, "after a reset");
}

/*
 * The server's own log carries peer text (nicks, quit reasons): an escape sequence in a
 * QUIT reason reaches the operator's terminal only in its visible, inert form.
 */
static void
test_log_is_sanitised(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "mallory");

	(void)state;
	th_sendf(a, "QUIT :\x1b]0;owned\x07\x1b[2Jbye");
	th_expect_closed(a, TH_TIMEOUT);
	th_server_expect_log(srv, "^[]0;owned^G^[[2Jbye", TH_TIMEOUT);
	if (strchr(th_server_log(srv), '\x1b') != NULL || strchr(th_server_log(srv), '\a') != NULL)
		th_fail("a control character from the network reached the server's log");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_line_length_limit, th_teardown),
		cmocka_unit_test_teardown(test_log_is_sanitised, th_teardown),
		cmocka_unit_test_teardown(test_line_length_limit_plain, th_teardown),
		cmocka_unit_test_teardown(test_nul_and_invalid_utf8, th_teardown),
		cmocka_unit_test_teardown(test_line_endings, th_teardown),
		cmocka_unit_test_teardown(test_binary_junk, th_teardown),
		cmocka_unit_test_teardown(test_one_byte_at_a_time, th_teardown),
		cmocka_unit_test_teardown(test_reset_mid_line, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
