/*
 * The client's discovery module (client/discovery.c) against a real lanchatd and against
 * another instance of itself, over loopback broadcast.
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
#include "common/util.h"

enum { PEERS_MAX = 16 };

static struct discovery *discs[4];
static int ndiscs;

/* disc_open on port, sending to loopback broadcast only. */
static struct discovery *
open_disc(int port, bool announce)
{
	struct disc_config cfg = {.port = port, .announce = announce, .dest = {BT_BCAST},
	    .ndest = 1};
	char err[256] = "";
	struct discovery *d = disc_open(&cfg, err, sizeof err);

	if (d == NULL)
		th_fail("disc_open on udp port %d: %s", port, err);
	discs[ndiscs++] = d;
	return d;
}

static void
close_disc(struct discovery *d)
{
	for (int i = 0; i < ndiscs; i++)
		if (discs[i] == d) {
			discs[i] = discs[--ndiscs];
			break;
		}
	disc_close(d);
}

static int
teardown(void **state)
{
	while (ndiscs > 0)
		disc_close(discs[--ndiscs]);
	return bt_teardown(state);
}

typedef bool (*disc_pred)(struct discovery *d, const void *arg);

/*
 * Feeds d what arrives until pred holds; fails after timeout_ms. *changed (if not NULL)
 * collects whether disc_read reported a change of the roster.
 */
#define wait_for(d, pred, arg, ms, changed) \
	wait_for_at(__FILE__, __LINE__, d, pred, #pred, arg, ms, changed)
static void
wait_for_at(const char *file, int line, struct discovery *d, disc_pred pred, const char *what,
    const void *arg, int timeout_ms, bool *changed)
{
	long long deadline = th_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = {.fd = disc_fd(d), .events = POLLIN};
		long long left;

		if (disc_read(d, clock_ms()) && changed != NULL)
			*changed = true;
		if (pred(d, arg))
			return;
		left = deadline - th_now_ms();
		if (left <= 0) {
			const struct disc_counts *c = disc_counts(d);
			th_fail_at(file, line, "%s not true within %d ms (heard %llu, rejected "
			    "%llu, dropped %llu)", what, timeout_ms, (unsigned long long)c->heard,
			    (unsigned long long)c->rejected, (unsigned long long)c->dropped);
		}
		poll(&p, 1, (int)left);
	}
}

static const struct beacon_peer *
server_on(struct discovery *d, int tcp_port)
{
	const struct beacon_peer *out[PEERS_MAX];
	size_t n = disc_servers(d, out, PEERS_MAX);

	for (size_t i = 0; i < n; i++)
		if (out[i]->b.port == tcp_port)
			return out[i];
	return NULL;
}

static bool
hears_server(struct discovery *d, const void *arg)
{
	return server_on(d, *(const int *)arg) != NULL;
}

static bool
no_servers(struct discovery *d, const void *arg)
{
	const struct beacon_peer *out[PEERS_MAX];

	(void)arg;
	return disc_servers(d, out, PEERS_MAX) == 0;
}

static const struct beacon_peer *
user_named(struct discovery *d, const char *nick)
{
	const struct beacon_peer *out[PEERS_MAX];
	size_t n = disc_users(d, out, PEERS_MAX);

	for (size_t i = 0; i < n; i++)
		if (strcmp(out[i]->b.nick, nick) == 0)
			return out[i];
	return NULL;
}

static bool
hears_user(struct discovery *d, const void *arg)
{
	return user_named(d, arg) != NULL;
}

static bool
lost_user(struct discovery *d, const void *arg)
{
	return user_named(d, arg) == NULL;
}

static bool
rejected_at_least(struct discovery *d, const void *arg)
{
	return disc_counts(d)->rejected >= *(const uint64_t *)arg;
}

static size_t
count_users(struct discovery *d)
{
	const struct beacon_peer *out[PEERS_MAX];

	return disc_users(d, out, PEERS_MAX);
}

/* The server is listed with its beacon's address and TCP port; its bye removes it at once. */
static void
test_discovery_finds_server(void **state)
{
	const struct beacon_peer *p, *out[PEERS_MAX];
	bool changed = false;
	int port, tcp;
	struct th_server *srv;
	struct discovery *d;

	(void)state;
	bt_listen(0, &port);
	d = open_disc(port, false);
	srv = bt_server(port, NULL);
	tcp = th_server_port(srv);
	wait_for(d, hears_server, &tcp, TH_START_TIMEOUT, &changed);
	assert_true(changed);
	assert_int_equal(disc_servers(d, out, PEERS_MAX), 1);
	p = out[0];
	assert_string_equal(p->addr, "127.0.0.1");
	assert_int_equal(p->b.port, tcp);
	assert_string_equal(p->b.name, TH_SERVER_NAME);
	assert_ptr_equal(disc_find_server(d, "127.0.0.1", tcp), p);
	assert_null(disc_find_server(d, "127.0.0.2", tcp));
	assert_null(disc_find_server(d, "127.0.0.1", tcp == 1 ? 2 : tcp - 1));
	assert_non_null(disc_server_name(d, p->b.id));
	assert_string_equal(disc_server_name(d, p->b.id), TH_SERVER_NAME);
	assert_int_equal(count_users(d), 0);

	/* Expiry takes three intervals; the bye must be much quicker than that. */
	assert_int_equal(th_server_stop(srv, TH_START_TIMEOUT), 0);
	changed = false;
	wait_for(d, no_servers, NULL, TH_TIMEOUT, &changed);
	assert_true(changed);
}

