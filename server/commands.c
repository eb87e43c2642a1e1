#include "server/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/actions.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/numerics.h"
#include "server/server.h"

#define CAPS_OFFERED "server-time echo-message"

enum {
	USERHOST_NICKS_MAX = 5,  /* nicks USERHOST answers for (RFC 2812 4.8) */
	REPLY_LIST_MAX = 400,    /* bytes of a space-separated list in one reply (319, 303) */
	NAMES_LINE_SLACK = 80,   /* room kept in a 353 for the prefix, numeric and nick */
	CAP_SUB_LEN = 16,        /* longest CAP subcommand kept */
	/* The parameter count of a command whose grammar takes any number. */
	PARAMS_ANY = IRC_PARAMS_MAX,
};

/*
 * One row per command, as ngIRCd's table has it: the handler, how many parameters it needs
 * and takes at most, whether the client must be registered first, and what the line costs
 * in flood tokens. Handlers return the cost of what they did beyond the row's (a PRIVMSG to
 * several targets pays for each), or 0.
 */
struct command {
	const char *name;
	int (*fn)(struct conn *, struct irc_msg *);
	int min_params;
	int max_params;
	bool needs_reg;
	int cost;
};

static void
prefix_of(const struct conn *c, char *buf)
{
	conn_prefix(c, buf, CONN_PREFIX_LEN);
}

