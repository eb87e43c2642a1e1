/*
 * Unit tests for client/backlog and client/seen: capabilities asked for, history batches in
 * a window (in order, once, without side effects or alerts), the catch-up after a reconnect
 * with its marker, PgUp's older pages, FAIL answers, and the bounded set of msgids.
 */
#include "tests/client/session_fx.h"

#include <stdlib.h>
#include <unistd.h>

#include "client/evtext.h"
#include "client/log.h"
#include "client/seen.h"
#include "common/util.h"

#define ALL_CAPS "server-time message-tags batch draft/chathistory draft/event-playback"

/* Times in the tests count from here: a while ago, so that "now" is about BASE_AGO. */
enum { BASE_AGO = 100000 };
static time_t base;

/* Seconds from base to now: when a line we type now is stamped. */
static int
now_sec(void)
{
	return (int)(time(NULL) - base);
}

/* "@time=...;msgid=ID" for second sec after base, plus batch if given. */
static const char *
tags(char *buf, size_t cap, int sec, const char *msgid, const char *batch)
{
	char stamp[40];
	irc_format_time_ms(stamp, sizeof stamp, ((int64_t)base + sec) * 1000);
	snprintf(buf, cap, "@time=%s;msgid=%s%s%s", stamp, msgid, batch ? ";batch=" : "",
	    batch ? batch : "");
	return buf;
}

/* Feeds a line with those tags in front. */
static void
feed_at(struct fx *fx, int sec, const char *msgid, const char *batch, const char *rest)
{
	char t[128], line[1024];
	snprintf(line, sizeof line, "%s %s", tags(t, sizeof t, sec, msgid, batch), rest);
	feed(fx, line);
}

/* A line without tags, received now (the fixture's feed stamps a fixed time). */
static void
feed_now(struct fx *fx, const char *line)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", line);
	sess_feed(&fx->s, buf, 1000, time(NULL));
}

/* The fixture with windows that hold every line these tests make. */
static int
setup_big(void **state)
{
	setup(state);
	struct fx *fx = *state;
	win_free(&fx->wins);
	win_init(&fx->wins, 4000);
	return 0;
}

/* Registered with every history capability, joined to #lan: the LATEST request is sent. */
static void
hist_register(struct fx *fx)
{
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	take_sent(fx);
	feed(fx, ":srv CAP * LS :multi-prefix " ALL_CAPS " sasl=PLAIN");
	assert_string_equal(take_sent(fx), "CAP REQ :" ALL_CAPS "\r\n");
	feed(fx, ":srv CAP alice ACK :" ALL_CAPS);
	assert_string_equal(take_sent(fx), "CAP END\r\n");
	feed(fx, ":srv 001 alice :Welcome alice");
	feed(fx, ":srv 005 alice CHATHISTORY=100 MSGREFTYPES=timestamp,msgid :are supported");
}

static struct win *
lan(struct fx *fx)
{
	return win_get(&fx->wins, win_find(&fx->wins, "#lan"));
}

/* The bodies of a window's lines (after the stamp), joined with '|'. */
static const char *
lines_of(const struct win *w)
{
	static char buf[16384];
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < w->sb.len && o < sizeof buf; i++) {
		const struct sb_line *l = sb_get(&w->sb, i);
		o += (size_t)snprintf(
		    buf + o, sizeof buf - o, "%s%s", i ? "|" : "", l->text + l->stamp_len);
	}
	return buf;
}

static int
count_of(const struct win *w, const char *body)
{
	int n = 0;
	for (size_t i = 0; i < w->sb.len; i++)
		n += strcmp(sb_get(&w->sb, i)->text + sb_get(&w->sb, i)->stamp_len, body) == 0;
	return n;
}

static void
test_caps_asked_when_offered(void **state)
{
	struct fx *fx = *state;
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	take_sent(fx);
	/* Over two LS lines; of two names for one capability, the final one is preferred. */
	feed(fx, ":srv CAP * LS * :draft/chathistory batch");
	assert_string_equal(take_sent(fx), "");
	feed(fx, ":srv CAP * LS :chathistory server-time=x message-tagsX");
	assert_string_equal(take_sent(fx), "CAP REQ :server-time batch chathistory\r\n");
	feed(fx, ":srv CAP alice ACK :server-time batch chathistory");
	assert_true(sess_hist_on(&fx->s));
	/* A capability taken back is off. */
	feed(fx, ":srv CAP alice ACK :-chathistory");
	assert_false(sess_hist_on(&fx->s));
	assert_true(fx->s.caps & SESS_CAP_SERVER_TIME);
}

