/*
 * session_num: the session's handling of numeric replies: the welcome and MOTD, NAMES and WHO,
 * WHOIS and the other query replies, errors as sentences. Pure like the rest of session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client/channel.h"
#include "client/evtext.h"
#include "client/session.h"
#include "client/session_int.h"
#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"

static void
join_autojoin(struct session *s)
{
	for (int i = 0; i < s->nautojoin; i++)
		sess_send(s, "JOIN %s", s->autojoin[i]);
}

static void
on_names(struct sess_ctx *c)
{
	/* 353 me = #chan :@a +b c */
	struct sess_chan *ch = sess_find_chan(c->s, sess_param(c, 2));
	char list[IRC_LINE_MAX];

	if (ch == NULL) {
		/* /names for a channel we are not in: show the list as it comes. */
		char buf[IRC_LINE_MAX + CHANNEL_LEN + 8];
		snprintf(buf, sizeof buf, "%s: %s", sess_param(c, 2), sess_last_param(c));
		sess_say_in(c, SB_INFO, 0, NULL, NULL, buf);
		return;
	}
	if (!ch->names_open) {
		/* A fresh list replaces the old one. */
		chan_clear(ch);
		ch->names_open = true;
	}
	str_copy(list, sess_last_param(c), sizeof list);
	for (char *tok = strtok(list, " "); tok != NULL; tok = strtok(NULL, " ")) {
		/* "@+bob" with multi-prefix: every prefix counts. */
		size_t np = strspn(tok, CHAN_RANKS);
		char prefixes[sizeof CHAN_RANKS];
		str_copy(prefixes, tok, np + 1 < sizeof prefixes ? np + 1 : sizeof prefixes);
		tok += np;
		/* userhost-in-names form: keep the nick only. */
		tok[strcspn(tok, "!")] = '\0';
		if (*tok != '\0')
			chan_member_add(ch, tok, prefixes);
	}
}

