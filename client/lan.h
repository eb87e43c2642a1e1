/*
 * lan: the client's decisions about the LAN, without I/O or curses. What to do when started
 * without a HOST (wait, connect to the only server, offer a choice, say none was found), the
 * server picker's state, our own presence status, and the text of /servers lines. The
 * roster itself lives in discovery.c; callers pass its peers and the clock.
 */
#ifndef LANCHAT_LAN_H
#define LANCHAT_LAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/beacon.h"

/* ---- start-up without a HOST ---- */

enum lan_boot_action {
	LAN_BOOT_WAIT,     /* keep listening */
	LAN_BOOT_NONE,     /* nothing heard in time: tell the user (once), keep listening */
	LAN_BOOT_CONNECT,  /* exactly one server: connect to it */
	LAN_BOOT_PICK      /* several: let the user choose */
};

struct lan_boot {
	bool active;         /* still deciding; false once decided or given up */
	bool told_none;
	int64_t start_ms;
	int64_t first_ms;    /* when the first server was heard, 0 = not yet */
	int64_t wait_ms;     /* DISCOVER_WAIT_MS, or DISCOVER_QUIET_WAIT_MS (lan_boot_quiet) */
};

void lan_boot_start(struct lan_boot *b, int64_t now);
/*
 * We send no beacon (--no-beacon), so no server answers at once: wait for a periodic one,
 * DISCOVER_QUIET_WAIT_MS, before saying none was found.
 */
void lan_boot_quiet(struct lan_boot *b);
/*
 * Called each pass with the number of servers heard. The decision comes wait_ms after
 * the start, and no sooner than DISCOVER_SETTLE_MS after the first server was heard
 * so that servers started together are offered together. CONNECT and PICK end the boot.
 */
enum lan_boot_action lan_boot_step(struct lan_boot *b, size_t nservers, int64_t now);
/* When lan_boot_step next has something to decide (INT64_MAX if never). */
int64_t lan_boot_deadline(const struct lan_boot *b);

/* ---- the server picker ---- */

enum { LAN_PICK_MAX = 64 };

enum lan_pick_key { LAN_KEY_UP, LAN_KEY_DOWN, LAN_KEY_HOME, LAN_KEY_END, LAN_KEY_ENTER,
	LAN_KEY_CANCEL };

enum lan_pick_result { LAN_PICK_OPEN, LAN_PICK_CHOSEN, LAN_PICK_CANCELLED };

struct lan_picker {
	bool open;
	size_t n;
	size_t sel;
	uint64_t ids[LAN_PICK_MAX];  /* the list as last synced, in display order */
};

void lan_picker_open(struct lan_picker *p);
/*
 * Servers come and go while the picker is shown: keep the cursor on the same server (by
 * id), or on the same row when that server vanished.
 */
void lan_picker_sync(struct lan_picker *p, const struct beacon_peer *const *servers,
    size_t n);
enum lan_pick_result lan_picker_key(struct lan_picker *p, enum lan_pick_key k);
/* Id of the selected server, 0 if the list is empty. */
uint64_t lan_picker_selected(const struct lan_picker *p);

/* ---- our own presence ---- */

/* away wins over idle; idle after IDLE_AFTER_MS without a key. *idle_s gets the seconds. */
enum beacon_status lan_self_status(bool away, int64_t last_key_ms, int64_t now,
    uint32_t *idle_s);

/* ---- text ---- */

/* "5s", "3m", "2h", "4d": how long ago, short. */
void lan_age(char *buf, size_t cap, int64_t ms);
/* One /servers line, sanitised: "name  addr:port  N users  heard 2s ago". */
void lan_server_line(char *buf, size_t cap, const struct beacon_peer *p, int64_t now);
/* "2 servers, 5 people" for the status line. */
void lan_summary(char *buf, size_t cap, size_t nservers, size_t npeople);

#endif
