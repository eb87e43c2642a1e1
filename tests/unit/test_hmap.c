/* Unit tests for common/hmap: the open-addressing string map with backward-shift deletion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/hmap.h"

enum { NKEYS = 5000, KEYLEN = 16 };

struct item {
	char key[KEYLEN];
	bool present;
	bool seen;
};

static struct item items[NKEYS];

static void
make_keys(void)
{
	for (int i = 0; i < NKEYS; i++) {
		snprintf(items[i].key, KEYLEN, "k%d", i);
		items[i].present = items[i].seen = false;
	}
}

/* Every present item is found with its own value and every absent one is not. */
static void
check_all(const struct hmap *m)
{
	size_t want = 0;
	for (int i = 0; i < NKEYS; i++) {
		void *v = hmap_get(m, items[i].key);
		if (items[i].present) {
			assert_ptr_equal(v, &items[i]);
			want++;
		} else {
			assert_null(v);
		}
	}
	assert_int_equal(m->len, want);
}

static void
test_empty_map(void **state)
{
	struct hmap m;
	size_t pos = 0;
	(void)state;

	hmap_init(&m);
	assert_null(hmap_get(&m, "nothing"));
	assert_null(hmap_del(&m, "nothing"));
	assert_null(hmap_next(&m, &pos));
	hmap_free(&m);
}

static void
test_put_get_replace(void **state)
{
	struct hmap m;
	int a = 1, b = 2;
	char key1[] = "alice", key2[] = "alice";
	(void)state;

	hmap_init(&m);
	assert_int_equal(hmap_put(&m, key1, &a), 0);
	assert_ptr_equal(hmap_get(&m, "alice"), &a);
	assert_null(hmap_get(&m, "Alice")); /* exact keys; callers casefold first */
	assert_null(hmap_get(&m, "alic"));
	assert_null(hmap_get(&m, ""));
	/* Replacing keeps one entry and adopts the new key storage. */
	assert_int_equal(hmap_put(&m, key2, &b), 0);
	assert_int_equal(m.len, 1);
	assert_ptr_equal(hmap_get(&m, "alice"), &b);
	key1[0] = 'X';
	assert_ptr_equal(hmap_get(&m, "alice"), &b);
	assert_ptr_equal(hmap_del(&m, "alice"), &b);
	assert_int_equal(m.len, 0);
	assert_null(hmap_get(&m, "alice"));
	hmap_free(&m);
}

static void
test_many_keys(void **state)
{
	struct hmap m;
	(void)state;

	make_keys();
	hmap_init(&m);
	for (int i = 0; i < NKEYS; i++) {
		assert_int_equal(hmap_put(&m, items[i].key, &items[i]), 0);
		items[i].present = true;
	}
	check_all(&m);
	/* The table grew but kept its load factor below 3/4. */
	assert_true(m.len * 4 <= m.cap * 3);
	assert_int_equal(m.cap & (m.cap - 1), 0);
	hmap_free(&m);
	assert_int_equal(m.len, 0);
}

static void
test_delete_patterns(void **state)
{
	struct hmap m;
	(void)state;

	/* Delete every third key, then every other remaining, re-checking everything each time. */
	make_keys();
	hmap_init(&m);
	for (int i = 0; i < NKEYS; i++) {
		assert_int_equal(hmap_put(&m, items[i].key, &items[i]), 0);
		items[i].present = true;
	}
	for (int i = 0; i < NKEYS; i += 3) {
		assert_ptr_equal(hmap_del(&m, items[i].key), &items[i]);
		items[i].present = false;
		assert_null(hmap_del(&m, items[i].key));
	}
	check_all(&m);
	for (int i = 1; i < NKEYS; i += 2) {
		void *v = hmap_del(&m, items[i].key);
		assert_ptr_equal(v, items[i].present ? &items[i] : NULL);
		items[i].present = false;
	}
	check_all(&m);
	/* Put some back. */
	for (int i = 0; i < NKEYS; i += 5) {
		assert_int_equal(hmap_put(&m, items[i].key, &items[i]), 0);
		items[i].present = true;
	}
	check_all(&m);
	hmap_free(&m);
}