static void
cmd_motd(struct conn *c)
{
	if (srv.motd_lines == 0) {
		num_reply(c, NUM_NO_MOTD, NULL);
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
}

static void
try_register(struct conn *c)
{
	char pfx[CONN_PREFIX_LEN];

	if (c->registered || c->cap_held || !c->got_user || c->nick[0] == '\0')
		return;
	act_register(c);
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

static int
h_cap(struct conn *c, struct irc_msg *m)
{
	char sub[CAP_SUB_LEN];
	str_copy(sub, m->params[0], sizeof sub);
	irc_upper(sub);

	if (strcmp(sub, "LS") == 0) {
		if (!c->registered)
			c->cap_held = true;
		conn_printf(c, ":%s CAP %s LS :" CAPS_OFFERED, srv.cfg.name, conn_nick(c));
	} else if (strcmp(sub, "LIST") == 0) {
		conn_printf(c, ":%s CAP %s LIST :%s%s", srv.cfg.name, conn_nick(c),
		    (c->caps & CAP_SERVER_TIME) ? "server-time " : "",
		    (c->caps & CAP_ECHO_MESSAGE) ? "echo-message" : "");
	} else if (strcmp(sub, "REQ") == 0) {
		char req[IRC_LINE_MAX], *save = NULL;
		unsigned set = c->caps;
		bool ok = m->nparams >= 2;

		if (!c->registered)
			c->cap_held = true;
		str_copy(req, ok ? m->params[1] : "", sizeof req);
		for (char *cap = strtok_r(req, " ", &save); ok && cap;
		     cap = strtok_r(NULL, " ", &save)) {
			bool off = cap[0] == '-';
			unsigned bit = 0;
			if (strcmp(cap + off, "server-time") == 0)
				bit = CAP_SERVER_TIME;
			else if (strcmp(cap + off, "echo-message") == 0)
				bit = CAP_ECHO_MESSAGE;
			else
				ok = false;
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
		num_reply(c, NUM_INVALID_CAP_CMD, m->params[0]);
	}
	return 0;
}

static int
h_pass(struct conn *c, struct irc_msg *m)
{
	(void)m;
	if (c->registered)
		num_reply(c, NUM_ALREADY_REGISTERED, NULL);
	/* No password is needed on a LAN server; accept and ignore one. */
	return 0;
}

static int
h_nick(struct conn *c, struct irc_msg *m)
{
	const char *nick = m->nparams > 0 ? m->params[0] : "";
	enum num_error err = act_check_nick(c, nick);

	if (err == NUM_NO_NICKNAME_GIVEN)
		num_reply(c, err, NULL);
	else if (err != NUM_OK)
		num_reply(c, err, nick);
	else if (c->registered)
		act_change_nick(c, nick);
	else {
		conn_set_nick(c, nick);
		try_register(c);
	}
	return 0;
}

static int
h_user(struct conn *c, struct irc_msg *m)
{
	if (c->registered || c->got_user) {
		num_reply(c, NUM_ALREADY_REGISTERED, NULL);
		return 0;
	}
	if (m->params[3][0] == '\0') {
		num_reply(c, NUM_NEED_MORE_PARAMS, "USER");
		return 0;
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
	return 0;
}

static int
h_ping(struct conn *c, struct irc_msg *m)
{
	if (m->nparams == 0 || m->params[0][0] == '\0') {
		num_reply(c, NUM_NO_ORIGIN, NULL);
		return 0;
	}
	conn_printf(c, ":%s PONG %s :%s", srv.cfg.name, srv.cfg.name, m->params[0]);
	return 0;
}

static int
h_pong(struct conn *c, struct irc_msg *m)
{
	(void)m;
	if (c->ping_sent_ms != 0) {
		c->lag_ms = (int)(srv.now_ms - c->ping_sent_ms);
		c->ping_sent_ms = 0;
		c->ping_done_ms = srv.now_ms;
	}
	return 0;
}

static int
h_quit(struct conn *c, struct irc_msg *m)
{
	act_quit(c, m->nparams > 0 ? m->params[0] : NULL);
	return 0;
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
	size_t len = 0, limit = IRC_LINE_BODY - NAMES_LINE_SLACK - strlen(srv.cfg.name) - strlen(conn_nick(c));

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

static int
h_join(struct conn *c, struct irc_msg *m)
{
	char list[IRC_LINE_MAX], *save = NULL;
	int n = 0;

	if (strcmp(m->params[0], "0") == 0) {
		act_part_all(c, "Left all channels");
		return 0;
	}
	str_copy(list, m->params[0], sizeof list);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		struct channel *ch;
		if (++n > TARGETS_MAX) {
			num_reply(c, NUM_TOO_MANY_TARGETS, name);
			break;
		}
		enum num_error err = act_join(c, name, &ch);
		if (err != NUM_OK)
			num_reply(c, err, name);
		else if (ch != NULL) {
			send_topic(c, ch, false);
			cmd_send_names(c, ch);
		}
	}
	return 0;
}

static int
h_part(struct conn *c, struct irc_msg *m)
{
	char list[IRC_LINE_MAX], *save = NULL;
	const char *reason = m->nparams > 1 ? m->params[1] : NULL;

	str_copy(list, m->params[0], sizeof list);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		enum num_error err = act_part(c, name, reason);
		if (err != NUM_OK)
			num_reply(c, err, name);
	}
	return 0;
}

static int
h_names(struct conn *c, struct irc_msg *m)
{
	char list[IRC_LINE_MAX], *save = NULL;

	if (m->nparams == 0) {
		for (int i = 0; i < c->nchans; i++)
			cmd_send_names(c, c->chans[i]);
		if (c->nchans == 0)
			conn_reply(c, "366", "* :End of /NAMES list.");
		return 0;
	}
	str_copy(list, m->params[0], sizeof list);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		struct channel *ch = srv_find_channel(name);
		if (ch != NULL)
			cmd_send_names(c, ch);
		else
			conn_reply(c, "366", "%s :End of /NAMES list.", name);
	}
	return 0;
}

static int
h_topic(struct conn *c, struct irc_msg *m)
{
	struct channel *ch = srv_find_channel(m->params[0]);
	enum num_error err;

	if (ch != NULL && m->nparams < 2) {
		send_topic(c, ch, true);
		return 0;
	}
	err = ch == NULL ? NUM_NO_SUCH_CHANNEL : act_set_topic(c, ch->name, m->params[1]);
	if (err != NUM_OK)
		num_reply(c, err, ch != NULL ? ch->name : m->params[0]);
	return 0;
}

/* PRIVMSG and NOTICE; each target past the first costs one more line of flood tokens. */
static int
message(struct conn *c, struct irc_msg *m, bool notice)
{
	char w[IRC_LINE_MAX];
	char list[IRC_LINE_MAX], *save = NULL;
	const char *cmd = notice ? "NOTICE" : "PRIVMSG";
	int n = 0;

	if (m->nparams == 0 || m->params[0][0] == '\0') {
		if (!notice)
			conn_reply(c, "411", ":%s (%s)", num_text(NUM_NO_RECIPIENT), cmd);
		return 0;
	}
	if (m->nparams < 2 || m->params[1][0] == '\0') {
		if (!notice)
			num_reply(c, NUM_NO_TEXT_TO_SEND, NULL);
		return 0;
	}
	str_copy(list, m->params[0], sizeof list);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct conn *away;
		if (++n > TARGETS_MAX) {
			if (!notice)
				conn_reply(c, "407", "%s :Too many recipients",
				    num_word(t, w, sizeof w));
			n--;
			break;
		}
		enum num_error err = act_say(c, t, m->params[1], notice, &away);
		if (notice)
			continue; /* never an automatic reply to a NOTICE */
		if (err != NUM_OK)
			num_reply(c, err, t);
		else if (away != NULL)
			conn_reply(c, "301", "%s :%s", away->nick, away->away);
	}
	return n > 1 ? n - 1 : 0;
}

static int
h_privmsg(struct conn *c, struct irc_msg *m)
{
	return message(c, m, false);
}

static int
h_notice(struct conn *c, struct irc_msg *m)
{
	return message(c, m, true);
}

static int
h_away(struct conn *c, struct irc_msg *m)
{
	if (act_away(c, m->nparams > 0 ? m->params[0] : NULL))
		conn_reply(c, "306", ":You have been marked as being away");
	else
		conn_reply(c, "305", ":You are no longer marked as being away");
	return 0;
}

static void
who_row(struct conn *c, const char *chan, const struct conn *u)
{
	conn_reply(c, "352", "%s ~%s %s %s %s %c :0 %s", chan, u->user[0] ? u->user : "plain",
	    u->host, srv.cfg.name, u->nick, u->away ? 'G' : 'H',
	    u->realname[0] ? u->realname : u->nick);
}

static int
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
	return 0;
}

