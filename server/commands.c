#include "server/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/archive.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/plain.h"
#include "server/relay.h"
#include "server/server.h"

/* The capabilities offered; history's only while the server keeps it. */
static const struct {
	const char *name;
	unsigned bit;
	bool history;
} caps[] = {
	{ "server-time", CAP_SERVER_TIME, false },
	{ "echo-message", CAP_ECHO_MESSAGE, false },
	{ "message-tags", CAP_MESSAGE_TAGS, false },
	{ "batch", CAP_BATCH, false },
	{ "draft/chathistory", CAP_CHATHISTORY, true },
	{ "draft/event-playback", CAP_EVENT_PLAYBACK, true },
};
enum { NCAPS = sizeof caps / sizeof caps[0] };

/* The names of the offered capabilities in mask (all offered: ~0u), space-separated. */
static void
cap_names(unsigned mask, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < NCAPS; i++) {
		if (!(mask & caps[i].bit) || (caps[i].history && !arc_on()))
			continue;
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? " " : "", caps[i].name);
		if (n >= cap)
			break;
	}
}

struct command {
	const char *name;
	void (*fn)(struct conn *, struct irc_msg *);
	int min_params;
	bool needs_reg;
};

/*
 * A parameter echoed in an error reply must be one word, or the reply gains parameters:
 * "NICK :a b" is answered about "a", and an empty one as "*".
 */
