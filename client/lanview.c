#include "client/lanview.h"

#include <stdio.h>
#include <string.h>

#include "client/scrollback.h"
#include "common/limits.h"
#include "common/sanitize.h"
#include "common/text.h"

/* Columns of the two tables. */
enum {
	COL_NAME = 20,      /* server name in the picker */
	COL_ADDR = 24,      /* address:port */
	COL_USERS = 11,
	COL_HEARD = 8,
	COL_NICK = 17,
	COL_STATUS = 11,
	COL_IDLE = 7,
	COL_SERVER = 20
};

/*
 * Writes network text at (y, x), sanitised and cut to whole characters that fit in width
 * columns, so that one long or wide name cannot push the next column out of place.
 */
static void
put_cell(WINDOW *w, int y, int x, int width, const char *s)
{
	char safe[512];
	size_t n, fit;
	int h, wd;

	getmaxyx(w, h, wd);
	if (y >= h || x >= wd)
		return;
	if (x + width > wd)
		width = wd - x;
	san_text(safe, sizeof safe, s, strlen(s), SAN_STRIP_FORMAT);
	n = strlen(safe);
	fit = text_fit(safe, n, width);
	mvwaddnstr(w, y, x, safe, (int)fit);
}

static void
header(WINDOW *w, int y, const char *text)
{
	wattrset(w, A_BOLD);
	put_cell(w, y, 1, getmaxx(w) - 1, text);
	wattrset(w, A_NORMAL);
}

void
lanview_picker(WINDOW *w, const struct lanplan_picker *p, const struct discovery *d, int64_t now)
{
	const struct beacon_peer *srv[LANPLAN_PICK_MAX];
	size_t n = d != NULL ? disc_servers(d, srv, LANPLAN_PICK_MAX) : 0;
	int h = getmaxy(w), y = 0;
	bool any_suspect = false;

	werase(w);
	header(w, y++, "Servers on the LAN: Up/Down choose, Enter connects, Esc or q cancels");
	if (n == 0) {
		put_cell(w, ++y, 3, getmaxx(w) - 3, "(none heard now; still listening)");
		wnoutrefresh(w);
		return;
	}
	y++;
	wattrset(w, A_DIM);
	int x = 3;
	put_cell(w, y, x, COL_NAME, "NAME");
	put_cell(w, y, x += COL_NAME, COL_ADDR, "ADDRESS");
	put_cell(w, y, x += COL_ADDR, COL_USERS, "USERS");
	put_cell(w, y, x += COL_USERS, COL_HEARD, "HEARD");
	x += COL_HEARD;
	put_cell(w, y++, x, getmaxx(w) - x, "NOTE");
	wattrset(w, A_NORMAL);
	for (size_t i = 0; i < n && y < h; i++, y++) {
		char addr[HOST_LEN + 16], users[32], age[16];
		bool on = lanplan_picker_is_selected(p, srv[i]);

		snprintf(addr, sizeof addr, "%s:%u", srv[i]->addr, (unsigned)srv[i]->b.port);
		snprintf(users, sizeof users, "%u/%u", (unsigned)srv[i]->b.users,
		    (unsigned)srv[i]->b.max);
		lanplan_age(age, sizeof age, now - srv[i]->heard_ms);
		wattrset(w, on ? A_REVERSE | A_BOLD : A_NORMAL);
		if (on)
			mvwhline(w, y, 1, ' ', getmaxx(w) - 2);
		put_cell(w, y, 1, 2, on ? ">" : " ");
		x = 3;
		put_cell(w, y, x, COL_NAME - 1, srv[i]->b.name);
		put_cell(w, y, x += COL_NAME, COL_ADDR - 1, addr);
		put_cell(w, y, x += COL_ADDR, COL_USERS - 1, users);
		put_cell(w, y, x += COL_USERS, COL_HEARD - 1, age);
		if (srv[i]->suspect) {
			/* Another address claimed this id first: maybe an impersonation. */
			put_cell(w, y, x + COL_HEARD, getmaxx(w) - x - COL_HEARD, "SUSPECT");
			any_suspect = true;
		} else if (srv[i]->pinned) {
			put_cell(w, y, x + COL_HEARD, getmaxx(w) - x - COL_HEARD, "joined");
		}
		wattrset(w, A_NORMAL);
	}
	if (any_suspect && y + 1 < h)
		put_cell(w, y + 1, 3, getmaxx(w) - 3,
		    "SUSPECT: another address sent this id first; it may be an impersonation");
	wnoutrefresh(w);
}