/*
 * Two announcing instances on one port see each other (nick, status, idle, the server they
 * are on) and never list themselves; a closed one says bye and vanishes from the other.
 */
static void
test_discovery_users(void **state)
{
	const struct beacon_peer *pa, *pb;
	struct beacon bye;
	uint64_t id_a, id_b, server_id;
	int64_t next;
	int port, tcp, witness;
	struct th_server *srv;
	struct discovery *a, *b;

	(void)state;
	witness = bt_listen(0, &port);
	a = open_disc(port, true);
	b = open_disc(port, true);
	srv = bt_server(port, NULL);
	tcp = th_server_port(srv);
	wait_for(a, hears_server, &tcp, TH_START_TIMEOUT, NULL);
	wait_for(b, hears_server, &tcp, TH_TIMEOUT, NULL);
	server_id = server_on(a, tcp)->b.id;
	id_a = disc_roster(a)->self_id;
	id_b = disc_roster(b)->self_id;
	assert_int_not_equal(id_a, id_b);

	struct disc_self self_a = {.nick = "alice", .status = BEACON_AVAILABLE, .idle_s = 0,
	    .server_addr = "127.0.0.1", .server_port = tcp};
	struct disc_self self_b = {.nick = "bob", .status = BEACON_AWAY, .idle_s = 42,
	    .server_addr = "127.0.0.1", .server_port = tcp};
	disc_tick(a, &self_a, clock_ms(), &next);
	disc_tick(b, &self_b, clock_ms(), &next);
	assert_true(disc_counts(a)->sent >= 1);
	assert_true(disc_counts(b)->sent >= 1);

	/*
	 * Loopback delivers a broadcast to every socket on the port during sendto, so by the
	 * time a has read bob's beacon it has also read its own, which was sent first.
	 */
	wait_for(a, hears_user, "bob", TH_TIMEOUT, NULL);
	wait_for(b, hears_user, "alice", TH_TIMEOUT, NULL);
	pb = user_named(a, "bob");
	assert_string_equal(pb->addr, "127.0.0.1");
	assert_int_equal(pb->b.id, id_b);
	assert_int_equal(pb->b.status, BEACON_AWAY);
	assert_int_equal(pb->b.idle, 42);
	assert_int_equal(pb->b.server, server_id);
	pa = user_named(b, "alice");
	assert_int_equal(pa->b.id, id_a);
	assert_int_equal(pa->b.status, BEACON_AVAILABLE);
	assert_int_equal(pa->b.idle, 0);
	assert_int_equal(pa->b.server, server_id);
	assert_int_equal(count_users(a), 1);
	assert_int_equal(count_users(b), 1);
	assert_null(beacon_roster_find(disc_roster(a), id_a));
	assert_null(beacon_roster_find(disc_roster(b), id_b));

	/* bob goes: his bye reaches the wire and alice drops him without waiting for expiry. */
	close_disc(b);
	bt_expect(witness, BEACON_BYE, id_b, &bye, NULL, TH_TIMEOUT);
	wait_for(a, lost_user, "bob", TH_TIMEOUT, NULL);
	assert_int_equal(count_users(a), 0);
	assert_non_null(server_on(a, tcp));
}

/* Junk is counted as rejected, one for one, and changes nothing; real beacons still count. */
static void
test_discovery_rejects_junk(void **state)
{
	struct beacon carol;
	char buf[BEACON_MAX];
	uint64_t want;
	int port, tcp, n;
	struct th_server *srv;
	struct discovery *d;

	(void)state;
	bt_listen(0, &port);
	d = open_disc(port, false);
	srv = bt_server(port, NULL);
	tcp = th_server_port(srv);
	wait_for(d, hears_server, &tcp, TH_START_TIMEOUT, NULL);
	assert_int_equal(disc_counts(d)->rejected, 0);

	for (size_t i = 0; i < bt_njunk; i++)
		bt_send_junk(i, port);
	want = bt_njunk;
	wait_for(d, rejected_at_least, &want, TH_TIMEOUT, NULL);
	assert_int_equal(disc_counts(d)->rejected, bt_njunk);
	assert_int_equal(disc_counts(d)->dropped, 0);
	assert_int_equal(count_users(d), 0);
	assert_non_null(server_on(d, tcp));

	memset(&carol, 0, sizeof carol);
	carol.kind = BEACON_USER;
	carol.id = 0xc0ffee;
	carol.seq = 1;
	strcpy(carol.nick, "carol");
	carol.status = BEACON_IDLE;
	carol.idle = 600;
	n = beacon_encode(&carol, buf, sizeof buf);
	assert_true(n > 0);
	bt_send(port, buf, (size_t)n);
	wait_for(d, hears_user, "carol", TH_TIMEOUT, NULL);
	assert_int_equal(user_named(d, "carol")->b.status, BEACON_IDLE);
	assert_int_equal(disc_counts(d)->rejected, bt_njunk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_discovery_finds_server, teardown),
		cmocka_unit_test_teardown(test_discovery_users, teardown),
		cmocka_unit_test_teardown(test_discovery_rejects_junk, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
