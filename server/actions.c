#include "server/actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/text.h"
#include "common/util.h"
#include "server/accounts.h"
#include "server/archive.h"
#include "server/channel.h"
#include "server/conn.h"
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
	conn_set_nick(c, nick);
	log_info("nick #%u %s -> %s", c->id, old, nick);
	acct_nick_taken(c);
}

enum num_error
act_join(struct conn *c, const char *name, struct channel **joined)
{
	char pfx[CONN_PREFIX_LEN];
	struct channel *ch;
	enum num_error err = chan_join(c, name, &ch);
	struct relay_event ev = { .kind = EV_JOIN };

	*joined = ch;
	if (ch == NULL)
		return err; /* an error, or c was there already */
	event_from(&ev, c, pfx);
	ev.target = ch->name;
	/* A channel that comes back gets its stored topic before anyone sees it. */
	if (ch->nmembers == 1)
		arc_channel_restore(ch);
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
		if (!conn_in_channel(c, ch))
			return NUM_CANNOT_SEND_TO_CHAN;
		ev.target = ch->name;
		arc_channel(&ev, ch, false);
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
	if (!conn_in_channel(c, ch))
		return NUM_NOT_ON_CHANNEL;
	chan_set_topic(ch, c, topic);
	event_from(&ev, c, pfx);
	ev.target = ch->name;
	ev.text = ch->topic ? ch->topic : "";
	arc_channel(&ev, ch, true);
	arc_channel_save(ch);
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
	if (c->registered)
		quit_to_peers(c, c->reason);
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
