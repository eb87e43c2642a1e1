#include "client/commands.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/net.h"
#include "common/util.h"

enum {
	TARGET_LEN = CHANNEL_LEN > NICK_LEN ? CHANNEL_LEN : NICK_LEN, /* a nick or a channel */
	CMD_NAME_LEN = 31, /* longer than any command's name */
};

struct cmd {
	const char *name;
	int min_args;       /* words required after the name */
	bool needs_link;    /* only while registered */
	const char *usage;
	enum cmd_action (*fn)(struct session *, const char *args, int64_t now);
};

static bool
linked(const struct session *s)
{
	return s->state == SESS_CONNECTED;
}

/*
 * Copies the first word of *args into buf and advances *args past it and its spaces.
 * Returns false, with an error shown and buf empty, when the word does not fit in cap - 1
 * bytes: a cut word would name another nick or channel.
 */
static bool
next_word(struct session *s, const char **args, char *buf, size_t cap, const char *what)
{
	const char *p = *args;
	size_t n = strcspn(p, " ");
	bool fits = n < cap;
	if (fits) {
		memcpy(buf, p, n);
		buf[n] = '\0';
	} else {
		buf[0] = '\0';
		sess_info(s, SB_ERROR, "That %s is too long: at most %zu bytes", what, cap - 1);
	}
	p += n;
	while (*p == ' ')
		p++;
	*args = p;
	return fits;
}

static const char *
cur_name(const struct session *s)
{
	const struct sess_chan *c = sess_current(s);
	return c != NULL ? c->name : NULL;
}

/* Parses a whole decimal number in [min, max]. */
static bool
str_to_int(const char *p, int min, int max, int *out)
{
	int v = 0;
	if (*p == '\0')
		return false;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (*p - '0')) > max)
			return false;
	while (*p == ' ')
		p++;
	if (*p != '\0' || v < min)
		return false;
	*out = v;
	return true;
}

static enum cmd_action
c_connect(struct session *s, const char *args, int64_t now)
{
	char host[SESS_HOST_LEN + 1], port[SESS_PORT_LEN + 1], word[SESS_HOST_LEN + 16];
	bool tls = false;

	(void)now;
	if (!next_word(s, &args, word, sizeof word, "address"))
		return CMD_NONE;
	int rc = sess_parse_server(word, host, sizeof host, port, sizeof port, &tls);
	if (rc == NET_SPLIT_BADPORT) {
		sess_info(s, SB_ERROR, "Port %s is out of range: a port is 1 to 65535", port);
		return CMD_NONE;
	}
	if (rc < 0) {
		sess_info(s, SB_ERROR,
		    "Cannot read %s as [ircs://]HOST[:PORT] (IPv6: [ADDR]:PORT)", word);
		return CMD_NONE;
	}
	if (s->state == SESS_CONNECTED || s->state == SESS_REGISTERING)
		sess_send(s, "QUIT :Changing server");
	sess_set_server(s, host, port);
	sess_set_tls(s, tls, NULL);
	s->attempt = 0;
	return CMD_CONNECT;
}

static enum cmd_action
c_trust(struct session *s, const char *args, int64_t now)
{
	(void)args;
	(void)now;
	if (s->refused_fp[0] == '\0') {
		sess_info(s, SB_INFO, "Nothing to trust: no changed certificate was refused");
		return CMD_NONE;
	}
	return CMD_TRUST;
}

static enum cmd_action
c_disconnect(struct session *s, const char *args, int64_t now)
{
	(void)now;
	if (s->state == SESS_IDLE) {
		sess_info(s, SB_INFO, "Not connected");
		return CMD_NONE;
	}
	s->user_quit = true;
	if (s->state == SESS_CONNECTED || s->state == SESS_REGISTERING)
		sess_send(s, "QUIT :%s", args[0] ? args : "Leaving");
	return CMD_DISCONNECT;
}

static enum cmd_action
c_quit(struct session *s, const char *args, int64_t now)
{
	(void)now;
	s->user_quit = true;
	if (s->state == SESS_CONNECTED || s->state == SESS_REGISTERING)
		sess_send(s, "QUIT :%s", args[0] ? args : "Leaving");
	return CMD_QUIT;
}

