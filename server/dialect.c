#include "server/dialect.h"

#include <stdint.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/util.h"
#include "server/accounts.h"
#include "server/actions.h"
#include "server/commands.h"
#include "server/plain.h"
#include "server/server.h"

/*
 * A person at nc does not type IRCv3 tags, a ":source" or a password as a first line, so
 * those start IRC mode whatever their case; a lowercase command counts only in the exact
 * shape a client sends, so that "pass the salt please" or "nick is late again" stay chat,
 * and "PING everyone: meeting now" or "USER here?" are people, not IRC clients stuck with
 * 461 until the registration timeout. Only the shape counts: a NICK that is not a valid
 * nick still gets its 432 as an IRC client, an unknown CAP subcommand its 410.
 */
enum dialect_kind
dialect_judge(const char *line)
{
	char buf[IRC_LINE_MAX + 1], cmd[16];
	struct irc_msg m;
	bool upper, marked;

	str_copy(buf, line, sizeof buf);
	if (irc_parse(buf, &m) != IRC_PARSE_OK || strlen(m.command) >= sizeof cmd)
		return DIALECT_CHAT;
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
		    ? DIALECT_REGISTER
		    : DIALECT_CHAT;
	}
	if (strcmp(cmd, "PASS") == 0)
		/* "PASS a b" is an IRC password with a space; "pass the salt" is chat. */
		return m.nparams == 1 || (m.nparams == 2 && (upper || marked)) ? DIALECT_REGISTER
		                                                               : DIALECT_CHAT;
	if (strcmp(cmd, "NICK") == 0)
		/* RFC 1459 allowed a hop count after the nick. */
		return m.nparams == 1 ||
		        (m.nparams == 2 && strspn(m.params[1], "0123456789") == strlen(m.params[1]))
		    ? DIALECT_REGISTER
		    : DIALECT_CHAT;
	if (strcmp(cmd, "USER") == 0)
		return m.nparams == 4 || (m.nparams > 4 && (upper || marked)) ? DIALECT_REGISTER
		                                                              : DIALECT_CHAT;
	if (!upper && !marked)
		return DIALECT_CHAT;
	if (strcmp(cmd, "PING") == 0)
		return m.nparams == 1 ? DIALECT_IRC_OTHER : DIALECT_CHAT;
	if (strcmp(cmd, "QUIT") == 0)
		return m.nparams <= 1 ? DIALECT_IRC_OTHER : DIALECT_CHAT;
	return DIALECT_CHAT;
}

void
dialect_greet(struct conn *c)
{
	c->greeted_ms = srv.now_ms; /* for TLS, after the handshake: silence counts from here */
	conn_notice(c,
	    "*** Welcome to %s, you are connected from %s. Type a line to chat (/help for "
	    "commands); IRC clients register as usual.",
	    srv.cfg.name, c->host);
}

int
dialect_line(struct conn *c, char *line)
{
	c->silent = false;
	if (c->mode == CONN_UNKNOWN) {
		if (dialect_judge(line) != DIALECT_CHAT)
			c->mode = CONN_IRC;
		else
			plain_start(c);
	} else if (c->mode == CONN_PLAIN && !c->plain_spoke &&
	    dialect_judge(line) == DIALECT_REGISTER) {
		/*
		 * An IRC client that was slow to speak (or whose first line was too long) was
		 * taken for a person: it said nothing yet, so let it register after all.
		 */
		plain_stop(c);
		c->mode = CONN_IRC;
	}
	if (c->mode == CONN_PLAIN) {
		plain_line(c, line);
		return 1;
	}
	return cmd_line(c, line);
}

void
dialect_too_long(struct conn *c)
{
	c->silent = false;
	/*
	 * Undecided, it stays so: an IRC client sending an overlong first line must still be
	 * able to register, and a person is told on becoming plain by silence.
	 */
	if (c->mode == CONN_PLAIN)
		plain_too_long(c);
	else
		cmd_too_long(c);
}

void
dialect_tick(struct conn *c)
{
	if (c->mode == CONN_UNKNOWN) {
		if (srv.now_ms - c->greeted_ms >= PLAIN_DETECT_MS) {
			plain_start(c);
			c->silent = true;
			plain_bound_silent(c);
		}
		return;
	}
	if (acct_claim_expired(c))
		act_rename_guest(c);
	if (c->mode == CONN_IRC && !c->dead)
		cmd_tick(c);
}

int64_t
dialect_next_tick(const struct conn *c)
{
	if (c->mode == CONN_UNKNOWN)
		return c->connected_ms + PLAIN_DETECT_MS;
	int64_t claim = acct_next_due(c);
	if (c->mode == CONN_IRC) {
		int64_t t = cmd_next_tick(c);
		return t < claim ? t : claim;
	}
	return claim;
}

void
dialect_goodbye(struct conn *c)
{
	if (c->mode == CONN_PLAIN)
		conn_printf(c, "*** Server shutting down. Bye!");
	else
		conn_printf(c, "ERROR :Server shutting down");
}
