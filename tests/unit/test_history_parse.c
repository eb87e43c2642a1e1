/* Unit tests for server/history (msgids, CHATHISTORY arguments) and irc_parse_time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/ircmsg.h"
#include "server/history.h"

/* Splits a line into words in place, as irc_parse leaves CHATHISTORY's parameters. */
static int
words(char *line, char **argv, int max)
{
	int n = 0;
	for (char *p = strtok(line, " "); p != NULL && n < max; p = strtok(NULL, " "))
		argv[n++] = p;
	return n;
}

static enum hist_err
parse(const char *text, struct hist_query *q, const char **bad)
{
	static char line[512];
	char *argv[16];
	snprintf(line, sizeof line, "%s", text);
	int argc = words(line, argv, 16);
	return hist_parse(argc, argv, q, bad);
}

static void
test_time_round_trip(void **state)
{
	int64_t ms;
	char buf[32];
	(void)state;

	assert_true(irc_parse_time("1970-01-01T00:00:00.000Z", &ms));
	assert_int_equal(ms, 0);
	assert_true(irc_parse_time("2026-11-25T14:02:01.004Z", &ms));
	irc_format_time_ms(buf, sizeof buf, ms);
	assert_string_equal(buf, "2026-11-25T14:02:01.004Z");
	/* 2000-02-29 is a leap day (divisible by 400): 951782400 s since the epoch. */
	assert_true(irc_parse_time("2000-02-29T00:00:00Z", &ms));
	assert_int_equal(ms, 951782400000LL);
	/* More fraction digits are cut to milliseconds; fewer are scaled. */
	assert_true(irc_parse_time("2024-01-01T00:00:00.123456Z", &ms));
	assert_int_equal(ms % 1000, 123);
	assert_true(irc_parse_time("2024-01-01T00:00:00.5Z", &ms));
	assert_int_equal(ms % 1000, 500);
	/* Every second of a round trip through the formatter comes back. */
	for (int64_t t = 0; t < 4000000000000LL; t += 12345678901LL) {
		int64_t back;
		irc_format_time_ms(buf, sizeof buf, t);
		assert_true(irc_parse_time(buf, &back));
		assert_int_equal(back, t);
	}
}

static void
test_time_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"2024-01-01",
		"2024-01-01T00:00:00",       /* no Z */
		"2024-01-01T00:00:00.000",   /* no Z */
		"2024-01-01T00:00:00.Z",     /* empty fraction */
		"2024-01-01T00:00:00.000Z ", /* trailing */
		"2024-13-01T00:00:00.000Z",  /* month */
		"2024-00-01T00:00:00.000Z",
		"2023-02-29T00:00:00.000Z", /* not a leap year */
		"1900-02-29T00:00:00.000Z",
		"2024-04-31T00:00:00.000Z",
		"2024-01-01T24:00:00.000Z",
		"2024-01-01T00:60:00.000Z",
		"1969-12-31T23:59:59.999Z", /* before the epoch */
		"2024-1-01T00:00:00.000Z",
		"+024-01-01T00:00:00.000Z",
		"2024-01-01 00:00:00.000Z",
		"2024-01-01T00:00:00.000+01:00",
	};
	int64_t ms = 42;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (irc_parse_time(bad[i], &ms))
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(ms, 42);
}

static void
test_msgid_order_and_shape(void **state)
{
	struct hist_idgen g;
	char a[MSGID_LEN + 1], b[MSGID_LEN + 1];
	(void)state;

	hist_idgen_seed(&g, NULL);
	hist_msgid_next(&g, 1000, a);
	assert_int_equal(strlen(a), MSGID_LEN);
	assert_true(hist_msgid_valid(a));
	/* Same millisecond, then a clock that steps back: still strictly increasing. */
	for (int i = 0; i < 10000; i++) {
		hist_msgid_next(&g, i % 3 == 0 ? 1000 : 999, b);
		assert_true(strcmp(b, a) > 0);
		memcpy(a, b, sizeof a);
	}
	/* Seeded with the greatest stored id, a restart with an earlier clock goes on above it. */
	struct hist_idgen g2;
	hist_idgen_seed(&g2, a);
	hist_msgid_next(&g2, 5, b);
	assert_true(strcmp(b, a) > 0);
	/* A later clock jumps ahead. */
	hist_msgid_next(&g2, 1700000000000LL, b);
	assert_string_equal(b, "0018bcfe56800000"); /* 1700000000000 << HIST_SEQ_BITS */
	assert_int_equal(hist_msgid_time(b), 1700000000000LL);

	assert_false(hist_msgid_valid(""));
	assert_false(hist_msgid_valid("0123456789abcde"));   /* short */
	assert_false(hist_msgid_valid("0123456789abcdef0")); /* long */
	assert_false(hist_msgid_valid("0123456789ABCDEF"));  /* upper case */
	assert_false(hist_msgid_valid("0123456789abcdeg"));
	hist_idgen_seed(&g2, "not-an-id");
	assert_int_equal(g2.last, 0);
}

