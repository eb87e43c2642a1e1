#include "client/ui.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/net.h"
#include "common/sanitize.h"
#include "common/text.h"
#include "common/util.h"

/* Layout, in rows and columns. */
enum {
	USERS_WIDTH = 18,      /* the user list, border included */
	USERS_MIN_COLS = 72,   /* narrower terminals hide the user list */
	NICK_COLOURS = 6,
	ROWS_MAX = 512         /* wrapped rows of one line we ever draw */
};

/* Colour pairs. */
enum {
	PAIR_GOOD = 1,
	PAIR_WAIT,
	PAIR_BAD,
	PAIR_BAR,
	PAIR_INFO,
	PAIR_PRIVATE,
	PAIR_NICK0 /* NICK_COLOURS pairs from here */
};

static struct {
	bool active;
	WINDOW *status, *msgs, *users, *bar, *input;
	int rows, cols;
	int msg_rows;
	bool has_users;
	bool placed;      /* windows exist for this size */
} ui;

static void
free_windows(void)
{
	WINDOW **all[] = { &ui.status, &ui.msgs, &ui.users, &ui.bar, &ui.input };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (*all[i] != NULL)
			delwin(*all[i]);
		*all[i] = NULL;
	}
}

void
ui_start(bool colours)
{
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* ESC alone is a key of its own here; do not wait a second for a sequence. */
	set_escdelay(25);
	ui.active = true;
	ui_colours(colours);
	ui_resize();
}

void
ui_colours(bool on)
{
	static const short nick[NICK_COLOURS] = { COLOR_RED, COLOR_GREEN, COLOR_YELLOW,
		COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN };
	static bool started;

	if (!ui.active || !has_colors() || (!on && !started))
		return;
	if (!started) {
		start_color();
		use_default_colors();
		started = true;
	}
	/* Off: every pair becomes the terminal's own colours, so nothing else has to know. */
	init_pair(PAIR_GOOD, on ? COLOR_GREEN : -1, -1);
	init_pair(PAIR_WAIT, on ? COLOR_YELLOW : -1, -1);
	init_pair(PAIR_BAD, on ? COLOR_RED : -1, -1);
	init_pair(PAIR_BAR, on ? COLOR_WHITE : -1, on ? COLOR_BLUE : -1);
	init_pair(PAIR_INFO, on ? COLOR_CYAN : -1, -1);
	init_pair(PAIR_PRIVATE, on ? COLOR_MAGENTA : -1, -1);
	for (int i = 0; i < NICK_COLOURS; i++)
		init_pair((short)(PAIR_NICK0 + i), on ? nick[i] : -1, -1);
	clearok(curscr, TRUE);
}

void
ui_stop(void)
{
	if (!ui.active)
		return;
	ui.active = false;
	free_windows();
	endwin();
}

void
ui_bell(void)
{
	if (ui.active)
		beep();
}

int
ui_page_rows(void)
{
	return ui.msg_rows > 2 ? ui.msg_rows - 1 : 1;
}

void
ui_resize(void)
{
	free_windows();
	getmaxyx(stdscr, ui.rows, ui.cols);
	if (ui.rows < 1)
		ui.rows = 1;
	if (ui.cols < 1)
		ui.cols = 1;
	/* Windows are placed by ui_draw; here they only need to exist. */
	ui.placed = false;
	clearok(curscr, TRUE);
}

