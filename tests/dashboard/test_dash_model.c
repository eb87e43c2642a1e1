/*
 * The dashboard's pure half: rates from counter deltas under a fake clock, sparklines, number
 * formats, column fitting with wide characters, the table layout at every width, and rows
 * formatted from a made-up state.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/dash_model.h"

static void
use_utf8(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL && setlocale(LC_CTYPE, "en_US.UTF-8") == NULL)
		skip();
}

static void
feed(struct dash_rates *r, int64_t now, uint64_t lin, uint64_t lout, uint64_t bin, uint64_t bout,
    bool want_period)
{
	uint64_t v[DASH_RATE_KINDS] = { lin, lout, bin, bout };
	assert_int_equal(dash_rates_update(r, now, v), want_period);
}

static void
test_rates_from_deltas(void **state)
{
	struct dash_rates r;
	double h[DASH_HISTORY];
	(void)state;

	dash_rates_init(&r, 1000);
	feed(&r, 5000, 100, 1000, 5000, 50000, false); /* primes only */
	assert_int_equal(dash_rates_history(&r, DASH_LINES_IN, h, DASH_HISTORY), 0);
	feed(&r, 5250, 150, 1500, 6000, 60000, false); /* period not over: nothing yet */
	assert_true(r.cur[DASH_LINES_IN] == 0.0);
	feed(&r, 6000, 200, 1300, 7000, 70000, true);
	assert_true(r.cur[DASH_LINES_IN] == 100.0);
	assert_true(r.cur[DASH_LINES_OUT] == 300.0);
	assert_true(r.cur[DASH_BYTES_IN] == 2000.0);
	assert_true(r.cur[DASH_BYTES_OUT] == 20000.0);
	/* A late timer: the delta is spread over the whole gap, not the nominal period. */
	feed(&r, 8500, 300, 1300, 7000, 70000, true);
	assert_true(r.cur[DASH_LINES_IN] == 40.0);
	assert_true(r.cur[DASH_LINES_OUT] == 0.0);
	/* A counter that goes backwards is no traffic, never a huge unsigned rate. */
	feed(&r, 9500, 10, 1400, 7000, 70000, true);
	assert_true(r.cur[DASH_LINES_IN] == 0.0);
	assert_true(r.cur[DASH_LINES_OUT] == 100.0);

	assert_int_equal(dash_rates_history(&r, DASH_LINES_IN, h, DASH_HISTORY), 3);
	assert_true(h[0] == 100.0 && h[1] == 40.0 && h[2] == 0.0); /* oldest first */
	assert_int_equal(dash_rates_history(&r, DASH_LINES_IN, h, 2), 2);
	assert_true(h[0] == 40.0 && h[1] == 0.0); /* the newest ones when cut */
}

static void
test_rates_history_wraps(void **state)
{
	struct dash_rates r;
	double h[DASH_HISTORY];
	int64_t t = 0;
	uint64_t lines = 0;
	const int periods = DASH_HISTORY + 7;
	(void)state;

	dash_rates_init(&r, 1000);
	feed(&r, t, 0, 0, 0, 0, false);
	for (int i = 1; i <= periods; i++) {
		t += 1000;
		lines += (uint64_t)i; /* period i carries i lines */
		feed(&r, t, lines, 0, 0, 0, true);
	}
	assert_int_equal(dash_rates_history(&r, DASH_LINES_IN, h, DASH_HISTORY), DASH_HISTORY);
	assert_true(h[0] == (double)(periods - DASH_HISTORY + 1));
	assert_true(h[DASH_HISTORY - 1] == (double)periods);
}

static void
test_sparkline(void **state)
{
	const double v[] = { 0, 1, 2, 4, 8 };
	char buf[64];
	(void)state;

	use_utf8();
	dash_sparkline(buf, sizeof buf, v, 5, 5);
	assert_string_equal(buf, " \u2581\u2582\u2584\u2588");
	dash_sparkline(buf, sizeof buf, v, 5, 7); /* right-aligned */
	assert_string_equal(buf, "   \u2581\u2582\u2584\u2588");
	dash_sparkline(buf, sizeof buf, v, 5, 2); /* the newest ones, rescaled to them */
	assert_string_equal(buf, "\u2584\u2588");
	dash_sparkline(buf, sizeof buf, v, 0, 3);
	assert_string_equal(buf, "   ");
	dash_sparkline(buf, 7, v, 5, 5); /* too small a buffer: whole glyphs only */
	assert_string_equal(buf, " \u2581");

	setlocale(LC_CTYPE, "C");
	dash_sparkline(buf, sizeof buf, v, 5, 5);
	assert_string_equal(buf, " .:=@");
}

