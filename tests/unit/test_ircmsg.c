/* Unit tests for common/ircmsg: the line parser, casemapping and name checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/ircmsg.h"

/* irc_parse works in place, so every case parses its own writable copy. */
static enum irc_parse_err
parse(const char *text, char *buf, size_t cap, struct irc_msg *msg)
{
	assert_true(strlen(text) < cap);
	strcpy(buf, text);
	return irc_parse(buf, msg);
}

static void
test_parse_plain_command(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	assert_int_equal(parse("PING", buf, sizeof buf, &m), IRC_PARSE_OK);
	assert_null(m.tags);
	assert_null(m.source);
	assert_string_equal(m.command, "PING");
	assert_int_equal(m.nparams, 0);
}

static void
test_parse_full(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	assert_int_equal(parse("@time=2026-01-01T00:00:00.000Z;msgid=7 :alice!~a@10.0.0.2 "
	                       "PRIVMSG #lan :hello there  world",
	                     buf, sizeof buf, &m),
	    IRC_PARSE_OK);
	assert_string_equal(m.tags, "time=2026-01-01T00:00:00.000Z;msgid=7");
	assert_string_equal(m.source, "alice!~a@10.0.0.2");
	assert_string_equal(m.command, "PRIVMSG");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "#lan");
	/* The trailing parameter keeps its inner spaces verbatim. */
	assert_string_equal(m.params[1], "hello there  world");
}

static void
test_parse_extra_spaces(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	assert_int_equal(parse("   :src   NICK    bob   ", buf, sizeof buf, &m), IRC_PARSE_OK);
	assert_string_equal(m.source, "src");
	assert_string_equal(m.command, "NICK");
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "bob");
}

static void
test_parse_empty_trailing(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	assert_int_equal(parse("TOPIC #lan :", buf, sizeof buf, &m), IRC_PARSE_OK);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "#lan");
	assert_string_equal(m.params[1], "");
}

static void
test_parse_trailing_colon_inside(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	/* A ':' that does not start a parameter is an ordinary character. */
	assert_int_equal(parse("USER a:b 0 * :Real :Name", buf, sizeof buf, &m), IRC_PARSE_OK);
	assert_int_equal(m.nparams, 4);
	assert_string_equal(m.params[0], "a:b");
	assert_string_equal(m.params[3], "Real :Name");
}

static void
test_parse_numeric(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	assert_int_equal(parse(":srv 001 bob :Welcome", buf, sizeof buf, &m), IRC_PARSE_OK);
	assert_string_equal(m.command, "001");
	assert_int_equal(m.nparams, 2);
}

static void
test_parse_fifteen_params(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	/* Exactly IRC_PARAMS_MAX middle parameters: nothing to fold. */
	assert_int_equal(parse("X 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", buf, sizeof buf, &m),
	    IRC_PARSE_OK);
	assert_int_equal(m.nparams, IRC_PARAMS_MAX);
	assert_string_equal(m.params[0], "1");
	assert_string_equal(m.params[IRC_PARAMS_MAX - 1], "15");
}

static void
test_parse_params_folding(void **state)
{
	char buf[IRC_LINE_MAX], want[64];
	struct irc_msg m;
	(void)state;

	/* More than IRC_PARAMS_MAX: the rest is folded into the last one, spaces and all. */
	assert_int_equal(parse("X 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 :last words", buf,
	                     sizeof buf, &m),
	    IRC_PARSE_OK);
	assert_int_equal(m.nparams, IRC_PARAMS_MAX);
	for (int i = 0; i < IRC_PARAMS_MAX - 1; i++) {
		snprintf(want, sizeof want, "%d", i + 1);
		assert_string_equal(m.params[i], want);
	}
	assert_string_equal(m.params[IRC_PARAMS_MAX - 1], "15 16 17 :last words");
}

static void
test_parse_many_params_bounded(void **state)
{
	char line[IRC_LINE_MAX], buf[IRC_LINE_MAX];
	struct irc_msg m;
	size_t n = 0;
	(void)state;

	/* A full line of one-letter parameters never writes past params[]. */
	n += (size_t)snprintf(line, sizeof line, "CMD");
	while (n + 2 < IRC_LINE_BODY) {
		line[n++] = ' ';
		line[n++] = 'p';
	}
	line[n] = '\0';
	assert_int_equal(parse(line, buf, sizeof buf, &m), IRC_PARSE_OK);
	assert_int_equal(m.nparams, IRC_PARAMS_MAX);
	assert_string_equal(m.params[0], "p");
	assert_true(strlen(m.params[IRC_PARAMS_MAX - 1]) > 2);
}

static void
test_parse_empty(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	assert_int_equal(parse("", buf, sizeof buf, &m), IRC_PARSE_EMPTY);
	assert_int_equal(parse("      ", buf, sizeof buf, &m), IRC_PARSE_EMPTY);
}

