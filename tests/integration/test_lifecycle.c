/*
 * Process life: command-line errors, -h and -V, a port already in use, and shutdown on
 * SIGTERM or SIGINT with every client told why.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "harness.h"

/*
 * Exiting is quick, but a sanitiser build's exit (the leak check) on a loaded machine can take
 * seconds: a tighter deadline killed healthy runs (status -1). It only bounds a hang.
 */
enum { RUN_DEADLINE = TH_START_TIMEOUT };

/*
 * Runs lanchatd with bad arguments: exit 2, one error line and the usage text. Loopback,
 * port 0 and --no-beacon come first, so a flag wrongly accepted never listens on a real port.
 */
#define EXPECT_BAD_USAGE(...) expect_bad_usage(__LINE__, __VA_ARGS__, NULL)

static void
expect_bad_usage(int line, const char *a1, const char *a2, const char *a3)
{
	char *out = NULL;
	int st = th_run(&out, RUN_DEADLINE, "-b", TH_HOST, "-p", "0", "--no-beacon", a1, a2, a3,
	    NULL);

	if (st != 2 || strstr(out, "usage:") == NULL || strstr(out, "listening on") != NULL)
		th_fail_at(__FILE__, line, "lanchatd %s %s: status %d (want 2 with usage); output:\n%s",
		    a1, a2 ? a2 : "", st, out);
	free(out);
}

static void
test_bad_flags(void **state)
{
	(void)state;
	EXPECT_BAD_USAGE("--no-such-flag", NULL);
	EXPECT_BAD_USAGE("-Z", NULL);
	EXPECT_BAD_USAGE("-p", "notaport");
	EXPECT_BAD_USAGE("-p", "99999");
	EXPECT_BAD_USAGE("-p", "-1");
	EXPECT_BAD_USAGE("--max-clients", "0");
	EXPECT_BAD_USAGE("--sendq", "lots");
	EXPECT_BAD_USAGE("--flood", "-3");
	EXPECT_BAD_USAGE("--timeout", "0");
	EXPECT_BAD_USAGE("--timeout", "5x");
	EXPECT_BAD_USAGE("-n", "bad name");
	EXPECT_BAD_USAGE("unexpected-argument", NULL);
	EXPECT_BAD_USAGE("--port", NULL); /* a value is missing */
	EXPECT_BAD_USAGE("--history-days", "-1");
	EXPECT_BAD_USAGE("--history-days", "36501");
	EXPECT_BAD_USAGE("--history-replay", "201");
	EXPECT_BAD_USAGE("--history-replay", "some");
	EXPECT_BAD_USAGE("--state-dir", "");
}

static void
test_help_and_version(void **state)
{
	char *out = NULL;
	int st;

	(void)state;
	st = th_run(&out, RUN_DEADLINE, "-h", NULL);
	if (st != 0 || strstr(out, "usage:") == NULL || strstr(out, "--max-clients") == NULL)
		th_fail("lanchatd -h: status %d; output:\n%s", st, out);
	free(out);
	st = th_run(&out, RUN_DEADLINE, "-V", NULL);
	if (st != 0 || strstr(out, LANCHAT_VERSION) == NULL)
		th_fail("lanchatd -V: status %d, want 0 and %s; output:\n%s", st, LANCHAT_VERSION, out);
	free(out);
}

/* A second server on a port that is taken fails at once, with a message, not a usage. */
static void
test_port_in_use(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	char port[16], *out = NULL;
	int st;

	(void)state;
	snprintf(port, sizeof port, "%d", th_server_port(srv));
	st = th_run(&out, TH_START_TIMEOUT, "-b", TH_HOST, "-p", port, "--no-beacon", NULL);
	if (st <= 0 || st >= 128 || strstr(out, "listening on") != NULL)
		th_fail("second lanchatd on port %s: status %d (want a failure exit); output:\n%s",
		    port, st, out);
	free(out);
	/* The first one is unaffected. */
	th_user(srv, "alice");
}

