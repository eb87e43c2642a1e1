/* Unit tests for common/beacon's roster of heard senders (with a fake clock), answers, jitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "beacon_fixtures.h"
#include "common/beacon.h"

static struct beacon_roster roster; /* too large for the stack */

static void
test_jitter(void **state)
{
	int64_t lo = INT64_MAX, hi = 0;
	uint32_t x = 1;
	(void)state;

	/* Always within interval ± BEACON_JITTER_PCT %, and the extremes are reached. */
	const int64_t span = BEACON_INTERVAL_MS * BEACON_JITTER_PCT / 100;
	assert_int_equal(beacon_jitter(BEACON_INTERVAL_MS, 0), BEACON_INTERVAL_MS - span);
	assert_int_equal(beacon_jitter(BEACON_INTERVAL_MS, (uint32_t)(2 * span)),
	    BEACON_INTERVAL_MS + span);
	for (int i = 0; i < 100000; i++) {
		x = x * 1664525u + 1013904223u;
		int64_t j = beacon_jitter(BEACON_INTERVAL_MS, x);
		assert_true(j >= BEACON_INTERVAL_MS - span && j <= BEACON_INTERVAL_MS + span);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	assert_true(lo < BEACON_INTERVAL_MS - span / 2);
	assert_true(hi > BEACON_INTERVAL_MS + span / 2);
	assert_int_equal(beacon_jitter(0, 12345), 0);
	assert_int_equal(beacon_jitter(1, 12345), 1);
}

static void
test_roster_basic(void **state)
{
	struct beacon s = server_beacon(), u = user_beacon(0x77, 1), b;
	const struct beacon_peer *p;
	int64_t now = 1000;
	(void)state;

	beacon_roster_init(&roster, 0x5e1f, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_NEW);
	assert_int_equal(beacon_roster_update(&roster, &u, "10.0.0.6", now), BEACON_NEW);
	assert_int_equal(roster.len, 2);
	p = beacon_roster_find(&roster, s.id);
	assert_non_null(p);
	assert_string_equal(p->addr, "10.0.0.5");
	assert_int_equal(p->b.port, 6667);
	assert_string_equal(p->b.name, s.name);

	/* Newer seq updates; the same or an older one is stale and changes nothing. */
	now += BEACON_INTERVAL_MS;
	s.seq++;
	s.users = 13;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_UPDATED);
	p = beacon_roster_find(&roster, s.id);
	assert_int_equal(p->b.users, 13);
	assert_string_equal(p->addr, "10.0.0.5");
	assert_int_equal(p->heard_ms, now);
	assert_int_equal(p->first_ms, 1000);
	s.users = 99;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 1), BEACON_STALE);
	s.seq -= 5;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 2), BEACON_STALE);
	p = beacon_roster_find(&roster, s.id);
	assert_int_equal(p->b.users, 13);
	assert_int_equal(p->heard_ms, now);

	/* Our own id is ignored. */
	b = user_beacon(0x5e1f, 100);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.1", now), BEACON_SELF);
	assert_null(beacon_roster_find(&roster, 0x5e1f));

	/* bye: unknown, stale, then effective. */
	b = bye_beacon(0x999, 5);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.8", now), BEACON_UNKNOWN_BYE);
	b = bye_beacon(u.id, 0);
	u.seq = 4;
	assert_int_equal(beacon_roster_update(&roster, &u, "10.0.0.6", now), BEACON_UPDATED);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.6", now), BEACON_STALE);
	b.seq = 4;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.6", now), BEACON_GONE);
	assert_null(beacon_roster_find(&roster, u.id));
	assert_int_equal(roster.len, 1);
	assert_non_null(beacon_roster_find(&roster, s.id));
}

