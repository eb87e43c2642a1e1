#include "server/opcmds.h"

#include <stdio.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/accounts.h"
#include "server/actions.h"
#include "server/conn.h"
#include "server/numerics.h"
#include "server/oper.h"
#include "server/rehash.h"
#include "server/server.h"

static void
set_oper(struct conn *c, bool on)
{
	if (on == c->oper)
		return;
	c->oper = on;
	if (on)
		srv.nopers++;
	else
		srv.nopers--;
}

/* "+iow", or "+" with none. */
static void
umode_string(const struct conn *c, char *buf)
{
	size_t n = 0;
	buf[n++] = '+';
	if (c->invisible)
		buf[n++] = 'i';
	if (c->oper)
		buf[n++] = 'o';
	if (c->wallops)
		buf[n++] = 'w';
	buf[n] = '\0';
}

/* ":nick!user@host MODE nick :changes" to c itself. */
static void
tell_mode(struct conn *c, const char *changes)
{
	char pfx[CONN_PREFIX_LEN];
	conn_prefix(c, pfx, sizeof pfx);
	conn_printf(c, ":%s MODE %s :%s", pfx, c->nick, changes);
}

int
opcmd_oper(struct conn *c, struct irc_msg *m)
{
	char name[NICK_LEN * 4 + 1];
	int64_t wait_ms;

	/* For the log: the name as typed, made safe and short; never the password. */
	san_text(name, sizeof name, m->params[0], strnlen(m->params[0], NICK_LEN), SAN_DEFAULT);
	if (c->oper) {
		conn_reply(c, "381", ":You are already an IRC operator");
		return 0;
	}
	if (!oper_any()) {
		conn_reply(c, "491", ":No operators are configured on this server");
		return 0;
	}
	if (!acct_password_allowed(c)) {
		log_warn("OPER refused on a plain connection from %s (#%u %s, name '%s')", c->host,
		    c->id, c->nick, name);
		conn_reply(c, "491",
		    ":OPER is refused over plain text from another machine: reconnect with TLS "
		    "(port %d) and change that password, which just crossed the network in clear",
		    srv.tls_port ? srv.tls_port : TLS_PORT_DEFAULT);
		return 0;
	}
	switch (oper_check(c->host, m->params[0], m->params[1], srv.now_ms, &wait_ms)) {
	case OPER_OK:
		set_oper(c, true);
		log_info("oper #%u %s is now an operator (as '%s') from %s", c->id, c->nick, name,
		    c->host);
		conn_reply(c, "381", ":You are now an IRC operator");
		tell_mode(c, "+o");
		break;
	case OPER_WRONG:
		log_warn("OPER failed for '%s' from %s (#%u %s)", name, c->host, c->id, c->nick);
		num_reply(c, NUM_PASSWD_MISMATCH, NULL);
		break;
	case OPER_WAIT:
		log_warn("OPER refused for '%s' from %s (#%u %s): too many failed attempts", name,
		    c->host, c->id, c->nick);
		conn_reply(c, "491",
		    ":Too many failed OPER attempts from your address: try again in %lld seconds",
		    (long long)((wait_ms + 999) / 1000));
		break;
	}
	return 0;
}

int
opcmd_kill(struct conn *c, struct irc_msg *m)
{
	char reason[KILL_REASON_LEN + 1];
	const char *why = m->nparams > 1 && m->params[1][0] ? m->params[1] : "No reason given";
	struct conn *u;

	if (!c->oper) {
		num_reply(c, NUM_NO_PRIVILEGES, NULL);
		return 0;
	}
	u = srv_find_nick(m->params[0]);
	if (u == NULL || !u->registered || u->dead) {
		num_reply(c, NUM_NO_SUCH_NICK, m->params[0]);
		return 0;
	}
	str_copy(reason, why, san_utf8_cut(why, strlen(why), KILL_REASON_LEN) + 1);
	log_info("kill #%u %s by operator %s: %s", u->id, u->nick, c->nick, reason);
	conn_notice(c, "*** %s was disconnected (%s)", u->nick, reason);
	conn_close_link(u, "Killed by %s (%s)", c->nick, reason);
	return 0;
}

