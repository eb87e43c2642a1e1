#include "server/dashboard.h"

#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/sanitize.h"
#include "common/util.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/dash_model.h"
#include "server/loop.h"
#include "server/sched.h"
#include "server/server.h"
#include "server/store.h"

enum { DASH_KEYS_PER_PASS = 64, DASH_STATUS_MS = 4000, DASH_ESC_DELAY_MS = 25 };
enum { PAIR_NEW = 1, PAIR_WARN, PAIR_CLOSED };
enum dash_view { VIEW_TABLE, VIEW_DETAIL, VIEW_HELP };

/* A connection that has gone, kept (with its last lines) to linger in the table. */
struct dash_closed {
	struct dash_row row;
	struct conn_trace trace;
	bool has_trace;
};

static struct {
	bool on;
	SCREEN *scr;
	bool colour;
	struct dash_rates rates;
	struct dash_log log;

	struct dash_row *rows; /* snapshot of the open connections */
	size_t nrows, caprows;
	struct dash_row **order; /* open and lingering rows, sorted as shown */
	size_t norder, caporder;

	struct dash_closed closed[DASH_CLOSED_MAX]; /* ring, oldest first */
	unsigned closed_head, nclosed;

	enum dash_col sort;
	enum dash_view view;
	unsigned sel_id; /* selection follows the connection, not the line */
	size_t sel, top;
	unsigned confirm_id; /* asking whether to disconnect this one */
	bool confirm_stop;   /* asking whether to stop the server */
	char status[200];
	int64_t status_until;
} d;

static void draw(void);

/* Whoever held the loop's hooks before: still called, so the dashboard only adds itself. */
static void (*prev_on_close)(const struct conn *c);
static void (*prev_on_shutdown)(void);

static void
set_status(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d.status, sizeof d.status, fmt, ap);
	va_end(ap);
	d.status_until = srv.now_ms + DASH_STATUS_MS;
}

/* ---- State: snapshot of the server's counters ---- */

static struct dash_closed *
closed_at(unsigned i)
{
	unsigned first = (d.closed_head + DASH_CLOSED_MAX - d.nclosed) % DASH_CLOSED_MAX;
	return &d.closed[(first + i) % DASH_CLOSED_MAX];
}

static void
row_from_conn(struct dash_row *r, const struct conn *c)
{
	size_t o = 0;

	r->id = c->id;
	str_copy(r->host, c->host, sizeof r->host);
	r->port = c->port;
	str_copy(r->nick, c->nick, sizeof r->nick);
	str_copy(r->account, c->account, sizeof r->account);
	r->mode = c->mode == CONN_IRC ? DASH_MODE_IRC :
	    c->mode == CONN_PLAIN     ? DASH_MODE_PLAIN :
	                                DASH_MODE_UNKNOWN;
	r->tls = tp_is_tls(&c->tp);
	r->oper = c->oper;
	if (c->dead)
		r->state = DASH_ST_CLOSING;
	else if (!c->tp.handshaken)
		r->state = DASH_ST_HANDSHAKE;
	else if (c->mode == CONN_UNKNOWN)
		r->state = DASH_ST_NEW;
	else if (!c->registered)
		r->state = c->cap_held ? DASH_ST_CAP : DASH_ST_REGISTER;
	else if (c->throttled)
		r->state = DASH_ST_THROTTLED;
	else if (c->ping_sent_ms != 0 && srv.now_ms - c->ping_sent_ms >= 1000)
		r->state = DASH_ST_PINGED; /* only once the answer is late, not for every probe */
	else if (c->away != NULL)
		r->state = DASH_ST_AWAY;
	else
		r->state = DASH_ST_ONLINE;
	r->connected_ms = c->connected_ms;
	r->last_rx_ms = c->last_rx_ms;
	r->closed_ms = 0;
	r->lines_in = c->lines_in;
	r->lines_out = c->lines_out;
	r->bytes_in = c->bytes_in;
	r->bytes_out = c->bytes_out;
	r->sendq = ob_pending(&c->out);
	r->lag_ms = c->lag_ms;
	r->chans[0] = '\0';
	/* "@#lan,+#dev": a channel operator or voiced member shows it as IRC clients do. */
	for (int i = 0; i < c->nchans && o + 1 < sizeof r->chans; i++) {
		char pfx[4];
		o += (size_t)snprintf(r->chans + o, sizeof r->chans - o, "%s%s%s", i ? "," : "",
		    chan_prefix(c->chanstatus[i], false, pfx), c->chans[i]->name);
	}
	str_copy(r->reason, c->reason, sizeof r->reason);
}

