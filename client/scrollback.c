#include "client/scrollback.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/limits.h"
#include "common/sanitize.h"
#include "common/text.h"
#include "common/util.h"

/* Room for a sanitised line: every byte may grow to four ("<9b>"). */
enum { SB_TEXT_MAX = 4 * IRC_LINE_MAX + 64 };

static char time_format[TIME_FORMAT_LEN + 1] = "%H:%M";

void
sb_set_time_format(const char *fmt)
{
	str_copy(time_format, fmt, sizeof time_format);
}

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
sb_fit_view(struct scrollback *sb, long above, int width, int height)
{
	long total = 0;

	size_t i = sb->len;

	sb->width = width;
	sb->height = height;
	for (; i > 0 && total + above < (long)sb->scroll + height; i--)
		total += sb_line_rows(sb_get(sb, i - 1), width);
	total += above;
	if (total < (long)sb->scroll + height) {
		sb->scroll = total > height ? (int)(total - height) : 0;
		if (sb->scroll == 0)
			sb->unread = 0;
	}
	sb->top_shown = i == 0 && total <= (long)sb->scroll + height;
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

/* A line composed, before it has a place in the ring. */
struct composed {
	char text[SB_TEXT_MAX];
	size_t stamp_len, nick_off, nick_len, body_off;
};

static void
compose(struct composed *c, time_t t, enum sb_kind kind, int flags, const char *tag,
    const char *nick, const char *text)
{
	char *buf = c->text;
	size_t cap = sizeof c->text, o = 0;
	struct tm tm;

	localtime_r(&t, &tm);
	if (kind == SB_WIRE_IN || kind == SB_WIRE_OUT)
		o = (size_t)snprintf(buf, cap, "%02d:%02d:%02d %s ", tm.tm_hour, tm.tm_min,
		    tm.tm_sec, kind == SB_WIRE_IN ? "\xe2\x86\x90" : "\xe2\x86\x92");
	else {
		o = strftime(buf, STAMP_MAX, time_format, &tm);
		buf[o++] = ' ';
		buf[o] = '\0';
	}
	c->stamp_len = o;
	if (tag != NULL && tag[0] != '\0') {
		put_lit(buf, cap, &o, "[");
		put_san(buf, cap, &o, tag);
		put_lit(buf, cap, &o, "] ");
	}

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
	case SB_TITLE:
	case SB_LOG:
		break;
	}
	put_lit(buf, cap, &o, pre);
	c->nick_off = c->nick_len = 0;
	if (nick != NULL && nick[0] != '\0') {
		c->nick_off = o;
		put_san(buf, cap, &o, nick);
		c->nick_len = o - c->nick_off;
		put_lit(buf, cap, &o, post);
	}
	c->body_off = o;
	/* Wire lines keep formatting codes visible: they show exactly what crossed. */
	if (text != NULL && o + 1 < cap)
		o += san_text(buf + o, cap - o, text, strlen(text),
		    (kind == SB_WIRE_IN || kind == SB_WIRE_OUT) ? SAN_DEFAULT : SAN_STRIP_FORMAT);
}

