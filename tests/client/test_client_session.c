/*
 * Unit tests for client/session and client/commands: server lines in, state and lines to
 * send out; the reconnect schedule; splitting of long messages.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/commands.h"
#include "client/session.h"
#include "common/ircmsg.h"

struct fx {
	struct session s;
	struct scrollback msgs, welcome, wire;
	char sent[65536];
};

static int
setup(void **state)
{
	static struct fx fx;
	memset(&fx, 0, sizeof fx);
	sb_init(&fx.msgs, 100);
	sb_init(&fx.welcome, 100);
	sb_init(&fx.wire, 100);
	sess_init(&fx.s, "alice", "#lan", &fx.msgs, &fx.welcome, &fx.wire, 42);
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	sess_free(&fx->s);
	sb_free(&fx->msgs);
	sb_free(&fx->welcome);
	sb_free(&fx->wire);
	return 0;
}

/* Takes everything queued for the server as one string and empties the queue. */
static const char *
take_sent(struct fx *fx)
{
	size_t n = ob_pending(&fx->s.out);
	assert_true(n < sizeof fx->sent);
	if (n > 0)
		memcpy(fx->sent, ob_data(&fx->s.out), n);
	fx->sent[n] = '\0';
	ob_consume(&fx->s.out, n, 0);
	return fx->sent;
}

static void
feed(struct fx *fx, const char *line)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", line);
	sess_feed(&fx->s, buf, 1000, 1700000000);
}

static const char *
last_msg(struct fx *fx)
{
	const struct sb_line *l = sb_get(&fx->msgs, fx->msgs.len - 1);
	assert_non_null(l);
	return l->text;
}

/* A line cut at the wire limit never ends in half a UTF-8 character. */
static void
test_cut_line_whole_chars(void **state)
{
	struct fx *fx = *state;
	char text[IRC_LINE_MAX];
	const char *out;
	size_t n;

	/* "PRIVMSG #lan :" is 14 bytes; 495 more fill the 510, so a 2-byte é would straddle. */
	memset(text, 'a', 495);
	strcpy(text + 495, "\xc3\xa9\xc3\xa9");
	sess_send(&fx->s, "PRIVMSG #lan :%s", text);
	out = take_sent(fx);
	n = strlen(out);
	assert_true(n >= 2 && out[n - 2] == '\r' && out[n - 1] == '\n');
	assert_int_equal(n - 2, 14 + 495); /* the half é is dropped, not sent */
	assert_int_equal((unsigned char)out[n - 3], 'a');
}

/* Brings the session to registered, in #lan with bob. */
static void
register_fx(struct fx *fx)
{
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	feed(fx, ":srv CAP * LS :echo-message");
	feed(fx, ":srv 001 alice :Welcome alice");
	feed(fx, ":alice!~alice@h JOIN #lan");
	feed(fx, ":srv 353 alice = #lan :@alice bob");
	feed(fx, ":srv 366 alice #lan :End of NAMES list");
	take_sent(fx);
}

static void
test_registration_with_caps(void **state)
{
	struct fx *fx = *state;
	sess_connecting(&fx->s, 0);
	assert_int_equal(fx->s.state, SESS_CONNECTING);
	sess_connected(&fx->s, 0);
	assert_int_equal(fx->s.state, SESS_REGISTERING);
	assert_string_equal(take_sent(fx), "CAP LS 302\r\nNICK alice\r\nUSER alice 0 * :lanchat user\r\n");
	/* Greeting before registration goes to the welcome pane. */
	feed(fx, ":srv NOTICE * :*** Welcome to srv");
	assert_int_equal(fx->welcome.len, 1);
	/* A multi-line LS waits for the last line. */
	feed(fx, ":srv CAP * LS * :echo-message");
	assert_string_equal(take_sent(fx), "");
	feed(fx, ":srv CAP * LS :server-time");
	assert_string_equal(take_sent(fx), "CAP REQ :server-time\r\n");
	feed(fx, ":srv CAP alice ACK :server-time");
	assert_true(fx->s.cap_server_time);
	assert_string_equal(take_sent(fx), "CAP END\r\n");
	feed(fx, ":srv 001 alice :Welcome to the network");
	assert_int_equal(fx->s.state, SESS_CONNECTED);
	assert_string_equal(fx->s.server_name, "srv");
	assert_string_equal(take_sent(fx), "JOIN #lan\r\n");
	feed(fx, ":srv 375 alice :- srv Message of the day -");
	feed(fx, ":srv 372 alice :- hello");
	assert_int_equal(fx->welcome.len, 4);
	assert_non_null(strstr(sb_get(&fx->welcome, 3)->text, "- hello"));
}

static void
test_no_server_time_ends_caps(void **state)
{
	struct fx *fx = *state;
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	take_sent(fx);
	feed(fx, ":srv CAP * LS :multi-prefix");
	assert_string_equal(take_sent(fx), "CAP END\r\n");
	assert_false(fx->s.cap_server_time);
}

