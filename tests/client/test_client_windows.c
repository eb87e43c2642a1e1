/*
 * Unit tests for client/windows: the server window first and always there, windows opened
 * and found by name (IRC casemapping), closing, switching with wrap-around, activity marks
 * that rise until the window is shown, and the input line each window keeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/editor.h"
#include "client/windows.h"

static void
test_open_find_close(void **state)
{
	struct win_list l;
	(void)state;
	win_init(&l, 10);
	assert_int_equal(l.n, 1);
	assert_int_equal(win_current(&l)->kind, WIN_SERVER);
	assert_int_equal(win_open(&l, WIN_CHANNEL, "#lan"), 1);
	assert_int_equal(win_open(&l, WIN_QUERY, "Bob"), 2);
	/* Found again whatever the case. */
	assert_int_equal(win_open(&l, WIN_QUERY, "bob"), 2);
	assert_int_equal(win_find(&l, "#LAN"), 1);
	assert_int_equal(win_find(&l, "carol"), -1);
	/* The server window has no name to be found by, and cannot be opened twice or closed. */
	assert_int_equal(win_find(&l, ""), -1);
	assert_int_equal(win_open(&l, WIN_SERVER, "x"), -1);
	assert_int_equal(win_open(&l, WIN_QUERY, ""), -1);
	assert_false(win_close(&l, 0));
	assert_false(win_close(&l, 7));
	/* Closing the window shown shows the one before it; ids stay with their windows. */
	unsigned bob = win_get(&l, 2)->id;
	win_select(&l, 1);
	assert_true(win_close(&l, 1));
	assert_int_equal(l.n, 2);
	assert_int_equal(l.cur, 0);
	assert_int_equal(win_find_id(&l, bob), 1);
	/* Closing one before the window shown keeps the same window shown. */
	win_open(&l, WIN_CHANNEL, "#dev");
	win_select(&l, 2);
	win_close(&l, 1);
	assert_string_equal(win_current(&l)->name, "#dev");
	assert_int_equal(win_find_id(&l, bob), -1);
	win_free(&l);
}

static void
test_bounded(void **state)
{
	struct win_list l;
	char name[16];
	(void)state;
	win_init(&l, 2);
	for (int i = 1; i < WINDOWS_MAX; i++) {
		snprintf(name, sizeof name, "n%d", i);
		assert_int_equal(win_open(&l, WIN_QUERY, name), i);
	}
	assert_int_equal(win_open(&l, WIN_QUERY, "onemore"), -1);
	assert_int_equal(l.n, WINDOWS_MAX);
	/* An open one is still found. */
	assert_int_equal(win_open(&l, WIN_QUERY, "n5"), 5);
	win_free(&l);
}

static void
test_switch_and_marks(void **state)
{
	struct win_list l;
	(void)state;
	win_init(&l, 10);
	win_open(&l, WIN_CHANNEL, "#lan");
	win_open(&l, WIN_CHANNEL, "#dev");
	win_step(&l, -1);
	assert_int_equal(l.cur, 2);
	win_step(&l, 1);
	assert_int_equal(l.cur, 0);
	win_step(&l, 1);
	assert_int_equal(l.cur, 1);
	assert_false(win_select(&l, 3));
	assert_false(win_select(&l, -1));
	assert_int_equal(l.cur, 1);
	/* The window shown gets no mark; others rise, never fall, until shown. */
	win_mark(&l, 1, WIN_ACT_HIGHLIGHT);
	assert_int_equal(win_get(&l, 1)->act, WIN_ACT_NONE);
	win_mark(&l, 2, WIN_ACT_MSG);
	assert_int_equal(win_act_mark(win_get(&l, 2)->act), '+');
	win_mark(&l, 2, WIN_ACT_HIGHLIGHT);
	win_mark(&l, 2, WIN_ACT_EVENT);
	assert_int_equal(win_act_mark(win_get(&l, 2)->act), '!');
	assert_int_equal(win_act_mark(WIN_ACT_PRIVATE), '*');
	assert_int_equal(win_act_mark(WIN_ACT_EVENT), ' ');
	win_select(&l, 2);
	assert_int_equal(win_get(&l, 2)->act, WIN_ACT_NONE);
	/* A rename follows a nick, unless another window has that name. */
	win_open(&l, WIN_QUERY, "bob");
	win_rename(&l, 3, "robert");
	assert_int_equal(win_find(&l, "robert"), 3);
	win_rename(&l, 3, "#lan");
	assert_string_equal(win_get(&l, 3)->name, "robert");
	win_rename(&l, 3, "Robert");
	assert_string_equal(win_get(&l, 3)->name, "Robert");
	win_free(&l);
}

static void
test_input_kept(void **state)
{
	struct editor ed;
	struct ed_saved a = { 0 }, b = { 0 };
	(void)state;
	ed_init(&ed);
	ed_history_add(&ed, "first");
	ed_history_add(&ed, "second");
	ed_insert(&ed, 'h');
	ed_insert(&ed, 'i');
	ed_save(&ed, &a);
	assert_string_equal(ed_text(&ed), "");
	/* Browsing history in the other window, then back. */
	ed_key(&ed, ED_HIST_PREV);
	assert_string_equal(ed_text(&ed), "second");
	ed_save(&ed, &b);
	ed_restore(&ed, &a);
	assert_string_equal(ed_text(&ed), "hi");
	assert_null(a.text);
	ed_save(&ed, &a);
	ed_restore(&ed, &b);
	assert_string_equal(ed_text(&ed), "second");
	ed_key(&ed, ED_HIST_PREV);
	assert_string_equal(ed_text(&ed), "first");
	ed_saved_free(&a);
	ed_free(&ed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_find_close),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_switch_and_marks),
		cmocka_unit_test(test_input_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
