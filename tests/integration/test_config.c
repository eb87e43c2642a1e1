/*
 * The config file and reloading it, through the real lanchatd: every key as --check-config
 * reports it, flags winning over the file, settings taking effect on a running server,
 * errors naming the file and line (at start-up and in --check-config), and SIGHUP applying
 * a changed MOTD and limit without dropping anyone, refusing a bad file, and naming what
 * needs a restart.
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
#include <unistd.h>

#include "harness.h"

/* Complete crypt(3) hashes, as --oper takes them. */
#define HASH_A "$y$j9T$v3D587HxijVlnUHuqIly5.$GjTn9h34gTUCL/ed02DgSu7JoGhva/1HwOUMGoH2O31"
#define HASH_B "$6$DhWL8s7a/Zvhfygh$3gQIidUf7ndzIo8FoxOiWCnwP8yreltjCABHns6Lg29ALhr6bB2J2oCusNrY050KITumiVEXsrvJdvoBGxeA3."
#define HASH_C "$6$3YUiNoWcdSmhjg6v$aVpxtnlfpYcueHsFDR3RxlDP6TPLhnAVsIcnDvFxnEFEXDIkKiRUZSQB6CvgLnDccASeZ1coAb4UXnHrnbP8k1"

enum { PATH_LEN = 64 };

/* Writes text to a new temporary file; path receives its name. */
static void
temp_file(char path[PATH_LEN], const char *prefix, const char *text)
{
	snprintf(path, PATH_LEN, "/tmp/lanchat-%s-XXXXXX", prefix);
	int fd = mkstemp(path);
	size_t len = strlen(text);
	assert_true(fd >= 0);
	assert_true(write(fd, text, len) == (ssize_t)len);
	close(fd);
}

