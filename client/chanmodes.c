#include "client/chanmodes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

void
chm_info_default(struct chm_info *mi)
{
	memset(mi, 0, sizeof *mi);
	str_copy(mi->status_modes, "ov", sizeof mi->status_modes);
	str_copy(mi->status_chars, "@+", sizeof mi->status_chars);
	str_copy(mi->list, "beI", sizeof mi->list);
	str_copy(mi->always, "k", sizeof mi->always);
	str_copy(mi->on_set, "l", sizeof mi->on_set);
	mi->per_line = CHM_PER_LINE_DEFAULT;
}

/* A mode letter: ASCII letters only, so a letter never doubles as a sign or a separator. */
static bool
letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void
prefix_token(struct chm_info *mi, const char *v)
{
	const char *close = strchr(v, ')');
	size_t nm, nc;

	if (v[0] != '(' || close == NULL)
		return;
	nm = (size_t)(close - v - 1);
	nc = strlen(close + 1);
	if (nm != nc || nm > CHM_PREFIX_MAX)
		return;
	for (size_t i = 0; i < nm; i++)
		if (!letter(v[1 + i]) || close[1 + i] <= ' ' || close[1 + i] > '~' ||
		    letter(close[1 + i]))
			return;
	memcpy(mi->status_modes, v + 1, nm);
	mi->status_modes[nm] = '\0';
	memcpy(mi->status_chars, close + 1, nc);
	mi->status_chars[nc] = '\0';
}

/* Copies the letters of one comma-separated class, up to the next comma. */
static const char *
class(char *dst, const char *v)
{
	size_t n = 0;
	for (; *v != '\0' && *v != ','; v++)
		if (letter(*v) && n < CHM_SET_LEN)
			dst[n++] = *v;
	dst[n] = '\0';
	return *v == ',' ? v + 1 : v;
}

void
chm_info_token(struct chm_info *mi, const char *token)
{
	if (strncmp(token, "PREFIX=", 7) == 0) {
		prefix_token(mi, token + 7);
	} else if (strncmp(token, "CHANMODES=", 10) == 0) {
		const char *v = token + 10;
		v = class(mi->list, v);
		v = class(mi->always, v);
		class(mi->on_set, v);
	} else if (strncmp(token, "MODES=", 6) == 0) {
		char *end;
		long n = strtol(token + 6, &end, 10);
		if (end != token + 6 && *end == '\0' && n >= 1)
			mi->per_line = n > CHM_PER_LINE_MAX ? CHM_PER_LINE_MAX : (int)n;
	}
}

char
chm_status_char(const struct chm_info *mi, char m)
{
	const char *p = letter(m) ? strchr(mi->status_modes, m) : NULL;
	return p != NULL ? mi->status_chars[p - mi->status_modes] : 0;
}

int
chm_split(const struct chm_info *mi, const char *modestr, const char *const *args,
    int nargs, struct chm_change *out, int cap)
{
	bool plus = true;
	int n = 0, next = 0;

	for (const char *p = modestr; *p != '\0' && n < cap; p++) {
		if (*p == '+' || *p == '-') {
			plus = *p == '+';
			continue;
		}
		if (!letter(*p))
			continue;
		struct chm_change *ch = &out[n++];
		ch->plus = plus;
		ch->mode = *p;
		ch->arg = NULL;
		ch->status = chm_status_char(mi, *p);
		bool takes = ch->status != 0 || strchr(mi->list, *p) != NULL ||
		    strchr(mi->always, *p) != NULL || (plus && strchr(mi->on_set, *p) != NULL);
		if (takes && next < nargs)
			ch->arg = args[next++];
	}
	return n;
}

/* The names of the usual status modes; others are named by their prefix. */
static const char *
status_name(char mode)
{
	switch (mode) {
	case 'q':
		return "channel owner status";
	case 'a':
		return "channel admin status";
	case 'o':
		return "channel operator status";
	case 'h':
		return "half-operator status";
	case 'v':
		return "a voice";
	default:
		return NULL;
	}
}

