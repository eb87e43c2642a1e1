/*
 * A real lanchatd answers a newcomer's first beacon at once, so that a client started
 * without a HOST hears it within its short discovery wait; the answers are rate limited.
 *
 * Timing: each test starts right after the server's start-up beacon, so its next periodic
 * beacon is at least the shortest jittered interval away. A server beacon that arrives well
 * before that can only be an answer.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bt.h"
#include "client/discovery.h"
#include "client/lanplan.h"
#include "common/util.h"

enum {
	/* The earliest the server's second periodic beacon can come after its first. */
	PERIODIC_MIN_MS = BEACON_INTERVAL_MS * (100 - BEACON_JITTER_PCT) / 100,
	/* How soon an answer must arrive: well within the client's discovery wait. */
	ANSWER_WITHIN_MS = 1500,
	/* Margin below PERIODIC_MIN_MS for scheduling and delivery. */
	MARGIN_MS = 500,
};

/* Sends a user beacon with this id and seq, as a starting client would (server=-). */
static void
send_user(int port, uint64_t id, uint64_t seq)
{
	struct beacon b;
	char buf[BEACON_MAX];
	int n;

	memset(&b, 0, sizeof b);
	b.kind = BEACON_USER;
	b.id = id;
	b.seq = seq;
	str_copy(b.nick, "newcomer", sizeof b.nick);
	b.status = BEACON_AVAILABLE;
	n = beacon_encode(&b, buf, sizeof buf);
	assert_true(n > 0);
	bt_send(port, buf, (size_t)n);
}

/*
 * The next server beacon with this id before deadline (th_now_ms based), in *b; false if
 * none came. Other datagrams (our own user beacons) are skipped.
 */
static bool
next_server_beacon(int fd, uint64_t id, long long deadline, struct beacon *b)
{
	char buf[BEACON_MAX + 1];
	size_t len;

	while (bt_recv(fd, deadline, buf, sizeof buf, &len, NULL, 0))
		if (len <= BEACON_MAX && beacon_decode(buf, len, b) == BEACON_OK &&
		    b->kind == BEACON_SERVER && b->id == id)
			return true;
	return false;
}

/* Starts a beaconing server on a fresh port; returns its first beacon and when it came. */
static int
start(int *port, struct beacon *first, long long *t0)
{
	int fd = bt_listen(0, port);

	bt_server(*port, NULL);
	bt_expect(fd, BEACON_SERVER, 0, first, NULL, TH_START_TIMEOUT);
	*t0 = th_now_ms();
	return fd;
}

/* A new user id gets a server beacon within ANSWER_WITHIN_MS of its first beacon. */
static void
test_answers_newcomer(void **state)
{
	struct beacon first, b;
	long long t0, sent, got;
	int port;
	int fd = start(&port, &first, &t0);
	/* The newcomer listens before it speaks, as the client does. */
	int mine = bt_listen(port, NULL);

	(void)state;
	sent = th_now_ms();
	send_user(port, 0x1111, 1);
	if (!next_server_beacon(mine, first.id, sent + ANSWER_WITHIN_MS, &b))
		th_fail("no answer within %d ms of a newcomer's beacon", ANSWER_WITHIN_MS);
	got = th_now_ms();
	assert_true(b.seq > first.seq);
	if (got - t0 >= PERIODIC_MIN_MS)
		th_fail("answer %lld ms after the start-up beacon: a periodic one could explain it",
		    got - t0);
	/* Every listener on the port hears the answer, not only the newcomer. */
	assert_true(next_server_beacon(fd, first.id, th_now_ms() + TH_TIMEOUT, &b));
}

/*
 * Newcomers together get one answer a BEACON_ANSWER_MIN_MS at most, none is left without
 * one, and a known id gets none.
 */
