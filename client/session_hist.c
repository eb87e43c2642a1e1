/* The session's part in the server's history: see "History in the windows" in session.h. */
#include <stdio.h>
#include <string.h>

#include "client/evtext.h"
#include "client/session_int.h"
#include "common/util.h"

void
sess_hist_reset(struct session *s)
{
	s->bl.nopen = 0;
	s->bl.server_max = 0;
	for (int i = 0; i < s->wins->n; i++)
		win_get(s->wins, i)->hist.req = WIN_REQ_NONE;
}

bool
sess_hist_on(const struct session *s)
{
	return (s->caps & SESS_CAP_CHATHISTORY) && (s->caps & SESS_CAP_BATCH);
}

/* Lines one request asks for: ours, or less if the server takes less. */
static int
page(const struct session *s, int want)
{
	return s->bl.server_max > 0 && s->bl.server_max < want ? s->bl.server_max : want;
}

/* "msgid=ID" when there is an id to give back, else "timestamp=TIME". */
static void
reference(char *buf, size_t cap, const char *msgid, int64_t ms)
{
	if (msgid[0] != '\0' && strcspn(msgid, " \r\n") == strlen(msgid)) {
		snprintf(buf, cap, "msgid=%s", msgid);
		return;
	}
	char stamp[40];
	irc_format_time_ms(stamp, sizeof stamp, ms);
	snprintf(buf, cap, "timestamp=%s", stamp);
}

static void
request(struct session *s, struct win *w, enum win_req req, const char *ref, int limit)
{
	static const char *const names[] = {
		[WIN_REQ_LATEST] = "LATEST", [WIN_REQ_BEFORE] = "BEFORE", [WIN_REQ_AFTER] = "AFTER"
	};
	struct win_hist *h = &w->hist;

	h->req = req;
	h->limit = page(s, limit);
	h->seq = ++s->bl.seq;
	sess_send(s, "CHATHISTORY %s %s %s %d", names[req], w->name, ref, h->limit);
}

/* Catches up from the newest line the window has from the server. */
static void
catch_up(struct session *s, struct win *w)
{
	struct win_hist *h = &w->hist;
	char ref[CLIENT_MSGID_MAX + 16];

	h->catchup = true;
	h->retried = false;
	h->pages = h->caught = 0;
	h->first = 0;
	h->from_ms = h->newest_ms;
	if (h->newest[0] == '\0' && h->newest_ms == 0) {
		/* Nothing to count from: the latest page, with what it adds counted. */
		request(s, w, WIN_REQ_LATEST, "*", CLIENT_HISTORY_PAGE);
		return;
	}
	reference(ref, sizeof ref, h->newest, h->newest_ms);
	request(s, w, WIN_REQ_AFTER, ref, CLIENT_HISTORY_PAGE);
}

void
sess_hist_joined(struct session *s, const char *chan)
{
	int i = win_find(s->wins, chan);
	struct win *w = win_get(s->wins, i);

	if (w == NULL || !sess_hist_on(s) || w->hist.req != WIN_REQ_NONE)
		return;
	if (w->hist.been) {
		catch_up(s, w);
		return;
	}
	w->hist.been = true;
	w->hist.catchup = false;
	request(s, w, WIN_REQ_LATEST, "*", CLIENT_HISTORY_JOIN);
}

void
sess_hist_registered(struct session *s)
{
	if (!sess_hist_on(s))
		return;
	for (int i = 0; i < s->wins->n; i++) {
		struct win *w = win_get(s->wins, i);
		if (w->kind == WIN_QUERY && w->hist.newest_ms != 0 && w->hist.req == WIN_REQ_NONE)
			catch_up(s, w);
	}
}

bool
sess_hist_more(struct session *s, int i)
{
	struct win *w = win_get(s->wins, i);
	char ref[CLIENT_MSGID_MAX + 16];

	if (w == NULL || w->kind == WIN_SERVER || !sess_hist_on(s) || s->state != SESS_CONNECTED ||
	    w->hist.req != WIN_REQ_NONE || w->hist.at_start || w->sb.len == w->sb.cap)
		return false;
	/* Before the oldest line we know the id of; else before the oldest line shown. */
	const struct sb_line *top = sb_get(&w->sb, 0);
	int64_t ms = w->hist.oldest_ms;
	if (w->hist.oldest[0] == '\0')
		ms = top != NULL ? (int64_t)top->time * 1000 : (int64_t)time(NULL) * 1000;
	reference(ref, sizeof ref, w->hist.oldest, ms);
	w->hist.catchup = false;
	request(s, w, WIN_REQ_BEFORE, ref, CLIENT_HISTORY_PAGE);
	return true;
}