static int
h_whois(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	/* "WHOIS server nick" asks a given server; there is only this one. */
	const char *nick = m->params[m->nparams - 1];
	struct conn *u = srv_find_nick(nick);

	if (u == NULL || !u->registered) {
		num_reply(c, NUM_NO_SUCH_NICK, nick);
		conn_reply(c, "318", "%s :End of /WHOIS list.", num_word(nick, w, sizeof w));
		return 0;
	}
	conn_reply(c, "311", "%s ~%s %s * :%s", u->nick, u->user[0] ? u->user : "plain", u->host,
	    u->realname[0] ? u->realname : u->nick);
	if (u->nchans > 0) {
		char buf[IRC_LINE_MAX];
		size_t len = 0;
		for (int i = 0; i < u->nchans && len + CHANNEL_LEN + 2 < REPLY_LIST_MAX; i++)
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
	return 0;
}

static int
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
	return 0;
}

static int
h_lusers(struct conn *c, struct irc_msg *m)
{
	(void)m;
	send_lusers(c);
	return 0;
}

static int
h_motd(struct conn *c, struct irc_msg *m)
{
	(void)m;
	cmd_motd(c);
	return 0;
}

static int
h_mode(struct conn *c, struct irc_msg *m)
{
	const char *target = m->params[0];
	const char *modes = m->nparams > 1 ? m->params[1] : NULL;

	if (irc_is_channel(target)) {
		struct channel *ch = srv_find_channel(target);
		if (ch == NULL)
			num_reply(c, NUM_NO_SUCH_CHANNEL, target);
		else if (modes == NULL) {
			conn_reply(c, "324", "%s +n", ch->name);
			conn_reply(c, "329", "%s %lld", ch->name, (long long)ch->created);
		} else if ((strcmp(modes, "b") == 0 || strcmp(modes, "+b") == 0) &&
		    m->nparams == 2)
			conn_reply(c, "368", "%s :End of channel ban list", ch->name);
		else if (strspn(modes, "+-bn") != strlen(modes))
			num_reply(c, NUM_UNKNOWN_MODE, (char[]){ modes[strspn(modes, "+-bn")], '\0' });
		else
			num_reply(c, NUM_CHANOP_PRIVS_NEEDED, ch->name);
		return 0;
	}
	if (irc_casecmp(target, c->nick) != 0) {
		num_reply(c, NUM_USERS_DONT_MATCH, NULL);
		return 0;
	}
	if (modes == NULL) {
		conn_reply(c, "221", c->invisible ? "+i" : "+");
		return 0;
	}
	if (strspn(modes, "+-i") != strlen(modes)) {
		num_reply(c, NUM_UMODE_UNKNOWN_FLAG, NULL);
		return 0;
	}
	/* The last sign before an 'i' wins; the change is echoed only if there was one. */
	bool want = c->invisible, plus = true;
	for (const char *p = modes; *p != '\0'; p++) {
		if (*p == '+' || *p == '-')
			plus = *p == '+';
		else
			want = plus;
	}
	if (act_set_invisible(c, want)) {
		char pfx[CONN_PREFIX_LEN];
		prefix_of(c, pfx);
		conn_printf(c, ":%s MODE %s :%ci", pfx, c->nick, want ? '+' : '-');
	}
	return 0;
}