/* Places the windows for this pass: the user list comes and goes with the window shown. */
static void
layout(bool users)
{
	if (users == ui.has_users && ui.placed)
		return;
	free_windows();
	ui.placed = true;
	ui.has_users = users;
	int y = 0, rows = ui.rows, cols = ui.cols;
	ui.status = newwin(1, cols, y++, 0);
	ui.msg_rows = rows - y - 2;
	if (ui.msg_rows < 1)
		ui.msg_rows = 1;
	int mcols = users ? cols - USERS_WIDTH : cols;
	ui.msgs = newwin(ui.msg_rows, mcols, y, 0);
	if (users)
		ui.users = newwin(ui.msg_rows, USERS_WIDTH, y, mcols);
	ui.bar = newwin(1, cols, rows >= 3 ? rows - 2 : 0, 0);
	ui.input = newwin(1, cols, rows - 1, 0);
	WINDOW *all[] = { ui.status, ui.msgs, ui.users, ui.bar, ui.input };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (all[i] != NULL)
			leaveok(all[i], all[i] != ui.input);
}

static int
nick_pair(const char *s, size_t n)
{
	/* djb2 over the case-folded nick: the same nick always gets the same colour. */
	unsigned long h = 5381;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		h = h * 33 + (unsigned char)c;
	}
	return PAIR_NICK0 + (int)(h % NICK_COLOURS);
}

static attr_t
body_attr(const struct sb_line *l)
{
	if (l->flags & SB_RESTORED)
		return A_DIM;
	if (l->flags & SB_PRIV)
		return COLOR_PAIR(PAIR_PRIVATE) | ((l->flags & SB_HIGHLIGHT) ? A_BOLD : A_NORMAL);
	switch (l->kind) {
	case SB_EVENT:
		return A_DIM;
	case SB_INFO:
		return COLOR_PAIR(PAIR_INFO);
	case SB_ERROR:
		return COLOR_PAIR(PAIR_BAD) | A_BOLD;
	case SB_PRIVATE:
		return COLOR_PAIR(PAIR_PRIVATE);
	case SB_TITLE:
		return A_BOLD;
	case SB_LOG:
		return A_DIM;
	default:
		return (l->flags & SB_HIGHLIGHT) ? A_BOLD : A_NORMAL;
	}
}

/* Draws bytes [from, to) of l's text, coloured by which part of the line they are. */
static void
draw_span(WINDOW *w, const struct sb_line *l, size_t from, size_t to, bool found)
{
	size_t nick_end = l->nick_off + l->nick_len;
	size_t i = from;

	while (i < to) {
		size_t end = to;
		attr_t a;
		bool dim = l->kind == SB_EVENT || (l->flags & SB_RESTORED);
		if (l->nick_len > 0 && i < l->nick_off) {
			end = l->nick_off < to ? l->nick_off : to;
			a = dim ? A_DIM : A_NORMAL;
		} else if (l->nick_len > 0 && i < nick_end) {
			end = nick_end < to ? nick_end : to;
			a = (l->flags & SB_RESTORED) ? A_DIM :
			    COLOR_PAIR(nick_pair(l->text + l->nick_off, l->nick_len)) | A_BOLD;
			if (l->flags & SB_HIGHLIGHT)
				a |= A_REVERSE;
		} else if (l->kind == SB_WIRE_IN || l->kind == SB_WIRE_OUT) {
			a = A_NORMAL;
		} else {
			a = body_attr(l);
		}
		/* The stamp is dim whatever follows it. */
		if (i < l->stamp_len && l->kind != SB_WIRE_IN && l->kind != SB_WIRE_OUT) {
			end = end < l->stamp_len ? end : l->stamp_len;
			a = A_DIM;
		} else if ((l->kind == SB_WIRE_IN || l->kind == SB_WIRE_OUT) &&
		    i < SB_WIRE_STAMP_LEN) {
			end = end < SB_WIRE_STAMP_LEN ? end : SB_WIRE_STAMP_LEN;
			a = COLOR_PAIR(l->kind == SB_WIRE_IN ? PAIR_GOOD : PAIR_WAIT);
		}
		/* The line /find went to stands out. */
		wattrset(w, found ? a | A_REVERSE : a);
		waddnstr(w, l->text + i, (int)(end - i));
		i = end;
	}
	wattrset(w, A_NORMAL);
}

