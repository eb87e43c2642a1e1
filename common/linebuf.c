#include "common/linebuf.h"

#include <string.h>

void
lb_init(struct linebuf *lb)
{
	lb->len = lb->start = 0;
	lb->discard = lb->split = false;
}

static void
lb_compact(struct linebuf *lb)
{
	if (lb->start > 0) {
		memmove(lb->buf, lb->buf + lb->start, lb->len - lb->start);
		lb->len -= lb->start;
		lb->start = 0;
	}
}

char *
lb_space(struct linebuf *lb, size_t *avail)
{
	lb_compact(lb);
	*avail = IRC_LINE_MAX - lb->len;
	return lb->buf + lb->len;
}

void
lb_commit(struct linebuf *lb, size_t n)
{
	lb->len += n;
	if (lb->len > IRC_LINE_MAX)
		lb->len = IRC_LINE_MAX;
}

size_t
lb_feed(struct linebuf *lb, const char *data, size_t len)
{
	size_t avail;
	char *p = lb_space(lb, &avail);
	if (len > avail)
		len = avail;
	memcpy(p, data, len);
	lb_commit(lb, len);
	return len;
}

static char *
find_eol(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\r' || p[i] == '\n')
			return p + i;
	return NULL;
}

/* Drops the NUL bytes of s[0..n); returns how many bytes are left. */
static size_t
drop_nuls(char *s, size_t n)
{
	size_t k = 0;

	if (memchr(s, '\0', n) == NULL)
		return n;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\0')
			s[k++] = s[i];
	return k;
}

/*
 * The first piece of the overlong line at s (more than IRC_LINE_BODY of its n bytes held):
 * it ends at a space in its second half if there is one, else at a character boundary.
 * The next piece starts after the spaces it was split at.
 */
static size_t
split_piece(struct linebuf *lb, char *s, size_t n)
{
	size_t cut = IRC_LINE_BODY, sp, k;

	while (cut > IRC_LINE_BODY - 3 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	for (sp = cut; sp > cut / 2 && s[sp] != ' '; sp--)
		;
	if (s[sp] == ' ')
		cut = sp;
	k = drop_nuls(s, cut);
	if (k == cut && s[cut] != ' ') {
		/* No byte to spare for the terminator: move the rest up by one (buf has room). */
		memmove(s + cut + 1, s + cut, n - cut);
		lb->len++;
	}
	s[k] = '\0';
	lb->start += cut + 1;
	while (lb->start < lb->len && lb->buf[lb->start] == ' ')
		lb->start++;
	return k;
}

enum lb_result
lb_next(struct linebuf *lb, char **line, size_t *len)
{
	for (;;) {
		char *s = lb->buf + lb->start;
		size_t n = lb->len - lb->start;
		char *eol = find_eol(s, n);

		if (lb->split && !lb->discard && (eol == NULL ? n : (size_t)(eol - s)) > IRC_LINE_BODY) {
			size_t k = split_piece(lb, s, n);
			if (k == 0)
				continue;
			*line = s;
			*len = k;
			return LB_LINE;
		}

		if (eol == NULL) {
			if (lb->start == 0 && n >= IRC_LINE_MAX) {
				/* A full buffer without an end of line: the line is too long. */
				lb->len = lb->start = 0;
				if (lb->discard)
					return LB_NONE;
				lb->discard = true;
				return LB_TOOLONG;
			}
			if (n == 0)
				lb->len = lb->start = 0;
			return LB_NONE;
		}
		size_t body = (size_t)(eol - s);
		lb->start += body + 1;
		if (lb->discard) {
			/* The tail of a line already reported as too long. */
			lb->discard = false;
			continue;
		}
		/* A NUL would end the line early for everything downstream: drop NULs only. */
		body = drop_nuls(s, body);
		eol = s + body;
		if (body == 0)
			continue;
		if (body > IRC_LINE_BODY)
			return LB_TOOLONG;
		*eol = '\0';
		*line = s;
		*len = body;
		return LB_LINE;
	}
}

void
lb_truncate(struct linebuf *lb, size_t n)
{
	if (n < lb->len - lb->start)
		lb->len = lb->start + n;
}

size_t
lb_pending(const struct linebuf *lb)
{
	return lb->len - lb->start;
}

bool
lb_ready(const struct linebuf *lb)
{
	size_t n = lb->len - lb->start;
	if (lb->start == 0 && n >= IRC_LINE_MAX)
		return true;
	return find_eol((char *)lb->buf + lb->start, n) != NULL;
}
