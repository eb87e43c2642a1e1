/* Unit tests for common/linebuf: framing of CR, LF and CRLF lines and overlong input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/linebuf.h"

/* Expects the next event to be the line want. */
static void
expect_line(struct linebuf *lb, const char *want)
{
	char *line = NULL;
	size_t len = 0;

	assert_int_equal(lb_next(lb, &line, &len), LB_LINE);
	assert_int_equal(len, strlen(want));
	assert_string_equal(line, want);
}

static void
expect_none(struct linebuf *lb)
{
	char *line;
	size_t len;

	assert_int_equal(lb_next(lb, &line, &len), LB_NONE);
}

static void
expect_toolong(struct linebuf *lb)
{
	char *line;
	size_t len;

	assert_int_equal(lb_next(lb, &line, &len), LB_TOOLONG);
}

static void
feed_all(struct linebuf *lb, const char *s, size_t n)
{
	assert_int_equal(lb_feed(lb, s, n), n);
}

static void
feed_str(struct linebuf *lb, const char *s)
{
	feed_all(lb, s, strlen(s));
}

/* Feeds n copies of c (n may exceed the buffer: drains events in between). */
static int
feed_repeat(struct linebuf *lb, char c, size_t n)
{
	char chunk[64];
	int toolong = 0;
	size_t guard = 0;

	memset(chunk, c, sizeof chunk);
	while (n > 0) {
		size_t k = n < sizeof chunk ? n : sizeof chunk;
		size_t took = lb_feed(lb, chunk, k);
		n -= took;
		if (took < k) {
			char *line;
			size_t len;
			enum lb_result r = lb_next(lb, &line, &len);
			assert_int_not_equal(r, LB_LINE);
			if (r == LB_TOOLONG)
				toolong++;
		}
		assert_true(++guard < 100000);
	}
	return toolong;
}

/* NUL bytes vanish; the text around them stays one line, and a line of NULs is none. */
static void
test_nul_dropped(void **state)
{
	struct linebuf lb;
	static const char in[] = "PRIVMSG #lan :be\0fore\0\0 after\r\n\0\0\nnext\n";

	(void)state;
	lb_init(&lb);
	assert_int_equal(lb_feed(&lb, in, sizeof in - 1), sizeof in - 1);
	expect_line(&lb, "PRIVMSG #lan :before after");
	expect_line(&lb, "next");
	expect_none(&lb);
}

static void
test_terminators(void **state)
{
	struct linebuf lb;
	(void)state;

	lb_init(&lb);
	feed_str(&lb, "lf\ncr\rcrlf\r\nlast");
	expect_line(&lb, "lf");
	expect_line(&lb, "cr");
	expect_line(&lb, "crlf");
	expect_none(&lb);
	assert_int_equal(lb_pending(&lb), 4);
	feed_str(&lb, "\r\n");
	expect_line(&lb, "last");
	expect_none(&lb);
	assert_int_equal(lb_pending(&lb), 0);
}

static void
test_empty_lines_skipped(void **state)
{
	struct linebuf lb;
	(void)state;

	lb_init(&lb);
	feed_str(&lb, "\r\n\r\n\n\n\r\rone\r\n\r\n\ntwo\n");
	expect_line(&lb, "one");
	expect_line(&lb, "two");
	expect_none(&lb);
	feed_str(&lb, "\r\n\r\n");
	expect_none(&lb);
	assert_false(lb_ready(&lb));
}

static void
test_ready(void **state)
{
	struct linebuf lb;
	(void)state;

	lb_init(&lb);
	assert_false(lb_ready(&lb));
	feed_str(&lb, "partial");
	assert_false(lb_ready(&lb));
	feed_str(&lb, "\n");
	assert_true(lb_ready(&lb));
	expect_line(&lb, "partial");
	assert_false(lb_ready(&lb));
}

static void
test_one_byte_at_a_time(void **state)
{
	static const char stream[] =
	    "NICK bob\r\nUSER b 0 * :Bob\r\n\r\nJOIN #lan\rPRIVMSG #lan :hi\n";
	static const char *want[] = { "NICK bob", "USER b 0 * :Bob", "JOIN #lan",
		"PRIVMSG #lan :hi" };
	struct linebuf lb;
	size_t got = 0;
	(void)state;

	lb_init(&lb);
	for (size_t i = 0; i < sizeof stream - 1; i++) {
		char *line;
		size_t len;
		feed_all(&lb, stream + i, 1);
		enum lb_result r;
		while ((r = lb_next(&lb, &line, &len)) == LB_LINE) {
			assert_true(got < sizeof want / sizeof want[0]);
			assert_string_equal(line, want[got]);
			got++;
		}
		assert_int_equal(r, LB_NONE);
	}
	assert_int_equal(got, sizeof want / sizeof want[0]);
}

