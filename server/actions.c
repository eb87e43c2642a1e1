#include "server/actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/text.h"
#include "common/util.h"
#include "server/accounts.h"
#include "server/archive.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/modes.h"
#include "server/relay.h"
#include "server/server.h"

/* The sender's side of an event: nick!user@host now, and the nick. */
static void
event_from(struct relay_event *ev, struct conn *c, char *pfx)
{
	conn_prefix(c, pfx, CONN_PREFIX_LEN);
	ev->from = c;
	ev->from_prefix = pfx;
	ev->from_nick = c->nick;
	ev->account = c->account[0] ? c->account : NULL;
	ev->realname = c->realname;
}

/* The nick c had is gone (it left, or changed it): WHOWAS remembers it. */
static void
remember(const struct conn *c, const char *nick)
{
	whowas_add(&srv.whowas, nick, c->user[0] ? c->user : "plain", c->host,
	    c->realname[0] ? c->realname : nick, (int64_t)time(NULL));
}

void
act_register(struct conn *c)
{
	c->registered = true;
	srv.nusers++;
	srv.stats.registered++;
}

enum num_error
act_check_nick(const struct conn *c, const char *nick)
{
	struct conn *other;
	if (nick[0] == '\0')
		return NUM_NO_NICKNAME_GIVEN;
	if (!irc_valid_nick(nick))
		return NUM_ERRONEUS_NICKNAME;
	if (irc_casecmp(nick, "NickServ") == 0) /* the service's, though it has no connection */
		return NUM_NICKNAME_IN_USE;
	other = srv_find_nick(nick);
	if (other != NULL && other != c)
		return NUM_NICKNAME_IN_USE;
	return NUM_OK;
}

void
act_change_nick(struct conn *c, const char *nick)
{
	char pfx[CONN_PREFIX_LEN], old[NICK_LEN + 1];
	struct relay_event ev = { .kind = EV_NICK, .text = nick };

	if (strcmp(c->nick, nick) == 0)
		return;
	event_from(&ev, c, pfx);
	str_copy(old, c->nick, sizeof old);
	ev.from_nick = old;
	arc_peers(&ev, c, true);
	remember(c, old);
	conn_set_nick(c, nick);
	log_info("nick #%u %s -> %s", c->id, old, nick);
	acct_nick_taken(c);
}

/* Why c may not join ch, an existing channel it is not in; NUM_OK when it may. */
static enum num_error
join_refused(struct conn *c, struct channel *ch, const char *key)
{
	/* A server operator may always come in: nobody else can open a locked, empty channel. */
	if (c->oper || chan_invited(ch, c, false))
		return NUM_OK;
	if (ch->bans.n > 0 && chan_banned(ch, c))
		return NUM_BANNED_FROM_CHAN;
	if ((ch->modes & MODE_FLAG_INVITE) && !chan_mask_matches(&ch->invex, c))
		return NUM_INVITE_ONLY_CHAN;
	if (ch->key[0] != '\0' && (key == NULL || strcmp(key, ch->key) != 0))
		return NUM_BAD_CHANNEL_KEY;
	if (ch->limit > 0 && ch->nmembers >= ch->limit)
		return NUM_CHANNEL_IS_FULL;
	return NUM_OK;
}

/*
 * Why c may not be the first into name, an empty channel the store may remember: its bans,
 * key, limit and +i hold for whoever brings it back, not only for those who come after.
 */
static enum num_error
stored_join_refused(struct conn *c, const char *name, const char *key)
{
	struct channel was;

	memset(&was, 0, sizeof was);
	str_copy(was.name, name, sizeof was.name);
	irc_casefold(was.fold, name, sizeof was.fold);
	arc_channel_restore(&was);
	enum num_error err = join_refused(c, &was, key);
	chan_release(&was);
	return err;
}