static void
test_roster_expiry(void **state)
{
	struct beacon a = user_beacon(1, 1), b = user_beacon(2, 1);
	const int64_t limit = beacon_expire_ms(BEACON_INTERVAL_MS);
	int64_t now = 0, sent = 0;
	uint32_t x = 7;
	(void)state;

	/* Tolerates BEACON_EXPIRE_INTERVALS - 1 lost beacons at the longest jitter... */
	int64_t longest = beacon_jitter(BEACON_INTERVAL_MS, (uint32_t)(2 * BEACON_INTERVAL_MS *
	                                                                BEACON_JITTER_PCT / 100));
	assert_true(limit >= BEACON_EXPIRE_INTERVALS * longest);
	/* ...but forgets a silent sender within a few intervals. */
	assert_true(limit <= (BEACON_EXPIRE_INTERVALS + 1) * BEACON_INTERVAL_MS);

	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &a, "10.0.0.1", 0), BEACON_NEW);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.2", 0), BEACON_NEW);
	/* a keeps beaconing at jittered intervals for a long time; b falls silent. */
	for (int i = 0; i < 200; i++) {
		x = x * 1664525u + 1013904223u;
		now += beacon_jitter(BEACON_INTERVAL_MS, x);
		a.seq++;
		assert_int_equal(beacon_roster_update(&roster, &a, "10.0.0.1", now),
		    BEACON_UPDATED);
		beacon_roster_expire(&roster, now);
		assert_non_null(beacon_roster_find(&roster, a.id));
		assert_int_equal(beacon_roster_find(&roster, b.id) != NULL, now <= limit);
	}
	sent = now;
	/* Exactly at the limit a sender is kept; one millisecond later it is gone. */
	assert_int_equal(beacon_roster_expire(&roster, sent + limit), 0);
	assert_int_equal(roster.len, 1);
	assert_int_equal(beacon_roster_expire(&roster, sent + limit + 1), 1);
	assert_int_equal(roster.len, 0);
	assert_int_equal(beacon_roster_expire(&roster, sent + 10 * limit), 0);

	/* A roster built with a shorter interval expires sooner. */
	beacon_roster_init(&roster, 0, 100);
	assert_int_equal(beacon_roster_update(&roster, &a, "10.0.0.1", 0), BEACON_NEW);
	assert_int_equal(beacon_roster_expire(&roster, beacon_expire_ms(100)), 0);
	assert_int_equal(beacon_roster_expire(&roster, beacon_expire_ms(100) + 1), 1);
}

static void
test_roster_rate_limit(void **state)
{
	struct beacon b;
	int64_t now = 5000;
	int ok = 0;
	(void)state;

	beacon_roster_init(&roster, 0xabc, BEACON_INTERVAL_MS);
	/* A burst of BEACON_RATE_PER_SEC from one address passes, the rest is dropped. */
	for (int i = 0; i < 3 * BEACON_RATE_PER_SEC; i++) {
		b = user_beacon((uint64_t)(100 + i), 1);
		enum beacon_verdict v = beacon_roster_update(&roster, &b, "10.9.9.9", now);
		if (v == BEACON_NEW)
			ok++;
		else
			assert_int_equal(v, BEACON_RATE);
	}
	assert_int_equal(ok, BEACON_RATE_PER_SEC);
	assert_int_equal(roster.len, BEACON_RATE_PER_SEC);
	/* Other addresses are not affected... */
	b = user_beacon(500, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.10", now), BEACON_NEW);
	/* Our own id is recognised even from an exhausted address... */
	b = user_beacon(0xabc, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_SELF);
	/* ...and does not use up the budget of the address it comes from. */
	for (int i = 0; i < 3 * BEACON_RATE_PER_SEC; i++)
		assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.11", now), BEACON_SELF);
	for (int i = 0; i < BEACON_RATE_PER_SEC; i++) {
		struct beacon o = user_beacon((uint64_t)(600 + i), 1);
		assert_int_equal(beacon_roster_update(&roster, &o, "10.9.9.11", now), BEACON_NEW);
	}
	/* Rate-limited datagrams are dropped whatever they are, a bye included. */
	b = bye_beacon(100, 9);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_RATE);
	assert_non_null(beacon_roster_find(&roster, 100));

	/* The budget refills at BEACON_RATE_PER_SEC a second: one more after 1/rate s. */
	now += 1000 / BEACON_RATE_PER_SEC - 1;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_RATE);
	now += 1;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_GONE);
	b = bye_beacon(101, 9);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_RATE);
	/* After a full second the whole burst is available again, and no more. */
	now += 1000;
	ok = 0;
	for (int i = 0; i < 3 * BEACON_RATE_PER_SEC; i++) {
		b = user_beacon((uint64_t)(1000 + i), 1);
		if (beacon_roster_update(&roster, &b, "10.9.9.9", now) == BEACON_NEW)
			ok++;
	}
	assert_int_equal(ok, BEACON_RATE_PER_SEC);

	/* A steady sender at the permitted rate is never dropped. */
	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	b = user_beacon(1, 1);
	for (int i = 0; i < 1000; i++) {
		now += 1000 / BEACON_RATE_PER_SEC;
		b.seq++;
		assert_int_not_equal(beacon_roster_update(&roster, &b, "10.1.1.1", now),
		    BEACON_RATE);
	}
}

