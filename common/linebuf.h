/*
 * linebuf: bytes in, complete lines out. CR, LF and CRLF all end a line; empty lines are
 * skipped; NUL bytes are dropped, keeping the rest of their line. A line whose body exceeds
 * IRC_LINE_BODY is reported once as too long and then discarded up to its end, so the next
 * line is read correctly. No I/O, no allocation.
 */
#ifndef LANCHAT_LINEBUF_H
#define LANCHAT_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

struct linebuf {
	size_t len;     /* bytes held */
	size_t start;   /* first byte not yet returned */
	bool discard;   /* dropping the rest of an overlong line */
	/*
	 * Set by the owner: overlong lines come out as several lines instead of LB_TOOLONG,
	 * split at a space in the second half of a piece if there is one, else between two
	 * UTF-8 characters, each piece at most IRC_LINE_BODY bytes, the next one starting
	 * after the spaces it was split at.
	 */
	bool split;
	char buf[IRC_LINE_MAX + 1];
};

enum lb_result { LB_NONE = 0, LB_LINE, LB_TOOLONG };

void lb_init(struct linebuf *lb);
/* Free space to read into; call lb_commit with how many bytes were placed there. */
char *lb_space(struct linebuf *lb, size_t *avail);
void lb_commit(struct linebuf *lb, size_t n);
/* Copies in as much as fits; returns bytes taken (tests and fuzzers use this). */
size_t lb_feed(struct linebuf *lb, const char *data, size_t len);
/*
 * Next event. LB_LINE: *line is NUL-terminated inside the buffer, valid until the next call.
 * LB_TOOLONG: one overlong line was dropped. LB_NONE: need more bytes.
 */
enum lb_result lb_next(struct linebuf *lb, char **line, size_t *len);
/* Keeps only the first n of the bytes not yet returned (n <= lb_pending). */
void lb_truncate(struct linebuf *lb, size_t n);
/* Bytes buffered that are not yet returned as lines. */
size_t lb_pending(const struct linebuf *lb);
/* Does the buffer hold a complete line (or an overlong one) right now? */
bool lb_ready(const struct linebuf *lb);

#endif