static void
test_space_commit(void **state)
{
	struct linebuf lb;
	size_t avail;
	char *p;
	(void)state;

	lb_init(&lb);
	p = lb_space(&lb, &avail);
	assert_int_equal(avail, IRC_LINE_MAX);
	memcpy(p, "abc\ndef", 7);
	lb_commit(&lb, 7);
	expect_line(&lb, "abc");
	p = lb_space(&lb, &avail);
	/* The consumed line is reclaimed: only "def" still occupies the buffer. */
	assert_int_equal(avail, IRC_LINE_MAX - 3);
	memcpy(p, "\n", 1);
	lb_commit(&lb, 1);
	expect_line(&lb, "def");
}

static void
test_exact_body_limit(void **state)
{
	char line[IRC_LINE_BODY + 3];
	struct linebuf lb;
	char *got;
	size_t len;
	(void)state;

	/* 510 bytes of body plus CRLF is the largest legal line. */
	lb_init(&lb);
	memset(line, 'a', IRC_LINE_BODY);
	memcpy(line + IRC_LINE_BODY, "\r\n", 2);
	feed_all(&lb, line, IRC_LINE_BODY + 2);
	assert_int_equal(lb_next(&lb, &got, &len), LB_LINE);
	assert_int_equal(len, IRC_LINE_BODY);
	assert_int_equal(strlen(got), IRC_LINE_BODY);
	expect_none(&lb);

	/* The same with a bare LF terminator. */
	line[IRC_LINE_BODY] = '\n';
	feed_all(&lb, line, IRC_LINE_BODY + 1);
	assert_int_equal(lb_next(&lb, &got, &len), LB_LINE);
	assert_int_equal(len, IRC_LINE_BODY);
	expect_none(&lb);
}

static void
test_body_one_over(void **state)
{
	char line[IRC_LINE_BODY + 4];
	struct linebuf lb;
	(void)state;

	/* 511 bytes of body: too long, reported once, and the next line is intact. */
	lb_init(&lb);
	memset(line, 'b', IRC_LINE_BODY + 1);
	memcpy(line + IRC_LINE_BODY + 1, "\r\n", 2);
	size_t took = lb_feed(&lb, line, IRC_LINE_BODY + 3);
	expect_toolong(&lb);
	feed_all(&lb, line + took, IRC_LINE_BODY + 3 - took);
	feed_str(&lb, "NEXT ok\r\n");
	expect_line(&lb, "NEXT ok");
	expect_none(&lb);

	/* With a bare LF, the whole line fits the buffer; same verdict. */
	line[IRC_LINE_BODY + 1] = '\n';
	feed_all(&lb, line, IRC_LINE_BODY + 2);
	expect_toolong(&lb);
	feed_str(&lb, "after\n");
	expect_line(&lb, "after");
	expect_none(&lb);
}

static void
test_overlong_reported_once(void **state)
{
	struct linebuf lb;
	int toolong;
	(void)state;

	/* A 5000-byte line: exactly one LB_TOOLONG however it is chunked. */
	lb_init(&lb);
	feed_str(&lb, "before\r\n");
	expect_line(&lb, "before");
	toolong = feed_repeat(&lb, 'x', 5000);
	for (int i = 0; i < 4; i++) {
		char *line;
		size_t len;
		enum lb_result r = lb_next(&lb, &line, &len);
		assert_int_not_equal(r, LB_LINE);
		if (r == LB_TOOLONG)
			toolong++;
	}
	feed_str(&lb, "\r\nPRIVMSG #lan :after\r\n");
	for (;;) {
		char *line;
		size_t len;
		enum lb_result r = lb_next(&lb, &line, &len);
		if (r == LB_TOOLONG) {
			toolong++;
			continue;
		}
		assert_int_equal(r, LB_LINE);
		assert_string_equal(line, "PRIVMSG #lan :after");
		break;
	}
	assert_int_equal(toolong, 1);
	expect_none(&lb);
}

static void
test_overlong_one_byte_at_a_time(void **state)
{
	struct linebuf lb;
	int toolong = 0, lines = 0;
	(void)state;

	lb_init(&lb);
	for (int i = 0; i < 2000 + 2; i++) {
		char c = i < 2000 ? 'y' : (i == 2000 ? '\r' : '\n');
		char *line;
		size_t len;
		enum lb_result r;

		feed_all(&lb, &c, 1);
		while ((r = lb_next(&lb, &line, &len)) != LB_NONE) {
			if (r == LB_TOOLONG)
				toolong++;
			else
				lines++;
		}
	}
	assert_int_equal(toolong, 1);
	assert_int_equal(lines, 0);
	feed_str(&lb, "ok\n");
	expect_line(&lb, "ok");
}

