#include "server/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/accounts.h"
#include "server/archive.h"
#include "server/actions.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/info.h"
#include "server/modes.h"
#include "server/nickserv.h"
#include "server/nsparse.h"
#include "server/numerics.h"
#include "server/query.h"
#include "server/sasl.h"
#include "server/server.h"

/* What a capability needs from the server to be offered. */
enum cap_need { NEED_NONE, NEED_HISTORY, NEED_ACCOUNTS };

/* The capabilities offered; history's only while the server keeps it, accounts' with a store. */
static const struct {
	const char *name;
	unsigned bit;
	enum cap_need need;
	const char *value; /* shown to clients that asked for CAP LS 302 */
} caps[] = {
	{ "server-time", CAP_SERVER_TIME, NEED_NONE, NULL },
	{ "echo-message", CAP_ECHO_MESSAGE, NEED_NONE, NULL },
	{ "message-tags", CAP_MESSAGE_TAGS, NEED_NONE, NULL },
	{ "batch", CAP_BATCH, NEED_NONE, NULL },
	{ "draft/chathistory", CAP_CHATHISTORY, NEED_HISTORY, NULL },
	{ "draft/event-playback", CAP_EVENT_PLAYBACK, NEED_HISTORY, NULL },
	{ "sasl", CAP_SASL, NEED_ACCOUNTS, SASL_MECHS },
	{ "account-tag", CAP_ACCOUNT_TAG, NEED_NONE, NULL },
	{ "account-notify", CAP_ACCOUNT_NOTIFY, NEED_NONE, NULL },
	{ "extended-join", CAP_EXTENDED_JOIN, NEED_NONE, NULL },
	{ "draft/account-registration", CAP_ACCOUNT_REGISTRATION, NEED_ACCOUNTS,
	    "before-connect" },
	{ "multi-prefix", CAP_MULTI_PREFIX, NEED_NONE, NULL },
	{ "userhost-in-names", CAP_USERHOST_IN_NAMES, NEED_NONE, NULL },
	{ "invite-notify", CAP_INVITE_NOTIFY, NEED_NONE, NULL },
};
enum { NCAPS = sizeof caps / sizeof caps[0], CAP_VALUES_VERSION = 302 };

static bool
cap_offered(int i)
{
	return caps[i].need == NEED_NONE || (caps[i].need == NEED_HISTORY && arc_on()) ||
	    (caps[i].need == NEED_ACCOUNTS && acct_enabled());
}

/*
 * The names of the offered capabilities in mask (all offered: ~0u), space-separated, with
 * their values when asked.
 */
static void
cap_names(unsigned mask, bool values, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < NCAPS; i++) {
		if (!(mask & caps[i].bit) || !cap_offered(i))
			continue;
		n += (size_t)snprintf(buf + n, cap - n, "%s%s%s%s", n ? " " : "", caps[i].name,
		    values && caps[i].value ? "=" : "", values && caps[i].value ? caps[i].value : "");
		if (n >= cap)
			break;
	}
}

