#include "server/plain.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/archive.h"
#include "server/channel.h"
#include "server/commands.h"
#include "server/conn.h"
#include "server/relay.h"
#include "server/server.h"

enum { PLAIN_HELP_ME_AFTER = 1 }; /* /me goes after the /nick line */
static const char *plain_help[] = {
	"Type a line and press Enter to talk to everyone in the channel.",
	"/nick NAME        change your name",
	"/msg NICK TEXT    send a private message",
	"/who              list the people in the channel",
	"/help             this text",
	"/quit [REASON]    leave",
	"Start a line with // to send one that begins with /.",
};

static void
show_who(struct conn *c)
{
	char buf[IRC_LINE_MAX];
	size_t len = 0;

	if (c->nchans == 0) {
		conn_notice(c, "You are not in a channel.");
		return;
	}
	struct channel *ch = c->chans[0];
	conn_notice(c, "%zu %s in %s:", ch->nmembers, ch->nmembers == 1 ? "person" : "people",
	    ch->name);
	for (size_t i = 0; i < ch->nmembers; i++) {
		const struct conn *m = ch->members[i];
		char item[NICK_LEN + 16];
		int n = snprintf(item, sizeof item, "%s%s%s", len ? ", " : "", m->nick,
		    m->away ? " (away)" : "");
		if (len + (size_t)n > 400) {
			conn_notice(c, "  %s", buf);
			len = 0;
			n = snprintf(item, sizeof item, "%s%s", m->nick, m->away ? " (away)" : "");
		}
		memcpy(buf + len, item, (size_t)n + 1);
		len += (size_t)n;
	}
	if (len > 0)
		conn_notice(c, "  %s", buf);
}

void
plain_start(struct conn *c)
{
	char nick[NICK_LEN + 1];
	int one = 1;

	c->mode = CONN_PLAIN;
	c->registered = true;
	c->in.split = true; /* a pasted paragraph goes out as several messages */
	srv.nusers++;
	srv.stats.registered++;
	do
		snprintf(nick, sizeof nick, "guest%u", ++srv.guest_seq);
	while (srv_find_nick(nick) != NULL);
	conn_set_nick(c, nick);
	str_copy(c->realname, "plain text user", sizeof c->realname);
	/* People at nc or telnet never answer PING; let TCP notice a vanished peer instead. */
	setsockopt(c->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	log_info("register #%u %s (plain) from %s", c->id, nick, c->host);

	for (int i = 0; i < srv.motd_lines; i++)
		conn_notice(c, "%s", srv.motd[i]);
	conn_notice(c, "You are %s. Type to talk; /help lists commands.", nick);
	if (cmd_join(c, srv.cfg.channel) == 0 && c->nchans > 0) {
		struct channel *ch = c->chans[0];
		if (ch->topic != NULL) {
			char topic[TOPIC_LEN * 4 + 1];
			san_text(topic, sizeof topic, ch->topic, strlen(ch->topic),
			    SAN_STRIP_FORMAT | SAN_ONE_SPACE);
			conn_notice(c, "Topic of %s: %s", ch->name, topic);
		}
		show_who(c);
		arc_replay_join(c, ch);
	}
}

void
plain_stop(struct conn *c)
{
	char pfx[CONN_PREFIX_LEN];

	conn_prefix(c, pfx, sizeof pfx);
	struct relay_event ev = { .kind = EV_QUIT,
		.from = c,
		.from_prefix = pfx,
		.from_nick = c->nick,
		.text = "Registering as an IRC client" };
	relay_peers(&ev, c, false);
	while (c->nchans > 0)
		chan_remove(c, c->chans[c->nchans - 1]);
	log_info("unregister #%u %s (plain): an IRC client after all", c->id, c->nick);
	if (c->nickfold[0] && hmap_get(&srv.nicks, c->nickfold) == c)
		hmap_del(&srv.nicks, c->nickfold);
	c->nick[0] = c->nickfold[0] = c->realname[0] = '\0';
	c->registered = false;
	c->mode = CONN_UNKNOWN;
	c->in.split = false;
	srv.nusers--;
}

/* The oldest live silent guest (from host, if given) and how many there are. */
static struct conn *
oldest_silent(const char *host, int *count)
{
	struct conn *old = NULL;

	*count = 0;
	for (size_t i = 0; i < srv.nconns; i++) {
		struct conn *m = srv.conns[i];
		if (!m->silent || m->dead || (host != NULL && strcmp(m->host, host) != 0))
			continue;
		++*count;
		if (old == NULL || m->id < old->id)
			old = m;
	}
	return old;
}

void
plain_bound_silent(struct conn *c)
{
	int n;
	struct conn *old = oldest_silent(c->host, &n);

	if (n > SILENT_GUESTS_PER_HOST) {
		log_info("too many silent guests from %s: closing #%u", c->host, old->id);
		conn_close_link(old, "Too many silent connections from your address");
	}
	old = oldest_silent(NULL, &n);
	if (n > SILENT_GUESTS_MAX) {
		log_info("too many silent guests: closing #%u from %s", old->id, old->host);
		conn_close_link(old, "Too many silent connections");
	}
}

/*
 * "PASS secret" or "PASS user secret", in any case: what an IRC client sends as a password.
 * Relayed, it would post someone's password to the channel, so it never is.
 */
static bool
looks_like_pass(const char *line)
{
	int words = 0;

	if (strncasecmp(line, "pass ", 5) != 0)
		return false;
	for (const char *p = line + 4; *p;) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		words++;
		p += strcspn(p, " ");
	}
	return words == 1 || words == 2;
}