static void
test_parse_each_subcommand(void **state)
{
	struct hist_query q;
	const char *bad;
	(void)state;

	assert_int_equal(parse("LATEST #lan * 50", &q, &bad), HIST_OK);
	assert_int_equal(q.sub, HIST_LATEST);
	assert_string_equal(q.target, "#lan");
	assert_int_equal(q.a.kind, HIST_REF_NONE);
	assert_int_equal(q.limit, 50);

	assert_int_equal(
	    parse("latest bob timestamp=2026-11-25T14:02:01.004Z 10", &q, &bad), HIST_OK);
	assert_int_equal(q.a.kind, HIST_REF_TIME);
	assert_string_equal(q.target, "bob");

	assert_int_equal(parse("BEFORE #lan msgid=0000018bcfe56800 20", &q, &bad), HIST_OK);
	assert_int_equal(q.sub, HIST_BEFORE);
	assert_int_equal(q.a.kind, HIST_REF_MSGID);
	assert_string_equal(q.a.msgid, "0000018bcfe56800");

	assert_int_equal(
	    parse("AFTER #lan timestamp=2026-01-01T00:00:00.000Z 5", &q, &bad), HIST_OK);
	assert_int_equal(q.sub, HIST_AFTER);
	assert_int_equal(parse("AROUND #lan msgid=0000018bcfe56800 7", &q, &bad), HIST_OK);
	assert_int_equal(q.sub, HIST_AROUND);

	assert_int_equal(parse("BETWEEN #lan msgid=0000018bcfe56800 "
	                       "timestamp=2026-01-01T00:00:00.000Z 9",
	                     &q, &bad),
	    HIST_OK);
	assert_int_equal(q.sub, HIST_BETWEEN);
	assert_int_equal(q.a.kind, HIST_REF_MSGID);
	assert_int_equal(q.b.kind, HIST_REF_TIME);

	assert_int_equal(parse("TARGETS timestamp=2026-01-01T00:00:00.000Z "
	                       "timestamp=2026-02-01T00:00:00.000Z 10",
	                     &q, &bad),
	    HIST_OK);
	assert_int_equal(q.sub, HIST_TARGETS);
	assert_null(q.target);
	assert_true(q.b.ms > q.a.ms);

	/* A limit over the maximum is lowered to it. */
	assert_int_equal(parse("LATEST #lan * 999999", &q, &bad), HIST_OK);
	assert_int_equal(q.limit, CHATHISTORY_MAX);
	assert_int_equal(parse("TARGETS timestamp=2026-01-01T00:00:00.000Z "
	                       "timestamp=2026-02-01T00:00:00.000Z 100000",
	                     &q, &bad),
	    HIST_OK);
	assert_int_equal(q.limit, CHATHISTORY_TARGETS_MAX);
}

static void
expect_err(const char *text, enum hist_err want, const char *want_bad)
{
	struct hist_query q;
	const char *bad = "unset";
	enum hist_err e = parse(text, &q, &bad);
	if (e != want)
		fail_msg("\"%s\": got %s, want %s", text, hist_err_code(e), hist_err_code(want));
	if (want_bad == NULL)
		assert_null(bad);
	else
		assert_string_equal(bad, want_bad);
}

static void
test_parse_errors(void **state)
{
	(void)state;

	expect_err("", HIST_ERR_NEED_MORE_PARAMS, NULL);
	expect_err("LATEST", HIST_ERR_NEED_MORE_PARAMS, NULL);
	expect_err("LATEST #lan *", HIST_ERR_NEED_MORE_PARAMS, NULL);
	expect_err("BETWEEN #lan * 5", HIST_ERR_NEED_MORE_PARAMS, NULL);
	expect_err("EVERYTHING #lan * 5", HIST_ERR_UNKNOWN_COMMAND, "EVERYTHING");
	expect_err("LATEST #lan * 5 extra", HIST_ERR_INVALID_PARAMS, "extra");
	expect_err("LATEST #lan * 0", HIST_ERR_INVALID_PARAMS, "0");
	expect_err("LATEST #lan * -1", HIST_ERR_INVALID_PARAMS, "-1");
	expect_err("LATEST #lan * 5x", HIST_ERR_INVALID_PARAMS, "5x");
	expect_err(
	    "LATEST #lan * 99999999999999999999", HIST_ERR_INVALID_PARAMS, "99999999999999999999");
	expect_err("BEFORE #lan * 5", HIST_ERR_INVALID_PARAMS, "*"); /* * only for LATEST */
	expect_err(
	    "BEFORE #lan timestamp=yesterday 5", HIST_ERR_INVALID_PARAMS, "timestamp=yesterday");
	expect_err("BEFORE #lan msgid=zz 5", HIST_ERR_INVALID_PARAMS, "msgid=zz");
	expect_err("BEFORE #lan 2026-01-01T00:00:00.000Z 5", HIST_ERR_INVALID_PARAMS,
	    "2026-01-01T00:00:00.000Z");
	expect_err("TARGETS msgid=0000018bcfe56800 timestamp=2026-01-01T00:00:00.000Z 5",
	    HIST_ERR_INVALID_PARAMS, "msgid=0000018bcfe56800");
	expect_err("LATEST bad,target * 5", HIST_ERR_INVALID_TARGET, "bad,target");
	expect_err("LATEST * * 5", HIST_ERR_INVALID_TARGET, "*");

	assert_string_equal(hist_err_code(HIST_ERR_NEED_MORE_PARAMS), "NEED_MORE_PARAMS");
	assert_string_equal(hist_err_code(HIST_ERR_UNKNOWN_COMMAND), "UNKNOWN_COMMAND");
	assert_string_equal(hist_err_code(HIST_ERR_INVALID_PARAMS), "INVALID_PARAMS");
	assert_string_equal(hist_err_code(HIST_ERR_INVALID_TARGET), "INVALID_TARGET");
	assert_string_equal(hist_sub_name(HIST_BETWEEN), "BETWEEN");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_time_malformed),
		cmocka_unit_test(test_msgid_order_and_shape),
		cmocka_unit_test(test_parse_each_subcommand),
		cmocka_unit_test(test_parse_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