static const char *
word(const char *p, char *buf, size_t cap)
{
	size_t n = strcspn(p, " ");
	if (n == 0)
		return "*";
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static void
prefix_of(const struct conn *c, char *buf)
{
	conn_prefix(c, buf, CONN_PREFIX_LEN);
}

int
cmd_check_nick(struct conn *c, const char *nick)
{
	struct conn *other;
	if (nick[0] == '\0')
		return 431;
	if (!irc_valid_nick(nick))
		return 432;
	other = srv_find_nick(nick);
	if (other != NULL && other != c)
		return 433;
	return 0;
}

static void
cmd_motd(struct conn *c)
{
	if (srv.motd_lines == 0) {
		conn_reply(c, "422", ":MOTD File is missing");
		return;
	}
	conn_reply(c, "375", ":- %s Message of the day - ", srv.cfg.name);
	for (int i = 0; i < srv.motd_lines; i++)
		conn_reply(c, "372", ":- %s", srv.motd[i]);
	conn_reply(c, "376", ":End of /MOTD command.");
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
send_lusers(struct conn *c)
{
	size_t unknown = srv.nconns - srv.nusers, visible = srv.nusers - srv.ninvisible;

	/* Counted as modes change, not scanned: every registration sends LUSERS. */
	conn_reply(c, "251", ":There %s %zu %s and %zu invisible on 1 server",
	    plural(visible, "is", "are"), visible, plural(visible, "user", "users"),
	    srv.ninvisible);
	conn_reply(c, "252", "0 :operator(s) online");
	conn_reply(c, "253", "%zu :unknown connection(s)", unknown);
	conn_reply(c, "254", "%zu :%s formed", srv.channels.len,
	    plural(srv.channels.len, "channel", "channels"));
	conn_reply(c, "255", ":I have %zu %s and 0 servers", srv.nusers,
	    plural(srv.nusers, "client", "clients"));
}

/*
 * 005: only what the server does. No channel operators or voice (PREFIX is empty), so no
 * KICK; the ban list exists and is always empty.
 */
static void
send_isupport(struct conn *c)
{
	conn_reply(c, "005",
	    "AWAYLEN=%d CASEMAPPING=ascii CHANLIMIT=#:%d CHANMODES=b,,,n CHANNELLEN=%d "
	    "CHANTYPES=# HOSTLEN=%d LINELEN=%d :are supported by this server",
	    AWAY_LEN, CHANNELS_PER_CLIENT, CHANNEL_LEN, HOST_LEN, IRC_LINE_MAX);
	conn_reply(c, "005",
	    "MAXTARGETS=%d NETWORK=lanchat NICKLEN=%d PREFIX= "
	    "TARGMAX=PRIVMSG:%d,NOTICE:%d,JOIN:%d,PART:%d TOPICLEN=%d USERLEN=%d "
	    ":are supported by this server",
	    TARGETS_MAX, NICK_LEN, TARGETS_MAX, TARGETS_MAX, TARGETS_MAX, TARGETS_MAX, TOPIC_LEN,
	    USER_LEN);
	if (arc_on())
		conn_reply(c, "005",
		    "CHATHISTORY=%d MSGREFTYPES=timestamp,msgid :are supported by this server",
		    CHATHISTORY_MAX);
}

static void
try_register(struct conn *c)
{
	char pfx[CONN_PREFIX_LEN];

	if (c->registered || c->cap_held || !c->got_user || c->nick[0] == '\0')
		return;
	c->registered = true;
	srv.nusers++;
	srv.stats.registered++;
	prefix_of(c, pfx);
	log_info("register #%u %s (irc) from %s", c->id, pfx, c->host);
	conn_reply(c, "001", ":Welcome to the lanchat network, %s", pfx);
	conn_reply(c, "002", ":Your host is %s, running version lanchat-%s", srv.cfg.name,
	    LANCHAT_VERSION);
	conn_reply(c, "003", ":This server was created %s", srv.created);
	conn_reply(c, "004", "%s lanchat-%s i bn", srv.cfg.name, LANCHAT_VERSION);
	send_isupport(c);
	send_lusers(c);
	cmd_motd(c);
}

static void
h_cap(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	char sub[16];
	str_copy(sub, m->params[0], sizeof sub);
	irc_upper(sub);

	char names[256];

	if (strcmp(sub, "LS") == 0) {
		if (!c->registered)
			c->cap_held = true;
		cap_names(~0u, names, sizeof names);
		conn_printf(c, ":%s CAP %s LS :%s", srv.cfg.name, conn_nick(c), names);
	} else if (strcmp(sub, "LIST") == 0) {
		cap_names(c->caps, names, sizeof names);
		conn_printf(c, ":%s CAP %s LIST :%s", srv.cfg.name, conn_nick(c), names);
	} else if (strcmp(sub, "REQ") == 0) {
		char req[IRC_LINE_MAX], *save = NULL;
		unsigned set = c->caps;
		bool ok = m->nparams >= 2;

		if (!c->registered)
			c->cap_held = true;
		str_copy(req, ok ? m->params[1] : "", sizeof req);
		for (char *w = strtok_r(req, " ", &save); ok && w; w = strtok_r(NULL, " ", &save)) {
			bool off = w[0] == '-';
			unsigned bit = 0;
			for (int i = 0; i < NCAPS; i++)
				if (strcmp(w + off, caps[i].name) == 0 && (!caps[i].history || arc_on()))
					bit = caps[i].bit;
			ok = bit != 0;
			set = off ? (set & ~bit) : (set | bit);
		}
		if (ok)
			c->caps = set;
		conn_printf(c, ":%s CAP %s %s :%s", srv.cfg.name, conn_nick(c), ok ? "ACK" : "NAK",
		    m->nparams >= 2 ? m->params[1] : "");
	} else if (strcmp(sub, "END") == 0) {
		c->cap_held = false;
		try_register(c);
	} else {
		conn_reply(c, "410", "%s :Invalid CAP command", word(m->params[0], w, sizeof w));
	}
}

static void
h_pass(struct conn *c, struct irc_msg *m)
{
	(void)m;
	if (c->registered)
		conn_reply(c, "462", ":You may not reregister");
	/* No password is needed on a LAN server; accept and ignore one. */
}

void
cmd_change_nick(struct conn *c, const char *nick)
{
	char pfx[CONN_PREFIX_LEN], old[NICK_LEN + 1];
	struct relay_event ev = { .kind = EV_NICK, .from = c, .text = nick };

	if (strcmp(c->nick, nick) == 0)
		return;
	prefix_of(c, pfx);
	str_copy(old, c->nick, sizeof old);
	ev.from_prefix = pfx;
	ev.from_nick = old;
	arc_peers(&ev, c, true);
	conn_set_nick(c, nick);
	log_info("nick #%u %s -> %s", c->id, old, nick);
}

static void
h_nick(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	const char *nick = m->nparams > 0 ? m->params[0] : "";
	int err = cmd_check_nick(c, nick);

	if (err == 431)
		conn_reply(c, "431", ":No nickname given");
	else if (err == 432)
		conn_reply(c, "432", "%s :Erroneous nickname", word(nick, w, sizeof w));
	else if (err == 433)
		conn_reply(c, "433", "%s :Nickname is already in use", nick);
	else if (c->registered)
		cmd_change_nick(c, nick);
	else {
		conn_set_nick(c, nick);
		try_register(c);
	}
}

static void
h_user(struct conn *c, struct irc_msg *m)
{
	if (c->registered || c->got_user) {
		conn_reply(c, "462", ":You may not reregister");
		return;
	}
	/* Keep only characters that are safe inside nick!user@host. */
	size_t o = 0;
	for (const char *p = m->params[0]; *p && o < USER_LEN; p++)
		if (*p > ' ' && *p != '@' && *p != '!' && *p != ':' && (unsigned char)*p < 0x7f)
			c->user[o++] = *p;
	c->user[o] = '\0';
	if (o == 0)
		str_copy(c->user, "user", sizeof c->user);
	size_t rn = san_utf8_cut(m->params[3], strlen(m->params[3]), REALNAME_LEN);
	memcpy(c->realname, m->params[3], rn);
	c->realname[rn] = '\0';
	c->got_user = true;
	try_register(c);
}

static void
h_ping(struct conn *c, struct irc_msg *m)
{
	if (m->nparams == 0 || m->params[0][0] == '\0') {
		conn_reply(c, "409", ":No origin specified");
		return;
	}
	conn_printf(c, ":%s PONG %s :%s", srv.cfg.name, srv.cfg.name, m->params[0]);
}

static void
h_pong(struct conn *c, struct irc_msg *m)
{
	(void)m;
	if (c->ping_sent_ms != 0) {
		c->lag_ms = (int)(srv.now_ms - c->ping_sent_ms);
		c->ping_sent_ms = 0;
		c->ping_done_ms = srv.now_ms;
	}
}

static void
h_quit(struct conn *c, struct irc_msg *m)
{
	const char *why = m->nparams > 0 && m->params[0][0] ? m->params[0] : "Client quit";
	conn_close_link(c, "Quit: %.100s", why);
}

static bool
shares_channel(const struct conn *a, const struct conn *b)
{
	for (int i = 0; i < a->nchans; i++)
		if (conn_in_channel(b, a->chans[i]))
			return true;
	return false;
}

/* User mode +i: seen only by people who share a channel with u (RFC 2812 3.2.5, 3.6.1). */
static bool
visible_to(const struct conn *c, const struct conn *u)
{
	return !u->invisible || u == c || shares_channel(c, u);
}

static void
cmd_send_names(struct conn *c, struct channel *ch)
{
	char head[CHANNEL_LEN + 8], buf[IRC_LINE_MAX];
	size_t len = 0, limit = IRC_LINE_BODY - 80 - strlen(srv.cfg.name) - strlen(conn_nick(c));

	snprintf(head, sizeof head, "= %s :", ch->name);
	for (size_t i = 0; i < ch->nmembers; i++) {
		const char *nick = ch->members[i]->nick;
		size_t n = strlen(nick);
		if (!visible_to(c, ch->members[i]))
			continue;
		if (len > 0 && len + n + 1 > limit) {
			conn_reply(c, "353", "%s%s", head, buf);
			len = 0;
		}
		if (len > 0)
			buf[len++] = ' ';
		memcpy(buf + len, nick, n);
		len += n;
		buf[len] = '\0';
	}
	if (len > 0)
		conn_reply(c, "353", "%s%s", head, buf);
	conn_reply(c, "366", "%s :End of /NAMES list.", ch->name);
}

static void
send_topic(struct conn *c, struct channel *ch, bool say_none)
{
	if (ch->topic == NULL) {
		if (say_none)
			conn_reply(c, "331", "%s :No topic is set", ch->name);
		return;
	}
	conn_reply(c, "332", "%s :%s", ch->name, ch->topic);
	conn_reply(c, "333", "%s %s %lld", ch->name, ch->topic_by, (long long)ch->topic_at);
}

int
cmd_join(struct conn *c, const char *name)
{
	char pfx[CONN_PREFIX_LEN];
	int err;
	struct channel *ch = chan_join(c, name, &err);

	if (ch == NULL || err != 0)
		return err;
	prefix_of(c, pfx);
	struct relay_event ev = { .kind = EV_JOIN,
		.from = c,
		.from_prefix = pfx,
		.from_nick = c->nick,
		.target = ch->name };
	/* A channel that comes back gets its stored topic before anyone sees it. */
	if (ch->nmembers == 1)
		arc_channel_restore(ch);
	arc_channel(&ev, ch, true);
	if (c->mode == CONN_IRC) {
		send_topic(c, ch, false);
		cmd_send_names(c, ch);
		arc_replay_join(c, ch);
	}
	return 0;
}

static void
part_channel(struct conn *c, struct channel *ch, const char *reason)
{
	char pfx[CONN_PREFIX_LEN];
	prefix_of(c, pfx);
	struct relay_event ev = { .kind = EV_PART,
		.from = c,
		.from_prefix = pfx,
		.from_nick = c->nick,
		.target = ch->name,
		.text = reason };
	arc_channel(&ev, ch, true);
	chan_remove(c, ch);
}

static void
h_join(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	char list[IRC_LINE_MAX], *save = NULL;
	int n = 0;

	if (strcmp(m->params[0], "0") == 0) {
		while (c->nchans > 0)
			part_channel(c, c->chans[c->nchans - 1], "Left all channels");
		return;
	}
	str_copy(list, m->params[0], sizeof list);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (++n > TARGETS_MAX) {
			conn_reply(c, "407", "%s :Too many targets", word(name, w, sizeof w));
			break;
		}
		int err = cmd_join(c, name);
		if (err == 403)
			conn_reply(c, "403", "%s :No such channel", word(name, w, sizeof w));
		else if (err == 479)
			conn_reply(c, "479", "%s :Illegal channel name", word(name, w, sizeof w));
		else if (err == 405)
			conn_reply(c, "405", "%s :You have joined too many channels",
			    word(name, w, sizeof w));
	}
}

static void
h_part(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	char list[IRC_LINE_MAX], *save = NULL;
	const char *reason = m->nparams > 1 ? m->params[1] : NULL;

	str_copy(list, m->params[0], sizeof list);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		struct channel *ch = srv_find_channel(name);
		if (ch == NULL)
			conn_reply(c, "403", "%s :No such channel", word(name, w, sizeof w));
		else if (!conn_in_channel(c, ch))
			conn_reply(c, "442", "%s :You're not on that channel", ch->name);
		else
			part_channel(c, ch, reason);
	}
}

