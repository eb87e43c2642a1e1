#include "client/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/channel.h"
#include "common/ircmsg.h"
#include "common/util.h"

/* The token of our own lag PINGs, told apart from anything else the server echoes. */
#define LAG_TOKEN "lanchat-lag"

/* The longest source a server may put in front of our line when relaying it. */
enum { RELAY_PREFIX_MAX = 1 + NICK_LEN + 2 + USER_LEN + 1 + HOST_LEN + 1 };

static void
set_state(struct session *s, enum sess_state st, int64_t now)
{
	s->state = st;
	s->state_since = now;
	s->seq++;
}

void
sess_init(struct session *s, const char *nick, const char *channel, struct scrollback *msgs,
    struct scrollback *welcome, struct scrollback *wire, uint32_t seed)
{
	memset(s, 0, sizeof *s);
	sess_fix_nick(s->want_nick, sizeof s->want_nick, nick);
	str_copy(s->nick, s->want_nick, sizeof s->nick);
	/* A username is at most USER_LEN and plain: the nick fits both rules. */
	str_copy(s->user, s->want_nick, sizeof s->user);
	str_copy(s->realname, "lanchat user", sizeof s->realname);
	s->cur = -1;
	s->lag_ms = -1;
	s->rng = seed ? seed : 0x9e3779b9u;
	s->msgs = msgs;
	s->welcome = welcome;
	s->wire = wire;
	ob_init(&s->out);
	if (channel != NULL && channel[0] != '\0')
		sess_autojoin_add(s, channel);
	str_copy(s->host, "127.0.0.1", sizeof s->host);
	snprintf(s->port, sizeof s->port, "%d", SERVER_PORT_DEFAULT);
}


static void
drop_channels(struct session *s)
{
	for (int i = 0; i < s->nchans; i++)
		chan_clear(&s->chans[i]);
	s->nchans = 0;
	s->cur = -1;
}

void
sess_free(struct session *s)
{
	drop_channels(s);
	ob_free(&s->out);
}

void
sess_set_server(struct session *s, const char *host, const char *port)
{
	str_copy(s->host, host, sizeof s->host);
	str_copy(s->port, port, sizeof s->port);
	s->seq++;
}

/* xorshift32: jitter needs no quality, only to differ between clients. */
static uint32_t
rng_next(struct session *s)
{
	uint32_t x = s->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->rng = x;
	return x;
}

int64_t
sess_backoff_ms(unsigned attempt, uint32_t rnd)
{
	int64_t base = RECONNECT_MIN_MS;
	for (unsigned i = 0; i < attempt && base < RECONNECT_MAX_MS; i++)
		base *= 2;
	if (base > RECONNECT_MAX_MS)
		base = RECONNECT_MAX_MS;
	/* Up to a quarter more, so clients dropped together do not return together. */
	int64_t d = base + (int64_t)(rnd % (uint32_t)(base / 4 + 1));
	return d > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : d;
}

void
sess_fix_nick(char *dst, size_t cap, const char *src)
{
	size_t o = 0;
	if (cap == 0)
		return;
	for (const char *p = src; p != NULL && *p != '\0' && o + 1 < cap && o < NICK_LEN; p++) {
		char c = *p;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    strchr("[]\\`_^{|}", c) != NULL ||
		    (o > 0 && ((c >= '0' && c <= '9') || c == '-'));
		dst[o++] = ok ? c : '_';
	}
	dst[o] = '\0';
	if (o == 0)
		str_copy(dst, "lanchat", cap);
}

void
sess_alt_nick(char *dst, size_t cap, const char *base, int tries)
{
	size_t n = strlen(base);
	size_t max = cap - 1 < NICK_LEN ? cap - 1 : NICK_LEN;
	if (tries < 1)
		tries = 1;
	if (n + (size_t)tries > max) {
		/* No room for more underscores: a number at the end instead. */
		char num[16];
		int k = snprintf(num, sizeof num, "%d", tries);
		size_t keep = max > (size_t)k ? max - (size_t)k : 0;
		if (keep > n)
			keep = n;
		memcpy(dst, base, keep);
		memcpy(dst + keep, num, (size_t)k + 1);
		return;
	}
	memcpy(dst, base, n);
	memset(dst + n, '_', (size_t)tries);
	dst[n + (size_t)tries] = '\0';
}

