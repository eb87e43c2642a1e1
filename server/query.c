#include "server/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/limits.h"
#include "common/util.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/modes.h"
#include "server/numerics.h"
#include "server/server.h"

enum {
	USERHOST_NICKS_MAX = 5, /* nicks USERHOST answers for (RFC 2812 4.8) */
	REPLY_LIST_MAX = 400,   /* bytes of a space-separated list in one reply (319, 303) */
	NAMES_LINE_SLACK = 80,  /* room kept in a 353 for the prefix, numeric and nick */
};

static bool
shares_channel(const struct conn *a, const struct conn *b)
{
	for (int i = 0; i < a->nchans; i++)
		if (conn_in_channel(b, a->chans[i]))
			return true;
	return false;
}

/* Appends one item to a space-separated reply list of *len bytes (buf stays terminated). */
static void __attribute__((format(printf, 4, 5)))
list_add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len > 0 && *len + 1 < cap)
		buf[(*len)++] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

/* User mode +i: seen only by people who share a channel with u (RFC 2812 3.2.5, 3.6.1). */
static bool
visible_to(const struct conn *c, const struct conn *u)
{
	return !u->invisible || u == c || shares_channel(c, u);
}

/* A +s channel is seen by its members and server operators alone. */
static bool
chan_seen_by(const struct conn *c, const struct channel *ch)
{
	return !(ch->modes & MODE_FLAG_SECRET) || c->oper || conn_in_channel(c, ch);
}

void
query_send_names(struct conn *c, struct channel *ch)
{
	char head[CHANNEL_LEN + 8], buf[IRC_LINE_MAX], item[CONN_PREFIX_LEN + 4], pfx[4];
	size_t len = 0,
	       limit =
	           IRC_LINE_BODY - NAMES_LINE_SLACK - strlen(srv.cfg.name) - strlen(conn_nick(c));
	bool multi = c->caps & CAP_MULTI_PREFIX;

	if (!chan_seen_by(c, ch)) {
		conn_reply(c, "366", "%s :End of /NAMES list.", ch->name);
		return;
	}
	snprintf(head, sizeof head, "%c %s :", (ch->modes & MODE_FLAG_SECRET) ? '@' : '=',
	    ch->name);
	for (size_t i = 0; i < ch->nmembers; i++) {
		const struct conn *u = ch->members[i];
		const char *nick = item;
		size_t n;
		if (!visible_to(c, u))
			continue;
		chan_prefix(chan_status(u, ch), multi, pfx);
		if (c->caps & CAP_USERHOST_IN_NAMES) {
			char full[CONN_PREFIX_LEN];
			conn_prefix(u, full, sizeof full);
			snprintf(item, sizeof item, "%s%s", pfx, full);
		} else {
			snprintf(item, sizeof item, "%s%s", pfx, u->nick);
		}
		n = strlen(nick);
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

void
query_send_topic(struct conn *c, struct channel *ch, bool say_none)
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
query_names(struct conn *c, struct irc_msg *m)
{
	char list[IRC_LINE_MAX], *save = NULL;

	if (m->nparams == 0) {
		for (int i = 0; i < c->nchans; i++)
			query_send_names(c, c->chans[i]);
		if (c->nchans == 0)
			conn_reply(c, "366", "* :End of /NAMES list.");
		return 0;
	}
	str_copy(list, m->params[0], sizeof list);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		struct channel *ch = srv_find_channel(name);
		if (ch != NULL)
			query_send_names(c, ch);
		else
			conn_reply(c, "366", "%s :End of /NAMES list.", name);
	}
	return 0;
}

/* ch: the channel the row names (its member prefixes go into the flags), or NULL. */
static void
who_row(struct conn *c, const struct channel *ch, const struct conn *u)
{
	char pfx[4];

	/* Flags: H here or G gone, * a server operator, r logged in to an account, @ or +. */
	chan_prefix(ch != NULL ? chan_status(u, ch) : 0, c->caps & CAP_MULTI_PREFIX, pfx);
	conn_reply(c, "352", "%s ~%s %s %s %s %c%s%s%s :0 %s", ch != NULL ? ch->name : "*",
	    u->user[0] ? u->user : "plain", u->host, srv.cfg.name, u->nick, u->away ? 'G' : 'H',
	    u->oper ? "*" : "", u->account[0] ? "r" : "", pfx,
	    u->realname[0] ? u->realname : u->nick);
}

/* The first channel of u that c may see named (a +s one only by its members), or NULL. */
static const struct channel *
who_channel(const struct conn *c, const struct conn *u)
{
	for (int i = 0; i < u->nchans; i++)
		if (chan_seen_by(c, u->chans[i]))
			return u->chans[i];
	return NULL;
}

int
query_who(struct conn *c, struct irc_msg *m)
{
	const char *mask = m->nparams > 0 ? m->params[0] : "*";
	int rows = 0;

	if (irc_is_channel(mask)) {
		struct channel *ch = srv_find_channel(mask);
		if (ch != NULL && !chan_seen_by(c, ch))
			ch = NULL;
		for (size_t i = 0; ch != NULL && i < ch->nmembers && rows < WHO_REPLIES_MAX; i++) {
			if (visible_to(c, ch->members[i])) {
				who_row(c, ch, ch->members[i]);
				rows++;
			}
		}
	} else if (strcmp(mask, "*") == 0 || strcmp(mask, "0") == 0) {
		for (size_t i = 0; i < srv.nconns && rows < WHO_REPLIES_MAX; i++) {
			struct conn *u = srv.conns[i];
			if (u->registered && !u->dead && visible_to(c, u)) {
				who_row(c, who_channel(c, u), u);
				rows++;
			}
		}
	} else {
		struct conn *u = srv_find_nick(mask);
		if (u != NULL && u->registered)
			who_row(c, who_channel(c, u), u);
	}
	conn_reply(c, "315", "%s :End of WHO list", mask);
	return 0;
}

int
query_whois(struct conn *c, struct irc_msg *m)
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
		char pfx[4];
		buf[0] = '\0';
		for (int i = 0; i < u->nchans && len + CHANNEL_LEN + 4 < REPLY_LIST_MAX; i++)
			if (chan_seen_by(c, u->chans[i]))
				list_add(buf, sizeof buf, &len, "%s%s",
				    chan_prefix(u->chanstatus[i], c->caps & CAP_MULTI_PREFIX, pfx),
				    u->chans[i]->name);
		if (len > 0)
			conn_reply(c, "319", "%s :%s", u->nick, buf);
	}
	conn_reply(c, "312", "%s %s :lanchat LAN server", u->nick, srv.cfg.name);
	if (u->away != NULL)
		conn_reply(c, "301", "%s :%s", u->nick, u->away);
	if (u->account[0] != '\0')
		conn_reply(c, "330", "%s %s :is logged in as", u->nick, u->account);
	if (tp_is_tls(&u->tp))
		conn_reply(c, "671", "%s :is using a secure connection", u->nick);
	/* A certificate fingerprint identifies its owner: shown to that user alone, as this
	 * server has no operators. */
	if (u->tp.peer_fp != NULL && u == c)
		conn_reply(c, "276", "%s :has client certificate fingerprint %s", u->nick,
		    u->tp.peer_fp);
	conn_reply(c, "317", "%s %lld %lld :seconds idle, signon time", u->nick,
	    (long long)((srv.now_ms - u->last_rx_ms) / 1000),
	    (long long)(time(NULL) - (srv.now_ms - u->connected_ms) / 1000));
	conn_reply(c, "318", "%s :End of /WHOIS list.", u->nick);
	return 0;
}