enum {
	CAP_SUB_LEN = 16, /* longest CAP subcommand kept */
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
try_register(struct conn *c)
{
	char pfx[CONN_PREFIX_LEN];

	if (c->registered || c->cap_held || !c->got_user || c->nick[0] == '\0')
		return;
	act_register(c);
	prefix_of(c, pfx);
	log_info("register #%u %s (irc) from %s", c->id, pfx, c->host);
	info_welcome(c, pfx);
	acct_nick_taken(c);
	acct_deliver_kept(c);
}

/* Ends an AUTHENTICATE exchange with a numeric (904 ...), forgetting what it held. */
static void
sasl_end(struct conn *c, const char *num, const char *text)
{
	if (num != NULL)
		conn_reply(c, num, ":%s", text);
	if (c->sasl != NULL) {
		explicit_bzero(c->sasl, sizeof *c->sasl);
		free(c->sasl);
		c->sasl = NULL;
	}
}

/* Why a login failed, as a notice, when a bare 904 would leave the user guessing. */
static void
login_failed(struct conn *c, enum acct_result r)
{
	if (r == ACCT_NOT_SECURE || r == ACCT_RATE_LIMITED || r == ACCT_NO_STORE ||
	    r == ACCT_NO_CERT || r == ACCT_UNKNOWN_CERT)
		conn_notice(c, "%s", acct_result_text(r));
}

/* The decoded message of a finished exchange, checked and (if good) logged in. */
static void
sasl_finish(struct conn *c)
{
	char msg[SASL_MSG_MAX], name[NICK_LEN + 1];
	int len = sasl_decode(c->sasl, msg, sizeof msg);
	enum acct_result r = ACCT_BAD_CREDENTIALS;
	const char *how = "SASL PLAIN";

	if (len < 0) {
		sasl_end(c, "904", "SASL authentication failed");
		return;
	}
	if (c->sasl->mech == SASL_PLAIN) {
		struct sasl_plain p;
		if (sasl_plain_split(msg, (size_t)len, &p))
			r = acct_check_password(c, p.authcid, p.passwd, name, sizeof name);
		explicit_bzero(&p, sizeof p);
	} else {
		how = "SASL EXTERNAL";
		r = acct_check_cert(c, name, sizeof name);
		/* An authorization identity, if given, must be the account itself. */
		if (r == ACCT_OK && len > 0 && irc_casecmp(msg, name) != 0)
			r = ACCT_BAD_CREDENTIALS;
	}
	explicit_bzero(msg, sizeof msg);
	if (r != ACCT_OK) {
		login_failed(c, r);
		sasl_end(c, "904", "SASL authentication failed");
		return;
	}
	sasl_end(c, NULL, NULL);
	act_login(c, name, how);
	conn_reply(c, "903", ":SASL authentication successful");
}

static int
h_authenticate(struct conn *c, struct irc_msg *m)
{
	const char *arg = m->params[0];

	if (!(c->caps & CAP_SASL) || !acct_enabled()) {
		conn_reply(c, "904", ":SASL authentication failed");
		return 0;
	}
	if (c->account[0] != '\0') {
		sasl_end(c, "907", "You have already authenticated using SASL");
		return 0;
	}
	if (c->sasl == NULL) {
		enum sasl_mech mech = sasl_mech_parse(arg);
		if (mech == SASL_NONE) {
			conn_reply(c, "908", "%s :are available SASL mechanisms", SASL_MECHS);
			conn_reply(c, "904", ":SASL authentication failed");
			return 0;
		}
		if (mech == SASL_PLAIN && !acct_password_allowed(c)) {
			login_failed(c, ACCT_NOT_SECURE);
			conn_reply(c, "904", ":SASL authentication failed");
			return 0;
		}
		c->sasl = xmalloc(sizeof *c->sasl);
		sasl_start(c->sasl, mech);
		conn_printf(c, "AUTHENTICATE +");
		return 0;
	}
	switch (sasl_feed(c->sasl, arg)) {
	case SASL_MORE:
		break;
	case SASL_DONE:
		sasl_finish(c);
		break;
	case SASL_ABORTED:
		sasl_end(c, "906", "SASL authentication aborted");
		break;
	case SASL_TOO_LONG:
		sasl_end(c, "905", "SASL message too long");
		break;
	case SASL_BAD:
		sasl_end(c, "904", "SASL authentication failed");
		break;
	}
	return 0;
}

/* draft/account-registration: REGISTER <account> <email> <password>, no e-mail step. */
static int
h_register(struct conn *c, struct irc_msg *m)
{
	const char *name = strcmp(m->params[0], "*") == 0 ? c->nick : m->params[0];
	const char *pw = strcmp(m->params[2], "*") == 0 ? NULL : m->params[2];
	char w[IRC_LINE_MAX];
	const char *code;

	if (name[0] == '\0') {
		conn_printf(c, ":%s FAIL REGISTER NEED_NICK * :Choose a nick first", srv.cfg.name);
		return 0;
	}
	if (pw != NULL && strlen(pw) > PASSWORD_MAX) {
		conn_printf(c, ":%s FAIL REGISTER UNACCEPTABLE_PASSWORD %s :Password too long",
		    srv.cfg.name, num_word(name, w, sizeof w));
		return 0;
	}
	enum acct_result r = acct_register(c, name, pw);
	switch (r) {
	case ACCT_OK:
		conn_printf(c, ":%s REGISTER SUCCESS %s :Account registered", srv.cfg.name,
		    c->account);
		act_login(c, c->account, "REGISTER");
		return 0;
	case ACCT_EXISTS:
		code = "ACCOUNT_EXISTS";
		break;
	case ACCT_BAD_NAME:
		code = "BAD_ACCOUNT_NAME";
		break;
	case ACCT_ALREADY_LOGGED_IN:
		code = "ALREADY_AUTHENTICATED";
		break;
	case ACCT_NOT_SECURE:
	case ACCT_NO_CREDENTIAL:
		code = "UNACCEPTABLE_PASSWORD";
		break;
	default:
		code = "TEMPORARILY_UNAVAILABLE";
		break;
	}
	conn_printf(c, ":%s FAIL REGISTER %s %s :%s", srv.cfg.name, code,
	    num_word(name, w, sizeof w), acct_result_text(r));
	return 0;
}

static int
h_verify(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	conn_printf(c, ":%s FAIL VERIFY INVALID_CODE %s :No verification is needed here",
	    srv.cfg.name, num_word(m->params[0], w, sizeof w));
	return 0;
}

static int
h_cap(struct conn *c, struct irc_msg *m)
{
	char sub[CAP_SUB_LEN];
	str_copy(sub, m->params[0], sizeof sub);
	irc_upper(sub);

	char names[IRC_LINE_MAX];

	if (strcmp(sub, "LS") == 0) {
		if (!c->registered)
			c->cap_held = true;
		cap_names(~0u, m->nparams >= 2 && atoi(m->params[1]) >= CAP_VALUES_VERSION, names,
		    sizeof names);
		conn_printf(c, ":%s CAP %s LS :%s", srv.cfg.name, conn_nick(c), names);
	} else if (strcmp(sub, "LIST") == 0) {
		cap_names(c->caps, false, names, sizeof names);
		conn_printf(c, ":%s CAP %s LIST :%s", srv.cfg.name, conn_nick(c), names);
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
			for (int i = 0; i < NCAPS; i++)
				if (strcmp(cap + off, caps[i].name) == 0 && cap_offered(i))
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
		if (c->sasl != NULL) /* registering ends an unfinished exchange */
			sasl_end(c, "906", "SASL authentication aborted");
		try_register(c);
	} else {
		num_reply(c, NUM_INVALID_CAP_CMD, m->params[0]);
	}
	return 0;
}

/*
 * No password is needed to connect to a LAN server: one is ignored, but "account:password"
 * logs in to that account, as SASL PLAIN would.
 */
static int
h_pass(struct conn *c, struct irc_msg *m)
{
	char name[NICK_LEN + 1], pw[PASSWORD_MAX + 1], acc[NICK_LEN + 1];

	if (c->registered) {
		num_reply(c, NUM_ALREADY_REGISTERED, NULL);
		return 0;
	}
	if (m->nparams != 1 || c->account[0] != '\0' || !acct_enabled() ||
	    !ns_pass_split(m->params[0], name, sizeof name, pw, sizeof pw))
		return 0;
	enum acct_result r = acct_check_password(c, name, pw, acc, sizeof acc);
	explicit_bzero(pw, sizeof pw);
	if (r == ACCT_OK)
		act_login(c, acc, "PASS");
	else
		conn_notice(c, "PASS: %s", acct_result_text(r));
	return 0;
}

static int
h_nick(struct conn *c, struct irc_msg *m)
{
	const char *nick = m->nparams > 0 ? m->params[0] : "";
	enum num_error err;

	act_reclaim(c, nick);
	err = act_check_nick(c, nick);

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

static int
h_join(struct conn *c, struct irc_msg *m)
{
	char list[IRC_LINE_MAX], keys[IRC_LINE_MAX], *save = NULL, *ksave = NULL;
	int n = 0;

	if (strcmp(m->params[0], "0") == 0) {
		act_part_all(c, "Left all channels");
		return 0;
	}
	str_copy(list, m->params[0], sizeof list);
	str_copy(keys, m->nparams > 1 ? m->params[1] : "", sizeof keys);
	/* "JOIN #a,#b k1,k2": the keys pair with the channels in order. */
	char *key = strtok_r(keys, ",", &ksave);
	for (char *name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save), key = key ? strtok_r(NULL, ",", &ksave) : NULL) {
		struct channel *ch;
		if (++n > TARGETS_MAX) {
			num_reply(c, NUM_TOO_MANY_TARGETS, name);
			break;
		}
		enum num_error err = act_join(c, name, key, &ch);
		if (err != NUM_OK)
			num_reply(c, err, name);
		else if (ch != NULL) {
			query_send_topic(c, ch, false);
			query_send_names(c, ch);
			arc_replay_join(c, ch);
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
h_topic(struct conn *c, struct irc_msg *m)
{
	struct channel *ch = srv_find_channel(m->params[0]);
	enum num_error err;

	if (ch != NULL && m->nparams < 2) {
		query_send_topic(c, ch, true);
		return 0;
	}
	err = ch == NULL ? NUM_NO_SUCH_CHANNEL : act_set_topic(c, ch->name, m->params[1]);
	if (err != NUM_OK)
		num_reply(c, err, ch != NULL ? ch->name : m->params[0]);
	return 0;
}

/*
 * Text from an IRC client to one target: an ACTION is split as one (each piece an ACTION),
 * any other CTCP is sent as it is, the rest split as text.
 */
static enum num_error
say_irc(struct conn *c, const char *target, const char *text, bool notice, const struct conn **away)
{
	char act[IRC_LINE_MAX];
	size_t len;

	if (irc_is_action(text)) {
		str_copy(act, text + strlen("\001ACTION"), sizeof act);
		len = strlen(act);
		if (len > 0 && act[len - 1] == '\001')
			act[--len] = '\0';
		if (act[act[0] == ' '] == '\0') /* an empty action */
			return act_say(c, target, text, notice, ACT_SAY_VERBATIM, away);
		return act_say(c, target, act + (act[0] == ' '), notice, ACT_SAY_ACTION, away);
	}
	return act_say(
	    c, target, text, notice, irc_is_ctcp(text) ? ACT_SAY_VERBATIM : ACT_SAY_TEXT, away);
}

/* PRIVMSG and NOTICE; each target past the first costs one more line of flood tokens. */
static int
message(struct conn *c, struct irc_msg *m, bool notice)
{
	char w[IRC_LINE_MAX];
	char list[IRC_LINE_MAX], *save = NULL;
	const char *cmd = notice ? "NOTICE" : "PRIVMSG";
	const void *sent[TARGETS_MAX];
	int n = 0, nsent = 0;

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
				conn_reply(
				    c, "407", "%s :Too many recipients", num_word(t, w, sizeof w));
			n--;
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
		if (nickserv_is(t)) {
			if (!notice)
				nickserv_line(c, m->params[1]);
			continue;
		}
		enum num_error err = say_irc(c, t, m->params[1], notice, &away);
		if (notice)
			continue; /* never an automatic reply to a NOTICE */
		if (err == NUM_OFFLINE_KEPT)
			conn_notice(c, "%s is not here; your message is kept and delivered when "
			               "they next log in.", num_word(t, w, sizeof w));
		else if (err == NUM_OFFLINE_FULL)
			conn_notice(c, "%s is not here and has %d messages waiting already; yours "
			               "was not kept.", num_word(t, w, sizeof w), OFFLINE_PER_RECIPIENT);
		else if (err != NUM_OK)
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

/* 367/368, 348/349, 346/347: a mask list of ch. */
static void
send_list(struct conn *c, struct channel *ch, char letter)
{
	static const struct {
		char letter;
		const char *item, *end, *text;
	} kinds[] = {
		{ 'b', "367", "368", "End of channel ban list" },
		{ 'e', "348", "349", "End of channel exception list" },
		{ 'I', "346", "347", "End of channel invite list" },
	};
	struct chan_masks *l = chan_list(ch, letter);

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		if (kinds[k].letter != letter)
			continue;
		for (size_t i = 0; l != NULL && i < l->n; i++)
			conn_reply(c, kinds[k].item, "%s %s %s %lld", ch->name, l->v[i].mask,
			    l->v[i].setter, (long long)l->v[i].at);
		conn_reply(c, kinds[k].end, "%s :%s", ch->name, kinds[k].text);
	}
}

/* 324 (the key shown to members and server operators alone) and 329. */
static void
send_chan_modes(struct conn *c, struct channel *ch)
{
	char flags[16], args[64] = "";
	size_t n;
	bool member = conn_in_channel(c, ch) || c->oper;

	mode_flags_str(ch->modes, flags, sizeof flags);
	n = strlen(flags);
	if (ch->key[0] != '\0' && n + 1 < sizeof flags)
		flags[n++] = 'k';
	if (ch->limit > 0 && n + 1 < sizeof flags)
		flags[n++] = 'l';
	flags[n] = '\0';
	if (ch->key[0] != '\0' && member)
		snprintf(args, sizeof args, " %s", ch->key);
	if (ch->limit > 0)
		snprintf(args + strlen(args), sizeof args - strlen(args), " %u", ch->limit);
	conn_reply(c, "324", "%s %s%s", ch->name, flags, args);
	conn_reply(c, "329", "%s %lld", ch->name, (long long)ch->created);
}

static void
channel_mode(struct conn *c, struct irc_msg *m)
{
	struct act_mode_result res;
	struct channel *ch = srv_find_channel(m->params[0]);
	enum num_error err;

	if (ch == NULL) {
		num_reply(c, NUM_NO_SUCH_CHANNEL, m->params[0]);
		return;
	}
	if (m->nparams < 2) {
		send_chan_modes(c, ch);
		return;
	}
	err = act_mode(c, ch->name, m->params[1], m->nparams - 2,
	    (const char *const *)m->params + 2, &res);
	if (err != NUM_OK) {
		num_reply(c, err, m->params[0]);
		return;
	}
	for (int i = 0; i < res.nerr; i++) {
		const char *text = num_text(res.err[i].e), *arg = res.err[i].arg;
		switch (res.err[i].e) {
		case NUM_USER_NOT_IN_CHANNEL:
			conn_reply(c, "441", "%s %s :%s", arg, ch->name, text);
			break;
		case NUM_KEY_SET:
			conn_reply(c, "467", "%s :%s", ch->name, text);
			break;
		case NUM_BAN_LIST_FULL:
			conn_reply(c, "478", "%s %s :%s", ch->name, arg, text);
			break;
		case NUM_INVALID_MODE_PARAM:
			conn_reply(c, "696", "%s %c %s :%s", ch->name, res.err[i].letter, arg,
			    res.err[i].arg[0] == '*' && res.err[i].arg[1] == '\0'
			        ? "You must give a parameter for this mode"
			        : text);
			break;
		default:
			num_reply(c, res.err[i].e, arg);
			break;
		}
	}
	for (const char *l = res.lists; *l != '\0'; l++)
		send_list(c, ch, *l);
}

static int
h_mode(struct conn *c, struct irc_msg *m)
{
	const char *target = m->params[0];
	const char *modes = m->nparams > 1 ? m->params[1] : NULL;

	if (irc_is_channel(target)) {
		channel_mode(c, m);
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

/* KICK #chan nick[,nick...] [reason], or KICK #a,#b nick1,nick2 (one nick per channel). */
static int
h_kick(struct conn *c, struct irc_msg *m)
{
	char chans[IRC_LINE_MAX], nicks[IRC_LINE_MAX], *cs = NULL, *ns = NULL;
	const char *reason = m->nparams > 2 ? m->params[2] : NULL;
	int n = 0;

	str_copy(chans, m->params[0], sizeof chans);
	str_copy(nicks, m->params[1], sizeof nicks);
	bool one_chan = strchr(chans, ',') == NULL;
	char *chan = strtok_r(chans, ",", &cs);
	for (char *nick = strtok_r(nicks, ",", &ns); nick != NULL && chan != NULL;
	     nick = strtok_r(NULL, ",", &ns)) {
		if (++n > TARGETS_MAX) {
			num_reply(c, NUM_TOO_MANY_TARGETS, nick);
			break;
		}
		enum num_error err = act_kick(c, chan, nick, reason);
		if (err == NUM_USER_NOT_IN_CHANNEL || err == NUM_NO_SUCH_NICK) {
			char w[IRC_LINE_MAX];
			if (err == NUM_NO_SUCH_NICK)
				num_reply(c, err, nick);
			else
				conn_reply(c, "441", "%s %s :%s", num_word(nick, w, sizeof w), chan,
				    num_text(err));
		} else if (err != NUM_OK) {
			num_reply(c, err, chan);
		}
		if (!one_chan)
			chan = strtok_r(NULL, ",", &cs);
	}
	return n > 1 ? n - 1 : 0;
}

static int
h_invite(struct conn *c, struct irc_msg *m)
{
	char w[IRC_LINE_MAX];
	const char *nick = m->params[0], *chan = m->params[1];
	enum num_error err = act_invite(c, nick, chan);

	if (err == NUM_OK) {
		struct conn *u = srv_find_nick(nick);
		conn_reply(c, "341", "%s %s", u->nick, chan);
		if (u->away != NULL)
			conn_reply(c, "301", "%s :%s", u->nick, u->away);
	} else if (err == NUM_NO_SUCH_NICK) {
		num_reply(c, err, nick);
	} else if (err == NUM_USER_ON_CHANNEL) {
		conn_reply(c, "443", "%s %s :%s", num_word(nick, w, sizeof w), chan, num_text(err));
	} else {
		num_reply(c, err, chan);
	}
	return 0;
}

/* Any number of parameters: the history parser answers a bad request with a FAIL. */
static int
h_chathistory(struct conn *c, struct irc_msg *m)
{
	arc_chathistory(c, m->nparams, m->params);
	return 0;
}

/* Client-only tags (typing notices) are not relayed: accepted and dropped without a word. */
static int
h_tagmsg(struct conn *c, struct irc_msg *m)
{
	(void)c;
	(void)m;
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
	{ "USER", h_user, 4, PARAMS_ANY, false, 1 },
	{ "CAP", h_cap, 1, 2, false, 1 },
	{ "PASS", h_pass, 1, PARAMS_ANY, false, 1 },
	{ "QUIT", h_quit, 0, 1, false, 1 },
	{ "NAMES", query_names, 0, 2, true, 1 },
	{ "TOPIC", h_topic, 1, 2, true, 1 },
	{ "AWAY", h_away, 0, 1, true, 1 },
	{ "WHO", query_who, 0, 2, true, 1 },
	{ "WHOIS", query_whois, 1, 2, true, 1 },
	{ "LIST", query_list, 0, 2, true, 1 },
	{ "LUSERS", info_lusers, 0, 2, true, 1 },
	{ "MOTD", info_motd, 0, 1, true, 1 },
	{ "MODE", h_mode, 1, PARAMS_ANY, true, 1 },
	{ "KICK", h_kick, 2, 3, true, 1 },
	{ "INVITE", h_invite, 2, 2, true, 1 },
	{ "ISON", query_ison, 1, PARAMS_ANY, true, 1 },
	{ "VERSION", info_version, 0, 1, true, 1 },
	{ "TIME", info_time, 0, 1, true, 1 },
	{ "USERHOST", query_userhost, 1, PARAMS_ANY, true, 1 },
	{ "CHATHISTORY", h_chathistory, 0, PARAMS_ANY, true, 1 },
	{ "AUTHENTICATE", h_authenticate, 1, 1, false, 1 },
	{ "REGISTER", h_register, 3, 3, false, 1 },
	{ "VERIFY", h_verify, 2, 2, false, 1 },
	{ "TAGMSG", h_tagmsg, 1, PARAMS_ANY, true, 1 },
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

int64_t
cmd_next_tick(const struct conn *c)
{
	int64_t t = (int64_t)srv.cfg.timeout_s * 1000, due;

	if (!c->registered)
		return c->connected_ms + t;
	if (c->ping_sent_ms != 0)
		return c->last_rx_ms + 2 * t;
	due = c->last_rx_ms + t;
	if (srv.lag_probe_ms > 0 && c->ping_done_ms + srv.lag_probe_ms < due)
		due = c->ping_done_ms + srv.lag_probe_ms;
	return due;
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