static void
test_nick_in_use(void **state)
{
	struct fx *fx = *state;
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	take_sent(fx);
	feed(fx, ":srv 433 * alice :Nickname is already in use");
	assert_string_equal(take_sent(fx), "NICK alice_\r\n");
	feed(fx, ":srv 433 * alice_ :Nickname is already in use");
	assert_string_equal(take_sent(fx), "NICK alice__\r\n");
	feed(fx, ":srv 001 alice__ :Welcome");
	assert_string_equal(fx->s.nick, "alice__");
	feed(fx, ":alice__!~alice@h JOIN #lan");
	feed(fx, ":srv 353 alice__ = #lan :alice__ alice bob");
	take_sent(fx);

	/* Someone else's nick changes and quits leave ours alone. */
	feed(fx, ":bob!~bob@h NICK robert");
	feed(fx, ":robert!~bob@h QUIT :bye");
	assert_string_equal(take_sent(fx), "");
	/* The holder of the nick we asked for lets go of it: we take it back. */
	feed(fx, ":alice!~alice@h NICK alice_away");
	assert_string_equal(take_sent(fx), "NICK alice\r\n");
	/* Someone else is quicker: the 433 is not an error to show the user. */
	char before[IRC_LINE_MAX];
	snprintf(before, sizeof before, "%s", last_msg(fx));
	feed(fx, ":srv 433 alice__ alice :Nickname is already in use");
	assert_string_equal(last_msg(fx), before);
	assert_string_equal(fx->s.nick, "alice__");
	/* Freed again, and this time it is ours. */
	feed(fx, ":alice!~x@h QUIT :gone");
	assert_string_equal(take_sent(fx), "NICK alice\r\n");
	feed(fx, ":alice__!~alice@h NICK alice");
	assert_string_equal(fx->s.nick, "alice");
	feed(fx, ":alice_away!~alice@h QUIT :gone");
	assert_string_equal(take_sent(fx), "");
}

static void
test_alt_nick_bounded(void **state)
{
	char buf[NICK_LEN + 1], base[NICK_LEN + 1];
	(void)state;
	memset(base, 'n', NICK_LEN);
	base[NICK_LEN] = '\0';
	for (int i = 1; i < 50; i++) {
		sess_alt_nick(buf, sizeof buf, base, i);
		assert_true(strlen(buf) <= NICK_LEN);
		assert_true(irc_valid_nick(buf));
		assert_string_not_equal(buf, base);
	}
	sess_fix_nick(buf, sizeof buf, "9 bad.user");
	assert_true(irc_valid_nick(buf));
	sess_fix_nick(buf, sizeof buf, "");
	assert_string_equal(buf, "lanchat");
}

static void
test_ping_pong_and_lag(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	feed(fx, "PING :abc");
	assert_string_equal(take_sent(fx), "PONG :abc\r\n");
	/* The first lag PING waits for the registration burst to pass; its answer gives the lag. */
	assert_false(sess_tick(&fx->s, 1000));
	assert_string_equal(take_sent(fx), "");
	assert_false(sess_tick(&fx->s, 1000 + LAG_FIRST_PING_MS));
	assert_string_equal(take_sent(fx), "PING :lanchat-lag\r\n");
	char line[] = ":srv PONG srv :lanchat-lag";
	sess_feed(&fx->s, line, 1042 + LAG_FIRST_PING_MS, 0);
	assert_int_equal(fx->s.lag_ms, 42);
	/* Unanswered for a whole interval: ping timeout. */
	int64_t t = 1000 + LAG_FIRST_PING_MS + LAG_PING_INTERVAL_S * 1000;
	sess_tick(&fx->s, t);
	assert_string_equal(take_sent(fx), "PING :lanchat-lag\r\n");
	assert_false(fx->s.want_close);
	sess_tick(&fx->s, t + LAG_PING_INTERVAL_S * 1000);
	assert_true(fx->s.want_close);
	assert_string_equal(fx->s.reason, "ping timeout");
}

/* The i-th member of the current channel in nick order. */
static const struct sess_member *
member(struct fx *fx, size_t i)
{
	struct sess_chan *c = &fx->s.chans[fx->s.cur];
	chan_sort(c);
	assert_true(i < c->nmembers);
	return c->members[i];
}