static void
person(WINDOW *w, int y, const char *nick, enum beacon_status st, uint32_t idle,
    const char *server, const char *addr)
{
	char idle_s[16];
	int x = 3;

	lanplan_age(idle_s, sizeof idle_s, (int64_t)idle * 1000);
	wattrset(w, st == BEACON_AVAILABLE ? A_NORMAL : A_DIM);
	put_cell(w, y, x, COL_NICK - 1, nick);
	put_cell(w, y, x += COL_NICK, COL_STATUS - 1, beacon_status_name(st));
	put_cell(w, y, x += COL_STATUS, COL_IDLE - 1, idle_s);
	put_cell(w, y, x += COL_IDLE, COL_SERVER - 1, server);
	x += COL_SERVER;
	put_cell(w, y, x, getmaxx(w) - x, addr);
	wattrset(w, A_NORMAL);
}

void
lanview_people(WINDOW *w, const struct discovery *d, const struct lanview_self *self,
    int64_t now)
{
	const struct beacon_peer *ppl[BEACON_ROSTER_MAX], *srv[BEACON_ROSTER_MAX];
	size_t np = d != NULL ? disc_users(d, ppl, BEACON_ROSTER_MAX) : 0;
	size_t ns = d != NULL ? disc_servers(d, srv, BEACON_ROSTER_MAX) : 0;
	int h = getmaxy(w), y = 0;
	char line[128];

	werase(w);
	if (d == NULL) {
		header(w, y, "LAN discovery is off (F4 or /lan closes this view)");
		wnoutrefresh(w);
		return;
	}
	snprintf(line, sizeof line, "People on the LAN: %zu besides you (F4 or /lan closes)", np);
	header(w, y++, line);
	wattrset(w, A_DIM);
	int x = 3;
	put_cell(w, y, x, COL_NICK, "NICK");
	put_cell(w, y, x += COL_NICK, COL_STATUS, "STATUS");
	put_cell(w, y, x += COL_STATUS, COL_IDLE, "IDLE");
	put_cell(w, y, x += COL_IDLE, COL_SERVER, "SERVER");
	put_cell(w, y++, x + COL_SERVER, 16, "ADDRESS");
	wattrset(w, A_NORMAL);
	if (y < h) {
		put_cell(w, y, 1, 2, "*");
		person(w, y++, self->nick, self->status, self->idle_s,
		    self->server != NULL ? self->server : "-", "(you)");
	}
	/* Keep a row for the servers' heading and one server when the list is long. */
	for (size_t i = 0; i < np && y < h; i++, y++) {
		if (y >= h - 3 && i + 1 < np && ns > 0) {
			snprintf(line, sizeof line, "... %zu more", np - i);
			put_cell(w, y++, 3, getmaxx(w) - 3, line);
			break;
		}
		const char *sname = ppl[i]->b.server == 0 ? "-" :
		    disc_server_name(d, ppl[i]->b.server);
		person(w, y, ppl[i]->b.nick, ppl[i]->b.status, ppl[i]->b.idle,
		    sname != NULL ? sname : "(not heard)", ppl[i]->addr);
	}
	if (y + 1 < h) {
		y++;
		snprintf(line, sizeof line, "Servers on the LAN: %zu", ns);
		header(w, y++, line);
	}
	for (size_t i = 0; i < ns && y < h; i++, y++) {
		char text[512];
		lanplan_server_line(text, sizeof text, srv[i], now);
		put_cell(w, y, 3, getmaxx(w) - 3, text);
	}
	wnoutrefresh(w);
}
