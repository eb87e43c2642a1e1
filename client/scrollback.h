/*
 * scrollback: the client's message store and its wrapping by display width. A bounded ring
 * of lines, each sanitised once when it is added, so nothing stored can reach the terminal
 * as a control sequence. Pure: no curses, no I/O.
 */
#ifndef LANCHAT_SCROLLBACK_H
#define LANCHAT_SCROLLBACK_H

#include <stdbool.h>
#include <stddef.h>
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
	SB_WIRE_OUT /* raw line sent */
};

enum sb_flags {
	SB_HIGHLIGHT = 1 << 0, /* mentions our nick */
	SB_OUTGOING = 1 << 1,  /* a private message we sent */
	SB_PRIV = 1 << 2       /* a private action: drawn in the private colour, tagged so */
};

struct sb_line {
	time_t time;
	enum sb_kind kind;
	int flags;
	char *text;     /* composed display text, sanitised */
	size_t nick_off; /* byte range of the nick inside text, for its colour */
	size_t nick_len;
	size_t body_off; /* where the message body starts */
};

struct scrollback {
	struct sb_line *lines;
	size_t cap;
	size_t head;     /* index of the oldest line */
	size_t len;
	int scroll;      /* rows scrolled up from the bottom; 0 = following new lines */
	int width;       /* width the view was last wrapped at, to keep a scrolled view still */
	unsigned unread; /* lines added below a scrolled view */
	unsigned long seq; /* changes whenever the content changes */
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
enum { SB_STAMP_LEN = 6, SB_WIRE_STAMP_LEN = 12 };

/*
 * Adds a line. tag (a channel name shown in brackets), nick and text are raw network bytes
 * (any may be NULL) and are sanitised here. The timestamp is drawn as HH:MM (HH:MM:SS for
 * wire lines).
 */
void sb_add(struct scrollback *sb, time_t t, enum sb_kind kind, int flags, const char *tag,
    const char *nick, const char *text);
/* The i-th line, 0 = oldest. */
const struct sb_line *sb_get(const struct scrollback *sb, size_t i);

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
 * a scroll that reaches past the oldest line back (clearing unread at the bottom). Returns
 * the rows that exist, counted up to what the pane can show.
 */
long sb_fit_view(struct scrollback *sb, int width, int height);
/* Indent used for continuation rows of a line at this width. */
int sb_indent(const struct sb_line *l, int width);

/* Scrolling by rows; the view is clamped when drawn. */
void sb_scroll(struct scrollback *sb, int rows);
void sb_scroll_bottom(struct scrollback *sb);

#endif
