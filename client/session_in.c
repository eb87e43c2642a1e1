/*
 * session_in: the session's half that takes server lines in: parse, then one handler per
 * command or numeric, each updating state and the scrollbacks. Pure like the rest of session.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client/channel.h"
#include "client/evtext.h"
#include "client/session.h"
#include "client/session_int.h"
#include "common/ircmsg.h"
#include "common/redact.h"
#include "common/sanitize.h"
#include "common/util.h"

const char *
sess_param(const struct sess_ctx *c, int i)
{
	return i < c->m->nparams ? c->m->params[i] : "";
}

const char *
sess_last_param(const struct sess_ctx *c)
{
	return c->m->nparams > 0 ? c->m->params[c->m->nparams - 1] : "";
}

void
sess_join_params(const struct sess_ctx *c, int from, char *buf, size_t cap)
{
	evtext_params(c->m, from, buf, cap);
}

static bool
is_us(const struct session *s, const char *nick)
{
	return irc_casecmp(nick, s->nick) == 0;
}

bool
sess_mentions(const struct session *s, const char *text)
{
	bool hl = evtext_mentions(text, s->nick);
	for (int i = 0; i < s->nhighlight && !hl; i++)
		hl = evtext_mentions(text, s->highlight[i]);
	return hl;
}

/* A reply or notice for the window the user is looking at. */
void
sess_say_in(struct sess_ctx *c, enum sb_kind kind, int flags, const char *tag, const char *nick,
    const char *text)
{
	sess_line(c->s, c->s->wins->cur, c->t, kind, flags, tag, nick, text);
}

void
sess_say_chan(struct sess_ctx *c, const char *chan, enum sb_kind kind, int flags, const char *nick,
    const char *text)
{
	sess_chan_line(c->s, chan, c->t, kind, flags, nick, text);
}

/* Private lines with nick: its query window, opened if open is set (else the one shown). */
void
sess_say_query(struct sess_ctx *c, const char *nick, bool open, enum sb_kind kind, int flags,
    const char *who, const char *text)
{
	int win = nick == NULL || nick[0] == '\0' ? -1 :
	    open ? sess_query_win(c->s, nick) : win_find(c->s->wins, nick);
	sess_line(c->s, win >= 0 ? win : c->s->wins->cur, c->t, kind, flags, NULL, who, text);
}

/* May we answer one more CTCP request now? Takes the allowance when it says yes. */
static bool
ctcp_allowed(struct session *s, bool to_channel, int64_t now)
{
	if (to_channel && s->ctcp_chan_once && now - s->ctcp_chan_at < CTCP_CHANNEL_EVERY_MS)
		return false;
	/* A token bucket as one time: each answer moves it on, a burst may run ahead of now. */
	int64_t free_at = s->ctcp_free_at > now ? s->ctcp_free_at : now;
	if (free_at - now > (int64_t)(CTCP_REPLY_BURST - 1) * CTCP_REPLY_EVERY_MS)
		return false;
	s->ctcp_free_at = free_at + CTCP_REPLY_EVERY_MS;
	if (to_channel) {
		s->ctcp_chan_once = true;
		s->ctcp_chan_at = now;
	}
	return true;
}

/*
 * A CTCP request (body without the \001s): answers PING, VERSION and TIME within the
 * bounds of ctcp_allowed. Returns false for a request dropped silently (neither answered
 * nor shown).
 */
static bool
ctcp_answer(struct sess_ctx *c, const char *target, const char *body)
{
	struct session *s = c->s;
	size_t word = strcspn(body, " ");
	bool ping = word == 4 && strncmp(body, "PING", 4) == 0;
	bool version = word == 7 && strncmp(body, "VERSION", 7) == 0;
	bool timereq = word == 4 && strncmp(body, "TIME", 4) == 0;

	if (c->self || c->nick[0] == '\0')
		return true;
	if (!ctcp_allowed(s, irc_is_channel(target), c->now)) {
		s->ctcp_dropped++;
		return false;
	}
	if (version) {
		sess_send(s, "NOTICE %s :\001VERSION lanchat %s\001", c->nick, LANCHAT_VERSION);
	} else if (ping) {
		size_t n = san_utf8_cut(body, strlen(body), CTCP_PING_ECHO_MAX);
		sess_send(s, "NOTICE %s :\001%.*s\001", c->nick, (int)n, body);
	} else if (timereq) {
		char when[64];
		time_t t = time(NULL);
		struct tm tm;
		strftime(when, sizeof when, "%a %b %d %H:%M:%S %Y", localtime_r(&t, &tm));
		sess_send(s, "NOTICE %s :\001TIME %s\001", c->nick, when);
	}
	return true;
}

