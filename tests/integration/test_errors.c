/*
 * Error numerics: each one provoked by the smallest command that should produce it, with the
 * connection still usable afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "harness.h"

/* Sends line and expects exactly this numeric reply (a "re:" pattern after the prefix). */
#define EXPECT_REPLY(c, line, reply) \
	do { \
		th_sendf(c, "%s", line); \
		th_expect(c, "re:^:irc\\.test " reply, TH_TIMEOUT); \
	} while (0)

static void
test_unknown_targets(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");

	(void)state;
	EXPECT_REPLY(a, "PRIVMSG nobody :hello", "401 alice nobody :");
	EXPECT_REPLY(a, "WHOIS nobody", "401 alice nobody :");
	EXPECT_REPLY(a, "PART #nowhere", "403 alice #nowhere :");
	EXPECT_REPLY(a, "PRIVMSG #nowhere :hello", "(401|403) alice #nowhere :");
	/* A channel that exists but alice is not in. */
	th_join(b, "#bobs");
	EXPECT_REPLY(a, "PART #bobs", "442 alice #bobs :");
	EXPECT_REPLY(a, "TOPIC #bobs :not mine", "442 alice #bobs :");
	/* No outside messages (+n). */
	EXPECT_REPLY(a, "PRIVMSG #bobs :from outside", "404 alice #bobs :");
	th_sync_without(b, "from outside|not mine");
}

static void
test_message_errors(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");

	(void)state;
	th_user(srv, "bob");
	EXPECT_REPLY(a, "PRIVMSG", "411 alice :");
	EXPECT_REPLY(a, "PRIVMSG bob", "412 alice :");
	EXPECT_REPLY(a, "PRIVMSG bob :", "412 alice :");
	EXPECT_REPLY(a, "FROBNICATE now", "421 alice FROBNICATE :");
	EXPECT_REPLY(a, "frobnicate", "421 alice (FROBNICATE|frobnicate) :");
	EXPECT_REPLY(a, "JOIN", "461 alice JOIN :");
	EXPECT_REPLY(a, "TOPIC", "461 alice TOPIC :");
	EXPECT_REPLY(a, "USER again 0 * :Again", "462 alice :");
	/* NOTICE never triggers automatic replies, errors included (RFC 2812 3.3.2). */
	th_sendf(a, "NOTICE");
	th_sendf(a, "NOTICE bob");
	th_sendf(a, "NOTICE nobody :hello");
	th_sync_without(a, "re: 4(01|11|12) ");
}

static void
test_nick_errors(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	char line[128];

	(void)state;
	EXPECT_REPLY(a, "NICK", "431 alice :");
	EXPECT_REPLY(a, "NICK 9lives", "432 alice 9lives :");
	EXPECT_REPLY(a, "NICK bad!nick", "432 alice bad!nick :");
	EXPECT_REPLY(a, "NICK #chan", "432 alice #chan :");
	/* Longer than NICKLEN (30). */
	snprintf(line, sizeof line, "NICK %s", "abcdefghijklmnopqrstuvwxyzabcdefghij");
	th_sendf(a, "%s", line);
	th_expect(a, "re:^:irc\\.test 432 alice abcdefghijklmnopqrstuvwxyzabcdefghij :", TH_TIMEOUT);
	EXPECT_REPLY(a, "NICK bob", "433 alice bob :");
	EXPECT_REPLY(a, "NICK BOB", "433 alice BOB :");
	/* Still alice after all of that. */
	th_sendf(b, "PRIVMSG alice :still here");
	th_expect(a, "re:^:bob!~bob@127\\.0\\.0\\.1 PRIVMSG alice :still here$", TH_TIMEOUT);
}