/* A server without history (ngircd): no request ever, PgUp asks nothing, lines as before. */
static void
test_no_history_server(void **state)
{
	struct fx *fx = *state;
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	take_sent(fx);
	feed(fx, ":srv CAP * LS :multi-prefix");
	assert_string_equal(take_sent(fx), "CAP END\r\n");
	feed(fx, ":srv 001 alice :Welcome alice");
	assert_string_equal(take_sent(fx), "JOIN #lan\r\n");
	feed(fx, ":alice!~alice@h JOIN #lan");
	feed(fx, ":bob!~bob@h PRIVMSG #lan :hi");
	feed(fx, ":bob!~bob@h PRIVMSG #lan :hi");
	assert_string_equal(take_sent(fx), "");
	assert_false(sess_hist_more(&fx->s, win_find(&fx->wins, "#lan")));
	assert_string_equal(lines_of(lan(fx)), "-- You joined #lan|<bob> hi|<bob> hi");
	/* A batch from such a server is not history to us: its lines are live. */
	feed(fx, ":srv BATCH +b1 chathistory #lan");
	feed(fx, "@batch=b1 :bob!~bob@h PRIVMSG #lan :in a batch");
	feed(fx, ":srv BATCH -b1");
	assert_int_equal(count_of(lan(fx), "<bob> in a batch"), 1);
}

static void
test_join_fills_in_order_quietly(void **state)
{
	struct fx *fx = *state;
	hist_register(fx);
	feed_at(fx, 100, "j1", NULL, ":alice!~alice@h JOIN #lan");
	assert_string_equal(take_sent(fx), "JOIN #lan\r\nCHATHISTORY LATEST #lan * 50\r\n");
	feed_now(fx, ":srv 353 alice = #lan :alice");
	feed_now(fx, ":srv 366 alice #lan :End");
	take_sent(fx);
	/* Watch another window: anything new in #lan would mark it. */
	win_select(&fx->wins, 0);
	size_t seen_lines = fx->nlines;
	feed(fx, ":srv BATCH +h1 chathistory #lan");
	feed_at(fx, 10, "m1", "h1", ":bob!~bob@h JOIN #lan");
	feed_at(fx, 11, "m2", "h1", ":bob!~bob@h PRIVMSG #lan :alice: morning");
	feed_at(fx, 12, "m3", "h1", ":bob!~bob@h PRIVMSG #lan :\001ACTION waves\001");
	feed_at(fx, 13, "m4", "h1", ":bob!~bob@h PRIVMSG #lan :\001VERSION\001");
	feed_at(fx, 14, "m5", "h1", ":bob!~bob@h TOPIC #lan :old topic");
	feed_at(fx, 15, "m6", "h1", ":bob!~bob@h NICK :robert");
	feed_at(fx, 100, "j1", "h1", ":alice!~alice@h JOIN #lan");
	feed(fx, ":srv BATCH -h1");
	struct win *w = lan(fx);
	assert_string_equal(lines_of(w),
	    "-- bob joined #lan|<bob> alice: morning|* bob waves|"
	    "-- bob changed the topic of #lan to: old topic|-- bob is now known as robert|"
	    "-- You joined #lan|-!- #lan: 1 user: alice");
	/* The original times, a highlight drawn but not rung, no mark, nothing told the hook. */
	assert_int_equal(sb_get(&w->sb, 1)->time, base + 11);
	assert_true(sb_get(&w->sb, 1)->flags & SB_HISTORY);
	assert_true(sb_get(&w->sb, 1)->flags & SB_HIGHLIGHT);
	assert_int_equal(w->act, WIN_ACT_NONE);
	assert_int_equal(fx->nlines, seen_lines);
	/* The past changed nothing now: members, topic, nicks; nor was the CTCP answered. */
	assert_null(chan_member_find(sess_find_chan(&fx->s, "#lan"), "bob"));
	assert_string_equal(sess_find_chan(&fx->s, "#lan")->topic, "");
	assert_string_equal(take_sent(fx), "");
	assert_int_equal(w->hist.req, WIN_REQ_NONE);
}