static void
h_names(struct conn *c, struct irc_msg *m)
{
	char list[IRC_LINE_MAX], *save = NULL;

	if (m->nparams == 0) {
		for (int i = 0; i < c->nchans; i++)
			cmd_send_names(c, c->chans[i]);
		if (c->nchans == 0)
			conn_reply(c, "366", "* :End of /NAMES list.");
		return;
	}
	str_copy(list, m->params[0], sizeof list);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		struct channel *ch = srv_find_channel(name);
		if (ch != NULL)
			cmd_send_names(c, ch);
		else
			conn_reply(c, "366", "%s :End of /NAMES list.", name);
	}
}

static void
h_topic(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	char pfx[CONN_PREFIX_LEN];
	struct channel *ch = srv_find_channel(m->params[0]);

	if (ch == NULL) {
		conn_reply(c, "403", "%s :No such channel", word(m->params[0], w, sizeof w));
		return;
	}
	if (m->nparams < 2) {
		send_topic(c, ch, true);
		return;
	}
	if (!conn_in_channel(c, ch)) {
		conn_reply(c, "442", "%s :You're not on that channel", ch->name);
		return;
	}
	chan_set_topic(ch, c, m->params[1]);
	prefix_of(c, pfx);
	struct relay_event ev = { .kind = EV_TOPIC,
		.from = c,
		.from_prefix = pfx,
		.from_nick = c->nick,
		.target = ch->name,
		.text = ch->topic ? ch->topic : "" };
	arc_channel(&ev, ch, true);
	arc_channel_save(ch);
}

