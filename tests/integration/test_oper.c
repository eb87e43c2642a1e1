/*
 * Server operators through the real lanchatd: OPER with the right and the wrong password
 * (yescrypt and SHA-512 entries), the failure limit, OPER refused over plain text from
 * another address, user modes +i +o +w and 221, WHOIS 313 and LUSERS 252, KILL, WALLOPS
 * and REHASH, an operator let into a locked channel, and what non-operators get for each
 * (481).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* "alicepw" (yescrypt) and "bobpw" (SHA-512), as lanchatd --hash-password would give. */
#define HASH_ALICE "$y$j9T$v3D587HxijVlnUHuqIly5.$GjTn9h34gTUCL/ed02DgSu7JoGhva/1HwOUMGoH2O31"
#define HASH_BOB                                                                       \
	"$6$DhWL8s7a/Zvhfygh$3gQIidUf7ndzIo8FoxOiWCnwP8yreltjCABHns6Lg29ALhr6bB2J2oCusNrY050" \
	"KITumiVEXsrvJdvoBGxeA3."

enum { PATH_LEN = 64 };

static struct th_server *
start_with_opers(void)
{
	return th_server_start("--oper", "alice:" HASH_ALICE, "--oper", "bob:" HASH_BOB, NULL);
}

/* Reads the limits header, so the test follows the constant rather than repeating it. */
static int
limit(const char *name)
{
	char path[512], line[256], want[64];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof path, "%s/common/limits.h", LANCHAT_SOURCE_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	snprintf(want, sizeof want, "%s = %%d", name);
	while (v < 0 && fgets(line, sizeof line, f) != NULL) {
		const char *p = line + strspn(line, " \t");
		if (sscanf(p, want, &v) != 1)
			v = -1;
	}
	fclose(f);
	if (v < 0)
		th_fail("%s not found in limits.h", name);
	return v;
}

/*
 * A server operator comes into a channel that is invite-only, keyed and full, where anyone
 * else is refused: the way in to a locked room nobody is left in to open.
 */
static void
test_oper_enters_locked_channel(void **state)
{
	struct th_server *srv = start_with_opers();
	struct th_client *a = th_user(srv, "ann");
	struct th_client *b = th_user(srv, "ben");
	struct th_client *c = th_user(srv, "cat");

	(void)state;
	th_join(b, "#vault");
	th_sendf(b, "MODE #vault +ikl sesame 1");
	th_expect(b, "re:MODE #vault \\+ikl sesame 1$", TH_TIMEOUT);
	th_sendf(c, "JOIN #vault sesame");
	th_expect(c, " 473 cat #vault ", TH_TIMEOUT);
	th_sendf(a, "JOIN #vault");
	th_expect(a, " 473 ann #vault ", TH_TIMEOUT);
	th_sendf(a, "OPER alice alicepw");
	th_expect(a, " 381 ann ", TH_TIMEOUT);
	th_sendf(a, "JOIN #vault");
	th_expect(a, " 366 ann #vault ", TH_TIMEOUT);
	th_expect(b, "re:^:ann!~ann@127\\.0\\.0\\.1 JOIN #vault$", TH_TIMEOUT);
}

