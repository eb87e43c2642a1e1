/* Unit tests for common/sanitize: network text made safe for a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/sanitize.h"

#define FFFD "\xef\xbf\xbd"

/* Sanitises src (of explicit length) into a generous buffer and compares. */
static void
check_n(const char *src, size_t len, int flags, const char *want)
{
	char out[1024];
	size_t n = san_text(out, sizeof out, src, len, flags);

	assert_int_equal(n, strlen(out));
	assert_string_equal(out, want);
}

static void
check(const char *src, int flags, const char *want)
{
	check_n(src, strlen(src), flags, want);
}

/* No byte of the output may be a control that a terminal acts on. */
static void
assert_inert(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		assert_true(*p >= 0x20 || *p == '\t');
		assert_int_not_equal(*p, 0x7f);
		/* C1 controls in UTF-8 are 0xc2 0x80..0x9f. */
		if (p[0] == 0xc2)
			assert_true(p[1] >= 0xa0);
	}
}

static void
test_plain_ascii_and_utf8(void **state)
{
	(void)state;

	check("hello, world", SAN_DEFAULT, "hello, world");
	check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", SAN_DEFAULT,
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	check("", SAN_DEFAULT, "");
	/* The highest scalar value and U+00A0 (first one after the C1 range) pass. */
	check("\xf4\x8f\xbf\xbf\xc2\xa0", SAN_DEFAULT, "\xf4\x8f\xbf\xbf\xc2\xa0");
}

static void
test_escape_sequences_inert(void **state)
{
	static const char *attacks[] = {
		"\x1b[2J\x1b[H",                 /* clear screen, home */
		"\x1b]0;owned\x07",              /* set window title */
		"\x1b]52;c;aGVsbG8=\x07",        /* write the clipboard */
		"\x1bP+q544e\x1b\\",             /* DCS query */
		"\xc2\x9b" "31m red",            /* 8-bit CSI */
		"\xc2\x9d" "0;t\xc2\x9c",        /* 8-bit OSC and ST */
		"\x9b" "2J",                     /* raw C1 byte, not UTF-8 */
	};
	char out[256];
	(void)state;

	check("\x1b[31mred", SAN_DEFAULT, "^[[31mred");
	check("\x1b]0;t\x07", SAN_DEFAULT, "^[]0;t^G");
	check("a\x7f" "b", SAN_DEFAULT, "a^?b");
	check("\r\n\b\x00", SAN_DEFAULT, "^M^J^H");
	check_n("x\0y", 3, SAN_DEFAULT, "x^@y");
	check("tab\there", SAN_DEFAULT, "tab^Ihere");
	check("tab\there", SAN_KEEP_TAB, "tab\there");
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		san_text(out, sizeof out, attacks[i], strlen(attacks[i]), SAN_DEFAULT);
		assert_null(strchr(out, '\x1b'));
		assert_inert(out);
	}
}

static void
test_c1_controls(void **state)
{
	(void)state;

	check("\xc2\x9b" "2J", SAN_DEFAULT, "<9b>2J");
	check("\xc2\x80\xc2\x9f", SAN_DEFAULT, "<80><9f>");
	check("\xc2\x85", SAN_DEFAULT, "<85>");
}

static void
test_bidi_and_invisible_format(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "\xe2\x80\xaa", "<U+202A>" }, /* LRE */
		{ "\xe2\x80\xae", "<U+202E>" }, /* RLO */
		{ "\xe2\x81\xa6", "<U+2066>" }, /* LRI */
		{ "\xe2\x81\xa9", "<U+2069>" }, /* PDI */
		{ "\xe2\x80\x8e", "<U+200E>" }, /* LRM */
		{ "\xe2\x80\x8f", "<U+200F>" }, /* RLM */
		{ "\xd8\x9c", "<U+061C>" },     /* Arabic letter mark */
		{ "\xe2\x80\x8b", "<U+200B>" }, /* zero width space */
		{ "\xef\xbb\xbf", "<U+FEFF>" }, /* byte order mark */
		{ "\xe3\x85\xa4", "<U+3164>" }, /* Hangul filler: a nick that looks empty */
		{ "\xef\xbe\xa0", "<U+FFA0>" }, /* halfwidth Hangul filler */
		{ "\xe1\x85\x9f", "<U+115F>" }, /* Hangul choseong filler */
		{ "\xc2\xad", "<U+00AD>" },     /* soft hyphen */
		{ "\xe1\xa0\x8e", "<U+180E>" }, /* Mongolian vowel separator */
		{ "\xf3\xa0\x81\x81", "<U+E0041>" }, /* tag latin capital A: hidden text */
	};
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(cases[i].in, SAN_DEFAULT, cases[i].want);
	/* The classic spoof: the name reads "exe.txt" on screen unless the override shows. */
	check("evil\xe2\x80\xaetxt.exe", SAN_DEFAULT, "evil<U+202E>txt.exe");
	check("\xe2\x81\xa7x\xe2\x81\xa9 y", SAN_STRIP_FORMAT, "<U+2067>x<U+2069> y");
	check("a\xd8\x9c" "b", SAN_DEFAULT, "a<U+061C>b");
	/* Joiners that scripts and emoji need stay, as does ordinary Arabic and Hebrew. */
	check("a\xe2\x80\x8c" "b\xe2\x80\x8d" "c", SAN_DEFAULT,
	    "a\xe2\x80\x8c" "b\xe2\x80\x8d" "c");
	check("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", SAN_DEFAULT,
	    "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85");
	/* A marker that does not fit is left out whole, never cut in half. */
	char out[8];
	assert_int_equal(san_text(out, sizeof out, "ab\xe2\x80\xae", 5, SAN_DEFAULT), 2);
	assert_string_equal(out, "ab");
}

