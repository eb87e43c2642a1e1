/* Unit tests for common/telnet: negotiation stripped and refused, backspaces applied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/telnet.h"

/* Feeds in after kept (already filtered) text; checks the text and the answer. */
static void
check(struct telnet *t, const char *kept, const char *in, size_t inlen, const char *want,
    const char *want_reply, size_t want_reply_len)
{
	char buf[256], reply[256];
	size_t keep = strlen(kept), n, rlen;

	memcpy(buf, kept, keep);
	memcpy(buf + keep, in, inlen);
	n = telnet_filter(t, buf, keep, keep + inlen, reply, sizeof reply, &rlen);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, n);
	assert_int_equal(rlen, want_reply_len);
	if (rlen > 0)
		assert_memory_equal(reply, want_reply, rlen);
}

/* What telnet(1) sends on connecting, then a line: only the line stays; DO/WILL refused. */
static void
test_negotiation_stripped(void **state)
{
	struct telnet t = { 0 };
	/* IAC DO SGA, IAC WILL TTYPE, IAC WONT ECHO, IAC SB NAWS 0 80 0 24 IAC SE, IAC NOP */
	static const char in[] = "\xff\xfd\x03\xff\xfb\x18\xff\xfc\x01"
				 "\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0\xff\xf1hello\r\n";
	(void)state;

	check(&t, "", in, sizeof in - 1, "hello\r\n", "\xff\xfc\x03\xff\xfe\x18", 6);
}

/* A sequence cut between two reads is still recognised; IAC IAC is one 0xFF byte. */
static void
test_split_sequence(void **state)
{
	struct telnet t = { 0 };
	(void)state;

	check(&t, "", "ab\xff", 3, "ab", "", 0);
	check(&t, "ab", "\xfd", 1, "ab", "", 0);
	check(&t, "ab", "\x01" "c", 2, "abc", "\xff\xfc\x01", 3);
	check(&t, "abc", "\xff\xff" "d", 3, "abc\xff" "d", "", 0);
	check(&t, "", "\xff\xfa\x18\x01", 4, "", "", 0);
	check(&t, "", "xx\xff", 3, "", "", 0); /* still inside the subnegotiation */
	check(&t, "", "\xf0ok", 3, "ok", "", 0);
}

/* BS, DEL and IAC EC erase one character, a whole UTF-8 one, never past a line end. */
static void
test_backspace(void **state)
{
	struct telnet t = { 0 };
	(void)state;

	check(&t, "", "helo\x08lo", 7, "hello", "", 0);
	check(&t, "hel", "\x7f\x7f", 2, "h", "", 0);
	check(&t, "caf\xc3\xa9", "\x7f" "e", 2, "cafe", "", 0);
	check(&t, "\xe8\xaa\x9e", "\x08", 1, "", "", 0);
	check(&t, "\xf0\x9f\x98\x80x", "\x08\x08", 2, "", "", 0);
	check(&t, "line\r\n", "\x08\x08" "x", 3, "line\r\nx", "", 0);
	check(&t, "", "\x08\x7f", 2, "", "", 0);
	check(&t, "ab", "\xff\xf7", 2, "a", "", 0);
}

/* Answers that do not fit are dropped, never written past the buffer. */
static void
test_reply_bounded(void **state)
{
	struct telnet t = { 0 };
	char buf[] = "\xff\xfd\x01\xff\xfd\x03", reply[4];
	size_t rlen;
	(void)state;

	assert_int_equal(telnet_filter(&t, buf, 0, 6, reply, sizeof reply, &rlen), 0);
	assert_int_equal(rlen, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiation_stripped),
		cmocka_unit_test(test_split_sequence),
		cmocka_unit_test(test_backspace),
		cmocka_unit_test(test_reply_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