static void
test_channel_state(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	const struct sess_chan *c = sess_current(&fx->s);
	assert_non_null(c);
	assert_string_equal(c->name, "#lan");
	assert_int_equal(c->nmembers, 2);
	assert_int_equal(member(fx, 0)->prefix, '@');
	/* After the names list, WHO asks who is away. */
	assert_non_null(strstr(fx->sent, "JOIN #lan\r\nWHO #lan\r\n"));
	feed(fx, ":srv 352 alice #lan ~b h srv bob G :0 Bob");
	assert_true(member(fx, 1)->away);

	feed(fx, ":carol!~c@h JOIN #lan");
	assert_int_equal(c->nmembers, 3);
	assert_non_null(strstr(last_msg(fx), "carol joined #lan"));
	feed(fx, ":carol!~c@h NICK caz");
	assert_string_equal(member(fx, 1)->nick, "bob");
	assert_string_equal(member(fx, 2)->nick, "caz");
	assert_non_null(strstr(last_msg(fx), "carol is now known as caz"));
	feed(fx, ":caz!~c@h QUIT :bye");
	assert_int_equal(c->nmembers, 2);
	assert_non_null(strstr(last_msg(fx), "caz quit (bye)"));
	feed(fx, ":bob!~b@h PART #lan :later");
	assert_int_equal(c->nmembers, 1);
	feed(fx, ":srv 332 alice #lan :the topic");
	assert_string_equal(c->topic, "the topic");
	feed(fx, ":alice!~alice@h PART #lan");
	assert_null(sess_current(&fx->s));
}

static void
test_channel_tags(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	/* One channel: its lines need no tag. */
	feed(fx, ":bob!~b@h PRIVMSG #lan :one");
	assert_non_null(strstr(last_msg(fx), " <bob> one"));
	assert_null(strstr(last_msg(fx), "[#lan]"));
	feed(fx, ":alice!~alice@h JOIN #dev");
	assert_string_equal(sess_current(&fx->s)->name, "#dev");
	/* Two: every channel line carries its channel, the current one's too. */
	feed(fx, ":bob!~b@h PRIVMSG #dev :two");
	assert_non_null(strstr(last_msg(fx), "[#dev] <bob> two"));
	feed(fx, ":bob!~b@h PRIVMSG #lan :three");
	assert_non_null(strstr(last_msg(fx), "[#lan] <bob> three"));
	sess_say(&fx->s, "#dev", "mine", false);
	assert_non_null(strstr(last_msg(fx), "[#dev] <alice> mine"));
	sess_say(&fx->s, "#dev", "acts", true);
	assert_non_null(strstr(last_msg(fx), "[#dev] * alice acts"));
	sess_cycle(&fx->s, 1);
	feed(fx, ":bob!~b@h PRIVMSG #lan :four");
	assert_non_null(strstr(last_msg(fx), "[#lan] <bob> four"));
	feed(fx, ":carol!~c@h JOIN #lan");
	assert_non_null(strstr(last_msg(fx), "[#lan] -- carol joined #lan"));
}

static void
test_messages(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	feed(fx, ":bob!~b@h PRIVMSG #lan :hello there");
	assert_non_null(strstr(last_msg(fx), "<bob> hello there"));
	assert_false(fx->s.bell);
	feed(fx, ":bob!~b@h PRIVMSG #lan :hey ALICE, look");
	assert_true(fx->s.bell);
	assert_true(sb_get(&fx->msgs, fx->msgs.len - 1)->flags & SB_HIGHLIGHT);
	fx->s.bell = false;
	/* "malice" is not a mention. */
	feed(fx, ":bob!~b@h PRIVMSG #lan :malice aforethought");
	assert_false(fx->s.bell);
	feed(fx, ":bob!~b@h PRIVMSG #lan :\001ACTION waves\001");
	assert_non_null(strstr(last_msg(fx), "* bob waves"));
	/* Empty and unterminated actions. */
	feed(fx, ":bob!~b@h PRIVMSG #lan :\001ACTION\001");
	assert_non_null(strstr(last_msg(fx), "* bob "));
	feed(fx, ":bob!~b@h PRIVMSG #lan :\001ACTION");
	feed(fx, ":bob!~b@h PRIVMSG #lan :\001ACTION shrugs");
	assert_non_null(strstr(last_msg(fx), "* bob shrugs"));
	feed(fx, ":bob!~b@h PRIVMSG alice :secret");
	assert_non_null(strstr(last_msg(fx), "*bob* secret"));
	assert_true(fx->s.bell);
	/* A private action is marked as private, not drawn like one in the channel. */
	fx->s.bell = false;
	feed(fx, ":bob!~b@h PRIVMSG alice :\001ACTION winks\001");
	assert_non_null(strstr(last_msg(fx), "[private] * bob winks"));
	assert_true(sb_get(&fx->msgs, fx->msgs.len - 1)->flags & SB_PRIV);
	assert_true(fx->s.bell);
	sess_say(&fx->s, "bob", "nods", true);
	assert_string_equal(take_sent(fx), "PRIVMSG bob :\001ACTION nods\001\r\n");
	assert_non_null(strstr(last_msg(fx), "[private -> bob] * alice nods"));
	feed(fx, ":alice!~a@h PRIVMSG bob :\001ACTION nods again\001");
	assert_non_null(strstr(last_msg(fx), "[private -> bob] * alice nods again"));
	feed(fx, ":bob!~b@h NOTICE #lan :note");
	assert_non_null(strstr(last_msg(fx), "-bob- note"));
	/* Escape sequences arrive inert. */
	feed(fx, ":bob!~b@h PRIVMSG #lan :\x1b[2Jboom");
	assert_non_null(strstr(last_msg(fx), "^[[2Jboom"));
	/* server-time sets the timestamp. */
	feed(fx, "@time=2020-01-02T03:04:05.000Z :bob!~b@h PRIVMSG #lan :old");
	assert_int_equal(sb_get(&fx->msgs, fx->msgs.len - 1)->time, 1577934245);
	/* Errors show as such. */
	feed(fx, ":srv 401 alice nobody :No such nick/channel");
	assert_int_equal(sb_get(&fx->msgs, fx->msgs.len - 1)->kind, SB_ERROR);
	assert_non_null(strstr(last_msg(fx), "nobody: No such nick/channel"));
	/* Junk does not crash or change state. */
	feed(fx, "");
	feed(fx, ":only-a-source");
	feed(fx, "PRIVMSG");
	feed(fx, ":x!y@z JOIN");
	feed(fx, ":srv 353");
	assert_int_equal(fx->s.state, SESS_CONNECTED);
}

