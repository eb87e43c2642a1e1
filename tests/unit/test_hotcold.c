/* Unit tests for common/hotcold: the hot and cold sets, with a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "common/hotcold.h"

enum { AFTER = 5000, EVERY = 10 };

struct peer {
	int id;
	struct hc_member m;
	bool busy; /* something in flight: the owner keeps it hot */
	int64_t said_ms;   /* when it last said something (0: nothing waiting) */
};

static void
test_new_member_is_hot(void **state)
{
	struct hc h;
	struct peer p = { .id = 1 };
	(void)state;

	hc_init(&h, AFTER, EVERY, 0);
	assert_int_equal(hc_add(&h, &p.m, 100), 0);
	assert_int_equal(hc_hot_count(&h), 1);
	assert_int_equal(hc_cold_count(&h), 0);
	assert_false(hc_is_cold(&h, &p.m));
	assert_false(hc_silent(&h, &p.m, 100 + AFTER - 1));
	assert_true(hc_silent(&h, &p.m, 100 + AFTER));
	hc_remove(&h, &p.m);
	assert_int_equal(hc_hot_count(&h), 0);
	hc_free(&h);
}

static void
test_cool_then_activity_heats(void **state)
{
	struct hc h;
	struct peer p = { .id = 1 };
	(void)state;

	hc_init(&h, AFTER, EVERY, 0);
	hc_add(&h, &p.m, 0);
	hc_cool(&h, &p.m);
	assert_true(hc_is_cold(&h, &p.m));
	assert_int_equal(hc_cold_count(&h), 1);
	assert_int_equal(hc_hot_count(&h), 0);
	hc_cool(&h, &p.m); /* twice is harmless */
	assert_int_equal(hc_cold_count(&h), 1);
	hc_activity(&h, &p.m, 7000);
	assert_false(hc_is_cold(&h, &p.m));
	assert_int_equal(h.warmed, 1);
	/* Activity starts the silence over. */
	assert_false(hc_silent(&h, &p.m, 7000 + AFTER - 1));
	hc_free(&h);
}

static void
test_heat_keeps_the_silence(void **state)
{
	struct hc h;
	struct peer p = { .id = 1 };
	(void)state;

	hc_init(&h, AFTER, EVERY, 0);
	hc_add(&h, &p.m, 0);
	hc_cool(&h, &p.m);
	hc_heat(&h, &p.m);
	assert_false(hc_is_cold(&h, &p.m));
	/* Output waiting is no sign of life from the peer: it may cool again at once. */
	assert_true(hc_silent(&h, &p.m, AFTER));
	hc_heat(&h, &p.m); /* already hot: nothing changes */
	assert_int_equal(h.warmed, 1);
	hc_free(&h);
}

static void
test_remove_from_cold(void **state)
{
	struct hc h;
	struct peer a = { .id = 1 }, b = { .id = 2 };
	(void)state;

	hc_init(&h, AFTER, EVERY, 0);
	hc_add(&h, &a.m, 0);
	hc_add(&h, &b.m, 0);
	hc_cool(&h, &a.m);
	hc_remove(&h, &a.m);
	assert_int_equal(hc_cold_count(&h), 0);
	assert_int_equal(hc_hot_count(&h), 1);
	assert_ptr_equal(hc_hot_at(&h, 0), &b.m);
	hc_free(&h);
}

static void
test_cold_poll_schedule(void **state)
{
	struct hc h;
	struct peer p = { .id = 1 };
	(void)state;

	hc_init(&h, AFTER, EVERY, 0);
	hc_add(&h, &p.m, 0);
	/* Nothing cold: never due, and no bound on the hot poll. */
	assert_false(hc_cold_due(&h, 1000000));
	assert_int_equal(hc_cold_wait(&h, 1000000), INT64_MAX);
	hc_cool(&h, &p.m);
	assert_true(hc_cold_due(&h, 6000));
	hc_cold_polled(&h, 6000);
	assert_false(hc_cold_due(&h, 6000 + EVERY - 1));
	assert_int_equal(hc_cold_wait(&h, 6000), EVERY);
	assert_int_equal(hc_cold_wait(&h, 6004), EVERY - 4);
	assert_true(hc_cold_due(&h, 6000 + EVERY));
	assert_int_equal(hc_cold_wait(&h, 6000 + EVERY + 3), 0);
	assert_int_equal(h.cold_polls, 1);
	hc_free(&h);
}

