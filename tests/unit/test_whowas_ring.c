/* whowas: the ring of nicks that left, newest first, any case, bounded by WHOWAS_MAX. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/whowas.h"

static void
test_newest_first_any_case(void **state)
{
	struct whowas *w = calloc(1, sizeof *w);
	(void)state;
	assert_null(whowas_find(w, "bob", 0));
	whowas_add(w, "Bob", "bob", "10.0.0.1", "Bob One", 100);
	whowas_add(w, "carol", "carol", "10.0.0.2", "Carol", 150);
	whowas_add(w, "BOB", "robert", "10.0.0.3", "Bob Two", 200);
	const struct whowas_entry *e = whowas_find(w, "bob", 0);
	assert_non_null(e);
	assert_string_equal(e->nick, "BOB");
	assert_string_equal(e->user, "robert");
	assert_int_equal(e->left, 200);
	e = whowas_find(w, "bOb", 1);
	assert_non_null(e);
	assert_string_equal(e->realname, "Bob One");
	assert_string_equal(e->host, "10.0.0.1");
	assert_null(whowas_find(w, "bob", 2));
	assert_null(whowas_find(w, "dave", 0));
	free(w);
}

/* Past WHOWAS_MAX the oldest entries go; the count never passes the limit. */
static void
test_bounded(void **state)
{
	struct whowas *w = calloc(1, sizeof *w);
	char nick[16];
	(void)state;
	for (int i = 0; i < WHOWAS_MAX + 10; i++) {
		snprintf(nick, sizeof nick, "n%d", i);
		whowas_add(w, nick, "u", "h", "r", i);
	}
	assert_int_equal(w->count, WHOWAS_MAX);
	for (int i = 0; i < 10; i++) {
		snprintf(nick, sizeof nick, "n%d", i);
		assert_null(whowas_find(w, nick, 0));
	}
	snprintf(nick, sizeof nick, "n%d", 10);
	assert_non_null(whowas_find(w, nick, 0));
	snprintf(nick, sizeof nick, "n%d", WHOWAS_MAX + 9);
	assert_int_equal(whowas_find(w, nick, 0)->left, WHOWAS_MAX + 9);
	free(w);
}

/* Overlong strings are cut to the fields; an overlong nick asked for is nobody. */
static void
test_long_input(void **state)
{
	struct whowas *w = calloc(1, sizeof *w);
	char big[300];
	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	whowas_add(w, big, big, big, big, 1);
	assert_int_equal(strlen(w->ring[0].nick), NICK_LEN);
	assert_int_equal(strlen(w->ring[0].user), USER_LEN);
	assert_int_equal(strlen(w->ring[0].realname), REALNAME_LEN);
	assert_null(whowas_find(w, big, 0));
	big[NICK_LEN] = '\0';
	assert_non_null(whowas_find(w, big, 0));
	free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newest_first_any_case),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_long_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