/* SIGTERM or SIGINT: every client (registered, plain, or still silent) gets ERROR; exit 0. */
static void
shutdown_on(int sig)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p = th_connect(srv);
	struct th_client *q = th_connect(srv);
	int st;

	th_join(a, "#lan");
	th_send(p, "plain words\n", 12);
	th_expect(a, "PRIVMSG #lan :plain words", TH_TIMEOUT);
	th_expect(q, "*** Welcome", TH_TIMEOUT);
	st = th_server_signal(srv, sig, TH_START_TIMEOUT);
	if (st != 0)
		th_fail("lanchatd exited with status %d after signal %d; log:\n%s", st, sig,
		    th_server_log(srv));
	th_expect(a, "re:^ERROR :.*Server shutting down", TH_TIMEOUT);
	th_expect_closed(a, TH_TIMEOUT);
	th_expect(p, "Server shutting down", TH_TIMEOUT);
	th_expect_closed(p, TH_TIMEOUT);
	th_expect(q, "Server shutting down", TH_TIMEOUT);
	th_expect_closed(q, TH_TIMEOUT);
}

static void
test_sigterm(void **state)
{
	(void)state;
	shutdown_on(SIGTERM);
}

static void
test_sigint(void **state)
{
	(void)state;
	shutdown_on(SIGINT);
}

/*
 * SIGHUP (systemctl reload, or the terminal closing) re-reads the settings and drops nobody:
 * registered, plain and silent clients all stay and keep talking; SIGTERM then stops it.
 */
static void
test_sighup(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p = th_connect(srv);
	struct th_client *q = th_connect(srv);

	(void)state;
	th_join(a, "#lan");
	th_send(p, "plain words\n", 12);
	th_expect(a, "PRIVMSG #lan :plain words", TH_TIMEOUT);
	th_expect(q, "*** Welcome", TH_TIMEOUT);
	kill(th_server_pid(srv), SIGHUP);
	th_server_expect_log(srv, "reload: done", TH_TIMEOUT);
	th_send(p, "still here\n", 11);
	th_expect_before(a, "PRIVMSG #lan :still here", "ERROR", TH_TIMEOUT);
	th_sync_without(a, "ERROR");
	assert_false(th_eof(q));
	assert_int_equal(th_server_stop(srv, TH_START_TIMEOUT), 0);
	th_expect(q, "Server shutting down", TH_TIMEOUT);
}

/*
 * The disconnect log line counts every byte the client received, including the last
 * flush made while the connection closes.
 */
static void
test_byte_counts(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *c = th_connect(srv);
	static const char burst[] = "NICK counted\r\nUSER counted 0 * :Counted\r\nJOIN #lan\r\n"
				    "PRIVMSG #lan :hello\r\nQUIT :done\r\n";
	size_t bytes = 0;
	int lines = 0;
	char pat[96];

	(void)state;
	th_send(c, burst, sizeof burst - 1);
	while (th_read_line(c, TH_TIMEOUT) != NULL) {
		bytes += th_line_len(c) + 2; /* the server ends every line with CR LF */
		lines++;
	}
	if (!th_eof(c))
		th_fail("the connection did not close after QUIT");
	snprintf(pat, sizeof pat, "out %d lines/%zu bytes", lines, bytes);
	th_server_expect_log(srv, pat, TH_TIMEOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_bad_flags, th_teardown),
		cmocka_unit_test_teardown(test_help_and_version, th_teardown),
		cmocka_unit_test_teardown(test_port_in_use, th_teardown),
		cmocka_unit_test_teardown(test_sigterm, th_teardown),
		cmocka_unit_test_teardown(test_sigint, th_teardown),
		cmocka_unit_test_teardown(test_sighup, th_teardown),
		cmocka_unit_test_teardown(test_byte_counts, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