/* Advertised limits are enforced: TARGMAX, CHANLIMIT, CHANNELLEN; bad channel names. */
static void
test_advertised_limits(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	char line[256], pat[128];

	(void)state;
	for (int i = 0; i < 5; i++) {
		snprintf(line, sizeof line, "u%d", i);
		th_user(srv, line);
	}
	/* TARGMAX=PRIVMSG:4 */
	th_sendf(a, "PRIVMSG u0,u1,u2,u3,u4 :five at once");
	th_expect(a, "re:^:irc\\.test 407 alice ", TH_TIMEOUT);
	/* CHANLIMIT=#:20 */
	for (int i = 0; i < CHANNELS_PER_CLIENT; i++) {
		snprintf(line, sizeof line, "#c%d", i);
		th_join(a, line);
	}
	th_sendf(a, "JOIN #onetoomany");
	th_expect_before(a, "re:^:irc\\.test 405 alice #onetoomany :", " JOIN ", TH_TIMEOUT);
	/* JOIN 0 leaves them all. */
	th_sendf(a, "JOIN 0");
	snprintf(pat, sizeof pat, "re:^:alice![^ ]+ PART #c%d", CHANNELS_PER_CLIENT - 1);
	th_expect(a, pat, TH_TIMEOUT);
	/* Not a channel name, and one longer than CHANNELLEN=50. */
	th_sendf(a, "JOIN nohash");
	th_expect(a, "re:^:irc\\.test (403|476|479) alice nohash :", TH_TIMEOUT);
	snprintf(line, sizeof line, "JOIN #%s", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
	th_sendf(a, "%s", line);
	th_expect_before(a, "re:^:irc\\.test (403|476|479) alice #abcdefghij", " JOIN ", TH_TIMEOUT);
	th_sendf(a, "JOIN #has\007bell");
	th_expect_before(a, "re:^:irc\\.test (403|476|479) alice ", " JOIN ", TH_TIMEOUT);
}

/* Before registration: 451 for commands that need it, 433 and 461 during it. */
static void
test_unregistered(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_connect(srv);

	(void)state;
	th_user(srv, "taken");
	th_sendf(a, "NICK taken");
	th_expect(a, "re:^:irc\\.test 433 \\* taken :", TH_TIMEOUT);
	th_sendf(a, "NICK newbie");
	th_sendf(a, "JOIN #lan");
	th_expect(a, "re:^:irc\\.test 451 (newbie|\\*) :", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG taken :hi");
	th_expect(a, "re:^:irc\\.test 451 (newbie|\\*) :", TH_TIMEOUT);
	th_sendf(a, "USER newbie");
	th_expect(a, "re:^:irc\\.test 461 (newbie|\\*) USER :", TH_TIMEOUT);
	/* An empty realname is a missing parameter too (RFC 2812 3.1.3). */
	th_sendf(a, "USER newbie 0 * :");
	th_expect(a, "re:^:irc\\.test 461 (newbie|\\*) USER :", TH_TIMEOUT);
	th_sendf(a, "USER newbie 0 * :New Bie");
	th_expect(a, "re:^:irc\\.test 001 newbie ", TH_TIMEOUT);
}

/*
 * A first line whose command is CAP with a capitalised subcommand is an IRC client, even
 * when the subcommand is unknown: it gets 410 rather than being taken for chat.
 */
static void
test_unknown_cap_first(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_connect(srv);

	(void)state;
	th_sendf(a, "CAP NOTACOMMAND");
	th_expect(a, "re:^:irc\\.test 410 \\* NOTACOMMAND :", TH_TIMEOUT);
	th_register(a, "capper");
}

/* Too many parameters for a command's grammar get 461, as too few do. */
static void
test_too_many_params(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");

	(void)state;
	th_sendf(a, "AWAY gone fishing");
	th_expect(a, "re:^:irc\\.test 461 alice AWAY :Not enough parameters$", TH_TIMEOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_unknown_targets, th_teardown),
		cmocka_unit_test_teardown(test_message_errors, th_teardown),
		cmocka_unit_test_teardown(test_nick_errors, th_teardown),
		cmocka_unit_test_teardown(test_unregistered, th_teardown),
		cmocka_unit_test_teardown(test_advertised_limits, th_teardown),
		cmocka_unit_test_teardown(test_unknown_cap_first, th_teardown),
		cmocka_unit_test_teardown(test_too_many_params, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