static void
test_never_twice(void **state)
{
	struct fx *fx = *state;
	hist_register(fx);
	feed_at(fx, 100, "j1", NULL, ":alice!~alice@h JOIN #lan");
	take_sent(fx);
	feed_at(fx, 101, "m7", NULL, ":bob!~bob@h PRIVMSG #lan :live one");
	/* The same msgid again, live or in any batch (a replay on join, a page that overlaps). */
	feed_at(fx, 101, "m7", NULL, ":bob!~bob@h PRIVMSG #lan :live one");
	for (int round = 0; round < 2; round++) {
		feed(fx, ":srv BATCH +r chathistory #lan");
		feed_at(fx, 90, "m6", "r", ":bob!~bob@h PRIVMSG #lan :said before");
		feed_at(fx, 101, "m7", "r", ":bob!~bob@h PRIVMSG #lan :live one");
		feed(fx, ":srv BATCH -r");
	}
	struct win *w = lan(fx);
	assert_int_equal(count_of(w, "<bob> live one"), 1);
	assert_int_equal(count_of(w, "<bob> said before"), 1);
	assert_string_equal(lines_of(w), "<bob> said before|-- You joined #lan|<bob> live one");
	/* Another window may show the same msgid (one QUIT in two channels). */
	assert_true(seen_key(2, "m7") != seen_key(3, "m7"));
	assert_true(seen_key(2, "m7") == seen_key(2, "m7"));
	/* A window closed and opened again is filled again. */
	assert_true(win_close(&fx->wins, win_find(&fx->wins, "#lan")));
	assert_true(win_open(&fx->wins, WIN_CHANNEL, "#lan") > 0);
	feed(fx, ":srv BATCH +r2 chathistory #lan");
	feed_at(fx, 101, "m7", "r2", ":bob!~bob@h PRIVMSG #lan :live one");
	feed(fx, ":srv BATCH -r2");
	assert_int_equal(count_of(lan(fx), "<bob> live one"), 1);
}