struct sb_line *
sb_insert(struct scrollback *sb, size_t at, time_t t, enum sb_kind kind, int flags,
    const char *tag, const char *nick, const char *text)
{
	struct composed c;

	if (at > sb->len)
		at = sb->len;
	if (sb->len == sb->cap) {
		/* Full: the oldest line goes, unless the new one would be older still. */
		if (at == 0)
			return NULL;
		free(sb->lines[sb->head].text);
		sb->head = (sb->head + 1) % sb->cap;
		sb->len--;
		at--;
	}
	compose(&c, t, kind, flags, tag, nick, text);
	/* The shorter side moves one place: lines before at towards the oldest end, or after. */
	if (at < sb->len / 2) {
		sb->head = (sb->head + sb->cap - 1) % sb->cap;
		for (size_t i = 0; i < at; i++)
			sb->lines[(sb->head + i) % sb->cap] = sb->lines[(sb->head + i + 1) % sb->cap];
	} else {
		for (size_t i = sb->len; i > at; i--)
			sb->lines[(sb->head + i) % sb->cap] = sb->lines[(sb->head + i - 1) % sb->cap];
	}
	struct sb_line *l = &sb->lines[(sb->head + at) % sb->cap];
	sb->len++;
	*l = (struct sb_line){ .time = t,
		.kind = kind,
		.flags = flags,
		.text = xstrdup(c.text),
		.stamp_len = c.stamp_len,
		.nick_off = c.nick_off,
		.nick_len = c.nick_len,
		.body_off = c.body_off,
		.serial = ++sb->serials,
		.ms = (int64_t)t * 1000 };
	if (sb->scroll > 0) {
		/* Keep a scrolled-up view where it is when the line lands below what it shows. */
		int width = sb->width > 0 ? sb->width : 80;
		long below = 0;
		for (size_t i = at + 1; i < sb->len && below < sb->scroll; i++)
			below += sb_line_rows(sb_get(sb, i), width);
		if (below < sb->scroll) {
			sb->scroll += sb_line_rows(l, width);
			sb->unread++;
		}
	}
	sb->seq++;
	return l;
}

void
sb_add(struct scrollback *sb, time_t t, enum sb_kind kind, int flags, const char *tag,
    const char *nick, const char *text)
{
	sb_insert(sb, sb->len, t, kind, flags, tag, nick, text);
}

struct sb_line *
sb_at(struct scrollback *sb, size_t i)
{
	return i < sb->len ? &sb->lines[(sb->head + i) % sb->cap] : NULL;
}

size_t
sb_time_slot(const struct scrollback *sb, int64_t ms)
{
	size_t i = sb->len;
	while (i > 0 && sb_get(sb, i - 1)->ms > ms)
		i--;
	return i;
}

size_t
sb_time_slot_before(const struct scrollback *sb, int64_t ms)
{
	size_t i = sb->len;
	while (i > 0 && sb_get(sb, i - 1)->ms >= ms)
		i--;
	return i;
}

long
sb_index_of(const struct scrollback *sb, unsigned long serial)
{
	for (size_t i = sb->len; i > 0; i--)
		if (sb_get(sb, i - 1)->serial == serial)
			return (long)(i - 1);
	return -1;
}

long
sb_match(const struct scrollback *sb, time_t t, int slack, enum sb_kind kind, int flags,
    const char *tag, const char *nick, const char *text)
{
	struct composed c;
	long best = -1;
	time_t best_d = 0;

	compose(&c, t, kind, flags, tag, nick, text);
	const char *body = c.text + c.stamp_len;
	for (size_t i = 0; i < sb->len; i++) {
		const struct sb_line *l = sb_get(sb, i);
		time_t d = l->time > t ? l->time - t : t - l->time;
		if (l->id != 0 || d > slack || (best >= 0 && d >= best_d))
			continue;
		if (strcmp(l->text + l->stamp_len, body) == 0) {
			best = (long)i;
			best_d = d;
		}
	}
	return best;
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
	sb->found = 0;
	sb->unread = 0;
	sb->seq++;
}

bool
sb_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return false;
	for (const char *p = hay; *p != '\0'; p++) {
		size_t k = 0;
		while (k < n && p[k] != '\0' && irc_tolower(p[k]) == irc_tolower(needle[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

long
sb_find(const struct scrollback *sb, const char *needle, size_t before)
{
	if (before > sb->len)
		before = sb->len;
	for (size_t i = before; i > 0; i--)
		if (sb_contains(sb_get(sb, i - 1)->text, needle))
			return (long)(i - 1);
	return -1;
}

void
sb_show_line(struct scrollback *sb, size_t i)
{
	int width = sb->width > 0 ? sb->width : 80;
	long rows = 0;
	for (size_t k = i + 1; k < sb->len; k++)
		rows += sb_line_rows(sb_get(sb, k), width);
	sb->scroll = rows > INT32_MAX ? INT32_MAX : (int)rows;
	sb->found = sb_get(sb, i) != NULL ? sb_get(sb, i)->serial : 0;
	sb->seq++;
}