static enum cmd_action
c_nick(struct session *s, const char *args, int64_t now)
{
	char nick[NICK_LEN + 1];

	(void)now;
	if (!next_word(s, &args, nick, sizeof nick, "nick"))
		return CMD_NONE;
	if (!irc_valid_nick(nick)) {
		sess_info(s, SB_ERROR, "Not a valid nick: %s", nick);
		return CMD_NONE;
	}
	str_copy(s->want_nick, nick, sizeof s->want_nick);
	if (s->state == SESS_CONNECTED || s->state == SESS_REGISTERING) {
		sess_send(s, "NICK %s", nick);
	} else {
		/* Registration asks for s->nick: the nick we had, or this one now. */
		str_copy(s->nick, nick, sizeof s->nick);
		sess_info(s, SB_INFO, "Will use nick %s when connected", nick);
	}
	return CMD_NONE;
}

static enum cmd_action
c_join(struct session *s, const char *args, int64_t now)
{
	char chan[CHANNEL_LEN + 1];
	struct sess_chan *c;

	(void)now;
	if (!next_word(s, &args, chan, sizeof chan, "channel name"))
		return CMD_NONE;
	if (!irc_is_channel(chan)) {
		/* "/join lan" means #lan, if the '#' still fits. */
		size_t n = strlen(chan);
		if (n + 1 > CHANNEL_LEN) {
			sess_info(s, SB_ERROR,
			    "That channel name is too long: at most %d bytes with its '#'",
			    CHANNEL_LEN);
			return CMD_NONE;
		}
		memmove(chan + 1, chan, n + 1);
		chan[0] = '#';
	}
	/* Its window, if it has one, is shown at once; the JOIN's answer opens a new one. */
	win_select(s->wins, win_find(s->wins, chan));
	/* A channel we are leaving (PART not yet confirmed) is joined again, not switched to. */
	if ((c = sess_find_chan(s, chan)) != NULL && !c->parting)
		return CMD_NONE;
	sess_send(s, "JOIN %s", chan);
	return CMD_NONE;
}

static enum cmd_action
c_part(struct session *s, const char *args, int64_t now)
{
	char chan[CHANNEL_LEN + 1];

	(void)now;
	if (irc_is_channel(args)) {
		if (!next_word(s, &args, chan, sizeof chan, "channel name"))
			return CMD_NONE;
	} else if (cur_name(s) != NULL) {
		str_copy(chan, cur_name(s), sizeof chan);
	} else {
		sess_info(s, SB_ERROR, "Not in a channel");
		return CMD_NONE;
	}
	sess_autojoin_del(s, chan);
	struct sess_chan *c = sess_find_chan(s, chan);
	if (c != NULL)
		c->parting = true;
	if (args[0] != '\0')
		sess_send(s, "PART %s :%s", chan, args);
	else
		sess_send(s, "PART %s", chan);
	return CMD_NONE;
}

static enum cmd_action
c_msg(struct session *s, const char *args, int64_t now)
{
	char target[TARGET_LEN + 1];

	(void)now;
	if (!next_word(s, &args, target, sizeof target, "nick or channel"))
		return CMD_NONE;
	if (args[0] == '\0') {
		sess_info(s, SB_ERROR, "Usage: /msg NICK TEXT");
		return CMD_NONE;
	}
	sess_say(s, target, args, false);
	return CMD_NONE;
}

/* /query NICK [TEXT]: opens (and shows) the window of a private conversation. */
static enum cmd_action
c_query(struct session *s, const char *args, int64_t now)
{
	char target[TARGET_LEN + 1];
	const char *rest = args;

	if (!next_word(s, &rest, target, sizeof target, "nick"))
		return CMD_NONE;
	if (!irc_valid_nick(target)) {
		sess_info(s, SB_ERROR, "Not a nick: %s (/join a channel)", target);
		return CMD_NONE;
	}
	int win = sess_query_win(s, target);
	if (win < 0) {
		sess_info(s, SB_ERROR, "Too many windows open (%d): /close one first", WINDOWS_MAX);
		return CMD_NONE;
	}
	win_select(s->wins, win);
	if (rest[0] != '\0')
		return c_msg(s, args, now);
	return CMD_NONE;
}