static int
h_version(struct conn *c, struct irc_msg *m)
{
	(void)m;
	conn_reply(c, "351", "lanchat-%s. %s :poll() LAN chat server", LANCHAT_VERSION,
	    srv.cfg.name);
	send_isupport(c);
	return 0;
}

static int
h_time(struct conn *c, struct irc_msg *m)
{
	char buf[64];
	time_t now = time(NULL);
	struct tm tm;

	(void)m;
	localtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%A %B %d %Y -- %H:%M:%S %z", &tm);
	conn_reply(c, "391", "%s :%s", srv.cfg.name, buf);
	return 0;
}

static int
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
			if (u != NULL && u->registered && len + strlen(u->nick) + 2 < REPLY_LIST_MAX)
				len += (size_t)snprintf(
				    buf + len, sizeof buf - len, "%s%s", len ? " " : "", u->nick);
		}
	}
	conn_reply(c, "303", ":%s", buf);
	return 0;
}

static int
h_userhost(struct conn *c, struct irc_msg *m)
{
	char buf[IRC_LINE_MAX];
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < m->nparams && i < USERHOST_NICKS_MAX; i++) {
		struct conn *u = srv_find_nick(m->params[i]);
		if (u != NULL && u->registered)
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s=%c~%s@%s",
			    len ? " " : "", u->nick, u->away ? '-' : '+',
			    u->user[0] ? u->user : "plain", u->host);
	}
	conn_reply(c, "302", ":%s", buf);
	return 0;
}

