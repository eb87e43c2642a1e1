/*
 * WHOWAS through the real lanchatd: nicks that quit, were killed or changed nick, newest
 * first, the count argument, 406 for a nick never seen, and the WHOWAS_MAX bound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void
test_whowas_quit_and_nick(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "asker");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c;

	(void)state;
	th_sendf(a, "WHOWAS bob");
	th_expect(a, "re:^:irc\\.test 406 asker bob :There was no such nickname$", TH_TIMEOUT);
	th_expect(a, "re:^:irc\\.test 369 asker bob :End of WHOWAS$", TH_TIMEOUT);

	th_sendf(b, "QUIT :bye");
	th_expect_closed(b, TH_TIMEOUT);
	/* The second bob has another real name; he leaves by changing nick. */
	c = th_connect(srv);
	th_sendf(c, "NICK bob");
	th_sendf(c, "USER second 0 * :Second Bob");
	th_expect(c, " 001 bob ", TH_TIMEOUT);
	th_sendf(c, "NICK robert");
	th_expect(c, "NICK", TH_TIMEOUT);
	th_sync(a);

	th_sendf(a, "WHOWAS BOB");
	th_expect(a, "re:^:irc\\.test 314 asker bob ~second 127\\.0\\.0\\.1 \\* :Second Bob$", TH_TIMEOUT);
	th_expect(a, "re:^:irc\\.test 312 asker bob irc\\.test :[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} "
	             "[0-9:]{8} [0-9]{4} UTC$",
	    TH_TIMEOUT);
	th_expect(a, "re:^:irc\\.test 314 asker bob ~bob 127\\.0\\.0\\.1 \\* :Real bob$", TH_TIMEOUT);
	th_expect(a, " 312 asker bob ", TH_TIMEOUT);
	th_expect(a, " 369 asker BOB :End of WHOWAS", TH_TIMEOUT); /* the nick as asked */

	/* A count of 1: the newest only. */
	th_sendf(a, "WHOWAS bob 1");
	th_expect(a, " 314 asker bob ~second ", TH_TIMEOUT);
	th_expect_before(a, " 369 asker bob ", " 314 ", TH_TIMEOUT);
	th_sendf(a, "WHOWAS");
	th_expect(a, " 461 asker WHOWAS ", TH_TIMEOUT);
}

/* Only the newest WHOWAS_MAX nicks are kept: the first of a crowd that left is forgotten. */
static void
test_whowas_bounded(void **state)
{
	enum { N = 300 }; /* above WHOWAS_MAX (256) */
	struct th_server *srv = th_server_start("--max-per-host", "0", NULL);
	struct th_client *a = th_user(srv, "asker");
	struct th_client *crowd[N];

	(void)state;
	th_crowd(srv, crowd, N, "gone");
	/* The first leaves first and the last last, each seen gone before the next step. */
	th_sendf(crowd[0], "QUIT");
	th_expect_closed(crowd[0], TH_TIMEOUT);
	for (int i = 1; i < N - 1; i++)
		th_sendf(crowd[i], "QUIT");
	for (int i = 1; i < N - 1; i++)
		th_expect_closed(crowd[i], TH_TIMEOUT);
	th_sendf(crowd[N - 1], "QUIT");
	th_expect_closed(crowd[N - 1], TH_TIMEOUT);
	th_sendf(a, "WHOWAS gone000");
	th_expect(a, " 406 asker gone000 ", TH_TIMEOUT);
	th_sendf(a, "WHOWAS gone299");
	th_expect(a, " 314 asker gone299 ~gone299 ", TH_TIMEOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_whowas_quit_and_nick, th_teardown),
		cmocka_unit_test_teardown(test_whowas_bounded, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
