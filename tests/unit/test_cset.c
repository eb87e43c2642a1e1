/* Unit tests for common/cset: the dense sets the server walks each pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "common/cset.h"

struct item {
	int id;
	struct cset_link pending;
	struct cset_link dead;
};

static bool
contains(const struct cset *s, const struct item *it, size_t *times)
{
	*times = 0;
	for (size_t i = 0; i < cset_count(s); i++)
		if (CSET_ENTRY(cset_at(s, i), struct item, pending) == it)
			(*times)++;
	return *times > 0;
}

static void
test_add_twice_is_once(void **state)
{
	struct cset s;
	struct item a = { .id = 1 };
	size_t times;
	(void)state;

	cset_init(&s);
	assert_int_equal(cset_add(&s, &a.pending), 0);
	assert_int_equal(cset_add(&s, &a.pending), 0);
	assert_int_equal(cset_count(&s), 1);
	assert_true(cset_has(&s, &a.pending));
	assert_true(contains(&s, &a, &times));
	assert_int_equal(times, 1);
	cset_del(&a.pending);
	assert_false(cset_has(&s, &a.pending));
	assert_int_equal(cset_count(&s), 0);
	/* Removing what is in no set is harmless. */
	cset_del(&a.pending);
	cset_free(&s);
}

static void
test_links_are_independent(void **state)
{
	struct cset pend, dead;
	struct item a = { .id = 1 }, b = { .id = 2 };
	(void)state;

	cset_init(&pend);
	cset_init(&dead);
	cset_add(&pend, &a.pending);
	cset_add(&pend, &b.pending);
	cset_add(&dead, &a.dead);
	assert_int_equal(cset_count(&pend), 2);
	assert_int_equal(cset_count(&dead), 1);
	cset_del(&a.pending);
	assert_true(cset_has(&dead, &a.dead));
	assert_int_equal(CSET_ENTRY(cset_at(&pend, 0), struct item, pending)->id, 2);
	cset_free(&pend);
	cset_free(&dead);
}

static void
test_add_moves_between_sets(void **state)
{
	struct cset hot, cold;
	struct item a = { .id = 1 };
	(void)state;

	cset_init(&hot);
	cset_init(&cold);
	cset_add(&hot, &a.pending);
	cset_add(&cold, &a.pending);
	assert_int_equal(cset_count(&hot), 0);
	assert_int_equal(cset_count(&cold), 1);
	assert_true(cset_has(&cold, &a.pending));
	assert_false(cset_has(&hot, &a.pending));
	cset_free(&hot);
	cset_free(&cold);
	/* Freeing a set leaves its members in none. */
	assert_null(a.pending.set);
}

/* Removing while walking from the end visits every member once, whatever is removed. */
static void
test_remove_while_walking_backwards(void **state)
{
	enum { N = 1000 };
	struct item *items = calloc(N, sizeof *items);
	int visits[N] = { 0 };
	struct cset s;
	(void)state;

	cset_init(&s);
	assert_int_equal(cset_reserve(&s, N), 0);
	for (int i = 0; i < N; i++) {
		items[i].id = i;
		assert_int_equal(cset_add(&s, &items[i].pending), 0);
	}
	for (size_t i = cset_count(&s); i-- > 0;) {
		struct item *it = CSET_ENTRY(cset_at(&s, i), struct item, pending);
		visits[it->id]++;
		if (it->id % 3 != 0)
			cset_del(&it->pending);
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(visits[i], 1);
	assert_int_equal(cset_count(&s), (N + 2) / 3);
	/* Positions stay right after all that swapping. */
	for (size_t i = 0; i < cset_count(&s); i++)
		assert_int_equal(cset_at(&s, i)->pos, i);
	cset_free(&s);
	free(items);
}

/* Random adds and removes against a plain array of flags. */
static void
test_random_against_flags(void **state)
{
	enum { N = 200, OPS = 20000 };
	struct item items[N];
	bool in[N] = { false };
	struct cset s;
	size_t want = 0, times;
	(void)state;

	srand(17);
	cset_init(&s);
	for (int i = 0; i < N; i++)
		items[i] = (struct item){ .id = i };
	for (int k = 0; k < OPS; k++) {
		int i = rand() % N;
		if (rand() % 2) {
			assert_int_equal(cset_add(&s, &items[i].pending), 0);
			want += !in[i];
			in[i] = true;
		} else {
			cset_del(&items[i].pending);
			want -= in[i];
			in[i] = false;
		}
		assert_int_equal(cset_count(&s), want);
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(contains(&s, &items[i], &times), in[i]);
		assert_true(times <= 1);
	}
	cset_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_twice_is_once),
		cmocka_unit_test(test_links_are_independent),
		cmocka_unit_test(test_add_moves_between_sets),
		cmocka_unit_test(test_remove_while_walking_backwards),
		cmocka_unit_test(test_random_against_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
