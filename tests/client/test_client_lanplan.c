/*
 * The client's LAN decisions with a fake clock: what start-up without a HOST does with 0, 1
 * or several servers, the picker's cursor while servers come and go, our own status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client/lanplan.h"
#include "common/lan.h" /* both LAN headers in one file: neither may hide the other */
#include "common/limits.h"

static struct beacon_peer peers[8];
static const struct beacon_peer *list[8];

/* Makes list[0..n) point at servers with ids ids[0..n). */
static void
servers(const uint64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&peers[i], 0, sizeof peers[i]);
		peers[i].b.kind = BEACON_SERVER;
		peers[i].b.id = ids[i];
		list[i] = &peers[i];
	}
}

static void
boot_none_then_one(void **state)
{
	struct lanplan_boot b;
	(void)state;

	lanplan_boot_start(&b, 1000);
	assert_int_equal(lanplan_boot_step(&b, 0, 1000), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_deadline(&b), 1000 + DISCOVER_WAIT_MS);
	assert_int_equal(lanplan_boot_step(&b, 0, 1000 + DISCOVER_WAIT_MS - 1), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_step(&b, 0, 1000 + DISCOVER_WAIT_MS), LANPLAN_BOOT_NONE);
	/* Said once, then still listening. */
	assert_int_equal(
	    lanplan_boot_step(&b, 0, 1000 + DISCOVER_WAIT_MS + 500), LANPLAN_BOOT_WAIT);
	assert_true(b.active);
	/* A server heard late: give others a moment to be heard too, then connect. */
	int64_t t = 10000;
	assert_int_equal(lanplan_boot_step(&b, 1, t), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_deadline(&b), t + DISCOVER_SETTLE_MS);
	assert_int_equal(lanplan_boot_step(&b, 1, t + DISCOVER_SETTLE_MS - 1), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_step(&b, 1, t + DISCOVER_SETTLE_MS), LANPLAN_BOOT_CONNECT);
	assert_false(b.active);
	assert_int_equal(lanplan_boot_deadline(&b), INT64_MAX);
	assert_int_equal(lanplan_boot_step(&b, 1, t + 99999), LANPLAN_BOOT_WAIT);
}

static void
boot_one_early(void **state)
{
	struct lanplan_boot b;
	(void)state;

	lanplan_boot_start(&b, 0);
	assert_int_equal(lanplan_boot_step(&b, 1, 10), LANPLAN_BOOT_WAIT);
	/* Heard long before the wait ended: decided at the end of the wait. */
	assert_int_equal(lanplan_boot_step(&b, 1, DISCOVER_WAIT_MS - 1), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_step(&b, 1, DISCOVER_WAIT_MS), LANPLAN_BOOT_CONNECT);
}

static void
boot_several(void **state)
{
	struct lanplan_boot b;
	(void)state;

	lanplan_boot_start(&b, 0);
	assert_int_equal(lanplan_boot_step(&b, 1, DISCOVER_WAIT_MS - 100), LANPLAN_BOOT_WAIT);
	/* The first server was heard just before the wait ended: the settle time still runs. */
	assert_int_equal(lanplan_boot_step(&b, 1, DISCOVER_WAIT_MS), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_step(&b, 2, DISCOVER_WAIT_MS + 200), LANPLAN_BOOT_WAIT);
	assert_int_equal(lanplan_boot_step(&b, 2, DISCOVER_WAIT_MS - 100 + DISCOVER_SETTLE_MS),
	    LANPLAN_BOOT_PICK);
	assert_false(b.active);
}

static void
boot_heard_then_forgotten(void **state)
{
	struct lanplan_boot b;
	(void)state;

	lanplan_boot_start(&b, 0);
	assert_int_equal(lanplan_boot_step(&b, 1, 100), LANPLAN_BOOT_WAIT);
	/* It expired before the decision: nothing to connect to. */
	assert_int_equal(lanplan_boot_step(&b, 0, DISCOVER_WAIT_MS), LANPLAN_BOOT_NONE);
	/* Heard again much later: the settle time counts from then. */
	assert_int_equal(lanplan_boot_step(&b, 1, 50000), LANPLAN_BOOT_WAIT);
	assert_int_equal(
	    lanplan_boot_step(&b, 1, 50000 + DISCOVER_SETTLE_MS), LANPLAN_BOOT_CONNECT);
}

