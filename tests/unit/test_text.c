/* Unit tests for common/text: decoding, display width, fitting, whole characters, splitting. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/text.h"

static void
test_decode(void **state)
{
	unsigned cp;
	(void)state;
	assert_int_equal(text_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(text_decode("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(text_decode("\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(text_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	/* Invalid, truncated and overlong forms decode to nothing. */
	assert_int_equal(text_decode("\xc3", 1, &cp), 0);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(text_decode("\x80", 1, &cp), 0);
	assert_int_equal(text_decode("\xc0\xaf", 2, &cp), 0);
}

static void
test_width_and_fit(void **state)
{
	const char *wide = "\xe6\x97\xa5\xe6\x9c\xac"; /* two CJK characters, two columns each */
	(void)state;
	assert_int_equal(text_width("hello", 5), 5);
	assert_int_equal(text_width(wide, strlen(wide)), 4);
	assert_int_equal(text_width("e\xcc\x81", 3), 1); /* a combining accent takes none */
	assert_int_equal(text_width("\xff", 1), 1);      /* unmeasurable: one column */
	assert_int_equal(text_fit("hello", 5, 3), 3);
	assert_int_equal(text_fit(wide, strlen(wide), 3), 3); /* the second would need 4 */
	assert_int_equal(text_fit(wide, strlen(wide), 1), 0);
	assert_int_equal(text_fit("ab", 2, 0), 0);
	assert_int_equal(text_fit("ab", 2, 10), 2);
}

static void
test_whole(void **state)
{
	(void)state;
	assert_int_equal(text_whole("abc", 3), 3);
	assert_int_equal(text_whole("ab\xc3", 3), 2);
	assert_int_equal(text_whole("ab\xc3\xa9", 4), 4);
	assert_int_equal(text_whole("a\xe2\x82", 3), 1);
	assert_int_equal(text_whole("a\xf0\x9f\x98", 4), 1);
	assert_int_equal(text_whole("", 0), 0);
}

static void
test_split(void **state)
{
	const char *s = "one two three four";
	(void)state;
	assert_int_equal(text_split(s, strlen(s), 100, 0), strlen(s)); /* fits */
	assert_int_equal(text_split(s, strlen(s), 10, 0), 7);          /* at the space after two */
	assert_int_equal(text_split(s, strlen(s), 10, 7), 10);         /* none after the floor */
	assert_int_equal(text_split(s, strlen(s), 7, 0), 7);           /* the space right at max */
	/* No space: never inside a character. */
	assert_int_equal(text_split("aa\xc3\xa9\xc3\xa9", 6, 3, 0), 2);
}

static void
test_fmt_bytes(void **state)
{
	char b[16];
	(void)state;
	text_fmt_bytes(b, sizeof b, 0);
	assert_string_equal(b, "0B");
	text_fmt_bytes(b, sizeof b, 1023);
	assert_string_equal(b, "1023B");
	text_fmt_bytes(b, sizeof b, 1024);
	assert_string_equal(b, "1.0K");
	text_fmt_bytes(b, sizeof b, 10 * 1024 - 1); /* never rounded up */
	assert_string_equal(b, "9.9K");
	text_fmt_bytes(b, sizeof b, 10 * 1024);
	assert_string_equal(b, "10K");
	text_fmt_bytes(b, sizeof b, 1536ull * 1024 * 1024);
	assert_string_equal(b, "1.5G");
	text_fmt_bytes(b, sizeof b, 5000ull * 1024 * 1024 * 1024 * 1024);
	assert_string_equal(b, "5000T");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_width_and_fit),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_fmt_bytes),
	};
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
