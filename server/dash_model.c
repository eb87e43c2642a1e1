#include "server/dash_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sanitize.h"
#include "common/text.h"
#include "common/util.h"

/* ---- Rates ---- */

void
dash_rates_init(struct dash_rates *r, int64_t period_ms)
{
	memset(r, 0, sizeof *r);
	r->period_ms = period_ms > 0 ? period_ms : DASH_RATE_PERIOD_MS;
}

bool
dash_rates_update(struct dash_rates *r, int64_t now_ms, const uint64_t counters[DASH_RATE_KINDS])
{
	int64_t dt;

	if (!r->primed) {
		r->primed = true;
		r->last_ms = now_ms;
		memcpy(r->last, counters, sizeof r->last);
		return false;
	}
	dt = now_ms - r->last_ms;
	if (dt < r->period_ms)
		return false;
	for (int k = 0; k < DASH_RATE_KINDS; k++) {
		uint64_t d = counters[k] >= r->last[k] ? counters[k] - r->last[k] : 0;
		r->cur[k] = (double)d * 1000.0 / (double)dt;
		r->hist[k][r->head] = r->cur[k];
	}
	r->head = (r->head + 1) % DASH_HISTORY;
	if (r->count < DASH_HISTORY)
		r->count++;
	r->last_ms = now_ms;
	memcpy(r->last, counters, sizeof r->last);
	return true;
}

size_t
dash_rates_history(const struct dash_rates *r, enum dash_rate_kind k, double *out, size_t max)
{
	size_t n = r->count < max ? r->count : max;
	unsigned start = (r->head + DASH_HISTORY - (unsigned)n) % DASH_HISTORY;

	for (size_t i = 0; i < n; i++)
		out[i] = r->hist[k][(start + i) % DASH_HISTORY];
	return n;
}

/* Block elements and ellipsis only when the locale can encode them. */
static bool
utf8_locale(void)
{
	return MB_CUR_MAX > 1;
}

size_t
dash_sparkline(char *dst, size_t cap, const double *v, size_t n, int width)
{
	static const char *blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
		"\u2587", "\u2588" };
	static const char ascii[] = ".:-=+*#@";
	bool utf8 = utf8_locale();
	size_t o = 0, first;
	double max = 0;

	if (cap == 0)
		return 0;
	if (width < 0)
		width = 0;
	first = n > (size_t)width ? n - (size_t)width : 0;
	for (size_t i = first; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (int pad = width - (int)(n - first); pad > 0 && o + 1 < cap; pad--)
		dst[o++] = ' ';
	for (size_t i = first; i < n; i++) {
		const char *g = " ";
		char one[2] = { 0, 0 };
		if (v[i] > 0 && max > 0) {
			int level = (int)ceil(v[i] / max * 8.0) - 1;
			level = level < 0 ? 0 : level > 7 ? 7 : level;
			if (utf8) {
				g = blocks[level];
			} else {
				one[0] = ascii[level];
				g = one;
			}
		}
		size_t gl = strlen(g);
		if (o + gl + 1 > cap)
			break;
		memcpy(dst + o, g, gl);
		o += gl;
	}
	dst[o] = '\0';
	return o;
}

/* ---- Numbers ---- */

void
dash_fmt_count(char *buf, size_t cap, uint64_t n)
{
	if (n < 10000)
		snprintf(buf, cap, "%llu", (unsigned long long)n);
	else if (n < 100000)
		snprintf(buf, cap, "%.1fk", (double)n / 1e3);
	else if (n < 1000000)
		snprintf(buf, cap, "%lluk", (unsigned long long)(n / 1000));
	else if (n < 10000000)
		snprintf(buf, cap, "%.2fM", (double)n / 1e6);
	else if (n < 100000000)
		snprintf(buf, cap, "%.1fM", (double)n / 1e6);
	else if (n < 1000000000)
		snprintf(buf, cap, "%lluM", (unsigned long long)(n / 1000000));
	else
		snprintf(buf, cap, "%.1fG", (double)n / 1e9);
}

