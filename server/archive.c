#include "server/archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/util.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/history.h"
#include "server/sched.h"
#include "server/modes.h"
#include "server/relay.h"
#include "server/server.h"
#include "server/store.h"

static struct {
	struct arc_config cfg;
	struct hist_idgen ids;
} arc;

static const char *const kind_names[] = {
	[EV_PRIVMSG] = "PRIVMSG",
	[EV_NOTICE] = "NOTICE",
	[EV_JOIN] = "JOIN",
	[EV_PART] = "PART",
	[EV_QUIT] = "QUIT",
	[EV_NICK] = "NICK",
	[EV_TOPIC] = "TOPIC",
	[EV_MODE] = "MODE",
	[EV_KICK] = "KICK",
	[EV_INVITE] = "INVITE", /* never stored: an invitation is not part of the conversation */
};
enum { NKINDS = sizeof kind_names / sizeof kind_names[0] };

static int64_t
wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
prune_tick(int64_t now_ms, void *arg)
{
	(void)arg;
	if (!arc_on())
		return 0;
	int64_t before = arc.cfg.days > 0 ? wall_ms() - (int64_t)arc.cfg.days * 86400000 : 0;
	store_prune_step(srv.store, before, HISTORY_TARGET_CAP);
	return now_ms + STORE_PRUNE_INTERVAL_MS;
}

void
arc_init(const struct arc_config *cfg)
{
	char max[MSGID_LEN + 1];

	arc.cfg = *cfg;
	hist_idgen_seed(&arc.ids, NULL);
	if (srv.store == NULL)
		return;
	if (store_history_last_msgid(srv.store, max) == 1)
		hist_idgen_seed(&arc.ids, max);
	if (arc_on())
		sched_timer(srv.now_ms + STORE_PRUNE_INTERVAL_MS, prune_tick, NULL);
}

void
arc_configure(const struct arc_config *cfg)
{
	arc.cfg.days = cfg->days;
	arc.cfg.replay = cfg->replay;
	arc.cfg.private_history = cfg->private_history;
}

bool
arc_on(void)
{
	return srv.store != NULL && arc.cfg.history;
}

void
arc_stamp(struct relay_event *ev)
{
	static char msgid[MSGID_LEN + 1];

	ev->ms = wall_ms();
	hist_msgid_next(&arc.ids, ev->ms, msgid);
	ev->msgid = msgid;
}

static void
record_in(const struct relay_event *ev, const char *fold)
{
	char kick[IRC_LINE_MAX];
	struct store_msg m = { .msgid = ev->msgid,
		.ms = ev->ms,
		.target = fold,
		.kind = kind_names[ev->kind],
		.sender = ev->from_prefix,
		.account = ev->account,
		.text = ev->text };
	/* A KICK keeps who was kicked in front of the reason: "bob spamming". */
	if (ev->kind == EV_KICK) {
		snprintf(kick, sizeof kick, "%s %s", ev->arg, ev->text ? ev->text : "");
		m.text = kick;
	}
	store_history_add(srv.store, &m);
}

/*
 * Where the private messages between two accounts are kept: both names in order, so that
 * either side finds the same lines, and nobody else (a nick is not an account) can name it.
 */
