#include "client/editor.h"

#include <stdlib.h>
#include <string.h>

#include "client/scrollback.h"
#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"

void
ed_init(struct editor *ed)
{
	memset(ed, 0, sizeof *ed);
}

void
ed_free(struct editor *ed)
{
	for (int i = 0; i < ed->nhist; i++)
		free(ed->hist[i]);
	free(ed->draft);
	ed_init(ed);
}

const char *
ed_text(const struct editor *ed)
{
	return ed->buf;
}

void
ed_clear(struct editor *ed)
{
	ed->len = 0;
	ed->cur = 0;
	ed->buf[0] = '\0';
	ed->completing = false;
}

static bool
is_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t
prev_char(const struct editor *ed, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && is_cont(ed->buf[i]))
		i--;
	return i;
}

static size_t
next_char(const struct editor *ed, size_t i)
{
	if (i >= ed->len)
		return ed->len;
	i++;
	while (i < ed->len && is_cont(ed->buf[i]))
		i++;
	return i;
}

/* Removes bytes [from, to). */
static void
cut(struct editor *ed, size_t from, size_t to)
{
	memmove(ed->buf + from, ed->buf + to, ed->len - to + 1);
	ed->len -= to - from;
	if (ed->cur > to)
		ed->cur -= to - from;
	else if (ed->cur > from)
		ed->cur = from;
}

static enum ed_result
put_bytes(struct editor *ed, const char *s, size_t n)
{
	if (ed->len + n > INPUT_MAX)
		return ED_REFUSED;
	memmove(ed->buf + ed->cur + n, ed->buf + ed->cur, ed->len - ed->cur + 1);
	memcpy(ed->buf + ed->cur, s, n);
	ed->len += n;
	ed->cur += n;
	return ED_OK;
}

static void
set_line(struct editor *ed, const char *s)
{
	size_t n = strlen(s);
	if (n > INPUT_MAX)
		n = INPUT_MAX;
	/* Never leave half a character at the end of a cut line. */
	while (n > 0 && n < strlen(s) && is_cont(s[n]))
		n--;
	memcpy(ed->buf, s, n);
	ed->buf[n] = '\0';
	ed->len = n;
	ed->cur = n;
}

enum ed_result
ed_insert(struct editor *ed, uint32_t cp)
{
	char u[4];
	size_t n;

	ed->completing = false;
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return ED_REFUSED;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return put_bytes(ed, u, n);
}

static enum ed_result
history_move(struct editor *ed, int dir)
{
	int to = ed->hpos + dir;

	if (to < 0 || to > ed->nhist)
		return ED_REFUSED;
	if (ed->hpos == ed->nhist) {
		free(ed->draft);
		ed->draft = xstrdup(ed->buf);
	}
	ed->hpos = to;
	set_line(ed, to == ed->nhist ? (ed->draft ? ed->draft : "") : ed->hist[to]);
	return ED_OK;
}

void
ed_history_add(struct editor *ed, const char *line)
{
	if (line[0] != '\0' && (ed->nhist == 0 || strcmp(ed->hist[ed->nhist - 1], line) != 0)) {
		if (ed->nhist == HISTORY_MAX) {
			free(ed->hist[0]);
			memmove(ed->hist, ed->hist + 1, (HISTORY_MAX - 1) * sizeof ed->hist[0]);
			ed->nhist--;
		}
		ed->hist[ed->nhist++] = xstrdup(line);
	}
	ed->hpos = ed->nhist;
	free(ed->draft);
	ed->draft = NULL;
}

