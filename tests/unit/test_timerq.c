/* Unit tests for common/timerq: the deadline heap, driven by a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "common/timerq.h"

struct job {
	int id;
	struct tq_timer t;
	int fired;
};

static void
test_empty(void **state)
{
	struct tq q;
	(void)state;

	tq_init(&q);
	assert_int_equal(tq_next_due(&q), INT64_MAX);
	assert_null(tq_pop_due(&q, INT64_MAX));
	tq_free(&q);
}

static void
test_fires_in_order_when_due(void **state)
{
	struct tq q;
	struct job j[5];
	int64_t dues[5] = { 500, 100, 300, 100, 200 };
	int64_t now = 0;
	int order[5], n = 0;
	(void)state;

	tq_init(&q);
	for (int i = 0; i < 5; i++) {
		j[i] = (struct job){ .id = i };
		assert_int_equal(tq_set(&q, &j[i].t, dues[i]), 0);
	}
	assert_int_equal(tq_count(&q), 5);
	assert_int_equal(tq_next_due(&q), 100);
	/* Nothing is due before its time. */
	assert_null(tq_pop_due(&q, 99));
	for (now = 0; now <= 600; now += 50) {
		struct tq_timer *t;
		while ((t = tq_pop_due(&q, now)) != NULL) {
			struct job *jb = TQ_ENTRY(t, struct job, t);
			assert_true(jb->t.due <= now);
			assert_true(now - jb->t.due < 50); /* found in the first pass it was due */
			assert_false(tq_queued(&jb->t));
			order[n++] = jb->id;
		}
	}
	assert_int_equal(n, 5);
	for (int i = 1; i < 5; i++)
		assert_true(dues[order[i - 1]] <= dues[order[i]]);
	assert_int_equal(tq_count(&q), 0);
	tq_free(&q);
}

static void
test_move_and_cancel(void **state)
{
	struct tq q;
	struct job a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 };
	(void)state;

	tq_init(&q);
	tq_set(&q, &a.t, 100);
	tq_set(&q, &b.t, 200);
	tq_set(&q, &c.t, 300);
	/* Later: a no longer comes first. */
	tq_set(&q, &a.t, 1000);
	assert_int_equal(tq_next_due(&q), 200);
	/* Earlier: c comes first. */
	tq_set(&q, &c.t, 50);
	assert_int_equal(tq_next_due(&q), 50);
	tq_cancel(&q, &c.t);
	assert_false(tq_queued(&c.t));
	assert_int_equal(tq_next_due(&q), 200);
	tq_cancel(&q, &c.t); /* twice is harmless */
	assert_int_equal(tq_count(&q), 2);
	assert_ptr_equal(tq_pop_due(&q, 200), &b.t);
	assert_null(tq_pop_due(&q, 999));
	assert_ptr_equal(tq_pop_due(&q, 1000), &a.t);
	tq_free(&q);
}

static void
test_set_earlier_never_delays(void **state)
{
	struct tq q;
	struct job a = { .id = 1 };
	(void)state;

	tq_init(&q);
	tq_set_earlier(&q, &a.t, 500); /* not queued: queues it */
	assert_int_equal(tq_next_due(&q), 500);
	tq_set_earlier(&q, &a.t, 900);
	assert_int_equal(tq_next_due(&q), 500);
	tq_set_earlier(&q, &a.t, 200);
	assert_int_equal(tq_next_due(&q), 200);
	assert_int_equal(tq_count(&q), 1);
	tq_free(&q);
}

/*
 * A fake clock and random sets, moves and cancels of many timers: at every tick exactly the
 * timers a brute-force scan finds due fire, each once, none early.
 */
static void
test_random_against_scan(void **state)
{
	enum { N = 500, TICKS = 3000 };
	struct job *j = calloc(N, sizeof *j);
	int64_t *want = calloc(N, sizeof *want); /* due time, or -1 when not queued */
	struct tq q;
	(void)state;

	srand(10);
	tq_init(&q);
	for (int i = 0; i < N; i++) {
		j[i].id = i;
		want[i] = -1;
	}
	for (int64_t now = 0; now < TICKS; now++) {
		for (int k = 0; k < 5; k++) {
			int i = rand() % N;
			int op = rand() % 4;
			if (op == 3) {
				tq_cancel(&q, &j[i].t);
				want[i] = -1;
			} else {
				int64_t due = now + rand() % 200;
				assert_int_equal(tq_set(&q, &j[i].t, due), 0);
				want[i] = due;
			}
		}
		struct tq_timer *t;
		while ((t = tq_pop_due(&q, now)) != NULL) {
			struct job *jb = TQ_ENTRY(t, struct job, t);
			assert_int_equal(want[jb->id], jb->t.due);
			assert_true(jb->t.due <= now);
			want[jb->id] = -1;
		}
		size_t queued = 0;
		for (int i = 0; i < N; i++) {
			assert_true(want[i] == -1 || want[i] > now); /* nothing due was left */
			queued += want[i] != -1;
			assert_int_equal(tq_queued(&j[i].t), want[i] != -1);
		}
		assert_int_equal(tq_count(&q), queued);
	}
	tq_free(&q);
	free(j);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fires_in_order_when_due),
		cmocka_unit_test(test_move_and_cancel),
		cmocka_unit_test(test_set_earlier_never_delays),
		cmocka_unit_test(test_random_against_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