enum num_error
act_join(struct conn *c, const char *name, const char *key, struct channel **joined)
{
	char pfx[CONN_PREFIX_LEN];
	struct channel *ch = irc_valid_channel(name) ? srv_find_channel(name) : NULL;
	struct relay_event ev = { .kind = EV_JOIN };
	enum num_error err;

	*joined = NULL;
	if (ch != NULL && !conn_in_channel(c, ch) && (err = join_refused(c, ch, key)) != NUM_OK)
		return err;
	if (ch == NULL && irc_valid_channel(name) && srv.store != NULL &&
	    (err = stored_join_refused(c, name, key)) != NUM_OK)
		return err;
	err = chan_join(c, name, &ch);
	*joined = ch;
	if (ch == NULL)
		return err; /* an error, or c was there already */
	chan_invited(ch, c, true);
	event_from(&ev, c, pfx);
	ev.target = ch->name;
	if (ch->nmembers == 1) {
		char fold[CHANNEL_LEN + 1];
		/* A channel that comes back gets its stored topic and modes before anyone sees it. */
		arc_channel_restore(ch);
		irc_casefold(fold, srv.cfg.channel, sizeof fold);
		if (strcmp(fold, ch->fold) != 0)
			chan_set_status(c, ch, CHAN_OP, true);
	}
	arc_channel(&ev, ch, true);
	return NUM_OK;
}

static void
part_channel(struct conn *c, struct channel *ch, const char *reason)
{
	char pfx[CONN_PREFIX_LEN];
	struct relay_event ev = { .kind = EV_PART, .text = reason };

	event_from(&ev, c, pfx);
	ev.target = ch->name;
	arc_channel(&ev, ch, true);
	chan_remove(c, ch);
}

enum num_error
act_part(struct conn *c, const char *name, const char *reason)
{
	struct channel *ch = srv_find_channel(name);
	if (ch == NULL)
		return NUM_NO_SUCH_CHANNEL;
	if (!conn_in_channel(c, ch))
		return NUM_NOT_ON_CHANNEL;
	part_channel(c, ch, reason);
	return NUM_OK;
}

void
act_part_all(struct conn *c, const char *reason)
{
	while (c->nchans > 0)
		part_channel(c, c->chans[c->nchans - 1], reason);
}

/* One message to one target, as it is. */
static enum num_error
deliver(
    struct conn *c, const char *target, const char *text, bool notice, const struct conn **away_of)
{
	char pfx[CONN_PREFIX_LEN];
	struct relay_event ev = { .kind = notice ? EV_NOTICE : EV_PRIVMSG, .text = text };

	event_from(&ev, c, pfx);
	if (irc_is_channel(target)) {
		struct channel *ch = srv_find_channel(target);
		if (ch == NULL)
			return NUM_NO_SUCH_NICK;
		int i = chan_index(c, ch);
		if (i < 0 && (ch->modes & MODE_FLAG_NO_OUTSIDE))
			return NUM_CANNOT_SEND_TO_CHAN;
		/* The common case (no +m, no bans) costs two tests past the membership. */
		if ((ch->modes & MODE_FLAG_MODERATED || ch->bans.n > 0) && !c->oper &&
		    (i < 0 || !(c->chanstatus[i] & (CHAN_OP | CHAN_VOICE))) &&
		    ((ch->modes & MODE_FLAG_MODERATED) || chan_banned(ch, c)))
			return NUM_CANNOT_SEND_TO_CHAN;
		ev.target = ch->name;
		arc_channel(&ev, ch, false);
		if (i < 0 && (c->caps & CAP_ECHO_MESSAGE))
			relay_one(&ev, c); /* from outside (-n): not a member, so not in the fan-out */
		return NUM_OK;
	}
	struct conn *to = srv_find_nick(target);
	/* Someone holding an account's nick in its owner's absence never reads its mail. */
	if (to == NULL || !to->registered || to->claim_due_ms != 0) {
		if (notice)
			return NUM_NO_SUCH_NICK;
		switch (acct_offline_keep(c, target, text)) {
		case ACCT_OFFLINE_KEPT:
			return NUM_OFFLINE_KEPT;
		case ACCT_OFFLINE_FULL:
			return NUM_OFFLINE_FULL;
		default:
			return NUM_NO_SUCH_NICK;
		}
	}
	ev.target = to->nick;
	arc_stamp(&ev);
	arc_private(&ev, c, to);
	relay_one(&ev, to);
	if (c->caps & CAP_ECHO_MESSAGE && to != c)
		relay_one(&ev, c);
	if (!notice && to->away != NULL)
		*away_of = to;
	return NUM_OK;
}