static void
on_close(const struct conn *c)
{
	struct dash_closed *k = &d.closed[d.closed_head];

	if (prev_on_close != NULL)
		prev_on_close(c);
	row_from_conn(&k->row, c);
	k->row.state = DASH_ST_CLOSED;
	k->row.closed_ms = srv.now_ms;
	k->has_trace = c->trace != NULL;
	if (k->has_trace)
		k->trace = *c->trace;
	d.closed_head = (d.closed_head + 1) % DASH_CLOSED_MAX;
	if (d.nclosed < DASH_CLOSED_MAX)
		d.nclosed++;
}

static void
expire_closed(void)
{
	while (d.nclosed > 0 && srv.now_ms - closed_at(0)->row.closed_ms >= DASH_LINGER_MS)
		d.nclosed--;
}

static void
snapshot(void)
{
	size_t want = srv.nconns + d.nclosed;

	expire_closed();
	if (srv.nconns > d.caprows) {
		d.caprows = srv.nconns * 2;
		d.rows = xrealloc(d.rows, d.caprows * sizeof *d.rows);
	}
	if (want > d.caporder) {
		d.caporder = want * 2;
		d.order = xrealloc(d.order, d.caporder * sizeof *d.order);
	}
	d.nrows = srv.nconns;
	d.norder = 0;
	for (size_t i = 0; i < srv.nconns; i++) {
		row_from_conn(&d.rows[i], srv.conns[i]);
		d.order[d.norder++] = &d.rows[i];
	}
	for (unsigned i = 0; i < d.nclosed; i++)
		d.order[d.norder++] = &closed_at(i)->row;
	dash_sort(d.order, d.norder, d.sort);

	/* Keep the selection on the same connection; if it went, stay on the same line. */
	for (size_t i = 0; i < d.norder; i++)
		if (d.order[i]->id == d.sel_id) {
			d.sel = i;
			return;
		}
	if (d.sel >= d.norder)
		d.sel = d.norder ? d.norder - 1 : 0;
	d.sel_id = d.norder ? d.order[d.sel]->id : 0;
}

static struct conn *
find_conn(unsigned id)
{
	for (size_t i = 0; i < srv.nconns; i++)
		if (srv.conns[i]->id == id)
			return srv.conns[i];
	return NULL;
}

static struct dash_closed *
find_closed(unsigned id)
{
	for (unsigned i = 0; i < d.nclosed; i++)
		if (closed_at(i)->row.id == id)
			return closed_at(i);
	return NULL;
}

static const struct dash_row *
selected_row(void)
{
	return d.norder ? d.order[d.sel] : NULL;
}

/* ---- Drawing ---- */

