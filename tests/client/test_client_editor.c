/* Unit tests for client/editor: UTF-8 editing, kills, history, completion, scrolling view. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/editor.h"

static void
type(struct editor *ed, const char *utf8)
{
	/* Feeds code points the way the terminal delivers them. */
	const unsigned char *p = (const unsigned char *)utf8;
	while (*p) {
		uint32_t cp;
		int n;
		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 3;
		} else {
			cp = *p & 0x07;
			n = 4;
		}
		for (int i = 1; i < n; i++)
			cp = (cp << 6) | (p[i] & 0x3f);
		assert_int_equal(ed_insert(ed, cp), ED_OK);
		p += n;
	}
}

static void
test_insert_and_move_utf8(void **state)
{
	struct editor ed;
	(void)state;
	ed_init(&ed);
	type(&ed, "héllo 世界");
	assert_string_equal(ed_text(&ed), "héllo 世界");
	/* Left twice steps over two three-byte characters. */
	ed_key(&ed, ED_LEFT);
	ed_key(&ed, ED_LEFT);
	assert_int_equal(ed.cur, strlen("héllo "));
	type(&ed, "x");
	assert_string_equal(ed_text(&ed), "héllo x世界");
	ed_key(&ed, ED_HOME);
	ed_key(&ed, ED_RIGHT);
	ed_key(&ed, ED_RIGHT);
	/* Backspace removes the whole two-byte é. */
	ed_key(&ed, ED_BACKSPACE);
	assert_string_equal(ed_text(&ed), "hllo x世界");
	ed_key(&ed, ED_END);
	ed_key(&ed, ED_BACKSPACE);
	assert_string_equal(ed_text(&ed), "hllo x世");
	assert_int_equal(ed_key(&ed, ED_DELETE), ED_REFUSED);
	ed_key(&ed, ED_HOME);
	assert_int_equal(ed_key(&ed, ED_BACKSPACE), ED_REFUSED);
	ed_key(&ed, ED_DELETE);
	assert_string_equal(ed_text(&ed), "llo x世");
	ed_free(&ed);
}

static void
test_controls_refused(void **state)
{
	struct editor ed;
	(void)state;
	ed_init(&ed);
	assert_int_equal(ed_insert(&ed, 0x1b), ED_REFUSED);
	assert_int_equal(ed_insert(&ed, 0x7f), ED_REFUSED);
	assert_int_equal(ed_insert(&ed, 0x9b), ED_REFUSED);
	assert_int_equal(ed_insert(&ed, 0xd800), ED_REFUSED);
	assert_int_equal(ed.len, 0);
	ed_free(&ed);
}

static void
test_kills(void **state)
{
	struct editor ed;
	(void)state;
	ed_init(&ed);
	type(&ed, "one two  three");
	ed_key(&ed, ED_KILL_WORD);
	assert_string_equal(ed_text(&ed), "one two  ");
	ed_key(&ed, ED_KILL_WORD);
	assert_string_equal(ed_text(&ed), "one ");
	ed_key(&ed, ED_LEFT);
	ed_key(&ed, ED_LEFT);
	ed_key(&ed, ED_KILL_END);
	assert_string_equal(ed_text(&ed), "on");
	ed_key(&ed, ED_LEFT);
	ed_key(&ed, ED_KILL_START);
	assert_string_equal(ed_text(&ed), "n");
	assert_int_equal(ed.cur, 0);
	ed_free(&ed);
}

static void
test_full_buffer(void **state)
{
	struct editor ed;
	(void)state;
	ed_init(&ed);
	for (int i = 0; i < INPUT_MAX; i++)
		assert_int_equal(ed_insert(&ed, 'a'), ED_OK);
	assert_int_equal(ed_insert(&ed, 'b'), ED_REFUSED);
	assert_int_equal(ed_insert(&ed, 0x4e16), ED_REFUSED);
	assert_int_equal(ed.len, INPUT_MAX);
	ed_free(&ed);
}

