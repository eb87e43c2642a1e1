#include "client/evtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
evtext_params(const struct irc_msg *m, int from, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = from; i < m->nparams && o + 1 < cap; i++) {
		int n = snprintf(buf + o, cap - o, "%s%s", o ? " " : "", m->params[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static const char *
msg_param(const struct irc_msg *m, int i)
{
	return i < m->nparams ? m->params[i] : "";
}

bool
evtext_event(const struct irc_msg *m, const char *nick, bool self, char *buf, size_t cap)
{
	const char *cmd = m->command, *p0 = msg_param(m, 0), *p1 = msg_param(m, 1);

	if (strcmp(cmd, "JOIN") == 0) {
		snprintf(buf, cap, "%s joined %s", self ? "You" : nick, p0);
	} else if (strcmp(cmd, "PART") == 0) {
		if (p1[0] != '\0')
			snprintf(buf, cap, "%s left %s (%s)", self ? "You" : nick, p0, p1);
		else
			snprintf(buf, cap, "%s left %s", self ? "You" : nick, p0);
	} else if (strcmp(cmd, "KICK") == 0) {
		snprintf(
		    buf, cap, "%s was kicked from %s by %s (%s)", p1, p0, nick, msg_param(m, 2));
	} else if (strcmp(cmd, "QUIT") == 0) {
		snprintf(buf, cap, "%s quit (%s)", nick, p0);
	} else if (strcmp(cmd, "NICK") == 0) {
		if (self)
			snprintf(buf, cap, "You are now known as %s", p0);
		else
			snprintf(buf, cap, "%s is now known as %s", nick, p0);
	} else if (strcmp(cmd, "TOPIC") == 0) {
		snprintf(buf, cap, "%s changed the topic of %s to: %s", nick, p0, p1);
	} else if (strcmp(cmd, "MODE") == 0) {
		char rest[IRC_LINE_MAX];
		evtext_params(m, 1, rest, sizeof rest);
		snprintf(buf, cap, "mode %s %s by %s", p0, rest,
		    nick[0]         ? nick
		        : m->source ? m->source
		                    : "server");
	} else {
		return false;
	}
	return true;
}

static bool
isalnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool
evtext_mentions(const char *text, const char *nick)
{
	size_t n = strlen(nick);
	if (n == 0)
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		if (p != text && isalnum_ascii(p[-1]))
			continue;
		size_t i = 0;
		while (i < n && p[i] != '\0' && irc_tolower(p[i]) == irc_tolower(nick[i]))
			i++;
		if (i == n && !isalnum_ascii(p[n]))
			return true;
	}
	return false;
}

bool
evtext_strip_action(char *text)
{
	if (!irc_is_ctcp(text) || !irc_is_action(text))
		return false;
	size_t n = strlen(text);
	if (n > 0 && text[n - 1] == '\001')
		text[--n] = '\0';
	/* Drop "\001ACTION" and the space after it, if there is one. */
	size_t skip = n > 8 ? 8 : n;
	memmove(text, text + skip, n - skip + 1);
	return true;
}

/* "1h 2m 5s" from seconds. */
static void
fmt_duration(char *buf, size_t cap, long secs)
{
	if (secs >= 3600)
		snprintf(buf, cap, "%ldh %ldm %lds", secs / 3600, secs / 60 % 60, secs % 60);
	else if (secs >= 60)
		snprintf(buf, cap, "%ldm %lds", secs / 60, secs % 60);
	else
		snprintf(buf, cap, "%lds", secs < 0 ? 0 : secs);
}

int
evtext_reply(const struct irc_msg *m, int num, char *buf, size_t cap)
{
	char dur[48];
	const char *nick = msg_param(m, 1), *last = m->nparams > 0 ? m->params[m->nparams - 1] : "";

	switch (num) {
	case 311: /* me nick user host * :realname */
		snprintf(
		    buf, cap, "%s is %s@%s (%s)", nick, msg_param(m, 2), msg_param(m, 3), last);
		break;
	case 312: /* me nick server :info */
		snprintf(buf, cap, "%s is on %s (%s)", nick, msg_param(m, 2), last);
		break;
	case 317: /* me nick idle [signon] :seconds idle */
		fmt_duration(dur, sizeof dur, strtol(msg_param(m, 2), NULL, 10));
		snprintf(buf, cap, "%s has been idle %s", nick, dur);
		break;
	case 318:
		snprintf(buf, cap, "End of WHOIS for %s", nick);
		break;
	case 330: /* me nick account :is logged in as */
		snprintf(buf, cap, "%s is logged in as %s", nick, msg_param(m, 2));
		break;
	case 319: /* me nick :#a @#b */
		snprintf(buf, cap, "%s is in %s", nick, last);
		break;
	case 321:
		return 0; /* the list's header line says nothing */
	case 322: {       /* me #chan count :topic */
		const char *topic = m->nparams > 3 ? last : "";
		snprintf(buf, cap, "%s: %s user%s%s%s", nick, msg_param(m, 2),
		    strcmp(msg_param(m, 2), "1") == 0 ? "" : "s", topic[0] ? ": " : "", topic);
		break;
	}
	case 323:
		snprintf(buf, cap, "End of channel list");
		break;
	default:
		return -1;
	}
	return 1;
}