/* /close [N]: a channel is left, a conversation closed; the server window stays. */
static enum cmd_action
c_close(struct session *s, const char *args, int64_t now)
{
	int i = s->wins->cur;

	(void)now;
	if (args[0] != '\0' && !str_to_int(args, 1, s->wins->n, &i)) {
		sess_info(s, SB_ERROR, "No window %s (there are %d)", args, s->wins->n);
		return CMD_NONE;
	}
	if (args[0] != '\0')
		i--;
	struct win *w = win_get(s->wins, i);
	if (w->kind == WIN_SERVER) {
		sess_info(s, SB_ERROR, "The server window stays open (/quit leaves)");
		return CMD_NONE;
	}
	if (w->kind == WIN_CHANNEL) {
		struct sess_chan *c = sess_find_chan(s, w->name);
		sess_autojoin_del(s, w->name);
		if (c != NULL && linked(s)) {
			c->parting = true;
			sess_send(s, "PART %s", w->name);
		}
	}
	win_close(s->wins, i);
	return CMD_NONE;
}

/* /win N shows window N; /win alone lists them. */
static enum cmd_action
c_win(struct session *s, const char *args, int64_t now)
{
	int n;

	(void)now;
	if (args[0] == '\0') {
		for (int i = 0; i < s->wins->n; i++) {
			const struct win *w = win_get(s->wins, i);
			sess_info(s, SB_INFO, "  %d: %s%s", i + 1,
			    w->kind == WIN_SERVER ? "server window" : w->name,
			    w->kind == WIN_QUERY ? " (private)" : "");
		}
		return CMD_NONE;
	}
	if (!str_to_int(args, 1, s->wins->n, &n)) {
		sess_info(s, SB_ERROR, "No window %s: there are %d (/win lists them)", args,
		    s->wins->n);
		return CMD_NONE;
	}
	win_select(s->wins, n - 1);
	return CMD_NONE;
}

/* /motd asks for the message of the day again and shows it in the server window. */
static enum cmd_action
c_motd(struct session *s, const char *args, int64_t now)
{
	(void)args;
	(void)now;
	s->motd_asked = true;
	sess_send(s, "MOTD");
	win_select(s->wins, 0);
	return CMD_NONE;
}

/*
 * "/register": the current nick becomes an account that our own certificate logs in to
 * (over TLS, without a password); "/register PASSWORD" sets a password as well, for other
 * clients. Logged in already, it only sets the password.
 */
static enum cmd_action
c_register(struct session *s, const char *args, int64_t now)
{
	(void)now;
	while (*args == ' ')
		args++;
	if (s->account[0] != '\0' && args[0] == '\0') {
		sess_info(s, SB_INFO, "You are logged in as %s already; /register PASSWORD sets a "
		                      "password for other clients", s->account);
		return CMD_NONE;
	}
	if (args[0] == '\0' && !(s->tls && s->have_cert)) {
		sess_info(s, SB_ERROR, "Without TLS your key cannot log you in: connect with "
		                       "ircs:// or give a password (/register PASSWORD)");
		return CMD_NONE;
	}
	if (strchr(args, ' ') != NULL) {
		sess_info(s, SB_ERROR, "A password is one word: /register [PASSWORD]");
		return CMD_NONE;
	}
	if (args[0] == '\0')
		sess_send(s, "PRIVMSG NickServ :REGISTER");
	else if (s->account[0] != '\0')
		sess_send(s, "PRIVMSG NickServ :SET PASSWORD %s", args);
	else
		sess_send(s, "PRIVMSG NickServ :REGISTER %s", args);
	return CMD_NONE;
}

static enum cmd_action
c_whois(struct session *s, const char *args, int64_t now)
{
	char nick[NICK_LEN + 1];

	(void)now;
	if (!next_word(s, &args, nick, sizeof nick, "nick"))
		return CMD_NONE;
	sess_send(s, "WHOIS %s", nick);
	return CMD_NONE;
}

static enum cmd_action
c_who(struct session *s, const char *args, int64_t now)
{
	char target[TARGET_LEN + 1];

	(void)now;
	if (!next_word(s, &args, target, sizeof target, "nick or channel"))
		return CMD_NONE;
	if (target[0] == '\0') {
		if (cur_name(s) == NULL) {
			sess_info(s, SB_ERROR, "Usage: /who #CHANNEL");
			return CMD_NONE;
		}
		str_copy(target, cur_name(s), sizeof target);
	}
	sess_who(s, target, true);
	return CMD_NONE;
}

static enum cmd_action
c_list(struct session *s, const char *args, int64_t now)
{
	(void)args;
	(void)now;
	sess_send(s, "LIST");
	return CMD_NONE;
}

