/*
 * dash_model: the pure half of the dashboard. Rates from counter deltas (the clock is a
 * parameter), sparklines, and the connections table as "rows of state in, lines of text out",
 * measured in terminal columns with wcwidth. No curses and no I/O here, so all of it is tested
 * directly.
 */
#ifndef LANCHAT_DASH_MODEL_H
#define LANCHAT_DASH_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"

/* The dashboard's own limits (display timings, not server behaviour). */
enum {
	DASH_REDRAW_MS = 250,      /* at most four redraws a second, whatever the traffic */
	DASH_RATE_PERIOD_MS = 1000, /* one rate sample (and sparkline point) per second */
	DASH_HISTORY = 120,        /* rate samples kept for the sparklines */
	DASH_NEW_MS = 3000,        /* a new connection stays highlighted this long */
	DASH_LINGER_MS = 6000,     /* a closed connection stays listed (dimmed) this long */
	DASH_CLOSED_MAX = 64,      /* closed connections kept for lingering at once */
	DASH_LOG_LINES = 500,      /* event log lines kept */
	DASH_LOG_TEXT = 320,       /* bytes of one event log line */
	DASH_LAG_PROBE_MS = 10000, /* how often registered IRC clients are PINGed for lag */
	DASH_CHANS_TEXT = 160,     /* bytes of the joined channel list shown */
	DASH_REASON_LEN = 128,
	DASH_WIDTH_MAX = 1024,     /* columns a formatted line may span */
	DASH_LINE_MAX = DASH_WIDTH_MAX * 4 + 1, /* bytes of one formatted line (UTF-8) */
};

/* ---- Rates ---- */

enum dash_rate_kind {
	DASH_LINES_IN,
	DASH_LINES_OUT,
	DASH_BYTES_IN,
	DASH_BYTES_OUT,
	DASH_PASSES, /* loop passes, so the cost of a pass can be watched */
	DASH_RATE_KINDS
};

struct dash_rates {
	int64_t period_ms;
	int64_t last_ms;
	uint64_t last[DASH_RATE_KINDS];
	bool primed;
	double cur[DASH_RATE_KINDS]; /* per second, over the last closed period */
	double hist[DASH_RATE_KINDS][DASH_HISTORY];
	unsigned head, count;        /* ring of closed periods, head = next slot */
};

void dash_rates_init(struct dash_rates *r, int64_t period_ms);
/*
 * Feeds the counters' values at now_ms. The first call only primes. A period closes once
 * period_ms have passed since the last one (a late call averages over the longer gap);
 * returns true when one did. A counter that goes backwards counts as no traffic.
 */
bool dash_rates_update(struct dash_rates *r, int64_t now_ms, const uint64_t counters[DASH_RATE_KINDS]);
/* Copies up to max samples of one kind, oldest first; returns how many. */
size_t dash_rates_history(const struct dash_rates *r, enum dash_rate_kind k, double *out, size_t max);

/*
 * Draws the last `width` values as a sparkline scaled to their maximum, right-aligned and
 * padded with spaces: block elements in a UTF-8 locale, " .:-=+*#" otherwise. Zero is a space.
 */
size_t dash_sparkline(char *dst, size_t cap, const double *v, size_t n, int width);

/* ---- Numbers ---- */

void dash_fmt_count(char *buf, size_t cap, uint64_t n);  /* 999, 12.3k, 4.56M */
void dash_fmt_bytes(char *buf, size_t cap, uint64_t n);  /* 512B, 1.5K, 12M */
void dash_fmt_rate(char *buf, size_t cap, double per_s); /* 0, 7.5, 120, 12.3k */
void dash_fmt_dur(char *buf, size_t cap, int64_t ms);    /* 12s, 3m05s, 2h07m, 3d02h */
void dash_fmt_lag(char *buf, size_t cap, int ms);        /* -, 12ms, 1.2s */

/*
 * Copies src into dst so that it spans exactly `width` terminal columns: cut (with an
 * ellipsis) or padded with spaces, left- or right-aligned. Characters wcwidth cannot measure
 * (and a wide one that would straddle the edge) become '?' or padding. Returns bytes written.
 * src should already be sanitised; this only measures.
 */