static void
test_roster_rate_sources_bounded(void **state)
{
	char addr[HOST_LEN];
	struct beacon b;
	int64_t now = 0;
	(void)state;

	/*
	 * More source addresses than the rate table holds: the table recycles the address
	 * heard from longest ago, so new addresses still get their own budget.
	 */
	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	b = user_beacon(1, 1);
	for (int i = 0; i < 3 * BEACON_RATE_SOURCES; i++) {
		snprintf(addr, sizeof addr, "192.168.%d.%d", i / 250, i % 250);
		for (int k = 0; k < BEACON_RATE_PER_SEC; k++) {
			b.seq++;
			assert_int_not_equal(beacon_roster_update(&roster, &b, addr, now),
			    BEACON_RATE);
		}
		b.seq++;
		assert_int_equal(beacon_roster_update(&roster, &b, addr, now), BEACON_RATE);
		now++;
	}
	/* One id from many addresses: one entry each, every one after the first suspect. */
	assert_int_equal(roster.len, 3 * BEACON_RATE_SOURCES);
	assert_false(beacon_roster_find(&roster, 1)->suspect);
	assert_string_equal(beacon_roster_find(&roster, 1)->addr, "192.168.0.0");
	assert_int_equal(beacon_roster_claims(&roster, 1), 3 * BEACON_RATE_SOURCES);
	int used = 0;
	for (int i = 0; i < BEACON_RATE_SOURCES; i++)
		used += roster.rate[i].addr[0] != '\0';
	assert_int_equal(used, BEACON_RATE_SOURCES);

	/*
	 * The address recycled is the one heard from longest ago, never a busy one: a flooding
	 * address keeps its exhausted budget however many others turn up.
	 */
	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	now = 0;
	for (int k = 0; k <= BEACON_RATE_PER_SEC; k++) {
		b.seq++;
		beacon_roster_update(&roster, &b, "10.6.6.6", now);
	}
	for (int i = 1; i < BEACON_RATE_SOURCES; i++) {
		snprintf(addr, sizeof addr, "10.0.0.%d", i);
		b.seq++;
		assert_int_not_equal(beacon_roster_update(&roster, &b, addr, ++now), BEACON_RATE);
	}
	b.seq++;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.6.6.6", ++now), BEACON_RATE);
	b.seq++;
	assert_int_not_equal(beacon_roster_update(&roster, &b, "10.7.7.7", ++now), BEACON_RATE);
	b.seq++;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.6.6.6", now), BEACON_RATE);
}

/*
 * A rogue repeating a real server's id from its own address: another entry, suspect,
 * which can neither update, silence (seq) nor remove (bye) the real one.
 */
