/* Unit tests for client/scrollback: sanitising on entry, wrapping by display width, the ring. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/scrollback.h"

static const char *
row_text(const char *text, const struct sb_row *r, char *buf, size_t cap)
{
	size_t n = r->len < cap - 1 ? r->len : cap - 1;
	memcpy(buf, text + r->off, n);
	buf[n] = '\0';
	return buf;
}

static void
test_sanitised_on_entry(void **state)
{
	struct scrollback sb;
	(void)state;
	sb_init(&sb, 10);
	sb_add(&sb, 0, SB_MSG, 0, NULL, "ev\x1bil",
	    "\x1b]0;title\x07\x1b[2J \xc2\x9b \xff end\x7f");
	const struct sb_line *l = sb_get(&sb, 0);
	assert_non_null(l);
	assert_null(strchr(l->text, 0x1b));
	assert_null(strchr(l->text, 0x07));
	assert_null(strchr(l->text, 0x7f));
	assert_non_null(strstr(l->text, "<ev^[il> "));
	assert_non_null(strstr(l->text, "^[]0;title^G^[[2J"));
	assert_non_null(strstr(l->text, "<9b>"));
	assert_non_null(strstr(l->text, "\xef\xbf\xbd end^?"));
	/* The nick range points at the nick. */
	assert_memory_equal(l->text + l->nick_off, "ev^[il", l->nick_len);
	sb_free(&sb);
}

static void
test_wrap_ascii_words(void **state)
{
	struct sb_row rows[8];
	char buf[64];
	(void)state;
	const char *t = "the quick brown fox jumps";
	int n = sb_wrap(t, 10, 0, rows, 8);
	assert_int_equal(n, 3);
	assert_string_equal(row_text(t, &rows[0], buf, sizeof buf), "the quick ");
	assert_string_equal(row_text(t, &rows[1], buf, sizeof buf), "brown fox ");
	assert_string_equal(row_text(t, &rows[2], buf, sizeof buf), "jumps");
	/* No space in reach: a hard break. */
	n = sb_wrap("abcdefghijkl", 5, 0, rows, 8);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].len, 5);
	assert_int_equal(rows[2].len, 2);
	/* A row that fills up just before a space: the next row does not start with it. */
	t = "abcdefghij klm  nopqrstuvw";
	n = sb_wrap(t, 10, 0, rows, 8);
	assert_int_equal(n, 3);
	assert_string_equal(row_text(t, &rows[0], buf, sizeof buf), "abcdefghij");
	assert_string_equal(row_text(t, &rows[1], buf, sizeof buf), "klm  ");
	assert_string_equal(row_text(t, &rows[2], buf, sizeof buf), "nopqrstuvw");
	/* Nor after a hard break. */
	t = "aaaaaaaaaaaaaaa b";
	n = sb_wrap(t, 10, 0, rows, 8);
	assert_int_equal(n, 2);
	assert_string_equal(row_text(t, &rows[1], buf, sizeof buf), "aaaaa b");
	/* Empty text is one empty row. */
	assert_int_equal(sb_wrap("", 10, 0, rows, 8), 1);
	assert_int_equal(rows[0].len, 0);
}

static void
test_wrap_wide_chars(void **state)
{
	struct sb_row rows[8];
	(void)state;
	/* Five CJK characters, two columns each: 10 columns. */
	const char *t = "世界世界世";
	assert_int_equal(sb_width(t, strlen(t)), 10);
	int n = sb_wrap(t, 5, 0, rows, 8);
	/* Two per row; a wide character never straddles the edge. */
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++) {
		assert_int_equal(rows[i].off % 3, 0);
		assert_true(sb_width(t + rows[i].off, rows[i].len) <= 5);
	}
	assert_int_equal(rows[0].len, 6);
	/* Combining marks take no column. */
	assert_int_equal(sb_width("e\xcc\x81", 3), 1);
	/* Width 1 still makes progress with a wide character. */
	n = sb_wrap("世界", 1, 0, rows, 8);
	assert_int_equal(n, 2);
}

static void
test_wrap_indent(void **state)
{
	struct sb_row rows[8];
	(void)state;
	/* Rows after the first have width - indent columns. */
	int n = sb_wrap("aaaaaaaaaabbbbbbbbcccccccc", 10, 2, rows, 8);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].len, 10);
	assert_int_equal(rows[1].len, 8);
	assert_int_equal(rows[2].len, 8);
}

static void
test_ring_bounded(void **state)
{
	struct scrollback sb;
	char text[16];
	(void)state;
	sb_init(&sb, 3);
	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof text, "m%d", i);
		sb_add(&sb, 0, SB_INFO, 0, NULL, NULL, text);
	}
	assert_int_equal(sb.len, 3);
	assert_non_null(strstr(sb_get(&sb, 0)->text, "m2"));
	assert_non_null(strstr(sb_get(&sb, 2)->text, "m4"));
	assert_null(sb_get(&sb, 3));
	sb_clear(&sb);
	assert_int_equal(sb.len, 0);
	sb_free(&sb);
}