/*
 * Finds keys whose home slot in a 16-slot table (the first size) is home, so that probe
 * chains, including ones that wrap around the end of the table, can be built on purpose.
 */
static int
keys_with_home(size_t home, int want, int *out)
{
	int found = 0;
	for (int i = 0; i < NKEYS && found < want; i++) {
		struct hmap one;
		hmap_init(&one);
		assert_int_equal(hmap_put(&one, items[i].key, &items[i]), 0);
		assert_int_equal(one.cap, 16);
		for (size_t s = 0; s < one.cap; s++)
			if (one.tab[s].key != NULL && (one.tab[s].hash & (one.cap - 1)) == home)
				out[found++] = i;
		hmap_free(&one);
	}
	return found;
}

static void
test_deletion_chains_wrap(void **state)
{
	int last[3], first[3];
	struct hmap m;
	(void)state;

	make_keys();
	/* Three keys homed in the last slot and three in slot 0 of a 16-slot table. */
	assert_int_equal(keys_with_home(15, 3, last), 3);
	assert_int_equal(keys_with_home(0, 3, first), 3);
	for (int order = 0; order < 6; order++) {
		hmap_init(&m);
		for (int i = 0; i < NKEYS; i++)
			items[i].present = false;
		for (int k = 0; k < 3; k++) {
			assert_int_equal(hmap_put(&m, items[last[k]].key, &items[last[k]]), 0);
			items[last[k]].present = true;
		}
		for (int k = 0; k < 3; k++) {
			assert_int_equal(hmap_put(&m, items[first[k]].key, &items[first[k]]), 0);
			items[first[k]].present = true;
		}
		assert_int_equal(m.cap, 16);
		/* Delete the six keys in a different order each round; check after each one. */
		int seq[6] = { last[0], last[1], last[2], first[0], first[1], first[2] };
		for (int k = 0; k < 6; k++) {
			int idx = seq[(k + order) % 6];
			assert_ptr_equal(hmap_del(&m, items[idx].key), &items[idx]);
			items[idx].present = false;
			check_all(&m);
		}
		hmap_free(&m);
	}
}

static void
test_random_operations(void **state)
{
	struct hmap m;
	uint32_t x = 99;
	(void)state;

	/* A long pseudo-random mix of puts and deletes against a shadow table. */
	make_keys();
	hmap_init(&m);
	for (int step = 0; step < 60000; step++) {
		x = x * 1664525u + 1013904223u;
		int i = (int)((x >> 8) % 300);
		if ((x >> 28) & 1) {
			assert_int_equal(hmap_put(&m, items[i].key, &items[i]), 0);
			items[i].present = true;
		} else {
			void *v = hmap_del(&m, items[i].key);
			assert_ptr_equal(v, items[i].present ? &items[i] : NULL);
			items[i].present = false;
		}
		if (step % 1000 == 0)
			check_all(&m);
	}
	check_all(&m);
	hmap_free(&m);
}

static void
test_iteration(void **state)
{
	struct hmap m;
	size_t pos = 0, count = 0;
	struct item *it;
	(void)state;

	make_keys();
	hmap_init(&m);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(hmap_put(&m, items[i].key, &items[i]), 0);
		items[i].present = true;
	}
	for (int i = 0; i < 1000; i += 4) {
		hmap_del(&m, items[i].key);
		items[i].present = false;
	}
	/* Every remaining value exactly once, and nothing else. */
	while ((it = hmap_next(&m, &pos)) != NULL) {
		assert_true(it >= items && it < items + NKEYS);
		assert_true(it->present);
		assert_false(it->seen);
		it->seen = true;
		count++;
		assert_true(count <= m.len);
	}
	assert_int_equal(count, m.len);
	assert_int_equal(count, 750);
	/* The end stays the end. */
	assert_null(hmap_next(&m, &pos));
	hmap_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_map),
		cmocka_unit_test(test_put_get_replace),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_delete_patterns),
		cmocka_unit_test(test_deletion_chains_wrap),
		cmocka_unit_test(test_random_operations),
		cmocka_unit_test(test_iteration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
