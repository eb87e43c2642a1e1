/*
 * Unit tests for client/session and client/commands: server lines in, state and lines to
 * send out; the reconnect schedule; splitting of long messages.
 */
#include "tests/client/session_fx.h"

#include "common/net.h"

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
	assert_true(fx->s.caps & SESS_CAP_SERVER_TIME);
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
	assert_false(fx->s.caps & SESS_CAP_SERVER_TIME);
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
	char before[sizeof fx->last.text];
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

/* A restart of the server: we ask for the nick we had, so two "alice"s never swap. */
static void
test_reconnect_keeps_nick(void **state)
{
	struct fx *fx = *state;
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	take_sent(fx);
	feed(fx, ":srv 433 * alice :Nickname is already in use");
	feed(fx, ":srv 001 alice_ :Welcome");
	take_sent(fx);
	sess_lost(&fx->s, "gone", 10);
	sess_connecting(&fx->s, 2000);
	sess_connected(&fx->s, 2000);
	assert_non_null(strstr(take_sent(fx), "NICK alice_\r\n"));
	/* Refused now: the next try is neither the refused nick nor a repeat of it. */
	feed(fx, ":srv 433 * alice_ :Nickname is already in use");
	assert_string_equal(take_sent(fx), "NICK alice__\r\n");
	/* /nick while disconnected is what the next registration asks for. */
	sess_lost(&fx->s, "gone", 3000);
	cmd_run(&fx->s, "/nick carol", 3000);
	sess_connecting(&fx->s, 4000);
	sess_connected(&fx->s, 4000);
	assert_non_null(strstr(take_sent(fx), "NICK carol\r\n"));
}

/* "/part #lan" and "/join #lan" before the server confirms the part: the join is sent. */
static void
test_part_then_join(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	cmd_run(&fx->s, "/part #lan", 0);
	cmd_run(&fx->s, "/join #lan", 0);
	assert_string_equal(take_sent(fx), "PART #lan\r\nJOIN #lan\r\n");
	feed(fx, ":alice!~alice@h PART #lan");
	feed(fx, ":alice!~alice@h JOIN #lan");
	assert_non_null(sess_find_chan(&fx->s, "#lan"));
	assert_false(sess_find_chan(&fx->s, "#lan")->parting);
	/* In it again: a /join switches without a JOIN. */
	cmd_run(&fx->s, "/join #lan", 0);
	assert_string_equal(take_sent(fx), "");
}