static struct backlog_batch *
find_batch(struct session *s, const char *ref)
{
	for (int i = 0; i < s->bl.nopen; i++)
		if (strcmp(s->bl.open[i].ref, ref) == 0)
			return &s->bl.open[i];
	return NULL;
}

/* The window of a history batch: its channel's, or the conversation's with that nick. */
static struct win *
batch_win(struct session *s, const char *target)
{
	return win_get(s->wins, win_find(s->wins, target));
}

/* "-- 12 messages while you were away --" above the first of them. */
static void
marker(struct session *s, struct win *w, bool cut)
{
	struct win_hist *h = &w->hist;
	char text[128];

	if (h->caught == 0)
		return;
	long at = sb_index_of(&w->sb, h->first);
	snprintf(text, sizeof text, "%s%d message%s while you were away%s --",
	    cut ? "at least " : "", h->caught, h->caught == 1 ? "" : "s",
	    cut ? " (the rest were not fetched)" : "");
	struct sb_line *l = sb_insert(&w->sb, at >= 0 ? (size_t)at : 0,
	    (time_t)(h->first_ms / 1000), SB_EVENT, SB_HISTORY, NULL, NULL, text);
	if (l != NULL)
		l->ms = h->first_ms;
	s->seq++;
}

/* A history batch ended: the request it answered is done, or goes on with the next page. */
static void
batch_done(struct session *s, const struct backlog_batch *b)
{
	struct win *w = batch_win(s, b->target);
	if (w == NULL || w->hist.req == WIN_REQ_NONE)
		return; /* a replay nobody asked for */
	struct win_hist *h = &w->hist;
	enum win_req req = h->req;
	bool full = b->lines >= h->limit;

	h->req = WIN_REQ_NONE;
	/* The PgUp that asked for them shows them, if the view is still at the top. */
	if (req == WIN_REQ_BEFORE && w->sb.top_shown && b->rows > 0) {
		int page = w->sb.height > 2 ? w->sb.height - 1 : 1;
		sb_scroll(&w->sb, b->rows < page ? (int)b->rows : page);
	}
	if (req == WIN_REQ_BEFORE && !full) {
		h->at_start = true;
		const struct sb_line *top = sb_get(&w->sb, 0);
		struct sb_line *l = sb_insert(&w->sb, 0, top != NULL ? top->time : time(NULL),
		    SB_EVENT, SB_HISTORY, NULL, NULL, "the server has nothing older --");
		if (l != NULL && w->sb.len > 1)
			l->ms = sb_get(&w->sb, 1)->ms;
		s->seq++;
	}
	if (!h->catchup)
		return;
	if (req == WIN_REQ_AFTER && full && ++h->pages < CLIENT_CATCHUP_PAGES &&
	    (b->last[0] != '\0' || b->last_ms > 0)) {
		char ref[CLIENT_MSGID_MAX + 16];
		reference(ref, sizeof ref, b->last, b->last_ms);
		request(s, w, WIN_REQ_AFTER, ref, CLIENT_HISTORY_PAGE);
		return;
	}
	h->catchup = false;
	marker(s, w, req == WIN_REQ_AFTER && full);
}

void
sess_hist_batch(struct session *s, const struct irc_msg *m)
{
	const char *ref = m->nparams > 0 ? m->params[0] : "";

	if (ref[0] == '-') {
		struct backlog_batch *b = find_batch(s, ref + 1);
		if (b == NULL)
			return;
		struct backlog_batch done = *b;
		*b = s->bl.open[--s->bl.nopen];
		batch_done(s, &done);
		return;
	}
	/* Only history is kept apart; lines of any other batch are live lines. */
	if (ref[0] != '+' || m->nparams < 3 || strcmp(m->params[1], "chathistory") != 0 ||
	    strlen(ref + 1) > CLIENT_BATCH_REF_MAX || ref[1] == '\0' || find_batch(s, ref + 1))
		return;
	if (s->bl.nopen == CLIENT_BATCHES_OPEN)
		return;
	struct backlog_batch *b = &s->bl.open[s->bl.nopen++];
	memset(b, 0, sizeof *b);
	str_copy(b->ref, ref + 1, sizeof b->ref);
	str_copy(b->target, m->params[2], sizeof b->target);
	struct win *w = batch_win(s, b->target);
	b->req = w != NULL ? w->hist.req : WIN_REQ_NONE;
}