void
chm_sentence(
    const struct chm_change *ch, const char *who, const char *chan, char *buf, size_t cap)
{
	const char *arg = ch->arg != NULL ? ch->arg : "?";
	const char *status = status_name(ch->mode);

	if (ch->status != 0) {
		if (ch->mode == 'v' && ch->plus)
			snprintf(buf, cap, "%s gave %s a voice in %s (+)", who, arg, chan);
		else if (ch->mode == 'v')
			snprintf(buf, cap, "%s took the voice of %s in %s", who, arg, chan);
		else if (status != NULL && ch->plus)
			snprintf(buf, cap, "%s gave %s %s in %s (%c)", who, arg, status, chan, ch->status);
		else if (status != NULL)
			snprintf(buf, cap, "%s took %s from %s in %s", who, status, arg, chan);
		else
			snprintf(buf, cap, "%s %s %s status %c in %s", who, ch->plus ? "gave" : "took",
			    arg, ch->status, chan);
		return;
	}
	switch (ch->mode) {
	case 'b':
		snprintf(buf, cap, ch->plus ? "%s banned %s from %s" : "%s lifted the ban on %s in %s",
		    who, arg, chan);
		return;
	case 'e':
		snprintf(buf, cap,
		    ch->plus ? "%s exempted %s from the bans of %s"
		             : "%s removed the ban exception for %s in %s",
		    who, arg, chan);
		return;
	case 'I':
		snprintf(buf, cap,
		    ch->plus ? "%s let %s join invite-only %s without an invitation"
		             : "%s removed the invitation exception for %s in %s",
		    who, arg, chan);
		return;
	case 'k':
		if (ch->plus)
			snprintf(buf, cap, "%s set a key on %s: joining takes /join %s %s", who, chan,
			    chan, arg);
		else
			snprintf(buf, cap, "%s removed the key of %s", who, chan);
		return;
	case 'l':
		if (ch->plus)
			snprintf(buf, cap, "%s limited %s to %s users", who, chan, arg);
		else
			snprintf(buf, cap, "%s lifted the user limit of %s", who, chan);
		return;
	case 'i':
		snprintf(buf, cap,
		    ch->plus ? "%s made %s invite-only" : "%s opened %s: no invitation needed", who,
		    chan);
		return;
	case 'm':
		snprintf(buf, cap,
		    ch->plus ? "%s moderated %s: only operators and voiced users speak"
		             : "%s ended the moderation of %s: everyone speaks",
		    who, chan);
		return;
	case 'n':
		snprintf(buf, cap,
		    ch->plus ? "%s closed %s to messages from outside"
		             : "%s opened %s to messages from outside",
		    who, chan);
		return;
	case 's':
		snprintf(buf, cap,
		    ch->plus ? "%s made %s secret: it is not listed" : "%s made %s visible in lists",
		    who, chan);
		return;
	case 'p':
		snprintf(buf, cap, ch->plus ? "%s made %s private" : "%s made %s public", who, chan);
		return;
	case 't':
		snprintf(buf, cap,
		    ch->plus ? "%s set the topic lock on %s: only operators change the topic"
		             : "%s lifted the topic lock on %s: everyone may change the topic",
		    who, chan);
		return;
	default:
		if (ch->arg != NULL)
			snprintf(buf, cap, "%s set mode %c%c %s on %s", who, ch->plus ? '+' : '-',
			    ch->mode, ch->arg, chan);
		else
			snprintf(buf, cap, "%s set mode %c%c on %s", who, ch->plus ? '+' : '-', ch->mode,
			    chan);
	}
}

bool
chm_refusal(int num, const char *chan, const char *text, char *buf, size_t cap)
{
	switch (num) {
	case 471:
		snprintf(buf, cap, "%s is full (its user limit is reached): try again later, or ask "
		                   "one of its operators to raise the limit", chan);
		return true;
	case 472:
		snprintf(buf, cap, "The server has no channel mode %s: /mode #CHANNEL shows the "
		                   "modes in use, and /help the commands that set them", chan);
		return true;
	case 473:
		snprintf(buf, cap, "%s is invite-only: ask one of its operators to /invite you", chan);
		return true;
	case 474:
		snprintf(buf, cap, "You are banned from %s: ask one of its operators to lift the ban "
		                   "(/unban)", chan);
		return true;
	case 475:
		snprintf(buf, cap, "%s needs a key: /join %s KEY (ask its operators for the key)",
		    chan, chan);
		return true;
	case 476:
		snprintf(buf, cap, "%s is not a channel name this server takes: try /join #NAME",
		    chan);
		return true;
	case 477:
		snprintf(buf, cap, "%s refused that (%s): it may take no modes, or want a "
		                   "registered nick first", chan, text);
		return true;
	case 482:
		snprintf(buf, cap, "You are not an operator of %s: only its operators (marked @ in "
		                   "the user list) may do that; ask one of them", chan);
		return true;
	default:
		return false;
	}
}