/* Line i of what a pane shows: npre lines drawn above those of sb. */
static const struct sb_line *
pane_line(const struct scrollback *sb, const struct sb_line *const *pre, size_t npre, size_t i)
{
	return i < npre ? pre[i] : sb_get(sb, i - npre);
}

/*
 * Draws the newest lines that fit in w, honouring sb->scroll: pre (the welcome, atop the
 * server window) then sb's own lines, scrolled as one; total is the row count sb_fit_view
 * returned for w's size. Changes nothing in sb.
 */
static void
draw_lines(WINDOW *w, const struct scrollback *sb, const struct sb_line *const *pre,
    size_t npre, long total)
{
	int h, wd;
	struct sb_row rows[ROWS_MAX];
	size_t len = npre + sb->len;

	getmaxyx(w, h, wd);
	werase(w);
	/* Few lines start at the top; many fill from the bottom up. */
	int bottom = total < h ? (int)total - 1 : h - 1;
	long below = 0;
	for (size_t i = len; i > 0; i--) {
		const struct sb_line *l = pane_line(sb, pre, npre, i - 1);
		int ind = sb_indent(l, wd);
		int n = sb_wrap(l->text, wd, ind, rows, ROWS_MAX);
		if (n > ROWS_MAX)
			n = ROWS_MAX;
		for (int k = 0; k < n; k++) {
			long y = bottom - (below + (n - 1 - k) - sb->scroll);
			if (y < 0 || y >= h)
				continue;
			wmove(w, (int)y, 0);
			if (k > 0)
				wprintw(w, "%*s", ind, "");
			draw_span(w, l, rows[k].off, rows[k].off + rows[k].len,
			    i > npre && sb->found != 0 && l->serial == sb->found);
		}
		below += n;
		if (below - sb->scroll > h)
			break;
	}
}

static void
san_text_copy(char *dst, size_t cap, const char *src)
{
	san_text(dst, cap, src, strlen(src), SAN_STRIP_FORMAT);
}

/* Prints a sanitised copy of network text (server and nick names come from the wire). */
static void
put_safe(WINDOW *w, const char *s)
{
	char buf[512];
	san_text_copy(buf, sizeof buf, s);
	waddstr(w, buf);
}

/* One optional part of the status line, drawn only if all of it fits (ASCII text only). */
static void
status_segment(WINDOW *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
status_segment(WINDOW *w, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0 && n <= getmaxx(w) - getcurx(w))
		waddstr(w, buf);
}