static void
test_buffer_full_without_eol(void **state)
{
	char big[IRC_LINE_MAX + 10];
	struct linebuf lb;
	size_t avail;
	(void)state;

	lb_init(&lb);
	memset(big, 'z', sizeof big);
	/* The buffer takes exactly IRC_LINE_MAX bytes and refuses the rest. */
	assert_int_equal(lb_feed(&lb, big, sizeof big), IRC_LINE_MAX);
	lb_space(&lb, &avail);
	assert_int_equal(avail, 0);
	assert_int_equal(lb_feed(&lb, big, 1), 0);
	assert_true(lb_ready(&lb));
	expect_toolong(&lb);
	/* The space is free again and the rest of the line is still dropped. */
	lb_space(&lb, &avail);
	assert_int_equal(avail, IRC_LINE_MAX);
	feed_str(&lb, "zzzz");
	expect_none(&lb);
	feed_str(&lb, "zz\nfine\n");
	expect_line(&lb, "fine");
	expect_none(&lb);
}

static void
test_line_after_partial_consumption(void **state)
{
	char tail[IRC_LINE_BODY + 2];
	struct linebuf lb;
	char *got;
	size_t len;
	(void)state;

	/*
	 * A short line is consumed, then a maximal line arrives behind it: the consumed
	 * space must be reclaimed rather than the long line being reported as too long.
	 */
	lb_init(&lb);
	feed_str(&lb, "hi\n");
	memset(tail, 'q', IRC_LINE_BODY);
	feed_all(&lb, tail, 100);
	expect_line(&lb, "hi");
	expect_none(&lb);
	feed_all(&lb, tail + 100, IRC_LINE_BODY - 100);
	feed_str(&lb, "\r\n");
	assert_int_equal(lb_next(&lb, &got, &len), LB_LINE);
	assert_int_equal(len, IRC_LINE_BODY);
}

/* With split set, an overlong line comes out in pieces: at spaces, else between characters. */
static void
test_split_long(void **state)
{
	struct linebuf lb;
	char in[1200], *line, want[IRC_LINE_MAX];
	size_t len, off = 0, n = 0, total = 0;
	(void)state;

	/* "a a a ... a" of 1101 bytes, then "end". */
	for (int i = 0; i < 551; i++) {
		in[n++] = 'a';
		in[n++] = ' ';
	}
	in[n - 1] = '\n';
	memcpy(in + n, "end\n", 4);
	n += 4;
	lb_init(&lb);
	lb.split = true;
	while (off < n || lb_ready(&lb)) {
		off += lb_feed(&lb, in + off, n - off);
		if (lb_next(&lb, &line, &len) == LB_NONE)
			continue;
		assert_true(len <= IRC_LINE_BODY);
		assert_int_equal(strlen(line), len);
		if (strcmp(line, "end") == 0)
			break;
		assert_true(line[0] == 'a' && line[len - 1] == 'a');
		total += len + 1;
	}
	assert_int_equal(total, 551 * 2);

	/* No space: 300 two-byte characters, cut between characters. */
	n = 0;
	for (int i = 0; i < 300; i++) {
		in[n++] = (char)0xc3;
		in[n++] = (char)0xa9;
	}
	in[n++] = '\n';
	lb_init(&lb);
	lb.split = true;
	off = lb_feed(&lb, in, n);
	assert_int_equal(lb_next(&lb, &line, &len), LB_LINE);
	assert_true(len % 2 == 0 && len <= IRC_LINE_BODY && len >= IRC_LINE_BODY - 1);
	memcpy(want, in, len);
	want[len] = '\0';
	assert_string_equal(line, want);
	total = len;
	off += lb_feed(&lb, in + off, n - off);
	assert_int_equal(off, n);
	assert_int_equal(lb_next(&lb, &line, &len), LB_LINE);
	assert_int_equal(total + len, 600);
	expect_none(&lb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminators),
		cmocka_unit_test(test_nul_dropped),
		cmocka_unit_test(test_split_long),
		cmocka_unit_test(test_empty_lines_skipped),
		cmocka_unit_test(test_ready),
		cmocka_unit_test(test_one_byte_at_a_time),
		cmocka_unit_test(test_space_commit),
		cmocka_unit_test(test_exact_body_limit),
		cmocka_unit_test(test_body_one_over),
		cmocka_unit_test(test_overlong_reported_once),
		cmocka_unit_test(test_overlong_one_byte_at_a_time),
		cmocka_unit_test(test_buffer_full_without_eol),
		cmocka_unit_test(test_line_after_partial_consumption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
