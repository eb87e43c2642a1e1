/*
 * Unit tests for client/session and client/commands under hostile input: member caps, CTCP
 * rate limits, completion, queries, bad ports and random server lines.
 */
#include "tests/client/session_fx.h"

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
	struct sess_chan *c = sess_find_chan(&fx->s, sess_current(&fx->s)->name);
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
	size_t lines_before = fx->nlines;
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
	assert_true(fx->nlines - lines_before <= (size_t)replies);

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
	for (int w = 0; w < fx->wins.n; w++) {
		const struct scrollback *sb = &win_get(&fx->wins, w)->sb;
		for (size_t i = 0; i < sb->len; i++)
			if (strstr(sb_get(sb, i)->text, needle) != NULL)
				return true;
	}
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
	size_t before = fx->nlines;
	feed(fx, ":srv 352 alice #lan ~bob h srv bob G :0 Bob Builder");
	feed(fx, ":srv 315 alice #lan :End of /WHO list.");
	assert_int_equal(fx->nlines, before);
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
	before = fx->nlines;
	feed(fx, ":srv 321 alice Channel :Users Name");
	assert_int_equal(fx->nlines, before);
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
		assert_true(fx->wins.cur >= 0 && fx->wins.cur < fx->wins.n);
		assert_true(fx->s.nick[0] != '\0');
		for (int c = 0; c < fx->s.nchans; c++) {
			struct sess_chan *ch = &fx->s.chans[c];
			chan_sort(ch);
			/* Operators first, then voiced users, then the rest; by nick within each. */
			for (size_t m = 1; m < ch->nmembers; m++) {
				const struct sess_member *x = ch->members[m - 1], *y = ch->members[m];
				int rx = x->ranks ? __builtin_ctz(x->ranks) : 8;
				int ry = y->ranks ? __builtin_ctz(y->ranks) : 8;
				assert_true(rx < ry || (rx == ry && irc_casecmp(x->nick, y->nick) < 0));
			}
			for (size_t m = 0; m < ch->nmembers; m++)
				assert_ptr_equal(
				    chan_member_find(ch, ch->members[m]->nick), ch->members[m]);
		}
		for (int w = 0; w < fx->wins.n; w++)
			assert_true(win_get(&fx->wins, w)->sb.len <= win_get(&fx->wins, w)->sb.cap);
	}
}

int
main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
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