int
cmd_message(struct conn *c, const char *target, const char *text, bool notice)
{
	char pfx[CONN_PREFIX_LEN];
	struct relay_event ev = { .kind = notice ? EV_NOTICE : EV_PRIVMSG,
		.from = c,
		.from_nick = c->nick,
		.text = text };

	prefix_of(c, pfx);
	ev.from_prefix = pfx;
	if (irc_is_channel(target)) {
		struct channel *ch = srv_find_channel(target);
		if (ch == NULL)
			return 401;
		if (!conn_in_channel(c, ch))
			return 404;
		ev.target = ch->name;
		arc_channel(&ev, ch, false);
		return 0;
	}
	struct conn *to = srv_find_nick(target);
	if (to == NULL || !to->registered)
		return 401;
	ev.target = to->nick;
	arc_stamp(&ev); /* private messages are not kept, but carry a msgid */
	relay_one(&ev, to);
	if (c->caps & CAP_ECHO_MESSAGE && to != c)
		relay_one(&ev, c);
	if (!notice && to->away != NULL) {
		if (c->mode == CONN_PLAIN) {
			char away[AWAY_LEN * 4 + 1];
			san_text(away, sizeof away, to->away, strlen(to->away),
			    SAN_STRIP_FORMAT | SAN_ONE_SPACE);
			conn_notice(c, "%s is away: %s", to->nick, away);
		} else
			conn_reply(c, "301", "%s :%s", to->nick, to->away);
	}
	return 0;
}

/*
 * A line may be 510 bytes, but relayed it also carries ":nick!~user@host PRIVMSG target :",
 * and a cut line would lose its end without anyone knowing. So text goes out in as many
 * messages as it takes; pieces end at a space where one is near, never inside a UTF-8
 * character, and the next piece starts after the spaces it was split at.
 */
enum { SAY_ROOM_MIN = 16 }; /* bytes of text a piece must at least carry */