static void
test_numbers(void **state)
{
	char b[32];
	(void)state;

	dash_fmt_count(b, sizeof b, 0);
	assert_string_equal(b, "0");
	dash_fmt_count(b, sizeof b, 9999);
	assert_string_equal(b, "9999");
	dash_fmt_count(b, sizeof b, 12345);
	assert_string_equal(b, "12.3k");
	dash_fmt_count(b, sizeof b, 456789);
	assert_string_equal(b, "456k");
	dash_fmt_count(b, sizeof b, 4560000);
	assert_string_equal(b, "4.56M");
	dash_fmt_bytes(b, sizeof b, 512);
	assert_string_equal(b, "512B");
	dash_fmt_bytes(b, sizeof b, 1536);
	assert_string_equal(b, "1.5K");
	dash_fmt_bytes(b, sizeof b, 2047); /* never rounds up past what was sent */
	assert_string_equal(b, "1.9K");
	dash_fmt_bytes(b, sizeof b, 300u * 1024 * 1024);
	assert_string_equal(b, "300M");
	dash_fmt_dur(b, sizeof b, 12999);
	assert_string_equal(b, "12s");
	dash_fmt_dur(b, sizeof b, 185000);
	assert_string_equal(b, "3m05s");
	dash_fmt_dur(b, sizeof b, (2 * 3600 + 7 * 60 + 59) * 1000LL);
	assert_string_equal(b, "2h07m");
	dash_fmt_dur(b, sizeof b, (3 * 86400 + 2 * 3600) * 1000LL);
	assert_string_equal(b, "3d02h");
	dash_fmt_dur(b, sizeof b, -5);
	assert_string_equal(b, "0s");
	dash_fmt_lag(b, sizeof b, -1);
	assert_string_equal(b, "-");
	dash_fmt_lag(b, sizeof b, 12);
	assert_string_equal(b, "12ms");
	dash_fmt_lag(b, sizeof b, 1250);
	assert_string_equal(b, "1.2s");
	dash_fmt_rate(b, sizeof b, 7.5);
	assert_string_equal(b, "7.5");
	dash_fmt_rate(b, sizeof b, 12345);
	assert_string_equal(b, "12.3k");
}

static void
test_fit_ascii(void **state)
{
	char b[64];
	(void)state;

	use_utf8();
	dash_fit(b, sizeof b, "abc", 6, false);
	assert_string_equal(b, "abc   ");
	dash_fit(b, sizeof b, "abc", 6, true);
	assert_string_equal(b, "   abc");
	dash_fit(b, sizeof b, "abcdefgh", 5, false);
	assert_string_equal(b, "abcd\u2026");
	assert_int_equal(dash_width(b), 5);
	dash_fit(b, sizeof b, "abc", 0, false);
	assert_string_equal(b, "");
	dash_fit(b, 4, "abcdef", 10, false); /* the buffer, not the width, is the limit */
	assert_true(strlen(b) <= 3);

	setlocale(LC_CTYPE, "C");
	dash_fit(b, sizeof b, "abcdefgh", 5, false);
	assert_string_equal(b, "abcd~");
}

