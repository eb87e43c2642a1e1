#include "common/sanitize.h"

#include <stdbool.h>
#include <string.h>

size_t
san_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t
san_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n = max;
	if (len <= max)
		return len;
	/* s[max] exists: back up while it continues a character begun before it. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80 && max - n < 3)
		n--;
	return n;
}

static bool
is_format_code(unsigned char c)
{
	/* bold, colour, hex colour, reset, monospace, reverse, italics, strike, underline */
	return c == 0x02 || c == 0x03 || c == 0x04 || c == 0x0f || c == 0x11 || c == 0x16 ||
	    c == 0x1d || c == 0x1e || c == 0x1f;
}

/* Skips the colour arguments after ^C ("12", "4,07"). */
static size_t
skip_colour(const unsigned char *s, size_t n)
{
	size_t i = 0;
	for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '9'; k++)
		i++;
	if (i > 0 && i + 1 < n && s[i] == ',' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '9'; k++)
			i++;
	}
	return i;
}

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Skips the arguments after ^D ("RRGGBB", "RRGGBB,RRGGBB"). */
static size_t
skip_hex_colour(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < 6 && i < n && is_hex(s[i]))
		i++;
	if (i != 6)
		return 0;
	if (i + 7 <= n && s[i] == ',') {
		size_t j = 0;
		while (j < 6 && is_hex(s[i + 1 + j]))
			j++;
		if (j == 6)
			i += 7;
	}
	return i;
}

/*
 * Invisible format characters that reorder or hide text: the bidirectional embeddings,
 * overrides, isolates and marks (which let "txt.exe" arrive looking like "exe.txt" and pull
 * columns out of line), zero-width spaces and joiners of words, and the byte order mark.
 * Also the fillers that draw nothing (the Hangul fillers make a nick look empty), the soft
 * hyphen and Mongolian vowel separator, and the tag characters that hide text inside
 * emoji. ZWNJ and ZWJ (U+200C, U+200D) stay: scripts and emoji sequences need them.
 */
static bool
is_invisible_format(unsigned cp)
{
	return cp == 0x00ad || cp == 0x061c || cp == 0x115f || cp == 0x1160 || cp == 0x180e ||
	    cp == 0x200b || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 ||
	    (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f);
}

/* The code point of a valid sequence of n bytes. */
static unsigned
utf8_cp(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned cp = s[0] & lead_mask[n];
	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/*
 * Bytes of the blank character at s (a space, a tab, or a Unicode space of some width:
 * no-break, en, em, thin, ideographic ...), or 0.
 */
static size_t
space_len(const unsigned char *s, size_t avail)
{
	size_t n;
	unsigned cp;

	if (s[0] == ' ' || s[0] == '\t')
		return 1;
	if (s[0] < 0x80 || (n = san_utf8_len(s, avail)) == 0)
		return 0;
	cp = utf8_cp(s, n);
	return cp == 0x00a0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	        cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000
	    ? n
	    : 0;
}

size_t
san_text(char *dst, size_t cap, const char *src, size_t len, int flags)
{
	static const char hex[] = "0123456789abcdef", upper_hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;

	if (cap == 0)
		return 0;
	while (i < len) {
		char tmp[16];
		size_t tn = 0, adv = 1;
		unsigned char c = s[i];

		if ((flags & SAN_STRIP_FORMAT) && is_format_code(c)) {
			if (c == 0x03)
				adv += skip_colour(s + i + 1, len - i - 1);
			else if (c == 0x04)
				adv += skip_hex_colour(s + i + 1, len - i - 1);
			i += adv;
			continue;
		}
		if (flags & SAN_ONE_SPACE) {
			size_t n = space_len(s + i, len - i);
			if (n > 0) {
				i += n;
				if (o > 0 && dst[o - 1] == ' ')
					continue;
				if (o + 1 > cap - 1)
					break;
				dst[o++] = ' ';
				continue;
			}
		}
		if (c == '\t' && (flags & SAN_KEEP_TAB)) {
			tmp[tn++] = '\t';
		} else if (c < 0x20 || c == 0x7f) {
			tmp[tn++] = '^';
			tmp[tn++] = c == 0x7f ? '?' : (char)(c + '@');
		} else if (c < 0x80) {
			tmp[tn++] = (char)c;
		} else {
			size_t n = san_utf8_len(s + i, len - i);
			if (n == 0) {
				memcpy(tmp, "\xef\xbf\xbd", 3); /* U+FFFD */
				tn = 3;
			} else if (n == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
				/* C1 control U+0080..U+009F */
				tmp[tn++] = '<';
				tmp[tn++] = hex[s[i + 1] >> 4];
				tmp[tn++] = hex[s[i + 1] & 15];
				tmp[tn++] = '>';
				adv = 2;
			} else if (is_invisible_format(utf8_cp(s + i, n))) {
				/* Shown by name, inert: "<U+202E>" in plain ASCII. */
				unsigned cp = utf8_cp(s + i, n);
				memcpy(tmp, "<U+", 3);
				tn = 3;
				for (int sh = cp > 0xffff ? 16 : 12; sh >= 0; sh -= 4)
					tmp[tn++] = upper_hex[(cp >> sh) & 15];
				tmp[tn++] = '>';
				adv = n;
			} else {
				memcpy(tmp, s + i, n);
				tn = n;
				adv = n;
			}
		}
		if (o + tn > cap - 1)
			break;
		memcpy(dst + o, tmp, tn);
		o += tn;
		i += adv;
	}
	dst[o] = '\0';
	return o;
}
