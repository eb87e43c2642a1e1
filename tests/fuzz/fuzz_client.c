/*
 * libFuzzer target for the client's whole path, both ways: server bytes -> linebuf ->
 * session -> scrollbacks -> the real ui drawing (curses on /dev/null) at terminal sizes the
 * input picks; and typed keys -> editor -> Tab completion -> slash commands -> lines queued
 * for the server. The input is split at '\n' into chunks; a chunk's first byte says what it
 * is:
 *
 *	0x01 keys    each byte a key: 0x09 Tab, 0x0d Enter, other controls editor keys,
 *	             the rest UTF-8 text (bytes that do not decode are typed as U+FFFD)
 *	0x02 screen  rows, columns, then flags: wire view, welcome folded, LAN view
 *	0x03 time    the clock moves by the next byte in seconds; timers run; 'l' loses the
 *	             link and 'c' connects again
 *	0x04 PgUp    at the top of the window shown: older history is asked for (sess_hist_more),
 *	             then the next byte, if any, selects a window (its value modulo their count)
 *	else         bytes from the server, fed through the line framer
 *
 * The screen is drawn after every resize, every DRAW_EVERY chunks and at the end.
 * Promises checked after every chunk (abort on a broken one): every line queued for the
 * server ends in CR LF, fits IRC_LINE_MAX and holds no NUL, CR or LF inside; the input line
 * is valid UTF-8 within INPUT_MAX; channels and members stay within their limits; open
 * history batches, msgids remembered and every window's lines stay within theirs.
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/backlog.h"
#include "client/commands.h"
#include "client/editor.h"
#include "client/session.h"
#include "client/ui.h"
#include "common/linebuf.h"
#include "common/sanitize.h"
#include "fuzz_curses.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

enum { FUZZ_SB_LINES = 300, DRAW_EVERY = 8 };

static struct session s;
static struct win_list wins;
static struct scrollback welcome, wire;
static struct editor ed;
static struct ui_view view;
static int64_t now;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_CTYPE, "C.UTF-8");
	fuzz_curses_quiet();
	ui_start(true);
	return 0;
}

static bool
valid_utf8(const char *p, size_t n)
{
	while (n > 0) {
		size_t k = san_utf8_len((const unsigned char *)p, n);
		if (k == 0)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

/* Everything queued for the server: well-framed lines, then the queue is emptied. */
static void
check_out(void)
{
	size_t n = ob_pending(&s.out);
	const char *p = ob_data(&s.out), *end = p + n;
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		CHECK(lf != NULL && lf > p && lf[-1] == '\r');
		size_t len = (size_t)(lf - p) + 1;
		CHECK(len <= IRC_LINE_MAX);
		CHECK(memchr(p, '\0', len - 2) == NULL && memchr(p, '\r', len - 2) == NULL);
		p = lf + 1;
	}
	ob_consume(&s.out, n, 0);
}

static void
check_state(void)
{
	CHECK(s.nchans >= 0 && s.nchans <= CHANNELS_PER_CLIENT);
	CHECK(s.bl.nopen >= 0 && s.bl.nopen <= CLIENT_BATCHES_OPEN);
	CHECK(s.bl.seen.len <= s.bl.seen.cap);
	for (int i = 0; i < wins.n; i++)
		CHECK(wins.w[i]->sb.len <= wins.w[i]->sb.cap);
	CHECK(wins.n >= 1 && wins.n <= WINDOWS_MAX && wins.cur >= 0 && wins.cur < wins.n);
	for (int i = 0; i < s.nchans; i++) {
		CHECK(s.chans[i].nmembers <= CLIENT_CHAN_MEMBERS_MAX);
		for (size_t m = 0; m < s.chans[i].nmembers; m++)
			CHECK(chan_member_find(&s.chans[i], s.chans[i].members[m]->nick) ==
			    s.chans[i].members[m]);
	}
	CHECK(ed.len <= INPUT_MAX && ed.cur <= ed.len && strlen(ed.buf) == ed.len);
	CHECK(valid_utf8(ed.buf, ed.len));
}

