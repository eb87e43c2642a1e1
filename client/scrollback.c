#include "client/scrollback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/sanitize.h"
#include "common/text.h"
#include "common/util.h"

/* Room for a sanitised line: every byte may grow to four ("<9b>"). */
enum { SB_TEXT_MAX = 4 * IRC_LINE_MAX + 64 };

void
sb_init(struct scrollback *sb, size_t cap)
{
	memset(sb, 0, sizeof *sb);
	sb->cap = cap > 0 ? cap : 1;
	sb->lines = xcalloc(sb->cap, sizeof *sb->lines);
}

void
sb_clear(struct scrollback *sb)
{
	for (size_t i = 0; i < sb->len; i++)
		free(sb->lines[(sb->head + i) % sb->cap].text);
	sb->head = 0;
	sb->len = 0;
	sb->scroll = 0;
	sb->unread = 0;
	sb->seq++;
}

void
sb_free(struct scrollback *sb)
{
	if (sb->lines == NULL)
		return;
	sb_clear(sb);
	free(sb->lines);
	sb->lines = NULL;
}

const struct sb_line *
sb_get(const struct scrollback *sb, size_t i)
{
	if (i >= sb->len)
		return NULL;
	return &sb->lines[(sb->head + i) % sb->cap];
}

int
sb_width(const char *s, size_t len)
{
	return text_width(s, len);
}

int
sb_wrap(const char *text, int width, int indent, struct sb_row *rows, int maxrows)
{
	size_t len = strlen(text), start = 0;
	int nrows = 0;

	if (width < 1)
		width = 1;
	if (indent < 0 || indent >= width)
		indent = 0;
	do {
		int avail = nrows == 0 ? width : width - indent;
		int col = 0;
		size_t i = start, brk = 0;
		bool have_brk = false;

		while (i < len) {
			size_t n;
			int w = text_char_width(text + i, len - i, &n);
			bool space = text[i] == ' ';
			if (w < 0)
				w = 1; /* unknown ones count as one, so the layout never stalls */
			/* A character that would not fit ends the row (unless the row is empty). */
			if (col + w > avail && i > start)
				break;
			col += w;
			i += n;
			if (space) {
				brk = i;
				have_brk = true;
			}
		}
		size_t end = i;
		/* Stopped at a space: the row is full as it is; else break after the last space. */
		if (i < len && text[i] != ' ' && have_brk && brk > start)
			end = brk;
		if (rows != NULL && nrows < maxrows) {
			rows[nrows].off = start;
			rows[nrows].len = end - start;
		}
		nrows++;
		start = end;
		/* The spaces a row breaks at are not carried over to start the next one. */
		while (start < len && text[start] == ' ')
			start++;
	} while (start < len);
	return nrows;
}

int
sb_indent(const struct sb_line *l, int width)
{
	int w = sb_width(l->text, l->body_off);
	return w <= width / 2 ? w : 0;
}

long
sb_fit_view(struct scrollback *sb, int width, int height)
{
	long total = 0;

	sb->width = width;
	for (size_t i = sb->len; i > 0 && total < (long)sb->scroll + height; i--)
		total += sb_line_rows(sb_get(sb, i - 1), width);
	if (total < (long)sb->scroll + height) {
		sb->scroll = total > height ? (int)(total - height) : 0;
		if (sb->scroll == 0)
			sb->unread = 0;
	}
	return total;
}

int
sb_line_rows(const struct sb_line *l, int width)
{
	return sb_wrap(l->text, width, sb_indent(l, width), NULL, 0);
}

/* Appends a sanitised copy of src to buf at *o. */
static void
put_san(char *buf, size_t cap, size_t *o, const char *src)
{
	if (src == NULL || *o + 1 >= cap)
		return;
	*o += san_text(buf + *o, cap - *o, src, strlen(src), SAN_STRIP_FORMAT);
}

static void
put_lit(char *buf, size_t cap, size_t *o, const char *s)
{
	size_t n = strlen(s);
	if (*o + n + 1 > cap)
		return;
	memcpy(buf + *o, s, n + 1);
	*o += n;
}

void
sb_add(struct scrollback *sb, time_t t, enum sb_kind kind, int flags, const char *tag,
    const char *nick, const char *text)
{
	char buf[SB_TEXT_MAX];
	size_t o = 0;
	struct tm tm;
	struct sb_line *l;

	localtime_r(&t, &tm);
	if (kind == SB_WIRE_IN || kind == SB_WIRE_OUT)
		o = (size_t)snprintf(buf, sizeof buf, "%02d:%02d:%02d %s ", tm.tm_hour, tm.tm_min,
		    tm.tm_sec, kind == SB_WIRE_IN ? "\xe2\x86\x90" : "\xe2\x86\x92");
	else
		o = (size_t)snprintf(buf, sizeof buf, "%02d:%02d ", tm.tm_hour, tm.tm_min);
	if (tag != NULL && tag[0] != '\0') {
		put_lit(buf, sizeof buf, &o, "[");
		put_san(buf, sizeof buf, &o, tag);
		put_lit(buf, sizeof buf, &o, "] ");
	}

	size_t nick_off = 0, nick_len = 0;
	const char *pre = "", *post = " ";
	switch (kind) {
	case SB_MSG:
	case SB_OWN:
		pre = "<";
		post = "> ";
		break;
	case SB_ACTION:
		pre = "* ";
		break;
	case SB_PRIVATE:
		pre = (flags & SB_OUTGOING) ? "-> *" : "*";
		post = "* ";
		break;
	case SB_NOTICE:
		pre = "-";
		post = "- ";
		break;
	case SB_EVENT:
		pre = "-- ";
		break;
	case SB_INFO:
		pre = "-!- ";
		break;
	case SB_ERROR:
		pre = "!!! ";
		break;
	case SB_WIRE_IN:
	case SB_WIRE_OUT:
		break;
	}
	put_lit(buf, sizeof buf, &o, pre);
	if (nick != NULL && nick[0] != '\0') {
		nick_off = o;
		put_san(buf, sizeof buf, &o, nick);
		nick_len = o - nick_off;
		put_lit(buf, sizeof buf, &o, post);
	}
	size_t body_off = o;
	/* Wire lines keep formatting codes visible: they show exactly what crossed. */
	if (text != NULL && o + 1 < sizeof buf)
		o += san_text(buf + o, sizeof buf - o, text, strlen(text),
		    (kind == SB_WIRE_IN || kind == SB_WIRE_OUT) ? SAN_DEFAULT : SAN_STRIP_FORMAT);

	if (sb->len == sb->cap) {
		free(sb->lines[sb->head].text);
		sb->head = (sb->head + 1) % sb->cap;
		sb->len--;
	}
	l = &sb->lines[(sb->head + sb->len) % sb->cap];
	sb->len++;
	l->time = t;
	l->kind = kind;
	l->flags = flags;
	l->text = xstrdup(buf);
	l->nick_off = nick_off;
	l->nick_len = nick_len;
	l->body_off = body_off;
	if (sb->scroll > 0) {
		/* Keep a scrolled-up view where it is while lines arrive below it. */
		sb->scroll += sb_line_rows(l, sb->width > 0 ? sb->width : 80);
		sb->unread++;
	}
	sb->seq++;
}

void
sb_scroll(struct scrollback *sb, int rows)
{
	sb->scroll += rows;
	if (sb->scroll <= 0) {
		sb->scroll = 0;
		sb->unread = 0;
	}
	sb->seq++;
}

void
sb_scroll_bottom(struct scrollback *sb)
{
	sb->scroll = 0;
	sb->unread = 0;
	sb->seq++;
}