/*
 * NickServ tells us the nick we took is someone else's account: rather than fight for it
 * (and be renamed), pick another one and say why.
 */
static bool
nick_owned_elsewhere(struct sess_ctx *c, const char *text)
{
	struct session *s = c->s;
	char alt[NICK_LEN + 1];
	size_t n = strlen(s->nick);

	if (c->nick[0] == '\0' || irc_casecmp(c->nick, "NickServ") != 0 || s->account[0] != '\0' ||
	    strncasecmp(text, s->nick, n) != 0 || strncmp(text + n, " is a registered nick", 21) != 0)
		return false;
	do
		sess_alt_nick(alt, sizeof alt, s->want_nick, ++s->nick_tries);
	while (irc_casecmp(alt, s->nick) == 0 && s->nick_tries < NICK_LEN);
	sess_info(s, SB_INFO, "%s is registered to someone else's account here; using %s", s->nick,
	    alt);
	sess_send(s, "NICK %s", alt);
	return true;
}

static void
on_privmsg(struct sess_ctx *c, bool notice)
{
	struct session *s = c->s;
	const char *target = sess_param(c, 0);
	char text[IRC_LINE_MAX];
	int flags = 0;
	enum sb_kind kind;

	if (c->m->nparams < 2)
		return;
	str_copy(text, sess_param(c, 1), sizeof text);
	if (notice && nick_owned_elsewhere(c, text))
		return;

	/* Before registration, and from the server itself: part of the greeting. */
	if (notice && (s->state != SESS_CONNECTED || (c->from_server && !irc_is_channel(target)))) {
		if (s->state != SESS_CONNECTED) {
			sb_add(s->welcome, c->t, SB_NOTICE, 0, NULL, c->m->source, text);
			s->seq++;
			return;
		}
		sess_line(s, 0, c->t, SB_NOTICE, 0, NULL,
		    c->m->source ? c->m->source : s->server_name, text);
		return;
	}

	bool ctcp = irc_is_ctcp(text);
	if (evtext_strip_action(text)) {
		kind = SB_ACTION;
	} else if (ctcp) {
		char *end = strchr(text + 1, '\001');
		if (end != NULL)
			*end = '\0';
		/* DCC offers and their answers are for the transfers, never shown as numbers. */
		if (!notice && !c->self && c->nick[0] != '\0' && s->on_dcc != NULL &&
		    strncmp(text + 1, "DCC ", 4) == 0) {
			s->on_dcc(s->on_dcc_arg, c->nick, text + 1);
			return;
		}
		if (!notice && !ctcp_answer(c, target, text + 1))
			return;
		char info[IRC_LINE_MAX + 64];
		snprintf(info, sizeof info, "CTCP %s %s from %s", text + 1,
		    notice ? "reply" : "request", c->nick);
		sess_say_in(c, SB_INFO, 0, NULL, NULL, info);
		return;
	} else {
		kind = notice ? SB_NOTICE : SB_MSG;
	}

	if (irc_is_channel(target)) {
		if (!c->self && sess_mentions(s, text))
			flags |= SB_HIGHLIGHT;
		sess_say_chan(
		    c, target, c->self && kind == SB_MSG ? SB_OWN : kind, flags, c->nick, text);
	} else if (c->self && kind == SB_ACTION) {
		/* Our own private action echoed back (echo-message): ours, to target. */
		sess_say_query(c, target, true, SB_ACTION, SB_PRIV | SB_OUTGOING, c->nick, text);
	} else if (c->self) {
		/* Our own message echoed back to a nick (echo-message). */
		sess_say_query(c, target, true, SB_PRIVATE, SB_OUTGOING, target, text);
	} else {
		/* A private message opens its window; a private notice uses one if it is open. */
		const char *who = c->nick[0] ? c->nick : c->m->source;
		if (kind == SB_MSG)
			kind = SB_PRIVATE;
		sess_say_query(c, who, !notice, kind,
		    (kind == SB_ACTION ? SB_PRIV : 0) | (notice ? 0 : SB_HIGHLIGHT), who, text);
	}
}

