#include "client/dcc_proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sanitize.h"
#include "common/util.h"

/* One unsigned decimal number of at most max, ending at a space or the end. */
static bool
number(const char **p, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s != ' ' && *s != '\0')
		return false;
	while (*s == ' ')
		s++;
	*p = s;
	*out = v;
	return true;
}

/* The name: "quoted with spaces" or one word. */
static bool
name(const char **p, char *out, size_t cap)
{
	const char *s = *p;
	size_t n;
	if (*s == '"') {
		s++;
		const char *end = strchr(s, '"');
		if (end == NULL || (end[1] != ' ' && end[1] != '\0'))
			return false;
		n = (size_t)(end - s);
		*p = end + 1;
	} else {
		n = strcspn(s, " ");
		*p = s + n;
	}
	if (n == 0 || n >= cap)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	while (**p == ' ')
		(*p)++;
	return true;
}

bool
dcc_parse(const char *ctcp, struct dcc_msg *out)
{
	const char *p = ctcp;
	uint64_t v;

	memset(out, 0, sizeof *out);
	if (strncmp(p, "DCC ", 4) != 0)
		return false;
	p += 4;
	while (*p == ' ')
		p++;
	if (strncmp(p, "SEND ", 5) == 0)
		out->kind = DCC_SEND;
	else if (strncmp(p, "RESUME ", 7) == 0)
		out->kind = DCC_RESUME;
	else if (strncmp(p, "ACCEPT ", 7) == 0)
		out->kind = DCC_ACCEPT;
	else
		return false;
	p = strchr(p, ' ') + 1;
	while (*p == ' ')
		p++;
	if (!name(&p, out->name, sizeof out->name))
		return false;
	if (out->kind == DCC_SEND) {
		if (!number(&p, UINT32_MAX, &v))
			return false;
		out->ip = (uint32_t)v;
	}
	if (!number(&p, 65535, &v))
		return false;
	out->port = (uint16_t)v;
	if (out->kind == DCC_SEND) {
		/* The size may be missing in old offers; a passive one has a token after it. */
		if (*p != '\0' && !number(&p, UINT64_MAX / 2, &out->size))
			return false;
		if (*p != '\0') {
			if (!number(&p, UINT32_MAX, &v))
				return false;
			out->has_token = true;
			out->token = (uint32_t)v;
		}
		out->passive = out->port == 0;
		return *p == '\0';
	}
	if (!number(&p, UINT64_MAX / 2, &out->pos))
		return false;
	/* A passive resume carries a token too: read it, but it is not supported. */
	if (*p != '\0' && !number(&p, UINT32_MAX, &v))
		return false;
	return *p == '\0';
}

bool
dcc_format_send(char *buf, size_t cap, const char *nm, uint32_t ip, uint16_t port,
    uint64_t size, const uint32_t *token)
{
	bool quote = strchr(nm, ' ') != NULL;
	int n = snprintf(buf, cap, "DCC SEND %s%s%s %lu %u %llu", quote ? "\"" : "", nm,
	    quote ? "\"" : "", (unsigned long)ip, (unsigned)port, (unsigned long long)size);
	if (n > 0 && (size_t)n < cap && token != NULL)
		n += snprintf(buf + n, cap - (size_t)n, " %lu", (unsigned long)*token);
	return n > 0 && (size_t)n < cap && strchr(nm, '"') == NULL;
}

void
dcc_safe_name(char *dst, size_t cap, const char *offered)
{
	const char *base = offered;
	for (const char *p = offered; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	/* Sanitised as for the screen (controls, bidi, bad UTF-8 made visible), then tidied. */
	char tmp[4 * DCC_NAME_MAX + 16];
	san_text(tmp, sizeof tmp, base, strlen(base), SAN_STRIP_FORMAT);
	size_t n = strlen(tmp), limit = cap - 1 < DCC_NAME_MAX ? cap - 1 : DCC_NAME_MAX;
	if (n > limit) {
		/* Cut before a whole character, never inside one. */
		n = limit;
		while (n > 0 && ((unsigned char)tmp[n] & 0xc0) == 0x80)
			n--;
	}
	size_t o;
	for (o = 0; o < n; o++) {
		char c = tmp[o];
		if (c == '/' || c == '\\' || c == '"' || (o == 0 && (c == '.' || c == '-')))
			c = '_';
		dst[o] = c;
	}
	dst[o] = '\0';
	if (o == 0 || strcmp(dst, "_") == 0 || strcmp(dst, "__") == 0)
		str_copy(dst, "file", cap);
}

void
dcc_human_size(char *buf, size_t cap, uint64_t n)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = 0;
	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, cap, "%.1f %s", v, unit[u]);
}