static void
draw_status(struct ui_view *v)
{
	struct session *s = v->s;
	WINDOW *w = ui.status;
	char word[SESS_REASON_LEN + 32], a[32], b[32];
	int pair;

	werase(w);
	wbkgd(w, COLOR_PAIR(PAIR_BAR));
	switch (s->state) {
	case SESS_CONNECTED:
		snprintf(word, sizeof word, "connected");
		pair = PAIR_GOOD;
		break;
	case SESS_CONNECTING:
		snprintf(word, sizeof word, "connecting");
		pair = PAIR_WAIT;
		break;
	case SESS_REGISTERING:
		snprintf(word, sizeof word, "registering");
		pair = PAIR_WAIT;
		break;
	case SESS_WAITING: {
		int64_t left = s->retry_at - v->now;
		snprintf(word, sizeof word, "reconnecting in %llds",
		    (long long)((left > 0 ? left : 0) + 999) / 1000);
		pair = PAIR_BAD;
		break;
	}
	default:
		snprintf(word, sizeof word, "disconnected: %s",
		    s->reason[0] ? s->reason : "not connected");
		pair = PAIR_BAD;
		break;
	}
	wattrset(w, COLOR_PAIR(PAIR_BAR) | A_BOLD);
	waddstr(w, " lanchat ");
	/* The state word stands out in its colour, reversed out of the bar. */
	wattrset(w, COLOR_PAIR(pair) | A_BOLD | A_REVERSE);
	waddstr(w, " ");
	put_safe(w, word);
	waddstr(w, " ");
	wattrset(w, COLOR_PAIR(PAIR_BAR));
	waddstr(w, " ");
	put_safe(w, s->nick);
	if (s->account[0] != '\0') {
		waddstr(w, " [");
		put_safe(w, irc_casecmp(s->account, s->nick) == 0 ? "logged in" : s->account);
		waddstr(w, "]");
	}
	if (s->away)
		waddstr(w, " (away)");
	if (s->host[0] != '\0')
		waddstr(w, " @ ");
	if (s->server_name[0] != '\0') {
		put_safe(w, s->server_name);
		waddstr(w, " ");
	}
	if (s->host[0] != '\0') {
		char hp[SESS_HOST_LEN + SESS_PORT_LEN + 8];
		net_join_hostport(hp, sizeof hp, s->host, s->port);
		waddstr(w, "(");
		put_safe(w, hp);
		waddstr(w, ")");
	}
	/* The transport, so nobody has to guess whether the chat is private. */
	if (s->state == SESS_CONNECTED || s->state == SESS_REGISTERING) {
		if (s->tls_fp[0] != '\0')
			wprintw(w, " | TLS %.*s..", TLS_FP_SHORT, s->tls_fp);
		else
			waddstr(w, " | plain");
	}
	const struct sess_chan *c = sess_current(s);
	if (c != NULL) {
		waddstr(w, " | ");
		put_safe(w, c->name);
		wprintw(w, " %s%zu user%s", c->not_kept > 0 ? "> " : "", c->nmembers,
		    c->nmembers == 1 ? "" : "s");
	}
	if (s->state == SESS_CONNECTED && s->lag_ms >= 0)
		status_segment(w, " | lag %lldms", (long long)s->lag_ms);
	if (s->state == SESS_CONNECTED) {
		int64_t up = (v->now - s->registered_at) / 1000;
		status_segment(w, " | up %lld:%02lld:%02lld", (long long)(up / 3600),
		    (long long)(up / 60 % 60), (long long)(up % 60));
	}
	text_fmt_bytes(a, sizeof a, s->bytes_in);
	text_fmt_bytes(b, sizeof b, s->bytes_out);
	status_segment(w, " | in %s out %s", a, b);
	if (s->state == SESS_WAITING && s->reason[0] != '\0') {
		waddstr(w, " | ");
		put_safe(w, s->reason);
	}
	wnoutrefresh(w);
}

/* A changed server certificate was refused: say so across the whole messages pane. */
static void
draw_cert_warning(WINDOW *w, const struct session *s)
{
	char hp[SESS_HOST_LEN + SESS_PORT_LEN + 8];
	const char *text[] = {
		"WARNING: THE SERVER'S CERTIFICATE HAS CHANGED",
		"",
		"The server at this address presented a different certificate from the one",
		"lanchat pinned the first time it connected here. Either its key was replaced",
		"(a reinstall, a new state directory), or another machine is pretending to be",
		"it to read your chat. Nothing was sent to it.",
		"",
		NULL, /* the address */
		NULL, /* pinned */
		NULL, /* presented */
		"",
		"Check the new fingerprint with the server's admin: 'lanchatd' prints it when it",
		"starts. If it is right, type /trust to accept it and connect; otherwise use",
		"/connect to go elsewhere.",
	};
	char addr[SESS_HOST_LEN + SESS_PORT_LEN + 32], old[TLS_FP_HEX + 32], neu[TLS_FP_HEX + 32];

	net_join_hostport(hp, sizeof hp, s->host, s->port);
	snprintf(addr, sizeof addr, "  server:    %s", hp);
	snprintf(old, sizeof old, "  pinned:    SHA256:%s", s->pinned_fp);
	snprintf(neu, sizeof neu, "  presented: SHA256:%s", s->refused_fp);
	text[7] = addr;
	text[8] = old;
	text[9] = neu;
	werase(w);
	for (size_t i = 0; i < sizeof text / sizeof text[0] && (int)i < getmaxy(w); i++) {
		wmove(w, (int)i, 0);
		wattrset(w, i == 0 ? COLOR_PAIR(PAIR_BAD) | A_BOLD | A_REVERSE :
		                     i >= 7 && i <= 9 ? A_BOLD : A_NORMAL);
		put_safe(w, text[i]);
	}
	wattrset(w, A_NORMAL);
	wnoutrefresh(w);
}