int
query_list(struct conn *c, struct irc_msg *m)
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
			if ((ch = srv_find_channel(name)) != NULL && chan_seen_by(c, ch))
				conn_reply(c, "322", "%s %zu :%s", ch->name, ch->nmembers,
				    ch->topic ? ch->topic : "");
	} else {
		while ((ch = hmap_next(&srv.channels, &pos)) != NULL && rows < WHO_REPLIES_MAX) {
			if (!chan_seen_by(c, ch))
				continue;
			rows++;
			conn_reply(c, "322", "%s %zu :%s", ch->name, ch->nmembers,
			    ch->topic ? ch->topic : "");
		}
	}
	conn_reply(c, "323", ":End of /LIST");
	return 0;
}

int
query_ison(struct conn *c, struct irc_msg *m)
{
	char buf[IRC_LINE_MAX];
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < m->nparams; i++) {
		char list[IRC_LINE_MAX], *save = NULL;
		str_copy(list, m->params[i], sizeof list);
		for (char *n = strtok_r(list, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
			struct conn *u = srv_find_nick(n);
			if (u != NULL && u->registered &&
			    len + strlen(u->nick) + 2 < REPLY_LIST_MAX)
				list_add(buf, sizeof buf, &len, "%s", u->nick);
		}
	}
	conn_reply(c, "303", ":%s", buf);
	return 0;
}

int
query_userhost(struct conn *c, struct irc_msg *m)
{
	char buf[IRC_LINE_MAX];
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < m->nparams && i < USERHOST_NICKS_MAX; i++) {
		struct conn *u = srv_find_nick(m->params[i]);
		if (u != NULL && u->registered)
			list_add(buf, sizeof buf, &len, "%s=%c~%s@%s", u->nick, u->away ? '-' : '+',
			    u->user[0] ? u->user : "plain", u->host);
	}
	conn_reply(c, "302", ":%s", buf);
	return 0;
}