void
dash_fmt_bytes(char *buf, size_t cap, uint64_t n)
{
	text_fmt_bytes(buf, cap, n);
}

void
dash_fmt_rate(char *buf, size_t cap, double per_s)
{
	if (per_s < 0)
		per_s = 0;
	if (per_s < 10)
		snprintf(buf, cap, "%.1f", per_s);
	else if (per_s < 10000)
		snprintf(buf, cap, "%.0f", per_s);
	else if (per_s < 1e6)
		snprintf(buf, cap, "%.1fk", per_s / 1e3);
	else
		snprintf(buf, cap, "%.1fM", per_s / 1e6);
}

void
dash_fmt_dur(char *buf, size_t cap, int64_t ms)
{
	long long s = ms < 0 ? 0 : (long long)(ms / 1000);

	if (s < 60)
		snprintf(buf, cap, "%llds", s);
	else if (s < 3600)
		snprintf(buf, cap, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, cap, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, cap, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

void
dash_fmt_lag(char *buf, size_t cap, int ms)
{
	if (ms < 0)
		snprintf(buf, cap, "-");
	else if (ms < 1000)
		snprintf(buf, cap, "%dms", ms);
	else if (ms < 10000)
		snprintf(buf, cap, "%.1fs", ms / 1000.0);
	else
		snprintf(buf, cap, "%ds", ms / 1000);
}

/* ---- Measuring text ---- */

/* Width of the character at s (its length in *adv), or -1 if it cannot be measured. */
static int
char_width(const char *s, size_t avail, size_t *adv)
{
	unsigned cp;
	size_t n = text_decode(s, avail, &cp);

	*adv = n == 0 ? 1 : n;
	/* Outside a UTF-8 locale wcwidth knows no character past ASCII: show it as "?". */
	if (n == 0 || (cp >= 0x80 && !utf8_locale()))
		return -1;
	return text_char_width(s, avail, adv);
}

int
dash_width(const char *s)
{
	return text_width(s, strlen(s));
}

static size_t
put(char *dst, size_t cap, size_t o, const char *s, size_t n)
{
	if (o + n + 1 > cap)
		return o;
	memcpy(dst + o, s, n);
	return o + n;
}

static size_t
pad(char *dst, size_t cap, size_t o, int n)
{
	for (; n > 0 && o + 2 <= cap; n--)
		dst[o++] = ' ';
	return o;
}

size_t
dash_fit(char *dst, size_t cap, const char *src, int width, bool right)
{
	const char *ell = utf8_locale() ? "\u2026" : "~";
	size_t len = strlen(src), i = 0, o = 0, adv;
	int total = dash_width(src), used = 0, target;
	bool cut = total > width;

	if (cap == 0)
		return 0;
	if (width <= 0) {
		dst[0] = '\0';
		return 0;
	}
	target = cut ? width - 1 : width;
	if (!cut && right)
		o = pad(dst, cap, o, width - total);
	while (i < len) {
		int w = char_width(src + i, len - i, &adv);
		if (w < 0 ? used + 1 > target : used + w > target)
			break;
		if (w < 0) {
			o = put(dst, cap, o, "?", 1);
			used++;
		} else {
			size_t before = o;
			o = put(dst, cap, o, src + i, adv);
			if (o != before)
				used += w;
		}
		i += adv;
	}
	if (cut) {
		o = pad(dst, cap, o, target - used);
		o = put(dst, cap, o, ell, strlen(ell));
		used = width;
	}
	o = pad(dst, cap, o, width - used - (!cut && right ? width - total : 0));
	dst[o] = '\0';
	return o;
}

/* ---- The connections table ---- */

static const struct colspec {
	const char *title;
	int min;
	bool right;
} colspecs[DASH_NCOLS] = {
	[DASH_COL_ID] = { "ID", 4, true },
	[DASH_COL_ADDR] = { "ADDRESS", 15, false },
	[DASH_COL_NICK] = { "NICK", 9, false },
	[DASH_COL_ACCOUNT] = { "ACCOUNT", 7, false },
	[DASH_COL_MODE] = { "MODE", 5, false },
	[DASH_COL_STATE] = { "STATE", 9, false },
	[DASH_COL_CONN] = { "CONN", 6, true },
	[DASH_COL_IDLE] = { "IDLE", 6, true },
	[DASH_COL_LIN] = { "L-IN", 6, true },
	[DASH_COL_LOUT] = { "L-OUT", 6, true },
	[DASH_COL_BIN] = { "B-IN", 6, true },
	[DASH_COL_BOUT] = { "B-OUT", 6, true },
	[DASH_COL_SENDQ] = { "SENDQ", 6, true },
	[DASH_COL_LAG] = { "LAG", 6, true },
	[DASH_COL_CHANS] = { "CHANNELS", 8, false },
};

/* Which columns survive a narrow screen, most useful first. */
static const enum dash_col col_priority[DASH_NCOLS] = { DASH_COL_ID, DASH_COL_NICK,
	DASH_COL_MODE, DASH_COL_STATE, DASH_COL_CHANS, DASH_COL_LIN, DASH_COL_LOUT, DASH_COL_IDLE,
	DASH_COL_ADDR, DASH_COL_ACCOUNT, DASH_COL_SENDQ, DASH_COL_CONN, DASH_COL_LAG, DASH_COL_BIN,
	DASH_COL_BOUT };

/* Spare columns go to these, each up to the width given, in this order. */
static const struct {
	enum dash_col col;
	int upto;
} col_growth[] = {
	{ DASH_COL_MODE, 9 }, /* room for "plain+tls" */
	{ DASH_COL_NICK, 16 },
	{ DASH_COL_ADDR, 23 },
	{ DASH_COL_NICK, NICK_LEN },
	{ DASH_COL_CHANS, DASH_WIDTH_MAX },
	{ DASH_COL_ADDR, HOST_LEN + 8 },
};

const char *
dash_mode_name(enum dash_mode m)
{
	switch (m) {
	case DASH_MODE_IRC:
		return "irc";
	case DASH_MODE_PLAIN:
		return "plain";
	default:
		return "unreg";
	}
}

const char *
dash_state_name(enum dash_state s)
{
	static const char *names[] = { [DASH_ST_NEW] = "new", [DASH_ST_HANDSHAKE] = "handshake",
		[DASH_ST_REGISTER] = "register",
		[DASH_ST_CAP] = "cap", [DASH_ST_ONLINE] = "online", [DASH_ST_AWAY] = "away",
		[DASH_ST_PINGED] = "pinged", [DASH_ST_THROTTLED] = "throttled",
		[DASH_ST_CLOSING] = "closing", [DASH_ST_CLOSED] = "closed" };
	if ((unsigned)s >= sizeof names / sizeof names[0])
		return "?";
	return names[s];
}

const char *
dash_col_name(enum dash_col c)
{
	return (unsigned)c < DASH_NCOLS ? colspecs[c].title : "?";
}

void
dash_layout(struct dash_layout *l, int width)
{
	bool on[DASH_NCOLS] = { false };
	int used = 0, spare;

	memset(l, 0, sizeof *l);
	if (width > DASH_WIDTH_MAX)
		width = DASH_WIDTH_MAX;
	if (width < 1)
		width = 1;
	l->width = width;
	for (int p = 0; p < DASH_NCOLS; p++) {
		enum dash_col c = col_priority[p];
		int need = colspecs[c].min + (used > 0 ? 1 : 0);
		if (used == 0 && need > width) {
			/* Not even the first column fits: show what there is of it. */
			on[c] = true;
			l->w[c] = width;
			used = width;
			break;
		}
		if (used + need > width)
			break;
		on[c] = true;
		l->w[c] = colspecs[c].min;
		used += need;
	}
	spare = width - used;
	for (size_t g = 0; g < sizeof col_growth / sizeof col_growth[0] && spare > 0; g++) {
		enum dash_col c = col_growth[g].col;
		if (!on[c] || l->w[c] >= col_growth[g].upto)
			continue;
		int add = col_growth[g].upto - l->w[c];
		add = add > spare ? spare : add;
		l->w[c] += add;
		spare -= add;
	}
	for (int c = 0; c < DASH_NCOLS; c++)
		if (on[c])
			l->cols[l->ncols++] = (enum dash_col)c;
}

static size_t
join_cells(const struct dash_layout *l, const char cells[DASH_NCOLS][DASH_LINE_MAX], char *buf,
    size_t cap)
{
	size_t o = 0;
	int used = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	for (int i = 0; i < l->ncols; i++) {
		enum dash_col c = l->cols[i];
		if (i > 0 && used < l->width) {
			o = pad(buf, cap, o, 1);
			used++;
		}
		int w = l->w[c] < l->width - used ? l->w[c] : l->width - used;
		o += dash_fit(buf + o, cap - o, cells[c], w, colspecs[c].right);
		used += w;
	}
	o = pad(buf, cap, o, l->width - used);
	buf[o] = '\0';
	return o;
}

size_t
dash_format_header(const struct dash_layout *l, enum dash_col sort, char *buf, size_t cap)
{
	static char cells[DASH_NCOLS][DASH_LINE_MAX];

	for (int c = 0; c < DASH_NCOLS; c++)
		snprintf(cells[c], sizeof cells[c], "%s%s", colspecs[c].title,
		    c == (int)sort ? (utf8_locale() ? "\u25be" : "*") : "");
	return join_cells(l, (const char(*)[DASH_LINE_MAX])cells, buf, cap);
}

void
dash_cell(const struct dash_row *r, enum dash_col c, int64_t now_ms, char *buf, size_t cap)
{
	char raw[DASH_LINE_MAX];
	int64_t end = r->closed_ms ? r->closed_ms : now_ms;

	raw[0] = '\0';
	switch (c) {
	case DASH_COL_ID:
		snprintf(raw, sizeof raw, "%u", r->id);
		break;
	case DASH_COL_ADDR:
		snprintf(raw, sizeof raw, strchr(r->host, ':') ? "[%s]:%d" : "%s:%d", r->host, r->port);
		break;
	case DASH_COL_NICK:
		str_copy(raw, r->nick[0] ? r->nick : "*", sizeof raw);
		break;
	case DASH_COL_ACCOUNT:
		str_copy(raw, r->account[0] ? r->account : "-", sizeof raw);
		break;
	case DASH_COL_MODE:
		/* TLS connections are marked, so a plain one stands out. */
		snprintf(raw, sizeof raw, "%s%s", dash_mode_name(r->mode), r->tls ? "+tls" : "");
		break;
	case DASH_COL_STATE:
		str_copy(raw, dash_state_name(r->state), sizeof raw);
		break;
	case DASH_COL_CONN:
		dash_fmt_dur(raw, sizeof raw, end - r->connected_ms);
		break;
	case DASH_COL_IDLE:
		dash_fmt_dur(raw, sizeof raw, end - r->last_rx_ms);
		break;
	case DASH_COL_LIN:
		dash_fmt_count(raw, sizeof raw, r->lines_in);
		break;
	case DASH_COL_LOUT:
		dash_fmt_count(raw, sizeof raw, r->lines_out);
		break;
	case DASH_COL_BIN:
		dash_fmt_bytes(raw, sizeof raw, r->bytes_in);
		break;
	case DASH_COL_BOUT:
		dash_fmt_bytes(raw, sizeof raw, r->bytes_out);
		break;
	case DASH_COL_SENDQ:
		dash_fmt_bytes(raw, sizeof raw, r->sendq);
		break;
	case DASH_COL_LAG:
		dash_fmt_lag(raw, sizeof raw, r->lag_ms);
		break;
	case DASH_COL_CHANS:
		if (r->state == DASH_ST_CLOSED || r->state == DASH_ST_CLOSING)
			str_copy(raw, r->reason, sizeof raw);
		else
			str_copy(raw, r->chans[0] ? r->chans : "-", sizeof raw);
		break;
	default:
		break;
	}
	/* Nicks, channel names and quit reasons come from peers: make them inert first. */
	san_text(buf, cap, raw, strlen(raw), SAN_STRIP_FORMAT);
}

size_t
dash_format_row(const struct dash_layout *l, const struct dash_row *r, int64_t now_ms, char *buf,
    size_t cap)
{
	static char cells[DASH_NCOLS][DASH_LINE_MAX];

	for (int i = 0; i < l->ncols; i++)
		dash_cell(r, l->cols[i], now_ms, cells[l->cols[i]], sizeof cells[0]);
	return join_cells(l, (const char(*)[DASH_LINE_MAX])cells, buf, cap);
}

/* qsort has no context argument; sorting is single-threaded and never reentered. */
static enum dash_col sort_key;

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_rows(const void *pa, const void *pb)
{
	const struct dash_row *a = *(const struct dash_row *const *)pa;
	const struct dash_row *b = *(const struct dash_row *const *)pb;
	bool ca = a->state == DASH_ST_CLOSED, cb = b->state == DASH_ST_CLOSED;
	int d = 0;

	if (ca != cb)
		return ca ? 1 : -1;
	switch (sort_key) {
	case DASH_COL_ADDR:
		d = strcmp(a->host, b->host);
		if (d == 0)
			d = (a->port > b->port) - (a->port < b->port);
		break;
	case DASH_COL_NICK:
		d = strcasecmp(a->nick, b->nick);
		break;
	case DASH_COL_ACCOUNT:
		d = strcmp(a->account, b->account);
		break;
	case DASH_COL_MODE:
		d = (int)a->mode - (int)b->mode;
		break;
	case DASH_COL_STATE:
		d = (int)a->state - (int)b->state;
		break;
	case DASH_COL_CONN: /* longest connected first: oldest connect time */
		d = cmp_u64((uint64_t)a->connected_ms, (uint64_t)b->connected_ms);
		break;
	case DASH_COL_IDLE: /* most idle first */
		d = cmp_u64((uint64_t)a->last_rx_ms, (uint64_t)b->last_rx_ms);
		break;
	case DASH_COL_LIN:
		d = -cmp_u64(a->lines_in, b->lines_in);
		break;
	case DASH_COL_LOUT:
		d = -cmp_u64(a->lines_out, b->lines_out);
		break;
	case DASH_COL_BIN:
		d = -cmp_u64(a->bytes_in, b->bytes_in);
		break;
	case DASH_COL_BOUT:
		d = -cmp_u64(a->bytes_out, b->bytes_out);
		break;
	case DASH_COL_SENDQ:
		d = -cmp_u64(a->sendq, b->sendq);
		break;
	case DASH_COL_LAG:
		d = (b->lag_ms > a->lag_ms) - (b->lag_ms < a->lag_ms);
		break;
	case DASH_COL_CHANS:
		d = strcmp(a->chans, b->chans);
		break;
	default:
		break;
	}
	if (d != 0)
		return d;
	return (a->id > b->id) - (a->id < b->id);
}

void
dash_sort(struct dash_row **rows, size_t n, enum dash_col key)
{
	sort_key = key;
	if (n > 1)
		qsort(rows, n, sizeof *rows, cmp_rows);
}

/* ---- Event log ---- */

void
dash_log_add(struct dash_log *lg, int64_t wall, bool warn, const char *text)
{
	lg->line[lg->head].wall = wall;
	lg->line[lg->head].warn = warn;
	str_copy(lg->line[lg->head].text, text, sizeof lg->line[lg->head].text);
	lg->head = (lg->head + 1) % DASH_LOG_LINES;
	if (lg->count < DASH_LOG_LINES)
		lg->count++;
}

const char *
dash_log_get(const struct dash_log *lg, unsigned i, int64_t *wall, bool *warn)
{
	unsigned k;

	if (i >= lg->count)
		return NULL;
	k = (lg->head + DASH_LOG_LINES - 1 - i) % DASH_LOG_LINES;
	if (wall != NULL)
		*wall = lg->line[k].wall;
	if (warn != NULL)
		*warn = lg->line[k].warn;
	return lg->line[k].text;
}