/* The heading of the welcome, atop the server window: where from, and how to fold it. */
static void
welcome_title(struct ui_view *v, char *buf, size_t cap)
{
	char server[SERVER_NAME_LEN * 4 + 8];
	const char *name = v->s->server_name[0] ? v->s->server_name : v->s->host;

	san_text_copy(server, sizeof server, name);
	if (v->welcome_hidden)
		snprintf(buf, cap, "> welcome from %s: %zu lines (F3 shows)", server,
		    v->s->welcome->len);
	else
		snprintf(buf, cap, "v welcome from %s (F3 hides)", server);
}

static void
draw_users(struct ui_view *v)
{
	WINDOW *w = ui.users;
	const struct sess_chan *shown = sess_current(v->s);
	/* Sorting is put off until drawn, so the list is found as a thing to change. */
	struct sess_chan *c = shown != NULL ? sess_find_chan(v->s, shown->name) : NULL;
	int h, wd;

	if (w == NULL)
		return;
	if (c != NULL)
		chan_sort(c);
	getmaxyx(w, h, wd);
	werase(w);
	wmove(w, 0, 0);
	wvline(w, ACS_VLINE, h);
	if (c != NULL) {
		wattrset(w, A_BOLD);
		/* Past the kept maximum the count says "more than". */
		mvwprintw(w, 0, 2, "%s%zu user%s", c->not_kept > 0 ? "> " : "", c->nmembers,
		    c->nmembers == 1 ? "" : "s");
		wattrset(w, A_NORMAL);
		for (size_t i = 0; i < c->nmembers; i++) {
			int y = (int)i + 1;
			if (y >= h)
				break;
			if (y == h - 1 && i + 1 < c->nmembers) {
				mvwprintw(w, y, 2, "+%zu more", c->nmembers - i);
				break;
			}
			const struct sess_member *m = c->members[i];
			char name[NICK_LEN + 2];
			/* A logged-in member is marked where a server without prefixes has room. */
			snprintf(name, sizeof name, "%c%s",
			    m->prefix ? m->prefix : m->account ? '=' : ' ', m->nick);
			wmove(w, y, 1);
			wattrset(w, m->away ? A_DIM : COLOR_PAIR(nick_pair(m->nick, strlen(m->nick))));
			char safe[NICK_LEN * 4 + 8];
			san_text_copy(safe, sizeof safe, name);
			waddnstr(w, safe, wd - 2);
			wattrset(w, A_NORMAL);
		}
	}
	wnoutrefresh(w);
}

/* What the server window is called: the server's name, else its address. */
static const char *
server_label(const struct session *s)
{
	return s->server_name[0] ? s->server_name : s->host[0] ? s->host : "lanchat";
}