void
sess_send(struct session *s, const char *fmt, ...)
{
	char buf[IRC_LINE_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, IRC_LINE_BODY + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = strlen(buf);
	/* A cut line must not end in half a character. */
	if ((size_t)n > len)
		while (len > 0 && ((unsigned char)buf[len] & 0xc0) == 0x80)
			buf[--len] = '\0';
	if (s->wire != NULL)
		sb_add(s->wire, time(NULL), SB_WIRE_OUT, 0, NULL, NULL, buf);
	memcpy(buf + len, "\r\n", 2);
	ob_append(&s->out, buf, len + 2, 0);
}

void
sess_info(struct session *s, enum sb_kind kind, const char *fmt, ...)
{
	char buf[IRC_LINE_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sb_add(s->msgs, time(NULL), kind, 0, NULL, NULL, buf);
}

/* ---- channels and members ---- */

struct sess_chan *
sess_find_chan(struct session *s, const char *name)
{
	for (int i = 0; i < s->nchans; i++)
		if (irc_casecmp(s->chans[i].name, name) == 0)
			return &s->chans[i];
	return NULL;
}

const struct sess_chan *
sess_current(const struct session *s)
{
	return s->cur >= 0 && s->cur < s->nchans ? &s->chans[s->cur] : NULL;
}

void
sess_cycle(struct session *s, int dir)
{
	if (s->nchans < 2)
		return;
	s->cur = ((s->cur < 0 ? 0 : s->cur) + dir + s->nchans) % s->nchans;
	s->seq++;
	sess_info(s, SB_INFO, "Now talking in %s", s->chans[s->cur].name);
}

static int
chan_index(struct session *s, const struct sess_chan *c)
{
	return (int)(c - s->chans);
}

static struct sess_chan *
chan_add(struct session *s, const char *name)
{
	struct sess_chan *c = sess_find_chan(s, name);
	if (c != NULL)
		return c;
	if (s->nchans == CHANNELS_PER_CLIENT)
		return NULL;
	c = &s->chans[s->nchans++];
	memset(c, 0, sizeof *c);
	str_copy(c->name, name, sizeof c->name);
	return c;
}

static void
chan_remove(struct session *s, struct sess_chan *c)
{
	int i = chan_index(s, c);
	chan_clear(c);
	memmove(&s->chans[i], &s->chans[i + 1], (size_t)(s->nchans - i - 1) * sizeof *c);
	s->nchans--;
	if (s->cur >= s->nchans || s->cur > i)
		s->cur = s->nchans - 1 < s->cur - 1 ? s->nchans - 1 : s->cur - 1;
	if (s->cur < 0 && s->nchans > 0)
		s->cur = 0;
}





void
sess_autojoin_add(struct session *s, const char *chan)
{
	for (int i = 0; i < s->nautojoin; i++)
		if (irc_casecmp(s->autojoin[i], chan) == 0)
			return;
	if (s->nautojoin < CHANNELS_PER_CLIENT)
		str_copy(s->autojoin[s->nautojoin++], chan, sizeof s->autojoin[0]);
}

void
sess_autojoin_del(struct session *s, const char *chan)
{
	for (int i = 0; i < s->nautojoin; i++) {
		if (irc_casecmp(s->autojoin[i], chan) == 0) {
			memmove(s->autojoin[i], s->autojoin[i + 1],
			    (size_t)(s->nautojoin - i - 1) * sizeof s->autojoin[0]);
			s->nautojoin--;
			return;
		}
	}
}

/* ---- connection events ---- */

void
sess_connecting(struct session *s, int64_t now)
{
	s->want_close = false;
	ob_clear(&s->out);
	set_state(s, SESS_CONNECTING, now);
}

void
sess_connected(struct session *s, int64_t now)
{
	set_state(s, SESS_REGISTERING, now);
	s->user_quit = false;
	s->nick_tries = 0;
	s->cap_server_time = false;
	s->server_name[0] = '\0';
	s->reason[0] = '\0';
	s->bytes_in = s->bytes_out = 0;
	sb_clear(s->welcome);
	sess_send(s, "CAP LS 302");
	sess_send(s, "NICK %s", s->want_nick);
	sess_send(s, "USER %s 0 * :%s", s->user, s->realname);
}

void
sess_lost(struct session *s, const char *reason, int64_t now)
{
	bool was_up = s->state == SESS_CONNECTED;

	ob_clear(&s->out);
	drop_channels(s);
	s->want_close = false;
	s->ping_sent_at = 0;
	s->lag_ms = -1;
	s->away = false;
	if (reason != s->reason)
		str_copy(s->reason, reason && reason[0] ? reason : "connection closed",
		    sizeof s->reason);
	if (s->user_quit) {
		set_state(s, SESS_IDLE, now);
		sess_info(s, SB_ERROR, "Disconnected: %s", s->reason);
		return;
	}
	int64_t d = sess_backoff_ms(s->attempt, rng_next(s));
	if (s->attempt < 32)
		s->attempt++;
	s->retry_at = now + d;
	set_state(s, SESS_WAITING, now);
	sess_info(s, SB_ERROR, "%s: %s; reconnecting in %llds",
	    was_up ? "Connection lost" : "Cannot connect", s->reason,
	    (long long)((d + 999) / 1000));
}

/* ---- incoming lines ---- */

struct ctx {
	struct session *s;
	struct irc_msg *m;
	char nick[NICK_LEN + 1]; /* nick part of the source, "" if none */
	bool from_server;        /* source is a server (or absent) */
	bool self;               /* source is us */
	time_t t;                /* server-time if offered, else wall clock */
	int64_t now;
};

static const char *
param(const struct ctx *c, int i)
{
	return i < c->m->nparams ? c->m->params[i] : "";
}

static const char *
last_param(const struct ctx *c)
{
	return c->m->nparams > 0 ? c->m->params[c->m->nparams - 1] : "";
}

/* Parameters from..last joined with spaces (for numerics shown as they come). */
static void
join_params(const struct ctx *c, int from, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = from; i < c->m->nparams && o + 1 < cap; i++) {
		int n = snprintf(buf + o, cap - o, "%s%s", o ? " " : "", c->m->params[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static bool
is_us(const struct session *s, const char *nick)
{
	return irc_casecmp(nick, s->nick) == 0;
}

static bool
isalnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Does text mention nick as a word of its own? */
static bool
mentions(const char *text, const char *nick)
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

/* Where a line about channel c goes: untagged if it is the current one. */
static const char *
tag_for(const struct session *s, const char *chan)
{
	const struct sess_chan *c = sess_current(s);
	return c != NULL && irc_casecmp(c->name, chan) == 0 ? NULL : chan;
}

static void
say_in(struct ctx *c, enum sb_kind kind, int flags, const char *tag, const char *nick,
    const char *text)
{
	sb_add(c->s->msgs, c->t, kind, flags, tag, nick, text);
	c->s->seq++;
}

static void
on_privmsg(struct ctx *c, bool notice)
{
	struct session *s = c->s;
	const char *target = param(c, 0);
	char text[IRC_LINE_MAX];
	int flags = 0;
	enum sb_kind kind;

	if (c->m->nparams < 2)
		return;
	str_copy(text, param(c, 1), sizeof text);

	/* Before registration, and from the server itself: part of the greeting. */
	if (notice && (s->state != SESS_CONNECTED || (c->from_server && !irc_is_channel(target)))) {
		if (s->state != SESS_CONNECTED) {
			sb_add(s->welcome, c->t, SB_NOTICE, 0, NULL, c->m->source, text);
			s->seq++;
			return;
		}
		say_in(c, SB_NOTICE, 0, NULL, c->m->source ? c->m->source : s->server_name,
		    text);
		return;
	}

	bool ctcp = irc_is_ctcp(text);
	if (ctcp && irc_is_action(text)) {
		size_t n = strlen(text);
		if (n > 0 && text[n - 1] == '\001')
			text[--n] = '\0';
		/* Drop "\001ACTION" and the space after it, if there is one. */
		size_t skip = n > 8 ? 8 : n;
		memmove(text, text + skip, n - skip + 1);
		kind = SB_ACTION;
	} else if (ctcp) {
		char *end = strchr(text + 1, '\001');
		if (end != NULL)
			*end = '\0';
		if (!notice && strncmp(text + 1, "VERSION", 7) == 0)
			sess_send(s, "NOTICE %s :\001VERSION lanchat %s\001", c->nick,
			    LANCHAT_VERSION);
		else if (!notice && strncmp(text + 1, "PING", 4) == 0)
			sess_send(s, "NOTICE %s :\001%s\001", c->nick, text + 1);
		char info[IRC_LINE_MAX + 64];
		snprintf(info, sizeof info, "CTCP %s %s from %s", text + 1,
		    notice ? "reply" : "request", c->nick);
		say_in(c, SB_INFO, 0, NULL, NULL, info);
		return;
	} else {
		kind = notice ? SB_NOTICE : SB_MSG;
	}

	if (irc_is_channel(target)) {
		if (!c->self && mentions(text, s->nick)) {
			flags |= SB_HIGHLIGHT;
			s->bell = true;
		}
		say_in(c, c->self && kind == SB_MSG ? SB_OWN : kind, flags, tag_for(s, target),
		    c->nick, text);
	} else if (c->self) {
		/* Our own message echoed back to a nick (echo-message). */
		say_in(c, kind == SB_ACTION ? SB_ACTION : SB_PRIVATE, SB_OUTGOING, NULL, target,
		    text);
	} else {
		if (!notice)
			s->bell = true;
		say_in(c, kind == SB_MSG ? SB_PRIVATE : kind, notice ? 0 : SB_HIGHLIGHT, NULL,
		    c->nick[0] ? c->nick : c->m->source, text);
	}
}

static void
on_join(struct ctx *c)
{
	struct session *s = c->s;
	const char *name = param(c, 0);
	char buf[IRC_LINE_MAX];

	if (name[0] == '\0' || c->nick[0] == '\0')
		return;
	if (c->self) {
		struct sess_chan *ch = chan_add(s, name);
		if (ch == NULL)
			return;
		s->cur = chan_index(s, ch);
		sess_autojoin_add(s, name);
		snprintf(buf, sizeof buf, "You joined %s", name);
		say_in(c, SB_EVENT, 0, NULL, NULL, buf);
		return;
	}
	struct sess_chan *ch = sess_find_chan(s, name);
	if (ch == NULL)
		return;
	chan_member_add(ch, c->nick, 0);
	snprintf(buf, sizeof buf, "%s joined %s", c->nick, name);
	say_in(c, SB_EVENT, 0, tag_for(s, name), NULL, buf);
}

static void
on_part(struct ctx *c)
{
	struct session *s = c->s;
	const char *name = param(c, 0);
	struct sess_chan *ch = sess_find_chan(s, name);
	char buf[IRC_LINE_MAX];

	if (ch == NULL)
		return;
	if (c->m->nparams > 1 && param(c, 1)[0] != '\0')
		snprintf(buf, sizeof buf, "%s left %s (%s)", c->self ? "You" : c->nick, name,
		    param(c, 1));
	else
		snprintf(buf, sizeof buf, "%s left %s", c->self ? "You" : c->nick, name);
	say_in(c, SB_EVENT, 0, tag_for(s, name), NULL, buf);
	if (c->self)
		chan_remove(s, ch);
	else
		chan_member_del(ch, c->nick);
}

static void
on_kick(struct ctx *c)
{
	struct session *s = c->s;
	const char *name = param(c, 0), *victim = param(c, 1);
	struct sess_chan *ch = sess_find_chan(s, name);
	char buf[IRC_LINE_MAX];

	if (ch == NULL)
		return;
	snprintf(buf, sizeof buf, "%s was kicked from %s by %s (%s)", victim, name, c->nick,
	    param(c, 2));
	say_in(c, is_us(s, victim) ? SB_ERROR : SB_EVENT, 0, tag_for(s, name), NULL, buf);
	if (is_us(s, victim)) {
		chan_remove(s, ch);
		sess_autojoin_del(s, name);
	} else {
		chan_member_del(ch, victim);
	}
}

static void
on_quit(struct ctx *c)
{
	struct session *s = c->s;
	bool seen = false;
	char buf[IRC_LINE_MAX];

	for (int i = 0; i < s->nchans; i++)
		seen |= chan_member_del(&s->chans[i], c->nick);
	if (!seen)
		return;
	snprintf(buf, sizeof buf, "%s quit (%s)", c->nick, param(c, 0));
	say_in(c, SB_EVENT, 0, NULL, NULL, buf);
}

static void
on_nick(struct ctx *c)
{
	struct session *s = c->s;
	const char *to = param(c, 0);
	bool seen = c->self;
	char buf[IRC_LINE_MAX];

	if (to[0] == '\0' || c->nick[0] == '\0')
		return;
	for (int i = 0; i < s->nchans; i++) {
		if (chan_member_find(&s->chans[i], c->nick) != NULL) {
			chan_member_rename(&s->chans[i], c->nick, to);
			seen = true;
		}
	}
	if (c->self) {
		str_copy(s->nick, to, sizeof s->nick);
		snprintf(buf, sizeof buf, "You are now known as %s", to);
	} else {
		snprintf(buf, sizeof buf, "%s is now known as %s", c->nick, to);
	}
	if (seen)
		say_in(c, SB_EVENT, 0, NULL, NULL, buf);
}

static void
on_topic(struct ctx *c)
{
	struct session *s = c->s;
	const char *name = param(c, 0);
	struct sess_chan *ch = sess_find_chan(s, name);
	char buf[IRC_LINE_MAX + 64];

	if (ch != NULL)
		str_copy(ch->topic, param(c, 1), sizeof ch->topic);
	snprintf(buf, sizeof buf, "%s changed the topic of %s to: %s", c->nick, name,
	    param(c, 1));
	say_in(c, SB_EVENT, 0, tag_for(s, name), NULL, buf);
}

static void
on_mode(struct ctx *c)
{
	char buf[IRC_LINE_MAX * 2 + 64], rest[IRC_LINE_MAX];

	join_params(c, 1, rest, sizeof rest);
	snprintf(buf, sizeof buf, "mode %s %s by %s", param(c, 0), rest,
	    c->nick[0] ? c->nick : c->m->source ? c->m->source : "server");
	say_in(c, SB_EVENT, 0, NULL, NULL, buf);
}

static void
on_cap(struct ctx *c)
{
	struct session *s = c->s;
	const char *sub = param(c, 1);

	if (strcmp(sub, "LS") == 0) {
		/* "CAP * LS * :a b" continues; "CAP * LS :a b" is the last line. */
		bool more = c->m->nparams > 3 && strcmp(param(c, 2), "*") == 0;
		const char *caps = last_param(c);
		for (const char *p = caps; (p = strstr(p, "server-time")) != NULL; p++) {
			bool start = p == caps || p[-1] == ' ';
			char end = p[11];
			if (start && (end == '\0' || end == ' ' || end == '='))
				s->cap_server_time = true;
		}
		if (more || s->state != SESS_REGISTERING)
			return;
		if (s->cap_server_time) {
			s->cap_server_time = false; /* only once ACKed */
			sess_send(s, "CAP REQ :server-time");
		} else {
			sess_send(s, "CAP END");
		}
	} else if (strcmp(sub, "ACK") == 0) {
		if (strstr(last_param(c), "server-time") != NULL)
			s->cap_server_time = true;
		if (s->state == SESS_REGISTERING)
			sess_send(s, "CAP END");
	} else if (strcmp(sub, "NAK") == 0) {
		if (s->state == SESS_REGISTERING)
			sess_send(s, "CAP END");
	}
}

static void
join_autojoin(struct session *s)
{
	for (int i = 0; i < s->nautojoin; i++)
		sess_send(s, "JOIN %s", s->autojoin[i]);
}

static void
on_names(struct ctx *c)
{
	/* 353 me = #chan :@a +b c */
	struct sess_chan *ch = sess_find_chan(c->s, param(c, 2));
	char list[IRC_LINE_MAX];

	if (ch == NULL) {
		/* /names for a channel we are not in: show the list as it comes. */
		char buf[IRC_LINE_MAX + CHANNEL_LEN + 8];
		snprintf(buf, sizeof buf, "%s: %s", param(c, 2), last_param(c));
		say_in(c, SB_INFO, 0, NULL, NULL, buf);
		return;
	}
	if (!ch->names_open) {
		/* A fresh list replaces the old one. */
		ch->nmembers = 0;
		ch->names_open = true;
	}
	str_copy(list, last_param(c), sizeof list);
	for (char *tok = strtok(list, " "); tok != NULL; tok = strtok(NULL, " ")) {
		char prefix = 0;
		while (*tok != '\0' && strchr("@+%~&", *tok) != NULL) {
			if (prefix == 0)
				prefix = *tok;
			tok++;
		}
		/* userhost-in-names form: keep the nick only. */
		tok[strcspn(tok, "!")] = '\0';
		if (*tok != '\0')
			chan_member_add(ch, tok, prefix);
	}
}

static void
on_names_end(struct ctx *c)
{
	struct session *s = c->s;
	struct sess_chan *ch = sess_find_chan(s, param(c, 1));
	char buf[IRC_LINE_MAX * 2];
	size_t o;

	if (ch == NULL)
		return;
	ch->names_open = false;
	o = (size_t)snprintf(buf, sizeof buf, "%s: %zu user%s:", ch->name, ch->nmembers,
	    ch->nmembers == 1 ? "" : "s");
	for (size_t i = 0; i < ch->nmembers && o + 1 < sizeof buf; i++) {
		int n = snprintf(buf + o, sizeof buf - o, " %s%s",
		    ch->members[i].prefix ? (char[]){ ch->members[i].prefix, 0 } : "",
		    ch->members[i].nick);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	say_in(c, SB_INFO, 0, NULL, NULL, buf);
	/* WHO tells who is away (the G flag); its replies update the user list quietly. */
	sess_send(s, "WHO %s", ch->name);
}

static void
on_who(struct ctx *c)
{
	/* 352 me #chan user host server nick flags :hops realname */
	struct sess_chan *ch = sess_find_chan(c->s, param(c, 1));
	if (ch == NULL)
		return;
	struct sess_member *m = chan_member_find(ch, param(c, 5));
	if (m != NULL) {
		m->away = strchr(param(c, 6), 'G') != NULL;
		c->s->seq++;
	}
}

static void
set_away(struct session *s, const char *nick, bool away)
{
	for (int i = 0; i < s->nchans; i++) {
		struct sess_member *m = chan_member_find(&s->chans[i], nick);
		if (m != NULL)
			m->away = away;
	}
}

static void
welcome_line(struct ctx *c, const char *text)
{
	sb_add(c->s->welcome, c->t, SB_INFO, 0, NULL, NULL, text);
	c->s->seq++;
}

static void
on_numeric(struct ctx *c, int num)
{
	struct session *s = c->s;
	char buf[IRC_LINE_MAX * 2];

	switch (num) {
	case 1:
		set_state(s, SESS_CONNECTED, c->now);
		s->attempt = 0;
		s->registered_at = c->now;
		s->next_ping_at = c->now;
		if (param(c, 0)[0] != '\0')
			str_copy(s->nick, param(c, 0), sizeof s->nick);
		if (c->m->source != NULL)
			str_copy(s->server_name, c->m->source, sizeof s->server_name);
		welcome_line(c, last_param(c));
		join_autojoin(s);
		return;
	case 2:
	case 3:
	case 250:
	case 251:
	case 252:
	case 253:
	case 254:
	case 255:
	case 265:
	case 266:
	case 375:
	case 372:
	case 376:
	case 422:
		/* 252-254 carry a count before the text. */
		if (c->m->nparams > 2 && num >= 252 && num <= 254) {
			snprintf(buf, sizeof buf, "%s %s", param(c, 1), last_param(c));
			welcome_line(c, buf);
		} else {
			welcome_line(c, last_param(c));
		}
		return;
	case 4:
		join_params(c, 1, buf, sizeof buf);
		welcome_line(c, buf);
		return;
	case 5:
		return;
	case 301:
		set_away(s, param(c, 1), true);
		snprintf(buf, sizeof buf, "%s is away: %s", param(c, 1), last_param(c));
		say_in(c, SB_INFO, 0, NULL, NULL, buf);
		return;
	case 305:
	case 306:
		s->away = num == 306;
		set_away(s, s->nick, s->away);
		say_in(c, SB_INFO, 0, NULL, NULL, last_param(c));
		return;
	case 331:
		snprintf(buf, sizeof buf, "No topic is set for %s", param(c, 1));
		say_in(c, SB_INFO, 0, NULL, NULL, buf);
		return;
	case 332: {
		struct sess_chan *ch = sess_find_chan(s, param(c, 1));
		if (ch != NULL)
			str_copy(ch->topic, last_param(c), sizeof ch->topic);
		snprintf(buf, sizeof buf, "Topic for %s: %s", param(c, 1), last_param(c));
		say_in(c, SB_INFO, 0, NULL, NULL, buf);
		return;
	}
	case 333:
	case 315:
		return;
	case 352:
		on_who(c);
		return;
	case 353:
		on_names(c);
		return;
	case 366:
		on_names_end(c);
		return;
	case 432:
	case 433:
		if (s->state == SESS_REGISTERING) {
			char alt[NICK_LEN + 1];
			/* An erroneous nick cannot be fixed by underscores: start from ours. */
			if (num == 432 && strcmp(s->want_nick, "lanchat") != 0) {
				str_copy(s->want_nick, "lanchat", sizeof s->want_nick);
				str_copy(alt, s->want_nick, sizeof alt);
			} else {
				sess_alt_nick(alt, sizeof alt, s->want_nick, ++s->nick_tries);
			}
			str_copy(s->nick, alt, sizeof s->nick);
			sess_send(s, "NICK %s", alt);
			snprintf(buf, sizeof buf, "Nick %s is %s, trying %s", param(c, 1),
			    num == 433 ? "taken" : "not allowed", alt);
			welcome_line(c, buf);
			return;
		}
		break;
	default:
		break;
	}
	join_params(c, 1, buf, sizeof buf);
	if (c->m->nparams > 2) {
		/* "bob :No such nick" reads better as "bob: No such nick". */
		char head[IRC_LINE_MAX];
		join_params(c, 1, head, sizeof head);
		size_t hl = strlen(head) - strlen(last_param(c));
		if (hl > 0)
			head[hl - 1] = '\0';
		snprintf(buf, sizeof buf, "%s: %s", head, last_param(c));
	}
	say_in(c, num >= 400 && num < 600 ? SB_ERROR : SB_INFO, 0, NULL, NULL, buf);
}

/* Seconds since the epoch from a server-time tag, or -1. */
static time_t
tag_time(const char *tags)
{
	const char *p = tags;
	while (p != NULL && *p != '\0') {
		if (strncmp(p, "time=", 5) == 0) {
			struct tm tm = { 0 };
			int y, mo, d, h, mi, sec;
			if (sscanf(p + 5, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
				return -1;
			tm.tm_year = y - 1900;
			tm.tm_mon = mo - 1;
			tm.tm_mday = d;
			tm.tm_hour = h;
			tm.tm_min = mi;
			tm.tm_sec = sec;
			return timegm(&tm);
		}
		p = strchr(p, ';');
		if (p != NULL)
			p++;
	}
	return -1;
}

void
sess_feed(struct session *s, char *line, int64_t now, time_t wall)
{
	struct irc_msg m;
	struct ctx c = { 0 };

	if (s->wire != NULL)
		sb_add(s->wire, wall, SB_WIRE_IN, 0, NULL, NULL, line);
	if (irc_parse(line, &m) != IRC_PARSE_OK)
		return;
	c.s = s;
	c.m = &m;
	c.now = now;
	c.t = wall;
	if (m.tags != NULL) {
		time_t t = tag_time(m.tags);
		if (t >= 0)
			c.t = t;
	}
	if (m.source != NULL) {
		irc_source_nick(m.source, c.nick, sizeof c.nick);
		/* A user's source is nick!user@host; a server's (even "vm") has neither mark. */
		c.from_server = strchr(m.source, '!') == NULL && strchr(m.source, '@') == NULL;
		c.self = !c.from_server && is_us(s, c.nick);
	} else {
		c.from_server = true;
	}

	const char *cmd = m.command;
	if (cmd[0] >= '0' && cmd[0] <= '9') {
		on_numeric(&c, atoi(cmd));
	} else if (strcmp(cmd, "PING") == 0) {
		sess_send(s, "PONG :%s", last_param(&c));
	} else if (strcmp(cmd, "PONG") == 0) {
		if (s->ping_sent_at != 0 && strcmp(last_param(&c), LAG_TOKEN) == 0) {
			s->lag_ms = now - s->ping_sent_at;
			s->ping_sent_at = 0;
			s->seq++;
		}
	} else if (strcmp(cmd, "PRIVMSG") == 0) {
		on_privmsg(&c, false);
	} else if (strcmp(cmd, "NOTICE") == 0) {
		on_privmsg(&c, true);
	} else if (strcmp(cmd, "JOIN") == 0) {
		on_join(&c);
	} else if (strcmp(cmd, "PART") == 0) {
		on_part(&c);
	} else if (strcmp(cmd, "KICK") == 0) {
		on_kick(&c);
	} else if (strcmp(cmd, "QUIT") == 0) {
		on_quit(&c);
	} else if (strcmp(cmd, "NICK") == 0) {
		on_nick(&c);
	} else if (strcmp(cmd, "TOPIC") == 0) {
		on_topic(&c);
	} else if (strcmp(cmd, "MODE") == 0) {
		on_mode(&c);
	} else if (strcmp(cmd, "CAP") == 0) {
		on_cap(&c);
	} else if (strcmp(cmd, "ERROR") == 0) {
		str_copy(s->reason, last_param(&c), sizeof s->reason);
		say_in(&c, SB_ERROR, 0, NULL, NULL, last_param(&c));
		s->want_close = true;
	}
}

/* ---- sending ---- */

void
sess_say(struct session *s, const char *target, const char *text, bool action)
{
	size_t overhead = RELAY_PREFIX_MAX + strlen(" PRIVMSG ") + strlen(target) + 2 +
	    (action ? strlen("\001ACTION \001") : 0);
	size_t room = overhead < IRC_LINE_BODY ? IRC_LINE_BODY - overhead : 1;
	const char *p = text;
	bool chan = irc_is_channel(target);

	while (*p != '\0') {
		size_t n = strlen(p);
		if (n > room) {
			/* Cut at a space in the last third if there is one, never inside a character. */
			n = room;
			while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
				n--;
			for (size_t k = n; k > room * 2 / 3; k--) {
				if (p[k] == ' ') {
					n = k;
					break;
				}
			}
			if (n == 0)
				n = 1;
		}
		char chunk[IRC_LINE_MAX];
		memcpy(chunk, p, n);
		chunk[n] = '\0';
		if (action)
			sess_send(s, "PRIVMSG %s :\001ACTION %s\001", target, chunk);
		else
			sess_send(s, "PRIVMSG %s :%s", target, chunk);
		if (action)
			sb_add(s->msgs, time(NULL), SB_ACTION, 0, chan ? tag_for(s, target) : target,
			    s->nick, chunk);
		else if (chan)
			sb_add(s->msgs, time(NULL), SB_OWN, 0, tag_for(s, target), s->nick, chunk);
		else
			sb_add(s->msgs, time(NULL), SB_PRIVATE, SB_OUTGOING, NULL, target, chunk);
		p += n;
		while (*p == ' ' && n == room)
			p++;
	}
	s->seq++;
}

/* ---- timers ---- */

static void
close_with(struct session *s, const char *reason)
{
	str_copy(s->reason, reason, sizeof s->reason);
	s->want_close = true;
}

bool
sess_tick(struct session *s, int64_t now)
{
	switch (s->state) {
	case SESS_IDLE:
		return false;
	case SESS_WAITING:
		return now >= s->retry_at;
	case SESS_CONNECTING:
		if (now - s->state_since >= CONNECT_TIMEOUT_MS && !s->want_close)
			close_with(s, "connection timed out");
		return false;
	case SESS_REGISTERING:
		if (now - s->state_since >= REGISTER_TIMEOUT_MS && !s->want_close)
			close_with(s, "registration timed out");
		return false;
	case SESS_CONNECTED:
		if (now >= s->next_ping_at && !s->want_close) {
			if (s->ping_sent_at != 0) {
				close_with(s, "ping timeout");
				return false;
			}
			sess_send(s, "PING :%s", LAG_TOKEN);
			s->ping_sent_at = now;
			s->next_ping_at = now + LAG_PING_INTERVAL_S * 1000;
		}
		return false;
	}
	return false;
}

int64_t
sess_next_deadline(const struct session *s)
{
	switch (s->state) {
	case SESS_IDLE:
		return INT64_MAX;
	case SESS_WAITING:
		return s->retry_at;
	case SESS_CONNECTING:
		return s->state_since + CONNECT_TIMEOUT_MS;
	case SESS_REGISTERING:
		return s->state_since + REGISTER_TIMEOUT_MS;
	case SESS_CONNECTED:
		return s->next_ping_at;
	}
	return INT64_MAX;
}
