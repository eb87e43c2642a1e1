#include "server/relay.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/modes.h"
#include "server/server.h"

enum {
	PLAIN_LINE_MAX = 4 * IRC_LINE_MAX + 64,
	TAGS_MAX = 160, /* "@time=...;msgid=...;account=...;batch=... " */
	TAG_TIME = 1,   /* bits of a recipient's tag set, which indexes variants.tagged */
	TAG_MSGID = 2,
	TAG_ACCOUNT = 4,
	TAG_EXT = 8,    /* not a tag: the extended-join form of a JOIN */
	TAG_SETS = 16,
};

/* The event formatted for each dialect, built the first time a recipient needs it. */
struct variants {
	const struct relay_event *ev;
	size_t irc_len[2], plain_len;
	size_t tagged_len[TAG_SETS];
	bool plain_done;
	bool history; /* plain text stamps every kind of line with its original time */
	char irc[2][IRC_LINE_MAX + 1]; /* [1]: a JOIN as extended-join has it */
	char tagged[TAG_SETS][TAGS_MAX + IRC_LINE_MAX + 1];
	char plain[PLAIN_LINE_MAX];
};

static void
variants_init(struct variants *v, const struct relay_event *ev)
{
	v->ev = ev;
	v->irc_len[0] = v->irc_len[1] = v->plain_len = 0;
	memset(v->tagged_len, 0, sizeof v->tagged_len);
	v->plain_done = false;
	v->history = false;
}

/* The event's time as a timespec: its own, or now. */
static struct timespec
event_time(const struct relay_event *ev)
{
	struct timespec ts;
	if (ev->ms > 0) {
		ts.tv_sec = (time_t)(ev->ms / 1000);
		ts.tv_nsec = (long)(ev->ms % 1000) * 1000000;
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
	}
	return ts;
}

/*
 * buf (cap bytes) holds snprintf's output, n what it wanted to write. Cuts it to at most
 * IRC_LINE_BODY bytes without splitting a UTF-8 character, and adds CR LF.
 */
static size_t
finish_line(char *buf, size_t cap, int n)
{
	size_t have = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
	size_t len = san_utf8_cut(buf, have, IRC_LINE_BODY);
	buf[len++] = '\r';
	buf[len++] = '\n';
	return len;
}

static void
build_irc(struct variants *v, bool ext)
{
	const struct relay_event *ev = v->ev;
	char *b = v->irc[ext];
	size_t cap = sizeof v->irc[ext]; /* room to see the byte after the cut */
	const char *pfx = ev->from_prefix;
	int n = 0;

	switch (ev->kind) {
	case EV_PRIVMSG:
	case EV_NOTICE:
		n = snprintf(b, cap, ":%s %s %s :%s", pfx,
		    ev->kind == EV_PRIVMSG ? "PRIVMSG" : "NOTICE", ev->target, ev->text);
		break;
	case EV_JOIN:
		if (ext)
			n = snprintf(b, cap, ":%s JOIN %s %s :%s", pfx, ev->target,
			    ev->account ? ev->account : "*",
			    ev->realname && ev->realname[0] ? ev->realname : ev->from_nick);
		else
			n = snprintf(b, cap, ":%s JOIN %s", pfx, ev->target);
		break;
	case EV_PART:
		if (ev->text != NULL && ev->text[0] != '\0')
			n = snprintf(b, cap, ":%s PART %s :%s", pfx, ev->target, ev->text);
		else
			n = snprintf(b, cap, ":%s PART %s", pfx, ev->target);
		break;
	case EV_QUIT:
		n = snprintf(b, cap, ":%s QUIT :%s", pfx, ev->text ? ev->text : "");
		break;
	case EV_NICK:
		n = snprintf(b, cap, ":%s NICK :%s", pfx, ev->text);
		break;
	case EV_TOPIC:
		n = snprintf(b, cap, ":%s TOPIC %s :%s", pfx, ev->target, ev->text ? ev->text : "");
		break;
	case EV_MODE:
		n = snprintf(b, cap, ":%s MODE %s %s", pfx, ev->target, ev->text ? ev->text : "");
		break;
	case EV_KICK:
		n = snprintf(b, cap, ":%s KICK %s %s :%s", pfx, ev->target, ev->arg,
		    ev->text ? ev->text : "");
		break;
	case EV_INVITE:
		n = snprintf(b, cap, ":%s INVITE %s %s", pfx, ev->arg, ev->target);
		break;
	}
	v->irc_len[ext] = finish_line(b, cap, n);
}