/* " 1:lanbox [2:#lan] 3:#dev+ 4:bob*": every window, the one shown in brackets, marks. */
static void
draw_windows(WINDOW *w, struct ui_view *v)
{
	const struct win_list *l = v->s->wins;

	for (int i = 0; i < l->n; i++) {
		const struct win *x = win_get(l, i);
		char name[WIN_NAME_LEN * 4 + 8], label[sizeof name + 24];
		bool cur = i == l->cur;
		char mark = win_act_mark(x->act);

		san_text_copy(name, sizeof name, x->kind == WIN_SERVER ? server_label(v->s) : x->name);
		int n = snprintf(label, sizeof label, "%s%d:%s%.*s%s", cur ? "[" : "", i + 1, name,
		    mark != ' ' ? 1 : 0, &mark, cur ? "]" : "");
		if (getcurx(w) + 1 + sb_width(label, (size_t)n) > ui.cols - 4) {
			wattrset(w, COLOR_PAIR(PAIR_BAR));
			waddstr(w, " ...");
			break;
		}
		wattrset(w, COLOR_PAIR(PAIR_BAR));
		waddstr(w, " ");
		attr_t a = COLOR_PAIR(PAIR_BAR);
		if (cur)
			a |= A_BOLD | A_REVERSE;
		else if (x->act >= WIN_ACT_PRIVATE)
			a |= A_BOLD;
		wattrset(w, a);
		waddstr(w, label);
	}
	wattrset(w, COLOR_PAIR(PAIR_BAR));
}

static void
draw_bar(struct ui_view *v)
{
	WINDOW *w = ui.bar;
	struct scrollback *sb = v->show_wire ? v->s->wire : &win_current(v->s->wins)->sb;
	const struct sess_chan *c = sess_current(v->s);

	werase(w);
	wbkgd(w, COLOR_PAIR(PAIR_BAR));
	wmove(w, 0, 0);
	if (v->picker != NULL && v->picker->open) {
		wattrset(w, COLOR_PAIR(PAIR_BAR) | A_BOLD);
		waddstr(w, " choose a server: Up/Down, Enter connects, Esc cancels ");
	} else if (v->show_lan) {
		wattrset(w, COLOR_PAIR(PAIR_BAR) | A_BOLD);
		waddstr(w, " LAN view: who is heard right now (F4 or /lan to leave) ");
	} else if (v->show_wire) {
		wattrset(w, COLOR_PAIR(PAIR_BAR) | A_BOLD);
		waddstr(w, v->s->tls_fp[0] != '\0' ?
		        " wire view: lines as sent and received, decrypted: on the wire they were "
		        "TLS-encrypted (F2 or /wire to leave) " :
		        " wire view: raw lines, \xe2\x86\x90 received, \xe2\x86\x92 sent (F2 or /wire to "
		        "leave) ");
	} else {
		draw_windows(w, v);
		if (c != NULL && c->topic[0] != '\0') {
			waddstr(w, " | ");
			put_safe(w, c->topic);
		} else if (v->s->nchans == 0 && v->s->wins->n == 1) {
			waddstr(w, " | no channel: /join #CHANNEL");
		}
	}
	if (sb->scroll > 0) {
		char more[64];
		int n = snprintf(more, sizeof more, " -- more below: %u new (PgDn) -- ", sb->unread);
		int x = ui.cols - n;
		wattrset(w, COLOR_PAIR(PAIR_BAR) | A_BOLD | A_REVERSE);
		mvwaddstr(w, 0, x > 0 ? x : 0, more);
	} else if (v->progress[0] != '\0') {
		/* A file on its way, at the right of the bar. */
		char seg[sizeof v->progress + 4];
		san_text_copy(seg + 1, sizeof seg - 2, v->progress);
		seg[0] = ' ';
		strcat(seg, " ");
		int x = ui.cols - sb_width(seg, strlen(seg));
		wattrset(w, COLOR_PAIR(PAIR_BAR) | A_BOLD);
		mvwaddstr(w, 0, x > getcurx(w) ? x : getcurx(w), seg);
	} else if (v->disc != NULL) {
		/* Who is around, at the right of the bar, where it never pushes the topic out. */
		const struct beacon_peer *tmp[BEACON_ROSTER_MAX];
		char sum[64], seg[80];
		lanplan_summary(sum, sizeof sum, disc_servers(v->disc, tmp, BEACON_ROSTER_MAX),
		    disc_users(v->disc, tmp, BEACON_ROSTER_MAX));
		int n = snprintf(seg, sizeof seg, " LAN: %s ", sum);
		int x = ui.cols - n;
		if (x > getcurx(w) + 1) {
			wattrset(w, COLOR_PAIR(PAIR_BAR));
			mvwaddstr(w, 0, x, seg);
		}
	}
	wattrset(w, A_NORMAL);
	wnoutrefresh(w);
}