static void
test_invalid_utf8(void **state)
{
	(void)state;

	/* A lone continuation byte, a lone lead byte, bytes never valid in UTF-8. */
	check("a\x80z", SAN_DEFAULT, "a" FFFD "z");
	check("a\xc3z", SAN_DEFAULT, "a" FFFD "z");
	check("\xfe\xff", SAN_DEFAULT, FFFD FFFD);
	check("\xf5\x80\x80\x80", SAN_DEFAULT, FFFD FFFD FFFD FFFD);
	/* Overlong encodings of '/' and of NUL. */
	check("\xc0\xaf", SAN_DEFAULT, FFFD FFFD);
	check("\xc1\xbf", SAN_DEFAULT, FFFD FFFD);
	check("\xe0\x80\xaf", SAN_DEFAULT, FFFD FFFD FFFD);
	check("\xf0\x80\x80\xaf", SAN_DEFAULT, FFFD FFFD FFFD FFFD);
	check("\xc0\x80", SAN_DEFAULT, FFFD FFFD);
	/* Surrogates U+D800 and U+DFFF, and U+110000. */
	check("\xed\xa0\x80", SAN_DEFAULT, FFFD FFFD FFFD);
	check("\xed\xbf\xbf", SAN_DEFAULT, FFFD FFFD FFFD);
	check("\xf4\x90\x80\x80", SAN_DEFAULT, FFFD FFFD FFFD FFFD);
	/* A sequence cut short by the end of the input. */
	check("ok\xe2\x82", SAN_DEFAULT, "ok" FFFD FFFD);
	check("ok\xf0\x9f\x98", SAN_DEFAULT, "ok" FFFD FFFD FFFD);
	/* A sequence whose continuation is an ESC: the ESC is still made visible. */
	check("\xe2\x1b[2J", SAN_DEFAULT, FFFD "^[[2J");
}