static void
test_roster_spoofed_id(void **state)
{
	struct beacon s = server_beacon(), f, b;
	const struct beacon_peer *p;
	int64_t now = 1000;
	(void)state;

	beacon_roster_init(&roster, 0x5e1f, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_NEW);
	f = s;
	f.seq = UINT64_MAX;
	strcpy(f.name, "evil");
	assert_int_equal(beacon_roster_update(&roster, &f, "10.0.0.66", now), BEACON_NEW);
	assert_int_equal(roster.len, 2);
	assert_int_equal(beacon_roster_claims(&roster, s.id), 2);
	p = beacon_roster_find(&roster, s.id);
	assert_string_equal(p->addr, "10.0.0.5");
	assert_false(p->suspect);
	p = beacon_roster_find_at(&roster, s.id, "10.0.0.66");
	assert_non_null(p);
	assert_true(p->suspect);
	assert_string_equal(p->b.name, "evil");

	/* The real one's next beacon is taken, whatever seq the rogue claimed. */
	s.seq++;
	s.users = 3;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 5000), BEACON_UPDATED);
	p = beacon_roster_find_at(&roster, s.id, "10.0.0.5");
	assert_int_equal(p->b.users, 3);
	assert_int_equal(p->heard_ms, now + 5000);

	/* A bye from an address that never announced the id removes nothing. */
	b = bye_beacon(s.id, UINT64_MAX);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.77", now + 5001),
	    BEACON_FOREIGN_BYE);
	assert_int_equal(beacon_roster_claims(&roster, s.id), 2);
	/* The rogue's bye takes back only its own entry. */
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.66", now + 5002), BEACON_GONE);
	assert_int_equal(beacon_roster_claims(&roster, s.id), 1);
	assert_non_null(beacon_roster_find_at(&roster, s.id, "10.0.0.5"));

	/*
	 * A forged seq=2^64-1 with the real address as source is a restart: the real sender's
	 * next beacon is a restart too, not stale, and after it the count goes on as before.
	 */
	f.name[0] = 'E';
	assert_int_equal(beacon_roster_update(&roster, &f, "10.0.0.5", now + 6000), BEACON_RESTART);
	s.seq++;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 7000), BEACON_RESTART);
	assert_string_equal(beacon_roster_find(&roster, s.id)->b.name, s.name);
	s.seq++;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 8000), BEACON_UPDATED);
	/* Replays and reordering within the bound are still stale. */
	s.seq--;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 9000), BEACON_STALE);
	s.seq += 1 + BEACON_SEQ_JUMP_MAX;
	assert_int_equal(
	    beacon_roster_update(&roster, &s, "10.0.0.5", now + 10000), BEACON_UPDATED);
	s.seq += 1 + BEACON_SEQ_JUMP_MAX;
	assert_int_equal(
	    beacon_roster_update(&roster, &s, "10.0.0.5", now + 11000), BEACON_RESTART);

	/* Heard in the other order, the later claimant is still the suspect one. */
	beacon_roster_init(&roster, 0x5e1f, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &f, "10.0.0.66", now), BEACON_NEW);
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_NEW);
	assert_true(beacon_roster_find_at(&roster, s.id, "10.0.0.5")->suspect);
	assert_false(beacon_roster_find_at(&roster, s.id, "10.0.0.66")->suspect);
}

/*
 * A flood of beacons from many addresses: the roster stays at BEACON_ROSTER_MAX, a server
 * we joined keeps its entry, and gets back in (in place of the flood's newest) even after
 * losing it while the roster is full.
 */
