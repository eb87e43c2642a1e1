/*
 * scrollback: the client's message store and its wrapping by display width. A bounded ring
 * of lines, each sanitised once when it is added, so nothing stored can reach the terminal
 * as a control sequence. Pure: no curses, no I/O.
 */
#ifndef LANCHAT_SCROLLBACK_H
#define LANCHAT_SCROLLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum sb_kind {
	SB_MSG,     /* <nick> text */
	SB_OWN,     /* our own message, same shape */
	SB_ACTION,  /* * nick text */
	SB_PRIVATE, /* *nick* text (received) or -> *nick* text (sent) */
	SB_NOTICE,  /* -nick- text */
	SB_EVENT,   /* joins, parts, quits, nick changes: dim */
	SB_INFO,    /* server replies and client hints */
	SB_ERROR,   /* error numerics, failures */
	SB_WIRE_IN, /* raw line received */
	SB_WIRE_OUT, /* raw line sent */
	SB_TITLE,   /* a heading the UI makes for a pane, never stored: bold, no stamp */
	SB_LOG      /* a line read back from a log, its text as it was written there */
};

enum sb_flags {
	SB_HIGHLIGHT = 1 << 0, /* mentions our nick */
	SB_OUTGOING = 1 << 1,  /* a private message we sent */
	SB_PRIV = 1 << 2,      /* a private action: drawn in the private colour */
	SB_RESTORED = 1 << 3,  /* read back from the log at start: drawn dim */
	SB_HISTORY = 1 << 4    /* from the server's history, said before it reached us */
};

struct sb_line {
	time_t time;
	enum sb_kind kind;
	int flags;
	char *text;     /* composed display text, sanitised */
	size_t stamp_len; /* the timestamp and its space at the start of text */
	size_t nick_off; /* byte range of the nick inside text, for its colour */
	size_t nick_len;
	size_t body_off; /* where the message body starts */
	unsigned long serial; /* counts lines added, for pointing at one that may be gone */
	uint64_t id;    /* the message's key (seen_key) when the server gave a msgid, else 0 */
	int64_t ms;     /* time in milliseconds, for order (time * 1000 unless set after) */
};

struct scrollback {
	struct sb_line *lines;
	size_t cap;
	size_t head;     /* index of the oldest line */
	size_t len;
	int scroll;      /* rows scrolled up from the bottom; 0 = following new lines */
	int width;       /* width the view was last wrapped at, to keep a scrolled view still */
	int height;      /* rows of the pane it was last fitted to */
	unsigned unread; /* lines added below a scrolled view */
	unsigned long seq; /* changes whenever the content changes */
	unsigned long serials; /* lines ever added */
	unsigned long found; /* serial of the line /find last showed, 0 = none */
	bool top_shown;  /* the last fitted view reached the oldest line */
};

/* A row of wrapped text: a byte range of the line's text. */
struct sb_row {
	size_t off;
	size_t len;
};

void sb_init(struct scrollback *sb, size_t cap);
void sb_free(struct scrollback *sb);
void sb_clear(struct scrollback *sb);

/* Bytes of the stamp a line starts with: "HH:MM ", or "HH:MM:SS " and an arrow on wire lines. */
enum { SB_WIRE_STAMP_LEN = 12 };

/*
 * Adds a line. tag (a channel name shown in brackets), nick and text are raw network bytes
 * (any may be NULL) and are sanitised here. The timestamp is drawn as HH:MM (HH:MM:SS for
 * wire lines).
 */
void sb_add(struct scrollback *sb, time_t t, enum sb_kind kind, int flags, const char *tag,
    const char *nick, const char *text);
/*
 * Puts a line in at index at (0 = before the oldest; len = as sb_add), moving the newer ones
 * along. A full ring drops its oldest line for it, or drops the new line if that would be
 * older still (NULL). A view scrolled up stays on the lines it shows.
 */
struct sb_line *sb_insert(struct scrollback *sb, size_t at, time_t t, enum sb_kind kind,
    int flags, const char *tag, const char *nick, const char *text);
/* Where a line of time ms goes to keep times in order: after every line not later. */
size_t sb_time_slot(const struct scrollback *sb, int64_t ms);
/* The same before every line of the same time (for a line known to be older). */
size_t sb_time_slot_before(const struct scrollback *sb, int64_t ms);
/* The index of the line with serial, or -1 if it is gone. */
long sb_index_of(const struct scrollback *sb, unsigned long serial);
/*
 * The line without an id that reads as sb_add would write this one (the stamp aside), at
 * most slack seconds from t, the closest in time first; -1 if none.
 */
long sb_match(const struct scrollback *sb, time_t t, int slack, enum sb_kind kind, int flags,
    const char *tag, const char *nick, const char *text);
/* The strftime format of the stamps of lines added from now on (default "%H:%M"). */
void sb_set_time_format(const char *fmt);

/* The i-th line, 0 = oldest. */
const struct sb_line *sb_get(const struct scrollback *sb, size_t i);
/* The same, to change (its id, once a message is known to be it); NULL when out of range. */
struct sb_line *sb_at(struct scrollback *sb, size_t i);

/*
 * Wraps text into rows of at most width columns, measured with wcwidth, breaking after a
 * space where one is in reach and anywhere otherwise; spaces at a break start no row.
 * Continuation rows start indent columns in (the caller pads them). Returns the number of rows (at least 1); at most
 * maxrows are stored in rows (which may be NULL to count only).
 */
int sb_wrap(const char *text, int width, int indent, struct sb_row *rows, int maxrows);
/* Display width of s[0..len) in columns. */
int sb_width(const char *s, size_t len);
/* Rows a stored line takes at width (with the standard continuation indent). */
int sb_line_rows(const struct sb_line *l, int width);
/*
 * Fits the view to a pane of width x height before drawing: remembers the width, and pulls
 * a scroll that reaches past the oldest line back (clearing unread at the bottom). above is
 * the rows the pane draws over sb's oldest line (the welcome atop the server window), scrolled
 * with it. Returns the rows that exist, above included, counted up to what the pane can show.
 */
long sb_fit_view(struct scrollback *sb, long above, int width, int height);
/* Indent used for continuation rows of a line at this width. */
int sb_indent(const struct sb_line *l, int width);

/* Does hay contain needle, ASCII case ignored? ("" is in nothing.) */
bool sb_contains(const char *hay, const char *needle);
/*
 * The newest line before line index before (0 = oldest) whose text contains needle, ASCII
 * case ignored; -1 if none.
 */
long sb_find(const struct scrollback *sb, const char *needle, size_t before);
/* Scrolls so that line i is the lowest one shown, and marks it as found. */
void sb_show_line(struct scrollback *sb, size_t i);

/* Scrolling by rows; the view is clamped when drawn. */
void sb_scroll(struct scrollback *sb, int rows);
void sb_scroll_bottom(struct scrollback *sb);

#endif