/* "@time=...;msgid=...;batch=... " as far as set and the event ask; returns its length. */
static size_t
format_tags(char *b, size_t cap, const struct relay_event *ev, unsigned set, const char *batch)
{
	char stamp[40];
	size_t n = 0;
	const char *sep = "@";

	if (set & TAG_TIME) {
		struct timespec ts = event_time(ev);
		irc_format_time(stamp, sizeof stamp, &ts);
		n += (size_t)snprintf(b + n, cap - n, "%stime=%s", sep, stamp);
		sep = ";";
	}
	if ((set & TAG_MSGID) && ev->msgid != NULL && n < cap) {
		n += (size_t)snprintf(b + n, cap - n, "%smsgid=%s", sep, ev->msgid);
		sep = ";";
	}
	if ((set & TAG_ACCOUNT) && ev->account != NULL && n < cap) {
		n += (size_t)snprintf(b + n, cap - n, "%saccount=%s", sep, ev->account);
		sep = ";";
	}
	if (batch != NULL && n < cap) {
		n += (size_t)snprintf(b + n, cap - n, "%sbatch=%s", sep, batch);
		sep = ";";
	}
	if (n > 0 && n < cap)
		b[n++] = ' ';
	return n < cap ? n : 0;
}

static void
build_tagged(struct variants *v, unsigned set)
{
	bool ext = set & TAG_EXT;
	if (v->irc_len[ext] == 0)
		build_irc(v, ext);
	size_t n = format_tags(v->tagged[set], TAGS_MAX, v->ev, set, NULL);
	memcpy(v->tagged[set] + n, v->irc[ext], v->irc_len[ext]);
	v->tagged_len[set] = n + v->irc_len[ext];
}

static void
build_plain(struct variants *v)
{
	const struct relay_event *ev = v->ev;
	char text[PLAIN_LINE_MAX / 2], stamp[8], nick[NICK_LEN * 4 + 1];
	char *b = v->plain;
	size_t cap = sizeof v->plain - 2;
	struct timespec ts = event_time(ev);
	struct tm tm;
	int n = 0;

	v->plain_done = true;
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%H:%M", &tm);
	san_text(nick, sizeof nick, ev->from_nick, strlen(ev->from_nick), SAN_DEFAULT);
	text[0] = '\0';
	if (ev->text != NULL) {
		const char *t = ev->text;
		size_t len = strlen(t);
		if (irc_is_action(t)) {
			t += 7;
			len -= 7;
			if (*t == ' ') {
				t++;
				len--;
			}
			if (len > 0 && t[len - 1] == '\001')
				len--;
		}
		san_text(text, sizeof text, t, len, SAN_STRIP_FORMAT | SAN_ONE_SPACE);
	}
	bool private = ev->target != NULL && !irc_is_channel(ev->target);
	switch (ev->kind) {
	case EV_PRIVMSG:
		if (irc_is_action(ev->text))
			n = snprintf(b, cap, "[%s] %s* %s %s", stamp, private ? "(private) " : "",
			    nick, text);
		else if (irc_is_ctcp(ev->text))
			n = -1; /* CTCP queries mean nothing to a person at a raw socket */
		else if (private)
			n = snprintf(b, cap, "[%s] *%s* %s", stamp, nick, text);
		else
			n = snprintf(b, cap, "[%s] <%s> %s", stamp, nick, text);
		break;
	case EV_NOTICE:
		/* As IRC clients show them: "-nick-" to you, "-nick:#chan-" to a channel. */
		if (irc_is_ctcp(ev->text))
			n = -1;
		else if (private)
			n = snprintf(b, cap, "[%s] -%s- %s", stamp, nick, text);
		else
			n = snprintf(b, cap, "[%s] -%s:%s- %s", stamp, nick, ev->target, text);
		break;
	case EV_JOIN:
		n = snprintf(b, cap, "* %s joined %s", nick, ev->target);
		break;
	case EV_PART:
		n = snprintf(b, cap, text[0] ? "* %s left %s (%s)" : "* %s left %s%s", nick,
		    ev->target, text);
		break;
	case EV_QUIT:
		n = snprintf(b, cap, "* %s quit (%s)", nick, text);
		break;
	case EV_NICK:
		n = snprintf(b, cap, "* %s is now known as %s", nick, text);
		break;
	case EV_TOPIC:
		n = snprintf(b, cap, "* %s set the topic of %s to: %s", nick, ev->target, text);
		break;
	case EV_MODE: {
		char what[PLAIN_LINE_MAX / 4];
		mode_describe(text, ev->target, what, sizeof what);
		n = what[0] ? snprintf(b, cap, "* %s %s", nick, what) : -1;
		break;
	}
	case EV_KICK: {
		char victim[NICK_LEN * 4 + 1];
		san_text(victim, sizeof victim, ev->arg, strlen(ev->arg), SAN_DEFAULT);
		/* Plain users sit in one channel: "* alice kicked bob (spamming)". */
		n = snprintf(b, cap, text[0] ? "* %s kicked %s (%s)" : "* %s kicked %s%s", nick, victim,
		    text);
		break;
	}
	case EV_INVITE: {
		char who[NICK_LEN * 4 + 1];
		san_text(who, sizeof who, ev->arg, strlen(ev->arg), SAN_DEFAULT);
		n = snprintf(b, cap, "* %s invited %s to %s", nick, who, ev->target);
		break;
	}
	}
	if (n < 0) {
		v->plain_len = 0;
		return;
	}
	if (n > (int)cap)
		n = (int)cap;
	/* Messages carry their time already; replayed events get it too. */
	if (v->history && ev->kind != EV_PRIVMSG && ev->kind != EV_NOTICE && n + 8 <= (int)cap) {
		memmove(b + 8, b, (size_t)n);
		memcpy(b, "[", 1);
		memcpy(b + 1, stamp, 5);
		memcpy(b + 6, "] ", 2);
		n += 8;
	}
	b[n++] = '\r';
	b[n++] = '\n';
	v->plain_len = (size_t)n;
}