static void
on_join(struct sess_ctx *c)
{
	struct session *s = c->s;
	const char *name = sess_param(c, 0);
	char buf[IRC_LINE_MAX];

	if (name[0] == '\0' || c->nick[0] == '\0')
		return;
	if (c->self) {
		struct sess_chan *ch = sess_chan_add(s, name);
		if (ch == NULL)
			return;
		ch->parting = false;
		sess_autojoin_add(s, name);
		/* A new channel's window is shown; one we come back to (a reconnect) is not. */
		int before = s->wins->n;
		int win = win_open(s->wins, WIN_CHANNEL, name);
		if (win >= 0 && s->wins->n > before)
			win_select(s->wins, win);
		/* A server without a MOTD ends its greeting no later than this. */
		s->welcome_done = true;
		/* Before the join's line, whose msgid is no measure of what was missed. */
		sess_hist_joined(s, name);
		evtext_event(c->m, c->nick, true, buf, sizeof buf);
		sess_say_chan(c, name, SB_EVENT, 0, NULL, buf);
		return;
	}
	struct sess_chan *ch = sess_find_chan(s, name);
	if (ch == NULL)
		return;
	chan_member_add(ch, c->nick, "");
	/* extended-join: "JOIN #chan account :realname", "*" when not logged in. */
	struct sess_member *jm = chan_member_find(ch, c->nick);
	if (jm != NULL && c->m->nparams >= 3)
		jm->account = strcmp(sess_param(c, 1), "*") != 0;
	evtext_event(c->m, c->nick, false, buf, sizeof buf);
	sess_say_chan(c, name, SB_EVENT, 0, NULL, buf);
}

static void
on_part(struct sess_ctx *c)
{
	struct session *s = c->s;
	const char *name = sess_param(c, 0);
	struct sess_chan *ch = sess_find_chan(s, name);
	char buf[IRC_LINE_MAX];

	if (ch == NULL)
		return;
	evtext_event(c->m, c->nick, c->self, buf, sizeof buf);
	sess_say_chan(c, name, SB_EVENT, 0, NULL, buf);
	if (c->self)
		sess_chan_remove(s, ch);
	else
		chan_member_del(ch, c->nick);
}

static void
on_kick(struct sess_ctx *c)
{
	struct session *s = c->s;
	const char *name = sess_param(c, 0), *victim = sess_param(c, 1);
	struct sess_chan *ch = sess_find_chan(s, name);
	char buf[IRC_LINE_MAX];

	if (ch == NULL)
		return;
	const char *why =
	    c->m->nparams > 2 && sess_param(c, 2)[0] ? sess_param(c, 2) : "no reason given";
	const char *by = c->self ? "You" : c->nick[0] ? c->nick : c->m->source ? c->m->source : "the server";
	if (is_us(s, victim)) {
		/* Said where it happened and where the user looks; never rejoined by itself. */
		snprintf(buf, sizeof buf,
		    "You were kicked from %s by %s (%s). lanchat does not rejoin it: /join %s "
		    "to go back",
		    name, by, why, name);
		sess_say_chan(c, name, SB_ERROR, 0, NULL, buf);
		if (win_find(s->wins, name) != s->wins->cur)
			sess_say_in(c, SB_ERROR, 0, NULL, NULL, buf);
		sess_chan_remove(s, ch);
		sess_autojoin_del(s, name);
	} else {
		snprintf(buf, sizeof buf, "%s kicked %s from %s (%s)", by, victim, name, why);
		sess_say_chan(c, name, SB_EVENT, 0, NULL, buf);
		chan_member_del(ch, victim);
	}
}

