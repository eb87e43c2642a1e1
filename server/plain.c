#include "server/plain.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/actions.h"
#include "server/archive.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/modes.h"
#include "server/nickserv.h"
#include "server/server.h"

enum { WHO_LIST_MAX = 400 }; /* bytes of names per /who line */

enum { PLAIN_HELP_ME_AFTER = 1 }; /* /me goes after the /nick line */
static const char *plain_help[] = {
	"Type a line and press Enter to talk to everyone in the channel.",
	"/nick NAME        change your name",
	"/msg NICK TEXT    send a private message",
	"/register PASSWORD           keep your nick: register it with a password",
	"/identify [ACCOUNT] PASSWORD log in, and get your nick back",
	"/who              list the people in the channel (@ operators, + voiced)",
	"/topic TEXT       set the channel's topic",
	"/op NICK          make NICK a channel operator (/deop NICK undoes it)",
	"/kick NICK [WHY]  remove NICK from the channel",
	"/invite NICK      let NICK into the channel when it is invite-only",
	"/mode ARGS        change channel modes, as IRC's MODE (/mode +t, /mode +k KEY, ...)",
	"/help             this text",
	"/quit [REASON]    leave",
	"Start a line with // to send one that begins with /.",
};

static void say_error(struct conn *c, enum num_error err, const char *what);

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
	conn_notice(
	    c, "%zu %s in %s:", ch->nmembers, ch->nmembers == 1 ? "person" : "people", ch->name);
	for (size_t i = 0; i < ch->nmembers; i++) {
		const struct conn *m = ch->members[i];
		char item[NICK_LEN + 16], pfx[4];
		chan_prefix(chan_status(m, ch), false, pfx);
		int n = snprintf(item, sizeof item, "%s%s%s%s", len ? ", " : "", pfx, m->nick,
		    m->away ? " (away)" : "");
		if (len + (size_t)n > WHO_LIST_MAX) {
			conn_notice(c, "  %s", buf);
			len = 0;
			n = snprintf(
			    item, sizeof item, "%s%s%s", pfx, m->nick, m->away ? " (away)" : "");
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
	struct channel *ch;

	c->mode = CONN_PLAIN;
	act_register(c);
	c->in.split = true; /* a pasted paragraph goes out as several messages */
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
	enum num_error err = act_join(c, srv.cfg.channel, NULL, &ch);
	if (err != NUM_OK)
		say_error(c, err, srv.cfg.channel);
	if (err == NUM_OK && ch != NULL) {
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
	log_info("unregister #%u %s (plain): an IRC client after all", c->id, c->nick);
	act_unregister(c, "Registering as an IRC client");
	c->realname[0] = '\0';
	c->mode = CONN_UNKNOWN;
	c->in.split = false;
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

/* An action's error as a sentence about what (a nick or a target) the user gave. */
static void
say_error(struct conn *c, enum num_error err, const char *what)
{
	char safe[NICK_LEN * 4 + 1];
	san_text(safe, sizeof safe, what, strnlen(what, NICK_LEN + 1), SAN_DEFAULT);
	switch (err) {
	case NUM_NO_NICKNAME_GIVEN:
		conn_notice(c, "Usage: /nick NAME");
		break;
	case NUM_ERRONEUS_NICKNAME:
		conn_notice(c,
		    "\"%s\" cannot be a nick: use letters, digits and - _ [ ] { } | ^ `, "
		    "start with a letter, at most %d characters.",
		    safe, NICK_LEN);
		break;
	case NUM_NICKNAME_IN_USE:
		conn_notice(c, "%s is already taken; pick another.", safe);
		break;
	case NUM_NO_SUCH_NICK:
		conn_notice(c, "No such nick or channel: %s", safe);
		break;
	case NUM_CANNOT_SEND_TO_CHAN:
		conn_notice(c,
		    "You cannot speak in %s now: you are banned, it is moderated (+m) and you "
		    "have no voice, or you are not in it.",
		    safe);
		break;
	case NUM_NOT_ON_CHANNEL:
		conn_notice(c, "You are not in %s.", safe);
		break;
	case NUM_CHANOP_PRIVS_NEEDED:
		conn_notice(c, "Only operators of %s can do that; an operator can /op you.", safe);
		break;
	case NUM_USER_NOT_IN_CHANNEL:
		conn_notice(c, "%s is not in the channel.", safe);
		break;
	case NUM_USER_ON_CHANNEL:
		conn_notice(c, "%s is in the channel already.", safe);
		break;
	case NUM_BANNED_FROM_CHAN:
		conn_notice(c, "You are banned from %s.", safe);
		break;
	case NUM_INVITE_ONLY_CHAN:
		conn_notice(c, "%s is invite-only: ask one of its operators to invite you.", safe);
		break;
	case NUM_BAD_CHANNEL_KEY:
		conn_notice(c, "%s needs a key to join.", safe);
		break;
	case NUM_CHANNEL_IS_FULL:
		conn_notice(c, "%s is full.", safe);
		break;
	case NUM_OFFLINE_KEPT:
		conn_notice(c, "%s is not here; your message is kept and delivered when they next "
		               "log in.", safe);
		break;
	case NUM_OFFLINE_FULL:
		conn_notice(c, "%s is not here and has %d messages waiting already; yours was not "
		               "kept.", safe, OFFLINE_PER_RECIPIENT);
		break;
	default:
		if (err != NUM_OK)
			conn_notice(c, "%s: %s", safe, num_text(err));
		break;
	}
}

/* Sends text (an action if asked) to target, in as many messages as it takes. */
static void
say(struct conn *c, const char *target, const char *text, bool action)
{
	const struct conn *away;
	enum num_error err =
	    act_say(c, target, text, false, action ? ACT_SAY_ACTION : ACT_SAY_TEXT, &away);

	if (away != NULL) {
		char text_away[AWAY_LEN * 4 + 1];
		san_text(text_away, sizeof text_away, away->away, strlen(away->away),
		    SAN_STRIP_FORMAT | SAN_ONE_SPACE);
		conn_notice(c, "%s is away: %s", away->nick, text_away);
	}
	say_error(c, err, target);
}

static void
p_nick(struct conn *c, char *arg)
{
	char *end = strchr(arg, ' ');
	if (end != NULL)
		*end = '\0';
	act_reclaim(c, arg);
	enum num_error err = act_check_nick(c, arg);
	if (err != NUM_OK) {
		say_error(c, err, arg);
	} else if (strcmp(arg, c->nick) != 0) {
		act_change_nick(c, arg);
		conn_notice(c, "You are now known as %s.", c->nick);
	}
}

static void
p_me(struct conn *c, char *arg)
{
	if (arg[0] == '\0' || c->nchans == 0) {
		conn_notice(c, "Usage: /me ACTION");
		return;
	}
	say(c, c->chans[0]->name, arg, true);
}

static void
p_msg(struct conn *c, char *arg)
{
	char *text = strchr(arg, ' ');
	if (text == NULL || text[1] == '\0') {
		conn_notice(c, "Usage: /msg NICK TEXT");
		return;
	}
	*text++ = '\0';
	if (nickserv_is(arg))
		nickserv_line(c, text);
	else
		say(c, arg, text, false);
}

/* "/register PASSWORD" and "/identify [ACCOUNT] PASSWORD": NickServ's, typed directly. */
static void
p_register(struct conn *c, char *arg)
{
	char line[IRC_LINE_MAX];
	if (arg[0] == '\0') {
		conn_notice(c, "Usage: /register PASSWORD");
		return;
	}
	snprintf(line, sizeof line, "REGISTER %s", arg);
	nickserv_line(c, line);
	explicit_bzero(line, sizeof line);
}

static void
p_identify(struct conn *c, char *arg)
{
	char line[IRC_LINE_MAX];
	if (arg[0] == '\0') {
		conn_notice(c, "Usage: /identify [ACCOUNT] PASSWORD");
		return;
	}
	snprintf(line, sizeof line, "IDENTIFY %s", arg);
	nickserv_line(c, line);
	explicit_bzero(line, sizeof line);
}

static void
p_who(struct conn *c, char *arg)
{
	(void)arg;
	show_who(c);
}

static void
p_help(struct conn *c, char *arg)
{
	(void)arg;
	for (size_t i = 0; i < sizeof plain_help / sizeof plain_help[0]; i++) {
		conn_notice(c, "%s", plain_help[i]);
		if (i == PLAIN_HELP_ME_AFTER) /* its example uses the reader's own nick */
			conn_notice(
			    c, "/me ACTION        say what you are doing (* %s waves)", c->nick);
	}
}

static void
p_quit(struct conn *c, char *arg)
{
	act_quit(c, arg);
}

/* The channel a plain user's room commands act on: the one they are in. */
static struct channel *
room_of(struct conn *c)
{
	if (c->nchans == 0)
		conn_notice(c, "You are not in a channel.");
	return c->nchans > 0 ? c->chans[0] : NULL;
}

/* Splits the first word off arg: returns it, *rest is what follows (spaces skipped). */
static char *
first_word(char *arg, char **rest)
{
	char *end = arg + strcspn(arg, " ");
	if (*end != '\0')
		*end++ = '\0';
	while (*end == ' ')
		end++;
	*rest = end;
	return arg;
}

/* MODE on the user's channel: words[0] is the mode string, the rest its parameters. */
static void
room_mode(struct conn *c, struct channel *ch, int nwords, char **words)
{
	struct act_mode_result res;
	char what[IRC_LINE_MAX * 2];

	act_mode(c, ch->name, words[0], nwords - 1, (const char *const *)words + 1, &res);
	for (int i = 0; i < res.nerr; i++) {
		switch (res.err[i].e) {
		case NUM_UNKNOWN_MODE:
			conn_notice(c, "There is no mode %c here; the modes are %s.", res.err[i].letter,
			    MODE_LETTERS);
			break;
		case NUM_KEY_SET:
			conn_notice(c, "%s has a key already: /mode -k first.", ch->name);
			break;
		case NUM_BAN_LIST_FULL:
			conn_notice(c, "The %c list of %s is full.", res.err[i].letter, ch->name);
			break;
		case NUM_INVALID_MODE_PARAM:
			conn_notice(c, "Mode %c needs a valid parameter (a nick, mask, key or number).",
			    res.err[i].letter);
			break;
		case NUM_CHANOP_PRIVS_NEEDED:
			say_error(c, res.err[i].e, ch->name);
			break;
		default:
			say_error(c, res.err[i].e, res.err[i].arg);
			break;
		}
	}
	for (const char *l = res.lists; *l != '\0'; l++) {
		struct chan_masks *list = chan_list(ch, *l);
		conn_notice(c, "%s list of %s: %zu %s", *l == 'b' ? "Ban" : *l == 'e' ? "Exception" : "Invite exception",
		    ch->name, list->n, list->n == 1 ? "mask" : "masks");
		for (size_t i = 0; i < list->n; i++)
			conn_notice(c, "  %s (by %s)", list->v[i].mask, list->v[i].setter);
	}
	if (res.applied[0] != '\0') {
		mode_describe(res.applied, ch->name, what, sizeof what);
		conn_notice(c, "You %s.", what);
	} else if (nwords == 1 && words[0][0] == '\0') {
		char flags[16];
		mode_flags_str(ch->modes, flags, sizeof flags);
		conn_notice(c, "%s has modes %s%s%s.", ch->name, flags, ch->key[0] ? ", a key" : "",
		    ch->limit ? ", a limit" : "");
	}
}

static void
p_mode(struct conn *c, char *arg)
{
	char *words[IRC_PARAMS_MAX], *rest = arg;
	int n = 0;
	struct channel *ch = room_of(c);

	if (ch == NULL)
		return;
	while (*rest != '\0' && n < IRC_PARAMS_MAX)
		words[n++] = first_word(rest, &rest);
	if (n == 0)
		words[n++] = rest; /* "" asks what the modes are */
	room_mode(c, ch, n, words);
}

/* /op NICK, /deop NICK, /voice NICK, /devoice NICK. */
static void
status_change(struct conn *c, char *arg, const char *modes, const char *usage)
{
	char *rest, *nick = first_word(arg, &rest);
	struct channel *ch = room_of(c);

	if (ch == NULL)
		return;
	if (nick[0] == '\0') {
		conn_notice(c, "Usage: %s", usage);
		return;
	}
	room_mode(c, ch, 2, (char *[]){ (char *)modes, nick });
}

static void
p_op(struct conn *c, char *arg)
{
	status_change(c, arg, "+o", "/op NICK");
}

static void
p_deop(struct conn *c, char *arg)
{
	status_change(c, arg, "-o", "/deop NICK");
}

static void
p_voice(struct conn *c, char *arg)
{
	status_change(c, arg, "+v", "/voice NICK");
}

static void
p_devoice(struct conn *c, char *arg)
{
	status_change(c, arg, "-v", "/devoice NICK");
}

static void
p_kick(struct conn *c, char *arg)
{
	char *reason, *nick = first_word(arg, &reason);
	struct channel *ch = room_of(c);
	enum num_error err;

	if (ch == NULL)
		return;
	if (nick[0] == '\0') {
		conn_notice(c, "Usage: /kick NICK [REASON]");
		return;
	}
	err = act_kick(c, ch->name, nick, reason);
	if (err == NUM_OK)
		conn_notice(c, "You removed %s from %s.", nick, ch->name);
	else
		say_error(c, err, err == NUM_NO_SUCH_NICK || err == NUM_USER_NOT_IN_CHANNEL ? nick : ch->name);
}

static void
p_topic(struct conn *c, char *arg)
{
	struct channel *ch = room_of(c);
	enum num_error err;

	if (ch == NULL)
		return;
	if (arg[0] == '\0') {
		conn_notice(c, ch->topic ? "Topic of %s: %s" : "%s has no topic.", ch->name,
		    ch->topic ? ch->topic : "");
		return;
	}
	err = act_set_topic(c, ch->name, arg);
	if (err == NUM_OK)
		conn_notice(c, "You set the topic of %s.", ch->name);
	else
		say_error(c, err, ch->name);
}

static void
p_invite(struct conn *c, char *arg)
{
	char *rest, *nick = first_word(arg, &rest);
	struct channel *ch = room_of(c);
	enum num_error err;

	if (ch == NULL)
		return;
	if (nick[0] == '\0') {
		conn_notice(c, "Usage: /invite NICK");
		return;
	}
	err = act_invite(c, nick, ch->name);
	if (err == NUM_OK)
		conn_notice(c, "You invited %s to %s.", nick, ch->name);
	else
		say_error(c, err, err == NUM_NO_SUCH_NICK || err == NUM_USER_ON_CHANNEL ? nick : ch->name);
}

/* The slash commands, by the lower-case name typed after the slash. */
static const struct {
	const char *name;
	void (*fn)(struct conn *, char *arg);
} plain_commands[] = {
	{ "nick", p_nick },
	{ "me", p_me },
	{ "msg", p_msg },
	{ "register", p_register },
	{ "identify", p_identify },
	{ "login", p_identify },
	{ "who", p_who },
	{ "names", p_who },
	{ "topic", p_topic },
	{ "op", p_op },
	{ "deop", p_deop },
	{ "voice", p_voice },
	{ "devoice", p_devoice },
	{ "kick", p_kick },
	{ "invite", p_invite },
	{ "mode", p_mode },
	{ "help", p_help },
	{ "quit", p_quit },
	{ "exit", p_quit },
};

static void
plain_command(struct conn *c, char *cmd, char *arg)
{
	char safe[64];

	for (size_t i = 0; i < sizeof plain_commands / sizeof plain_commands[0]; i++) {
		if (strcmp(cmd, plain_commands[i].name) == 0) {
			plain_commands[i].fn(c, arg);
			return;
		}
	}
	san_text(safe, sizeof safe, cmd, strlen(cmd), SAN_DEFAULT);
	conn_notice(c, "Unknown command /%s; /help lists commands.", safe);
}

void
plain_too_long(struct conn *c)
{
	/* Only the tail of a line begun before the connection turned plain: lines are split. */
	conn_notice(c, "That line was too long to send.");
}

void
plain_line(struct conn *c, char *line)
{
	if (looks_like_pass(line)) {
		conn_notice(c,
		    "That line looks like a password (PASS ...), so it was not sent to "
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