static void
draw_input(struct ui_view *v)
{
	WINDOW *w = ui.input;
	const struct sess_chan *c = sess_current(v->s);
	char prompt[CHANNEL_LEN * 4 + 8];
	int col;

	const struct win *cw = win_current(v->s->wins);
	const char *target = sess_talk_target(v->s);

	(void)c;
	werase(w);
	san_text_copy(prompt, sizeof prompt, target != NULL ? target :
	    cw->kind == WIN_SERVER ? server_label(v->s) : cw->name);
	wattrset(w, A_BOLD);
	waddstr(w, "[");
	waddstr(w, prompt);
	waddstr(w, "] ");
	wattrset(w, A_NORMAL);
	int px = getcurx(w);
	int room = ui.cols - px - 1;
	if (room < 2) {
		px = 0;
		room = ui.cols - 1;
		wmove(w, 0, 0);
	}
	size_t start = ed_view(v->ed, room, &col);
	/* Draw the visible part only: whole characters that fit in room columns. */
	const char *t = ed_text(v->ed) + start;
	size_t fit = text_fit(t, strlen(t), room);
	waddnstr(w, t, (int)fit);
	wmove(w, 0, px + col);
	wnoutrefresh(w);
}

void
ui_draw(struct ui_view *v)
{
	struct win *cw = win_current(v->s->wins);
	const struct scrollback *wsb = v->s->welcome;

	if (!ui.active)
		return;
	bool picking = v->picker != NULL && v->picker->open;
	bool warning = v->s->refused_fp[0] != '\0' && v->s->state == SESS_IDLE;
	bool users = ui.cols >= USERS_MIN_COLS && sess_current(v->s) != NULL && !v->show_wire &&
	    !picking && !v->show_lan && !warning;
	layout(users);
	draw_status(v);
	if (warning) {
		draw_cert_warning(ui.msgs, v->s);
	} else if (picking) {
		lanview_picker(ui.msgs, v->picker, v->disc, v->now);
	} else if (v->show_lan) {
		lanview_people(ui.msgs, v->disc, &v->self, v->now);
	} else if (v->show_wire) {
		int h, wd;
		getmaxyx(ui.msgs, h, wd);
		draw_lines(ui.msgs, v->s->wire, NULL, 0, sb_fit_view(v->s->wire, 0, wd, h));
		wnoutrefresh(ui.msgs);
	} else {
		/* The server window starts with the welcome: greeting, 001-004, the whole MOTD. */
		const struct sb_line *pre[WELCOME_LINES + 1];
		size_t npre = 0;
		char title[SERVER_NAME_LEN * 4 + 64];
		struct sb_line head = { .kind = SB_TITLE, .text = title };
		if (cw->kind == WIN_SERVER && wsb->len > 0) {
			welcome_title(v, title, sizeof title);
			pre[npre++] = &head;
			for (size_t i = 0; i < wsb->len && !v->welcome_hidden && npre <= WELCOME_LINES;
			    i++)
				pre[npre++] = sb_get(wsb, i);
		}
		int h, wd;
		getmaxyx(ui.msgs, h, wd);
		long above = 0;
		for (size_t i = 0; i < npre; i++)
			above += sb_line_rows(pre[i], wd);
		draw_lines(ui.msgs, &cw->sb, pre, npre, sb_fit_view(&cw->sb, above, wd, h));
		wnoutrefresh(ui.msgs);
	}
	draw_users(v);
	draw_bar(v);
	/* The input window last, so the cursor ends up in it. */
	draw_input(v);
	doupdate();
}