/* Replaces the file's content in one step, as an editor saving it would. */
static void
rewrite(const char *path, const char *text)
{
	char tmp[PATH_LEN + 8];
	FILE *f;
	snprintf(tmp, sizeof tmp, "%s.new", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

static void
expect_in(const char *out, const char *want)
{
	if (strstr(out, want) == NULL)
		th_fail("expected '%s' in:\n%s", want, out);
}

/* Every key in a file, as --check-config prints the settings that result. */
static void
test_check_config_every_key(void **state)
{
	static const char *const keys[] = {
		"bind = 127.0.0.1",
		"port = 7001",
		"name = cfg.test",
		"channel = #office",
		"motd = /srv/lanchat/motd.txt",
		"max-clients = 50",
		"max-per-host = 3",
		"sendq = 8192",
		"flood = 5",
		"timeout = 30",
		"oper = alice:" HASH_A,
		"oper = bob:" HASH_B,
		"no-beacon = yes",
		"beacon-port = 7002",
		"beacon-addr = 127.0.0.1",
		"dashboard = yes",
		"state-dir = /srv/lanchat/state",
		"no-store = yes",
		"no-history = yes",
		"history-days = 9",
		"history-replay = 3",
		"verbose = yes",
		"quiet = yes",
	};
	char text[2048] = "# every key\n", conf[PATH_LEN], *out;
	int st;

	(void)state;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		strcat(text, keys[i]);
		strcat(text, "\n");
	}
	temp_file(conf, "conf", text);
	st = th_run(&out, TH_START_TIMEOUT, "--check-config", conf, NULL);
	if (st != 0)
		th_fail("--check-config exited %d:\n%s", st, out);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		expect_in(out, keys[i]);
	expect_in(out, ": OK");
	free(out);

	/* Flags win over the file; a repeatable flag replaces the file's entries. */
	st = th_run(&out, TH_START_TIMEOUT, "--config", conf, "--check-config", "-n", "flag.test",
	    "--max-clients", "9", "--oper", "carol:" HASH_C, "-p", "0", NULL);
	if (st != 0)
		th_fail("--check-config with flags exited %d:\n%s", st, out);
	expect_in(out, "name = flag.test\n");
	expect_in(out, "max-clients = 9\n");
	expect_in(out, "port = 0\n");
	expect_in(out, "oper = carol:" HASH_C "\n");
	expect_in(out, "flood = 5\n");
	if (strstr(out, "alice") != NULL)
		th_fail("the file's oper entries survived --oper:\n%s", out);
	free(out);
	unlink(conf);
}

/* A running server takes its settings from the file, and the flags over them. */
static void
test_file_on_a_running_server(void **state)
{
	char conf[PATH_LEN], motd[PATH_LEN], text[512];
	struct th_server *srv;
	struct th_client *a, *p, *extra;

	(void)state;
	temp_file(motd, "motd", "motd from the config file\n");
	snprintf(text, sizeof text,
	    "name = file.test   ; the harness's -n irc.test wins\n"
	    "channel = cfgroom\nmotd = %s\nmax-per-host = 2\n",
	    motd);
	temp_file(conf, "conf", text);
	srv = th_server_start("--config", conf, NULL);
	th_server_expect_log(srv, "settings from ", TH_TIMEOUT);

	a = th_user(srv, "alice"); /* replies come from irc.test: the -n flag won */
	th_sendf(a, "MOTD");
	th_expect_before(
	    a, "re:^:irc\\.test 372 alice :- motd from the config file$", " 376 ", TH_TIMEOUT);
	th_join(a, "#cfgroom");
	p = th_connect(srv);
	th_send(p, "hello room\n", 11);
	th_expect(a, "PRIVMSG #cfgroom :hello room", TH_TIMEOUT);
	/* max-per-host = 2: a third connection from 127.0.0.1 is refused. */
	extra = th_connect(srv);
	th_expect(extra, "Too many connections from your address: 2", TH_TIMEOUT);
	th_expect_closed(extra, TH_TIMEOUT);
	unlink(conf);
	unlink(motd);
}

/* Errors name the file and line: the server does not start, --check-config exits 1. */
static void
test_errors_with_line_numbers(void **state)
{
	static const char *const errors[] = {
		"3: unknown key 'prot'",
		"4: bad max-clients 'many'",
		"5: 'port' is already set on line 2",
		"6: sections are not used",
		"7: expected 'key = value'",
	};
	char conf[PATH_LEN], want[128], *out;
	int st;

	(void)state;
	temp_file(conf, "conf",
	    "# a comment\nport = 0\nprot = 1\nmax-clients = many\nport = 1\n[server]\nflood\n");
	st = th_run(&out, TH_START_TIMEOUT, "--config", conf, "-b", TH_HOST, "-p", "0",
	    "--no-beacon", NULL);
	if (st != 1 || strstr(out, "listening on") != NULL)
		th_fail("a bad config file: status %d, want 1 and no listening:\n%s", st, out);
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		snprintf(want, sizeof want, "%s:%s", conf, errors[i]);
		expect_in(out, want);
	}
	free(out);

	st = th_run(&out, TH_START_TIMEOUT, "--check-config", conf, NULL);
	assert_int_equal(st, 1);
	snprintf(want, sizeof want, "%s:3: unknown key 'prot'", conf);
	expect_in(out, want);
	free(out);
	unlink(conf);

	/* A --config file that is not there is an error, not an empty config. */
	st = th_run(&out, TH_START_TIMEOUT, "--config", "/nonexistent/lanchatd.conf", "-p", "0",
	    "-b", TH_HOST, "--no-beacon", NULL);
	assert_int_equal(st, 1);
	expect_in(out, "/nonexistent/lanchatd.conf: No such file or directory");
	free(out);
	/* A bad flag is still a usage error (2). */
	st = th_run(&out, TH_START_TIMEOUT, "--max-per-host", "-1", NULL);
	assert_int_equal(st, 2);
	expect_in(out, "bad --max-per-host '-1'");
	free(out);
}

static void
sighup(struct th_server *srv)
{
	assert_int_equal(kill(th_server_pid(srv), SIGHUP), 0);
}

/*
 * SIGHUP re-reads the file: a new MOTD and a lower per-host limit apply to the people still
 * connected and to newcomers; a changed beacon port is reported as needing a restart (the
 * port is not: the -p flag wins over the file, so it did not change); a bad file is
 * refused and the running settings kept.
 */