static void
test_parse_missing_command(void **state)
{
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	assert_int_equal(parse(":source", buf, sizeof buf, &m), IRC_PARSE_NO_COMMAND);
	assert_int_equal(parse(":source   ", buf, sizeof buf, &m), IRC_PARSE_NO_COMMAND);
	assert_int_equal(parse("@a=b", buf, sizeof buf, &m), IRC_PARSE_NO_COMMAND);
	assert_int_equal(parse("@a=b :src", buf, sizeof buf, &m), IRC_PARSE_NO_COMMAND);
	assert_int_equal(parse("@", buf, sizeof buf, &m), IRC_PARSE_NO_COMMAND);
	assert_int_equal(parse(":", buf, sizeof buf, &m), IRC_PARSE_NO_COMMAND);
}

static void
test_parse_bad_command(void **state)
{
	static const char *bad[] = { "12", "1234", "PRIV2MSG", "0x1", "PRIV-MSG", "\x1b[2J",
		"1A3", "\xc3\xa9t\xc3\xa9", ":src 99 x", "@t :s !!", "A1" };
	char buf[IRC_LINE_MAX];
	struct irc_msg m;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parse(bad[i], buf, sizeof buf, &m) != IRC_PARSE_BAD_COMMAND)
			fail_msg("\"%s\" was not rejected as a bad command", bad[i]);
	}
}

static void
test_parse_garbage(void **state)
{
	char line[IRC_LINE_MAX], buf[IRC_LINE_MAX];
	struct irc_msg m;
	uint32_t x = 12345;
	(void)state;

	/* NUL-free pseudo-random bytes: whatever the verdict, the result is consistent. */
	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)(round % (IRC_LINE_BODY - 1)) + 1;
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			line[i] = (char)((x >> 16) % 255 + 1);
		}
		line[n] = '\0';
		enum irc_parse_err rc = parse(line, buf, sizeof buf, &m);
		if (rc != IRC_PARSE_OK)
			continue;
		assert_non_null(m.command);
		assert_true(m.nparams >= 0 && m.nparams <= IRC_PARAMS_MAX);
		for (int i = 0; i < m.nparams; i++)
			assert_true(m.params[i] >= buf && m.params[i] <= buf + n);
	}
}

static void
test_source_nick(void **state)
{
	char nick[8];
	(void)state;

	irc_source_nick("alice!~a@host", nick, sizeof nick);
	assert_string_equal(nick, "alice");
	irc_source_nick("srv.example", nick, sizeof nick);
	assert_string_equal(nick, "srv.exa"); /* cut to fit */
	irc_source_nick("bob@host", nick, sizeof nick);
	assert_string_equal(nick, "bob");
}

static void
test_casemapping(void **state)
{
	char out[16];
	(void)state;

	assert_int_equal(irc_casecmp("Alice", "aLICE"), 0);
	/* ASCII casemapping: the rfc1459 brackets are distinct. */
	assert_int_not_equal(irc_casecmp("a[", "a{"), 0);
	assert_true(irc_casecmp("abc", "abd") < 0);
	assert_true(irc_casecmp("abc", "ab") > 0);
	irc_casefold(out, "MiXeD[]", sizeof out);
	assert_string_equal(out, "mixed[]");
	irc_casefold(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4);
	assert_string_equal(out, "abc");
	strcpy(out, "privmsg");
	irc_upper(out);
	assert_string_equal(out, "PRIVMSG");
}

static void
test_valid_nick(void **state)
{
	char longnick[NICK_LEN + 2];
	(void)state;

	assert_true(irc_valid_nick("alice"));
	assert_true(irc_valid_nick("[x]_^-9"));
	assert_false(irc_valid_nick(""));
	assert_false(irc_valid_nick("9lives"));
	assert_false(irc_valid_nick("-dash"));
	assert_false(irc_valid_nick("a b"));
	assert_false(irc_valid_nick("a,b"));
	assert_false(irc_valid_nick("#chan"));
	assert_false(irc_valid_nick("\xc3\xa9"));
	memset(longnick, 'n', NICK_LEN);
	longnick[NICK_LEN] = '\0';
	assert_true(irc_valid_nick(longnick));
	longnick[NICK_LEN] = 'n';
	longnick[NICK_LEN + 1] = '\0';
	assert_false(irc_valid_nick(longnick));
}

static void
test_valid_channel(void **state)
{
	char longchan[CHANNEL_LEN + 2];
	(void)state;

	assert_true(irc_valid_channel("#lan"));
	assert_true(irc_is_channel("#lan"));
	assert_false(irc_is_channel("lan"));
	assert_false(irc_valid_channel("#"));
	assert_false(irc_valid_channel("lan"));
	assert_false(irc_valid_channel("#a b"));
	assert_false(irc_valid_channel("#a,b"));
	assert_false(irc_valid_channel("#a\x07"));
	assert_false(irc_valid_channel("#a:b"));
	assert_true(irc_valid_channel("#caf\xc3\xa9"));
	assert_false(irc_valid_channel("#caf\xc3"));
	assert_false(irc_valid_channel("#\xff\xfe"));
	assert_false(irc_valid_channel("#\xc0\xafx")); /* overlong "/" */
	assert_false(irc_valid_channel("#\xed\xa0\x80")); /* a UTF-16 surrogate */
	memset(longchan, 'c', sizeof longchan);
	longchan[0] = '#';
	longchan[CHANNEL_LEN] = '\0';
	assert_true(irc_valid_channel(longchan));
	longchan[CHANNEL_LEN] = 'c';
	longchan[CHANNEL_LEN + 1] = '\0';
	assert_false(irc_valid_channel(longchan));
}