static void
test_error_then_reconnect(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	feed(fx, "ERROR :Closing link: (Server shutting down)");
	assert_true(fx->s.want_close);
	sess_lost(&fx->s, fx->s.reason, 5000);
	assert_int_equal(fx->s.state, SESS_WAITING);
	assert_int_equal(fx->s.nchans, 0);
	assert_true(fx->s.retry_at >= 5000 + RECONNECT_MIN_MS);
	assert_false(sess_tick(&fx->s, fx->s.retry_at - 1));
	assert_int_equal(sess_next_deadline(&fx->s), fx->s.retry_at);
	assert_true(sess_tick(&fx->s, fx->s.retry_at));
	/* Registering again rejoins what we were in. */
	sess_connecting(&fx->s, fx->s.retry_at);
	sess_connected(&fx->s, fx->s.retry_at);
	take_sent(fx);
	feed(fx, ":srv 001 alice :Welcome back");
	assert_string_equal(take_sent(fx), "JOIN #lan\r\n");
	assert_int_equal(fx->s.attempt, 0);
}

static void
test_user_quit_stays_idle(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	assert_int_equal(cmd_run(&fx->s, "/quit see you", 0), CMD_QUIT);
	assert_string_equal(take_sent(fx), "QUIT :see you\r\n");
	sess_lost(&fx->s, "closed", 10);
	assert_int_equal(fx->s.state, SESS_IDLE);
	assert_false(sess_tick(&fx->s, 1000000));
}

static void
test_backoff_schedule(void **state)
{
	(void)state;
	int64_t prev = 0;
	for (unsigned a = 0; a < 20; a++) {
		int64_t lo = INT64_MAX, hi = 0;
		for (uint32_t r = 0; r < 1000; r += 7) {
			int64_t d = sess_backoff_ms(a, r * 2654435761u);
			assert_true(d >= RECONNECT_MIN_MS);
			assert_true(d <= RECONNECT_MAX_MS);
			if (d < lo)
				lo = d;
			if (d > hi)
				hi = d;
		}
		/* Grows (until the cap) and is jittered (below the cap). */
		assert_true(lo >= prev || lo >= RECONNECT_MAX_MS * 3 / 4);
		if (hi < RECONNECT_MAX_MS)
			assert_true(hi > lo);
		prev = lo;
	}
	assert_true(sess_backoff_ms(0, 0) < 2 * RECONNECT_MIN_MS);
	assert_int_equal(sess_backoff_ms(30, 0), RECONNECT_MAX_MS);
}

static void
test_say_splits_long_text(void **state)
{
	struct fx *fx = *state;
	char text[2000];
	register_fx(fx);
	/* Multi-byte characters, so a careless cut would split one. */
	size_t o = 0;
	while (o + 3 < sizeof text - 1) {
		memcpy(text + o, "é ", 3);
		o += 3;
	}
	text[o] = '\0';
	assert_int_equal(cmd_run(&fx->s, text, 0), CMD_NONE);
	const char *sent = take_sent(fx);
	int lines = 0;
	size_t total = 0;
	for (const char *p = sent; *p;) {
		const char *e = strstr(p, "\r\n");
		assert_non_null(e);
		size_t len = (size_t)(e - p);
		assert_true(strncmp(p, "PRIVMSG #lan :", 14) == 0);
		/* Room left for the longest prefix the server puts in front when relaying. */
		assert_true(len + 2 + 1 + NICK_LEN + 2 + USER_LEN + 1 + HOST_LEN + 1 <= IRC_LINE_MAX);
		/* Never ends inside a character. */
		assert_true(((unsigned char)e[-1] & 0xc0) != 0xc0);
		total += len - 14;
		lines++;
		p = e + 2;
	}
	assert_true(lines >= 4);
	assert_true(total >= o - (size_t)lines);
}