/*
 * A loop as the server runs it, one pass per fake millisecond: the owner walks the hot set
 * from the end and cools silent members with nothing in flight, polls the cold set when it
 * is due, and a member that says something is seen at once if hot, within EVERY if cold.
 */
static void
test_loop_with_fake_clock(void **state)
{
	enum { N = 300, TALKER = 7, BUSY = 11, END = 20000 };
	struct peer *p = calloc(N, sizeof *p);
	struct hc h;
	int64_t worst_cold_wait = 0, worst_hot_wait = 0;
	size_t max_walk_late = 0;
	(void)state;

	hc_init(&h, AFTER, EVERY, 0);
	for (int i = 0; i < N; i++) {
		p[i].id = i;
		assert_int_equal(hc_add(&h, &p[i].m, 0), 0);
	}
	p[BUSY].busy = true;
	for (int64_t now = 1; now <= END; now++) {
		/* Peer TALKER speaks every 100 ms; peer 100 + k once, at 10 s + 37 ms * k. */
		if (now % 100 == 0)
			p[TALKER].said_ms = now;
		for (int k = 0; k < 50; k++)
			if (now == 10000 + 37 * k)
				p[100 + k].said_ms = now;
		bool cold_due = hc_cold_due(&h, now);
		size_t walked = hc_hot_count(&h);
		/* Hot members are looked at every pass; the cold ones only when due. */
		for (size_t i = hc_hot_count(&h); i-- > 0;) {
			struct peer *q = HC_ENTRY(hc_hot_at(&h, i), struct peer, m);
			if (q->said_ms) {
				if (now - q->said_ms > worst_hot_wait)
					worst_hot_wait = now - q->said_ms;
				q->said_ms = 0;
				hc_activity(&h, &q->m, now);
			} else if (!q->busy && hc_silent(&h, &q->m, now)) {
				hc_cool(&h, &q->m);
			}
		}
		if (cold_due) {
			for (size_t i = hc_cold_count(&h); i-- > 0;) {
				struct peer *q = HC_ENTRY(hc_cold_at(&h, i), struct peer, m);
				if (q->said_ms) {
					if (now - q->said_ms > worst_cold_wait)
						worst_cold_wait = now - q->said_ms;
					q->said_ms = 0;
					hc_activity(&h, &q->m, now);
				}
			}
			hc_cold_polled(&h, now);
		}
		if (now > 2 * AFTER && walked > max_walk_late)
			max_walk_late = walked;
		/* Before the silence threshold, nobody is cold. */
		if (now < AFTER)
			assert_int_equal(hc_cold_count(&h), 0);
	}
	/* The talker and the busy one never cooled; the 50 that spoke once cooled again. */
	assert_false(hc_is_cold(&h, &p[TALKER].m));
	assert_false(hc_is_cold(&h, &p[BUSY].m));
	assert_int_equal(hc_hot_count(&h), 2);
	assert_int_equal(hc_cold_count(&h), N - 2);
	assert_int_equal(h.warmed, 50);
	/* The hot walk late on is the active few, not everyone connected. */
	assert_true(max_walk_late <= 2 + 50);
	assert_int_equal(worst_hot_wait, 0);
	assert_true(worst_cold_wait <= EVERY);
	/* About one cold poll per EVERY ms once members went cold, not one per pass. */
	assert_true(h.cold_polls <= (uint64_t)(END - AFTER) / EVERY + 1);
	hc_free(&h);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_member_is_hot),
		cmocka_unit_test(test_cool_then_activity_heats),
		cmocka_unit_test(test_heat_keeps_the_silence),
		cmocka_unit_test(test_remove_from_cold),
		cmocka_unit_test(test_cold_poll_schedule),
		cmocka_unit_test(test_loop_with_fake_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