static void
test_fit_wide(void **state)
{
	char b[64];
	(void)state;

	use_utf8();
	assert_int_equal(dash_width("\u65e5\u672c\u8a9e"), 6); /* CJK: two columns each */
	dash_fit(b, sizeof b, "\u65e5\u672c\u8a9e", 6, false);
	assert_string_equal(b, "\u65e5\u672c\u8a9e");
	dash_fit(b, sizeof b, "\u65e5\u672c\u8a9e", 5, false);
	assert_string_equal(b, "\u65e5\u672c\u2026");
	/* A wide character never straddles the edge: a space takes its half. */
	dash_fit(b, sizeof b, "\u65e5\u672c\u8a9e", 4, false);
	assert_string_equal(b, "\u65e5 \u2026");
	assert_int_equal(dash_width(b), 4);
	dash_fit(b, sizeof b, "\u65e5\u672c", 7, true);
	assert_string_equal(b, "   \u65e5\u672c");
	/* Combining accent: zero columns, kept with its letter. */
	assert_int_equal(dash_width("e\u0301te\u0301"), 3);
	dash_fit(b, sizeof b, "e\u0301te\u0301", 5, false);
	assert_string_equal(b, "e\u0301te\u0301  ");
	/* Bytes that are not UTF-8 and unmeasurable characters become '?', one column each. */
	dash_fit(b, sizeof b, "a\xff\x01z", 4, false);
	assert_string_equal(b, "a??z");
	/* Outside a UTF-8 locale nothing wide is trusted to the terminal. */
	setlocale(LC_CTYPE, "C");
	dash_fit(b, sizeof b, "n\u00efck", 4, false);
	assert_string_equal(b, "n?ck");
}

static struct dash_row
sample_row(void)
{
	struct dash_row r;
	memset(&r, 0, sizeof r);
	r.id = 42;
	strcpy(r.host, "192.168.1.20");
	r.port = 51234;
	strcpy(r.nick, "alice");
	r.mode = DASH_MODE_IRC;
	r.state = DASH_ST_ONLINE;
	r.connected_ms = 1000;
	r.last_rx_ms = 60000;
	r.lines_in = 12345;
	r.lines_out = 77;
	r.bytes_in = 1536;
	r.bytes_out = 999;
	r.sendq = 0;
	r.lag_ms = 12;
	strcpy(r.chans, "#lan,#dev");
	r.lag_ms = 12;
	return r;
}

static bool
layout_has(const struct dash_layout *l, enum dash_col c)
{
	for (int i = 0; i < l->ncols; i++)
		if (l->cols[i] == c)
			return true;
	return false;
}

static void
test_layout_widths(void **state)
{
	struct dash_layout l;
	(void)state;

	dash_layout(&l, 200);
	assert_int_equal(l.ncols, DASH_NCOLS);
	for (int i = 1; i < l.ncols; i++)
		assert_true(l.cols[i - 1] < l.cols[i]); /* display order is fixed */

	dash_layout(&l, 80);
	assert_true(layout_has(&l, DASH_COL_ID) && layout_has(&l, DASH_COL_NICK) &&
	    layout_has(&l, DASH_COL_MODE) && layout_has(&l, DASH_COL_STATE) &&
	    layout_has(&l, DASH_COL_CHANS) && layout_has(&l, DASH_COL_ADDR));
	assert_false(layout_has(&l, DASH_COL_BOUT));

	/* From 80 columns the mode has room for the TLS mark. */
	assert_true(l.w[DASH_COL_MODE] >= 9);

	dash_layout(&l, 20);
	assert_int_equal(l.ncols, 3);
	assert_true(layout_has(&l, DASH_COL_ID) && layout_has(&l, DASH_COL_NICK) &&
	    layout_has(&l, DASH_COL_MODE));

	dash_layout(&l, 3);
	assert_int_equal(l.ncols, 1);
	assert_int_equal(l.w[DASH_COL_ID], 3);

	/* Every column that is shown fits, whatever the width. */
	for (int w = 1; w <= 300; w++) {
		int sum = 0;
		dash_layout(&l, w);
		for (int i = 0; i < l.ncols; i++)
			sum += l.w[l.cols[i]] + (i ? 1 : 0);
		assert_true(sum <= w);
		assert_true(l.ncols >= 1);
	}
}