/*
 * A line may be 510 bytes, but relayed it also carries ":nick!~user@host PRIVMSG target :",
 * and a cut line would lose its end without anyone knowing. So text goes out in as many
 * messages as it takes; pieces end at a space in their second half where there is one,
 * never inside a UTF-8 character, and the next piece starts after the spaces it was split at.
 */
enum { SAY_ROOM_MIN = 16 }; /* bytes of text a piece must at least carry */

enum num_error
act_say(struct conn *c, const char *target, const char *text, bool notice, enum act_say_form form,
    const struct conn **away_of)
{
	char pfx[CONN_PREFIX_LEN], piece[IRC_LINE_MAX];
	bool action = form == ACT_SAY_ACTION;
	size_t len = strlen(text), room, head;
	enum num_error err = NUM_OK;

	*away_of = NULL;
	if (form == ACT_SAY_VERBATIM)
		return deliver(c, target, text, notice, away_of);
	conn_prefix(c, pfx, sizeof pfx);
	head = 1 + strlen(pfx) + strlen(" PRIVMSG ") + strlen(target) + strlen(" :") +
	    (action ? strlen("\001ACTION \001") : 0);
	/* Real targets are short; an absurd one can leave no room and is no nick anyway. */
	room = head + SAY_ROOM_MIN < IRC_LINE_BODY ? IRC_LINE_BODY - head : 0;
	if (room == 0)
		return NUM_NO_SUCH_NICK;
	while ((err == NUM_OK || err == NUM_OFFLINE_KEPT) && len > 0) {
		size_t cut = san_utf8_cut(text, len, room), n;

		if (cut == 0)
			break;
		n = text_split(text, len, room, cut / 2 - 1);
		if (action)
			snprintf(piece, sizeof piece, "\001ACTION %.*s\001", (int)n, text);
		else
			snprintf(piece, sizeof piece, "%.*s", (int)n, text);
		err = deliver(c, target, piece, notice, away_of);
		text += n;
		len -= n;
		while (len > 0 && *text == ' ')
			text++, len--;
	}
	return err;
}

enum num_error
act_set_topic(struct conn *c, const char *name, const char *topic)
{
	char pfx[CONN_PREFIX_LEN];
	struct channel *ch = srv_find_channel(name);
	struct relay_event ev = { .kind = EV_TOPIC };

	if (ch == NULL)
		return NUM_NO_SUCH_CHANNEL;
	if (!conn_in_channel(c, ch) && !c->oper)
		return NUM_NOT_ON_CHANNEL;
	if ((ch->modes & MODE_FLAG_TOPIC_LOCK) && !chan_is_op(c, ch))
		return NUM_CHANOP_PRIVS_NEEDED;
	chan_set_topic(ch, c, topic);
	event_from(&ev, c, pfx);
	ev.target = ch->name;
	ev.text = ch->topic ? ch->topic : "";
	arc_channel(&ev, ch, true);
	arc_channel_save(ch);
	return NUM_OK;
}

static void
mode_error(struct act_mode_result *res, enum num_error e, char letter, const char *arg)
{
	if (res->nerr >= ACT_MODE_ERRORS_MAX)
		return;
	res->err[res->nerr].e = e;
	res->err[res->nerr].letter = letter;
	str_copy(res->err[res->nerr].arg, arg != NULL ? arg : "*", sizeof res->err[0].arg);
	res->nerr++;
}

/* A key is one word of printable ASCII without ',' (a JOIN separator) or a leading ':'. */
static bool
key_ok(const char *k)
{
	if (k[0] == ':' || strlen(k) > CHAN_KEY_LEN)
		return false;
	for (; *k != '\0'; k++)
		if (*k <= ' ' || *k >= 0x7f || *k == ',')
			return false;
	return true;
}