/* Right passwords make operators (+o, 381, 313, 252); a wrong one is 464 and logged. */
static void
test_oper_right_and_wrong(void **state)
{
	struct th_server *srv = start_with_opers();
	struct th_client *a = th_user(srv, "ann");
	struct th_client *b = th_user(srv, "ben");
	struct th_client *w = th_user(srv, "watcher");

	(void)state;
	th_sendf(a, "OPER alice wrongpw");
	th_expect(a, "re:^:irc\\.test 464 ann :Password incorrect$", TH_TIMEOUT);
	th_server_expect_log(srv, "re:OPER failed for 'alice' from 127\\.0\\.0\\.1 \\(#[0-9]+ ann\\)",
	    TH_TIMEOUT);
	th_sendf(a, "MODE ann");
	th_expect(a, "re:^:irc\\.test 221 ann \\+$", TH_TIMEOUT);

	/* A name with no entry answers exactly as a wrong password does. */
	th_sendf(a, "OPER nobody alicepw");
	th_expect(a, "re:^:irc\\.test 464 ann :Password incorrect$", TH_TIMEOUT);

	/* The yescrypt entry. */
	th_sendf(a, "OPER alice alicepw");
	th_expect(a, "re:^:irc\\.test 381 ann :You are now an IRC operator$", TH_TIMEOUT);
	th_expect(a, "re:^:ann!~ann@127\\.0\\.0\\.1 MODE ann :\\+o$", TH_TIMEOUT);
	th_sendf(a, "MODE ann");
	th_expect(a, "re:^:irc\\.test 221 ann \\+o$", TH_TIMEOUT);
	th_server_expect_log(srv, "re:oper #[0-9]+ ann is now an operator \\(as 'alice'\\)", TH_TIMEOUT);

	/* The SHA-512 entry. */
	th_sendf(b, "OPER bob bobpw");
	th_expect(b, "re:^:irc\\.test 381 ben :You are now an IRC operator$", TH_TIMEOUT);

	th_sendf(w, "WHOIS ann");
	th_expect_before(w, "re:^:irc\\.test 313 watcher ann :is an IRC operator$", " 318 ", TH_TIMEOUT);
	th_sendf(w, "WHOIS watcher");
	th_expect_before(w, " 318 watcher watcher ", " 313 ", TH_TIMEOUT);
	th_sendf(w, "LUSERS");
	th_expect(w, "re:^:irc\\.test 252 watcher 2 :operator\\(s\\) online$", TH_TIMEOUT);

	/* -o gives it up; the count follows, and so does a quit. */
	th_sendf(b, "MODE ben -o");
	th_expect(b, "re:^:ben!~ben@127\\.0\\.0\\.1 MODE ben :-o$", TH_TIMEOUT);
	th_sendf(a, "QUIT");
	th_expect_closed(a, TH_TIMEOUT);
	th_sendf(w, "LUSERS");
	th_expect(w, "re:^:irc\\.test 252 watcher 0 :operator\\(s\\) online$", TH_TIMEOUT);

	/* Neither password is ever in the log. */
	if (strstr(th_server_log(srv), "alicepw") != NULL || strstr(th_server_log(srv), "wrongpw"))
		th_fail("a password reached the log:\n%s", th_server_log(srv));
}

/* Failures past OPER_FAIL_BURST from one address are refused, even with the right password,
 * and a new connection from that address is no way around it. */
static void
test_oper_rate_limit(void **state)
{
	struct th_server *srv = start_with_opers();
	struct th_client *a = th_user(srv, "guess");
	struct th_client *again;
	int burst = limit("OPER_FAIL_BURST"), interval = limit("OPER_FAIL_INTERVAL_MS");

	(void)state;
	for (int i = 0; i < burst; i++) {
		th_sendf(a, "OPER alice try%d", i);
		th_expect(a, " 464 guess ", TH_TIMEOUT);
	}
	th_sendf(a, "OPER alice alicepw");
	th_expect(a,
	    "re:^:irc\\.test 491 guess :Too many failed OPER attempts from your address: try again "
	    "in [0-9]+ seconds$",
	    TH_TIMEOUT);
	th_server_expect_log(srv, "too many failed attempts", TH_TIMEOUT);
	th_sendf(a, "MODE guess");
	th_expect(a, "re:^:irc\\.test 221 guess \\+$", TH_TIMEOUT);

	again = th_user(srv, "guess2");
	th_sendf(again, "OPER alice alicepw");
	th_expect(again, " 491 guess2 :Too many failed OPER attempts", TH_TIMEOUT);

	/* Another address has its own count. */
	struct th_client *other = th_connect_from(srv, "127.0.0.3");
	th_register(other, "elsewhere");
	th_sendf(other, "OPER alice alicepw");
	th_expect(other, " 491 elsewhere :OPER is refused over plain text from another machine", TH_TIMEOUT);

	/* One interval later one more attempt is allowed. */
	long long until = th_now_ms() + interval + TH_TIMEOUT;
	bool done = false;
	while (!done && th_now_ms() < until) {
		th_sendf(again, "OPER alice alicepw");
		const char *l = th_expect(again, "re: (381|491) guess2 ", TH_TIMEOUT);
		done = strstr(l, " 381 ") != NULL;
		if (!done)
			th_sync(again); /* a PING round trip between tries, never a sleep */
	}
	if (!done)
		th_fail("no OPER allowed %d ms after the last failure", interval);
}

/* 127.0.0.2 to 127.0.0.1 plays another machine: over plain text the password is refused
 * unchecked (and not counted); the server's own address to itself is fine. */
static void
test_oper_plain_from_elsewhere(void **state)
{
	struct th_server *srv = start_with_opers();
	struct th_client *far = th_connect_from(srv, "127.0.0.2");

	(void)state;
	th_register(far, "far");
	th_sendf(far, "OPER alice alicepw");
	th_expect(far,
	    "re:^:irc\\.test 491 far :OPER is refused over plain text from another machine: "
	    "reconnect with TLS \\(port [0-9]+\\)",
	    TH_TIMEOUT);
	th_server_expect_log(srv, "re:OPER refused on a plain connection from 127\\.0\\.0\\.2", TH_TIMEOUT);
	th_sendf(far, "MODE far");
	th_expect(far, "re:^:irc\\.test 221 far \\+$", TH_TIMEOUT);

	struct th_client *near = th_user(srv, "near");
	th_sendf(near, "OPER alice alicepw");
	th_expect(near, " 381 near ", TH_TIMEOUT);
}