static void
test_row_format(void **state)
{
	struct dash_layout l;
	struct dash_row r = sample_row();
	char line[DASH_LINE_MAX], hdr[DASH_LINE_MAX];
	(void)state;

	use_utf8();
	dash_layout(&l, 160);
	dash_format_header(&l, DASH_COL_LIN, hdr, sizeof hdr);
	assert_int_equal(dash_width(hdr), 160);
	assert_non_null(strstr(hdr, "L-IN\u25be")); /* the sort column is marked */
	dash_format_header(&l, DASH_COL_CHANS, hdr, sizeof hdr);
	dash_format_row(&l, &r, 66000, line, sizeof line);
	assert_int_equal(dash_width(line), 160);
	assert_non_null(strstr(line, "192.168.1.20:51234"));
	assert_non_null(strstr(line, " alice "));
	assert_non_null(strstr(line, " irc "));
	assert_non_null(strstr(line, " online "));
	assert_non_null(strstr(line, " 1m05s ")); /* connected for: 66 s - 1 s */
	assert_non_null(strstr(line, " 6s "));    /* idle */
	assert_non_null(strstr(line, " 12.3k "));
	assert_non_null(strstr(line, " 1.5K "));
	assert_non_null(strstr(line, " 12ms "));
	assert_non_null(strstr(line, "#lan,#dev"));
	/* Numbers are right-aligned under right-aligned titles. */
	const char *t = strstr(hdr, "B-IN"), *v = strstr(line, "1.5K");
	assert_int_equal((t - hdr) + 4, (v - line) + 4);

	/* A closed row freezes its times at closing and shows why it closed. */
	r.state = DASH_ST_CLOSED;
	r.closed_ms = 31000;
	strcpy(r.reason, "Quit: see you");
	dash_format_row(&l, &r, 99000, line, sizeof line);
	assert_non_null(strstr(line, " closed "));
	assert_non_null(strstr(line, " 30s "));
	assert_non_null(strstr(line, "Quit: see you"));
	assert_null(strstr(line, "#lan"));

	r = sample_row();
	r.mode = DASH_MODE_UNKNOWN;
	r.state = DASH_ST_NEW;
	r.nick[0] = '\0';
	r.lag_ms = -1;
	strcpy(r.host, "fe80::1");
	r.chans[0] = '\0';
	dash_format_row(&l, &r, 66000, line, sizeof line);
	assert_non_null(strstr(line, "[fe80::1]:51234"));
	assert_non_null(strstr(line, " * "));
	assert_non_null(strstr(line, " unreg "));

	/* TLS connections are marked, and one mid-handshake says so. */
	r = sample_row();
	r.tls = true;
	dash_format_row(&l, &r, 66000, line, sizeof line);
	assert_non_null(strstr(line, " irc+tls "));
	r.mode = DASH_MODE_UNKNOWN;
	r.state = DASH_ST_HANDSHAKE;
	dash_format_row(&l, &r, 66000, line, sizeof line);
	assert_non_null(strstr(line, " unreg+tls "));
	assert_non_null(strstr(line, " handshake "));

	/* The account a connection is logged in as, "-" when none. */
	r = sample_row();
	dash_format_row(&l, &r, 66000, line, sizeof line);
	const char *col = strstr(hdr, " ACCOUNT ");
	assert_non_null(col);
	size_t at = (size_t)(col - hdr) + 1; /* ASCII up to there: bytes are columns */
	assert_memory_equal(line + at, "- ", 2);
	strcpy(r.account, "alice");
	dash_format_row(&l, &r, 66000, line, sizeof line);
	assert_memory_equal(line + at, "alice ", 6);
}

static void
test_row_hostile_text(void **state)
{
	struct dash_layout l;
	struct dash_row r = sample_row();
	char line[DASH_LINE_MAX];
	(void)state;

	use_utf8();
	strcpy(r.nick, "\x1b[2Jevil\x07");
	r.state = DASH_ST_CLOSED;
	r.closed_ms = 2000;
	strcpy(r.reason, "Quit: \x1b]0;owned\x07\xc2\x9b" "31m\x03" "4red");
	dash_layout(&l, 200);
	dash_format_row(&l, &r, 3000, line, sizeof line);
	assert_null(strchr(line, 0x1b));
	assert_null(strchr(line, 0x07));
	assert_null(strstr(line, "\xc2\x9b"));
	assert_non_null(strstr(line, "^[[2Jevil^G"));
	assert_non_null(strstr(line, "^[]0;owned^G<9b>31mred")); /* colour codes dropped */
	assert_int_equal(dash_width(line), 200);
}