static void
say_nick_error(struct conn *c, int err, const char *nick)
{
	char safe[NICK_LEN * 4 + 1];
	san_text(safe, sizeof safe, nick, strnlen(nick, NICK_LEN + 1), SAN_DEFAULT);
	if (err == 431)
		conn_notice(c, "Usage: /nick NAME");
	else if (err == 432)
		conn_notice(c, "\"%s\" cannot be a nick: use letters, digits and - _ [ ] { } | ^ `, "
		               "start with a letter, at most %d characters.", safe, NICK_LEN);
	else if (err == 433)
		conn_notice(c, "%s is already taken; pick another.", safe);
}

/* Sends text (an action if asked) to target, in as many messages as it takes. */
static void
say(struct conn *c, const char *target, const char *text, bool action)
{
	char safe[NICK_LEN * 4 + 1];
	int err = cmd_say(c, target, text, false, action);

	san_text(safe, sizeof safe, target, strnlen(target, NICK_LEN + 1), SAN_DEFAULT);
	if (err == 401)
		conn_notice(c, "No such nick or channel: %s", safe);
	else if (err == 404)
		conn_notice(c, "You are not in %s.", safe);
}

static void
plain_command(struct conn *c, char *cmd, char *arg)
{
	if (strcmp(cmd, "nick") == 0) {
		char *end = strchr(arg, ' ');
		if (end != NULL)
			*end = '\0';
		int err = cmd_check_nick(c, arg);
		if (err != 0) {
			say_nick_error(c, err, arg);
		} else if (strcmp(arg, c->nick) != 0) {
			cmd_change_nick(c, arg);
			conn_notice(c, "You are now known as %s.", c->nick);
		}
	} else if (strcmp(cmd, "me") == 0) {
		if (arg[0] == '\0' || c->nchans == 0) {
			conn_notice(c, "Usage: /me ACTION");
			return;
		}
		say(c, c->chans[0]->name, arg, true);
	} else if (strcmp(cmd, "msg") == 0) {
		char *text = strchr(arg, ' ');
		if (text == NULL || text[1] == '\0') {
			conn_notice(c, "Usage: /msg NICK TEXT");
			return;
		}
		*text++ = '\0';
		say(c, arg, text, false);
	} else if (strcmp(cmd, "who") == 0 || strcmp(cmd, "names") == 0) {
		show_who(c);
	} else if (strcmp(cmd, "help") == 0) {
		for (size_t i = 0; i < sizeof plain_help / sizeof plain_help[0]; i++) {
			conn_notice(c, "%s", plain_help[i]);
			if (i == PLAIN_HELP_ME_AFTER) /* its example uses the reader's own nick */
				conn_notice(c, "/me ACTION        say what you are doing (* %s waves)",
				    c->nick);
		}
	} else if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "exit") == 0) {
		conn_close_link(c, "Quit: %.100s", arg[0] ? arg : "Client quit");
	} else {
		char safe[64];
		san_text(safe, sizeof safe, cmd, strlen(cmd), SAN_DEFAULT);
		conn_notice(c, "Unknown command /%s; /help lists commands.", safe);
	}
}

void
plain_line(struct conn *c, char *line)
{
	if (looks_like_pass(line)) {
		conn_notice(c, "That line looks like a password (PASS ...), so it was not sent to "
		               "anyone. Reword it to say it.");
		return;
	}
	c->plain_spoke = true;
	if (line[0] == '/' && line[1] != '/') {
		char *cmd = line + 1, *arg = cmd + strcspn(cmd, " ");
		if (*arg != '\0')
			*arg++ = '\0';
		while (*arg == ' ')
			arg++;
		for (char *p = cmd; *p; p++)
			*p = irc_tolower(*p);
		plain_command(c, cmd, arg);
		return;
	}
	if (line[0] == '/')
		line++;
	if (line[strspn(line, " \t")] == '\0')
		return; /* an empty line says nothing */
	if (c->nchans == 0) {
		conn_notice(c, "You are not in a channel; nobody hears you.");
		return;
	}
	say(c, c->chans[0]->name, line, false);
}