static void
test_commands(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	cmd_run(&fx->s, "/join other", 0);
	assert_string_equal(take_sent(fx), "JOIN #other\r\n");
	cmd_run(&fx->s, "/msg bob hi there", 0);
	assert_string_equal(take_sent(fx), "PRIVMSG bob :hi there\r\n");
	assert_non_null(strstr(last_msg(fx), "-> *bob* hi there"));
	cmd_run(&fx->s, "/me waves", 0);
	assert_string_equal(take_sent(fx), "PRIVMSG #lan :\001ACTION waves\001\r\n");
	cmd_run(&fx->s, "/topic new topic", 0);
	assert_string_equal(take_sent(fx), "TOPIC #lan :new topic\r\n");
	cmd_run(&fx->s, "/away lunch", 0);
	assert_string_equal(take_sent(fx), "AWAY :lunch\r\n");
	cmd_run(&fx->s, "/nick 9bad", 0);
	assert_string_equal(take_sent(fx), "");
	assert_int_equal(sb_get(&fx->msgs, fx->msgs.len - 1)->kind, SB_ERROR);
	cmd_run(&fx->s, "/msg bob", 0);
	assert_non_null(strstr(last_msg(fx), "Usage: /msg"));
	cmd_run(&fx->s, "/frobnicate", 0);
	assert_non_null(strstr(last_msg(fx), "Unknown command /frobnicate"));
	assert_int_equal(cmd_run(&fx->s, "/wire", 0), CMD_WIRE);
	assert_int_equal(cmd_run(&fx->s, "/connect example.lan:7000", 0), CMD_CONNECT);
	assert_string_equal(fx->s.host, "example.lan");
	assert_string_equal(fx->s.port, "7000");
	assert_string_equal(take_sent(fx), "QUIT :Changing server\r\n");
	cmd_run(&fx->s, "//slash", 0);
	assert_string_equal(take_sent(fx), "PRIVMSG #lan :/slash\r\n");
}

/*
 * Long words in every command that takes one: nothing is sent past a buffer, and a word
 * that does not fit is refused, never cut into another name.
 */
static void
test_commands_long_words(void **state)
{
	struct fx *fx = *state;
	char line[1024], want[1024], word[600];
	register_fx(fx);

	/* A name with no '#' that fits only without it. */
	for (size_t n = CHANNEL_LEN - 3; n <= CHANNEL_LEN + 12; n++) {
		memset(word, 'a', n);
		word[n] = '\0';
		snprintf(line, sizeof line, "/join %s", word);
		cmd_run(&fx->s, line, 0);
		if (n + 1 <= CHANNEL_LEN) {
			snprintf(want, sizeof want, "JOIN #%s\r\n", word);
			assert_string_equal(take_sent(fx), want);
		} else {
			assert_string_equal(take_sent(fx), "");
			assert_int_equal(sb_get(&fx->msgs, fx->msgs.len - 1)->kind, SB_ERROR);
			assert_non_null(strstr(last_msg(fx), "too long"));
		}
	}
	/* Every handler that reads a word, with one far longer than any buffer. */
	memset(word, 'b', sizeof word - 1);
	word[sizeof word - 1] = '\0';
	static const char *const fmts[] = {
		"/join %s", "/join #%s", "/part #%s bye", "/msg %s hi", "/query %s hi", "/query %s",
		"/whois %s", "/who %s", "/nick %s", "/connect %s", "/%s",
	};
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		snprintf(line, sizeof line, fmts[i], word);
		size_t before = fx->msgs.len;
		cmd_run(&fx->s, line, 0);
		assert_string_equal(take_sent(fx), "");
		assert_true(fx->msgs.len > before);
		assert_int_equal(sb_get(&fx->msgs, fx->msgs.len - 1)->kind, SB_ERROR);
	}
	/* A target one byte short of the limit still goes out whole. */
	memset(word, 'c', CHANNEL_LEN - 1);
	word[CHANNEL_LEN - 1] = '\0';
	snprintf(line, sizeof line, "/msg #%s hi", word);
	cmd_run(&fx->s, line, 0);
	snprintf(want, sizeof want, "PRIVMSG #%s :hi\r\n", word);
	assert_string_equal(take_sent(fx), want);
	/* Text too long for one line is cut, and the user is told. */
	memset(word, 'd', sizeof word - 1);
	snprintf(line, sizeof line, "/topic %s", word);
	cmd_run(&fx->s, line, 0);
	assert_int_equal(strlen(take_sent(fx)), IRC_LINE_MAX);
	assert_non_null(strstr(last_msg(fx), "only the first"));
}

/*
 * A server announcing more members than the client keeps: the list stops at the maximum,
 * counts the rest, and every operation stays O(1) (100k JOINs finish in moments, and the
 * test's own time limit would catch a quadratic list).
 */