static void
test_scrolled_view_stays(void **state)
{
	struct scrollback sb;
	(void)state;
	sb_init(&sb, 100);
	sb.width = 80;
	sb_add(&sb, 0, SB_INFO, 0, NULL, NULL, "one");
	sb_scroll(&sb, 5);
	sb_add(&sb, 0, SB_INFO, 0, NULL, NULL, "two");
	/* One more row below the view: the view moved up by one to stay put. */
	assert_int_equal(sb.scroll, 6);
	assert_int_equal(sb.unread, 1);
	sb_scroll(&sb, -100);
	assert_int_equal(sb.scroll, 0);
	assert_int_equal(sb.unread, 0);
	sb_free(&sb);
}

/* Fitting the view, not drawing it, pulls a scroll past the oldest line back. */
static void
test_fit_view_clamps(void **state)
{
	struct scrollback sb;
	(void)state;

	sb_init(&sb, 100);
	for (int i = 0; i < 3; i++)
		sb_add(&sb, 0, SB_INFO, 0, NULL, NULL, "a line");
	sb.scroll = 50;
	sb.unread = 2;
	assert_int_equal(sb_fit_view(&sb, 0, 80, 10), 3);
	assert_int_equal(sb.scroll, 0);
	assert_int_equal(sb.unread, 0);
	assert_int_equal(sb.width, 80);
	for (int i = 0; i < 20; i++)
		sb_add(&sb, 0, SB_INFO, 0, NULL, NULL, "more");
	sb.scroll = 100;
	sb.unread = 2;
	assert_int_equal(sb_fit_view(&sb, 0, 80, 10), 23);
	assert_int_equal(sb.scroll, 13); /* the oldest line at the top of the pane */
	assert_int_equal(sb.unread, 2);
	sb.scroll = 5; /* within reach: left alone */
	sb_fit_view(&sb, 0, 80, 10);
	assert_int_equal(sb.scroll, 5);
	sb_free(&sb);
}

static void
test_kinds_format(void **state)
{
	struct scrollback sb;
	(void)state;
	sb_init(&sb, 10);
	sb_add(&sb, 0, SB_ACTION, 0, "#other", "bob", "waves");
	sb_add(&sb, 0, SB_PRIVATE, SB_OUTGOING, NULL, "carol", "psst");
	sb_add(&sb, 0, SB_WIRE_IN, 0, NULL, NULL, "PING :x");
	assert_non_null(strstr(sb_get(&sb, 0)->text, "[#other] * bob waves"));
	assert_non_null(strstr(sb_get(&sb, 1)->text, "-> *carol* psst"));
	assert_non_null(strstr(sb_get(&sb, 2)->text, "\xe2\x86\x90 PING :x"));
	sb_free(&sb);
}

/* The bodies of sb's lines (text after the stamp), joined with '|'. */
static const char *
bodies(const struct scrollback *sb, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sb->len && o < cap; i++) {
		const struct sb_line *l = sb_get(sb, i);
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? "|" : "", l->text + l->body_off);
	}
	return buf;
}

static void
test_insert_anywhere(void **state)
{
	struct scrollback sb;
	char buf[256];
	(void)state;
	sb_init(&sb, 6);
	sb_add(&sb, 10, SB_INFO, 0, NULL, NULL, "b");
	sb_add(&sb, 20, SB_INFO, 0, NULL, NULL, "d");
	/* At the front, in the middle (either half moves), at the end. */
	assert_non_null(sb_insert(&sb, 0, 5, SB_INFO, 0, NULL, NULL, "a"));
	assert_non_null(sb_insert(&sb, 2, 15, SB_INFO, 0, NULL, NULL, "c"));
	assert_non_null(sb_insert(&sb, 4, 25, SB_INFO, 0, NULL, NULL, "e"));
	assert_non_null(sb_insert(&sb, 1, 7, SB_INFO, 0, NULL, NULL, "a2"));
	assert_string_equal(bodies(&sb, buf, sizeof buf), "a|a2|b|c|d|e");
	/* Full: a new line drops the oldest, and one that would be older still is dropped. */
	assert_null(sb_insert(&sb, 0, 1, SB_INFO, 0, NULL, NULL, "zero"));
	assert_non_null(sb_insert(&sb, 4, 16, SB_INFO, 0, NULL, NULL, "c2"));
	assert_string_equal(bodies(&sb, buf, sizeof buf), "a2|b|c|c2|d|e");
	assert_int_equal(sb.len, 6);
	/* Serials stay unique, and find their lines wherever they moved. */
	for (size_t i = 0; i < sb.len; i++)
		assert_int_equal(sb_index_of(&sb, sb_get(&sb, i)->serial), (long)i);
	assert_int_equal(sb_index_of(&sb, 9999), -1);
	sb_free(&sb);
}

