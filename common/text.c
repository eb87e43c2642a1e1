#include "common/text.h"

#include <stdio.h>
#include <wchar.h>

#include "common/sanitize.h"

size_t
text_decode(const char *s, size_t avail, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = san_utf8_len(u, avail);

	if (n == 0)
		*cp = 0xfffd;
	else if (n == 1)
		*cp = u[0];
	else if (n == 2)
		*cp = (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu);
	else if (n == 3)
		*cp = (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
	else
		*cp = (u[0] & 0x07u) << 18 | (u[1] & 0x3fu) << 12 | (u[2] & 0x3fu) << 6 |
		    (u[3] & 0x3fu);
	return n;
}

int
text_char_width(const char *s, size_t avail, size_t *adv)
{
	unsigned cp;
	size_t n = text_decode(s, avail, &cp);

	*adv = n == 0 ? 1 : n;
	if (n == 0)
		return -1;
	return wcwidth((wchar_t)cp);
}

int
text_width(const char *s, size_t len)
{
	size_t i = 0, adv;
	int total = 0;

	while (i < len) {
		int w = text_char_width(s + i, len - i, &adv);
		total += w < 0 ? 1 : w;
		i += adv;
	}
	return total;
}

size_t
text_fit(const char *s, size_t len, int cols)
{
	size_t i = 0, adv;
	int used = 0;

	while (i < len) {
		int w = text_char_width(s + i, len - i, &adv);
		if (w < 0)
			w = 1;
		if (used + w > cols)
			break;
		used += w;
		i += adv;
	}
	return i;
}

size_t
text_whole(const char *s, size_t len)
{
	size_t k = len;

	/* Back to the start of the last character (at most three continuation bytes). */
	while (k > 0 && len - k < 3 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k > 0 && (unsigned char)s[k - 1] >= 0xc0 &&
	    san_utf8_len((const unsigned char *)s + k - 1, len - k + 1) == 0)
		return k - 1;
	return len;
}

size_t
text_split(const char *s, size_t len, size_t max, size_t floor)
{
	size_t n = san_utf8_cut(s, len, max);

	if (n == len)
		return n;
	for (size_t k = n; k > floor; k--)
		if (s[k] == ' ')
			return k;
	return n;
}

void
text_fmt_bytes(char *buf, size_t cap, uint64_t n)
{
	static const char units[] = "KMGT";
	uint64_t div = 1024;
	int u = 0;

	if (n < 1024) {
		snprintf(buf, cap, "%lluB", (unsigned long long)n);
		return;
	}
	while (n / div >= 1024 && u < 3) {
		div *= 1024;
		u++;
	}
	if (n / div < 10) {
		uint64_t tenths = n * 10 / div; /* n < 10 * div here: no overflow */
		snprintf(buf, cap, "%llu.%llu%c", (unsigned long long)(tenths / 10),
		    (unsigned long long)(tenths % 10), units[u]);
	} else {
		snprintf(buf, cap, "%llu%c", (unsigned long long)(n / div), units[u]);
	}
}
