#include "common/outbuf.h"

#include <stdlib.h>
#include <string.h>

enum { OB_MIN_CAP = 512 };

void
ob_init(struct outbuf *ob)
{
	memset(ob, 0, sizeof *ob);
}

enum ob_result
ob_append(struct outbuf *ob, const void *p, size_t n, size_t limit)
{
	size_t pending = ob->len - ob->off;

	if (limit != 0 && pending + n > limit)
		return OB_FULL;
	if (n == 0)
		return OB_OK; /* memcpy to a NULL data pointer would be undefined */
	if (ob->len + n > ob->cap) {
		/* Slide the unsent bytes to the front before growing. */
		if (ob->off > 0) {
			memmove(ob->data, ob->data + ob->off, pending);
			ob->off = 0;
			ob->len = pending;
		}
		if (pending + n > ob->cap) {
			size_t cap = ob->cap ? ob->cap : OB_MIN_CAP;
			while (cap < pending + n)
				cap *= 2;
			char *d = realloc(ob->data, cap);
			if (d == NULL)
				return OB_NOMEM;
			ob->data = d;
			ob->cap = cap;
		}
	}
	memcpy(ob->data + ob->len, p, n);
	ob->len += n;
	return OB_OK;
}

size_t
ob_pending(const struct outbuf *ob)
{
	return ob->len - ob->off;
}

const char *
ob_data(const struct outbuf *ob)
{
	/*
	 * An empty, released queue has no storage; never hand out NULL (or compute NULL + 0),
	 * so that memcpy(dst, ob_data(ob), ob_pending(ob)) is defined even when empty.
	 */
	return ob->data == NULL ? "" : ob->data + ob->off;
}

void
ob_consume(struct outbuf *ob, size_t n, size_t keep)
{
	if (n > ob->len - ob->off)
		n = ob->len - ob->off;
	ob->off += n;
	if (ob->off == ob->len) {
		ob->off = ob->len = 0;
		if (ob->cap > keep) {
			free(ob->data);
			ob->data = NULL;
			ob->cap = 0;
		}
	}
}

void
ob_clear(struct outbuf *ob)
{
	ob->off = ob->len = 0;
}

void
ob_free(struct outbuf *ob)
{
	free(ob->data);
	ob_init(ob);
}
