#include "server/modes.h"

#include <stdio.h>
#include <string.h>

#include "common/ircmsg.h"

static const struct {
	char letter;
	enum mode_class cls;
	unsigned bit;
} letters[] = {
	{ 'b', MODE_CLASS_LIST, 0 },
	{ 'e', MODE_CLASS_LIST, 0 },
	{ 'I', MODE_CLASS_LIST, 0 },
	{ 'k', MODE_CLASS_KEY, 0 },
	{ 'l', MODE_CLASS_LIMIT, 0 },
	{ 'o', MODE_CLASS_MEMBER, 0 },
	{ 'v', MODE_CLASS_MEMBER, 0 },
	{ 'i', MODE_CLASS_FLAG, MODE_FLAG_INVITE },
	{ 'm', MODE_CLASS_FLAG, MODE_FLAG_MODERATED },
	{ 'n', MODE_CLASS_FLAG, MODE_FLAG_NO_OUTSIDE },
	{ 's', MODE_CLASS_FLAG, MODE_FLAG_SECRET },
	{ 't', MODE_CLASS_FLAG, MODE_FLAG_TOPIC_LOCK },
};
enum { NLETTERS = sizeof letters / sizeof letters[0] };

enum mode_class
mode_class_of(char letter)
{
	for (int i = 0; i < NLETTERS; i++)
		if (letters[i].letter == letter)
			return letters[i].cls;
	return MODE_CLASS_NONE;
}

unsigned
mode_flag_bit(char letter)
{
	for (int i = 0; i < NLETTERS; i++)
		if (letters[i].letter == letter)
			return letters[i].bit;
	return 0;
}

void
mode_flags_str(unsigned flags, char *buf, size_t cap)
{
	size_t n = 0;

	if (cap < 2)
		return;
	buf[n++] = '+';
	for (int i = 0; i < NLETTERS && n + 1 < cap; i++)
		if (letters[i].bit != 0 && (flags & letters[i].bit))
			buf[n++] = letters[i].letter;
	buf[n] = '\0';
}

unsigned
mode_flags_parse(const char *s)
{
	unsigned flags = 0;
	for (; *s != '\0'; s++)
		flags |= mode_flag_bit(*s);
	return flags;
}

/* Adds letter to a NUL-terminated set of at most max letters, once. */
static void
set_add(char *set, size_t max, char letter)
{
	size_t n = strlen(set);
	if (strchr(set, letter) == NULL && n < max) {
		set[n] = letter;
		set[n + 1] = '\0';
	}
}

void
mode_parse(const char *modes, int nargs, const char *const *args, struct mode_req *out)
{
	bool plus = true;
	int next = 0, with_param = 0;

	memset(out, 0, sizeof *out);
	for (const char *p = modes; *p != '\0'; p++) {
		enum mode_class cls = mode_class_of(*p);
		const char *arg = NULL;
		bool takes;

		if (*p == '+' || *p == '-') {
			plus = *p == '+';
			continue;
		}
		if (cls == MODE_CLASS_NONE) {
			set_add(out->unknown, MODE_UNKNOWN_MAX, *p);
			continue;
		}
		takes = cls == MODE_CLASS_LIST || cls == MODE_CLASS_MEMBER ||
		    (cls == MODE_CLASS_KEY && (plus || next < nargs)) ||
		    (cls == MODE_CLASS_LIMIT && plus);
		if (takes && next < nargs && args[next][0] != '\0')
			arg = args[next++];
		else if (takes && next < nargs)
			next++; /* an empty parameter counts as none */
		if (cls == MODE_CLASS_LIST && arg == NULL) {
			set_add(out->lists, sizeof out->lists - 1, *p);
			continue;
		}
		if (takes && arg == NULL && !(cls == MODE_CLASS_KEY && !plus)) {
			set_add(out->missing, MODE_UNKNOWN_MAX, *p);
			continue;
		}
		if (arg != NULL && ++with_param > CHAN_MODES_PER_LINE)
			continue;
		if (out->n < MODE_CHANGES_MAX)
			out->v[out->n++] = (struct mode_change){ *p, plus, arg };
	}
}

bool
mode_mask_normal(const char *in, char *out, size_t cap)
{
	char buf[CHAN_MASK_LEN + 8];
	const char *bang = strchr(in, '!'), *at = strchr(in, '@');
	int n;

	if (in[0] == '\0' || in[0] == ':' || strlen(in) > CHAN_MASK_LEN)
		return false;
	for (const char *p = in; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == ',')
			return false;
	if (bang != NULL && at != NULL && bang < at)
		n = snprintf(buf, sizeof buf, "%s", in);
	else if (bang != NULL && at == NULL)
		n = snprintf(buf, sizeof buf, "%s@*", in);
	else if (bang == NULL && at != NULL)
		n = snprintf(buf, sizeof buf, "*!%s", in);
	else if (bang == NULL)
		n = snprintf(buf, sizeof buf, "%s!*@*", in);
	else
		return false; /* "a@b!c": the parts in the wrong order */
	if (n < 0 || (size_t)n > CHAN_MASK_LEN || (size_t)n >= cap)
		return false;
	memcpy(out, buf, (size_t)n + 1);
	return true;
}