static enum cmd_action
c_me(struct session *s, const char *args, int64_t now)
{
	(void)now;
	if (sess_talk_target(s) == NULL) {
		sess_info(s, SB_ERROR, "Not in a channel: /join one first");
		return CMD_NONE;
	}
	sess_say(s, sess_talk_target(s), args, true);
	return CMD_NONE;
}

static enum cmd_action
c_away(struct session *s, const char *args, int64_t now)
{
	(void)now;
	if (args[0] != '\0')
		sess_send(s, "AWAY :%s", args);
	else
		sess_send(s, "AWAY");
	return CMD_NONE;
}

static enum cmd_action
c_names(struct session *s, const char *args, int64_t now)
{
	(void)now;
	const char *chan = args[0] ? args : cur_name(s);
	if (chan == NULL) {
		sess_info(s, SB_ERROR, "Usage: /names #CHANNEL");
		return CMD_NONE;
	}
	sess_send(s, "NAMES %s", chan);
	return CMD_NONE;
}

static enum cmd_action
c_topic(struct session *s, const char *args, int64_t now)
{
	(void)now;
	const char *chan = cur_name(s);
	if (chan == NULL) {
		sess_info(s, SB_ERROR, "Not in a channel");
		return CMD_NONE;
	}
	if (args[0] != '\0')
		sess_send(s, "TOPIC %s :%s", chan, args);
	else
		sess_send(s, "TOPIC %s", chan);
	return CMD_NONE;
}

static enum cmd_action
c_clear(struct session *s, const char *args, int64_t now)
{
	(void)args;
	(void)now;
	sb_clear(&win_current(s->wins)->sb);
	return CMD_NONE;
}

static enum cmd_action
c_wire(struct session *s, const char *args, int64_t now)
{
	(void)s;
	(void)args;
	(void)now;
	return CMD_WIRE;
}

static enum cmd_action
c_welcome(struct session *s, const char *args, int64_t now)
{
	(void)s;
	(void)args;
	(void)now;
	return CMD_WELCOME;
}

static enum cmd_action
c_servers(struct session *s, const char *args, int64_t now)
{
	(void)s;
	(void)args;
	(void)now;
	return CMD_SERVERS;
}

static enum cmd_action
c_lan(struct session *s, const char *args, int64_t now)
{
	(void)s;
	(void)args;
	(void)now;
	return CMD_LAN;
}

static enum cmd_action
c_raw(struct session *s, const char *args, int64_t now)
{
	(void)now;
	sess_send(s, "%s", args);
	return CMD_NONE;
}

/* /set shows every setting; /set KEY shows one; /set KEY VALUE changes it for this run. */
static enum cmd_action
c_set(struct session *s, const char *args, int64_t now)
{
	char key[64], val[CFG_PATH_MAX], err[CFG_ERR_MAX];

	(void)now;
	if (s->cfg == NULL) {
		sess_info(s, SB_ERROR, "No settings here");
		return CMD_NONE;
	}
	if (!next_word(s, &args, key, sizeof key, "setting"))
		return CMD_NONE;
	if (key[0] == '\0') {
		sess_info(s, SB_INFO, "Settings (/set KEY VALUE changes one for this run; the "
		    "config file keeps them):");
		for (size_t i = 0; cfg_keys[i] != NULL; i++) {
			cfg_get(s->cfg, cfg_keys[i], val, sizeof val);
			sess_info(s, SB_INFO, "  %s = %s", cfg_keys[i], val);
		}
		return CMD_NONE;
	}
	if (args[0] == '\0') {
		if (cfg_get(s->cfg, key, val, sizeof val))
			sess_info(s, SB_INFO, "%s = %s", key, val);
		else
			sess_info(s, SB_ERROR, "No setting %s (/set lists them)", key);
		return CMD_NONE;
	}
	if (!cfg_set(s->cfg, key, args, err, sizeof err)) {
		sess_info(s, SB_ERROR, "/set %s: %s", key, err);
		return CMD_NONE;
	}
	cfg_get(s->cfg, key, val, sizeof val);
	sess_info(s, SB_INFO, "%s = %s (for this run)", key, val);
	return CMD_SET;
}

/* /find TEXT searches this window, newest first, then its log; /find alone goes on. */
static enum cmd_action
c_find(struct session *s, const char *args, int64_t now)
{
	(void)now;
	if (args[0] != '\0') {
		str_copy(s->find, args, sizeof s->find);
		s->find_new = true;
	} else if (s->find[0] == '\0') {
		sess_info(s, SB_ERROR, "Usage: /find TEXT (then /find alone for the next match)");
		return CMD_NONE;
	}
	return CMD_FIND;
}