/*
 * The nick we asked for was taken when we registered (we became "nick_"); its holder just
 * left it, so take it back.
 */
static void
reclaim_nick(struct session *s, const char *freed)
{
	if (irc_casecmp(freed, s->want_nick) == 0 && irc_casecmp(s->nick, s->want_nick) != 0) {
		sess_send(s, "NICK %s", s->want_nick);
		s->reclaiming = true;
	}
}

static void
on_quit(struct sess_ctx *c)
{
	struct session *s = c->s;
	char buf[IRC_LINE_MAX];

	reclaim_nick(s, c->nick);
	evtext_event(c->m, c->nick, c->self, buf, sizeof buf);
	/* Said in every window the person was in: each channel they shared, their query. */
	for (int i = 0; i < s->nchans; i++)
		if (chan_member_del(&s->chans[i], c->nick))
			sess_say_chan(c, s->chans[i].name, SB_EVENT, 0, NULL, buf);
	if (win_find(s->wins, c->nick) >= 0)
		sess_say_query(c, c->nick, false, SB_EVENT, 0, NULL, buf);
}

static void
on_nick(struct sess_ctx *c)
{
	struct session *s = c->s;
	const char *to = sess_param(c, 0);
	char buf[IRC_LINE_MAX];

	if (to[0] == '\0' || c->nick[0] == '\0')
		return;
	evtext_event(c->m, c->nick, c->self, buf, sizeof buf);
	if (c->self) {
		s->reclaiming = false;
		str_copy(s->nick, to, sizeof s->nick);
		sess_line(s, 0, c->t, SB_EVENT, 0, NULL, NULL, buf);
	} else {
		if (irc_casecmp(c->nick, to) != 0)
			reclaim_nick(s, c->nick);
	}
	for (int i = 0; i < s->nchans; i++) {
		if (chan_member_find(&s->chans[i], c->nick) != NULL) {
			chan_member_rename(&s->chans[i], c->nick, to);
			sess_say_chan(c, s->chans[i].name, SB_EVENT, 0, NULL, buf);
		}
	}
	/* A private conversation follows the person to their new nick. */
	int q = win_find(s->wins, c->nick);
	if (!c->self && q >= 0 && win_get(s->wins, q)->kind == WIN_QUERY) {
		win_rename(s->wins, q, to);
		sess_line(s, q, c->t, SB_EVENT, 0, NULL, NULL, buf);
	}
}

static void
on_topic(struct sess_ctx *c)
{
	struct session *s = c->s;
	const char *name = sess_param(c, 0);
	struct sess_chan *ch = sess_find_chan(s, name);
	char buf[IRC_LINE_MAX + 64];

	if (ch != NULL)
		str_copy(ch->topic, sess_param(c, 1), sizeof ch->topic);
	evtext_event(c->m, c->nick, c->self, buf, sizeof buf);
	sess_say_chan(c, name, SB_EVENT, 0, NULL, buf);
}

/* Our own user modes, as sentences (+o: OPER worked; +w: WALLOPS will come). */
static void
own_mode(struct sess_ctx *c, const char *modes)
{
	char buf[IRC_LINE_MAX];
	bool plus = true;

	for (const char *p = modes; *p != '\0'; p++) {
		const char *what = NULL;
		if (*p == '+' || *p == '-') {
			plus = *p == '+';
			continue;
		}
		switch (*p) {
		case 'o':
		case 'O':
			what = plus ? "You are now a server operator" : "You are no longer a server operator";
			break;
		case 'w':
			what = plus ? "You will see WALLOPS, the operators' messages to everyone"
			            : "You no longer see WALLOPS";
			break;
		case 'i':
			what = plus ? "You are now invisible: WHO * lists you only to people in your channels"
			            : "You are visible again in WHO *";
			break;
		default:
			break;
		}
		if (what == NULL) {
			snprintf(buf, sizeof buf, "Your user mode %c%c is set", plus ? '+' : '-', *p);
			what = buf;
		}
		sess_line(c->s, 0, c->t, SB_EVENT, 0, NULL, NULL, what);
	}
}