static void
test_members_capped(void **state)
{
	struct fx *fx = *state;
	char line[128];
	register_fx(fx);
	enum { JOINS = 100000 };
	for (int i = 0; i < JOINS; i++) {
		snprintf(line, sizeof line, ":u%d!~u@h JOIN #lan", JOINS - i);
		feed(fx, line);
	}
	struct sess_chan *c = &fx->s.chans[fx->s.cur];
	assert_int_equal(c->nmembers, CLIENT_CHAN_MEMBERS_MAX);
	assert_int_equal(c->not_kept, JOINS + 2 - CLIENT_CHAN_MEMBERS_MAX);
	assert_non_null(chan_member_find(c, "U100000"));
	assert_null(chan_member_find(c, "u1"));
	/* Leaving and renaming still work at the maximum. */
	feed(fx, ":u100000!~u@h PART #lan");
	assert_null(chan_member_find(c, "u100000"));
	feed(fx, ":u99999!~u@h NICK zed");
	assert_non_null(chan_member_find(c, "ZED"));
	assert_null(chan_member_find(c, "u99999"));
	chan_sort(c);
	for (size_t m = 1; m < c->nmembers; m++)
		assert_true(irc_casecmp(c->members[m - 1]->nick, c->members[m]->nick) < 0);
	/* A fresh NAMES list starts over. */
	feed(fx, ":srv 353 alice = #lan :@alice bob");
	feed(fx, ":srv 366 alice #lan :End of NAMES list");
	assert_int_equal(c->nmembers, 2);
	assert_int_equal(c->not_kept, 0);
	assert_non_null(strstr(last_msg(fx), "#lan: 2 users: @alice bob"));
}

/* Tab: commands at the start of a / line, else other members and channels, never bad UTF-8. */
static void
test_tab_candidates(void **state)
{
	struct fx *fx = *state;
	struct editor ed;
	register_fx(fx);
	feed(fx, ":b\xff!~x@h JOIN #lan");
	ed_init(&ed);
	ed_insert(&ed, 'b');
	assert_int_equal(cmd_complete(&fx->s, &ed), ED_OK);
	assert_string_equal(ed_text(&ed), "bob: ");
	assert_int_equal(cmd_complete(&fx->s, &ed), ED_OK);
	assert_string_equal(ed_text(&ed), "bob: ");
	ed_clear(&ed);
	ed_insert(&ed, 'a');
	assert_int_equal(cmd_complete(&fx->s, &ed), ED_REFUSED); /* only ourselves */
	ed_clear(&ed);
	ed_insert(&ed, '/');
	ed_insert(&ed, 'w');
	ed_insert(&ed, 'e');
	assert_int_equal(cmd_complete(&fx->s, &ed), ED_OK);
	assert_string_equal(ed_text(&ed), "/welcome ");
	ed_free(&ed);
}