int
cmd_say(struct conn *c, const char *target, const char *text, bool notice, bool action)
{
	char pfx[CONN_PREFIX_LEN], piece[IRC_LINE_MAX];
	size_t len = strlen(text), room, head;
	int err = 0;

	prefix_of(c, pfx);
	head = 1 + strlen(pfx) + strlen(" PRIVMSG ") + strlen(target) + strlen(" :") +
	    (action ? strlen("\001ACTION \001") : 0);
	/* Real targets are short; an absurd one can leave no room and is no nick anyway. */
	room = head + SAY_ROOM_MIN < IRC_LINE_BODY ? IRC_LINE_BODY - head : 0;
	if (room == 0)
		return 401;
	while (err == 0 && len > 0) {
		size_t n = san_utf8_cut(text, len, room);

		if (n == 0)
			break;
		if (n < len) {
			size_t sp = n;
			while (sp > n / 2 && text[sp] != ' ')
				sp--;
			if (text[sp] == ' ')
				n = sp;
		}
		if (action)
			snprintf(piece, sizeof piece, "\001ACTION %.*s\001", (int)n, text);
		else
			snprintf(piece, sizeof piece, "%.*s", (int)n, text);
		err = cmd_message(c, target, piece, notice);
		text += n;
		len -= n;
		while (len > 0 && *text == ' ')
			text++, len--;
	}
	return err;
}

/* Text from an IRC client: an ACTION is split as one, any other CTCP is sent as it is. */
static int
say_irc(struct conn *c, const char *target, const char *text, bool notice)
{
	char act[IRC_LINE_MAX];
	size_t len;

	if (irc_is_action(text)) {
		str_copy(act, text + strlen("\001ACTION"), sizeof act);
		len = strlen(act);
		if (len > 0 && act[len - 1] == '\001')
			act[--len] = '\0';
		if (act[act[0] == ' '] == '\0')
			return cmd_message(c, target, text, notice); /* an empty action */
		return cmd_say(c, target, act + (act[0] == ' '), notice, true);
	}
	if (irc_is_ctcp(text))
		return cmd_message(c, target, text, notice);
	return cmd_say(c, target, text, notice, false);
}

static void
message(struct conn *c, struct irc_msg *m, bool notice)
{
	char w[IRC_LINE_MAX];
	char list[IRC_LINE_MAX], *save = NULL;
	const char *cmd = notice ? "NOTICE" : "PRIVMSG";
	const void *sent[TARGETS_MAX];
	int n = 0, nsent = 0;

	if (m->nparams == 0 || m->params[0][0] == '\0') {
		if (!notice)
			conn_reply(c, "411", ":No recipient given (%s)", cmd);
		return;
	}
	if (m->nparams < 2 || m->params[1][0] == '\0') {
		if (!notice)
			conn_reply(c, "412", ":No text to send");
		return;
	}
	str_copy(list, m->params[0], sizeof list);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (++n > TARGETS_MAX) {
			if (!notice)
				conn_reply(
				    c, "407", "%s :Too many recipients", word(t, w, sizeof w));
			break;
		}
		/* "#lan,#lan,#LAN" is one target: one copy each, not one per mention. */
		const void *to = irc_is_channel(t) ? (const void *)srv_find_channel(t)
		                                   : (const void *)srv_find_nick(t);
		bool again = false;
		for (int i = 0; to != NULL && i < nsent; i++)
			again |= sent[i] == to;
		if (again)
			continue;
		if (to != NULL)
			sent[nsent++] = to;
		int err = say_irc(c, t, m->params[1], notice);
		if (notice)
			continue; /* never an automatic reply to a NOTICE */
		if (err == 401)
			conn_reply(c, "401", "%s :No such nick/channel", word(t, w, sizeof w));
		else if (err == 404)
			conn_reply(c, "404", "%s :Cannot send to channel", t);
	}
}

static void
h_privmsg(struct conn *c, struct irc_msg *m)
{
	message(c, m, false);
}

static void
h_notice(struct conn *c, struct irc_msg *m)
{
	message(c, m, true);
}

static void
h_away(struct conn *c, struct irc_msg *m)
{
	free(c->away);
	c->away = NULL;
	if (m->nparams == 0 || m->params[0][0] == '\0') {
		conn_reply(c, "305", ":You are no longer marked as being away");
		return;
	}
	size_t n = san_utf8_cut(m->params[0], strlen(m->params[0]), AWAY_LEN);
	c->away = xmalloc(n + 1);
	memcpy(c->away, m->params[0], n);
	c->away[n] = '\0';
	conn_reply(c, "306", ":You have been marked as being away");
}

static void
who_row(struct conn *c, const char *chan, const struct conn *u)
{
	conn_reply(c, "352", "%s ~%s %s %s %s %c :0 %s", chan, u->user[0] ? u->user : "plain",
	    u->host, srv.cfg.name, u->nick, u->away ? 'G' : 'H',
	    u->realname[0] ? u->realname : u->nick);
}

