#include "common/redact.h"

#include <string.h>

/* A word of a line: where it starts and how long it is (0 at the end). */
struct word {
	const char *s;
	size_t n;
};

/* The next word from *p (before end), skipping spaces; *p moves past it. */
static struct word
next_word(const char **p, const char *end)
{
	struct word w;
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	w.s = s;
	while (s < end && *s != ' ')
		s++;
	w.n = (size_t)(s - w.s);
	*p = s;
	return w;
}

/* Where the k-th word after *p starts (k = 0: the next one), or NULL if there is none. */
static const char *
word_start(const char *p, const char *end, int k)
{
	struct word w;

	for (;;) {
		w = next_word(&p, end);
		if (w.n == 0)
			return NULL;
		if (k-- == 0)
			return w.s;
	}
}

static bool
is(struct word w, const char *name)
{
	size_t n = strlen(name);

	if (w.n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = w.s[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != name[i])
			return false;
	}
	return true;
}

/* A word with a ':' in front (a trailing parameter) read without it. */
static struct word
bare(struct word w)
{
	if (w.n > 0 && w.s[0] == ':') {
		w.s++;
		w.n--;
	}
	return w;
}

/* Where a NickServ command's secret starts in the text from p, or NULL if it has none. */
static const char *
service_cut(const char *p, const char *end)
{
	struct word verb = bare(next_word(&p, end));

	if (is(verb, "IDENTIFY") || is(verb, "ID") || is(verb, "REGISTER") || is(verb, "LOGIN"))
		return word_start(p, end, 0);
	if (is(verb, "GHOST") || is(verb, "RECOVER") || is(verb, "RELEASE") || is(verb, "REGAIN"))
		return word_start(p, end, 1);
	if (is(verb, "SET")) {
		struct word what = next_word(&p, end);
		if (is(what, "PASSWORD") || is(what, "PASS"))
			return word_start(p, end, 0);
	}
	return NULL;
}

bool
redact_is_service(const char *target, size_t len)
{
	const char *at = memchr(target, '@', len);
	struct word w = { target, at != NULL ? (size_t)(at - target) : len };

	return is(w, "NICKSERV");
}

/* The mechanism names AUTHENTICATE may carry in the clear. */
static bool
mechanism(struct word w)
{
	static const char *const names[] = { "PLAIN", "EXTERNAL", "SCRAM-SHA-1", "SCRAM-SHA-256",
		"SCRAM-SHA-512", "ECDSA-NIST256P-CHALLENGE", "+", "*" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (is(w, names[i]))
			return true;
	return false;
}

/* Where the secret of an IRC line or a plain-text command starts, or NULL if it has none. */
static const char *
line_cut(const char *line, const char *end)
{
	const char *p = line;
	struct word cmd;

	/* Tags and a source come before the command. */
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p == end || (*p != '@' && *p != ':'))
			break;
		(void)next_word(&p, end);
	}
	cmd = next_word(&p, end);
	if (cmd.n > 1 && cmd.s[0] == '/') {
		cmd.s++;
		cmd.n--;
		if (is(cmd, "MSG") || is(cmd, "QUERY")) {
			struct word to = next_word(&p, end);
			return redact_is_service(to.s, to.n) ? service_cut(p, end) : NULL;
		}
		/* A person's "/register PASSWORD": no account before it. */
		if (is(cmd, "REGISTER"))
			return word_start(p, end, 0);
	}
	if (is(cmd, "PASS") || is(cmd, "IDENTIFY") || is(cmd, "LOGIN"))
		return word_start(p, end, 0);
	if (is(cmd, "OPER") || is(cmd, "REGISTER"))
		return word_start(p, end, 1);
	if (is(cmd, "AUTHENTICATE")) {
		const char *arg = word_start(p, end, 0);
		struct word w = arg != NULL ? bare(next_word(&arg, end)) : (struct word){ NULL, 0 };
		return w.n == 0 || mechanism(w) ? NULL : word_start(p, end, 0);
	}
	if (is(cmd, "NS") || is(cmd, "NICKSERV"))
		return service_cut(p, end);
	if (is(cmd, "PRIVMSG") || is(cmd, "NOTICE")) {
		struct word to = next_word(&p, end);
		if (!redact_is_service(to.s, to.n))
			return NULL;
		while (p < end && *p == ' ')
			p++;
		if (p < end && *p == ':')
			p++;
		return service_cut(p, end);
	}
	return NULL;
}

/* line up to cut (all of it if cut is NULL), then the mark if cut. */
static size_t
write_cut(const char *line, size_t len, const char *cut, char *out, size_t cap)
{
	size_t keep = cut != NULL ? (size_t)(cut - line) : len, n = 0;

	if (keep > cap - 1)
		keep = cap - 1;
	memcpy(out, line, keep);
	n = keep;
	if (cut != NULL) {
		size_t m = strlen(REDACT_MARK);
		if (m > cap - 1 - n)
			m = cap - 1 - n;
		memcpy(out + n, REDACT_MARK, m);
		n += m;
	}
	out[n] = '\0';
	return n;
}

size_t
redact_cut(const char *line, size_t len)
{
	const char *cut = line_cut(line, line + len);
	return cut != NULL ? (size_t)(cut - line) : len;
}

size_t
redact_line(const char *line, size_t len, char *out, size_t cap)
{
	return write_cut(line, len, line_cut(line, line + len), out, cap);
}

size_t
redact_service_text(const char *text, size_t len, char *out, size_t cap)
{
	return write_cut(text, len, service_cut(text, text + len), out, cap);
}