/* A window restored from the log, then filled from history: each line once, in order. */
static void
test_restored_lines_not_twice(void **state)
{
	struct fx *fx = *state;
	char root[] = "/tmp/lanchat-backlog-XXXXXX";
	assert_non_null(mkdtemp(root));
	/* As the log has them: others' lines at the server's second, ours at our clock's. */
	assert_true(log_write(root, "srv", "#lan", base + 10, "<bob> one"));
	assert_true(log_write(root, "srv", "#lan", base + 12, "<alice> two"));
	assert_true(log_write(root, "srv", "#lan", base + 13, "<bob> three"));
	hist_register(fx);
	str_copy(fx->s.server_name, "srv", sizeof fx->s.server_name);
	int i = win_open(&fx->wins, WIN_CHANNEL, "#lan");
	log_restore(root, "srv", win_get(&fx->wins, i));
	assert_int_equal(win_get(&fx->wins, i)->hist.logged_to, base + 13);
	feed_at(fx, 100, "j1", NULL, ":alice!~alice@h JOIN #lan");
	take_sent(fx);
	feed(fx, ":srv BATCH +h chathistory #lan");
	feed_at(fx, 9, "m0", "h", ":bob!~bob@h PRIVMSG #lan :zero");
	feed_at(fx, 10, "m1", "h", ":bob!~bob@h PRIVMSG #lan :one");
	feed_at(fx, 11, "m2", "h", ":alice!~alice@h PRIVMSG #lan :two");
	feed_at(fx, 13, "m3", "h", ":bob!~bob@h PRIVMSG #lan :three");
	feed_at(fx, 14, "m4", "h", ":bob!~bob@h PRIVMSG #lan :four");
	feed(fx, ":srv BATCH -h");
	assert_string_equal(lines_of(lan(fx)),
	    "<bob> zero|<bob> one|<alice> two|<bob> three|<bob> four|-- You joined #lan");
	/* Others' lines match only at their second: "one" said again later is another line. */
	feed(fx, ":srv BATCH +h2 chathistory #lan");
	feed_at(fx, 15, "m5", "h2", ":bob!~bob@h PRIVMSG #lan :one");
	feed(fx, ":srv BATCH -h2");
	assert_int_equal(count_of(lan(fx), "<bob> one"), 2);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* Loses the link and comes back: registration, then the JOIN the client sends again. */
static void
reconnect(struct fx *fx, int join_sec, const char *join_id)
{
	sess_lost(&fx->s, "gone", 0);
	hist_register(fx);
	feed_at(fx, join_sec, join_id, NULL, ":alice!~alice@h JOIN #lan");
}

static void
test_catch_up_pages_and_marker(void **state)
{
	struct fx *fx = *state;
	char id[16], text[64];
	int t0 = now_sec();
	hist_register(fx);
	feed_at(fx, t0 - 60, "j1", NULL, ":alice!~alice@h JOIN #lan");
	feed_at(fx, t0 - 50, "m1", NULL, ":bob!~bob@h PRIVMSG #lan :before");
	/* Ours, shown as we sent it, with our clock's time and no msgid. */
	sess_say(&fx->s, "#lan", "mine", false);
	take_sent(fx);
	size_t logged = fx->nlines;
	reconnect(fx, t0 + 500, "j2");
	/* From the last line the server gave, not from the join just seen. */
	assert_string_equal(take_sent(fx), "JOIN #lan\r\nCHATHISTORY AFTER #lan msgid=m1 100\r\n");
	feed(fx, ":srv BATCH +a chathistory #lan");
	feed_at(fx, t0 + 1, "m2", "a", ":alice!~alice@h PRIVMSG #lan :mine");
	for (int k = 0; k < 99; k++) {
		snprintf(id, sizeof id, "p%d", k);
		snprintf(text, sizeof text, ":bob!~bob@h PRIVMSG #lan :away %d", k);
		feed_at(fx, t0 + 200 + k, id, "a", text);
	}
	feed(fx, ":srv BATCH -a");
	/* A full page: the next one, from its last line. */
	assert_string_equal(take_sent(fx), "CHATHISTORY AFTER #lan msgid=p98 100\r\n");
	feed(fx, ":srv BATCH +b chathistory #lan");
	feed_at(fx, t0 + 400, "q1", "b", ":bob!~bob@h QUIT :bye");
	feed_at(fx, t0 + 401, "q2", "b", ":bob!~bob@h PRIVMSG #lan :last");
	feed_at(fx, t0 + 500, "j2", "b", ":alice!~alice@h JOIN #lan");
	feed(fx, ":srv BATCH -b");
	assert_string_equal(take_sent(fx), "");
	struct win *w = lan(fx);
	/* Our own line, sent by us and given back with its id, once; the rest once each. */
	assert_int_equal(count_of(w, "<alice> mine"), 1);
	assert_int_equal(count_of(w, "<bob> away 0"), 1);
	assert_int_equal(count_of(w, "-- You joined #lan"), 2);
	/* One marker, above the first line caught up, counting what was said. */
	long m = -1;
	for (size_t i = 0; i < w->sb.len; i++)
		if (strstr(sb_get(&w->sb, i)->text, "while you were away") != NULL) {
			assert_int_equal(m, -1);
			m = (long)i;
		}
	assert_true(m >= 0);
	assert_string_equal(sb_get(&w->sb, (size_t)m)->text + sb_get(&w->sb, (size_t)m)->stamp_len,
	    "-- 100 messages while you were away --");
	assert_string_equal(
	    sb_get(&w->sb, (size_t)m + 1)->text + sb_get(&w->sb, 0)->stamp_len, "<bob> away 0");
	assert_string_equal(sb_get(&w->sb, w->sb.len - 1)->text + sb_get(&w->sb, 0)->stamp_len,
	    "-- You joined #lan");
	/* What was missed is told to the hook (for the log), with no activity. */
	assert_true(fx->nlines >= logged + 101);
	assert_int_equal(fx->last.act, WIN_ACT_NONE);
}

static void
test_catch_up_bounded(void **state)
{
	struct fx *fx = *state;
	char id[16], text[64];
	hist_register(fx);
	feed(fx, ":srv 005 alice CHATHISTORY=5 :are supported");
	feed_at(fx, 100, "j1", NULL, ":alice!~alice@h JOIN #lan");
	assert_string_equal(take_sent(fx), "JOIN #lan\r\nCHATHISTORY LATEST #lan * 5\r\n");
	sess_lost(&fx->s, "gone", 0);
	hist_register(fx);
	feed(fx, ":srv 005 alice CHATHISTORY=5 :are supported");
	feed_at(fx, 9000, "j2", NULL, ":alice!~alice@h JOIN #lan");
	assert_string_equal(take_sent(fx), "JOIN #lan\r\nCHATHISTORY AFTER #lan msgid=j1 5\r\n");
	/* A server with more than any page count allows: the client stops, and says so. */
	for (int page = 0; page < CLIENT_CATCHUP_PAGES; page++) {
		feed(fx, ":srv BATCH +p chathistory #lan");
		for (int k = 0; k < 5; k++) {
			snprintf(id, sizeof id, "x%d", page * 5 + k);
			snprintf(text, sizeof text, ":bob!~bob@h PRIVMSG #lan :n%d", page * 5 + k);
			feed_at(fx, 200 + page * 5 + k, id, "p", text);
		}
		feed(fx, ":srv BATCH -p");
		const char *sent = take_sent(fx);
		if (page + 1 < CLIENT_CATCHUP_PAGES)
			assert_non_null(strstr(sent, "CHATHISTORY AFTER #lan msgid=x"));
		else
			assert_string_equal(sent, "");
	}
	char marker[128];
	snprintf(marker, sizeof marker,
	    "-- at least %d messages while you were away (the rest were not fetched) --",
	    CLIENT_CATCHUP_PAGES * 5);
	assert_int_equal(count_of(lan(fx), marker), 1);
}

static void
test_pgup_fetches_older(void **state)
{
	struct fx *fx = *state;
	hist_register(fx);
	int i = win_find(&fx->wins, "#lan");
	feed_at(fx, 100, "j1", NULL, ":alice!~alice@h JOIN #lan");
	take_sent(fx);
	/* One request at a time. */
	assert_false(sess_hist_more(&fx->s, win_find(&fx->wins, "#lan")));
	feed(fx, ":srv BATCH +l chathistory #lan");
	feed_at(fx, 50, "o5", "l", ":bob!~bob@h PRIVMSG #lan :fifty");
	feed(fx, ":srv BATCH -l");
	i = win_find(&fx->wins, "#lan");
	/* As drawn: a pane of 10 rows showing the top. */
	sb_fit_view(&lan(fx)->sb, 0, 80, 10);
	assert_true(lan(fx)->sb.top_shown);
	assert_true(sess_hist_more(&fx->s, i));
	assert_string_equal(take_sent(fx), "CHATHISTORY BEFORE #lan msgid=o5 100\r\n");
	/* Lines of one millisecond: an older page goes above them, in its own order. */
	feed(fx, ":srv BATCH +b chathistory #lan");
	feed_at(fx, 50, "o3", "b", ":bob!~bob@h PRIVMSG #lan :three");
	feed_at(fx, 50, "o4", "b", ":bob!~bob@h PRIVMSG #lan :four");
	feed(fx, ":srv BATCH -b");
	assert_string_equal(lines_of(lan(fx)),
	    "-- the server has nothing older --|<bob> three|<bob> four|<bob> fifty|"
	    "-- You joined #lan");
	/* The next page would go on from the oldest line, though it shares its millisecond. */
	assert_string_equal(lan(fx)->hist.oldest, "o3");
	/* The PgUp that asked shows what came: the view moved up by its rows. */
	assert_int_equal(lan(fx)->sb.scroll, 2);
	/* Fewer than asked: the start; PgUp asks no more. */
	assert_true(lan(fx)->hist.at_start);
	assert_false(sess_hist_more(&fx->s, i));
	assert_string_equal(take_sent(fx), "");
	/* Not in the server window, nor while disconnected. */
	assert_false(sess_hist_more(&fx->s, 0));
}

static void
test_fail_answers(void **state)
{
	struct fx *fx = *state;
	hist_register(fx);
	feed_at(fx, 100, "j1", NULL, ":alice!~alice@h JOIN #lan");
	feed(fx, ":srv BATCH +l chathistory #lan");
	feed(fx, ":srv BATCH -l");
	feed_at(fx, 120, "gone-id", NULL, ":bob!~bob@h PRIVMSG #lan :x");
	reconnect(fx, 300, "j2");
	assert_string_equal(
	    take_sent(fx), "JOIN #lan\r\nCHATHISTORY AFTER #lan msgid=gone-id 100\r\n");
	/* The server forgot that msgid (pruned, or its store was reset): go on from its time. */
	feed(fx, ":srv FAIL CHATHISTORY INVALID_PARAMS AFTER :Unknown msgid");
	char want[128], stamp[40];
	irc_format_time_ms(stamp, sizeof stamp, ((int64_t)base + 120) * 1000);
	snprintf(want, sizeof want, "CHATHISTORY AFTER #lan timestamp=%s 100\r\n", stamp);
	assert_string_equal(take_sent(fx), want);
	/* A second failure ends the request with the server's words. */
	feed(fx, ":srv FAIL CHATHISTORY MESSAGE_ERROR AFTER #lan :History is off");
	assert_string_equal(take_sent(fx), "");
	assert_int_equal(lan(fx)->hist.req, WIN_REQ_NONE);
	assert_string_equal(last_msg(fx) + fx->last.line.stamp_len, "!!! History is off");
	/* A FAIL of another command, or for nothing asked, changes nothing. */
	size_t n = fx->nlines;
	feed(fx, ":srv FAIL CHATHISTORY MESSAGE_ERROR LATEST #nowhere :x");
	feed(fx, ":srv FAIL REGISTER ERR x :y");
	assert_int_equal(fx->nlines, n);
}

static void
test_query_catches_up(void **state)
{
	struct fx *fx = *state;
	hist_register(fx);
	feed_at(fx, 100, "j1", NULL, ":alice!~alice@h JOIN #lan");
	feed_at(fx, 110, "pm1", NULL, ":bob!~bob@h PRIVMSG alice :psst");
	take_sent(fx);
	/* Right after registration, beside the channels' JOIN. */
	sess_lost(&fx->s, "gone", 0);
	hist_register(fx);
	assert_string_equal(take_sent(fx), "JOIN #lan\r\nCHATHISTORY AFTER bob msgid=pm1 100\r\n");
	feed(fx, ":srv BATCH +q chathistory bob");
	feed_at(fx, 111, "pm2", "q", ":alice!~alice@h PRIVMSG bob :answer");
	feed_at(fx, 112, "pm3", "q", ":bob!~bob@h PRIVMSG alice :thanks");
	feed(fx, ":srv BATCH -q");
	struct win *q = win_get(&fx->wins, win_find(&fx->wins, "bob"));
	assert_non_null(q);
	assert_string_equal(lines_of(q),
	    "*bob* psst|-- 2 messages while you were away --|"
	    "-> *bob* answer|*bob* thanks");
}

/* Messages kept for us while we were away come unasked, in a batch named after us. */
static void
test_kept_messages(void **state)
{
	struct fx *fx = *state;
	hist_register(fx);
	feed_at(fx, 100, "j1", NULL, ":alice!~alice@h JOIN #lan");
	take_sent(fx);
	size_t n = fx->nlines;
	feed(fx, ":srv BATCH +k chathistory alice");
	/* As live, a notice opens no window; a message does. */
	feed_at(fx, 49, "k0", "k", ":carol!~c@h NOTICE alice :a notice with no window");
	feed_at(fx, 50, "k1", "k", ":carol!~c@h PRIVMSG alice :are you coming at four?");
	feed(fx, ":srv BATCH -k");
	/* In carol's conversation, opened for it and marked, in the log, but no alert. */
	int q = win_find(&fx->wins, "carol");
	assert_true(q > 0);
	struct win *w = win_get(&fx->wins, q);
	assert_string_equal(lines_of(w), "*carol* are you coming at four?");
	assert_int_equal(w->act, WIN_ACT_PRIVATE);
	assert_int_equal(fx->nlines, n + 1);
	assert_int_equal(fx->last.act, WIN_ACT_NONE);
	assert_true(fx->last.line.flags & SB_HISTORY);
	assert_int_equal(win_find(&fx->wins, "alice"), -1);
}

/* Parses a line and words it as evtext_event does. */
static const char *
event_words(const char *line, const char *nick, bool self)
{
	static char buf[600], copy[600];
	struct irc_msg m;
	snprintf(copy, sizeof copy, "%s", line);
	assert_int_equal(irc_parse(copy, &m), IRC_PARSE_OK);
	return evtext_event(&m, nick, self, buf, sizeof buf) ? buf : NULL;
}

static void
test_event_words(void **state)
{
	(void)state;
	assert_string_equal(event_words(":b!u@h JOIN #lan", "b", false), "b joined #lan");
	assert_string_equal(event_words(":a!u@h JOIN #lan a :Alice", "a", true), "You joined #lan");
	assert_string_equal(event_words(":b!u@h PART #lan :bye", "b", false), "b left #lan (bye)");
	assert_string_equal(event_words(":a!u@h PART #lan", "a", true), "You left #lan");
	assert_string_equal(event_words(":b!u@h KICK #lan c :out", "b", false),
	    "c was kicked from #lan by b (out)");
	assert_string_equal(event_words(":b!u@h QUIT :gone", "b", false), "b quit (gone)");
	assert_string_equal(event_words(":a!u@h NICK al", "a", true), "You are now known as al");
	assert_string_equal(event_words(":b!u@h TOPIC #lan :x y", "b", false),
	    "b changed the topic of #lan to: x y");
	assert_string_equal(event_words(":srv MODE #lan +o b", "", false), "mode #lan +o b by srv");
	assert_null(event_words(":b!u@h PRIVMSG #lan :hi", "b", false));
	/* Missing parameters read as empty, never past the end. */
	assert_string_equal(event_words(":b!u@h KICK", "b", false), " was kicked from  by b ()");

	char text[32] = "\001ACTION waves\001", plain[16] = "hi";
	assert_true(evtext_strip_action(text));
	assert_string_equal(text, "waves");
	assert_false(evtext_strip_action(plain));
	assert_true(evtext_mentions("hi alice!", "ALICE"));
	assert_false(evtext_mentions("malice", "alice"));
	assert_false(evtext_mentions("alice2", "alice"));
}

static void
test_seen_bounded(void **state)
{
	struct seen s;
	(void)state;
	seen_init(&s, 4);
	assert_false(seen_has(&s, 5));
	assert_true(seen_add(&s, 5));
	assert_false(seen_add(&s, 5));
	assert_false(seen_add(&s, 0)); /* 0 is no key */
	for (uint64_t k = 6; k <= 8; k++)
		assert_true(seen_add(&s, k));
	assert_true(seen_has(&s, 5));
	/* The fifth key forgets the oldest. */
	assert_true(seen_add(&s, 9));
	assert_false(seen_has(&s, 5));
	for (uint64_t k = 6; k <= 9; k++)
		assert_true(seen_has(&s, k));
	seen_free(&s);
}

/* Many keys through a small set: what is held is exactly the newest cap keys. */
static void
test_seen_churn(void **state)
{
	struct seen s;
	(void)state;
	enum { CAP = 64, KEYS = 5000 };
	seen_init(&s, CAP);
	uint64_t x = 88172645463325252ull;
	uint64_t keys[KEYS];
	for (int i = 0; i < KEYS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Few distinct low bits: many keys share a home slot. */
		keys[i] = (x & ~0xffull) | 1;
		assert_true(seen_add(&s, keys[i]));
		assert_true(s.len <= CAP);
	}
	for (int i = 0; i < KEYS; i++)
		assert_int_equal(seen_has(&s, keys[i]), i >= KEYS - CAP);
	seen_clear(&s);
	assert_false(seen_has(&s, keys[KEYS - 1]));
	seen_free(&s);
}

int
main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	base = time(NULL) - BASE_AGO;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_caps_asked_when_offered, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_no_history_server, setup_big, teardown),
		cmocka_unit_test_setup_teardown(
		    test_join_fills_in_order_quietly, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_never_twice, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_restored_lines_not_twice, setup_big, teardown),
		cmocka_unit_test_setup_teardown(
		    test_catch_up_pages_and_marker, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up_bounded, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_pgup_fetches_older, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_fail_answers, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_query_catches_up, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_kept_messages, setup_big, teardown),
		cmocka_unit_test(test_event_words),
		cmocka_unit_test(test_seen_bounded),
		cmocka_unit_test(test_seen_churn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