static void
on_mode(struct sess_ctx *c)
{
	struct session *s = c->s;
	const char *target = sess_param(c, 0);
	const char *who = c->self ? "You" : c->nick[0] ? c->nick : c->m->source ? c->m->source : "The server";
	struct chm_change ch[CHM_CHANGES_MAX];
	char buf[IRC_LINE_MAX * 2 + 64];
	int n;

	if (!irc_is_channel(target)) {
		if (is_us(s, target))
			own_mode(c, sess_param(c, 1));
		return;
	}
	n = chm_split(&s->modes, sess_param(c, 1), (const char *const *)c->m->params + 2,
	    c->m->nparams > 2 ? c->m->nparams - 2 : 0, ch, CHM_CHANGES_MAX);
	struct sess_chan *sc = sess_find_chan(s, target);
	for (int i = 0; i < n; i++) {
		/* Status modes move the member in the user list (operators first). */
		if (ch[i].status != 0 && ch[i].arg != NULL && sc != NULL)
			chan_member_rank(sc, ch[i].arg, ch[i].status, ch[i].plus);
		const char *arg = ch[i].arg;
		struct chm_change said = ch[i];
		if (arg != NULL && ch[i].status != 0 && is_us(s, arg))
			said.arg = "you";
		chm_sentence(&said, who, target, buf, sizeof buf);
		sess_say_chan(c, target, SB_EVENT, 0, NULL, buf);
	}
}

/* An operator asks us to a channel: say how to go, without going. */
static void
on_invite(struct sess_ctx *c)
{
	char buf[IRC_LINE_MAX * 2];
	snprintf(buf, sizeof buf, "%s invites you to %s: /join %s to go", c->nick, sess_param(c, 1),
	    sess_param(c, 1));
	sess_say_in(c, SB_INFO, 0, NULL, NULL, buf);
}

static void
on_wallops(struct sess_ctx *c)
{
	char buf[IRC_LINE_MAX * 2];
	snprintf(buf, sizeof buf, "WALLOPS from %s: %s", c->nick[0] ? c->nick : "the server",
	    sess_last_param(c));
	sess_line(c->s, 0, c->t, SB_INFO, 0, NULL, NULL, buf);
}

/*
 * Capabilities we ask for when offered; of two names for one, the first offered is taken.
 * server-time for times; message-tags, batch, chathistory and event-playback for history;
 * account-notify and extended-join for who is logged in; sasl (EXTERNAL, with our own
 * certificate) to log in without a password whenever the link is TLS and the server offers it.
 */
static const struct {
	const char *name;
	unsigned bit;
} wanted_caps[] = {
	{ "server-time", SESS_CAP_SERVER_TIME },
	{ "message-tags", SESS_CAP_MESSAGE_TAGS },
	{ "batch", SESS_CAP_BATCH },
	{ "chathistory", SESS_CAP_CHATHISTORY },
	{ "draft/chathistory", SESS_CAP_CHATHISTORY },
	{ "event-playback", SESS_CAP_EVENT_PLAYBACK },
	{ "draft/event-playback", SESS_CAP_EVENT_PLAYBACK },
	{ "account-notify", SESS_CAP_ACCOUNT_NOTIFY },
	{ "extended-join", SESS_CAP_EXTENDED_JOIN },
	{ "sasl", SESS_CAP_SASL },
};
enum { NWANTED = sizeof wanted_caps / sizeof wanted_caps[0] };

/*
 * The wanted capability a word of a CAP list names ("name" or "name=value"), or -1; *value
 * (when not NULL) gets where its value starts, and *vlen its length (0: none).
 */
static int
wanted_cap(const char *word, size_t len, const char **value, size_t *vlen)
{
	size_t n = strcspn(word, "=");
	if (n > len)
		n = len;
	if (value != NULL) {
		*value = word + (n < len ? n + 1 : n);
		*vlen = n < len ? len - n - 1 : 0;
	}
	for (int i = 0; i < NWANTED; i++)
		if (strlen(wanted_caps[i].name) == n && strncmp(word, wanted_caps[i].name, n) == 0)
			return i;
	return -1;
}