/* +l's number: 1 to CHAN_LIMIT_MAX, digits only; 0 when it is none. */
static unsigned
limit_of(const char *s)
{
	unsigned long v = 0;
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 6)
		return 0;
	v = strtoul(s, NULL, 10);
	return v <= CHAN_LIMIT_MAX ? (unsigned)v : 0;
}

/* Applies one change; returns whether it changed anything (arg: what to relay with it). */
static bool
mode_apply(struct conn *c, struct channel *ch, const struct mode_change *m, char *arg,
    size_t argcap, struct act_mode_result *res)
{
	struct chan_masks *list;
	struct conn *u;
	char nick[NICK_LEN + 1];
	unsigned bit;

	arg[0] = '\0';
	switch (mode_class_of(m->letter)) {
	case MODE_CLASS_MEMBER:
		u = srv_find_nick(m->arg);
		if (u == NULL || !u->registered) {
			mode_error(res, NUM_NO_SUCH_NICK, m->letter, m->arg);
			return false;
		}
		bit = m->letter == 'o' ? CHAN_OP : CHAN_VOICE;
		if (!conn_in_channel(u, ch)) {
			mode_error(res, NUM_USER_NOT_IN_CHANNEL, m->letter, u->nick);
			return false;
		}
		if (!(chan_status(u, ch) & bit) == !m->plus)
			return false;
		chan_set_status(u, ch, bit, m->plus);
		str_copy(arg, u->nick, argcap);
		return true;
	case MODE_CLASS_LIST:
		list = chan_list(ch, m->letter);
		if (!mode_mask_normal(m->arg, arg, argcap)) {
			mode_error(res, NUM_INVALID_MODE_PARAM, m->letter, m->arg);
			return false;
		}
		if (!m->plus)
			return chan_mask_del(list, arg);
		str_copy(nick, c->nick, sizeof nick);
		switch (chan_mask_add(list, arg, nick)) {
		case 0:
			return true;
		case 2:
			mode_error(res, NUM_BAN_LIST_FULL, m->letter, arg);
			return false;
		default:
			return false;
		}
	case MODE_CLASS_KEY:
		if (!m->plus) {
			if (ch->key[0] == '\0')
				return false;
			ch->key[0] = '\0';
			str_copy(arg, "*", argcap);
			return true;
		}
		if (!key_ok(m->arg)) {
			mode_error(res, NUM_INVALID_MODE_PARAM, m->letter, m->arg);
			return false;
		}
		if (ch->key[0] != '\0') {
			mode_error(res, NUM_KEY_SET, m->letter, NULL);
			return false;
		}
		str_copy(ch->key, m->arg, sizeof ch->key);
		str_copy(arg, ch->key, argcap);
		return true;
	case MODE_CLASS_LIMIT:
		if (!m->plus) {
			if (ch->limit == 0)
				return false;
			ch->limit = 0;
			return true;
		}
		if (limit_of(m->arg) == 0) {
			mode_error(res, NUM_INVALID_MODE_PARAM, m->letter, m->arg);
			return false;
		}
		if (ch->limit == limit_of(m->arg))
			return false;
		ch->limit = limit_of(m->arg);
		snprintf(arg, argcap, "%u", ch->limit);
		return true;
	case MODE_CLASS_FLAG:
		bit = mode_flag_bit(m->letter);
		if (!(ch->modes & bit) == !m->plus)
			return false;
		ch->modes = m->plus ? ch->modes | bit : ch->modes & ~bit;
		return true;
	case MODE_CLASS_NONE:
		break;
	}
	return false;
}

enum num_error
act_mode(struct conn *c, const char *name, const char *modes, int nargs, const char *const *args,
    struct act_mode_result *res)
{
	char pfx[CONN_PREFIX_LEN];
	char argbuf[MODE_CHANGES_MAX][CHAN_MASK_LEN + 1];
	struct mode_change done[MODE_CHANGES_MAX];
	struct channel *ch = srv_find_channel(name);
	struct mode_req req;
	int ndone = 0;
	bool keep = false;