static void
test_utf8_len(void **state)
{
	(void)state;

	assert_int_equal(san_utf8_len((const unsigned char *)"a", 1), 1);
	assert_int_equal(san_utf8_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(san_utf8_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	assert_int_equal(san_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(san_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 3), 0);
	assert_int_equal(san_utf8_len((const unsigned char *)"\xe0\xa0\x80", 3), 3);
	assert_int_equal(san_utf8_len((const unsigned char *)"\xe0\x9f\xbf", 3), 0);
	assert_int_equal(san_utf8_len((const unsigned char *)"\xed\x9f\xbf", 3), 3);
	assert_int_equal(san_utf8_len((const unsigned char *)"\x80", 1), 0);
}

static void
test_truncation_on_boundary(void **state)
{
	char out[8];
	size_t n;
	(void)state;

	/* "abcde" + U+20AC: the euro sign does not fit in 8 - 1 - 5 = 2 bytes. */
	n = san_text(out, sizeof out, "abcde\xe2\x82\xac", 8, SAN_DEFAULT);
	assert_int_equal(n, 5);
	assert_string_equal(out, "abcde");
	/* A caret form is never split either. */
	n = san_text(out, sizeof out, "abcdef\x1b", 7, SAN_DEFAULT);
	assert_int_equal(n, 6);
	assert_string_equal(out, "abcdef");
	/* Exactly filling the buffer. */
	n = san_text(out, sizeof out, "abcd\xe2\x82\xac", 7, SAN_DEFAULT);
	assert_int_equal(n, 7);
	assert_string_equal(out, "abcd\xe2\x82\xac");
	/* The smallest buffer holds only the terminator. */
	n = san_text(out, 1, "abc", 3, SAN_DEFAULT);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	/* cap 0 writes nothing. */
	out[0] = 'k';
	assert_int_equal(san_text(out, 0, "abc", 3, SAN_DEFAULT), 0);
	assert_int_equal(out[0], 'k');
}

static void
test_truncation_every_cap(void **state)
{
	static const char src[] = "a\xc3\xa9\x1b[\xe2\x82\xac\xc2\x9b\xf0\x9f\x98\x80\xff!";
	char full[128], out[128];
	size_t fulln = san_text(full, sizeof full, src, sizeof src - 1, SAN_DEFAULT);
	(void)state;

	/* Every output is a prefix of the full output that is itself valid, inert UTF-8. */
	for (size_t cap = 1; cap <= fulln + 1; cap++) {
		size_t n = san_text(out, cap, src, sizeof src - 1, SAN_DEFAULT);
		assert_true(n < cap);
		assert_memory_equal(out, full, n);
		for (size_t i = 0; i < n;) {
			size_t k = san_utf8_len((const unsigned char *)out + i, n - i);
			assert_int_not_equal(k, 0);
			i += k;
		}
		assert_inert(out);
	}
	assert_int_equal(san_text(out, fulln + 1, src, sizeof src - 1, SAN_DEFAULT), fulln);
}

static void
test_strip_format(void **state)
{
	(void)state;

	check("\x02" "bold\x02 \x1d" "it\x1d \x1fu\x1f \x16rev\x0f", SAN_STRIP_FORMAT,
	    "bold it u rev");
	check("\x03" "4red\x03 \x03" "04,12both\x03 plain", SAN_STRIP_FORMAT, "red both plain");
	/* At most two digits belong to a colour; the third is text. */
	check("\x03" "123", SAN_STRIP_FORMAT, "3");
	/* A comma not followed by a digit is text. */
	check("\x03" "4,x", SAN_STRIP_FORMAT, ",x");
	check("\x03" ",5", SAN_STRIP_FORMAT, ",5");
	check("\x03" "4,", SAN_STRIP_FORMAT, ",");
	/* ^D takes six hex digits, optionally ",RRGGBB"; anything shorter is text. */
	check("\x04" "ff0000red", SAN_STRIP_FORMAT, "red");
	check("\x04" "FF0000,00ff00both", SAN_STRIP_FORMAT, "both");
	check("\x04" "ff00 short", SAN_STRIP_FORMAT, "ff00 short");
	check("\x04" "ff0000,12 x", SAN_STRIP_FORMAT, ",12 x");
	/* Without the flag the codes are shown, not interpreted. */
	check("\x03" "4red\x02", SAN_DEFAULT, "^C4red^B");
	/* Stripping formatting never lets other controls through. */
	check("\x03" "4\x1b[2J", SAN_STRIP_FORMAT, "^[[2J");
}

static void
test_utf8_cut(void **state)
{
	const char *e = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"; /* a, e-acute, euro, emoji */
	size_t len = strlen(e);

	(void)state;
	/* Fits: untouched. */
	assert_int_equal(san_utf8_cut(e, len, len), len);
	assert_int_equal(san_utf8_cut(e, len, 100), len);
	/* Cuts that would split a character back up to its start. */
	assert_int_equal(san_utf8_cut(e, len, 1), 1);
	assert_int_equal(san_utf8_cut(e, len, 2), 1);
	assert_int_equal(san_utf8_cut(e, len, 3), 3);
	assert_int_equal(san_utf8_cut(e, len, 4), 3);
	assert_int_equal(san_utf8_cut(e, len, 5), 3);
	assert_int_equal(san_utf8_cut(e, len, 6), 6);
	assert_int_equal(san_utf8_cut(e, len, 9), 6);
	assert_int_equal(san_utf8_cut(e, len, 0), 0);
	/* Junk continuation bytes never back up more than a character's worth. */
	assert_int_equal(san_utf8_cut("\x80\x80\x80\x80\x80\x80", 6, 5), 2);
}

/* SAN_ONE_SPACE: any run of blanks, ASCII or Unicode, is one space; nothing else changes. */
static void
test_one_space(void **state)
{
	char out[128];
	(void)state;

	san_text(out, sizeof out, "a  \t  b\t\tc", 10, SAN_ONE_SPACE);
	assert_string_equal(out, "a b c");
	/* no-break, em, ideographic spaces and an ASCII space, mixed */
	static const char u[] = "x\xc2\xa0\xe2\x80\x83\xe3\x80\x80 y";
	san_text(out, sizeof out, u, sizeof u - 1, SAN_ONE_SPACE);
	assert_string_equal(out, "x y");
	san_text(out, sizeof out, "   lead", 7, SAN_ONE_SPACE);
	assert_string_equal(out, " lead");
	/* Without the flag, spaces stay and a tab is made visible. */
	san_text(out, sizeof out, "a  \tb", 5, SAN_DEFAULT);
	assert_string_equal(out, "a  ^Ib");
	/* A cap that ends inside a run. */
	san_text(out, 4, "ab    cd", 8, SAN_ONE_SPACE);
	assert_string_equal(out, "ab ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_plain_ascii_and_utf8),
		cmocka_unit_test(test_escape_sequences_inert),
		cmocka_unit_test(test_c1_controls),
		cmocka_unit_test(test_bidi_and_invisible_format),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_truncation_on_boundary),
		cmocka_unit_test(test_truncation_every_cap),
		cmocka_unit_test(test_strip_format),
		cmocka_unit_test(test_one_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
