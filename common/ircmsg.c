#include "common/ircmsg.h"

#include <stdio.h>
#include <string.h>

#include "common/sanitize.h"

static char *
skip_spaces(char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Cuts the word at p; returns the start of what follows. */
static char *
cut_word(char *p)
{
	char *sp = strchr(p, ' ');
	if (sp == NULL)
		return p + strlen(p);
	*sp = '\0';
	return skip_spaces(sp + 1);
}

static bool
valid_command(const char *c)
{
	size_t n = strlen(c);
	if (n == 3 && c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9' && c[2] >= '0' &&
	    c[2] <= '9')
		return true;
	if (n == 0)
		return false;
	for (; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')))
			return false;
	return true;
}

enum irc_parse_err
irc_parse(char *line, struct irc_msg *msg)
{
	char *p = skip_spaces(line);

	memset(msg, 0, sizeof *msg);
	if (*p == '\0')
		return IRC_PARSE_EMPTY;
	if (*p == '@') {
		msg->tags = p + 1;
		p = cut_word(p);
	}
	if (*p == ':') {
		msg->source = p + 1;
		p = cut_word(p);
	}
	if (*p == '\0')
		return IRC_PARSE_NO_COMMAND;
	msg->command = p;
	p = cut_word(p);
	if (!valid_command(msg->command))
		return IRC_PARSE_BAD_COMMAND;
	while (*p != '\0') {
		if (*p == ':' || msg->nparams == IRC_PARAMS_MAX - 1) {
			if (*p == ':')
				p++;
			msg->params[msg->nparams++] = p;
			break;
		}
		msg->params[msg->nparams++] = p;
		p = cut_word(p);
	}
	return IRC_PARSE_OK;
}

void
irc_source_nick(const char *source, char *buf, size_t cap)
{
	size_t n = strcspn(source, "!@");
	if (cap == 0)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, source, n);
	buf[n] = '\0';
}

char
irc_tolower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

void
irc_casefold(char *dst, const char *src, size_t cap)
{
	size_t i = 0;
	if (cap == 0)
		return;
	for (; src[i] != '\0' && i < cap - 1; i++)
		dst[i] = irc_tolower(src[i]);
	dst[i] = '\0';
}

int
irc_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = irc_tolower(*a), y = irc_tolower(*b);
		if (x != y || x == '\0')
			return (unsigned char)x - (unsigned char)y;
	}
}

void
irc_upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

static bool
nick_special(char c)
{
	return strchr("[]\\`_^{|}", c) != NULL;
}

bool
irc_valid_nick(const char *nick)
{
	size_t n = strlen(nick);
	if (n == 0 || n > NICK_LEN)
		return false;
	char c = nick[0];
	if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || nick_special(c)))
		return false;
	for (size_t i = 1; i < n; i++) {
		c = nick[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		        nick_special(c) || c == '-'))
			return false;
	}
	return true;
}

bool
irc_is_channel(const char *name)
{
	return name[0] == '#';
}

bool
irc_valid_channel(const char *name)
{
	size_t n = strlen(name);
	if (n < 2 || n > CHANNEL_LEN || name[0] != '#')
		return false;
	for (size_t i = 1; i < n;) {
		unsigned char c = (unsigned char)name[i];
		if (c <= ' ' || c == ',' || c == 7 || c == ':' || c == 0x7f)
			return false;
		/* Invalid UTF-8 would reach every member's screen and completion list. */
		size_t k = c < 0x80 ? 1 : san_utf8_len((const unsigned char *)name + i, n - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

size_t
irc_format_time(char *buf, size_t cap, const struct timespec *ts)
{
	struct tm tm;
	char day[32];
	gmtime_r(&ts->tv_sec, &tm);
	strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
	int n = snprintf(buf, cap, "%s.%03ldZ", day, ts->tv_nsec / 1000000);
	return n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
}

size_t
irc_format_time_ms(char *buf, size_t cap, int64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
		.tv_nsec = (long)(ms % 1000) * 1000000 };
	return irc_format_time(buf, cap, &ts);
}

/* Reads exactly n digits at *p into *out and advances *p. */
static bool
digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Days from 1970-01-01 to the given proleptic Gregorian date (March-based year). */
static int64_t
days_since_epoch(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = y / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool
irc_parse_time(const char *s, int64_t *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, frac = 0;
	const char *p = s;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d) || *p++ != 'T' || !digits(&p, 2, &h) || *p++ != ':' ||
	    !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &sec))
		return false;
	if (*p == '.') {
		int n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 3)
				frac = frac * 10 + (*p - '0');
		if (n == 0)
			return false;
		for (; n < 3; n++)
			frac *= 10;
	}
	if (*p++ != 'Z' || *p != '\0')
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 60)
		return false;
	*ms =
	    ((days_since_epoch(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + frac;
	return true;
}

bool
irc_is_ctcp(const char *text)
{
	return text[0] == '\001';
}

bool
irc_is_action(const char *text)
{
	return strncmp(text, "\001ACTION", 7) == 0 && (text[7] == ' ' || text[7] == '\001' ||
	                                                  text[7] == '\0');
}

bool
irc_tag_get(const char *tags, const char *key, char *buf, size_t cap)
{
	size_t klen = strlen(key);
	const char *p = tags;

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, "=;");
		if (n == klen && strncmp(p, key, klen) == 0) {
			/* The value, unescaped (IRCv3 message-tags), must fit whole. */
			const char *v = p[n] == '=' ? p + n + 1 : p + n;
			size_t o = 0;
			for (; *v != '\0' && *v != ';'; v++) {
				char c = *v;
				if (c == '\\') {
					static const char from[] = ":srn\\", to[] = "; \r\n\\";
					if (*++v == '\0' || *v == ';')
						break; /* a lone backslash at the end is dropped */
					const char *k = strchr(from, *v);
					c = k != NULL ? to[k - from] : *v;
				}
				if (o + 1 >= cap)
					return false;
				buf[o++] = c;
			}
			if (cap == 0)
				return false;
			buf[o] = '\0';
			return true;
		}
		p = strchr(p, ';');
		if (p != NULL)
			p++;
	}
	return false;
}

time_t
irc_tag_time(const char *tags)
{
	char v[64];
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec;

	if (tags == NULL || !irc_tag_get(tags, "time", v, sizeof v) ||
	    sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return timegm(&tm);
}

int64_t
irc_tag_time_ms(const char *tags)
{
	char v[64];
	int64_t ms;

	if (tags != NULL && irc_tag_get(tags, "time", v, sizeof v) && irc_parse_time(v, &ms))
		return ms;
	time_t t = irc_tag_time(tags);
	return t >= 0 ? (int64_t)t * 1000 : -1;
}