static void
picker_moves_and_chooses(void **state)
{
	struct lanplan_picker p;
	const uint64_t ids[] = { 11, 22, 33 };
	(void)state;

	servers(ids, 3);
	lanplan_picker_open(&p);
	lanplan_picker_sync(&p, list, 3);
	assert_int_equal(lanplan_picker_selected(&p), 11);
	assert_int_equal(lanplan_picker_key(&p, LANPLAN_KEY_UP), LANPLAN_PICK_OPEN);
	assert_int_equal(lanplan_picker_selected(&p), 11);
	lanplan_picker_key(&p, LANPLAN_KEY_DOWN);
	lanplan_picker_key(&p, LANPLAN_KEY_DOWN);
	lanplan_picker_key(&p, LANPLAN_KEY_DOWN);
	assert_int_equal(lanplan_picker_selected(&p), 33);
	lanplan_picker_key(&p, LANPLAN_KEY_HOME);
	assert_int_equal(lanplan_picker_selected(&p), 11);
	lanplan_picker_key(&p, LANPLAN_KEY_END);
	assert_int_equal(lanplan_picker_selected(&p), 33);
	lanplan_picker_key(&p, LANPLAN_KEY_UP);
	assert_int_equal(lanplan_picker_key(&p, LANPLAN_KEY_ENTER), LANPLAN_PICK_CHOSEN);
	assert_false(p.open);
	assert_int_equal(lanplan_picker_selected(&p), 22);
}

static void
picker_follows_the_server(void **state)
{
	struct lanplan_picker p;
	const uint64_t three[] = { 11, 22, 33 }, newer[] = { 44, 11, 22, 33 };
	const uint64_t gone[] = { 44, 11, 33 };
	(void)state;

	servers(three, 3);
	lanplan_picker_open(&p);
	lanplan_picker_sync(&p, list, 3);
	lanplan_picker_key(&p, LANPLAN_KEY_DOWN);
	assert_int_equal(lanplan_picker_selected(&p), 22);
	/* A new server is listed first: the cursor stays on 22, one row lower. */
	servers(newer, 4);
	lanplan_picker_sync(&p, list, 4);
	assert_int_equal(lanplan_picker_selected(&p), 22);
	assert_int_equal(p.sel, 2);
	/* 22 vanishes: the cursor stays on its row. */
	servers(gone, 3);
	lanplan_picker_sync(&p, list, 3);
	assert_int_equal(lanplan_picker_selected(&p), 33);
	/* Everything vanishes: Enter does nothing, Esc closes. */
	lanplan_picker_sync(&p, list, 0);
	assert_int_equal(lanplan_picker_selected(&p), 0);
	assert_int_equal(lanplan_picker_key(&p, LANPLAN_KEY_ENTER), LANPLAN_PICK_OPEN);
	assert_true(p.open);
	assert_int_equal(lanplan_picker_key(&p, LANPLAN_KEY_CANCEL), LANPLAN_PICK_CANCELLED);
	assert_false(p.open);
}

static void
self_status(void **state)
{
	uint32_t idle;
	(void)state;

	assert_int_equal(lanplan_self_status(false, 1000, 1000, &idle), BEACON_AVAILABLE);
	assert_int_equal(idle, 0);
	assert_int_equal(lanplan_self_status(false, 1000, 1000 + IDLE_AFTER_MS - 1, &idle),
	    BEACON_AVAILABLE);
	assert_int_equal(idle, (IDLE_AFTER_MS - 1) / 1000);
	assert_int_equal(
	    lanplan_self_status(false, 1000, 1000 + IDLE_AFTER_MS, &idle), BEACON_IDLE);
	assert_int_equal(idle, IDLE_AFTER_MS / 1000);
	/* Away wins over idle, and the idle time is still reported. */
	assert_int_equal(lanplan_self_status(true, 1000, 1000 + IDLE_AFTER_MS, &idle), BEACON_AWAY);
	assert_int_equal(idle, IDLE_AFTER_MS / 1000);
	assert_int_equal(lanplan_self_status(true, 5000, 5000, &idle), BEACON_AWAY);
	/* A clock that went back reads as no idle time. */
	assert_int_equal(lanplan_self_status(false, 5000, 1000, &idle), BEACON_AVAILABLE);
	assert_int_equal(idle, 0);
}