static void
test_history(void **state)
{
	struct editor ed;
	(void)state;
	ed_init(&ed);
	ed_history_add(&ed, "first");
	ed_history_add(&ed, "second");
	ed_history_add(&ed, "second"); /* duplicate, kept once */
	ed_history_add(&ed, "");
	assert_int_equal(ed.nhist, 2);
	type(&ed, "draft");
	assert_int_equal(ed_key(&ed, ED_HIST_PREV), ED_OK);
	assert_string_equal(ed_text(&ed), "second");
	ed_key(&ed, ED_HIST_PREV);
	assert_string_equal(ed_text(&ed), "first");
	assert_int_equal(ed_key(&ed, ED_HIST_PREV), ED_REFUSED);
	ed_key(&ed, ED_HIST_NEXT);
	ed_key(&ed, ED_HIST_NEXT);
	assert_string_equal(ed_text(&ed), "draft");
	assert_int_equal(ed_key(&ed, ED_HIST_NEXT), ED_REFUSED);
	ed_free(&ed);
}

static void
test_history_bounded(void **state)
{
	struct editor ed;
	char line[16];
	(void)state;
	ed_init(&ed);
	for (int i = 0; i < HISTORY_MAX + 10; i++) {
		snprintf(line, sizeof line, "l%d", i);
		ed_history_add(&ed, line);
	}
	assert_int_equal(ed.nhist, HISTORY_MAX);
	assert_string_equal(ed.hist[0], "l10");
	ed_free(&ed);
}

static void
test_complete_cycles(void **state)
{
	struct editor ed;
	const char *nicks[] = { "alice", "Albert", "bob" };
	(void)state;
	ed_init(&ed);
	type(&ed, "al");
	assert_int_equal(ed_complete(&ed, nicks, 3, ": "), ED_OK);
	assert_string_equal(ed_text(&ed), "alice: ");
	assert_int_equal(ed_complete(&ed, nicks, 3, ": "), ED_OK);
	assert_string_equal(ed_text(&ed), "Albert: ");
	assert_int_equal(ed_complete(&ed, nicks, 3, ": "), ED_OK);
	assert_string_equal(ed_text(&ed), "alice: ");
	/* Mid-line completions end with a plain space. */
	type(&ed, "hi B");
	assert_int_equal(ed_complete(&ed, nicks, 3, ": "), ED_OK);
	assert_string_equal(ed_text(&ed), "alice: hi bob ");
	type(&ed, "zz");
	assert_int_equal(ed_complete(&ed, nicks, 3, ": "), ED_REFUSED);
	ed_free(&ed);
}

/* Names from the network that are not valid UTF-8 (or hold controls) are never completed. */
static void
test_complete_skips_bad_utf8(void **state)
{
	static const char *const cands[] = {
		"#b\xff\xfe", "#bad\xc3", "#b\x1b[2J", "#b\xc2\x9b", "#b x", "#b\xe4\xb8",
		"#b\xc3\xa9t\xc3\xa9",
	};
	struct editor ed;
	(void)state;
	ed_init(&ed);
	type(&ed, "hi #b");
	for (int i = 0; i < 5; i++) {
		assert_int_equal(ed_complete(&ed, cands, 7, ": "), ED_OK);
		assert_string_equal(ed_text(&ed), "hi #b\xc3\xa9t\xc3\xa9 ");
	}
	ed_free(&ed);
	ed_init(&ed);
	type(&ed, "#bad");
	assert_int_equal(ed_complete(&ed, cands, 6, ": "), ED_REFUSED);
	assert_string_equal(ed_text(&ed), "#bad");
	ed_free(&ed);
}

static void
test_view_keeps_cursor_visible(void **state)
{
	struct editor ed;
	int col;
	(void)state;
	ed_init(&ed);
	type(&ed, "short");
	assert_int_equal(ed_view(&ed, 20, &col), 0);
	assert_int_equal(col, 5);
	ed_clear(&ed);
	for (int i = 0; i < 30; i++)
		type(&ed, "世");
	size_t start = ed_view(&ed, 20, &col);
	assert_true(start > 0);
	assert_true(col < 20);
	/* The window starts on a character boundary and ends at the cursor. */
	assert_int_equal(start % 3, 0);
	assert_int_equal(col, (int)(ed.cur - start) / 3 * 2);
	ed_free(&ed);
}

int
main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_and_move_utf8),
		cmocka_unit_test(test_controls_refused),
		cmocka_unit_test(test_kills),
		cmocka_unit_test(test_full_buffer),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_history_bounded),
		cmocka_unit_test(test_complete_cycles),
		cmocka_unit_test(test_complete_skips_bad_utf8),
		cmocka_unit_test(test_view_keeps_cursor_visible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
