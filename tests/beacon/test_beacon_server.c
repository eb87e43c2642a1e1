/*
 * A real lanchatd's presence beacons, heard on loopback: what they say, that they follow
 * the server's state, the bye on SIGTERM, several listeners on one port, and junk sent to
 * the server's beacon port.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bt.h"

/* The first beacon: every field as the server was configured, sent from loopback. */
static void
test_server_beacon_fields(void **state)
{
	struct beacon b;
	char addr[64];
	int port;
	int fd = bt_listen(0, &port);
	struct th_server *srv = bt_server(port, "--max-clients", "37", NULL);

	(void)state;
	bt_expect(fd, BEACON_SERVER, 0, &b, addr, TH_START_TIMEOUT);
	assert_string_equal(addr, "127.0.0.1");
	assert_string_equal(b.name, TH_SERVER_NAME);
	assert_int_equal(b.port, th_server_port(srv));
	assert_int_equal(b.users, 0);
	assert_int_equal(b.max, 37);
	assert_string_equal(b.ver, LANCHAT_VERSION);
	assert_int_not_equal(b.id, 0);
	assert_true(b.uptime <= 2);
	th_server_expect_log(srv, "re:beacon: announcing on udp port [0-9]+", TH_TIMEOUT);
}

/* users= follows registrations: the next beacon after alice registers counts her. */
static void
test_server_beacon_users(void **state)
{
	struct beacon first, b;
	int port;
	int fd = bt_listen(0, &port);
	struct th_server *srv = bt_server(port, NULL);
	uint64_t seq;
	long long deadline;
	int beacons = 0;

	(void)state;
	bt_expect(fd, BEACON_SERVER, 0, &first, NULL, TH_START_TIMEOUT);
	assert_int_equal(first.users, 0);
	th_user(srv, "alice");
	seq = first.seq;
	/* Two intervals at most: one beacon may have been on its way before alice registered. */
	deadline = th_now_ms() + 2 * BT_BEACON_WAIT;
	do {
		bt_expect(fd, BEACON_SERVER, first.id, &b, NULL, (int)(deadline - th_now_ms()));
		assert_true(b.seq > seq);
		assert_true(b.uptime >= first.uptime);
		assert_int_equal(b.port, first.port);
		seq = b.seq;
		beacons++;
	} while (b.users != 1 && beacons < 2);
	assert_int_equal(b.users, 1);
}

/* SIGTERM: a bye with the same id and a later seq, and a clean exit. */
static void
test_server_bye(void **state)
{
	struct beacon b, bye;
	char addr[64];
	int port;
	int fd = bt_listen(0, &port);
	struct th_server *srv = bt_server(port, NULL);

	(void)state;
	bt_expect(fd, BEACON_SERVER, 0, &b, NULL, TH_START_TIMEOUT);
	assert_int_equal(th_server_stop(srv, TH_START_TIMEOUT), 0);
	bt_expect(fd, BEACON_BYE, b.id, &bye, addr, TH_TIMEOUT);
	assert_true(bye.seq > b.seq);
	assert_string_equal(addr, "127.0.0.1");
}

/* Two listeners bound to one port both hear each broadcast: the server's and ours. */
static void
test_two_listeners(void **state)
{
	struct beacon b1, b2;
	int port, port2;
	int fd1 = bt_listen(0, &port);
	int fd2 = bt_listen(port, &port2);
	char buf[BEACON_MAX + 1], from[64];
	const char *msg = "LANCHAT/1 bye id=ab seq=1";
	size_t len;

	(void)state;
	assert_int_equal(port2, port);
	bt_server(port, NULL);
	bt_expect(fd1, BEACON_SERVER, 0, &b1, NULL, TH_START_TIMEOUT);
	bt_expect(fd2, BEACON_SERVER, b1.id, &b2, NULL, TH_TIMEOUT);
	assert_int_equal(b2.seq, b1.seq);

	bt_send(port, msg, strlen(msg));
	for (int i = 0; i < 2; i++) {
		int fd = i == 0 ? fd1 : fd2;
		long long deadline = th_now_ms() + TH_TIMEOUT;
		bool got = false;

		/* A server beacon may come first; ours follows within the deadline. */
		while (!got && bt_recv(fd, deadline, buf, sizeof buf, &len, from, sizeof from))
			got = len == strlen(msg) && memcmp(buf, msg, len) == 0;
		if (!got)
			th_fail("listener %d did not hear the test's broadcast", i + 1);
	}
}

/*
 * Junk on the server's beacon port: the server reads it all (its receive queue empties),
 * keeps serving TCP clients, keeps beaconing and exits cleanly. The witness listener on the
 * same port checks that each datagram really is what the decoder rejects, and why.
 */
static void
test_server_ignores_junk(void **state)
{
	struct beacon b;
	int port;
	int fd = bt_listen(0, &port);
	struct th_server *srv = bt_server(port, NULL);
	struct th_client *alice;
	long rxq = -1;

	(void)state;
	bt_expect(fd, BEACON_SERVER, 0, &b, NULL, TH_START_TIMEOUT);
	alice = th_user(srv, "alice");
	for (size_t i = 0; i < bt_njunk; i++)
		bt_send_junk(i, port);

	for (size_t i = 0; i < bt_njunk; i++) {
		static char buf[BT_DGRAM_MAX];
		struct beacon j;
		size_t len;
		int rc;

		do {
			if (!bt_recv(fd, th_now_ms() + TH_TIMEOUT, buf, sizeof buf, &len, NULL, 0))
				th_fail("junk datagram %zu (%s) never arrived", i, bt_junk[i].what);
			rc = len > BEACON_MAX ? BEACON_E_OVERSIZE : beacon_decode(buf, len, &j);
		} while (rc == BEACON_OK && j.id == b.id); /* the server's own, in between */
		assert_int_equal(len, bt_junk[i].len);
		if (rc != bt_junk[i].err)
			th_fail("junk %zu (%s): decoder said \"%s\", expected \"%s\"", i,
			    bt_junk[i].what, beacon_strerror(rc), beacon_strerror(bt_junk[i].err));
	}

	/* Each round trip is at least one pass of the server's loop. */
	for (int pass = 0; pass < 50 && rxq != 0; pass++) {
		th_sync(alice);
		rxq = bt_rx_queue(th_server_pid(srv), port);
	}
	if (rxq != 0)
		th_fail("lanchatd's beacon socket still holds %ld bytes (-1: not found)", rxq);

	th_sendf(alice, "JOIN #junk");
	th_expect(alice, "re:^:[^ ]+ 366 alice #junk ", TH_TIMEOUT);
	th_user(srv, "bob");
	bt_expect(fd, BEACON_SERVER, b.id, &b, NULL, BT_BEACON_WAIT);
	assert_int_equal(th_server_stop(srv, TH_START_TIMEOUT), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_server_beacon_fields, bt_teardown),
		cmocka_unit_test_teardown(test_server_beacon_users, bt_teardown),
		cmocka_unit_test_teardown(test_server_bye, bt_teardown),
		cmocka_unit_test_teardown(test_two_listeners, bt_teardown),
		cmocka_unit_test_teardown(test_server_ignores_junk, bt_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