/* May we ask for this offered capability? sasl only when EXTERNAL can work. */
static bool
cap_usable(const struct session *s, unsigned bit, const char *value, size_t vlen)
{
	if (bit != SESS_CAP_SASL)
		return true;
	if (!s->tls || !s->have_cert)
		return false;
	for (size_t i = 0; vlen >= 8 && i <= vlen - 8; i++)
		if (strncmp(value + i, "EXTERNAL", 8) == 0)
			return true;
	return vlen == 0;
}

static void
on_cap(struct sess_ctx *c)
{
	struct session *s = c->s;
	const char *sub = sess_param(c, 1), *list = sess_last_param(c);
	bool ack = strcmp(sub, "ACK") == 0;

	if (strcmp(sub, "LS") == 0 || ack) {
		for (const char *p = list; *p != '\0';) {
			size_t n = strcspn(p, " "), vlen;
			/* "-name" in an ACK turns a capability off. */
			bool off = ack && *p == '-';
			const char *value;
			int i = wanted_cap(p + off, n - off, &value, &vlen);
			if (i >= 0 && !ack && cap_usable(s, wanted_caps[i].bit, value, vlen))
				s->caps_offered |= 1u << i;
			else if (i >= 0 && ack && off)
				s->caps &= ~wanted_caps[i].bit;
			else if (i >= 0 && ack)
				s->caps |= wanted_caps[i].bit;
			p += n;
			p += strspn(p, " ");
		}
	}
	if (strcmp(sub, "LS") == 0) {
		/* "CAP * LS * :a b" continues; "CAP * LS :a b" is the last line. */
		bool more = c->m->nparams > 3 && strcmp(sess_param(c, 2), "*") == 0;
		if (more || s->state != SESS_REGISTERING)
			return;
		char req[256] = "";
		unsigned asked = 0;
		size_t o = 0;
		for (int i = 0; i < NWANTED; i++) {
			if ((s->caps_offered & (1u << i)) && !(asked & wanted_caps[i].bit)) {
				asked |= wanted_caps[i].bit;
				o += (size_t)snprintf(req + o, sizeof req - o, "%s%s", o ? " " : "",
				    wanted_caps[i].name);
			}
		}
		if (asked != 0)
			sess_send(s, "CAP REQ :%s", req);
		else
			sess_send(s, "CAP END");
	} else if (ack && (s->caps & SESS_CAP_SASL) && !s->sasl_pending &&
	    s->state == SESS_REGISTERING) {
		/* Registration waits for the login (903 or 904). */
		s->sasl_pending = true;
		sess_send(s, "AUTHENTICATE EXTERNAL");
	} else if (ack || strcmp(sub, "NAK") == 0) {
		if (s->state == SESS_REGISTERING)
			sess_send(s, "CAP END");
	}
}

static void
on_authenticate(struct sess_ctx *c)
{
	/* EXTERNAL: the certificate says who we are; "+" asks for the account it belongs to. */
	if (c->s->sasl_pending && strcmp(sess_param(c, 0), "+") == 0)
		sess_send(c->s, "AUTHENTICATE +");
}

/* Someone logged in or out (account-notify): the users pane shows it. */
static void
on_account(struct sess_ctx *c)
{
	struct session *s = c->s;
	bool in = strcmp(sess_param(c, 0), "*") != 0 && sess_param(c, 0)[0] != '\0';

	if (c->self)
		str_copy(s->account, in ? sess_param(c, 0) : "", sizeof s->account);
	for (int i = 0; i < s->nchans; i++) {
		struct sess_member *m = chan_member_find(&s->chans[i], c->nick);
		if (m != NULL)
			m->account = in;
	}
	s->seq++;
}

static void
on_ping(struct sess_ctx *c)
{
	sess_send(c->s, "PONG :%s", sess_last_param(c));
}

static void
on_pong(struct sess_ctx *c)
{
	struct session *s = c->s;
	if (s->ping_sent_at != 0 && strcmp(sess_last_param(c), LAG_TOKEN) == 0) {
		s->lag_ms = c->now - s->ping_sent_at;
		s->ping_sent_at = 0;
		s->seq++;
	}
}