static void
text(void **state)
{
	char buf[256];
	struct beacon_peer p;
	(void)state;

	lanplan_age(buf, sizeof buf, 59999);
	assert_string_equal(buf, "59s");
	lanplan_age(buf, sizeof buf, 60000);
	assert_string_equal(buf, "1m");
	lanplan_age(buf, sizeof buf, 2 * 3600 * 1000);
	assert_string_equal(buf, "2h");
	lanplan_age(buf, sizeof buf, -5);
	assert_string_equal(buf, "0s");
	lanplan_summary(buf, sizeof buf, 1, 1);
	assert_string_equal(buf, "1 server, 1 person");
	lanplan_summary(buf, sizeof buf, 0, 3);
	assert_string_equal(buf, "0 servers, 3 people");

	memset(&p, 0, sizeof p);
	strcpy(p.b.name, "lab\x1b[2J");
	strcpy(p.addr, "192.168.1.7");
	p.b.port = 6667;
	p.b.users = 3;
	p.b.max = 50;
	p.heard_ms = 1000;
	lanplan_server_line(buf, sizeof buf, &p, 4500);
	/* The escape is made visible and inert, never passed through. */
	assert_null(strchr(buf, '\x1b'));
	assert_non_null(strstr(buf, "192.168.1.7:6667"));
	assert_non_null(strstr(buf, "3/50 users"));
	assert_non_null(strstr(buf, "heard 3s ago"));
}

/* The client's module and the common beacon plumbing are both usable from one file. */
static void
both_lan_headers(void **state)
{
	(void)state;
	struct lan_dests d;
	struct lanplan_picker p;
	lan_dests_init(&d, BEACON_PORT_DEFAULT);
	assert_true(lan_dests_add(&d, "127.255.255.255"));
	lanplan_picker_open(&p);
	assert_int_equal(lanplan_picker_selected(&p), 0);
}

/*
 * Two addresses claiming one server id: start-up joins neither by itself, and the picker
 * tells the two apart by address.
 */
static void
spoofed_never_auto_joined(void **state)
{
	static struct beacon_roster r;
	struct beacon b;
	struct lanplan_picker p;
	const struct beacon_peer *one[1], *two[2];
	(void)state;

	memset(&b, 0, sizeof b);
	b.kind = BEACON_SERVER;
	b.id = 0x42;
	b.seq = 1;
	strcpy(b.name, "lab");
	b.port = 6667;
	beacon_roster_init(&r, 0, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&r, &b, "10.0.0.5", 0), BEACON_NEW);
	one[0] = beacon_roster_find(&r, 0x42);
	assert_true(lanplan_auto_join_ok(&r, one, 1));
	b.seq = UINT64_MAX;
	assert_int_equal(beacon_roster_update(&r, &b, "10.0.0.66", 0), BEACON_NEW);
	two[0] = beacon_roster_find_at(&r, 0x42, "10.0.0.66");
	two[1] = beacon_roster_find_at(&r, 0x42, "10.0.0.5");
	assert_true(two[0]->suspect);
	/* Neither the real one nor the rogue alone is joined unasked while both claim the id. */
	assert_false(lanplan_auto_join_ok(&r, one, 1));
	assert_false(lanplan_auto_join_ok(&r, &two[0], 1));
	assert_false(lanplan_auto_join_ok(&r, two, 2));
	char line[512];
	lanplan_server_line(line, sizeof line, two[0], 0);
	assert_non_null(strstr(line, "SUSPECT"));
	lanplan_server_line(line, sizeof line, two[1], 0);
	assert_null(strstr(line, "SUSPECT"));

	/* The cursor stays on the chosen address when the list reorders. */
	lanplan_picker_open(&p);
	lanplan_picker_sync(&p, two, 2);
	assert_int_equal(lanplan_picker_key(&p, LANPLAN_KEY_DOWN), LANPLAN_PICK_OPEN);
	assert_string_equal(lanplan_picker_selected_addr(&p), "10.0.0.5");
	const struct beacon_peer *swapped[2] = { two[1], two[0] };
	lanplan_picker_sync(&p, swapped, 2);
	assert_int_equal(p.sel, 0);
	assert_true(lanplan_picker_is_selected(&p, two[1]));
	assert_false(lanplan_picker_is_selected(&p, two[0]));
	assert_int_equal(lanplan_picker_key(&p, LANPLAN_KEY_ENTER), LANPLAN_PICK_CHOSEN);
	assert_ptr_equal(beacon_roster_find_at(&r, lanplan_picker_selected(&p),
	    lanplan_picker_selected_addr(&p)), two[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_lan_headers),
		cmocka_unit_test(spoofed_never_auto_joined),
		cmocka_unit_test(boot_none_then_one),
		cmocka_unit_test(boot_one_early),
		cmocka_unit_test(boot_several),
		cmocka_unit_test(boot_heard_then_forgotten),
		cmocka_unit_test(picker_moves_and_chooses),
		cmocka_unit_test(picker_follows_the_server),
		cmocka_unit_test(self_status),
		cmocka_unit_test(text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