static void
private_key(const char *a, const char *b, char *out, size_t cap)
{
	if (strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	snprintf(out, cap, "%s,%s", a, b);
}

void
arc_private(struct relay_event *ev, const struct conn *from, const struct conn *to)
{
	char key[2 * NICK_LEN + 2];

	if (!arc_on() || !arc.cfg.private_history || from->account[0] == '\0' ||
	    to->account[0] == '\0')
		return;
	private_key(from->account, to->account, key, sizeof key);
	record_in(ev, key);
}

void
arc_channel(struct relay_event *ev, struct channel *ch, bool include_sender)
{
	arc_stamp(ev);
	relay_channel(ev, ch, include_sender);
	if (arc_on())
		record_in(ev, ch->fold);
}

void
arc_peers(struct relay_event *ev, struct conn *from, bool include_sender)
{
	arc_stamp(ev);
	if (arc_on())
		for (int i = 0; i < from->nchans; i++)
			record_in(ev, from->chans[i]->fold);
	relay_peers(ev, from, include_sender);
}

void
arc_pass_end(void)
{
	if (srv.store != NULL)
		store_pass_end(srv.store);
}

/* A stored line back into an event; false for kinds this server does not replay. */
static bool
event_of(const struct store_msg *m, const char *channel, struct relay_event *ev, char *nick,
    size_t cap, char *victim, size_t cap2)
{
	int k = 0;
	while (k < NKINDS && strcmp(kind_names[k], m->kind) != 0)
		k++;
	if (k == NKINDS)
		return false;
	irc_source_nick(m->sender, nick, cap);
	*ev = (struct relay_event){ .kind = (enum relay_kind)k,
		.from_prefix = m->sender,
		.from_nick = nick,
		.target = k == EV_QUIT || k == EV_NICK ? NULL : channel,
		.account = m->account,
		.text = m->text,
		.msgid = m->msgid,
		.ms = m->ms };
	if (k == EV_INVITE || (k == EV_KICK && m->text == NULL))
		return false;
	if (k == EV_KICK) {
		size_t n = strcspn(m->text, " ");
		if (n == 0 || n >= cap2)
			return false;
		memcpy(victim, m->text, n);
		victim[n] = '\0';
		ev->arg = victim;
		ev->text = m->text[n] == ' ' ? m->text + n + 1 : "";
	}
	return true;
}

struct replay {
	struct conn *to;
	const char *channel; /* the name the client knows the target by */
	const char *type;    /* the batch type, opened before the first line; NULL: none */
	const char *header;  /* a line said before the first one, for clients without tags */
	char ref[16];        /* the batch reference once open */
	const char *batch;
	const char *self_account; /* private lines: the client's account, else NULL */
	int sent;
};

static const char *
batch_open(struct conn *c, char *ref, size_t cap, const char *type, const char *param)
{
	return relay_batch_open(c, ref, cap, type, param);
}

static void
batch_close(struct conn *c, const char *ref)
{
	relay_batch_close(c, ref);
}

static void
replay_line(const struct store_msg *m, void *arg)
{
	struct replay *r = arg;
	struct relay_event ev;
	char nick[NICK_LEN + 1], victim[NICK_LEN + 1];

	if (!event_of(m, r->channel, &ev, nick, sizeof nick, victim, sizeof victim))
		return;
	/* A private line the other side sent was addressed to the client. */
	if (r->self_account != NULL && (m->account == NULL || strcmp(m->account, r->self_account)))
		ev.target = r->to->nick;
	if (r->sent++ == 0) {
		if (r->type != NULL)
			r->batch = batch_open(r->to, r->ref, sizeof r->ref, r->type, r->channel);
		if (r->header != NULL && r->to->mode == CONN_PLAIN)
			conn_notice(r->to, "%s", r->header);
		else if (r->header != NULL && !(r->to->caps & CAP_SERVER_TIME))
			conn_printf(
			    r->to, ":%s NOTICE %s :%s", srv.cfg.name, r->channel, r->header);
	}
	relay_history(&ev, r->to, r->channel, r->batch);
}

void
arc_replay_join(struct conn *c, const struct channel *ch)
{
	char header[CHANNEL_LEN + 64];

	/* A chathistory client asks for what it wants (and would get it twice). */
	if (!arc_on() || arc.cfg.replay <= 0 || (c->caps & CAP_CHATHISTORY))
		return;
	snprintf(header, sizeof header, "Said in %s before you joined:", ch->name);
	struct replay r = { .to = c, .channel = ch->name, .type = "chathistory", .header = header };
	/* Only messages: the joins and parts of the past mean nothing to a newcomer. */
	store_history_range(srv.store, ch->fold, STORE_POS_FIRST, STORE_POS_LAST, arc.cfg.replay,
	    STORE_NEWEST | STORE_MESSAGES, replay_line, &r);
	batch_close(c, r.batch);
}

/* FAIL CHATHISTORY CODE SUBCOMMAND [CONTEXT] :text */
static void
fail(struct conn *c, const char *code, const char *sub, const char *context, const char *text)
{
	if (context != NULL)
		conn_printf(
		    c, ":%s FAIL CHATHISTORY %s %s %s :%s", srv.cfg.name, code, sub, context, text);
	else
		conn_printf(c, ":%s FAIL CHATHISTORY %s %s :%s", srv.cfg.name, code, sub, text);
}

/*
 * Where a reference puts a range's end: a time goes before (or after) every line of its
 * millisecond, a msgid sits exactly on its line. Returns false for an unknown msgid.
 */
static bool
position(const char *fold, const struct hist_ref *ref, bool after, struct store_pos *pos)
{
	if (ref->kind == HIST_REF_TIME) {
		*pos = (struct store_pos){ ref->ms, after ? STORE_POS_AFTER : STORE_POS_BEFORE };
		return true;
	}
	return store_msgid_pos(srv.store, fold, ref->msgid, hist_msgid_time(ref->msgid), pos) == 0;
}

static bool
pos_less(struct store_pos a, struct store_pos b)
{
	return a.ms < b.ms || (a.ms == b.ms && a.seq < b.seq);
}

struct target_time {
	const char *name;
	int64_t ms;
};

static int
by_time(const void *a, const void *b)
{
	const struct target_time *x = a, *y = b;
	return (x->ms > y->ms) - (x->ms < y->ms);
}

/* TARGETS: the caller's channels with lines between the two times, oldest activity first. */
static void
targets(struct conn *c, const struct hist_query *q)
{
	struct target_time found[CHANNELS_PER_CLIENT];
	int64_t lo = q->a.ms < q->b.ms ? q->a.ms : q->b.ms,
	        hi = q->a.ms < q->b.ms ? q->b.ms : q->a.ms;
	int n = 0;
	char ref[16], stamp[32];

	for (int i = 0; i < c->nchans && n < CHANNELS_PER_CLIENT; i++) {
		int64_t t = store_history_last(srv.store, c->chans[i]->fold, lo, hi);
		if (t > 0)
			found[n++] = (struct target_time){ c->chans[i]->name, t };
	}
	qsort(found, (size_t)n, sizeof found[0], by_time);
	if (n > q->limit)
		n = q->limit;
	const char *batch = batch_open(c, ref, sizeof ref, "draft/chathistory-targets", "");
	for (int i = 0; i < n; i++) {
		irc_format_time_ms(stamp, sizeof stamp, found[i].ms);
		if (batch != NULL)
			conn_printf(c, "@batch=%s :%s CHATHISTORY TARGETS %s %s", batch,
			    srv.cfg.name, found[i].name, stamp);
		else
			conn_printf(
			    c, ":%s CHATHISTORY TARGETS %s %s", srv.cfg.name, found[i].name, stamp);
	}
	batch_close(c, batch);
}

void
arc_chathistory(struct conn *c, int nparams, char **params)
{
	struct hist_query q;
	const char *bad, *sub = nparams > 0 ? params[0] : "*";
	enum hist_err e = hist_parse(nparams, params, &q, &bad);

	if (e != HIST_OK) {
		const char *text = e == HIST_ERR_NEED_MORE_PARAMS ? "Missing parameters"
		    : e == HIST_ERR_UNKNOWN_COMMAND               ? "Unknown subcommand"
		    : e == HIST_ERR_INVALID_TARGET ? "Messages could not be retrieved"
		                                   : "Invalid parameters";
		if (e == HIST_ERR_UNKNOWN_COMMAND)
			bad = NULL;
		fail(c, hist_err_code(e), sub, bad, text);
		return;
	}
	sub = hist_sub_name(q.sub);
	if (!arc_on()) {
		fail(c, "MESSAGE_ERROR", sub, q.target, "History is off on this server");
		return;
	}
	if (q.sub == HIST_TARGETS) {
		targets(c, &q);
		return;
	}
	/*
	 * Channels the client is in; a nick names the private messages between the client's
	 * account and that nick's, when both are logged in. Anything else answers with an empty
	 * batch, so nobody learns who talked to whom.
	 */
	struct channel *ch = irc_is_channel(q.target) ? srv_find_channel(q.target) : NULL;
	if (irc_is_channel(q.target) && (ch == NULL || !conn_in_channel(c, ch))) {
		fail(c, "INVALID_TARGET", sub, q.target, "Messages could not be retrieved");
		return;
	}
	char key[2 * NICK_LEN + 2] = "";
	const char *fold = ch != NULL ? ch->fold : key;
	struct replay r = { .to = c, .channel = ch != NULL ? ch->name : q.target };
	if (ch == NULL && c->account[0] != '\0' && arc.cfg.private_history &&
	    strlen(q.target) <= NICK_LEN) {
		char peer[NICK_LEN + 1];
		const struct conn *u = srv_find_nick(q.target);
		if (u != NULL && u->account[0] != '\0')
			str_copy(peer, u->account, sizeof peer);
		else
			irc_casefold(peer, q.target, sizeof peer);
		private_key(c->account, peer, key, sizeof key);
		r.self_account = c->account;
	}
	r.batch = batch_open(c, r.ref, sizeof r.ref, "chathistory", r.channel);
	if (fold[0] != '\0') {
		struct store_pos a = STORE_POS_FIRST, b = STORE_POS_LAST;
		int flags = (c->caps & CAP_EVENT_PLAYBACK) ? 0 : STORE_MESSAGES;
		bool ok = true;
		switch (q.sub) {
		case HIST_LATEST:
			ok = q.a.kind == HIST_REF_NONE || position(fold, &q.a, true, &a);
			flags |= STORE_NEWEST;
			break;
		case HIST_BEFORE:
			ok = position(fold, &q.a, false, &b);
			flags |= STORE_NEWEST;
			break;
		case HIST_AFTER:
			ok = position(fold, &q.a, true, &a);
			break;
		case HIST_AROUND: {
			/* Half before the reference, the rest from it on. */
			struct store_pos at;
			ok = position(fold, &q.a, false, &at);
			if (ok) {
				int before =
				    store_history_range(srv.store, fold, STORE_POS_FIRST, at,
				        q.limit / 2, flags | STORE_NEWEST, replay_line, &r);
				q.limit -= before > 0 ? before : 0;
				a = (struct store_pos){ at.ms, at.seq - 1 };
			}
			break;
		}
		case HIST_BETWEEN: {
			struct store_pos x, y;
			ok = position(fold, &q.a, true, &x) &&
			    position(fold, &q.b, false, &y);
			if (ok && pos_less(x, y)) {
				a = x;
				b = y;
			} else if (ok) {
				/* Backwards in time: counted from the first reference down. */
				ok = position(fold, &q.a, false, &b) &&
				    position(fold, &q.b, true, &a);
				flags |= STORE_NEWEST;
			}
			break;
		}
		case HIST_TARGETS:
			break;
		}
		if (!ok) {
			batch_close(c, r.batch);
			fail(c, "INVALID_PARAMS", sub, NULL, "Unknown msgid");
			return;
		}
		if (q.limit > 0)
			store_history_range(
			    srv.store, fold, a, b, q.limit, flags, replay_line, &r);
	}
	batch_close(c, r.batch);
}

static const char mask_lists[] = "beI";

static void
restore_mask(const struct store_mask *m, void *arg)
{
	struct channel *ch = arg;
	struct chan_masks *l = chan_list(ch, m->list);

	if (l == NULL || m->mask[0] == '\0' || strlen(m->mask) > CHAN_MASK_LEN ||
	    chan_mask_add(l, m->mask, m->setter) != 0)
		return; /* a letter or a mask this build does not take, a full list, a twin */
	l->v[l->n - 1].at = (time_t)(m->at_ms / 1000);
}

void
arc_channel_restore(struct channel *ch)
{
	struct store_channel sc;

	if (srv.store == NULL || store_channel_get(srv.store, ch->fold, &sc) != 1)
		return;
	if (sc.topic != NULL && sc.topic[0] != '\0') {
		free(ch->topic);
		ch->topic = xstrdup(sc.topic);
		str_copy(ch->topic_by, sc.setter != NULL ? sc.setter : "", sizeof ch->topic_by);
		ch->topic_at = (time_t)(sc.topic_ms / 1000);
	}
	if (sc.created_ms > 0)
		ch->created = (time_t)(sc.created_ms / 1000);
	/* "+nt", or "+ntl 25": the flags and the limit. */
	if (sc.modes != NULL && sc.modes[0] == '+') {
		const char *l = strchr(sc.modes, ' ');
		ch->modes = mode_flags_parse(sc.modes);
		ch->limit = l != NULL ? (unsigned)strtoul(l + 1, NULL, 10) : 0;
		if (ch->limit > CHAN_LIMIT_MAX)
			ch->limit = 0;
	}
	if (sc.key != NULL && strlen(sc.key) <= CHAN_KEY_LEN)
		str_copy(ch->key, sc.key, sizeof ch->key);
	store_channel_masks_each(srv.store, ch->fold, restore_mask, ch);
}

/* Stores one list as it is now: a list changes rarely and holds CHAN_LIST_MAX at most. */
static void
save_masks(const struct channel *ch, char letter)
{
	struct store_mask v[CHAN_LIST_MAX];
	const struct chan_masks *l = chan_list((struct channel *)ch, letter);
	size_t n = 0;

	for (; n < l->n && n < CHAN_LIST_MAX; n++)
		v[n] = (struct store_mask){ .list = letter,
			.mask = l->v[n].mask,
			.setter = l->v[n].setter,
			.at_ms = (int64_t)l->v[n].at * 1000 };
	store_channel_masks_set(srv.store, ch->fold, letter, v, n);
}

void
arc_channel_save(const struct channel *ch)
{
	char modes[16], saved[32];

	if (srv.store == NULL)
		return;
	if ((ch->topic == NULL || ch->topic[0] == '\0') && ch->modes == MODE_DEFAULTS &&
	    ch->limit == 0 && ch->key[0] == '\0' && ch->bans.n == 0 && ch->excepts.n == 0 &&
	    ch->invex.n == 0) {
		store_channel_del(srv.store, ch->fold);
		return;
	}
	mode_flags_str(ch->modes, modes, sizeof modes);
	if (ch->limit > 0)
		snprintf(saved, sizeof saved, "%s %u", modes, ch->limit);
	else
		snprintf(saved, sizeof saved, "%s", modes);
	struct store_channel sc = { .fold = ch->fold,
		.name = ch->name,
		.topic = ch->topic,
		.setter = ch->topic_by,
		.topic_ms = (int64_t)ch->topic_at * 1000,
		.modes = saved,
		.key = ch->key,
		.created_ms = (int64_t)ch->created * 1000 };
	store_channel_put(srv.store, &sc);
	for (const char *l = mask_lists; *l != '\0'; l++)
		save_masks(ch, *l);
}