/* Files: the transfers live outside the session; the words are handed over as typed. */
static enum cmd_action
c_file(struct session *s, const char *args, int64_t now)
{
	(void)now;
	if (s->on_file_cmd == NULL) {
		sess_info(s, SB_ERROR, "File transfers are not available here");
		return CMD_NONE;
	}
	s->on_file_cmd(s->on_file_cmd_arg, s->cmd_name, args);
	return CMD_NONE;
}

static enum cmd_action c_help(struct session *s, const char *args, int64_t now);

static const struct cmd commands[] = {
	{ "/accept", 1, true, "/accept NICK [FILE]: take a file NICK offers (into ~/Downloads)",
	    c_file },
	{ "/away", 0, true, "/away [TEXT]: mark yourself away (no text: back)", c_away },
	{ "/cancel", 1, false, "/cancel N: stop transfer N (see /transfers)", c_file },
	{ "/clear", 0, false, "/clear: empty this window", c_clear },
	{ "/close", 0, false, "/close [N]: close this window (or window N); leaves its channel",
	    c_close },
	{ "/connect", 1, false,
	    "/connect [ircs://]HOST[:PORT]: connect to another server (ircs://: over TLS)",
	    c_connect },
	{ "/decline", 1, true, "/decline NICK [FILE]: refuse a file NICK offers", c_file },
	{ "/disconnect", 0, false, "/disconnect [TEXT]: leave the server, stay open",
	    c_disconnect },
	{ "/find", 0, false, "/find [TEXT]: show the newest line with TEXT here (or in the log); "
	    "again for the one before", c_find },
	{ "/help", 0, false, "/help: this list", c_help },
	{ "/join", 1, true, "/join #CHANNEL: join, or switch to, a channel", c_join },
	{ "/lan", 0, false, "/lan: show or hide the people on the LAN (F4)", c_lan },
	{ "/list", 0, true, "/list: the channels on the server, with users and topics", c_list },
	{ "/me", 1, true, "/me TEXT: an action (\"* you TEXT\")", c_me },
	{ "/motd", 0, true, "/motd: the server's message of the day, in the server window", c_motd },
	{ "/msg", 2, true, "/msg NICK TEXT: a private message", c_msg },
	{ "/names", 0, true, "/names [#CHANNEL]: who is in the channel", c_names },
	{ "/nick", 1, false, "/nick NAME: change your nick", c_nick },
	{ "/part", 0, true, "/part [#CHANNEL] [REASON]: leave a channel", c_part },
	{ "/query", 1, true, "/query NICK [TEXT]: a window for a private conversation", c_query },
	{ "/quit", 0, false, "/quit [TEXT]: leave and exit", c_quit },
	{ "/raw", 1, true, "/raw LINE: send a protocol line as it is", c_raw },
	{ "/register", 0, true,
	    "/register [PASSWORD]: keep your nick: your key logs you in (over TLS), a password "
	    "from other clients", c_register },
	{ "/send", 2, true, "/send NICK FILE: offer a file to NICK (DCC, as irssi and weechat do)",
	    c_file },
	{ "/servers", 0, false, "/servers: list the servers heard on the LAN and choose one",
	    c_servers },
	{ "/set", 0, false, "/set [KEY [VALUE]]: show the settings, or change one for this run",
	    c_set },
	{ "/topic", 0, true, "/topic [TEXT]: show or set the channel topic", c_topic },
	{ "/transfers", 0, false, "/transfers: the files offered, coming and going", c_file },
	{ "/trust", 0, false,
	    "/trust: accept the changed certificate a server showed, after checking it",
	    c_trust },
	{ "/welcome", 0, false, "/welcome: show or hide the welcome pane (F3)", c_welcome },
	{ "/win", 0, false, "/win [N]: show window N (Alt-N); alone, list the windows", c_win },
	{ "/who", 0, true, "/who [#CHANNEL]: who is in a channel, with their addresses", c_who },
	{ "/whois", 1, true, "/whois NICK: who a user is, where from, which channels", c_whois },
	{ "/wire", 0, false, "/wire: show or hide the raw protocol lines (F2)", c_wire },
};

enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