/* A server without --oper says so. */
static void
test_oper_none_configured(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "ann");

	(void)state;
	th_sendf(a, "OPER alice alicepw");
	th_expect(a, "re:^:irc\\.test 491 ann :No operators are configured on this server$", TH_TIMEOUT);
	th_sendf(a, "OPER alice");
	th_expect(a, " 461 ann OPER ", TH_TIMEOUT);
}

/* User modes: +i and +w for anyone, +o never by MODE, 501 and 502. */
static void
test_user_modes(void **state)
{
	struct th_server *srv = start_with_opers();
	struct th_client *a = th_user(srv, "ann");
	th_user(srv, "ben");

	(void)state;
	th_sendf(a, "MODE ann +o");
	th_sync_without(a, " MODE ann :");
	th_sendf(a, "MODE ann");
	th_expect(a, "re:^:irc\\.test 221 ann \\+$", TH_TIMEOUT);

	th_sendf(a, "MODE ann +wio");
	th_expect(a, "re:^:ann!~ann@127\\.0\\.0\\.1 MODE ann :\\+iw$", TH_TIMEOUT);
	th_sendf(a, "MODE ann");
	th_expect(a, "re:^:irc\\.test 221 ann \\+iw$", TH_TIMEOUT);
	th_sendf(a, "MODE ann -i+w");
	th_expect(a, "re:^:ann!~ann@127\\.0\\.0\\.1 MODE ann :-i$", TH_TIMEOUT);
	th_sendf(a, "MODE ann +x");
	th_expect(a, "re:^:irc\\.test 501 ann :Unknown MODE flag$", TH_TIMEOUT);
	th_sendf(a, "MODE ben +w");
	th_expect(a, "re:^:irc\\.test 502 ann :Can't change mode for other users$", TH_TIMEOUT);

	th_sendf(a, "OPER alice alicepw");
	th_expect(a, "re:^:ann!~ann@127\\.0\\.0\\.1 MODE ann :\\+o$", TH_TIMEOUT);
	th_sendf(a, "MODE ann");
	th_expect(a, "re:^:irc\\.test 221 ann \\+ow$", TH_TIMEOUT);
	th_sendf(a, "MODE ann -ow");
	th_expect(a, "re:^:ann!~ann@127\\.0\\.0\\.1 MODE ann :-ow$", TH_TIMEOUT);
}

/* KILL: 481 for users, 401 for nobody; the victim is told who and why, peers see a QUIT. */
static void
test_kill(void **state)
{
	struct th_server *srv = start_with_opers();
	struct th_client *a = th_user(srv, "ann");
	struct th_client *v = th_user(srv, "victim");
	struct th_client *w = th_user(srv, "watcher");

	(void)state;
	th_join(v, "#lan");
	th_join(w, "#lan");
	th_sendf(w, "KILL victim :no");
	th_expect(w, "re:^:irc\\.test 481 watcher :Permission Denied- You're not an IRC operator$",
	    TH_TIMEOUT);
	th_sendf(a, "OPER alice alicepw");
	th_expect(a, " 381 ann ", TH_TIMEOUT);
	th_sendf(a, "KILL nobody :x");
	th_expect(a, "re:^:irc\\.test 401 ann nobody :No such nick/channel$", TH_TIMEOUT);
	th_sendf(a, "KILL victim :spamming the channel");
	th_expect(v, "re:^ERROR :Closing link: victim\\[127\\.0\\.0\\.1\\] \\(Killed by ann "
	             "\\(spamming the channel\\)\\)$",
	    TH_TIMEOUT);
	th_expect_closed(v, TH_TIMEOUT);
	th_expect(w, "re:^:victim!~victim@127\\.0\\.0\\.1 QUIT :Killed by ann \\(spamming the channel\\)$",
	    TH_TIMEOUT);
	th_expect(a, "victim was disconnected (spamming the channel)", TH_TIMEOUT);
	th_server_expect_log(srv, "re:kill #[0-9]+ victim by operator ann: spamming the channel", TH_TIMEOUT);
	/* The nick is free again at once. */
	th_sendf(w, "WHOIS victim");
	th_expect(w, " 401 watcher victim ", TH_TIMEOUT);
	th_sendf(a, "KILL");
	th_expect(a, " 461 ann KILL ", TH_TIMEOUT);
}

