/*
 * Idle connections: a few hundred registered clients that say nothing beside a few that
 * talk. Past COLD_AFTER_MS of silence the server looks at a connection only every
 * COLD_POLL_MS; none of that may change what clients see. A client idle past the threshold
 * still gets its line relayed, PINGs still go out on time, and a client that goes silent and
 * then floods is still throttled and dropped.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/limits.h"
#include "harness.h"

enum {
	IDLE = 300,              /* registered clients that never say anything */
	TIMEOUT_S = 7,           /* --timeout: PING after this much silence, past COLD_AFTER_MS */
	FLOOD_RATE = 2,          /* --flood */
	FLOOD_LINES = 8000,      /* lines the flooder has ready; far beyond any sane rate */
	FLOOD_DEADLINE = 15000,  /* ms for the server to drop the flooder */
	PING_SLACK_MS = 3000,    /* a PING is on time if it comes this soon after it is due */
};

#define PING_RE "re:^(:irc\\.test )?PING :?[^ ]+$"

static long long
remaining_ms(long long deadline)
{
	long long left = deadline - th_now_ms();
	return left > 0 ? left : 0;
}

/* Waits for the PING that TIMEOUT_S of silence since t0 brings, and checks its timing. */
static void
expect_ping_on_time(struct th_client *c, long long t0)
{
	th_expect(c, PING_RE, TIMEOUT_S * 1000 + PING_SLACK_MS);
	if (th_now_ms() - t0 < TIMEOUT_S * 1000 - 200)
		th_fail("%s: PING after %lld ms of silence with --timeout %d", th_nick(c),
		    th_now_ms() - t0, TIMEOUT_S);
}

/*
 * The flooder, silent since before the threshold, sends FLOOD_LINES at once: bob hears no more
 * of it than the burst and the rate allow, and it is dropped with Excess Flood.
 */
static void
flood_after_silence(struct th_client *f, struct th_client *b)
{
	size_t cap = (size_t)FLOOD_LINES * 32, len = 0, off = 0;
	char *buf = malloc(cap);
	long long start = th_now_ms(), deadline = start + FLOOD_DEADLINE;
	int heard = 0;
	bool kicked = false, quit_seen = false;

	assert_non_null(buf);
	for (int i = 0; i < FLOOD_LINES; i++)
		len += (size_t)snprintf(buf + len, cap - len, "PRIVMSG #f :flood %d\r\n", i);
	while (!th_eof(f) && th_now_ms() < deadline) {
		struct pollfd pf = { .fd = th_fd(f), .events = POLLIN | POLLOUT };
		const char *l;

		poll(&pf, 1, 50);
		if ((pf.revents & POLLOUT) && off < len) {
			ssize_t n = th_try_send(f, buf + off, len - off);
			if (n > 0)
				off += (size_t)n;
		}
		while ((l = th_read_line(f, 0)) != NULL)
			kicked |= strncmp(l, "ERROR ", 6) == 0 && strstr(l, "Excess Flood") != NULL;
		while ((l = th_read_line(b, 0)) != NULL) {
			heard += strstr(l, "PRIVMSG #f :flood ") != NULL;
			if (strncmp(l, ":flooder!~flooder@127.0.0.1 QUIT :", 34) == 0)
				quit_seen = strstr(l, "Excess Flood") != NULL;
		}
	}
	free(buf);
	if (!th_eof(f) || !kicked)
		th_fail("the flooder was not dropped with Excess Flood within %d ms", FLOOD_DEADLINE);
	while (!quit_seen) {
		const char *l = th_read_line(b, (int)remaining_ms(th_now_ms() + TH_TIMEOUT));
		if (l == NULL)
			th_fail("bob never saw the flooder QUIT with Excess Flood");
		heard += strstr(l, "PRIVMSG #f :flood ") != NULL;
		if (strncmp(l, ":flooder!~flooder@127.0.0.1 QUIT :", 34) == 0)
			quit_seen = strstr(l, "Excess Flood") != NULL;
	}
	/* The burst, then FLOOD_RATE a second for as long as it went on (and one to spare). */
	long long secs = (th_now_ms() - start) / 1000 + 1;
	if (heard > FLOOD_BURST + FLOOD_RATE * secs + 1)
		th_fail("bob heard %d flood lines in about %lld s: not throttled", heard, secs);
	if (heard < 1)
		th_fail("bob heard none of the flooder's lines");
}

static void
test_idle_crowd(void **state)
{
	struct th_server *srv = th_server_start("--max-per-host", "0", "--timeout", "7", "--flood",
	    "2", NULL);
	struct th_client *idle[IDLE], *a, *b, *f;
	long long t0;

	(void)state;
	th_crowd(srv, idle, IDLE, "idle");
	a = th_user(srv, "alice");
	b = th_user(srv, "bob");
	f = th_user(srv, "flooder");
	th_join(a, "#f");
	th_join(b, "#f");
	th_join(f, "#f");
	th_join(idle[0], "#f");
	th_sync(a);
	th_sync(f);
	t0 = th_now_ms();

	/* Everyone has been silent since t0: the PINGs come on time, idle or not. */
	expect_ping_on_time(a, t0);
	expect_ping_on_time(f, t0);
	expect_ping_on_time(idle[IDLE - 1], t0);

	/* alice, silent for longer than COLD_AFTER_MS, speaks before answering: bob hears it. */
	if (th_now_ms() - t0 <= COLD_AFTER_MS)
		th_fail("only %lld ms of silence, not past the %d ms threshold", th_now_ms() - t0,
		    COLD_AFTER_MS);
	th_sendf(a, "PRIVMSG #f :back after %lld ms", th_now_ms() - t0);
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #f :back after ", TH_TIMEOUT);
	th_expect(idle[0], "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #f :back after ",
	    TH_TIMEOUT);
	/* A cold one speaking up is relayed as well (and, having spoken, is not timed out). */
	th_sendf(idle[0], "PRIVMSG #f :me too");
	th_expect(b, "re:^:idle000!~idle000@127\\.0\\.0\\.1 PRIVMSG #f :me too", TH_TIMEOUT);

	flood_after_silence(f, b);

	/* The idle ones that never answered are dropped at twice the timeout, on time too. */
	th_expect(idle[1], "re:^ERROR :.*Ping timeout", 2 * TIMEOUT_S * 1000 + PING_SLACK_MS);
	th_server_expect_log(srv, "Ping timeout", TH_TIMEOUT);
	th_sync(a);
	th_sync(idle[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_idle_crowd, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