static void
test_time_slot(void **state)
{
	struct scrollback sb;
	(void)state;
	sb_init(&sb, 10);
	sb_add(&sb, 10, SB_INFO, 0, NULL, NULL, "x");
	sb_add(&sb, 20, SB_INFO, 0, NULL, NULL, "y");
	sb_add(&sb, 20, SB_INFO, 0, NULL, NULL, "z");
	sb_add(&sb, 30, SB_INFO, 0, NULL, NULL, "w");
	assert_int_equal(sb_get(&sb, 1)->ms, 20000);
	assert_int_equal(sb_time_slot(&sb, 5000), 0);
	assert_int_equal(sb_time_slot(&sb, 20000), 3);        /* after lines of its time */
	assert_int_equal(sb_time_slot_before(&sb, 20000), 1); /* or before them */
	assert_int_equal(sb_time_slot(&sb, 25000), 3);
	assert_int_equal(sb_time_slot(&sb, 99000), 4);
	sb_free(&sb);
}

static void
test_match(void **state)
{
	struct scrollback sb;
	(void)state;
	sb_init(&sb, 10);
	/* A line as the log gives it back, and one as shown live. */
	sb_add(&sb, 100, SB_LOG, SB_RESTORED, NULL, NULL, "<bob> hi");
	sb_add(&sb, 200, SB_OWN, 0, NULL, "alice", "hello");
	sb_add(&sb, 205, SB_OWN, 0, NULL, "alice", "hello");
	assert_int_equal(sb_match(&sb, 100, 0, SB_MSG, 0, NULL, "bob", "hi"), 0);
	assert_int_equal(sb_match(&sb, 101, 0, SB_MSG, 0, NULL, "bob", "hi"), -1);
	assert_int_equal(sb_match(&sb, 100, 0, SB_MSG, 0, NULL, "bob", "hi!"), -1);
	assert_int_equal(sb_match(&sb, 100, 0, SB_ACTION, 0, NULL, "bob", "hi"), -1);
	/* The closest in time within the slack; a line with an id is taken already. */
	assert_int_equal(sb_match(&sb, 204, 30, SB_OWN, 0, NULL, "alice", "hello"), 2);
	sb_at(&sb, 2)->id = 7;
	assert_int_equal(sb_match(&sb, 204, 30, SB_OWN, 0, NULL, "alice", "hello"), 1);
	assert_int_equal(sb_match(&sb, 260, 30, SB_OWN, 0, NULL, "alice", "hello"), -1);
	sb_free(&sb);
}

static void
test_top_shown(void **state)
{
	struct scrollback sb;
	(void)state;
	sb_init(&sb, 100);
	for (int i = 0; i < 3; i++)
		sb_add(&sb, 0, SB_INFO, 0, NULL, NULL, "short");
	sb_fit_view(&sb, 0, 80, 10);
	assert_true(sb.top_shown);
	for (int i = 0; i < 20; i++)
		sb_add(&sb, 0, SB_INFO, 0, NULL, NULL, "more");
	sb_fit_view(&sb, 0, 80, 10);
	assert_false(sb.top_shown);
	sb_scroll(&sb, 100);
	sb_fit_view(&sb, 0, 80, 10);
	assert_true(sb.top_shown);
	sb_free(&sb);
}

static void
test_insert_keeps_scrolled_view(void **state)
{
	struct scrollback sb;
	(void)state;
	sb_init(&sb, 100);
	for (int i = 0; i < 30; i++)
		sb_add(&sb, i, SB_INFO, 0, NULL, NULL, "line");
	sb_fit_view(&sb, 0, 80, 10);
	sb_scroll(&sb, 5);
	/* Below the view: the view moves up with it. Above it: the view stays. */
	sb_insert(&sb, 28, 27, SB_INFO, 0, NULL, NULL, "late");
	assert_int_equal(sb.scroll, 6);
	assert_int_equal(sb.unread, 1);
	sb_insert(&sb, 0, 0, SB_INFO, 0, NULL, NULL, "old");
	assert_int_equal(sb.scroll, 6);
	sb_free(&sb);
}

int
main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitised_on_entry),
		cmocka_unit_test(test_fit_view_clamps),
		cmocka_unit_test(test_wrap_ascii_words),
		cmocka_unit_test(test_wrap_wide_chars),
		cmocka_unit_test(test_wrap_indent),
		cmocka_unit_test(test_ring_bounded),
		cmocka_unit_test(test_scrolled_view_stays),
		cmocka_unit_test(test_kinds_format),
		cmocka_unit_test(test_insert_anywhere),
		cmocka_unit_test(test_time_slot),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_top_shown),
		cmocka_unit_test(test_insert_keeps_scrolled_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
