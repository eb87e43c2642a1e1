#include "server/dialect.h"

#include <string.h>

#include "common/ircmsg.h"
#include "common/util.h"
#include "server/commands.h"
#include "server/plain.h"
#include "server/server.h"

/* Is every character of s a capital letter (a CAP subcommand, not a word of chat)? */
static bool
all_capitals(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < 'A' || *s > 'Z')
			return false;
	return true;
}

/*
 * The command must be one a client starts with, in capitals, with the parameters clients
 * send, so that a person whose first words happen to be "PING everyone: meeting now" or
 * "USER here?" is a plain user, not an IRC client stuck with 461 until the registration
 * timeout. Only the shape counts: a NICK that is not a valid nick still gets its 432 as an
 * IRC client, and a CAP subcommand the server does not know gets its 410.
 */
enum conn_mode
dialect_judge(const char *line)
{
	char buf[IRC_LINE_MAX + 1];
	struct irc_msg m;
	const char *cmd;
	bool irc = false;

	str_copy(buf, line, sizeof buf);
	if (irc_parse(buf, &m) != IRC_PARSE_OK || m.tags != NULL || m.source != NULL)
		return CONN_PLAIN;
	cmd = m.command;
	if (strcmp(cmd, "CAP") == 0)
		irc = m.nparams >= 1 && m.nparams <= 2 && all_capitals(m.params[0]);
	else if (strcmp(cmd, "PASS") == 0 || strcmp(cmd, "PING") == 0)
		irc = m.nparams == 1;
	else if (strcmp(cmd, "NICK") == 0)
		/* RFC 1459 allowed a hop count after the nick. */
		irc = m.nparams == 1 ||
		    (m.nparams == 2 && strspn(m.params[1], "0123456789") == strlen(m.params[1]));
	else if (strcmp(cmd, "USER") == 0)
		irc = m.nparams >= 4;
	else if (strcmp(cmd, "QUIT") == 0)
		irc = m.nparams <= 1;
	return irc ? CONN_IRC : CONN_PLAIN;
}

void
dialect_greet(struct conn *c)
{
	conn_notice(c,
	    "*** Welcome to %s, you are connected from %s. Type a line to chat (/help for "
	    "commands); IRC clients register as usual.",
	    srv.cfg.name, c->host);
}

int
dialect_line(struct conn *c, char *line)
{
	if (c->mode == CONN_UNKNOWN) {
		if (dialect_judge(line) == CONN_IRC)
			c->mode = CONN_IRC;
		else
			plain_start(c);
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
	if (c->mode == CONN_UNKNOWN)
		plain_start(c);
	if (c->mode == CONN_PLAIN)
		plain_too_long(c);
	else
		cmd_too_long(c);
}

void
dialect_tick(struct conn *c)
{
	if (c->mode == CONN_UNKNOWN) {
		if (srv.now_ms - c->connected_ms >= PLAIN_DETECT_MS)
			plain_start(c);
		return;
	}
	if (c->mode == CONN_IRC)
		cmd_tick(c);
}

void
dialect_goodbye(struct conn *c)
{
	if (c->mode == CONN_PLAIN)
		conn_printf(c, "*** Server shutting down. Bye!");
	else
		conn_printf(c, "ERROR :Server shutting down");
}