int
opcmd_wallops(struct conn *c, struct irc_msg *m)
{
	char pfx[CONN_PREFIX_LEN], line[IRC_LINE_MAX + 1];
	const char *text = m->params[0];
	size_t n;
	int len;

	if (!c->oper) {
		num_reply(c, NUM_NO_PRIVILEGES, NULL);
		return 0;
	}
	if (text[0] == '\0') {
		num_reply(c, NUM_NEED_MORE_PARAMS, "WALLOPS");
		return 0;
	}
	conn_prefix(c, pfx, sizeof pfx);
	/* Formatted once, queued to every IRC user with +w (the sender too, if +w). */
	len = snprintf(line, sizeof line, ":%s WALLOPS :%.*s", pfx,
	    (int)san_utf8_cut(text, strlen(text), WALLOPS_LEN), text);
	n = san_utf8_cut(line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1,
	    IRC_LINE_BODY);
	line[n++] = '\r';
	line[n++] = '\n';
	log_info("wallops from %s: %s", c->nick, text);
	for (size_t i = 0; i < srv.nconns; i++) {
		struct conn *u = srv.conns[i];
		if (u->wallops && u->registered && !u->dead && u->mode == CONN_IRC)
			conn_send(u, line, n);
	}
	return 0;
}

int
opcmd_rehash(struct conn *c, struct irc_msg *m)
{
	(void)m;
	if (!c->oper) {
		num_reply(c, NUM_NO_PRIVILEGES, NULL);
		return 0;
	}
	log_info("reload asked for by operator %s (#%u)", c->nick, c->id);
	conn_reply(c, "382", "%s :Rehashing", rehash_config_name());
	if (rehash_run())
		conn_notice(c, "*** Reload done: the new settings are in force");
	else
		conn_notice(c, "*** Reload refused: the running settings stay (the server log says why)");
	return 0;
}

int
opcmd_user_mode(struct conn *c, struct irc_msg *m)
{
	const char *modes = m->nparams > 1 ? m->params[1] : NULL;
	char before[8], changes[16];
	bool plus = true, inv = c->invisible, op = c->oper, wall = c->wallops;
	size_t n = 0;
	char sign = 0;

	if (irc_casecmp(m->params[0], c->nick) != 0) {
		num_reply(c, NUM_USERS_DONT_MATCH, NULL);
		return 0;
	}
	umode_string(c, before);
	if (modes == NULL) {
		conn_reply(c, "221", "%s", before);
		return 0;
	}
	if (strspn(modes, "+-iow") != strlen(modes)) {
		num_reply(c, NUM_UMODE_UNKNOWN_FLAG, NULL);
		return 0;
	}
	/* The last sign before each letter wins. Nobody gives themselves +o: OPER does. */
	for (const char *p = modes; *p != '\0'; p++) {
		if (*p == '+' || *p == '-')
			plus = *p == '+';
		else if (*p == 'i')
			inv = plus;
		else if (*p == 'w')
			wall = plus;
		else if (*p == 'o' && !plus)
			op = false;
	}
	/* The change is echoed only where there was one, each sign written once. */
	const struct {
		char letter;
		bool from, to;
	} diff[] = { { 'i', c->invisible, inv }, { 'o', c->oper, op }, { 'w', c->wallops, wall } };
	for (size_t i = 0; i < sizeof diff / sizeof diff[0]; i++) {
		char s = diff[i].to ? '+' : '-';
		if (diff[i].from == diff[i].to)
			continue;
		if (s != sign)
			changes[n++] = sign = s;
		changes[n++] = diff[i].letter;
	}
	changes[n] = '\0';
	act_set_invisible(c, inv);
	if (!op && c->oper)
		log_info("oper #%u %s is no longer an operator", c->id, c->nick);
	set_oper(c, op);
	c->wallops = wall;
	if (n > 0)
		tell_mode(c, changes);
	return 0;
}