const char *const cmd_names[] = {
	"/accept", "/away", "/cancel", "/clear", "/close", "/connect", "/decline", "/disconnect",
	"/find", "/help", "/join", "/lan", "/list", "/me", "/motd", "/msg", "/names", "/nick",
	"/part", "/query", "/quit", "/raw", "/register", "/send", "/servers", "/set", "/topic", "/transfers",
	"/trust", "/welcome", "/who", "/whois", "/win", "/wire",
};
const size_t cmd_count = sizeof cmd_names / sizeof cmd_names[0];

static enum cmd_action
c_help(struct session *s, const char *args, int64_t now)
{
	(void)args;
	(void)now;
	sess_info(s, SB_INFO, "Commands (text without a / goes to this window's channel or person):");
	for (size_t i = 0; i < NCOMMANDS; i++)
		sess_info(s, SB_INFO, "  %s", commands[i].usage);
	sess_info(s, SB_INFO, "Keys: Alt-1..9, Alt-Left/Right or Ctrl-N/Ctrl-P switch windows, "
	    "PgUp/PgDn scroll, F2 wire view, F3 folds the welcome, F4 LAN view, Tab completes, "
	    "Up/Down history, Ctrl-L redraws, Ctrl-C quits");
	return CMD_NONE;
}

enum ed_result
cmd_complete(struct session *s, struct editor *ed)
{
	const char *cands[COMPLETION_CANDIDATES_MAX];
	size_t n = 0;
	const struct sess_chan *shown = sess_current(s);
	struct sess_chan *c = shown != NULL ? sess_find_chan(s, shown->name) : NULL;
	bool cmd = ed_word_start(ed) == 0 && ed->buf[0] == '/';

	if (cmd) {
		for (size_t i = 0; i < cmd_count && n < COMPLETION_CANDIDATES_MAX; i++)
			cands[n++] = cmd_names[i];
	} else {
		if (c != NULL)
			chan_sort(c);
		for (size_t i = 0; c != NULL && i < c->nmembers && n < COMPLETION_CANDIDATES_MAX;
		    i++)
			if (irc_casecmp(c->members[i]->nick, s->nick) != 0)
				cands[n++] = c->members[i]->nick;
		for (int i = 0; i < s->nchans && n < COMPLETION_CANDIDATES_MAX; i++)
			cands[n++] = s->chans[i].name;
	}
	return ed_complete(ed, cands, n, cmd ? " " : ": ");
}

static int
count_words(const char *p)
{
	int n = 0;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		n++;
		p += strcspn(p, " ");
	}
	return n;
}

enum cmd_action
cmd_run(struct session *s, const char *line, int64_t now)
{
	char name[CMD_NAME_LEN + 1];
	const char *args = line;

	/* "//text" sends "/text" as a message. */
	if (line[0] != '/' || line[1] == '/') {
		const char *text = line[0] == '/' ? line + 1 : line;
		if (text[0] == '\0')
			return CMD_NONE;
		if (!linked(s)) {
			sess_info(s, SB_ERROR, "Not connected: the message was not sent");
			return CMD_NONE;
		}
		const char *target = sess_talk_target(s);
		const struct win *w = win_current(s->wins);
		if (target == NULL && w->kind == WIN_CHANNEL) {
			sess_info(s, SB_ERROR, "You are not in %s: /join %s", w->name, w->name);
			return CMD_NONE;
		}
		if (target == NULL) {
			sess_info(s, SB_ERROR, "This is the server window: /join #CHANNEL or "
			    "/query NICK, or switch windows with Alt-1..9 or Ctrl-N/Ctrl-P");
			return CMD_NONE;
		}
		sess_say(s, target, text, false);
		return CMD_NONE;
	}
	if (!next_word(s, &args, name, sizeof name, "command"))
		return CMD_NONE;
	for (char *p = name; *p; p++)
		*p = irc_tolower(*p);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct cmd *c = &commands[i];
		if (strcmp(c->name, name) != 0)
			continue;
		if (count_words(args) < c->min_args) {
			sess_info(s, SB_ERROR, "Usage: %s", c->usage);
			return CMD_NONE;
		}
		if (c->needs_link && !linked(s)) {
			sess_info(s, SB_ERROR, "Not connected: %s needs a server", c->name);
			return CMD_NONE;
		}
		s->cmd_name = c->name;
		return c->fn(s, args, now);
	}
	sess_info(s, SB_ERROR, "Unknown command %s (try /help)", name);
	return CMD_NONE;
}