static bool
is_message(enum sb_kind k)
{
	return k == SB_MSG || k == SB_OWN || k == SB_ACTION || k == SB_NOTICE || k == SB_PRIVATE;
}

/* A line of a history batch, about to be put in its window. */
struct hline {
	struct backlog_batch *b;
	struct win *w;
	int64_t ms;
	const char *msgid; /* "" if none */
	bool self;         /* from us */
	bool news;         /* a private message kept for us while we were away, given unasked */
};

/* Where h goes: by time, below the line its batch placed before it. */
static size_t
slot(const struct hline *h)
{
	const struct scrollback *sb = &h->w->sb;
	/* An older page goes above the lines of its time; anything else below them. */
	size_t at =
	    h->b->req == WIN_REQ_BEFORE ? sb_time_slot_before(sb, h->ms) : sb_time_slot(sb, h->ms);
	long prev = h->b->placed != 0 ? sb_index_of(sb, h->b->placed) : -1;
	return prev >= 0 && (size_t)prev + 1 > at ? (size_t)prev + 1 : at;
}

/* A line from history into its window, unless it is there already. */
static void
put(struct session *s, const struct hline *h, enum sb_kind kind, int flags, const char *nick,
    const char *text)
{
	struct win *w = h->w;
	time_t t = (time_t)(h->ms / 1000);
	uint64_t key = h->msgid[0] != '\0' ? seen_key(w->id, h->msgid) : 0;
	struct win_hist *wh = &w->hist;

	flags |= SB_HISTORY;
	if (key != 0 && seen_has(&s->bl.seen, key))
		return;
	/*
	 * Shown already without an id (from the log, or ours as we sent it): now it has one.
	 * Others' lines were logged with the server's time; what we said may carry our clock's.
	 */
	int slack = h->self && is_message(kind) ? HISTORY_MATCH_SLACK_S : 0;
	long same = sb_match(&w->sb, t, slack, kind, flags, NULL, nick, text);
	if (same >= 0) {
		struct sb_line *l = sb_at(&w->sb, (size_t)same);
		l->id = key != 0 ? key : 1;
		h->b->placed = l->serial;
		seen_add(&s->bl.seen, key);
		return;
	}
	struct sb_line *l = sb_insert(&w->sb, slot(h), t, kind, flags, NULL, nick, text);
	if (l == NULL)
		return;
	l->id = key;
	l->ms = h->ms;
	h->b->placed = l->serial;
	h->b->rows += sb_line_rows(l, w->sb.width > 0 ? w->sb.width : 80);
	seen_add(&s->bl.seen, key);
	/* Kept for us while we were away: the conversation is marked, as a new one would be. */
	if (h->news)
		win_mark(s->wins, win_find_id(s->wins, w->id), WIN_ACT_PRIVATE);
	/* The marker counts what was said, and stands above all that came with it. */
	if (wh->catchup) {
		wh->caught += is_message(kind);
		if (wh->first == 0 || h->ms < wh->first_ms) {
			wh->first = l->serial;
			wh->first_ms = h->ms;
		}
	}
	/*
	 * What a catch-up brings fills the window's log where it has a gap (the hook logs it, with
	 * no activity mark and no alert: it is not news); a first fill or older pages predate
	 * what this client saw, and stay out of its log.
	 */
	if ((wh->catchup || h->news) && s->on_line != NULL)
		s->on_line(s->on_line_arg, w, l, WIN_ACT_NONE);
	s->seq++;
}

/* PRIVMSG or NOTICE from history (in a channel's window, or a conversation's). */
static void
put_message(struct session *s, const struct hline *h, const struct irc_msg *m, const char *nick)
{
	char text[IRC_LINE_MAX];
	bool notice = strcmp(m->command, "NOTICE") == 0;
	enum sb_kind kind = notice ? SB_NOTICE : SB_MSG;
	int flags = 0;

	if (m->nparams < 2)
		return;
	str_copy(text, m->params[1], sizeof text);
	if (evtext_strip_action(text))
		kind = SB_ACTION;
	else if (irc_is_ctcp(text))
		return; /* requests and replies of the past are nobody's business now */
	if (h->w->kind == WIN_CHANNEL) {
		if (!h->self && sess_mentions(s, text))
			flags |= SB_HIGHLIGHT;
		put(s, h, h->self && kind == SB_MSG ? SB_OWN : kind, flags, nick, text);
	} else if (h->self) {
		put(s, h, kind == SB_ACTION ? SB_ACTION : SB_PRIVATE,
		    (kind == SB_ACTION ? SB_PRIV : 0) | SB_OUTGOING,
		    kind == SB_ACTION ? nick : h->w->name, text);
	} else {
		put(s, h, kind == SB_MSG ? SB_PRIVATE : kind,
		    (kind == SB_ACTION ? SB_PRIV : 0) | (notice ? 0 : SB_HIGHLIGHT), nick, text);
	}
}