static void
keys(const unsigned char *p, size_t n)
{
	static const enum ed_key ctl[] = { ED_LEFT, ED_RIGHT, ED_HOME, ED_END, ED_BACKSPACE,
		ED_DELETE, ED_KILL_END, ED_KILL_START, ED_KILL_WORD, ED_HIST_PREV, ED_HIST_NEXT };
	while (n > 0) {
		if (*p == '\t') {
			cmd_complete(&s, &ed);
		} else if (*p == '\r') {
			if (ed_key(&ed, ED_ENTER) == ED_SUBMIT) {
				char line[INPUT_MAX + 1];
				memcpy(line, ed_text(&ed), ed.len + 1);
				ed_history_add(&ed, line);
				ed_clear(&ed);
				enum cmd_action a = cmd_run(&s, line, now);
				if (a == CMD_WIRE)
					view.show_wire = !view.show_wire;
				else if (a == CMD_WELCOME)
					view.welcome_hidden = !view.welcome_hidden;
			}
		} else if (*p < 0x20) {
			ed_key(&ed, ctl[*p % (sizeof ctl / sizeof ctl[0])]);
		} else {
			size_t k = san_utf8_len(p, n);
			uint32_t cp = 0xfffd;
			if (k == 1)
				cp = p[0];
			else if (k == 2)
				cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			else if (k == 3)
				cp = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 |
				    (p[2] & 0x3f);
			else if (k == 4)
				cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
				    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
			ed_insert(&ed, cp);
			size_t step = k > 0 ? k : 1;
			p += step;
			n -= step;
			continue;
		}
		p++;
		n--;
	}
}

static void
server_bytes(struct linebuf *lb, const char *p, size_t n)
{
	/* The framer takes the bytes with their line ends, as main.c reads them. */
	while (n > 0) {
		size_t k = lb_feed(lb, p, n);
		p += k;
		n -= k;
		char *line;
		size_t len;
		enum lb_result r;
		while ((r = lb_next(lb, &line, &len)) != LB_NONE)
			if (r == LB_LINE)
				sess_feed(&s, line, now, 1700000000 + (time_t)(now / 1000));
		if (k == 0 && r == LB_NONE)
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *p = data, *end = data + size;
	struct linebuf lb;
	unsigned chunks = 0;

	now = 1000;
	win_init(&wins, FUZZ_SB_LINES);
	sb_init(&welcome, FUZZ_SB_LINES);
	sb_init(&wire, FUZZ_SB_LINES);
	sess_init(&s, "alice", "#lan", &wins, &welcome, &wire, 7);
	sess_set_server(&s, "127.0.0.1", "6667");
	ed_init(&ed);
	lb_init(&lb);
	memset(&view, 0, sizeof view);
	view.s = &s;
	view.ed = &ed;
	view.now = now;
	sess_connecting(&s, now);
	sess_connected(&s, now);
	fuzz_curses_size(23, 79);
	ui_resize();

	while (p < end) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
		const unsigned char *stop = nl != NULL ? nl : end;
		size_t n = (size_t)(stop - p);
		if (n > 0 && p[0] == 0x01) {
			keys(p + 1, n - 1);
		} else if (n >= 3 && p[0] == 0x02) {
			fuzz_curses_size(p[1], p[2]);
			ui_resize();
			if (n >= 4) {
				view.show_wire = p[3] & 1;
				view.welcome_hidden = p[3] & 2;
				view.show_lan = p[3] & 4;
			}
		} else if (n >= 1 && p[0] == 0x04) {
			sess_hist_more(&s, wins.cur);
			if (n >= 2)
				win_select(&wins, p[1] % wins.n);
		} else if (n >= 2 && p[0] == 0x03) {
			now += (int64_t)p[1] * 1000;
			if (n >= 3 && p[2] == 'l')
				sess_lost(&s, "fuzz", now);
			if (sess_tick(&s, now) || (n >= 3 && p[2] == 'c')) {
				sess_connecting(&s, now);
				sess_connected(&s, now);
			}
		} else {
			/* Keep the line end so the framer sees where each line stops. */
			server_bytes(&lb, (const char *)p, nl != NULL ? n + 1 : n);
		}
		check_out();
		check_state();
		/* Drawing is the slow part: after a resize, and every few chunks. */
		if (p[0] == 0x02 || ++chunks % DRAW_EVERY == 0) {
			view.now = now;
			ui_draw(&view);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	view.now = now;
	ui_draw(&view);
	ed_free(&ed);
	sess_free(&s);
	win_free(&wins);
	sb_free(&welcome);
	sb_free(&wire);
	return 0;
}