static void
h_who(struct conn *c, struct irc_msg *m)
{
	const char *mask = m->nparams > 0 ? m->params[0] : "*";
	int rows = 0;

	if (irc_is_channel(mask)) {
		struct channel *ch = srv_find_channel(mask);
		for (size_t i = 0; ch != NULL && i < ch->nmembers && rows < WHO_REPLIES_MAX; i++) {
			if (visible_to(c, ch->members[i])) {
				who_row(c, ch->name, ch->members[i]);
				rows++;
			}
		}
	} else if (strcmp(mask, "*") == 0 || strcmp(mask, "0") == 0) {
		for (size_t i = 0; i < srv.nconns && rows < WHO_REPLIES_MAX; i++) {
			struct conn *u = srv.conns[i];
			if (u->registered && !u->dead && visible_to(c, u)) {
				who_row(c, u->nchans ? u->chans[0]->name : "*", u);
				rows++;
			}
		}
	} else {
		struct conn *u = srv_find_nick(mask);
		if (u != NULL && u->registered)
			who_row(c, u->nchans ? u->chans[0]->name : "*", u);
	}
	conn_reply(c, "315", "%s :End of WHO list", mask);
}

static void
h_whois(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	/* "WHOIS server nick" asks a given server; there is only this one. */
	const char *nick = m->params[m->nparams - 1];
	struct conn *u = srv_find_nick(nick);

	if (u == NULL || !u->registered) {
		conn_reply(c, "401", "%s :No such nick/channel", word(nick, w, sizeof w));
		conn_reply(c, "318", "%s :End of /WHOIS list.", word(nick, w, sizeof w));
		return;
	}
	conn_reply(c, "311", "%s ~%s %s * :%s", u->nick, u->user[0] ? u->user : "plain", u->host,
	    u->realname[0] ? u->realname : u->nick);
	if (u->nchans > 0) {
		char buf[IRC_LINE_MAX];
		size_t len = 0;
		for (int i = 0; i < u->nchans && len + CHANNEL_LEN + 2 < 400; i++)
			len += (size_t)snprintf(
			    buf + len, sizeof buf - len, "%s%s", len ? " " : "", u->chans[i]->name);
		conn_reply(c, "319", "%s :%s", u->nick, buf);
	}
	conn_reply(c, "312", "%s %s :lanchat LAN server", u->nick, srv.cfg.name);
	if (u->away != NULL)
		conn_reply(c, "301", "%s :%s", u->nick, u->away);
	conn_reply(c, "317", "%s %lld %lld :seconds idle, signon time", u->nick,
	    (long long)((srv.now_ms - u->last_rx_ms) / 1000),
	    (long long)(time(NULL) - (srv.now_ms - u->connected_ms) / 1000));
	conn_reply(c, "318", "%s :End of /WHOIS list.", u->nick);
}

static void
h_list(struct conn *c, struct irc_msg *m)
{
	size_t pos = 0;
	struct channel *ch;
	int rows = 0;

	conn_reply(c, "321", "Channel :Users  Name");
	if (m->nparams > 0 && m->params[0][0] != '\0') {
		char list[IRC_LINE_MAX], *save = NULL;
		str_copy(list, m->params[0], sizeof list);
		for (char *name = strtok_r(list, ",", &save); name;
		     name = strtok_r(NULL, ",", &save))
			if ((ch = srv_find_channel(name)) != NULL)
				conn_reply(c, "322", "%s %zu :%s", ch->name, ch->nmembers,
				    ch->topic ? ch->topic : "");
	} else {
		while ((ch = hmap_next(&srv.channels, &pos)) != NULL && rows++ < WHO_REPLIES_MAX)
			conn_reply(c, "322", "%s %zu :%s", ch->name, ch->nmembers,
			    ch->topic ? ch->topic : "");
	}
	conn_reply(c, "323", ":End of /LIST");
}

static void
h_lusers(struct conn *c, struct irc_msg *m)
{
	(void)m;
	send_lusers(c);
}

static void
h_motd(struct conn *c, struct irc_msg *m)
{
	(void)m;
	cmd_motd(c);
}

