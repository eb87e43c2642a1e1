#include "client/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/channel.h"
#include "client/session_int.h"
#include "common/ircmsg.h"
#include "common/net.h"
#include "common/redact.h"
#include "common/text.h"
#include "common/util.h"

/* The longest source a server may put in front of our line when relaying it. */
enum { RELAY_PREFIX_MAX = 1 + NICK_LEN + 2 + USER_LEN + 1 + HOST_LEN + 1 };

static int64_t
wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
sess_set_state(struct session *s, enum sess_state st, int64_t now)
{
	s->state = st;
	s->state_since = now;
	s->seq++;
}

void
sess_init(struct session *s, const char *nick, const char *channel, struct win_list *wins,
    struct scrollback *welcome, struct scrollback *wire, uint32_t seed)
{
	memset(s, 0, sizeof *s);
	sess_fix_nick(s->want_nick, sizeof s->want_nick, nick);
	str_copy(s->nick, s->want_nick, sizeof s->nick);
	/* A username is at most USER_LEN and plain: the nick fits both rules. */
	str_copy(s->user, s->want_nick, sizeof s->user);
	str_copy(s->realname, "lanchat user", sizeof s->realname);
	s->lag_ms = -1;
	chm_info_default(&s->modes);
	s->rng = seed ? seed : 0x9e3779b9u;
	s->wins = wins;
	s->welcome = welcome;
	s->wire = wire;
	ob_init(&s->out);
	backlog_init(&s->bl);
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
}

void
sess_free(struct session *s)
{
	drop_channels(s);
	ob_free(&s->out);
	backlog_free(&s->bl);
}

void
sess_set_server(struct session *s, const char *host, const char *port)
{
	/* Another server's name is unknown until it says it: never show the old one for it. */
	if (strcmp(s->host, host) != 0 || strcmp(s->port, port) != 0) {
		s->server_name[0] = '\0';
		s->ever_registered = false;
	}
	s->resolve_fails = 0;
	str_copy(s->host, host, sizeof s->host);
	str_copy(s->port, port, sizeof s->port);
	s->seq++;
}

void
sess_set_tls(struct session *s, bool tls, const char *expect_fp)
{
	s->tls = tls;
	str_copy(s->expect_fp, expect_fp != NULL ? expect_fp : "", sizeof s->expect_fp);
	s->refused_fp[0] = s->pinned_fp[0] = '\0';
	s->seq++;
}

void
sess_secured(struct session *s, const char *fp, bool first_use, int64_t now)
{
	sess_connected(s, now);
	str_copy(s->tls_fp, fp, sizeof s->tls_fp);
	if (first_use) {
		char line[TLS_FP_HEX + 80];
		snprintf(line, sizeof line,
		    "new server certificate SHA256:%s trusted on first use", fp);
		sb_add(s->welcome, time(NULL), SB_INFO, 0, NULL, NULL, line);
	}
}