size_t dash_fit(char *dst, size_t cap, const char *src, int width, bool right);
/* Terminal columns of a UTF-8 string, as dash_fit measures them. */
int dash_width(const char *s);

/* ---- The connections table ---- */

enum dash_col {
	DASH_COL_ID,
	DASH_COL_ADDR,
	DASH_COL_NICK,
	DASH_COL_ACCOUNT,
	DASH_COL_MODE,
	DASH_COL_STATE,
	DASH_COL_CONN,
	DASH_COL_IDLE,
	DASH_COL_LIN,
	DASH_COL_LOUT,
	DASH_COL_BIN,
	DASH_COL_BOUT,
	DASH_COL_SENDQ,
	DASH_COL_LAG,
	DASH_COL_CHANS,
	DASH_NCOLS
};

enum dash_mode { DASH_MODE_UNKNOWN, DASH_MODE_IRC, DASH_MODE_PLAIN };

enum dash_state {
	DASH_ST_NEW,       /* mode not known yet */
	DASH_ST_HANDSHAKE, /* TLS handshake not finished */
	DASH_ST_REGISTER,  /* IRC, NICK/USER not complete */
	DASH_ST_CAP,       /* IRC, holding registration for CAP END */
	DASH_ST_ONLINE,
	DASH_ST_AWAY,
	DASH_ST_PINGED,    /* a PING is outstanding */
	DASH_ST_THROTTLED, /* out of flood tokens */
	DASH_ST_CLOSING,   /* killed, reaped at the end of the loop pass */
	DASH_ST_CLOSED
};

/* One connection as the table sees it; strings are raw peer text (sanitised when formatted). */
struct dash_row {
	unsigned id;
	char host[HOST_LEN];
	int port;
	char nick[NICK_LEN + 1];
	char account[NICK_LEN + 1]; /* logged in as; "" when not */
	enum dash_mode mode;
	bool tls;          /* over the TLS listener */
	enum dash_state state;
	int64_t connected_ms, last_rx_ms;
	int64_t closed_ms; /* 0 while open */
	uint64_t lines_in, lines_out, bytes_in, bytes_out;
	size_t sendq;
	int lag_ms; /* -1 unknown */
	char chans[DASH_CHANS_TEXT];
	char reason[DASH_REASON_LEN];
};

struct dash_layout {
	int width;
	int ncols;
	enum dash_col cols[DASH_NCOLS]; /* shown columns in display order */
	int w[DASH_NCOLS];              /* width of each column, by enum dash_col */
};

const char *dash_mode_name(enum dash_mode m);
const char *dash_state_name(enum dash_state s);
const char *dash_col_name(enum dash_col c);

/*
 * Chooses the columns for a screen `width` wide: the most useful ones first while they fit at
 * their minimum width, then the spare columns go to address, nick and channels.
 */
void dash_layout(struct dash_layout *l, int width);
/* The header line; the sort column is marked. */
size_t dash_format_header(const struct dash_layout *l, enum dash_col sort, char *buf, size_t cap);
/* One row; closed rows show their reason in the channels column. Exactly l->width columns. */
size_t dash_format_row(const struct dash_layout *l, const struct dash_row *r, int64_t now_ms,
    char *buf, size_t cap);
/* Formats one cell (sanitised, not fitted), as dash_format_row would show it. */
void dash_cell(const struct dash_row *r, enum dash_col c, int64_t now_ms, char *buf, size_t cap);

/* Sorts by a column (counters and durations biggest first, text ascending), then by id; open
 * connections before closed ones. */
void dash_sort(struct dash_row **rows, size_t n, enum dash_col key);

/* ---- Event log ---- */

struct dash_log {
	unsigned head, count;
	struct {
		int64_t wall; /* seconds since the epoch */
		bool warn;
		char text[DASH_LOG_TEXT];
	} line[DASH_LOG_LINES];
};

void dash_log_add(struct dash_log *lg, int64_t wall, bool warn, const char *text);
/* The i-th newest line (0 = newest), or NULL. */
const char *dash_log_get(const struct dash_log *lg, unsigned i, int64_t *wall, bool *warn);

#endif