static void
test_reload(void **state)
{
	char conf[PATH_LEN], motd1[PATH_LEN], motd2[PATH_LEN], text[512];
	struct th_server *srv;
	struct th_client *a, *p, *c, *extra;

	(void)state;
	temp_file(motd1, "motd", "the first motd\n");
	temp_file(motd2, "motd", "the second motd\n");
	snprintf(text, sizeof text, "motd = %s\nmax-per-host = 5\n", motd1);
	temp_file(conf, "conf", text);
	srv = th_server_start("--config", conf, NULL);
	a = th_user(srv, "alice");
	th_join(a, "#lan");
	p = th_connect(srv);
	th_send(p, "plain here\n", 11);
	th_expect(a, "PRIVMSG #lan :plain here", TH_TIMEOUT);
	c = th_user(srv, "carol");

	snprintf(text, sizeof text, "motd = %s\nmax-per-host = 3\nbeacon-port = 7002\nport = 1\n",
	    motd2);
	rewrite(conf, text);
	sighup(srv);
	th_server_expect_log(srv,
	    "reload: beacon-port changed; the running values stay until a restart", TH_TIMEOUT);
	th_server_expect_log(
	    srv, "reload: done; MOTD re-read; changed: motd, max-per-host", TH_TIMEOUT);
	/* Nobody was dropped: the plain user still talks, and the new MOTD is served. */
	th_send(p, "after reload\n", 13);
	th_expect_before(a, "PRIVMSG #lan :after reload", "ERROR", TH_TIMEOUT);
	th_sendf(c, "MOTD");
	th_expect_before(c, "372 carol :- the second motd", " 376 ", TH_TIMEOUT);
	th_expect(c, " 376 carol ", TH_TIMEOUT);
	/* Three connections from 127.0.0.1 now: the new limit of 3 refuses a fourth. */
	extra = th_connect(srv);
	th_expect(extra, "Too many connections from your address: 3", TH_TIMEOUT);
	th_expect_closed(extra, TH_TIMEOUT);

	/* A bad file is refused; the MOTD and the limit stay as they were. */
	rewrite(conf, "motd = /nonexistent\nmax-per-host = 99\nbogus = 1\n");
	sighup(srv);
	{
		char want[128];
		snprintf(want, sizeof want, "reload refused: %s:3: unknown key 'bogus'", conf);
		th_server_expect_log(srv, want, TH_TIMEOUT);
	}
	th_server_expect_log(
	    srv, "reload refused: the running settings stay as they were", TH_TIMEOUT);
	th_sendf(c, "MOTD");
	th_expect_before(c, "372 carol :- the second motd", " 376 ", TH_TIMEOUT);
	extra = th_connect(srv);
	th_expect(extra, "Too many connections from your address: 3", TH_TIMEOUT);
	th_sync(a);
	th_sync(c);
	unlink(conf);
	unlink(motd1);
	unlink(motd2);
}

/*
 * The store's settings on reload: a new history-replay applies to the next JOIN; no-store
 * and no-history need a restart, so the server goes on keeping history.
 */
static void
test_reload_history(void **state)
{
	char conf[PATH_LEN];
	struct th_server *srv;
	struct th_client *a, *b, *c;

	(void)state;
	temp_file(conf, "conf", "history-replay = 0\n");
	srv = th_server_start("--config", conf, NULL);
	a = th_user(srv, "alice");
	th_join(a, "#lan");
	th_sendf(a, "PRIVMSG #lan :first");
	th_sendf(a, "PRIVMSG #lan :second");
	th_sync(a);
	/* history-replay = 0: nothing replayed. */
	b = th_user(srv, "bob");
	th_sendf(b, "JOIN #lan");
	th_expect(b, " 366 bob #lan ", TH_TIMEOUT);
	th_sync_without(b, "second");

	rewrite(conf, "history-replay = 1\nno-store = yes\nno-history = yes\n");
	sighup(srv);
	th_server_expect_log(srv,
	    "reload: no-store, no-history changed; the running values stay until a restart",
	    TH_TIMEOUT);
	th_server_expect_log(
	    srv, "reload: done; MOTD re-read; changed: history-replay", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG #lan :third");
	th_sync(a);
	c = th_user(srv, "carol");
	th_sendf(c, "JOIN #lan");
	th_expect(c, " 366 carol #lan ", TH_TIMEOUT);
	th_expect(
	    c, "re:^:irc\\.test NOTICE #lan :\\[[0-9]{2}:[0-9]{2}\\] <alice> third$", TH_TIMEOUT);
	th_sync_without(c, "second");
	unlink(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_check_config_every_key, th_teardown),
		cmocka_unit_test_teardown(test_file_on_a_running_server, th_teardown),
		cmocka_unit_test_teardown(test_errors_with_line_numbers, th_teardown),
		cmocka_unit_test_teardown(test_reload, th_teardown),
		cmocka_unit_test_teardown(test_reload_history, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
