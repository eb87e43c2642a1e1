/*
 * libFuzzer target for the client's LAN side fed datagrams from many source addresses:
 * discovery's roster, the start-up decision, the server picker and its keys, and the real
 * picker and people views drawn (curses on /dev/null) at sizes the input picks.
 *
 * The input is split at '\n'. A chunk's first byte picks the source address (10.0.A.B from
 * its two halves, so up to 256 of them; 0 is the "real" server at 10.0.0.0), the second
 * moves the clock (in 100 ms steps) and the rest is the datagram. A chunk starting with
 * 0xff instead presses picker keys (one per byte) and resizes the view.
 *
 * Promises (abort when broken): the roster stays within BEACON_ROSTER_MAX and holds each
 * (id, address) once; the first entry to claim an id is never marked suspect while it is
 * heard; once joined (pinned), the real server stays while it keeps beaconing and no bye
 * comes from its own address; start-up never joins a server whose id two addresses claim;
 * the picker's selection is always in the roster.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/discovery.h"
#include "client/lanplan.h"
#include "client/lanview.h"
#include "fuzz_curses.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static WINDOW *win;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_CTYPE, "C.UTF-8");
	fuzz_curses_quiet();
	initscr();
	return 0;
}

static void
check_roster(const struct beacon_roster *r)
{
	CHECK(r->len <= BEACON_ROSTER_MAX);
	for (size_t i = 0; i < r->len; i++) {
		const struct beacon_peer *p = &r->peers[i];
		CHECK(beacon_roster_find_at(r, p->b.id, p->addr) == p);
		const struct beacon_peer *first = beacon_roster_find(r, p->b.id);
		CHECK(first != NULL);
		if (p->suspect)
			CHECK(beacon_roster_claims(r, p->b.id) >= 1);
	}
}

static void
draw(struct discovery *d, const struct lanplan_picker *pk, unsigned char rows,
    unsigned char cols, int64_t now)
{
	struct lanview_self self = { .nick = "alice", .status = BEACON_AVAILABLE };
	if (win != NULL)
		delwin(win);
	win = newwin(1 + rows % 40, 1 + cols % 200, 0, 0);
	if (win == NULL)
		return;
	lanview_picker(win, pk, d, now);
	lanview_people(win, d, &self, now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char real_addr[] = "10.0.0.0";
	const unsigned char *p = data, *end = data + size;
	struct disc_config cfg = { .port = 0, .announce = false, .dest = { "127.0.0.1" },
		.ndest = 1 };
	char err[128];
	struct lanplan_picker pk;
	struct lanplan_boot boot;
	int64_t now = 1000, real_heard = -1;
	bool real_pinned = false;

	struct discovery *d = disc_open(&cfg, err, sizeof err);
	if (d == NULL)
		abort();
	const struct beacon_roster *r = disc_roster(d);
	lanplan_picker_open(&pk);
	lanplan_boot_start(&boot, now);

	while (p < end) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
		const unsigned char *stop = nl != NULL ? nl : end;
		size_t n = (size_t)(stop - p);
		const struct beacon_peer *srv[LANPLAN_PICK_MAX];
		size_t ns;

		if (n >= 1 && p[0] == 0xff) {
			static const enum lanplan_pick_key keys[] = { LANPLAN_KEY_UP,
				LANPLAN_KEY_DOWN, LANPLAN_KEY_HOME, LANPLAN_KEY_END,
				LANPLAN_KEY_ENTER, LANPLAN_KEY_CANCEL };
			for (size_t i = 1; i < n; i++) {
				if (lanplan_picker_key(&pk, keys[p[i] % 6]) ==
				    LANPLAN_PICK_CHOSEN) {
					const struct beacon_peer *c =
					    beacon_roster_find_at(r, lanplan_picker_selected(&pk),
					        lanplan_picker_selected_addr(&pk));
					CHECK(c != NULL);
					disc_pin(d, c);
				}
				if (!pk.open)
					lanplan_picker_open(&pk);
			}
			draw(d, &pk, n > 1 ? p[1] : 20, n > 2 ? p[2] : 80, now);
		} else if (n >= 2) {
			char addr[32];
			snprintf(addr, sizeof addr, "10.0.%u.%u", p[0] >> 4, p[0] & 15u);
			now += (int64_t)p[1] * 100;
			bool real_known = real_heard >= 0 &&
			    now - real_heard <= beacon_expire_ms(r->interval_ms);
			const struct beacon_peer *real = NULL;
			uint64_t real_id = 0;
			for (size_t i = 0; i < r->len; i++)
				if (strcmp(r->peers[i].addr, real_addr) == 0 &&
				    r->peers[i].b.kind == BEACON_SERVER && r->peers[i].pinned)
					real = &r->peers[i], real_id = r->peers[i].b.id;
			disc_take(d, (const char *)p + 2, n - 2, addr, now);
			if (strcmp(addr, real_addr) == 0) {
				const struct beacon_peer *q = NULL;
				for (size_t i = 0; i < r->len; i++)
					if (strcmp(r->peers[i].addr, real_addr) == 0 &&
					    r->peers[i].b.kind == BEACON_SERVER)
						q = &r->peers[i];
				if (q != NULL && q->heard_ms == now) {
					real_heard = now;
					if (!real_pinned) {
						disc_pin(d, q);
						real_pinned = true;
					}
				}
			} else if (real != NULL && real_known) {
				/* Nobody else can push the joined server out or take it back. */
				CHECK(beacon_roster_find_at(r, real_id, real_addr) != NULL);
			}
		}
		beacon_roster_expire((struct beacon_roster *)r, now);
		check_roster(r);
		ns = disc_servers(d, srv, LANPLAN_PICK_MAX);
		if (lanplan_boot_step(&boot, ns, now) == LANPLAN_BOOT_CONNECT &&
		    lanplan_auto_join_ok(r, srv, ns))
			CHECK(beacon_roster_claims(r, srv[0]->b.id) == 1 && !srv[0]->suspect);
		lanplan_picker_sync(&pk, srv, ns);
		if (lanplan_picker_selected(&pk) != 0)
			CHECK(beacon_roster_find_at(r, lanplan_picker_selected(&pk),
			    lanplan_picker_selected_addr(&pk)) != NULL);
		for (size_t i = 0; i < ns; i++) {
			char line[512];
			lanplan_server_line(line, sizeof line, srv[i], now);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	draw(d, &pk, 24, 80, now);
	disc_close(d);
	return 0;
}