/* WALLOPS reaches the users with +w only, and only operators may send it. */
static void
test_wallops(void **state)
{
	struct th_server *srv = start_with_opers();
	struct th_client *a = th_user(srv, "ann");
	struct th_client *on = th_user(srv, "listener");
	struct th_client *off = th_user(srv, "deaf");

	(void)state;
	th_sendf(on, "MODE listener +w");
	th_expect(on, "MODE listener :+w", TH_TIMEOUT);
	th_sendf(off, "WALLOPS :hello");
	th_expect(off, " 481 deaf ", TH_TIMEOUT);
	th_sendf(a, "OPER alice alicepw");
	th_expect(a, " 381 ann ", TH_TIMEOUT);
	th_sendf(a, "WALLOPS :server restarts at noon");
	th_expect(on, "re:^:ann!~ann@127\\.0\\.0\\.1 WALLOPS :server restarts at noon$", TH_TIMEOUT);
	th_sync_without(off, "WALLOPS");
	th_sync_without(a, "WALLOPS"); /* the sender has no +w */
	th_sendf(a, "MODE ann +w");
	th_sendf(a, "WALLOPS :second");
	th_expect(a, "re:^:ann!~ann@127\\.0\\.0\\.1 WALLOPS :second$", TH_TIMEOUT);
	th_expect(on, "WALLOPS :second", TH_TIMEOUT);
	th_sync_without(off, "WALLOPS");
}

static void
write_file(char path[PATH_LEN], const char *text)
{
	FILE *f;
	if (path[0] == '\0') {
		int fd;
		snprintf(path, PATH_LEN, "/tmp/lanchat-oper-XXXXXX");
		fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* REHASH re-reads the config file: a removed operator can no longer OPER, a bad file is
 * refused and the operator told, and users get 481. */
static void
test_rehash(void **state)
{
	char conf[PATH_LEN] = "", motd[PATH_LEN] = "", text[1024];
	struct th_server *srv;
	struct th_client *a, *b, *u;

	(void)state;
	write_file(motd, "first motd\n");
	snprintf(text, sizeof text, "oper = alice:%s\noper = bob:%s\nmotd = %s\n", HASH_ALICE,
	    HASH_BOB, motd);
	write_file(conf, text);
	srv = th_server_start("--config", conf, NULL);
	a = th_user(srv, "ann");
	u = th_user(srv, "user");
	th_sendf(u, "REHASH");
	th_expect(u, " 481 user ", TH_TIMEOUT);
	th_sendf(a, "OPER alice alicepw");
	th_expect(a, " 381 ann ", TH_TIMEOUT);

	/* bob is gone from the file, the MOTD changed. */
	snprintf(text, sizeof text, "oper = alice:%s\nmotd = %s\n", HASH_ALICE, motd);
	write_file(conf, text);
	write_file(motd, "second motd\n");
	th_sendf(a, "REHASH");
	char want[PATH_LEN + 64];
	snprintf(want, sizeof want, "re:^:irc\\.test 382 ann %s :Rehashing$", th_re_quote(conf));
	th_expect(a, want, TH_TIMEOUT);
	th_expect(a, "*** Reload done", TH_TIMEOUT);
	th_server_expect_log(srv, "reload asked for by operator ann", TH_TIMEOUT);
	th_server_expect_log(srv, "reload: done", TH_TIMEOUT);
	b = th_user(srv, "ben");
	th_sendf(b, "OPER bob bobpw");
	th_expect(b, " 464 ben ", TH_TIMEOUT);
	th_sendf(b, "MOTD");
	th_expect(b, "second motd", TH_TIMEOUT);

	/* A file with an error: refused, the running settings (alice's entry) stay. */
	write_file(conf, "oper = alice:notahash\n");
	th_sendf(a, "REHASH");
	th_expect(a, "*** Reload refused: the running settings stay", TH_TIMEOUT);
	th_sendf(a, "MODE ann -o");
	th_expect(a, "MODE ann :-o", TH_TIMEOUT);
	th_sendf(a, "OPER alice alicepw");
	th_expect(a, " 381 ann ", TH_TIMEOUT);
	unlink(conf);
	unlink(motd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_oper_right_and_wrong, th_teardown),
		cmocka_unit_test_teardown(test_oper_enters_locked_channel, th_teardown),
		cmocka_unit_test_teardown(test_oper_rate_limit, th_teardown),
		cmocka_unit_test_teardown(test_oper_plain_from_elsewhere, th_teardown),
		cmocka_unit_test_teardown(test_oper_none_configured, th_teardown),
		cmocka_unit_test_teardown(test_user_modes, th_teardown),
		cmocka_unit_test_teardown(test_kill, th_teardown),
		cmocka_unit_test_teardown(test_wallops, th_teardown),
		cmocka_unit_test_teardown(test_rehash, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