static void
test_row_wide_nick_every_width(void **state)
{
	struct dash_layout l;
	struct dash_row r = sample_row();
	char line[DASH_LINE_MAX];
	(void)state;

	use_utf8();
	/* 10 CJK characters: 20 columns, wider than the nick column at most widths. */
	strcpy(r.nick, "\u65e5\u672c\u8a9e\u306e\u30cb\u30c3\u30af\u30cd\u30fc\u30e0");
	strcpy(r.chans, "#\u00e9t\u00e9,#\u4e2d\u6587");
	for (int w = 1; w <= 260; w++) {
		dash_layout(&l, w);
		dash_format_row(&l, &r, 66000, line, sizeof line);
		assert_int_equal(dash_width(line), w);
		dash_format_header(&l, DASH_COL_ID, line, sizeof line);
		assert_int_equal(dash_width(line), w);
	}
	dash_layout(&l, 200);
	dash_format_row(&l, &r, 66000, line, sizeof line);
	assert_non_null(strstr(line, r.nick)); /* wide enough: all of it */
	dash_layout(&l, 60);
	dash_format_row(&l, &r, 66000, line, sizeof line);
	assert_non_null(strstr(line, "\u65e5\u672c\u8a9e"));
	assert_non_null(strstr(line, "\u2026")); /* cut, and says so */
}

static void
test_sort(void **state)
{
	struct dash_row a = sample_row(), b = sample_row(), c = sample_row(), e = sample_row();
	struct dash_row *rows[] = { &a, &b, &c, &e };
	(void)state;

	a.id = 1, a.lines_in = 5, strcpy(a.nick, "zed");
	b.id = 2, b.lines_in = 50, strcpy(b.nick, "Bob");
	c.id = 3, c.lines_in = 50, strcpy(c.nick, "carol");
	e.id = 4, e.lines_in = 500, strcpy(e.nick, "ann"), e.state = DASH_ST_CLOSED;

	dash_sort(rows, 4, DASH_COL_LIN);
	assert_ptr_equal(rows[0], &b); /* biggest first, ties by id */
	assert_ptr_equal(rows[1], &c);
	assert_ptr_equal(rows[2], &a);
	assert_ptr_equal(rows[3], &e); /* closed ones after the open ones */
	dash_sort(rows, 4, DASH_COL_NICK);
	assert_ptr_equal(rows[0], &b); /* case-insensitive */
	assert_ptr_equal(rows[1], &c);
	assert_ptr_equal(rows[2], &a);
	dash_sort(rows, 4, DASH_COL_ID);
	assert_ptr_equal(rows[0], &a);
	assert_ptr_equal(rows[3], &e);
}

static void
test_log_ring(void **state)
{
	static struct dash_log lg;
	char text[32];
	int64_t wall;
	bool warn;
	(void)state;

	assert_null(dash_log_get(&lg, 0, NULL, NULL));
	for (int i = 0; i < DASH_LOG_LINES + 3; i++) {
		snprintf(text, sizeof text, "line %d", i);
		dash_log_add(&lg, 1000 + i, i % 2 == 0, text);
	}
	snprintf(text, sizeof text, "line %d", DASH_LOG_LINES + 2);
	assert_string_equal(dash_log_get(&lg, 0, &wall, &warn), text);
	assert_true(wall == 1000 + DASH_LOG_LINES + 2);
	assert_true(warn == ((DASH_LOG_LINES + 2) % 2 == 0));
	snprintf(text, sizeof text, "line %d", 3);
	assert_string_equal(dash_log_get(&lg, DASH_LOG_LINES - 1, NULL, NULL), text);
	assert_null(dash_log_get(&lg, DASH_LOG_LINES, NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates_from_deltas),
		cmocka_unit_test(test_rates_history_wraps),
		cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_fit_ascii),
		cmocka_unit_test(test_fit_wide),
		cmocka_unit_test(test_layout_widths),
		cmocka_unit_test(test_row_format),
		cmocka_unit_test(test_row_hostile_text),
		cmocka_unit_test(test_row_wide_nick_every_width),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_log_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