int
sess_parse_server(const char *in, char *host, size_t hcap, char *port, size_t pcap, bool *tls)
{
	char def[16];
	bool secure = *tls;

	if (strncmp(in, "ircs://", 7) == 0) {
		secure = true;
		in += 7;
	} else if (strncmp(in, "irc://", 6) == 0) {
		secure = false;
		in += 6;
	}
	snprintf(def, sizeof def, "%d", secure ? TLS_PORT_DEFAULT : SERVER_PORT_DEFAULT);
	/* A trailing slash, as URLs are often written. */
	char buf[SESS_HOST_LEN + SESS_PORT_LEN + 16];
	size_t n = str_copy(buf, in, sizeof buf);
	if (n >= sizeof buf)
		return -1;
	if (n > 0 && buf[n - 1] == '/')
		buf[n - 1] = '\0';
	int rc = net_split_hostport(buf, host, hcap, port, pcap, def);
	if (rc == 0)
		*tls = secure;
	return rc;
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

/* Queues one formatted line; the wire view shows it. */
static void
send_line(struct session *s, const char *fmt, va_list ap)
{
	char buf[IRC_LINE_MAX + 1];
	int n;

	n = vsnprintf(buf, IRC_LINE_BODY + 1, fmt, ap);
	if (n < 0)
		return;
	size_t len = strlen(buf);
	/* A cut line must not end in half a character. */
	if ((size_t)n > len) {
		len = text_whole(buf, len);
		buf[len] = '\0';
		/* Never lose the tail silently. */
		sess_info(s, SB_ERROR,
		    "That line was %d bytes, more than IRC carries: only the first %zu were sent",
		    n, len);
	}
	if (s->wire != NULL) {
		/* A password it carries (NickServ, PASS, AUTHENTICATE) is not shown. */
		char shown[IRC_LINE_MAX];
		redact_line(buf, len, shown, sizeof shown);
		sb_add(s->wire, time(NULL), SB_WIRE_OUT, 0, NULL, NULL, shown);
	}
	memcpy(buf + len, "\r\n", 2);
	/* Unbounded, so only allocation fails: better a closed link than lost lines. */
	if (ob_append(&s->out, buf, len + 2, 0) != OB_OK) {
		str_copy(s->reason, "Out of memory for output", sizeof s->reason);
		s->want_close = true;
	}
	explicit_bzero(buf, sizeof buf);
}

void
sess_send(struct session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	send_line(s, fmt, ap);
	va_end(ap);
}

void
sess_reset_backoff(struct session *s)
{
	s->attempt = 0;
}

void
sess_allow_reconnect(struct session *s)
{
	s->user_quit = false;
}

void
sess_count_io(struct session *s, uint64_t in, uint64_t out)
{
	s->bytes_in += in;
	s->bytes_out += out;
}

void
sess_set_reason(struct session *s, const char *reason)
{
	str_copy(s->reason, reason, sizeof s->reason);
}

void
sess_clear_server(struct session *s)
{
	s->host[0] = '\0';
}

void
sess_who(struct session *s, const char *target, bool show)
{
	enum { WHO_QUEUE_MAX = 32 };
	sess_send(s, "WHO %s", target);
	/* Past the queue's room replies are shown: better seen than silently lost. */
	if (s->who_pending >= WHO_QUEUE_MAX)
		return;
	if (show)
		s->who_shown |= 1u << s->who_pending;
	else
		s->who_shown &= ~(1u << s->who_pending);
	s->who_pending++;
}

void
sess_info(struct session *s, enum sb_kind kind, const char *fmt, ...)
{
	char buf[IRC_LINE_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sess_line(s, s->wins->cur, time(NULL), kind, 0, NULL, NULL, buf);
}

void
sess_note(struct session *s, const char *nick, bool attention, const char *text)
{
	int win = nick[0] != '\0' ? sess_query_win(s, nick) : -1;
	sess_line(s, win >= 0 ? win : s->wins->cur, time(NULL), SB_INFO,
	    attention ? SB_HIGHLIGHT : 0, NULL, NULL, text);
}

void
sess_line(struct session *s, int win, time_t t, enum sb_kind kind, int flags, const char *tag,
    const char *nick, const char *text)
{
	struct win *w = win_get(s->wins, win);
	if (w == NULL)
		w = win_get(s->wins, win = 0);
	/* What someone said or did carries the server's msgid; our notes about it do not. */
	bool said_or_done = kind != SB_INFO && kind != SB_ERROR;
	const char *msgid = said_or_done ? s->in_msgid : "";
	uint64_t key = msgid[0] != '\0' ? seen_key(w->id, msgid) : 0;
	/* A message given again (shown from history already, or sent twice) is not shown again. */
	if (key != 0 && !seen_add(&s->bl.seen, key))
		return;
	sb_add(&w->sb, t, kind, flags, tag, nick, text);
	struct sb_line *l = sb_at(&w->sb, w->sb.len - 1);
	l->id = key;
	/* The server's time, or ours when the line is stamped now: history is put in order by it. */
	if (s->in_ms > 0)
		l->ms = s->in_ms;
	else if (t == time(NULL))
		l->ms = wall_ms();
	if (said_or_done)
		backlog_note(w, msgid, s->in_ms);

	bool said = kind == SB_MSG || kind == SB_ACTION || kind == SB_NOTICE || kind == SB_PRIVATE;
	enum win_act act = WIN_ACT_EVENT;
	if (kind == SB_OWN || (flags & SB_OUTGOING))
		act = WIN_ACT_EVENT;
	else if (said && w->kind == WIN_QUERY)
		act = WIN_ACT_PRIVATE;
	else if (flags & SB_HIGHLIGHT)
		act = WIN_ACT_HIGHLIGHT;
	else if (said)
		act = WIN_ACT_MSG;
	win_mark(s->wins, win, act);
	if (s->on_line != NULL)
		s->on_line(s->on_line_arg, w, sb_get(&w->sb, w->sb.len - 1), act);
	s->seq++;
}

void
sess_chan_line(struct session *s, const char *chan, time_t t, enum sb_kind kind, int flags,
    const char *nick, const char *text)
{
	int win = win_find(s->wins, chan);
	/* No window (none could be opened): the server window says which channel it was. */
	sess_line(s, win >= 0 ? win : 0, t, kind, flags, win >= 0 ? NULL : chan, nick, text);
}

int
sess_query_win(struct session *s, const char *nick)
{
	return win_open(s->wins, WIN_QUERY, nick);
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
	const struct win *w = win_current(s->wins);
	if (w == NULL || w->kind != WIN_CHANNEL)
		return NULL;
	for (int i = 0; i < s->nchans; i++)
		if (irc_casecmp(s->chans[i].name, w->name) == 0)
			return &s->chans[i];
	return NULL;
}

const char *
sess_talk_target(const struct session *s)
{
	const struct win *w = win_current(s->wins);
	if (w != NULL && w->kind == WIN_QUERY)
		return w->name;
	const struct sess_chan *c = sess_current(s);
	return c != NULL ? c->name : NULL;
}

struct sess_chan *
sess_chan_add(struct session *s, const char *name)
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

void
sess_chan_remove(struct session *s, struct sess_chan *c)
{
	int i = (int)(c - s->chans);
	chan_clear(c);
	memmove(&s->chans[i], &s->chans[i + 1], (size_t)(s->nchans - i - 1) * sizeof *c);
	s->nchans--;
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
	s->tls_fp[0] = '\0';
	ob_clear(&s->out);
	sess_set_state(s, SESS_CONNECTING, now);
}

void
sess_connected(struct session *s, int64_t now)
{
	sess_set_state(s, SESS_REGISTERING, now);
	s->user_quit = false;
	s->resolve_fails = 0;
	s->nick_tries = 0;
	s->caps = s->caps_offered = 0;
	sess_hist_reset(s);
	s->sasl_pending = false;
	s->account[0] = '\0';
	s->server_name[0] = '\0';
	s->reason[0] = '\0';
	s->bytes_in = s->bytes_out = 0;
	s->welcome_done = false;
	s->who_pending = 0;
	s->who_shown = 0;
	sb_clear(s->welcome);
	sess_send(s, "CAP LS 302");
	/*
	 * The nick the server last gave us, not the one we started with: two clients that
	 * started as "alice" would otherwise swap nicks whenever the server restarts.
	 */
	sess_send(s, "NICK %s", s->nick);
	sess_send(s, "USER %s 0 * :%s", s->user, s->realname);
}

void
sess_lost(struct session *s, const char *reason, int64_t now)
{
	bool was_up = s->state == SESS_CONNECTED;

	ob_clear(&s->out);
	drop_channels(s);
	sess_hist_reset(s);
	s->want_close = false;
	s->ping_sent_at = 0;
	s->lag_ms = -1;
	s->away = false;
	if (reason != s->reason)
		str_copy(s->reason, reason && reason[0] ? reason : "connection closed",
		    sizeof s->reason);
	if (s->user_quit) {
		sess_set_state(s, SESS_IDLE, now);
		sess_info(s, SB_ERROR, "Disconnected: %s", s->reason);
		return;
	}
	int64_t d = sess_backoff_ms(s->attempt, rng_next(s));
	if (s->attempt < 32)
		s->attempt++;
	s->retry_at = now + d;
	sess_set_state(s, SESS_WAITING, now);
	sess_info(s, SB_ERROR, "%s: %s; reconnecting in %llds",
	    was_up ? "Connection lost" : "Cannot connect", s->reason,
	    (long long)((d + 999) / 1000));
}

void
sess_unresolved(struct session *s, const char *reason, int64_t now)
{
	if (s->ever_registered || ++s->resolve_fails < RESOLVE_TRIES_MAX) {
		sess_lost(s, reason, now);
		return;
	}
	s->user_quit = true;
	sess_lost(s, reason, now);
	sess_info(s, SB_ERROR, "Giving up on %s: it did not resolve in %d tries and has never "
	    "worked. Check the name, then /connect HOST[:PORT]", s->host, s->resolve_fails);
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
	/* A private conversation gets its window, whoever spoke first. */
	int query = chan ? -1 : sess_query_win(s, target);

	while (*p != '\0') {
		size_t n = strlen(p);
		if (n > room) {
			/* Cut at a space in the last third if there is one, never inside a character. */
			n = text_split(p, n, room, room * 2 / 3);
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
		if (chan)
			sess_chan_line(s, target, time(NULL), action ? SB_ACTION : SB_OWN, 0, s->nick,
			    chunk);
		else if (action)
			sess_line(s, query, time(NULL), SB_ACTION, SB_PRIV | SB_OUTGOING, NULL,
			    s->nick, chunk);
		else if (redact_is_service(target, strlen(target))) {
			/* What is shown (and logged) of "IDENTIFY pw" to NickServ has no password. */
			char shown[IRC_LINE_MAX];
			redact_service_text(chunk, n, shown, sizeof shown);
			sess_line(s, query, time(NULL), SB_PRIVATE, SB_OUTGOING, NULL, target, shown);
		} else
			sess_line(s, query, time(NULL), SB_PRIVATE, SB_OUTGOING, NULL, target, chunk);
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