static void
on_message(struct sess_ctx *c)
{
	on_privmsg(c, false);
}

static void
on_notice(struct sess_ctx *c)
{
	on_privmsg(c, true);
}

static void
on_batch(struct sess_ctx *c)
{
	sess_hist_batch(c->s, c->m);
}

static void
on_fail(struct sess_ctx *c)
{
	sess_hist_fail(c->s, c->m);
}

static void
on_error(struct sess_ctx *c)
{
	str_copy(c->s->reason, sess_last_param(c), sizeof c->s->reason);
	sess_say_in(c, SB_ERROR, 0, NULL, NULL, sess_last_param(c));
	c->s->want_close = true;
}

/* Server commands the client acts on; numerics go to on_numeric. */
static const struct {
	const char *name;
	void (*fn)(struct sess_ctx *);
} handlers[] = {
	{ "PRIVMSG", on_message },
	{ "NOTICE", on_notice },
	{ "PING", on_ping },
	{ "PONG", on_pong },
	{ "JOIN", on_join },
	{ "PART", on_part },
	{ "KICK", on_kick },
	{ "QUIT", on_quit },
	{ "NICK", on_nick },
	{ "TOPIC", on_topic },
	{ "MODE", on_mode },
	{ "INVITE", on_invite },
	{ "WALLOPS", on_wallops },
	{ "CAP", on_cap },
	{ "AUTHENTICATE", on_authenticate },
	{ "ACCOUNT", on_account },
	{ "ERROR", on_error },
	{ "BATCH", on_batch },
	{ "FAIL", on_fail },
};

void
sess_feed(struct session *s, char *line, int64_t now, time_t wall)
{
	struct irc_msg m;
	struct sess_ctx c = { 0 };

	if (s->wire != NULL) {
		/* An echo of what we sent NickServ, say: shown without the password. */
		size_t n = strlen(line);
		const char *shown = line;
		char buf[IRC_LINE_MAX];
		if (redact_cut(line, n) < n) {
			redact_line(line, n, buf, sizeof buf);
			shown = buf;
		}
		sb_add(s->wire, wall, SB_WIRE_IN, 0, NULL, NULL, shown);
	}
	if (irc_parse(line, &m) != IRC_PARSE_OK)
		return;
	c.s = s;
	c.m = &m;
	c.now = now;
	c.t = wall;
	s->in_msgid[0] = '\0';
	s->in_ms = 0;
	char batch[CLIENT_BATCH_REF_MAX + 1] = "";
	if (m.tags != NULL) {
		int64_t ms = irc_tag_time_ms(m.tags);
		if (ms >= 0) {
			c.t = (time_t)(ms / 1000);
			s->in_ms = ms;
		}
		if (!irc_tag_get(m.tags, "msgid", s->in_msgid, sizeof s->in_msgid))
			s->in_msgid[0] = '\0';
		if (!irc_tag_get(m.tags, "batch", batch, sizeof batch))
			batch[0] = '\0';
	}
	if (m.source != NULL) {
		irc_source_nick(m.source, c.nick, sizeof c.nick);
		/* A user's source is nick!user@host; a server's (even "vm") has neither mark. */
		c.from_server = strchr(m.source, '!') == NULL && strchr(m.source, '@') == NULL;
		c.self = !c.from_server && is_us(s, c.nick);
	} else {
		c.from_server = true;
	}

	/* Said before it reached us: shown from history, nothing else about us changes. */
	if (batch[0] != '\0' &&
	    sess_hist_take(s, &m, batch, c.nick, c.self, c.t, s->in_ms, s->in_msgid)) {
		s->in_msgid[0] = '\0';
		return;
	}
	if (m.command[0] >= '0' && m.command[0] <= '9') {
		sess_on_numeric(&c, atoi(m.command));
	} else {
		for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
			if (strcmp(handlers[i].name, m.command) == 0) {
				handlers[i].fn(&c);
				break;
			}
		}
	}
	/* Lines the user adds next are not this message. */
	s->in_msgid[0] = '\0';
	s->in_ms = 0;
}