static void
on_names_end(struct sess_ctx *c)
{
	struct session *s = c->s;
	struct sess_chan *ch = sess_find_chan(s, sess_param(c, 1));
	char buf[IRC_LINE_MAX * 2];
	size_t o;

	if (ch == NULL)
		return;
	ch->names_open = false;
	chan_sort(ch);
	o = (size_t)snprintf(buf, sizeof buf, "%s: %zu user%s:", ch->name,
	    ch->nmembers + ch->not_kept, ch->nmembers + ch->not_kept == 1 ? "" : "s");
	for (size_t i = 0; i < ch->nmembers && o + 1 < sizeof buf; i++) {
		int n = snprintf(buf + o, sizeof buf - o, " %s%s",
		    ch->members[i]->prefix ? (char[]){ ch->members[i]->prefix, 0 } : "",
		    ch->members[i]->nick);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	sess_say_chan(c, ch->name, SB_INFO, 0, NULL, buf);
	/* WHO tells who is away (the G flag); its replies update the user list quietly. */
	sess_who(s, ch->name, false);
}

/* Are the replies to the oldest WHO in flight for the user's eyes? */
static bool
who_visible(const struct session *s)
{
	return s->who_pending == 0 || (s->who_shown & 1u) != 0;
}

static void
on_who(struct sess_ctx *c)
{
	/* 352 me #chan user host server nick flags :hops realname */
	struct session *s = c->s;
	struct sess_chan *ch = sess_find_chan(s, sess_param(c, 1));
	bool away = strchr(sess_param(c, 6), 'G') != NULL;
	bool account = strchr(sess_param(c, 6), 'r') != NULL; /* logged in to an account */

	if (ch != NULL) {
		struct sess_member *m = chan_member_find(ch, sess_param(c, 5));
		if (m != NULL) {
			m->away = away;
			m->account = account;
			s->seq++;
		}
	}
	if (!who_visible(s))
		return;
	char buf[IRC_LINE_MAX * 2];
	const char *real = sess_last_param(c);
	const char *sp = strchr(real, ' ');
	real = sp != NULL ? sp + 1 : ""; /* drop the hop count */
	snprintf(buf, sizeof buf, "%s: %s (%s@%s)%s%s%s%s", sess_param(c, 1), sess_param(c, 5),
	    sess_param(c, 2), sess_param(c, 3), away ? " away" : "", account ? " logged in" : "",
	    real[0] ? ": " : "", real);
	sess_say_in(c, SB_INFO, 0, NULL, NULL, buf);
}

static void
on_who_end(struct sess_ctx *c)
{
	struct session *s = c->s;
	bool show = who_visible(s);
	char buf[IRC_LINE_MAX];

	if (s->who_pending > 0) {
		s->who_shown >>= 1;
		s->who_pending--;
	}
	if (!show)
		return;
	snprintf(buf, sizeof buf, "End of WHO for %s", sess_param(c, 1));
	sess_say_in(c, SB_INFO, 0, NULL, NULL, buf);
}

static void
set_away(struct session *s, const char *nick, bool away)
{
	for (int i = 0; i < s->nchans; i++) {
		struct sess_member *m = chan_member_find(&s->chans[i], nick);
		if (m != NULL)
			m->away = away;
	}
}

static void
welcome_line(struct sess_ctx *c, const char *text)
{
	sb_add(c->s->welcome, c->t, SB_INFO, 0, NULL, NULL, text);
	c->s->seq++;
}

/*
 * LUSERS and MOTD lines belong to the greeting only while it lasts; asked for later
 * (/raw LUSERS, /raw MOTD) they are answers and go where answers are read.
 */
static void
greeting_line(struct sess_ctx *c, const char *text)
{
	if (!c->s->welcome_done)
		welcome_line(c, text);
	else if (c->s->motd_asked)
		sess_line(c->s, 0, c->t, SB_INFO, 0, NULL, NULL, text);
	else
		sess_say_in(c, SB_INFO, 0, NULL, NULL, text);
}

/* WHOIS and LIST replies as sentences; false if num is not one of them. */
static bool
on_query_reply(struct sess_ctx *c, int num)
{
	char buf[IRC_LINE_MAX * 2];
	int r = evtext_reply(c->m, num, buf, sizeof buf);

	if (r > 0)
		sess_say_in(c, SB_INFO, 0, NULL, NULL, buf);
	return r >= 0;
}

void
sess_on_numeric(struct sess_ctx *c, int num)
{
	struct session *s = c->s;
	char buf[IRC_LINE_MAX * 2];

	switch (num) {
	case 1:
		sess_set_state(s, SESS_CONNECTED, c->now);
		chm_info_default(&s->modes); /* this server's 005 says what it has */
		s->attempt = 0;
		s->ever_registered = true;
		s->registered_at = c->now;
		/*
		 * Not at once: a server that paces commands (ngircd does) would answer the PING
		 * behind the JOIN and WHO of the registration burst, and show a lag of a second.
		 */
		s->next_ping_at = c->now + LAG_FIRST_PING_MS;
		if (sess_param(c, 0)[0] != '\0')
			str_copy(s->nick, sess_param(c, 0), sizeof s->nick);
		if (c->m->source != NULL)
			str_copy(s->server_name, c->m->source, sizeof s->server_name);
		welcome_line(c, sess_last_param(c));
		join_autojoin(s);
		sess_hist_registered(s);
		return;
	case 2:
	case 3:
		welcome_line(c, sess_last_param(c));
		return;
	case 250:
	case 251:
	case 252:
	case 253:
	case 254:
	case 255:
	case 265:
	case 266:
	case 375:
	case 372:
	case 376:
	case 422:
		/* 252-254 carry a count before the text. */
		if (c->m->nparams > 2 && num >= 252 && num <= 254) {
			snprintf(buf, sizeof buf, "%s %s", sess_param(c, 1), sess_last_param(c));
			greeting_line(c, buf);
		} else {
			greeting_line(c, sess_last_param(c));
		}
		if (num == 376 || num == 422) {
			if (s->welcome_done)
				s->motd_asked = false;
			s->welcome_done = true;
		}
		return;
	case 4:
		sess_join_params(c, 1, buf, sizeof buf);
		welcome_line(c, buf);
		return;
	case 900: /* me nick!user@host account :You are now logged in as account */
		str_copy(s->account, sess_param(c, 2), sizeof s->account);
		snprintf(buf, sizeof buf, "Logged in as %s", s->account);
		if (s->state == SESS_REGISTERING)
			welcome_line(c, buf);
		else
			sess_line(s, 0, c->t, SB_INFO, 0, NULL, NULL, buf);
		s->seq++;
		return;
	case 901:
		s->account[0] = '\0';
		s->seq++;
		break;
	case 903:
	case 904:
	case 905:
	case 906:
	case 907:
	case 908:
		if (!s->sasl_pending)
			break;
		if (num == 908)
			return; /* the list of mechanisms; 904 follows */
		s->sasl_pending = false;
		if (num == 904)
			welcome_line(
			    c, "This key is no account's yet: /register binds your nick to it");
		if (s->state == SESS_REGISTERING)
			sess_send(s, "CAP END");
		return;
	case 5:
		/* "me TOKEN TOKEN ... :are supported by this server": channel modes, and the most
		 * lines one CHATHISTORY request gives. */
		for (int i = 1; i + 1 < c->m->nparams; i++) {
			chm_info_token(&s->modes, sess_param(c, i));
			if (strncmp(sess_param(c, i), "CHATHISTORY=", 12) == 0)
				s->bl.server_max = atoi(sess_param(c, i) + 12);
		}
		return;
	case 324: /* me #chan +modes [args] */
		sess_join_params(c, 2, buf, sizeof buf);
		{
			char line[IRC_LINE_MAX * 2 + 64];
			snprintf(line, sizeof line, "Modes of %s: %s", sess_param(c, 1), buf);
			sess_say_chan(c, sess_param(c, 1), SB_INFO, 0, NULL, line);
		}
		return;
	case 329:
		return;
	case 341: /* me nick #chan */
		snprintf(
		    buf, sizeof buf, "You invited %s to %s", sess_param(c, 1), sess_param(c, 2));
		sess_say_chan(c, sess_param(c, 2), SB_INFO, 0, NULL, buf);
		return;
	case 367: /* me #chan mask [setter time] */
		if (c->m->nparams > 3)
			snprintf(buf, sizeof buf, "Banned from %s: %s (by %s)", sess_param(c, 1),
			    sess_param(c, 2), sess_param(c, 3));
		else
			snprintf(buf, sizeof buf, "Banned from %s: %s", sess_param(c, 1),
			    sess_param(c, 2));
		sess_say_chan(c, sess_param(c, 1), SB_INFO, 0, NULL, buf);
		return;
	case 368:
		snprintf(buf, sizeof buf, "End of the ban list of %s", sess_param(c, 1));
		sess_say_chan(c, sess_param(c, 1), SB_INFO, 0, NULL, buf);
		return;
	case 471:
	case 472:
	case 473:
	case 474:
	case 475:
	case 476:
	case 477:
	case 482: {
		int win = win_find(s->wins, sess_param(c, 1));
		chm_refusal(num, sess_param(c, 1), sess_last_param(c), buf, sizeof buf);
		sess_line(s, win >= 0 ? win : s->wins->cur, c->t, SB_ERROR, 0, NULL, NULL, buf);
		return;
	}
	case 301:
		set_away(s, sess_param(c, 1), true);
		snprintf(buf, sizeof buf, "%s is away: %s", sess_param(c, 1), sess_last_param(c));
		sess_say_query(c, sess_param(c, 1), false, SB_INFO, 0, NULL, buf);
		return;
	case 305:
	case 306:
		s->away = num == 306;
		set_away(s, s->nick, s->away);
		sess_say_in(c, SB_INFO, 0, NULL, NULL, sess_last_param(c));
		return;
	case 331:
		snprintf(buf, sizeof buf, "No topic is set for %s", sess_param(c, 1));
		sess_say_chan(c, sess_param(c, 1), SB_INFO, 0, NULL, buf);
		return;
	case 332: {
		struct sess_chan *ch = sess_find_chan(s, sess_param(c, 1));
		if (ch != NULL)
			str_copy(ch->topic, sess_last_param(c), sizeof ch->topic);
		snprintf(buf, sizeof buf, "Topic for %s: %s", sess_param(c, 1), sess_last_param(c));
		sess_say_chan(c, sess_param(c, 1), SB_INFO, 0, NULL, buf);
		return;
	}
	case 333:
		return;
	case 315:
		on_who_end(c);
		return;
	case 352:
		on_who(c);
		return;
	case 353:
		on_names(c);
		return;
	case 366:
		on_names_end(c);
		return;
	case 432:
	case 433:
		if (s->state == SESS_REGISTERING) {
			char alt[NICK_LEN + 1];
			/* An erroneous nick cannot be fixed by underscores: start from ours. */
			if (num == 432 && strcmp(s->want_nick, "lanchat") != 0) {
				str_copy(s->want_nick, "lanchat", sizeof s->want_nick);
				str_copy(alt, s->want_nick, sizeof alt);
			} else {
				/* Never ask again for the nick just refused (we may have asked for an alt). */
				do
					sess_alt_nick(
					    alt, sizeof alt, s->want_nick, ++s->nick_tries);
				while (irc_casecmp(alt, sess_param(c, 1)) == 0 &&
				    s->nick_tries < NICK_LEN);
			}
			str_copy(s->nick, alt, sizeof s->nick);
			sess_send(s, "NICK %s", alt);
			snprintf(buf, sizeof buf, "Nick %s is %s, trying %s", sess_param(c, 1),
			    num == 433 ? "taken" : "not allowed", alt);
			welcome_line(c, buf);
			return;
		}
		/* Someone else was quicker to take the freed nick: nothing the user asked for. */
		if (s->reclaiming) {
			s->reclaiming = false;
			return;
		}
		break;
	default:
		if (on_query_reply(c, num))
			return;
		break;
	}
	sess_join_params(c, 1, buf, sizeof buf);
	if (c->m->nparams > 2) {
		/* "bob :No such nick" reads better as "bob: No such nick". */
		char head[IRC_LINE_MAX];
		sess_join_params(c, 1, head, sizeof head);
		size_t hl = strlen(head) - strlen(sess_last_param(c));
		if (hl > 0)
			head[hl - 1] = '\0';
		snprintf(buf, sizeof buf, "%s: %s", head, sess_last_param(c));
	}
	/* About a channel or person with a window (482 on #dev): there; else where we look. */
	int win = win_find(s->wins, sess_param(c, 1));
	sess_line(s, win >= 0 ? win : s->wins->cur, c->t,
	    num >= 400 && num < 600 ? SB_ERROR : SB_INFO, 0, NULL, NULL, buf);
}