/* Writes one screen line: formatted, sanitised, fitted to the width. */
static void
put_line(int y, attr_t attr, bool sanitise, const char *fmt, ...)
{
	static char raw[DASH_LINE_MAX], safe[DASH_LINE_MAX], fit[DASH_LINE_MAX];
	va_list ap;

	if (y < 0 || y >= LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	if (sanitise)
		san_text(safe, sizeof safe, raw, strlen(raw), SAN_STRIP_FORMAT);
	else
		str_copy(safe, raw, sizeof safe);
	dash_fit(fit, sizeof fit, safe, COLS, false);
	attrset(attr);
	mvaddnstr(y, 0, fit, -1);
	attrset(A_NORMAL);
}

static attr_t
pair(int p)
{
	return d.colour ? COLOR_PAIR(p) : A_NORMAL;
}

static int
draw_header(void)
{
	char up[32], cur[DASH_RATE_KINDS][16], spark[DASH_HISTORY * 4 + 1];
	double hist[DASH_HISTORY];
	int64_t uptime = (int64_t)(time(NULL) - srv.started) * 1000;
	size_t n;
	int sw;

	dash_fmt_dur(up, sizeof up, uptime);
	for (int k = 0; k < DASH_RATE_KINDS; k++) {
		if (k == DASH_BYTES_IN || k == DASH_BYTES_OUT)
			dash_fmt_bytes(cur[k], sizeof cur[k], (uint64_t)d.rates.cur[k]);
		else
			dash_fmt_rate(cur[k], sizeof cur[k], d.rates.cur[k]);
	}
	/* Hot connections are polled every pass, cold ones (silent a while) every few ms. */
	put_line(0, A_BOLD, true,
	    " %s  listening on %s  up %s  clients %zu now (%zu hot, %zu cold), %zu peak, %d max"
	    "  passes %s/s",
	    srv.cfg.name, srv.listen_desc, up, srv.nconns, hc_hot_count(&srv.act),
	    hc_cold_count(&srv.act), srv.stats.peak_clients, srv.cfg.max_clients,
	    cur[DASH_PASSES]);
	sw = COLS - 44;
	sw = sw < 0 ? 0 : sw > DASH_HISTORY ? DASH_HISTORY : sw;
	n = dash_rates_history(&d.rates, DASH_LINES_IN, hist, DASH_HISTORY);
	dash_sparkline(spark, sizeof spark, hist, n, sw);
	put_line(1, A_NORMAL, false, " in  %7s msg/s %7s/s  %s", cur[DASH_LINES_IN],
	    cur[DASH_BYTES_IN], spark);
	n = dash_rates_history(&d.rates, DASH_LINES_OUT, hist, DASH_HISTORY);
	dash_sparkline(spark, sizeof spark, hist, n, sw);
	put_line(2, A_NORMAL, false, " out %7s msg/s %7s/s  %s", cur[DASH_LINES_OUT],
	    cur[DASH_BYTES_OUT], spark);
	put_line(3, A_NORMAL, false,
	    " accepted %llu  refused %llu  registered %llu  beacons sent %llu heard %llu  "
	    "SendQ drops %llu  flood kicks %llu  ping timeouts %llu",
	    (unsigned long long)srv.stats.accepted, (unsigned long long)srv.stats.refused,
	    (unsigned long long)srv.stats.registered, (unsigned long long)srv.stats.beacons_sent,
	    (unsigned long long)srv.stats.beacons_heard, (unsigned long long)srv.stats.sendq_drops,
	    (unsigned long long)srv.stats.flood_kicks, (unsigned long long)srv.stats.ping_timeouts);
	if (srv.tls == NULL) {
		put_line(4, A_NORMAL, false, " TLS off: everything on the wire is readable");
	} else {
		size_t ntls = 0;
		for (size_t i = 0; i < srv.nconns; i++)
			ntls += tp_is_tls(&srv.conns[i]->tp);
		put_line(4, A_NORMAL, false, " TLS on port %d, %zu of %zu connections; certificate "
		    "SHA256:%s", srv.tls_port, ntls, srv.nconns, srv.tls_fp);
	}
	if (srv.store == NULL)
		return 5;
	/* A slow disk shows here, in the time commits take, rather than as stalled chat. */
	const struct store_stats *ss = store_stats(srv.store);
	put_line(5, ss->errors > 0 ? A_BOLD : A_NORMAL, false,
	    " store  commits %llu  last %.1f ms  slowest %.1f ms  checkpoints %llu slowest %.0f ms"
	    " (in the loop %llu)  rows written %llu pruned %llu  errors %llu",
	    (unsigned long long)ss->commits, (double)ss->last_commit_us / 1000.0,
	    (double)ss->max_commit_us / 1000.0, (unsigned long long)ss->checkpoints,
	    (double)ss->max_checkpoint_us / 1000.0, (unsigned long long)ss->loop_checkpoints,
	    (unsigned long long)ss->rows_written,
	    (unsigned long long)ss->rows_pruned, (unsigned long long)ss->errors);
	return 6;
}

static void
draw_log(int y, int h)
{
	int n = d.log.count < (unsigned)h ? (int)d.log.count : h;

	/* Newest at the bottom of what there is, like a tail. */
	for (int i = 0; i < n; i++) {
		int64_t wall;
		bool warn;
		const char *text = dash_log_get(&d.log, (unsigned)(n - 1 - i), &wall, &warn);
		char stamp[16];
		time_t t;
		struct tm tm;

		if (text == NULL)
			continue;
		t = (time_t)wall;
		localtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
		put_line(y + i, warn ? pair(PAIR_WARN) | A_BOLD : A_NORMAL, true, " %s %s", stamp, text);
	}
}

static void
draw_status(void)
{
	const struct dash_row *r = NULL;

	/* The prompt names the connection asked about, even if the table has moved since. */
	for (size_t i = 0; d.confirm_id != 0 && i < d.norder && r == NULL; i++)
		if (d.order[i]->id == d.confirm_id)
			r = d.order[i];
	if (d.confirm_stop) {
		put_line(LINES - 1, A_REVERSE | A_BOLD, false,
		    " Stop the server and disconnect all %zu %s? (y/n)", srv.nconns,
		    srv.nconns == 1 ? "connection" : "connections");
	} else if (d.confirm_id != 0 && r != NULL) {
		char who[DASH_LINE_MAX];
		struct dash_row plain = *r;
		plain.oper = false; /* said in words below, not as the table's mark */
		dash_cell(&plain, DASH_COL_NICK, srv.now_ms, who, sizeof who);
		put_line(LINES - 1, A_REVERSE | A_BOLD, false,
		    " Disconnect #%u %s%s from %s port %d? (y/n)", r->id, who,
		    r->oper ? " (a server operator)" : "", r->host, r->port);
	} else if (d.status[0] && srv.now_ms < d.status_until) {
		put_line(LINES - 1, A_REVERSE, true, " %s", d.status);
	} else if (d.view == VIEW_TABLE) {
		put_line(LINES - 1, A_REVERSE, false,
		    " Up/Down PgUp/PgDn move  s sort (%s)  Enter details  k disconnect  q stop server"
		    "  ? help",
		    dash_col_name(d.sort));
	} else {
		put_line(LINES - 1, A_REVERSE, false,
		    " Esc/Enter back  Up/Down other connection  k disconnect  ? help");
	}
}

static void
draw_table(void)
{
	static char line[DASH_LINE_MAX];
	struct dash_layout l;
	int y = draw_header(), avail = LINES - y - 1, logh, th;

	/* The log takes a third of what is left, the table the rest. */
	logh = avail >= 8 ? avail / 3 : 0;
	th = avail - (logh ? logh + 1 : 0) - 1;
	if (th < 0)
		th = 0;
	dash_layout(&l, COLS);
	dash_format_header(&l, d.sort, line, sizeof line);
	attrset(A_REVERSE | A_BOLD);
	mvaddstr(y, 0, line);
	attrset(A_NORMAL);
	y++;

	if (th > 0) {
		if (d.sel < d.top)
			d.top = d.sel;
		if (d.sel >= d.top + (size_t)th)
			d.top = d.sel - (size_t)th + 1;
		if (d.top + (size_t)th > d.norder)
			d.top = d.norder > (size_t)th ? d.norder - (size_t)th : 0;
	}
	for (int i = 0; i < th && d.top + (size_t)i < d.norder; i++) {
		size_t k = d.top + (size_t)i;
		const struct dash_row *r = d.order[k];
		attr_t a = A_NORMAL;
		if (r->state == DASH_ST_CLOSED)
			a = A_DIM | pair(PAIR_CLOSED);
		else if (srv.now_ms - r->connected_ms < DASH_NEW_MS)
			a = A_BOLD | pair(PAIR_NEW);
		if (k == d.sel)
			a |= A_REVERSE;
		dash_format_row(&l, r, srv.now_ms, line, sizeof line);
		attrset(a);
		mvaddstr(y + i, 0, line);
		attrset(A_NORMAL);
	}
	y += th;
	if (logh > 0) {
		put_line(y, A_BOLD, false, "-- events %s", "");
		draw_log(y + 1, logh);
	}
}

static void
draw_detail(void)
{
	const struct dash_row *r = selected_row();
	const struct conn *c;
	const struct conn_trace *t = NULL;
	int y = 0;

	if (r == NULL) {
		d.view = VIEW_TABLE;
		draw_table();
		return;
	}
	c = r->state == DASH_ST_CLOSED ? NULL : find_conn(r->id);
	if (c != NULL)
		t = c->trace;
	else if (find_closed(r->id) != NULL && find_closed(r->id)->has_trace)
		t = &find_closed(r->id)->trace;

	char v[DASH_NCOLS][256];
	for (int k = 0; k < DASH_NCOLS; k++)
		dash_cell(r, (enum dash_col)k, srv.now_ms, v[k], sizeof v[k]);
	put_line(y++, A_BOLD | A_REVERSE, false, " Connection #%u  %s  (%s, %s)", r->id,
	    v[DASH_COL_NICK], v[DASH_COL_MODE], v[DASH_COL_STATE]);
	put_line(y++, A_NORMAL, false, " address        %s", v[DASH_COL_ADDR]);
	put_line(y++, A_NORMAL, false, " account        %s", r->account[0] ? v[DASH_COL_ACCOUNT]
	                                                                  : "(not logged in)");
	if (c != NULL && c->user[0])
		put_line(y++, A_NORMAL, true, " user           ~%s (%s)", c->user, c->realname);
	put_line(y++, A_NORMAL, false, " connected for  %s   idle %s", v[DASH_COL_CONN],
	    v[DASH_COL_IDLE]);
	put_line(y++, A_NORMAL, false, " lines in/out   %llu / %llu",
	    (unsigned long long)r->lines_in, (unsigned long long)r->lines_out);
	put_line(y++, A_NORMAL, false, " bytes in/out   %llu / %llu",
	    (unsigned long long)r->bytes_in, (unsigned long long)r->bytes_out);
	put_line(y++, A_NORMAL, false, " SendQ          %zu bytes   lag %s", r->sendq,
	    v[DASH_COL_LAG]);
	if (c != NULL && c->away != NULL)
		put_line(y++, A_NORMAL, true, " away           %s", c->away);
	if (r->oper)
		put_line(y++, A_BOLD, false, " server operator (user mode +o): k still disconnects");
	if (r->state == DASH_ST_CLOSED || r->state == DASH_ST_CLOSING)
		put_line(y++, A_BOLD, false, " closed         %s", v[DASH_COL_CHANS]);
	else
		put_line(y++, A_NORMAL, false, " channels       %s", v[DASH_COL_CHANS]);
	y++;
	put_line(y++, A_BOLD, false, " Last lines, oldest first (< in, > out):");
	if (t == NULL || t->count == 0)
		put_line(y++, A_DIM, false, "   (none)");
	for (unsigned i = 0; t != NULL && i < t->count && y < LINES - 1; i++) {
		unsigned k = (t->head + TRACE_LINES - t->count + i) % TRACE_LINES;
		time_t when = time(NULL) - (time_t)((srv.now_ms - t->ring[k].ms) / 1000);
		char stamp[16], safe[TRACE_TEXT * 4];
		struct tm tm;
		localtime_r(&when, &tm);
		strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
		/* As on the wire, but every control character made visible. */
		san_text(safe, sizeof safe, t->ring[k].text, t->ring[k].len, SAN_DEFAULT);
		put_line(y++, A_NORMAL, false, "   %s %c %s", stamp, t->ring[k].out ? '>' : '<',
		    safe);
	}
}

static void
draw_help(void)
{
	static const char *lines[] = {
		" lanchatd dashboard: keys",
		"",
		"   Up/Down, PgUp/PgDn, Home/End   move the selection",
		"   s                              cycle the sort column (marked in the header)",
		"   Enter                          details and last lines of the selected connection",
		"   k                              disconnect the selected connection (asks first)",
		"   q                              stop the server, like SIGTERM (asks first; closes",
		"                                  details/help)",
		"   ?                              this help",
		"",
		" New connections are highlighted for a few seconds; closed ones stay dimmed, with",
		" their reason in the CHANNELS column, then go. Rates are per second, sampled every",
		" second; the sparklines show the last minutes of messages in and out. A * before",
		" a nick marks a server operator (OPER), as WHO does.",
		"",
		" Press any key to go back.",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		put_line((int)i, i == 0 ? A_BOLD : A_NORMAL, false, "%s", lines[i]);
}

static void
draw(void)
{
	if (!d.on)
		return;
	snapshot();
	erase();
	if (d.view == VIEW_DETAIL)
		draw_detail();
	else if (d.view == VIEW_HELP)
		draw_help();
	else
		draw_table();
	draw_status();
	refresh();
}

/* ---- Keys ---- */

static void
disconnect_selected(void)
{
	struct conn *c = find_conn(d.confirm_id);

	if (c == NULL || c->dead) {
		set_status("#%u is already gone", d.confirm_id);
	} else {
		log_info("operator disconnected #%u %s from %s", c->id, conn_nick(c), c->host);
		conn_close_link(c, "Disconnected by the operator");
		set_status("Disconnected #%u", c->id);
	}
	d.confirm_id = 0;
}

static void
move_sel(long delta)
{
	long s = (long)d.sel + delta;
	if (d.norder == 0)
		return;
	if (s < 0)
		s = 0;
	if (s >= (long)d.norder)
		s = (long)d.norder - 1;
	d.sel = (size_t)s;
	d.sel_id = d.order[d.sel]->id;
}

static void
handle_key(wint_t ch, bool fkey)
{
	long page = LINES > 12 ? LINES / 2 : 5;

	if (fkey && ch == KEY_RESIZE)
		return;
	if (d.confirm_stop) {
		d.confirm_stop = false;
		if (!fkey && (ch == 'y' || ch == 'Y')) {
			set_status("Stopping the server...");
			log_info("stop requested from the dashboard");
			srv.quit = 1;
		} else {
			set_status("Not stopped");
		}
		return;
	}
	if (d.confirm_id != 0) {
		if (!fkey && (ch == 'y' || ch == 'Y'))
			disconnect_selected();
		else {
			set_status("Not disconnected");
			d.confirm_id = 0;
		}
		return;
	}
	if (d.view == VIEW_HELP) {
		d.view = VIEW_TABLE;
		return;
	}
	if (fkey) {
		switch (ch) {
		case KEY_UP:
			move_sel(-1);
			break;
		case KEY_DOWN:
			move_sel(1);
			break;
		case KEY_PPAGE:
			move_sel(-page);
			break;
		case KEY_NPAGE:
			move_sel(page);
			break;
		case KEY_HOME:
			move_sel(-(long)d.norder);
			break;
		case KEY_END:
			move_sel((long)d.norder);
			break;
		case KEY_ENTER:
			d.view = d.view == VIEW_DETAIL ? VIEW_TABLE : VIEW_DETAIL;
			break;
		case KEY_LEFT:
		case KEY_BACKSPACE:
			d.view = VIEW_TABLE;
			break;
		}
		return;
	}
	switch (ch) {
	case 'q':
	case 'Q':
		if (d.view != VIEW_TABLE) {
			d.view = VIEW_TABLE;
			break;
		}
		/* Everyone is disconnected: one stray key must not do that. */
		d.confirm_stop = true;
		break;
	case 's':
		d.sort = (enum dash_col)((d.sort + 1) % DASH_NCOLS);
		break;
	case 'S':
		d.sort = (enum dash_col)((d.sort + DASH_NCOLS - 1) % DASH_NCOLS);
		break;
	case '\r':
	case '\n':
		d.view = d.view == VIEW_DETAIL ? VIEW_TABLE : VIEW_DETAIL;
		break;
	case 27: /* Esc */
	case 127:
	case 8:
		d.view = VIEW_TABLE;
		break;
	case 'k':
	case 'K': {
		const struct dash_row *r = selected_row();
		if (r == NULL)
			set_status("No connection selected");
		else if (r->state == DASH_ST_CLOSED || r->state == DASH_ST_CLOSING)
			set_status("#%u is already closed", r->id);
		else
			d.confirm_id = r->id;
		break;
	}
	case '?':
	case 'h':
		d.view = VIEW_HELP;
		break;
	case 'j':
		move_sel(1);
		break;
	case 12: /* ^L */
		clearok(curscr, TRUE);
		break;
	}
}

static void
terminal_lost(void)
{
	/* Nobody can see or steer the screen any more: keep serving, log to nowhere. */
	sched_unwatch(STDIN_FILENO);
	d.on = false;
}

static bool
drain_keys(void)
{
	bool any = false;

	for (int i = 0; i < DASH_KEYS_PER_PASS; i++) {
		wint_t ch;
		int r = get_wch(&ch);
		if (r == ERR)
			break;
		any = true;
		/* Keys before the first snapshot act on an empty table: refresh it first. */
		snapshot();
		handle_key(ch, r == KEY_CODE_YES);
	}
	return any;
}

static void
on_terminal(int fd, short revents, void *arg)
{
	(void)fd;
	(void)arg;
	if (!d.on)
		return;
	/* A terminal that went away (its tmux or ssh closed) polls readable and hung up at
	 * once and gives no key: without this the loop would spin on it. */
	if ((revents & POLLIN) && drain_keys()) {
		draw();
		return;
	}
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		terminal_lost();
}

static uint64_t *
counters(uint64_t v[DASH_RATE_KINDS])
{
	v[DASH_LINES_IN] = srv.stats.lines_in;
	v[DASH_LINES_OUT] = srv.stats.lines_out;
	v[DASH_BYTES_IN] = srv.stats.bytes_in;
	v[DASH_BYTES_OUT] = srv.stats.bytes_out;
	v[DASH_PASSES] = srv.pass;
	return v;
}

static int64_t
on_timer(int64_t now_ms, void *arg)
{
	uint64_t v[DASH_RATE_KINDS];

	(void)arg;
	if (!d.on)
		return 0;
	/* A resize arrives as KEY_RESIZE after SIGWINCH, which may not wake stdin. */
	drain_keys();
	dash_rates_update(&d.rates, now_ms, counters(v));
	draw();
	return now_ms + DASH_REDRAW_MS;
}

static void
log_to_pane(enum log_level level, const char *text)
{
	dash_log_add(&d.log, (int64_t)time(NULL), level <= LOG_WARN, text);
}

static void
dashboard_stop(void)
{
	if (prev_on_shutdown != NULL)
		prev_on_shutdown();
	if (!d.on && d.scr == NULL)
		return;
	d.on = false;
	if (d.scr != NULL) {
		endwin();
		delscreen(d.scr);
		d.scr = NULL;
	}
	log_set_sink(NULL);
	free(d.rows);
	free(d.order);
	d.rows = NULL;
	d.order = NULL;
	d.caprows = d.caporder = 0;
}

static void
restore_at_exit(void)
{
	if (d.scr != NULL)
		endwin();
}

bool
dashboard_start(void)
{
	uint64_t v[DASH_RATE_KINDS];

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		log_warn("--dashboard: standard %s is not a terminal; logging instead",
		    isatty(STDOUT_FILENO) ? "input" : "output");
		return false;
	}
	setlocale(LC_CTYPE, "");
	d.scr = newterm(NULL, stdout, stdin);
	if (d.scr == NULL) {
		log_warn("--dashboard: cannot drive terminal '%s'; logging instead",
		    getenv("TERM") ? getenv("TERM") : "(unset)");
		return false;
	}
	atexit(restore_at_exit);
	set_escdelay(DASH_ESC_DELAY_MS);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_NEW, COLOR_GREEN, -1);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_CLOSED, COLOR_RED, -1);
		d.colour = true;
	}
	d.on = true;
	dash_rates_init(&d.rates, DASH_RATE_PERIOD_MS);
	dash_rates_update(&d.rates, srv.now_ms ? srv.now_ms : clock_ms(), counters(v));
	d.sort = DASH_COL_ID;

	srv.trace = true;
	srv.lag_probe_ms = DASH_LAG_PROBE_MS;
	log_set_sink(log_to_pane);
	prev_on_close = loop_on_close;
	prev_on_shutdown = loop_on_shutdown;
	loop_on_close = on_close;
	loop_on_shutdown = dashboard_stop;
	if (sched_watch(STDIN_FILENO, POLLIN, on_terminal, NULL) < 0 ||
	    sched_timer(clock_ms(), on_timer, NULL) < 0) {
		sched_unwatch(STDIN_FILENO);
		loop_on_close = prev_on_close;
		loop_on_shutdown = prev_on_shutdown;
		prev_on_close = NULL;
		prev_on_shutdown = NULL;
		srv.trace = false;
		srv.lag_probe_ms = 0;
		dashboard_stop();
		log_warn("--dashboard: no free loop slot; logging instead");
		return false;
	}
	log_info("dashboard on; listening on %s", srv.listen_desc);
	return true;
}
