/*
 * lanplan: the client's decisions about the LAN, without I/O or curses. What to do when started
 * without a HOST (wait, connect to the only server, offer a choice, say none was found), the
 * server picker's state, our own presence status, and the text of /servers lines. The
 * roster itself lives in discovery.c; callers pass its peers and the clock.
 */
#ifndef LANCHAT_LANPLAN_H
#define LANCHAT_LANPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/beacon.h"

/* ---- start-up without a HOST ---- */

enum lanplan_boot_action {
	LANPLAN_BOOT_WAIT,     /* keep listening */
	LANPLAN_BOOT_NONE,     /* nothing heard in time: tell the user (once), keep listening */
	LANPLAN_BOOT_CONNECT,  /* exactly one server: connect to it */
	LANPLAN_BOOT_PICK      /* several: let the user choose */
};

struct lanplan_boot {
	bool active;         /* still deciding; false once decided or given up */
	bool told_none;
	int64_t start_ms;
	int64_t first_ms;    /* when the first server was heard, 0 = not yet */
	int64_t wait_ms;     /* DISCOVER_WAIT_MS, or DISCOVER_QUIET_WAIT_MS (lanplan_boot_quiet) */
};

void lanplan_boot_start(struct lanplan_boot *b, int64_t now);
/*
 * We send no beacon (--no-beacon), so no server answers at once: wait for a periodic one,
 * DISCOVER_QUIET_WAIT_MS, before saying none was found.
 */
void lanplan_boot_quiet(struct lanplan_boot *b);
/*
 * Called each pass with the number of servers heard. The decision comes wait_ms after
 * the start, and no sooner than DISCOVER_SETTLE_MS after the first server was heard
 * so that servers started together are offered together. CONNECT and PICK end the boot.
 */
enum lanplan_boot_action lanplan_boot_step(struct lanplan_boot *b, size_t nservers, int64_t now);
/* When lanplan_boot_step next has something to decide (INT64_MAX if never). */
int64_t lanplan_boot_deadline(const struct lanplan_boot *b);

/* ---- the server picker ---- */

enum { LANPLAN_PICK_MAX = 64 };

enum lanplan_pick_key {
	LANPLAN_KEY_UP,
	LANPLAN_KEY_DOWN,
	LANPLAN_KEY_HOME,
	LANPLAN_KEY_END,
	LANPLAN_KEY_ENTER,
	LANPLAN_KEY_CANCEL
};

enum lanplan_pick_result { LANPLAN_PICK_OPEN, LANPLAN_PICK_CHOSEN, LANPLAN_PICK_CANCELLED };

struct lanplan_picker {
	bool open;
	size_t n;
	size_t sel;
	/* The list as last synced, in display order; an entry is its id and address. */
	uint64_t ids[LANPLAN_PICK_MAX];
	char addrs[LANPLAN_PICK_MAX][HOST_LEN];
};

void lanplan_picker_open(struct lanplan_picker *p);
/*
 * Servers come and go while the picker is shown: keep the cursor on the same server (by
 * id and address), or on the same row when that server vanished.
 */
void lanplan_picker_sync(struct lanplan_picker *p, const struct beacon_peer *const *servers,
    size_t n);
enum lanplan_pick_result lanplan_picker_key(struct lanplan_picker *p, enum lanplan_pick_key k);
/* Id of the selected server, 0 if the list is empty. */
uint64_t lanplan_picker_selected(const struct lanplan_picker *p);
/* Its source address, "" if the list is empty. */
const char *lanplan_picker_selected_addr(const struct lanplan_picker *p);
/* Is the row showing this server the selected one? */
bool lanplan_picker_is_selected(const struct lanplan_picker *p, const struct beacon_peer *s);

/*
 * May start-up join servers[0] by itself? Only when it is the one server heard and no
 * other address claims its id: an impersonated server is offered, never joined unasked.
 */
bool lanplan_auto_join_ok(const struct beacon_roster *r, const struct beacon_peer *const *servers,
    size_t n);

/* ---- our own presence ---- */

/* away wins over idle; idle after IDLE_AFTER_MS without a key. *idle_s gets the seconds. */
enum beacon_status lanplan_self_status(bool away, int64_t last_key_ms, int64_t now,
    uint32_t *idle_s);

/* ---- text ---- */

/* "5s", "3m", "2h", "4d": how long ago, short. */
void lanplan_age(char *buf, size_t cap, int64_t ms);
/* One /servers line, sanitised: "name  addr:port  N users  heard 2s ago". */
void lanplan_server_line(char *buf, size_t cap, const struct beacon_peer *p, int64_t now);
/* "2 servers, 5 people" for the status line. */
void lanplan_summary(char *buf, size_t cap, size_t nservers, size_t npeople);

#endif