static void
h_mode(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	const char *target = m->params[0];
	const char *modes = m->nparams > 1 ? m->params[1] : NULL;

	if (irc_is_channel(target)) {
		struct channel *ch = srv_find_channel(target);
		if (ch == NULL)
			conn_reply(c, "403", "%s :No such channel", word(target, w, sizeof w));
		else if (modes == NULL) {
			conn_reply(c, "324", "%s +n", ch->name);
			conn_reply(c, "329", "%s %lld", ch->name, (long long)ch->created);
		} else if ((strcmp(modes, "b") == 0 || strcmp(modes, "+b") == 0) &&
		    m->nparams == 2)
			conn_reply(c, "368", "%s :End of channel ban list", ch->name);
		else if (strspn(modes, "+-bn") != strlen(modes))
			conn_reply(c, "472", "%c :is unknown mode char to me",
			    modes[strspn(modes, "+-bn")]);
		else
			conn_reply(c, "482", "%s :You're not channel operator", ch->name);
		return;
	}
	if (irc_casecmp(target, c->nick) != 0) {
		conn_reply(c, "502", ":Can't change mode for other users");
		return;
	}
	if (modes == NULL) {
		conn_reply(c, "221", c->invisible ? "+i" : "+");
		return;
	}
	if (strspn(modes, "+-i") != strlen(modes)) {
		conn_reply(c, "501", ":Unknown MODE flag");
		return;
	}
	/* The last sign before an 'i' wins; the change is echoed only if there was one. */
	bool want = c->invisible, plus = true;
	for (const char *p = modes; *p != '\0'; p++) {
		if (*p == '+' || *p == '-')
			plus = *p == '+';
		else
			want = plus;
	}
	if (want != c->invisible) {
		char pfx[CONN_PREFIX_LEN];
		c->invisible = want;
		if (want)
			srv.ninvisible++;
		else
			srv.ninvisible--;
		prefix_of(c, pfx);
		conn_printf(c, ":%s MODE %s :%ci", pfx, c->nick, want ? '+' : '-');
	}
}

static void
h_version(struct conn *c, struct irc_msg *m)
{
	(void)m;
	conn_reply(c, "351", "lanchat-%s. %s :poll() LAN chat server", LANCHAT_VERSION,
	    srv.cfg.name);
	send_isupport(c);
}

static void
h_time(struct conn *c, struct irc_msg *m)
{
	char buf[64];
	time_t now = time(NULL);
	struct tm tm;

	(void)m;
	localtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%A %B %d %Y -- %H:%M:%S %z", &tm);
	conn_reply(c, "391", "%s :%s", srv.cfg.name, buf);
}

static void
h_ison(struct conn *c, struct irc_msg *m)
{
	char buf[IRC_LINE_MAX];
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < m->nparams; i++) {
		char list[IRC_LINE_MAX], *save = NULL;
		str_copy(list, m->params[i], sizeof list);
		for (char *n = strtok_r(list, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
			struct conn *u = srv_find_nick(n);
			if (u != NULL && u->registered && len + strlen(u->nick) + 2 < 400)
				len += (size_t)snprintf(
				    buf + len, sizeof buf - len, "%s%s", len ? " " : "", u->nick);
		}
	}
	conn_reply(c, "303", ":%s", buf);
}

static void
h_userhost(struct conn *c, struct irc_msg *m)
{
	char buf[IRC_LINE_MAX];
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < m->nparams && i < 5; i++) {
		struct conn *u = srv_find_nick(m->params[i]);
		if (u != NULL && u->registered)
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s=%c~%s@%s",
			    len ? " " : "", u->nick, u->away ? '-' : '+',
			    u->user[0] ? u->user : "plain", u->host);
	}
	conn_reply(c, "302", ":%s", buf);
}

static void
h_chathistory(struct conn *c, struct irc_msg *m)
{
	arc_chathistory(c, m->nparams, m->params);
}

/* Client-only tags (typing notices) are not relayed: accepted and dropped without a word. */
static void
h_tagmsg(struct conn *c, struct irc_msg *m)
{
	(void)c;
	(void)m;
}

/* Hot commands first: the table is short and searched in order. */
static const struct command commands[] = {
	{ "PRIVMSG", h_privmsg, 0, true },
	{ "NOTICE", h_notice, 0, true },
	{ "PING", h_ping, 0, false },
	{ "PONG", h_pong, 0, false },
	{ "JOIN", h_join, 1, true },
	{ "PART", h_part, 1, true },
	{ "NICK", h_nick, 0, false },
	{ "USER", h_user, 4, false },
	{ "CAP", h_cap, 1, false },
	{ "PASS", h_pass, 1, false },
	{ "QUIT", h_quit, 0, false },
	{ "NAMES", h_names, 0, true },
	{ "TOPIC", h_topic, 1, true },
	{ "AWAY", h_away, 0, true },
	{ "WHO", h_who, 0, true },
	{ "WHOIS", h_whois, 1, true },
	{ "LIST", h_list, 0, true },
	{ "LUSERS", h_lusers, 0, true },
	{ "MOTD", h_motd, 0, true },
	{ "MODE", h_mode, 1, true },
	{ "ISON", h_ison, 1, true },
	{ "VERSION", h_version, 0, true },
	{ "TIME", h_time, 0, true },
	{ "USERHOST", h_userhost, 1, true },
	{ "CHATHISTORY", h_chathistory, 0, true },
	{ "TAGMSG", h_tagmsg, 1, true },
};