	memset(res, 0, sizeof *res);
	if (ch == NULL)
		return NUM_NO_SUCH_CHANNEL;
	mode_parse(modes, nargs, args, &req);
	for (const char *u = req.unknown; *u != '\0'; u++)
		mode_error(res, NUM_UNKNOWN_MODE, *u, (char[]){ *u, '\0' });
	str_copy(res->lists, req.lists, sizeof res->lists);
	if (req.n == 0 && req.missing[0] == '\0')
		return NUM_OK;
	if (!chan_is_op(c, ch)) {
		mode_error(res, NUM_CHANOP_PRIVS_NEEDED, 0, ch->name);
		return NUM_OK;
	}
	for (const char *m = req.missing; *m != '\0'; m++)
		mode_error(res, NUM_INVALID_MODE_PARAM, *m, NULL);
	for (int i = 0; i < req.n; i++) {
		if (!mode_apply(c, ch, &req.v[i], argbuf[ndone], sizeof argbuf[0], res))
			continue;
		enum mode_class cls = mode_class_of(req.v[i].letter);
		/* Flags, limit, key and lists are kept; who holds @ or + is not. */
		keep |= cls != MODE_CLASS_MEMBER;
		done[ndone] = req.v[i];
		done[ndone].arg = argbuf[ndone][0] != '\0' ? argbuf[ndone] : NULL;
		ndone++;
	}
	if (ndone == 0)
		return NUM_OK;
	mode_join(done, ndone, res->applied, sizeof res->applied);
	struct relay_event ev = { .kind = EV_MODE, .target = ch->name, .text = res->applied };
	event_from(&ev, c, pfx);
	arc_channel(&ev, ch, true);
	if (keep)
		arc_channel_save(ch);
	return NUM_OK;
}

enum num_error
act_kick(struct conn *c, const char *name, const char *nick, const char *reason)
{
	char pfx[CONN_PREFIX_LEN], why[KICK_REASON_LEN * 4 + 1];
	struct channel *ch = srv_find_channel(name);
	struct relay_event ev = { .kind = EV_KICK };
	struct conn *u;

	if (ch == NULL)
		return NUM_NO_SUCH_CHANNEL;
	if (!conn_in_channel(c, ch) && !c->oper)
		return NUM_NOT_ON_CHANNEL;
	if (!chan_is_op(c, ch))
		return NUM_CHANOP_PRIVS_NEEDED;
	u = srv_find_nick(nick);
	if (u == NULL || !u->registered)
		return NUM_NO_SUCH_NICK;
	if (!conn_in_channel(u, ch))
		return NUM_USER_NOT_IN_CHANNEL;
	if (reason == NULL || reason[0] == '\0')
		reason = c->nick;
	size_t n = san_utf8_cut(reason, strlen(reason), KICK_REASON_LEN);
	memcpy(why, reason, n);
	why[n] = '\0';
	event_from(&ev, c, pfx);
	ev.target = ch->name;
	ev.arg = u->nick;
	ev.text = why;
	arc_channel(&ev, ch, true);
	chan_remove(u, ch);
	return NUM_OK;
}

enum num_error
act_invite(struct conn *c, const char *nick, const char *name)
{
	char pfx[CONN_PREFIX_LEN];
	struct conn *u = srv_find_nick(nick);
	struct channel *ch = srv_find_channel(name);
	struct relay_event ev = { .kind = EV_INVITE };

	if (u == NULL || !u->registered)
		return NUM_NO_SUCH_NICK;
	if (ch == NULL)
		return NUM_NO_SUCH_CHANNEL;
	if (!conn_in_channel(c, ch) && !c->oper)
		return NUM_NOT_ON_CHANNEL;
	if ((ch->modes & MODE_FLAG_INVITE) && !chan_is_op(c, ch))
		return NUM_CHANOP_PRIVS_NEEDED;
	if (conn_in_channel(u, ch))
		return NUM_USER_ON_CHANNEL;
	chan_invite(ch, u);
	event_from(&ev, c, pfx);
	ev.target = ch->name;
	ev.arg = u->nick;
	relay_one(&ev, u);
	relay_channel_cap(&ev, ch, CAP_INVITE_NOTIFY, c);
	return NUM_OK;
}