enum ed_result
ed_key(struct editor *ed, enum ed_key key)
{
	size_t p;

	ed->completing = false;
	switch (key) {
	case ED_LEFT:
		if (ed->cur == 0)
			return ED_REFUSED;
		ed->cur = prev_char(ed, ed->cur);
		return ED_OK;
	case ED_RIGHT:
		if (ed->cur == ed->len)
			return ED_REFUSED;
		ed->cur = next_char(ed, ed->cur);
		return ED_OK;
	case ED_HOME:
		ed->cur = 0;
		return ED_OK;
	case ED_END:
		ed->cur = ed->len;
		return ED_OK;
	case ED_BACKSPACE:
		if (ed->cur == 0)
			return ED_REFUSED;
		cut(ed, prev_char(ed, ed->cur), ed->cur);
		return ED_OK;
	case ED_DELETE:
		if (ed->cur == ed->len)
			return ED_REFUSED;
		cut(ed, ed->cur, next_char(ed, ed->cur));
		return ED_OK;
	case ED_KILL_END:
		cut(ed, ed->cur, ed->len);
		return ED_OK;
	case ED_KILL_START:
		cut(ed, 0, ed->cur);
		return ED_OK;
	case ED_KILL_WORD:
		/* Like a shell: spaces before the cursor, then the word before them. */
		p = ed->cur;
		while (p > 0 && ed->buf[p - 1] == ' ')
			p--;
		while (p > 0 && ed->buf[p - 1] != ' ')
			p--;
		if (p == ed->cur)
			return ED_REFUSED;
		cut(ed, p, ed->cur);
		return ED_OK;
	case ED_HIST_PREV:
		return history_move(ed, -1);
	case ED_HIST_NEXT:
		return history_move(ed, 1);
	case ED_ENTER:
		return ED_SUBMIT;
	}
	return ED_REFUSED;
}

size_t
ed_word_start(const struct editor *ed)
{
	size_t p = ed->cur;
	while (p > 0 && ed->buf[p - 1] != ' ')
		p--;
	return p;
}

/*
 * Candidates come from the network (nicks, channel names): only valid UTF-8 with no
 * control character or space may enter the input line, which is sent as typed.
 */
static bool
cand_ok(const char *cand)
{
	const unsigned char *p = (const unsigned char *)cand;
	size_t left = strlen(cand);
	if (left == 0)
		return false;
	while (left > 0) {
		size_t k = san_utf8_len(p, left);
		if (k == 0 || *p <= ' ' || *p == 0x7f)
			return false;
		/* C1 controls: U+0080..U+009F. */
		if (k == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			return false;
		p += k;
		left -= k;
	}
	return true;
}

static bool
prefix_match(const char *cand, const char *prefix)
{
	if (!cand_ok(cand))
		return false;
	size_t n = strlen(prefix);
	for (size_t i = 0; i < n; i++)
		if (cand[i] == '\0' || irc_tolower(cand[i]) != irc_tolower(prefix[i]))
			return false;
	return true;
}

enum ed_result
ed_complete(struct editor *ed, const char *const *cands, size_t n, const char *start_suffix)
{
	size_t start, nmatch = 0, pick = 0;

	if (!ed->completing) {
		start = ed_word_start(ed);
		if (ed->cur - start >= sizeof ed->comp_prefix)
			return ED_REFUSED;
		memcpy(ed->comp_prefix, ed->buf + start, ed->cur - start);
		ed->comp_prefix[ed->cur - start] = '\0';
		ed->comp_start = start;
		ed->comp_idx = 0;
	}
	for (size_t i = 0; i < n; i++)
		if (prefix_match(cands[i], ed->comp_prefix))
			nmatch++;
	if (nmatch == 0) {
		ed->completing = false;
		return ED_REFUSED;
	}
	/* The comp_idx-th match, wrapping around: repeated Tab cycles. */
	size_t want = ed->comp_idx % nmatch, seen = 0;
	for (size_t i = 0; i < n; i++) {
		if (!prefix_match(cands[i], ed->comp_prefix))
			continue;
		if (seen++ == want) {
			pick = i;
			break;
		}
	}
	cut(ed, ed->comp_start, ed->cur);
	ed->cur = ed->comp_start;
	const char *suffix = ed->comp_start == 0 && start_suffix != NULL ? start_suffix : " ";
	if (put_bytes(ed, cands[pick], strlen(cands[pick])) != ED_OK ||
	    put_bytes(ed, suffix, strlen(suffix)) != ED_OK) {
		ed->completing = false;
		return ED_REFUSED;
	}
	ed->completing = true;
	ed->comp_idx++;
	return ED_OK;
}

size_t
ed_view(const struct editor *ed, int width, int *cursor_col)
{
	int w = sb_width(ed->buf, ed->cur);
	size_t start = 0;

	if (width < 2)
		width = 2;
	if (w >= width) {
		/* Keep the cursor three quarters across, so some context shows before it. */
		int keep = width * 3 / 4;
		start = ed->cur;
		w = 0;
		while (start > 0) {
			size_t p = prev_char(ed, start);
			int cw = sb_width(ed->buf + p, start - p);
			if (w + cw > keep)
				break;
			w += cw;
			start = p;
		}
	}
	*cursor_col = w;
	return start;
}