/* How many times needle occurs in s. */
static int
count_of(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/*
 * CTCP requests are answered within CTCP_REPLY_BURST + elapsed / CTCP_REPLY_EVERY_MS, a
 * channel one at most once per CTCP_CHANNEL_EVERY_MS; the rest vanish silently.
 */
static void
test_ctcp_bounded(void **state)
{
	struct fx *fx = *state;
	char line[1024], pad[401];
	register_fx(fx);
	memset(pad, 'x', 400);
	pad[400] = '\0';

	/* 10 channel PINGs a second for 30 s, each line naming the channel 4 times. */
	size_t lines_before = fx->msgs.len;
	int64_t t = 100000;
	snprintf(line, sizeof line, ":eve!~e@h PRIVMSG #lan,#lan,#lan,#lan :\001PING %s\001", pad);
	for (int i = 0; i < 300; i++, t += 100) {
		char buf[1024];
		for (int k = 0; k < 4; k++) {
			snprintf(buf, sizeof buf, "%s", line);
			sess_feed(&fx->s, buf, t, 1700000000);
		}
	}
	const char *sent = take_sent(fx);
	int replies = count_of(sent, "NOTICE eve :\001PING ");
	assert_true(replies >= 1);
	assert_true(replies <= 1 + 30000 / CTCP_CHANNEL_EVERY_MS);
	/* The echo is cut. */
	assert_true(strlen(sent) <= (size_t)replies * (CTCP_PING_ECHO_MAX + 32));
	/* Dropped requests leave no line either. */
	assert_true(fx->msgs.len - lines_before <= (size_t)replies);

	/* Private requests: a burst, then one per interval. */
	t += CTCP_CHANNEL_EVERY_MS;
	for (int i = 0; i < 100; i++, t += 100) {
		snprintf(line, sizeof line, ":eve!~e@h PRIVMSG alice :\001%s\001",
		    i % 3 == 0 ? "VERSION" : i % 3 == 1 ? "TIME" : "PING 1");
		sess_feed(&fx->s, line, t, 1700000000);
	}
	sent = take_sent(fx);
	replies = count_of(sent, "NOTICE eve :\001");
	assert_true(replies >= CTCP_REPLY_BURST);
	assert_true(replies <= CTCP_REPLY_BURST + 10000 / CTCP_REPLY_EVERY_MS + 1);
	assert_non_null(strstr(sent, "NOTICE eve :\001VERSION lanchat "));
	assert_non_null(strstr(sent, "NOTICE eve :\001TIME "));
	/* After a quiet spell a request is answered again. */
	t += CTCP_REPLY_EVERY_MS * CTCP_REPLY_BURST;
	snprintf(line, sizeof line, ":eve!~e@h PRIVMSG alice :\001PING 42\001");
	sess_feed(&fx->s, line, t, 1700000000);
	assert_string_equal(take_sent(fx), "NOTICE eve :\001PING 42\001\r\n");
}

/* Does any line of the messages pane contain needle? */
static bool
msgs_have(struct fx *fx, const char *needle)
{
	for (size_t i = 0; i < fx->msgs.len; i++)
		if (strstr(sb_get(&fx->msgs, i)->text, needle) != NULL)
			return true;
	return false;
}

static void
test_query_commands(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	feed(fx, ":srv 376 alice :End of MOTD");
	take_sent(fx);

	cmd_run(&fx->s, "/whois bob", 0);
	assert_string_equal(take_sent(fx), "WHOIS bob\r\n");
	feed(fx, ":srv 311 alice bob ~bob 10.0.0.2 * :Bob Builder");
	assert_non_null(strstr(last_msg(fx), "bob is ~bob@10.0.0.2 (Bob Builder)"));
	feed(fx, ":srv 319 alice bob :#lan #dev");
	assert_non_null(strstr(last_msg(fx), "bob is in #lan #dev"));
	feed(fx, ":srv 312 alice bob srv :the LAN server");
	assert_non_null(strstr(last_msg(fx), "bob is on srv (the LAN server)"));
	feed(fx, ":srv 317 alice bob 125 1700000000 :seconds idle, signon time");
	assert_non_null(strstr(last_msg(fx), "bob has been idle 2m 5s"));
	feed(fx, ":srv 301 alice bob :lunch");
	assert_non_null(strstr(last_msg(fx), "bob is away: lunch"));
	feed(fx, ":srv 318 alice bob :End of /WHOIS list.");
	assert_non_null(strstr(last_msg(fx), "End of WHOIS for bob"));

	/* /who shows its replies; the quiet WHO after NAMES (still in flight) does not. */
	size_t before = fx->msgs.len;
	feed(fx, ":srv 352 alice #lan ~bob h srv bob G :0 Bob Builder");
	feed(fx, ":srv 315 alice #lan :End of /WHO list.");
	assert_int_equal(fx->msgs.len, before);
	assert_true(member(fx, 1)->away);
	cmd_run(&fx->s, "/who", 0);
	assert_string_equal(take_sent(fx), "WHO #lan\r\n");
	feed(fx, ":srv 352 alice #lan ~bob h srv bob H :0 Bob Builder");
	assert_non_null(strstr(last_msg(fx), "#lan: bob (~bob@h): Bob Builder"));
	assert_false(member(fx, 1)->away);
	feed(fx, ":srv 315 alice #lan :End of /WHO list.");
	assert_non_null(strstr(last_msg(fx), "End of WHO for #lan"));

	cmd_run(&fx->s, "/list", 0);
	assert_string_equal(take_sent(fx), "LIST\r\n");
	before = fx->msgs.len;
	feed(fx, ":srv 321 alice Channel :Users Name");
	assert_int_equal(fx->msgs.len, before);
	feed(fx, ":srv 322 alice #lan 2 :Friday demo");
	assert_non_null(strstr(last_msg(fx), "#lan: 2 users: Friday demo"));
	feed(fx, ":srv 322 alice #dev 1 :");
	assert_non_null(strstr(last_msg(fx), "#dev: 1 user"));
	feed(fx, ":srv 323 alice :End of /LIST");
	assert_non_null(strstr(last_msg(fx), "End of channel list"));

	cmd_run(&fx->s, "/query bob hi", 0);
	assert_string_equal(take_sent(fx), "PRIVMSG bob :hi\r\n");
	cmd_run(&fx->s, "/query bob", 0);
	assert_string_equal(take_sent(fx), "");

	/* No raw numerics for any of these. */
	assert_false(msgs_have(fx, "311"));
	assert_false(msgs_have(fx, "End of /WHOIS list"));
}

static void
test_lusers_after_registration(void **state)
{
	struct fx *fx = *state;
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	feed(fx, ":srv 001 alice :Welcome alice");
	feed(fx, ":srv 251 alice :There are 2 users");
	feed(fx, ":srv 375 alice :- srv Message of the day -");
	feed(fx, ":srv 376 alice :End of MOTD");
	size_t welcome = fx->welcome.len;
	assert_true(welcome >= 4);
	/* Asked for later, the same replies are answers in the messages pane. */
	feed(fx, ":srv 251 alice :There are 3 users");
	feed(fx, ":srv 252 alice 0 :operators online");
	assert_int_equal(fx->welcome.len, welcome);
	assert_true(msgs_have(fx, "There are 3 users"));
	assert_non_null(strstr(last_msg(fx), "0 operators online"));
	/* A new connection has a new greeting. */
	sess_lost(&fx->s, "gone", 10);
	sess_connecting(&fx->s, 20);
	sess_connected(&fx->s, 20);
	feed(fx, ":srv 001 alice :Welcome again");
	feed(fx, ":srv 251 alice :There are 4 users");
	assert_non_null(strstr(sb_get(&fx->welcome, fx->welcome.len - 1)->text, "4 users"));
}

static void
test_connect_bad_port(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	take_sent(fx);
	/* Out of range: a one-line hint, and the server we are on stays as it was. */
	assert_int_equal(cmd_run(&fx->s, "/connect 127.0.0.1:99999", 0), CMD_NONE);
	assert_non_null(strstr(last_msg(fx), "out of range"));
	assert_int_equal(cmd_run(&fx->s, "/connect 127.0.0.1:0", 0), CMD_NONE);
	assert_non_null(strstr(last_msg(fx), "out of range"));
	assert_string_equal(take_sent(fx), "");
	assert_int_equal(fx->s.state, SESS_CONNECTED);
	assert_string_equal(fx->s.server_name, "srv");
	assert_int_equal(cmd_run(&fx->s, "/connect [::1]:7000", 0), CMD_CONNECT);
	assert_string_equal(fx->s.host, "::1");
	assert_string_equal(fx->s.port, "7000");
	/* The old server's name is not shown for the new address while it cannot be reached. */
	assert_string_equal(fx->s.server_name, "");
}

static uint32_t
rnd(uint32_t *r)
{
	*r ^= *r << 13;
	*r ^= *r >> 17;
	*r ^= *r << 5;
	return *r;
}

/* Random, often malformed, server lines: nothing crashes and the state stays consistent. */
static void
test_random_lines(void **state)
{
	struct fx *fx = *state;
	static const char *const sources[] = { "", ":srv ", ":alice!~a@h ", ":bob!~b@h ",
		":carol ", ":\x01!@ ", ":x!y@z " };
	static const char *const cmds[] = { "PRIVMSG", "NOTICE", "JOIN", "PART", "QUIT", "NICK",
		"KICK", "TOPIC", "MODE", "CAP", "PING", "PONG", "ERROR", "001", "004", "005",
		"301", "305", "306", "331", "332", "352", "353", "366", "372", "401", "432",
		"433", "999", "FOO" };
	static const char *const words[] = { "#lan", "#b", "alice", "bob", "*", "LS", "ACK",
		"=", ":", ":@alice +bob carol", ":\001ACTION", ":\001VERSION\001", "\x1b[2J",
		":text with alice", "\xff\xfe", ":", "G", "H" };
	uint32_t r = 12345;
	char line[600];

	register_fx(fx);
	for (int n = 0; n < 20000; n++) {
		size_t o = 0;
		o += (size_t)snprintf(line + o, sizeof line - o, "%s%s",
		    sources[rnd(&r) % (sizeof sources / sizeof *sources)],
		    cmds[rnd(&r) % (sizeof cmds / sizeof *cmds)]);
		int nw = (int)(rnd(&r) % 8);
		for (int i = 0; i < nw && o < sizeof line - 64; i++)
			o += (size_t)snprintf(line + o, sizeof line - o, " %s",
			    words[rnd(&r) % (sizeof words / sizeof *words)]);
		sess_feed(&fx->s, line, n, 0);
		take_sent(fx);
		/* Rejoin now and then so channel state keeps being exercised. */
		if (fx->s.nchans == 0) {
			char j[] = ":alice!~a@h JOIN #lan";
			sess_feed(&fx->s, j, n, 0);
		}
		assert_true(fx->s.nchans >= 0 && fx->s.nchans <= CHANNELS_PER_CLIENT);
		assert_true(fx->s.cur >= -1 && fx->s.cur < fx->s.nchans);
		assert_true(fx->s.nick[0] != '\0');
		for (int c = 0; c < fx->s.nchans; c++) {
			struct sess_chan *ch = &fx->s.chans[c];
			chan_sort(ch);
			for (size_t m = 1; m < ch->nmembers; m++)
				assert_true(irc_casecmp(ch->members[m - 1]->nick,
				                ch->members[m]->nick) < 0);
			for (size_t m = 0; m < ch->nmembers; m++)
				assert_ptr_equal(
				    chan_member_find(ch, ch->members[m]->nick), ch->members[m]);
		}
		assert_true(fx->msgs.len <= fx->msgs.cap);
	}
}

int
main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_registration_with_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_line_whole_chars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_server_time_ends_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nick_in_use, setup, teardown),
		cmocka_unit_test(test_alt_nick_bounded),
		cmocka_unit_test_setup_teardown(test_ping_pong_and_lag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_then_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_quit_stays_idle, setup, teardown),
		cmocka_unit_test(test_backoff_schedule),
		cmocka_unit_test_setup_teardown(test_say_splits_long_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_long_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_members_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctcp_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tab_candidates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_bad_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lusers_after_registration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