static void
test_format_time(void **state)
{
	struct timespec ts = { .tv_sec = 86400 + 3661, .tv_nsec = 123456789 };
	char buf[64], small[8];
	(void)state;

	assert_int_equal(irc_format_time(buf, sizeof buf, &ts), 24);
	assert_string_equal(buf, "1970-01-02T01:01:01.123Z");
	assert_int_equal(irc_format_time(small, sizeof small, &ts), sizeof small - 1);
	assert_string_equal(small, "1970-01");
}

static void
test_ctcp(void **state)
{
	(void)state;

	assert_true(irc_is_ctcp("\001VERSION\001"));
	assert_false(irc_is_ctcp("VERSION"));
	assert_true(irc_is_action("\001ACTION waves\001"));
	assert_true(irc_is_action("\001ACTION\001"));
	assert_true(irc_is_action("\001ACTION"));
	assert_false(irc_is_action("\001ACTIONS\001"));
	assert_false(irc_is_action("\001VERSION\001"));
	assert_false(irc_is_action(""));
}

static void
test_tag_get(void **state)
{
	(void)state;
	char v[16];
	const char *tags = "time=2026-01-01T00:00:00.000Z;msgid=00ab;batch=h1;+draft/x;"
			   "esc=a\\:b\\sc\\\\d\\qe";

	assert_true(irc_tag_get(tags, "msgid", v, sizeof v));
	assert_string_equal(v, "00ab");
	assert_true(irc_tag_get(tags, "batch", v, sizeof v));
	assert_string_equal(v, "h1");
	/* A tag without a value reads as empty; a key is matched whole. */
	assert_true(irc_tag_get(tags, "+draft/x", v, sizeof v));
	assert_string_equal(v, "");
	assert_false(irc_tag_get(tags, "msg", v, sizeof v));
	assert_false(irc_tag_get(tags, "batchx", v, sizeof v));
	assert_false(irc_tag_get("", "msgid", v, sizeof v));
	/* Escapes: \: is ';', \s a space, \\ a backslash, an unknown one loses its backslash. */
	assert_true(irc_tag_get(tags, "esc", v, sizeof v));
	assert_string_equal(v, "a;b c\\dqe");
	/* A trailing lone backslash is dropped. */
	assert_true(irc_tag_get("k=ab\\", "k", v, sizeof v));
	assert_string_equal(v, "ab");
	/* A value that does not fit whole is refused, never cut. */
	assert_false(irc_tag_get("msgid=0123456789abcdef", "msgid", v, sizeof v));
	assert_true(irc_tag_get("msgid=0123456789abcde", "msgid", v, sizeof v));
	assert_false(irc_tag_get("msgid=x", "msgid", v, 0));
}

static void
test_tag_time(void **state)
{
	(void)state;
	assert_int_equal(irc_tag_time_ms("msgid=1;time=1970-01-01T00:00:01.250Z"), 1250);
	assert_int_equal(irc_tag_time("time=1970-01-01T00:00:01.250Z;msgid=1"), 1);
	/* A time without a fraction, or looser than the specification, counts in seconds. */
	assert_int_equal(irc_tag_time_ms("time=1970-01-01T00:00:02Z"), 2000);
	assert_int_equal(irc_tag_time_ms("time=1970-01-01T00:00:03+00:00"), 3000);
	assert_int_equal(irc_tag_time_ms("msgid=1"), -1);
	assert_int_equal(irc_tag_time_ms("time=yesterday"), -1);
	assert_int_equal(irc_tag_time_ms(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_plain_command),
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_extra_spaces),
		cmocka_unit_test(test_parse_empty_trailing),
		cmocka_unit_test(test_parse_trailing_colon_inside),
		cmocka_unit_test(test_parse_numeric),
		cmocka_unit_test(test_parse_fifteen_params),
		cmocka_unit_test(test_parse_params_folding),
		cmocka_unit_test(test_parse_many_params_bounded),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_missing_command),
		cmocka_unit_test(test_parse_bad_command),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_source_nick),
		cmocka_unit_test(test_casemapping),
		cmocka_unit_test(test_valid_nick),
		cmocka_unit_test(test_valid_channel),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_ctcp),
		cmocka_unit_test(test_tag_get),
		cmocka_unit_test(test_tag_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