/* The tags a connection asked for (server-time, message-tags, account-tag). */
static unsigned
tag_set(const struct conn *to)
{
	return ((to->caps & CAP_SERVER_TIME) ? TAG_TIME : 0) |
	    ((to->caps & CAP_MESSAGE_TAGS) ? TAG_MSGID : 0) |
	    ((to->caps & CAP_ACCOUNT_TAG) ? TAG_ACCOUNT : 0);
}

/* The variant of ev for to: its tags, and whether a JOIN takes the extended form. */
static unsigned
variant_of(const struct relay_event *ev, const struct conn *to)
{
	return tag_set(to) | (ev->kind == EV_JOIN && (to->caps & CAP_EXTENDED_JOIN) ? TAG_EXT : 0);
}

static void
deliver(struct variants *v, struct conn *to)
{
	if (to->dead)
		return;
	if (to->mode == CONN_PLAIN) {
		if (!v->plain_done)
			build_plain(v);
		if (v->plain_len > 0)
			conn_send(to, v->plain, v->plain_len);
	} else if (variant_of(v->ev, to) != 0) {
		unsigned set = variant_of(v->ev, to);
		if (v->tagged_len[set] == 0)
			build_tagged(v, set);
		conn_send(to, v->tagged[set], v->tagged_len[set]);
	} else {
		if (v->irc_len[0] == 0)
			build_irc(v, false);
		conn_send(to, v->irc[0], v->irc_len[0]);
	}
}

/* Plain users never get their own events back: plain.c confirms them in words. */
static bool
wants_own(const struct relay_event *ev, const struct conn *to, bool include_sender)
{
	if (to->mode == CONN_PLAIN)
		return false;
	if (include_sender)
		return true;
	return (to->caps & CAP_ECHO_MESSAGE) && (ev->kind == EV_PRIVMSG || ev->kind == EV_NOTICE);
}

void
relay_channel(const struct relay_event *ev, struct channel *ch, bool include_sender)
{
	struct variants v;
	variants_init(&v, ev);
	for (size_t i = 0; i < ch->nmembers; i++) {
		struct conn *m = ch->members[i];
		if (m == ev->from && !wants_own(ev, m, include_sender))
			continue;
		deliver(&v, m);
	}
}

void
relay_channel_cap(
    const struct relay_event *ev, struct channel *ch, unsigned cap, const struct conn *skip)
{
	struct variants v;
	variants_init(&v, ev);
	for (size_t i = 0; i < ch->nmembers; i++) {
		struct conn *m = ch->members[i];
		if (m != skip && (m->caps & cap))
			deliver(&v, m);
	}
}

void
relay_one(const struct relay_event *ev, struct conn *to)
{
	struct variants v;
	variants_init(&v, ev);
	deliver(&v, to);
}