bool
act_away(struct conn *c, const char *text)
{
	free(c->away);
	c->away = NULL;
	if (text == NULL || text[0] == '\0')
		return false;
	size_t n = san_utf8_cut(text, strlen(text), AWAY_LEN);
	c->away = xmalloc(n + 1);
	memcpy(c->away, text, n);
	c->away[n] = '\0';
	return true;
}

bool
act_set_invisible(struct conn *c, bool on)
{
	if (on == c->invisible)
		return false;
	c->invisible = on;
	if (on)
		srv.ninvisible++;
	else
		srv.ninvisible--;
	return true;
}

void
act_quit(struct conn *c, const char *reason)
{
	conn_close_link(c, "Quit: %.100s", reason != NULL && reason[0] ? reason : "Client quit");
}

static void
forget(struct conn *c)
{
	while (c->nchans > 0)
		chan_remove(c, c->chans[c->nchans - 1]);
	if (c->registered) {
		srv.nusers--;
		if (c->invisible)
			srv.ninvisible--;
		if (c->oper)
			srv.nopers--;
	}
	if (c->nickfold[0] && hmap_get(&srv.nicks, c->nickfold) == c)
		hmap_del(&srv.nicks, c->nickfold);
}

static void
quit_to_peers(struct conn *c, const char *reason)
{
	char pfx[CONN_PREFIX_LEN];
	struct relay_event ev = { .kind = EV_QUIT, .text = reason };

	event_from(&ev, c, pfx);
	arc_peers(&ev, c, false);
}

void
act_teardown(struct conn *c)
{
	if (c->registered) {
		quit_to_peers(c, c->reason);
		remember(c, c->nick);
	}
	forget(c);
}

void
act_unregister(struct conn *c, const char *reason)
{
	quit_to_peers(c, reason);
	forget(c);
	c->registered = false;
	c->nick[0] = c->nickfold[0] = '\0';
	srv.stats.registered--; /* it registers again in its own dialect: one registration */
}

void
act_teardown_quiet(struct conn *c)
{
	forget(c);
	c->registered = false; /* counted out already; the final teardown relays no QUIT */
}

void
act_rename_guest(struct conn *c)
{
	char nick[NICK_LEN + 1];

	do
		snprintf(nick, sizeof nick, "guest%u", ++srv.guest_seq);
	while (srv_find_nick(nick) != NULL);
	act_change_nick(c, nick);
	if (c->mode == CONN_PLAIN)
		conn_notice(c, "You are now known as %s.", c->nick);
}

void
act_reclaim(struct conn *c, const char *nick)
{
	char fold[NICK_LEN + 1];
	struct conn *o;

	if (c->account[0] == '\0' || strlen(nick) > NICK_LEN)
		return;
	irc_casefold(fold, nick, sizeof fold);
	if (strcmp(fold, c->account) != 0 || (o = acct_impostor(c, fold)) == NULL)
		return;
	log_info("nick %s: #%u gives it back to its owner #%u", fold, o->id, c->id);
	conn_notice_from(o, "NickServ", "%s logged in: the nick is theirs; you are renamed.", fold);
	act_rename_guest(o);
}

void
act_login(struct conn *c, const char *name, const char *how)
{
	char pfx[CONN_PREFIX_LEN];

	acct_set(c, name, how);
	/*
	 * The owner is back: the nick is theirs again, whoever holds it. A client still
	 * registering takes it (it may have been told 433 a moment ago); one that chose
	 * another nick keeps that, unless it had to give up its own to an impostor.
	 */
	bool taken = acct_impostor(c, name) != NULL;
	act_reclaim(c, name);
	if (srv_find_nick(name) == NULL) {
		if (c->registered && taken)
			act_change_nick(c, name);
		else if (!c->registered && c->nick[0] != '\0')
			conn_set_nick(c, name);
	}
	conn_prefix(c, pfx, sizeof pfx);
	if (c->mode == CONN_PLAIN)
		conn_notice(c, "You are now logged in as %s.", name);
	else
		conn_reply(c, "900", "%s %s :You are now logged in as %s", pfx, name, name);
	relay_account(c);
	acct_deliver_kept(c);
}