/* Hot commands first: the table is short and searched in order. */
static const struct command commands[] = {
	{ "PRIVMSG", h_privmsg, 0, 2, true, 1 },
	{ "NOTICE", h_notice, 0, 2, true, 1 },
	{ "PING", h_ping, 0, 2, false, 1 },
	{ "PONG", h_pong, 0, 2, false, 1 },
	{ "JOIN", h_join, 1, 2, true, 1 },
	{ "PART", h_part, 1, 2, true, 1 },
	{ "NICK", h_nick, 0, 2, false, 1 },
	{ "USER", h_user, 4, 4, false, 1 },
	{ "CAP", h_cap, 1, 2, false, 1 },
	{ "PASS", h_pass, 1, PARAMS_ANY, false, 1 },
	{ "QUIT", h_quit, 0, 1, false, 1 },
	{ "NAMES", h_names, 0, 2, true, 1 },
	{ "TOPIC", h_topic, 1, 2, true, 1 },
	{ "AWAY", h_away, 0, 1, true, 1 },
	{ "WHO", h_who, 0, 2, true, 1 },
	{ "WHOIS", h_whois, 1, 2, true, 1 },
	{ "LIST", h_list, 0, 2, true, 1 },
	{ "LUSERS", h_lusers, 0, 2, true, 1 },
	{ "MOTD", h_motd, 0, 1, true, 1 },
	{ "MODE", h_mode, 1, PARAMS_ANY, true, 1 },
	{ "ISON", h_ison, 1, PARAMS_ANY, true, 1 },
	{ "VERSION", h_version, 0, 1, true, 1 },
	{ "TIME", h_time, 0, 1, true, 1 },
	{ "USERHOST", h_userhost, 1, PARAMS_ANY, true, 1 },
};

int
cmd_line(struct conn *c, char *line)
{
	struct irc_msg m;

	switch (irc_parse(line, &m)) {
	case IRC_PARSE_OK:
		break;
	case IRC_PARSE_BAD_COMMAND:
		conn_reply(c, "421", "%.32s :%s", m.command, num_text(NUM_UNKNOWN_COMMAND));
		return 1;
	default:
		return 1;
	}
	irc_upper(m.command);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct command *cmd = &commands[i];
		if (strcmp(cmd->name, m.command) != 0)
			continue;
		if (cmd->needs_reg && !c->registered)
			num_reply(c, NUM_NOT_REGISTERED, NULL);
		else if (m.nparams < cmd->min_params || m.nparams > cmd->max_params)
			num_reply(c, NUM_NEED_MORE_PARAMS, cmd->name);
		else
			return cmd->cost + cmd->fn(c, &m);
		return cmd->cost;
	}
	if (!c->registered)
		num_reply(c, NUM_NOT_REGISTERED, NULL);
	else
		conn_reply(c, "421", "%.32s :%s", m.command, num_text(NUM_UNKNOWN_COMMAND));
	return 1;
}

bool
cmd_lookup(const char *name, int *min_params, int *max_params, bool *needs_reg, int *cost)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(commands[i].name, name) == 0) {
			*min_params = commands[i].min_params;
			*max_params = commands[i].max_params;
			*needs_reg = commands[i].needs_reg;
			*cost = commands[i].cost;
			return true;
		}
	}
	return false;
}

void
cmd_too_long(struct conn *c)
{
	num_reply(c, NUM_INPUT_TOO_LONG, NULL);
}

void
cmd_tick(struct conn *c)
{
	int64_t t = (int64_t)srv.cfg.timeout_s * 1000;

	if (!c->registered) {
		if (srv.now_ms - c->connected_ms >= t)
			conn_close_link(c, "Registration timeout");
		return;
	}
	if (c->ping_sent_ms != 0 && srv.now_ms - c->last_rx_ms >= 2 * t) {
		srv.stats.ping_timeouts++;
		conn_close_link(c, "Ping timeout: %lld seconds",
		    (long long)((srv.now_ms - c->last_rx_ms) / 1000));
	} else if (c->ping_sent_ms == 0 &&
	    (srv.now_ms - c->last_rx_ms >= t ||
	        (srv.lag_probe_ms > 0 && srv.now_ms - c->ping_done_ms >= srv.lag_probe_ms))) {
		c->ping_sent_ms = srv.now_ms;
		conn_printf(c, "PING :%s", srv.cfg.name);
	}
}