void
relay_peers(const struct relay_event *ev, struct conn *from, bool include_sender)
{
	struct variants v;
	unsigned mark = ++srv.mark;

	variants_init(&v, ev);
	from->mark = mark;
	if (wants_own(ev, from, include_sender))
		deliver(&v, from);
	for (int i = 0; i < from->nchans; i++) {
		struct channel *ch = from->chans[i];
		for (size_t j = 0; j < ch->nmembers; j++) {
			struct conn *m = ch->members[j];
			if (m->mark == mark)
				continue;
			m->mark = mark;
			deliver(&v, m);
		}
	}
}

/* The event with the recipient's tags and a batch reference, built for this one recipient. */
static void
send_tagged(struct variants *v, struct conn *to, const char *batch)
{
	char line[TAGS_MAX + IRC_LINE_MAX + 1];
	bool ext = variant_of(v->ev, to) & TAG_EXT;

	build_irc(v, ext);
	size_t n = format_tags(line, TAGS_MAX, v->ev, tag_set(to), batch);
	memcpy(line + n, v->irc[ext], v->irc_len[ext]);
	conn_send(to, line, n + v->irc_len[ext]);
}

void
relay_history(const struct relay_event *ev, struct conn *to, const char *channel,
    const char *batch)
{
	struct variants v;

	if (to->dead)
		return;
	variants_init(&v, ev);
	v.history = true;
	if (to->mode == CONN_PLAIN) {
		deliver(&v, to);
		return;
	}
	if (to->caps & CAP_SERVER_TIME) {
		send_tagged(&v, to, batch);
		return;
	}
	/* No way to carry the time but the text: what a plain user sees, as a notice. */
	build_plain(&v);
	if (v.plain_len > 2)
		conn_printf(to, ":%s NOTICE %s :%.*s", srv.cfg.name, channel, (int)v.plain_len - 2,
		    v.plain);
}

void
relay_offline(const struct relay_event *ev, struct conn *to, const char *batch)
{
	struct variants v;
	char stamp[8];
	struct timespec ts = event_time(ev);
	struct tm tm;

	if (to->dead)
		return;
	variants_init(&v, ev);
	if (to->mode == CONN_IRC && (to->caps & CAP_SERVER_TIME)) {
		send_tagged(&v, to, batch);
		return;
	}
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%H:%M", &tm);
	if (to->mode == CONN_PLAIN) {
		char nick[NICK_LEN * 4 + 1], text[PLAIN_LINE_MAX / 2];
		san_text(nick, sizeof nick, ev->from_nick, strlen(ev->from_nick), SAN_DEFAULT);
		san_text(text, sizeof text, ev->text, strlen(ev->text),
		    SAN_STRIP_FORMAT | SAN_ONE_SPACE);
		conn_printf(to, "[%s] *%s* (while you were away) %s", stamp, nick, text);
		return;
	}
	conn_printf(to, ":%s PRIVMSG %s :[%s] (while you were away) %s", ev->from_prefix, to->nick,
	    stamp, ev->text);
}

void
relay_account(struct conn *c)
{
	char pfx[CONN_PREFIX_LEN];
	unsigned mark = ++srv.mark;

	if (!c->registered)
		return;
	conn_prefix(c, pfx, sizeof pfx);
	c->mark = mark;
	if (c->caps & CAP_ACCOUNT_NOTIFY)
		conn_printf(c, ":%s ACCOUNT %s", pfx, c->account[0] ? c->account : "*");
	for (int i = 0; i < c->nchans; i++) {
		struct channel *ch = c->chans[i];
		for (size_t j = 0; j < ch->nmembers; j++) {
			struct conn *m = ch->members[j];
			if (m->mark == mark)
				continue;
			m->mark = mark;
			if ((m->caps & CAP_ACCOUNT_NOTIFY) && !m->dead)
				conn_printf(m, ":%s ACCOUNT %s", pfx, c->account[0] ? c->account : "*");
		}
	}
}

const char *
relay_batch_open(struct conn *c, char *ref, size_t cap, const char *type, const char *param)
{
	static unsigned seq; /* unique for the life of the process */

	if (!(c->caps & CAP_BATCH))
		return NULL;
	snprintf(ref, cap, "h%u", ++seq);
	conn_printf(c, ":%s BATCH +%s %s %s", srv.cfg.name, ref, type, param);
	return ref;
}

void
relay_batch_close(struct conn *c, const char *ref)
{
	if (ref != NULL)
		conn_printf(c, ":%s BATCH -%s", srv.cfg.name, ref);
}