static void
test_roster_flood_keeps_joined(void **state)
{
	char addr[HOST_LEN];
	struct beacon s = server_beacon(), b;
	int64_t now = 0;
	(void)state;

	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_NEW);
	beacon_roster_pin(&roster, s.id, "10.0.0.5");
	assert_true(beacon_roster_find(&roster, s.id)->pinned);
	for (int i = 0; i < 4 * BEACON_ROSTER_MAX; i++) {
		snprintf(addr, sizeof addr, "10.1.%d.%d", i / 200, i % 200);
		b = server_beacon();
		b.id = (uint64_t)(1000 + i);
		beacon_roster_update(&roster, &b, addr, now);
		/* The same id again from everywhere, too. */
		b.id = s.id;
		b.seq = UINT64_MAX;
		beacon_roster_update(&roster, &b, addr, now);
		assert_true(roster.len <= BEACON_ROSTER_MAX);
		now += 5;
	}
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	const struct beacon_peer *p = beacon_roster_find(&roster, s.id);
	assert_non_null(p);
	assert_string_equal(p->addr, "10.0.0.5");
	assert_false(p->suspect);

	/* Its entry expires while the flood goes on; its next beacon still gets a place. */
	int64_t gone = now + beacon_expire_ms(BEACON_INTERVAL_MS) + 1;
	for (int i = 0; i < BEACON_ROSTER_MAX; i++) {
		snprintf(addr, sizeof addr, "10.2.%d.%d", i / 200, i % 200);
		b = user_beacon((uint64_t)(50000 + i), 1);
		beacon_roster_update(&roster, &b, addr, gone + i);
	}
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	assert_null(beacon_roster_find(&roster, s.id));
	b = user_beacon(99999, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.3.0.1", gone + 300), BEACON_FULL);
	s.seq++;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", gone + 300), BEACON_NEW);
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	p = beacon_roster_find(&roster, s.id);
	assert_non_null(p);
	assert_true(p->pinned);
	/* A rogue claiming the pinned id from elsewhere gets no such place. */
	b = s;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.3.0.2", gone + 301), BEACON_FULL);
}

static void
test_roster_bounded(void **state)
{
	char addr[HOST_LEN];
	struct beacon b;
	int64_t now = 0;
	(void)state;

	/* Distinct senders from distinct addresses, until the roster is full. */
	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	for (int i = 0; i < BEACON_ROSTER_MAX; i++) {
		snprintf(addr, sizeof addr, "fd00::%x", i);
		b = user_beacon((uint64_t)(i + 1), 1);
		assert_int_equal(beacon_roster_update(&roster, &b, addr, now), BEACON_NEW);
		now += 10;
	}
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	b = user_beacon(0x10000, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "fd00::ffff", now), BEACON_FULL);
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	/* Known senders are still updated while full. */
	b = user_beacon(1, 2);
	assert_int_equal(beacon_roster_update(&roster, &b, "fd00::0", now), BEACON_UPDATED);
	/* Once the silent ones have expired there is room again, without an explicit expire. */
	now = beacon_expire_ms(BEACON_INTERVAL_MS) + 10 * 5 + 1;
	b = user_beacon(0x10000, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "fd00::ffff", now), BEACON_NEW);
	assert_true(roster.len < BEACON_ROSTER_MAX);
	assert_non_null(beacon_roster_find(&roster, 1));
	assert_null(beacon_roster_find(&roster, 2));
	/* Every remaining entry is distinct and findable. */
	for (size_t i = 0; i < roster.len; i++) {
		const struct beacon_peer *p = &roster.peers[i];
		assert_ptr_equal(beacon_roster_find(&roster, p->b.id), p);
	}
}

