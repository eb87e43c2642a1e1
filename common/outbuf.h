/*
 * outbuf: a bounded output queue. Append formatted lines; the owner writes from ob_data()
 * and calls ob_consume() with the count written. Pure; allocation failure is an error return.
 */
#ifndef LANCHAT_OUTBUF_H
#define LANCHAT_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>

struct outbuf {
	char *data;
	size_t off;  /* first unsent byte */
	size_t len;  /* end of queued bytes */
	size_t cap;
};

enum ob_result { OB_OK = 0, OB_FULL = -1, OB_NOMEM = -2 };

void ob_init(struct outbuf *ob);
/* Queues n bytes unless the pending total would exceed limit (0 = no limit). */
enum ob_result ob_append(struct outbuf *ob, const void *p, size_t n, size_t limit);
size_t ob_pending(const struct outbuf *ob);
const char *ob_data(const struct outbuf *ob);
/* Drops n sent bytes; an emptied buffer larger than keep bytes is released. */
void ob_consume(struct outbuf *ob, size_t n, size_t keep);
void ob_clear(struct outbuf *ob);
void ob_free(struct outbuf *ob);

#endif