bool
mode_mask_match(const char *mask, const char *s)
{
	/* Greedy with one backtrack point, the last '*': linear in practice, never recursive. */
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*mask == '*') {
			star = mask++;
			resume = s;
		} else if (*mask == '?' || (*mask != '\0' && irc_tolower(*mask) == irc_tolower(*s))) {
			mask++;
			s++;
		} else if (star != NULL) {
			mask = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*mask == '*')
		mask++;
	return *mask == '\0';
}

size_t
mode_join(const struct mode_change *v, int n, char *buf, size_t cap)
{
	char sign = 0;
	size_t len = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	for (int i = 0; i < n && len + 3 < cap; i++) {
		char want = v[i].plus ? '+' : '-';
		if (want != sign)
			buf[len++] = sign = want;
		buf[len++] = v[i].letter;
	}
	for (int i = 0; i < n; i++) {
		if (v[i].arg == NULL)
			continue;
		int w = snprintf(buf + len, cap - len, " %s", v[i].arg);
		if (w < 0 || (size_t)w >= cap - len) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
	buf[len] = '\0';
	return len;
}

/* One change as a phrase; arg is never NULL here ("" when the change has none). */
static int
phrase(char *b, size_t cap, const struct mode_change *m, const char *arg, const char *chan)
{
	bool on = m->plus;

	switch (m->letter) {
	case 'o':
		return on ? snprintf(b, cap, "gave channel operator status to %s", arg)
		          : snprintf(b, cap, "took channel operator status from %s", arg);
	case 'v':
		return on ? snprintf(b, cap, "gave a voice to %s", arg)
		          : snprintf(b, cap, "took the voice from %s", arg);
	case 'b':
		return on ? snprintf(b, cap, "banned %s", arg)
		          : snprintf(b, cap, "lifted the ban on %s", arg);
	case 'e':
		return on ? snprintf(b, cap, "exempted %s from bans", arg)
		          : snprintf(b, cap, "removed the ban exemption of %s", arg);
	case 'I':
		return on ? snprintf(b, cap, "let %s in without an invitation", arg)
		          : snprintf(b, cap, "no longer lets %s in without an invitation", arg);
	case 'k':
		return on ? snprintf(b, cap, "set the key of %s to %s", chan, arg)
		          : snprintf(b, cap, "removed the key of %s", chan);
	case 'l':
		return on ? snprintf(b, cap, "limited %s to %s people", chan, arg)
		          : snprintf(b, cap, "removed the limit on people in %s", chan);
	case 'i':
		return on ? snprintf(b, cap, "made %s invite-only", chan)
		          : snprintf(b, cap, "opened %s to everyone", chan);
	case 'm':
		return on ? snprintf(b, cap, "moderated %s (only voiced people and operators speak)",
		                chan)
		          : snprintf(b, cap, "ended the moderation of %s", chan);
	case 'n':
		return on ? snprintf(b, cap, "closed %s to messages from outside", chan)
		          : snprintf(b, cap, "opened %s to messages from outside", chan);
	case 's':
		return on ? snprintf(b, cap, "made %s secret", chan)
		          : snprintf(b, cap, "made %s public", chan);
	case 't':
		return on ? snprintf(b, cap, "set the topic lock on %s", chan)
		          : snprintf(b, cap, "removed the topic lock on %s", chan);
	default:
		return snprintf(b, cap, "set mode %c%c on %s", on ? '+' : '-', m->letter, chan);
	}
}

void
mode_describe(const char *text, const char *channel, char *buf, size_t cap)
{
	char copy[IRC_LINE_MAX], *words[IRC_PARAMS_MAX + 1], *save = NULL;
	int nw = 0;
	struct mode_req req;
	size_t len = 0;

	if (cap == 0)
		return;
	buf[0] = '\0';
	snprintf(copy, sizeof copy, "%s", text);
	for (char *w = strtok_r(copy, " ", &save); w != NULL && nw <= IRC_PARAMS_MAX;
	     w = strtok_r(NULL, " ", &save))
		words[nw++] = w;
	if (nw == 0)
		return;
	mode_parse(words[0], nw - 1, (const char *const *)words + 1, &req);
	for (int i = 0; i < req.n && len + 1 < cap; i++) {
		int w;
		if (i > 0 && len + 2 < cap) {
			memcpy(buf + len, ", ", 3);
			len += 2;
		}
		w = phrase(buf + len, cap - len, &req.v[i], req.v[i].arg ? req.v[i].arg : "",
		    channel);
		if (w < 0 || (size_t)w >= cap - len) {
			len = strlen(buf);
			break;
		}
		len += (size_t)w;
	}
}