/* The first newcomer is answered at once; one right after waits for the limit. */
static void
test_answer_first_and_held(void **state)
{
	struct beacon_answer a;
	int64_t t = 50000;

	(void)state;
	beacon_answer_init(&a);
	assert_false(beacon_answer_take(&a, t));         /* nobody asked */
	assert_int_equal(beacon_answer_ask(&a, t), t);
	assert_true(beacon_answer_take(&a, t));
	assert_false(beacon_answer_take(&a, t));         /* one answer per ask */

	/* 10 ms later: held until BEACON_ANSWER_MIN_MS after the last answer. */
	assert_int_equal(beacon_answer_ask(&a, t + 10), t + BEACON_ANSWER_MIN_MS);
	/* More newcomers meanwhile share the same answer. */
	assert_int_equal(beacon_answer_ask(&a, t + 500), t + BEACON_ANSWER_MIN_MS);
	assert_false(beacon_answer_take(&a, t + BEACON_ANSWER_MIN_MS - 1));
	assert_true(beacon_answer_take(&a, t + BEACON_ANSWER_MIN_MS));
	assert_false(beacon_answer_take(&a, t + BEACON_ANSWER_MIN_MS + 1));

	/* Long after: at once again. */
	t += 10 * BEACON_ANSWER_MIN_MS;
	assert_int_equal(beacon_answer_ask(&a, t), t);
	assert_true(beacon_answer_take(&a, t));
}

/* A periodic beacon answers whoever was waiting, and is not counted as an extra one. */
static void
test_answer_periodic(void **state)
{
	struct beacon_answer a;
	int64_t t = 1000;

	(void)state;
	beacon_answer_init(&a);
	beacon_answer_ask(&a, t);
	assert_true(beacon_answer_take(&a, t));
	assert_int_equal(beacon_answer_ask(&a, t + 100), t + BEACON_ANSWER_MIN_MS);
	beacon_answer_periodic(&a);
	assert_false(beacon_answer_take(&a, t + BEACON_ANSWER_MIN_MS));
	/* The limit still runs from the last extra answer. */
	assert_int_equal(beacon_answer_ask(&a, t + 200), t + BEACON_ANSWER_MIN_MS);
}

/*
 * A storm: a newcomer every 7 ms for a minute, the server taking answers whenever one is
 * due (checked every millisecond). At most one extra beacon per BEACON_ANSWER_MIN_MS, and
 * every newcomer is answered within BEACON_ANSWER_MIN_MS of its ask.
 */
static void
test_answer_storm(void **state)
{
	struct beacon_answer a;
	const int64_t start = 123456, span = 60000;
	int64_t last = INT64_MIN, oldest_unanswered = -1, worst_wait = 0;
	int answers = 0;

	(void)state;
	beacon_answer_init(&a);
	for (int64_t t = start; t < start + span + 2 * BEACON_ANSWER_MIN_MS; t++) {
		if (t < start + span && (t - start) % 7 == 0) {
			int64_t due = beacon_answer_ask(&a, t);
			assert_true(due >= t);
			assert_true(due <= t + BEACON_ANSWER_MIN_MS);
			if (oldest_unanswered < 0)
				oldest_unanswered = t;
		}
		if (beacon_answer_take(&a, t)) {
			if (last != INT64_MIN)
				assert_true(t - last >= BEACON_ANSWER_MIN_MS);
			if (t - oldest_unanswered > worst_wait)
				worst_wait = t - oldest_unanswered;
			last = t;
			oldest_unanswered = -1;
			answers++;
		}
	}
	assert_int_equal(oldest_unanswered, -1);
	assert_true(worst_wait <= BEACON_ANSWER_MIN_MS);
	assert_true(answers >= span / BEACON_ANSWER_MIN_MS - 1);
	assert_true(answers <= span / BEACON_ANSWER_MIN_MS + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_roster_basic),
		cmocka_unit_test(test_roster_expiry),
		cmocka_unit_test(test_roster_rate_limit),
		cmocka_unit_test(test_roster_rate_sources_bounded),
		cmocka_unit_test(test_roster_bounded),
		cmocka_unit_test(test_roster_spoofed_id),
		cmocka_unit_test(test_roster_flood_keeps_joined),
		cmocka_unit_test(test_answer_first_and_held),
		cmocka_unit_test(test_answer_periodic),
		cmocka_unit_test(test_answer_storm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