bool
sess_hist_take(struct session *s, const struct irc_msg *m, const char *ref, const char *nick,
    bool self, time_t t, int64_t ms, const char *msgid)
{
	struct backlog_batch *b = find_batch(s, ref);
	char text[IRC_LINE_MAX * 2 + 64];

	if (b == NULL)
		return false;
	b->lines++;
	if (ms <= 0)
		ms = (int64_t)t * 1000;
	if (ms >= b->last_ms) {
		b->last_ms = ms;
		str_copy(b->last, strlen(msgid) <= CLIENT_MSGID_MAX ? msgid : "", sizeof b->last);
	}
	struct hline h = {
		.b = b, .w = batch_win(s, b->target), .ms = ms, .msgid = msgid, .self = self
	};
	/*
	 * A private message belongs with the other side, whatever the batch names (the server
	 * gives messages kept for us in a batch named after us): its window, opened if need be.
	 */
	bool said = strcmp(m->command, "PRIVMSG") == 0 || strcmp(m->command, "NOTICE") == 0;
	if (said && m->nparams >= 2 && !irc_is_channel(m->params[0])) {
		const char *other = self ? m->params[0] : nick;
		/* As live: a message opens its conversation, a notice uses one that is open. */
		bool notice = strcmp(m->command, "NOTICE") == 0;
		h.w = other[0] == '\0'
		    ? NULL
		    : win_get(
		          s->wins, notice ? win_find(s->wins, other) : sess_query_win(s, other));
		h.news = b->req == WIN_REQ_NONE && !self;
	}
	if (h.w == NULL || h.w->kind == WIN_SERVER)
		return true;
	backlog_note(h.w, msgid, ms);
	/*
	 * The first line of a fill or an older page is the oldest known even when an older line
	 * of the same millisecond was seen first: the next PgUp goes on from it, not back.
	 */
	struct win_hist *wh = &h.w->hist;
	if (b->lines == 1 && (b->req == WIN_REQ_BEFORE || b->req == WIN_REQ_LATEST) &&
	    ms <= wh->oldest_ms && msgid[0] != '\0' && strlen(msgid) <= CLIENT_MSGID_MAX) {
		wh->oldest_ms = ms;
		str_copy(wh->oldest, msgid, sizeof wh->oldest);
	}
	if (said)
		put_message(s, &h, m, nick);
	else if (evtext_event(m, nick, self, text, sizeof text))
		put(s, &h, SB_EVENT, 0, NULL, text);
	return true;
}

void
sess_hist_fail(struct session *s, const struct irc_msg *m)
{
	struct win *w = NULL;

	if (m->nparams < 3 || strcmp(m->params[0], "CHATHISTORY") != 0)
		return;
	/* The window the context names, else the one whose request went first. */
	if (m->nparams >= 5)
		w = batch_win(s, m->params[3]);
	if (w == NULL || w->hist.req == WIN_REQ_NONE) {
		w = NULL;
		for (int i = 0; i < s->wins->n; i++) {
			struct win *x = win_get(s->wins, i);
			if (x->hist.req != WIN_REQ_NONE && (w == NULL || x->hist.seq < w->hist.seq))
				w = x;
		}
	}
	if (w == NULL)
		return;
	struct win_hist *h = &w->hist;
	enum win_req req = h->req;
	h->req = WIN_REQ_NONE;
	/* A msgid the server has forgotten (pruned, or another server): go on from its time. */
	if (req == WIN_REQ_AFTER && h->catchup && !h->retried && h->from_ms > 0 &&
	    strcmp(m->params[1], "INVALID_PARAMS") == 0) {
		char ref[CLIENT_MSGID_MAX + 16];
		h->retried = true;
		reference(ref, sizeof ref, "", h->from_ms);
		request(s, w, WIN_REQ_AFTER, ref, CLIENT_HISTORY_PAGE);
		return;
	}
	if (h->catchup) {
		h->catchup = false;
		marker(s, w, false);
	}
	h->at_start = req == WIN_REQ_BEFORE;
	sess_line(s, win_find_id(s->wins, w->id), time(NULL), SB_ERROR, 0, NULL, NULL,
	    m->params[m->nparams - 1]);
}