/*
 * What an undecided connection's first line says about it. A person at nc does not type
 * IRCv3 tags, a ":source" or a password as a first line, so those start IRC mode whatever
 * their case; a lowercase command counts only in the exact shape a client sends, so that
 * "pass the salt please" or "nick is late again" stay chat. Only the shape counts: a NICK
 * that is not a valid nick still gets its 432 as an IRC client.
 */
enum irc_start { START_CHAT = 0, START_REGISTER, START_OTHER };

static enum irc_start
irc_start_kind(const char *line)
{
	char buf[IRC_LINE_MAX + 1], cmd[16];
	struct irc_msg m;
	bool upper, marked;

	str_copy(buf, line, sizeof buf);
	if (irc_parse(buf, &m) != IRC_PARSE_OK || strlen(m.command) >= sizeof cmd)
		return START_CHAT;
	str_copy(cmd, m.command, sizeof cmd);
	irc_upper(cmd);
	upper = strcmp(cmd, m.command) == 0;
	marked = m.tags != NULL || m.source != NULL; /* nobody types these by hand */
	if (strcmp(cmd, "CAP") == 0) {
		char sub[8];
		str_copy(sub, m.nparams >= 1 ? m.params[0] : "", sizeof sub);
		irc_upper(sub);
		/* A lone CAP subcommand is IRC even when unknown here (it gets 410). */
		return (m.nparams == 1 && (upper || marked)) || strcmp(sub, "LS") == 0 ||
		        strcmp(sub, "REQ") == 0 || strcmp(sub, "END") == 0 ||
		        strcmp(sub, "LIST") == 0
		    ? START_REGISTER
		    : START_CHAT;
	}
	if (strcmp(cmd, "PASS") == 0)
		/* "PASS a b" is an IRC password with a space; "pass the salt" is chat. */
		return m.nparams == 1 || (m.nparams == 2 && (upper || marked)) ? START_REGISTER
		                                                                : START_CHAT;
	if (strcmp(cmd, "NICK") == 0)
		/* RFC 1459 allowed a hop count after the nick. */
		return m.nparams == 1 ||
		        (m.nparams == 2 && strspn(m.params[1], "0123456789") == strlen(m.params[1]))
		    ? START_REGISTER
		    : START_CHAT;
	if (strcmp(cmd, "USER") == 0)
		return m.nparams == 4 || (m.nparams > 4 && (upper || marked)) ? START_REGISTER
		                                                              : START_CHAT;
	if (!upper && !marked)
		return START_CHAT;
	if (strcmp(cmd, "PING") == 0)
		return m.nparams == 1 ? START_OTHER : START_CHAT;
	if (strcmp(cmd, "QUIT") == 0)
		return m.nparams <= 1 ? START_OTHER : START_CHAT;
	return START_CHAT;
}

void
cmd_line(struct conn *c, char *line)
{
	struct irc_msg m;

	if (c->mode == CONN_UNKNOWN) {
		if (irc_start_kind(line) != START_CHAT)
			c->mode = CONN_IRC;
		else
			plain_start(c);
	} else if (c->mode == CONN_PLAIN && !c->plain_spoke &&
	    irc_start_kind(line) == START_REGISTER) {
		/*
		 * An IRC client that was slow to speak (or whose first line was too long) was
		 * taken for a person: it said nothing yet, so let it register after all.
		 */
		plain_stop(c);
		c->mode = CONN_IRC;
	}
	if (c->mode == CONN_PLAIN) {
		plain_line(c, line);
		return;
	}
	switch (irc_parse(line, &m)) {
	case IRC_PARSE_OK:
		break;
	case IRC_PARSE_BAD_COMMAND:
		conn_reply(c, "421", "%.32s :Unknown command", m.command);
		return;
	default:
		return;
	}
	irc_upper(m.command);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct command *cmd = &commands[i];
		if (strcmp(cmd->name, m.command) != 0)
			continue;
		if (cmd->needs_reg && !c->registered)
			conn_reply(c, "451", ":You have not registered");
		else if (m.nparams < cmd->min_params)
			conn_reply(c, "461", "%s :Not enough parameters", cmd->name);
		else
			cmd->fn(c, &m);
		return;
	}
	if (!c->registered)
		conn_reply(c, "451", ":You have not registered");
	else
		conn_reply(c, "421", "%.32s :Unknown command", m.command);
}