/* A host that never resolved is given up after a few tries; one that worked is kept. */
static void
test_unresolved_gives_up(void **state)
{
	struct fx *fx = *state;
	sess_set_server(&fx->s, "nowhere.invalid", "6667");
	for (int i = 1; i < RESOLVE_TRIES_MAX; i++) {
		sess_connecting(&fx->s, i * 1000);
		sess_unresolved(&fx->s, "cannot resolve nowhere.invalid", i * 1000);
		assert_int_equal(fx->s.state, SESS_WAITING);
	}
	sess_connecting(&fx->s, 9000);
	sess_unresolved(&fx->s, "cannot resolve nowhere.invalid", 9000);
	assert_int_equal(fx->s.state, SESS_IDLE);
	assert_non_null(strstr(last_msg(fx), "Giving up on nowhere.invalid"));
	assert_false(sess_tick(&fx->s, 100000));

	/* A server that let us in once is retried however long its name is gone. */
	sess_set_server(&fx->s, "lanbox", "6667");
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	feed(fx, ":srv 001 alice :Welcome");
	sess_lost(&fx->s, "gone", 10);
	for (int i = 0; i < RESOLVE_TRIES_MAX * 2; i++) {
		sess_connecting(&fx->s, 20 + i);
		sess_unresolved(&fx->s, "cannot resolve lanbox", 20 + i);
		assert_int_equal(fx->s.state, SESS_WAITING);
	}
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

/* Each channel and conversation has its window; lines go there and mark it. */
static void
test_windows_route(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	/* Joining opened #lan's window and showed it. */
	assert_int_equal(fx->wins.n, 2);
	assert_int_equal(fx->wins.cur, 1);
	assert_string_equal(sess_current(&fx->s)->name, "#lan");
	feed(fx, ":bob!~b@h PRIVMSG #lan :one");
	assert_string_equal(fx->last.win, "#lan");
	assert_non_null(strstr(last_msg(fx), " <bob> one"));
	assert_null(strstr(last_msg(fx), "[#lan]"));
	feed(fx, ":alice!~alice@h JOIN #dev");
	assert_string_equal(sess_current(&fx->s)->name, "#dev");
	assert_int_equal(fx->wins.cur, 2);
	/* A line in a window not shown marks it; a mention marks it more. */
	feed(fx, ":bob!~b@h PRIVMSG #lan :three");
	assert_string_equal(fx->last.win, "#lan");
	assert_int_equal(win_get(&fx->wins, 1)->act, WIN_ACT_MSG);
	feed(fx, ":bob!~b@h PRIVMSG #lan :alice: four");
	assert_int_equal(win_get(&fx->wins, 1)->act, WIN_ACT_HIGHLIGHT);
	feed(fx, ":bob!~b@h PRIVMSG #lan :five");
	assert_int_equal(win_get(&fx->wins, 1)->act, WIN_ACT_HIGHLIGHT);
	feed(fx, ":carol!~c@h JOIN #lan");
	assert_string_equal(fx->last.win, "#lan");
	sess_say(&fx->s, "#dev", "mine", false);
	assert_string_equal(fx->last.win, "#dev");
	assert_non_null(strstr(last_msg(fx), "<alice> mine"));
	assert_int_equal(win_get(&fx->wins, 2)->act, WIN_ACT_NONE);
	/* A private message opens a query window (not shown) marked as private. */
	feed(fx, ":bob!~b@h PRIVMSG alice :psst");
	assert_int_equal(fx->wins.n, 4);
	assert_string_equal(fx->last.win, "bob");
	assert_int_equal(win_get(&fx->wins, 3)->kind, WIN_QUERY);
	assert_int_equal(win_get(&fx->wins, 3)->act, WIN_ACT_PRIVATE);
	assert_int_equal(fx->wins.cur, 2);
	/* Typed text goes to the window shown; in the query it goes to bob. */
	win_select(&fx->wins, 3);
	assert_int_equal(win_get(&fx->wins, 3)->act, WIN_ACT_NONE);
	take_sent(fx);
	cmd_run(&fx->s, "back at you", 0);
	assert_string_equal(take_sent(fx), "PRIVMSG bob :back at you\r\n");
	/* bob's nick change: his window follows, and #lan hears of it. */
	feed(fx, ":bob!~b@h NICK robert");
	assert_string_equal(win_get(&fx->wins, 3)->name, "robert");
	assert_int_equal(win_find(&fx->wins, "bob"), -1);
	/* Sending to a new nick opens its window too. */
	cmd_run(&fx->s, "/msg carol hi", 0);
	assert_int_equal(win_find(&fx->wins, "carol"), 4);
	/* In the server window text goes nowhere, with a hint. */
	win_select(&fx->wins, 0);
	take_sent(fx);
	cmd_run(&fx->s, "lost words", 0);
	assert_string_equal(take_sent(fx), "");
	assert_non_null(strstr(last_msg(fx), "This is the server window"));
	/* /win, /close: a channel's window closing parts it; the server window stays. */
	cmd_run(&fx->s, "/win 3", 0);
	assert_int_equal(fx->wins.cur, 2);
	cmd_run(&fx->s, "/close", 0);
	assert_string_equal(take_sent(fx), "PART #dev\r\n");
	assert_int_equal(win_find(&fx->wins, "#dev"), -1);
	assert_int_equal(fx->wins.cur, 1);
	cmd_run(&fx->s, "/win 1", 0);
	cmd_run(&fx->s, "/close", 0);
	assert_int_equal(fx->wins.n, 4);
	assert_non_null(strstr(last_msg(fx), "server window stays open"));
	cmd_run(&fx->s, "/win 9", 0);
	assert_int_equal(fx->wins.cur, 0);
	/* After a part the window stays, and text typed in it says why it went nowhere. */
	feed(fx, ":alice!~alice@h PART #lan");
	cmd_run(&fx->s, "/win 2", 0);
	cmd_run(&fx->s, "hello?", 0);
	assert_string_equal(take_sent(fx), "");
	assert_non_null(strstr(last_msg(fx), "You are not in #lan"));
	/* /motd: the reply goes to the server window, even after the greeting. */
	feed(fx, ":srv 376 alice :End of MOTD");
	cmd_run(&fx->s, "/motd", 0);
	assert_string_equal(take_sent(fx), "MOTD\r\n");
	assert_int_equal(fx->wins.cur, 0);
	win_select(&fx->wins, 1);
	feed(fx, ":srv 372 alice :- the motd again");
	assert_string_equal(fx->last.win, "");
	assert_int_equal(win_get(&fx->wins, 0)->act, WIN_ACT_EVENT);
}

static void
test_messages(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	feed(fx, ":bob!~b@h PRIVMSG #lan :hello there");
	assert_non_null(strstr(last_msg(fx), "<bob> hello there"));
	assert_int_equal(fx->last.act, WIN_ACT_MSG);
	feed(fx, ":bob!~b@h PRIVMSG #lan :hey ALICE, look");
	assert_int_equal(fx->last.act, WIN_ACT_HIGHLIGHT);
	assert_true(fx->last.line.flags & SB_HIGHLIGHT);
	/* "malice" is not a mention. */
	feed(fx, ":bob!~b@h PRIVMSG #lan :malice aforethought");
	assert_int_equal(fx->last.act, WIN_ACT_MSG);
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
	assert_int_equal(fx->last.act, WIN_ACT_PRIVATE);
	/* A private action is marked as private, not drawn like one in the channel. */
	feed(fx, ":bob!~b@h PRIVMSG alice :\001ACTION winks\001");
	assert_non_null(strstr(last_msg(fx), "* bob winks"));
	assert_string_equal(fx->last.win, "bob");
	assert_true(fx->last.line.flags & SB_PRIV);
	assert_int_equal(fx->last.act, WIN_ACT_PRIVATE);
	sess_say(&fx->s, "bob", "nods", true);
	assert_string_equal(take_sent(fx), "PRIVMSG bob :\001ACTION nods\001\r\n");
	assert_non_null(strstr(last_msg(fx), "* alice nods"));
	assert_true(fx->last.line.flags & SB_OUTGOING);
	feed(fx, ":alice!~a@h PRIVMSG bob :\001ACTION nods again\001");
	assert_non_null(strstr(last_msg(fx), "* alice nods again"));
	assert_string_equal(fx->last.win, "bob");
	feed(fx, ":bob!~b@h NOTICE #lan :note");
	assert_non_null(strstr(last_msg(fx), "-bob- note"));
	/* Escape sequences arrive inert. */
	feed(fx, ":bob!~b@h PRIVMSG #lan :\x1b[2Jboom");
	assert_non_null(strstr(last_msg(fx), "^[[2Jboom"));
	/* server-time sets the timestamp. */
	feed(fx, "@time=2020-01-02T03:04:05.000Z :bob!~b@h PRIVMSG #lan :old");
	assert_int_equal(fx->last.line.time, 1577934245);
	/* Errors show as such. */
	feed(fx, ":srv 401 alice nobody :No such nick/channel");
	assert_int_equal(fx->last.line.kind, SB_ERROR);
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
	assert_int_equal(fx->last.line.kind, SB_ERROR);
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
			assert_int_equal(fx->last.line.kind, SB_ERROR);
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
		size_t before = fx->nlines;
		cmd_run(&fx->s, line, 0);
		assert_string_equal(take_sent(fx), "");
		assert_true(fx->nlines > before);
		assert_int_equal(fx->last.line.kind, SB_ERROR);
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

/* ircs:// and irc:// targets, and --tls's default port. */
static void
parse_ok(const char *in, bool tls_before, const char *host, const char *port, bool tls)
{
	char h[SESS_HOST_LEN + 1], p[SESS_PORT_LEN + 1];
	bool t = tls_before;

	if (sess_parse_server(in, h, sizeof h, p, sizeof p, &t) != 0)
		fail_msg("\"%s\" was rejected", in);
	assert_string_equal(h, host);
	assert_string_equal(p, port);
	assert_int_equal(t, tls);
}

static void
test_parse_server(void **state)
{
	char h[SESS_HOST_LEN + 1], p[SESS_PORT_LEN + 1];
	bool t = false;
	(void)state;

	parse_ok("lanbox", false, "lanbox", "6667", false);
	parse_ok("lanbox", true, "lanbox", "6697", true); /* --tls */
	parse_ok("ircs://lanbox", false, "lanbox", "6697", true);
	parse_ok("ircs://lanbox:7000/", false, "lanbox", "7000", true);
	parse_ok("ircs://[::1]:7000", false, "::1", "7000", true);
	parse_ok("irc://lanbox", true, "lanbox", "6667", false);
	parse_ok("lanbox:7000", false, "lanbox", "7000", false);
	assert_int_equal(sess_parse_server("ircs://lanbox:0", h, sizeof h, p, sizeof p, &t),
	    NET_SPLIT_BADPORT);
	assert_true(sess_parse_server("ircs://", h, sizeof h, p, sizeof p, &t) != 0);
	assert_false(t); /* left alone on failure */
}

static void
test_connect_ircs(void **state)
{
	struct fx *f = *state;
	struct session *s = &f->s;

	assert_int_equal(cmd_run(s, "/connect ircs://lanbox", 0), CMD_CONNECT);
	assert_string_equal(s->host, "lanbox");
	assert_string_equal(s->port, "6697");
	assert_true(s->tls);
	assert_int_equal(cmd_run(s, "/connect lanbox:6667", 0), CMD_CONNECT);
	assert_false(s->tls);
	/* /trust with nothing refused says so and does nothing. */
	assert_int_equal(cmd_run(s, "/trust", 0), CMD_NONE);
	strcpy(s->refused_fp, "ab");
	assert_int_equal(cmd_run(s, "/trust", 0), CMD_TRUST);
}

/* What is shown and logged of a password for NickServ, sent or echoed, has none. */
static void
test_nickserv_password_hidden(void **state)
{
	struct fx *fx = *state;
	const struct sb_line *w;

	register_fx(fx);
	sess_say(&fx->s, "NickServ", "IDENTIFY alice hunter2", false);
	/* The server gets it as typed ... */
	assert_string_equal(take_sent(fx), "PRIVMSG NickServ :IDENTIFY alice hunter2\r\n");
	/* ... the window and the wire view do not show it. */
	assert_string_equal(fx->last.win, "NickServ");
	assert_non_null(strstr(last_msg(fx), "IDENTIFY ***"));
	assert_null(strstr(last_msg(fx), "hunter2"));
	w = sb_get(&fx->wire, fx->wire.len - 1);
	assert_non_null(strstr(w->text, "PRIVMSG NickServ :IDENTIFY ***"));
	assert_null(strstr(w->text, "hunter2"));
	feed(fx, ":alice!~a@h PRIVMSG NickServ :IDENTIFY alice hunter2");
	w = sb_get(&fx->wire, fx->wire.len - 1);
	assert_non_null(strstr(w->text, "IDENTIFY ***"));
	assert_null(strstr(w->text, "hunter2"));
	for (size_t i = 0; i < fx->wire.len; i++)
		assert_null(strstr(sb_get(&fx->wire, i)->text, "hunter2"));
	/* To anyone else it is a message like any other. */
	sess_say(&fx->s, "bob", "IDENTIFY x", false);
	assert_non_null(strstr(last_msg(fx), "IDENTIFY x"));
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
		cmocka_unit_test_setup_teardown(test_reconnect_keeps_nick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_part_then_join, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unresolved_gives_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_pong_and_lag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_windows_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_then_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_quit_stays_idle, setup, teardown),
		cmocka_unit_test(test_backoff_schedule),
		cmocka_unit_test_setup_teardown(test_say_splits_long_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nickserv_password_hidden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_long_words, setup, teardown),
		cmocka_unit_test(test_parse_server),
		cmocka_unit_test_setup_teardown(test_connect_ircs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