static void
test_answer_rate(void **state)
{
	struct beacon first, a1, a2, b;
	long long t0, t1, t2, quiet_end;
	int port;
	int fd = start(&port, &first, &t0);

	(void)state;
	send_user(port, 0x2221, 1);
	if (!next_server_beacon(fd, first.id, th_now_ms() + ANSWER_WITHIN_MS, &a1))
		th_fail("no answer to the first newcomer");
	t1 = th_now_ms();

	/* Two more newcomers at once, inside the limit: one answer, held back until it allows. */
	send_user(port, 0x2222, 1);
	send_user(port, 0x2223, 1);
	if (!next_server_beacon(fd, first.id, t1 + BEACON_ANSWER_MIN_MS + MARGIN_MS, &a2))
		th_fail("the held-back answer did not come");
	t2 = th_now_ms();
	assert_true(a2.seq > a1.seq);
	if (t2 - t1 < BEACON_ANSWER_MIN_MS - MARGIN_MS / 2)
		th_fail("second answer %lld ms after the first: not rate limited", t2 - t1);

	/* Known ids, newer seqs: no answer until the periodic beacon could be due. */
	send_user(port, 0x2221, 2);
	send_user(port, 0x2222, 2);
	quiet_end = t0 + PERIODIC_MIN_MS - MARGIN_MS;
	/* A machine this slow cannot tell the two apart: no verdict rather than a false one. */
	if (quiet_end - th_now_ms() < BEACON_ANSWER_MIN_MS + MARGIN_MS) {
		print_message("only %lld ms left before the periodic beacon; skipping the rest\n",
		    quiet_end - th_now_ms());
		skip();
	}
	if (next_server_beacon(fd, first.id, quiet_end, &b))
		th_fail("a server beacon (seq %llu) answered ids already known",
		    (unsigned long long)b.seq);
}

/*
 * The client's own discovery, started right after the server's start-up beacon, hears the
 * server within ANSWER_WITHIN_MS: it listens from disc_open and its first disc_tick sends
 * the user beacon the server answers.
 */
static void
test_discovery_hears_answer(void **state)
{
	struct beacon first;
	long long t0, sent;
	int port;
	int fd = start(&port, &first, &t0);
	struct disc_config cfg = {.port = port, .announce = true, .dest = {BT_BCAST}, .ndest = 1};
	struct disc_self self = {.nick = "dora"};
	char err[256] = "";
	const struct beacon_peer *out[4];
	int64_t next;
	struct discovery *d = disc_open(&cfg, err, sizeof err);

	(void)state;
	(void)fd;
	if (d == NULL)
		th_fail("disc_open: %s", err);
	sent = th_now_ms();
	disc_tick(d, &self, clock_ms(), &next);
	assert_int_equal(disc_counts(d)->sent, 1);
	while (disc_servers(d, out, 4) == 0 && th_now_ms() < sent + ANSWER_WITHIN_MS) {
		struct pollfd p = {.fd = disc_fd(d), .events = POLLIN};
		poll(&p, 1, (int)(sent + ANSWER_WITHIN_MS - th_now_ms()));
		disc_read(d, clock_ms());
	}
	size_t n = disc_servers(d, out, 4);
	long long got = th_now_ms();
	struct beacon heard;
	if (n > 0)
		heard = out[0]->b;
	disc_close(d);
	if (n != 1)
		th_fail("discovery heard %zu servers within %d ms of its first beacon", n,
		    ANSWER_WITHIN_MS);
	assert_int_equal(heard.id, first.id);
	assert_true(heard.seq > first.seq);
	assert_true(got - t0 < PERIODIC_MIN_MS);
}

/*
 * A client that sends no beacon (--no-beacon) gets no answer: it must not say "none found"
 * before a server's longest periodic gap is over. One that does send waits DISCOVER_WAIT_MS.
 */
static void
test_quiet_client_waits_an_interval(void **state)
{
	struct lanplan_boot b;
	const int64_t t = 10000;
	const int64_t longest = BEACON_INTERVAL_MS * (100 + BEACON_JITTER_PCT) / 100;

	(void)state;
	assert_true((int)DISCOVER_WAIT_MS > (int)ANSWER_WITHIN_MS);
	lanplan_boot_start(&b, t);
	assert_int_equal(lanplan_boot_deadline(&b), t + DISCOVER_WAIT_MS);
	assert_int_equal(lanplan_boot_step(&b, 0, t + DISCOVER_WAIT_MS), LANPLAN_BOOT_NONE);

	lanplan_boot_start(&b, t);
	lanplan_boot_quiet(&b);
	assert_true(lanplan_boot_deadline(&b) >= t + longest);
	assert_int_equal(lanplan_boot_step(&b, 0, t + longest), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_step(&b, 0, lanplan_boot_deadline(&b)), LANPLAN_BOOT_NONE);
	/* A server heard in time is still joined after the usual settle. */
	lanplan_boot_start(&b, t);
	lanplan_boot_quiet(&b);
	assert_int_equal(lanplan_boot_step(&b, 1, t + longest - 1), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_step(&b, 1, lanplan_boot_deadline(&b)), LANPLAN_BOOT_CONNECT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_answers_newcomer, bt_teardown),
		cmocka_unit_test_teardown(test_answer_rate, bt_teardown),
		cmocka_unit_test_teardown(test_discovery_hears_answer, bt_teardown),
		cmocka_unit_test(test_quiet_client_waits_an_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
