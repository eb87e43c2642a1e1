/*
 * Channels and users between registered IRC clients: relay, echo-message, private messages,
 * NICK, TOPIC, NAMES, WHO, WHOIS, AWAY, LIST, MODE queries, PING/PONG and QUIT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"

/* A, B and C in #lan: A's message reaches B and C with A's full prefix, and not A. */
static void
test_three_way_relay(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c = th_user(srv, "carol");

	(void)state;
	th_join(a, "#lan");
	th_join(b, "#lan");
	th_expect(a, "re:^:bob!~bob@127\\.0\\.0\\.1 JOIN :?#lan$", TH_TIMEOUT);
	th_join(c, "#lan");
	th_expect(a, "re:^:carol!~carol@127\\.0\\.0\\.1 JOIN :?#lan$", TH_TIMEOUT);
	th_expect(b, "re:^:carol!~carol@127\\.0\\.0\\.1 JOIN :?#lan$", TH_TIMEOUT);

	th_sendf(a, "PRIVMSG #lan :hello from alice");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #lan :hello from alice$", TH_TIMEOUT);
	th_expect(c, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #lan :hello from alice$", TH_TIMEOUT);
	th_sync_without(a, "hello from alice");

	/* Channel names compare case-insensitively; a NOTICE is relayed the same way. */
	th_sendf(c, "NOTICE #LAN :notice from carol");
	th_expect(a, "re:^:carol!~carol@127\\.0\\.0\\.1 NOTICE #(lan|LAN) :notice from carol$",
	    TH_TIMEOUT);
	th_expect(b, "notice from carol", TH_TIMEOUT);
	th_sync_without(c, "notice from carol");

	/* After PART, B no longer receives the channel's messages; the others see the PART. */
	th_sendf(b, "PART #lan :gone");
	th_expect(a, "re:^:bob!~bob@127\\.0\\.0\\.1 PART #lan( :gone)?$", TH_TIMEOUT);
	th_expect(c, "re:^:bob!~bob@127\\.0\\.0\\.1 PART #lan", TH_TIMEOUT);
	th_expect(b, "re:^:bob!~bob@127\\.0\\.0\\.1 PART #lan", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG #lan :after the part");
	th_expect(c, "after the part", TH_TIMEOUT);
	th_sync_without(b, "after the part");
}

/* With echo-message, the sender gets its own channel and private messages back. */
static void
test_echo_message(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_connect(srv);
	struct th_client *b = th_user(srv, "bob");

	(void)state;
	th_set_nick(a, "alice");
	th_sendf(a, "CAP LS 302");
	th_sendf(a, "NICK alice");
	th_sendf(a, "USER alice 0 * :Alice");
	th_sendf(a, "CAP REQ :echo-message");
	th_expect(a, "re:CAP (alice|\\*) ACK :echo-message ?$", TH_TIMEOUT);
	th_sendf(a, "CAP END");
	th_expect(a, " 001 alice ", TH_TIMEOUT);
	th_join(a, "#echo");
	th_join(b, "#echo");

	th_sendf(a, "PRIVMSG #echo :echoed line");
	th_expect(a, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #echo :echoed line$", TH_TIMEOUT);
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #echo :echoed line$", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG bob :private echo");
	th_expect(a, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG bob :private echo$", TH_TIMEOUT);
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG bob :private echo$", TH_TIMEOUT);
	/* bob did not negotiate it and gets no copy of his own. */
	th_sendf(b, "PRIVMSG #echo :no echo for bob");
	th_expect(a, "no echo for bob", TH_TIMEOUT);
	th_sync_without(b, "no echo for bob");
}

/* PRIVMSG and NOTICE to a nick, case-insensitively, and to several targets at once. */
static void
test_private_messages(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c = th_user(srv, "carol");

	(void)state;
	th_sendf(a, "PRIVMSG bob :just for bob");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG bob :just for bob$", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG BoB :mixed case target");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG bob :mixed case target$",
	    TH_TIMEOUT);
	th_sendf(b, "NOTICE alice :a notice back");
	th_expect(a, "re:^:bob!~bob@127\\.0\\.0\\.1 NOTICE alice :a notice back$", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG bob,carol :for both");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG bob :for both$", TH_TIMEOUT);
	th_expect(c, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG carol :for both$", TH_TIMEOUT);
	/* CTCP ACTION passes through untouched. */
	th_sendf(a, "PRIVMSG carol :\001ACTION waves\001");
	th_expect(c, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG carol :\001ACTION waves\001$",
	    TH_TIMEOUT);
	th_sync_without(a, "PRIVMSG");
	th_sync_without(b, "for both|ACTION");
}

/* A nick change is seen by the user and by everyone sharing a channel, once each. */
static void
test_nick_change(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c = th_user(srv, "carol");

	(void)state;
	th_join(a, "#n1");
	th_join(a, "#n2");
	th_join(b, "#n1");
	th_join(b, "#n2");
	th_sendf(a, "NICK alicia");
	th_expect(a, "re:^:alice!~alice@127\\.0\\.0\\.1 NICK :?alicia$", TH_TIMEOUT);
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 NICK :?alicia$", TH_TIMEOUT);
	/* Two shared channels, one NICK line; carol shares none and sees nothing. */
	th_sync_without(b, " NICK ");
	th_sync_without(c, " NICK ");
	/* The new nick is reachable, the old one is free again. */
	th_sendf(b, "PRIVMSG alicia :under the new name");
	th_expect(a, "re:^:bob!~bob@127\\.0\\.0\\.1 PRIVMSG alicia :under the new name$",
	    TH_TIMEOUT);
	th_sendf(c, "NICK alice");
	th_expect(c, "re:^:carol!~carol@127\\.0\\.0\\.1 NICK :?alice$", TH_TIMEOUT);
	/* A change of case only is a change too. */
	th_sendf(b, "NICK BOB");
	th_expect(b, "re:^:bob!~bob@127\\.0\\.0\\.1 NICK :?BOB$", TH_TIMEOUT);
	th_expect(a, "re:^:bob!~bob@127\\.0\\.0\\.1 NICK :?BOB$", TH_TIMEOUT);
}

/* TOPIC: 331 when unset; a change is broadcast; 332 and 333 afterwards and on JOIN. */
static void
test_topic(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c = th_user(srv, "carol");

	(void)state;
	th_join(a, "#t");
	th_join(b, "#t");
	th_sendf(b, "TOPIC #t");
	th_expect(b, "re:^:irc\\.test 331 bob #t :", TH_TIMEOUT);
	th_sendf(a, "TOPIC #t :the topic of the day");
	th_expect(a, "re:^:alice!~alice@127\\.0\\.0\\.1 TOPIC #t :the topic of the day$", TH_TIMEOUT);
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 TOPIC #t :the topic of the day$", TH_TIMEOUT);
	th_sendf(b, "TOPIC #t");
	th_expect(b, "re:^:irc\\.test 332 bob #t :the topic of the day$", TH_TIMEOUT);
	th_expect(b, "re:^:irc\\.test 333 bob #t alice(!~alice@127\\.0\\.0\\.1)? [0-9]+$", TH_TIMEOUT);
	/* A newcomer gets the topic with the JOIN, before the names. */
	th_sendf(c, "JOIN #t");
	th_expect(c, "re:^:carol!~carol@127\\.0\\.0\\.1 JOIN :?#t$", TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 332 carol #t :the topic of the day$", " 366 ",
	    TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 333 carol #t alice", " 366 ", TH_TIMEOUT);
	th_expect(c, " 366 carol #t ", TH_TIMEOUT);
	/* Under +t (a new channel's default) only its operator, alice, may change it. */
	th_sendf(c, "TOPIC #t :not mine to set");
	th_expect(c, "re:^:irc\\.test 482 carol #t :", TH_TIMEOUT);
	/* An empty topic clears it. */
	th_sendf(a, "TOPIC #t :");
	th_expect(c, "re:^:alice!~alice@127\\.0\\.0\\.1 TOPIC #t :?$", TH_TIMEOUT);
	th_sendf(a, "TOPIC #t");
	th_expect(a, "re:^:irc\\.test 331 alice #t :", TH_TIMEOUT);
}

/* NAMES lists every member (353) and ends with 366; JOIN sends the same. */
static void
test_names(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	const char *l;

	(void)state;
	th_join(a, "#names");
	th_join(b, "#names");
	th_sendf(a, "NAMES #names");
	l = th_expect(a, "re:^:irc\\.test 353 alice [=*@] #names :", TH_TIMEOUT);
	if (!th_seen(a, th_mark(a) - 1, "re::[@+]?alice( |$)") ||
	    !th_seen(a, th_mark(a) - 1, "re:[: ][@+]?bob( |$)"))
		th_fail("353 should list alice and bob: %s", l);
	th_expect(a, "re:^:irc\\.test 366 alice #names :", TH_TIMEOUT);
	/* A channel nobody is in: just the end. */
	th_sendf(a, "NAMES #empty");
	th_expect_before(a, "re:^:irc\\.test 366 alice #empty :", " 353 ", TH_TIMEOUT);
}

/* WHO #chan: one 352 per member with user, host, server, nick, flags, hops and real name. */
static void
test_who(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	unsigned long mark;

	(void)state;
	th_join(a, "#who");
	th_join(b, "#who");
	mark = th_mark(a);
	th_sendf(a, "WHO #who");
	th_expect(a, "re:^:irc\\.test 315 alice #who :", TH_TIMEOUT);
	if (!th_seen(a, mark, "re:^:irc\\.test 352 alice #who ~alice 127\\.0\\.0\\.1 irc\\.test "
	    "alice H[^ ]* :0 Real alice$"))
		th_fail("WHO #who: no 352 row for alice");
	if (!th_seen(a, mark, "re:^:irc\\.test 352 alice #who ~bob 127\\.0\\.0\\.1 irc\\.test "
	    "bob H[^ ]* :0 Real bob$"))
		th_fail("WHO #who: no 352 row for bob");
	/* Away users are flagged G. */
	th_sendf(b, "AWAY :out");
	th_expect(b, " 306 bob ", TH_TIMEOUT);
	mark = th_mark(a);
	th_sendf(a, "WHO bob");
	th_expect(a, "re:^:irc\\.test 315 alice bob :", TH_TIMEOUT);
	if (!th_seen(a, mark, "re:^:irc\\.test 352 alice [^ ]+ ~bob 127\\.0\\.0\\.1 irc\\.test bob G"))
		th_fail("WHO bob: no 352 row with G for away bob");
}

/* WHOIS: 311 312 319 ... 318, with 301 when the target is away; 401 for nobody. */
static void
test_whois_and_away(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	unsigned long mark;

	(void)state;
	th_join(b, "#whois");
	mark = th_mark(a);
	th_sendf(a, "WHOIS bob");
	th_expect(a, "re:^:irc\\.test 318 alice bob :", TH_TIMEOUT);
	if (!th_seen(a, mark, "re:^:irc\\.test 311 alice bob ~bob 127\\.0\\.0\\.1 \\* :Real bob$") ||
	    !th_seen(a, mark, "re:^:irc\\.test 312 alice bob irc\\.test :") ||
	    !th_seen(a, mark, "re:^:irc\\.test 319 alice bob :[@+]?#whois ?$"))
		th_fail("WHOIS bob lacks 311, 312 or 319");
	if (th_seen(a, mark, " 301 "))
		th_fail("WHOIS bob says away before AWAY");

	th_sendf(b, "AWAY :gone fishing");
	th_expect(b, "re:^:irc\\.test 306 bob :", TH_TIMEOUT);
	mark = th_mark(a);
	th_sendf(a, "WHOIS bob");
	th_expect(a, "re:^:irc\\.test 318 alice bob :", TH_TIMEOUT);
	if (!th_seen(a, mark, "re:^:irc\\.test 301 alice bob :gone fishing$"))
		th_fail("WHOIS on an away user lacks 301");
	/* A private message to an away user tells the sender. */
	th_sendf(a, "PRIVMSG bob :are you there");
	th_expect(a, "re:^:irc\\.test 301 alice bob :gone fishing$", TH_TIMEOUT);
	th_expect(b, "are you there", TH_TIMEOUT);

	th_sendf(b, "AWAY");
	th_expect(b, "re:^:irc\\.test 305 bob :", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG bob :back now");
	th_expect(b, "back now", TH_TIMEOUT);
	th_sync_without(a, " 301 ");

	th_sendf(a, "WHOIS nobody");
	th_expect_before(a, "re:^:irc\\.test 401 alice nobody :", " 311 ", TH_TIMEOUT);
}

/* LIST: a 322 per channel with its member count and topic, then 323. */
static void
test_list(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	unsigned long mark;

	(void)state;
	th_join(a, "#one");
	th_join(b, "#one");
	th_join(b, "#two");
	th_sendf(b, "TOPIC #two :second channel");
	th_expect(b, " TOPIC #two ", TH_TIMEOUT);
	mark = th_mark(a);
	th_sendf(a, "LIST");
	th_expect(a, "re:^:irc\\.test 323 alice :", TH_TIMEOUT);
	if (!th_seen(a, mark, "re:^:irc\\.test 322 alice #one 2 :") ||
	    !th_seen(a, mark, "re:^:irc\\.test 322 alice #two 1 :(\\[[^]]*\\] )?second channel$"))
		th_fail("LIST should show #one with 2 users and #two with 1 and its topic");
}

/* LIST #chan shows that channel only (RFC 2812 3.2.6). */
static void
test_list_one_channel(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	unsigned long mark;

	(void)state;
	th_join(a, "#one");
	th_join(a, "#two");
	mark = th_mark(a);
	th_sendf(a, "LIST #two");
	th_expect(a, "re:^:irc\\.test 323 alice :", TH_TIMEOUT);
	if (!th_seen(a, mark, " 322 alice #two ") || th_seen(a, mark, " 322 alice #one "))
		th_fail("LIST #two (RFC 2812 3.2.6) should reply with a 322 for #two only, then 323");
}

/* MODE queries: channel modes with creation time, the (empty) ban list, user modes. */
static void
test_mode_queries(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");

	(void)state;
	th_join(a, "#mode");
	th_sendf(a, "MODE #mode");
	th_expect(a, "re:^:irc\\.test 324 alice #mode \\+[a-zA-Z]*( .*)?$", TH_TIMEOUT);
	th_expect(a, "re:^:irc\\.test 329 alice #mode [0-9]+$", TH_TIMEOUT);
	th_sendf(a, "MODE #mode b");
	th_expect_before(a, "re:^:irc\\.test 368 alice #mode :", " 367 ", TH_TIMEOUT);
	th_sendf(a, "MODE alice");
	th_expect(a, "re:^:irc\\.test 221 alice \\+[a-zA-Z]*$", TH_TIMEOUT);
}

/* PING gets a PONG with the token; an unsolicited PONG is accepted silently. */
static void
test_ping_pong(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");

	(void)state;
	th_sendf(a, "PING :token-123");
	th_expect(a, "re:^:irc\\.test PONG irc\\.test :token-123$", TH_TIMEOUT);
	th_sendf(a, "PING token-456");
	th_expect(a, "re:^:irc\\.test PONG irc\\.test :?token-456$", TH_TIMEOUT);
	th_sendf(a, "PONG :irc.test");
	th_sync_without(a, "re: 4[0-9][0-9] ");
}

/* QUIT: the others in the channel see it with the reason; the quitter gets ERROR and EOF. */
static void
test_quit_seen(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c = th_user(srv, "carol");

	(void)state;
	th_join(a, "#q");
	th_join(b, "#q");
	th_sendf(a, "QUIT :see you later");
	th_expect(a, "re:^ERROR :", TH_TIMEOUT);
	th_expect_closed(a, TH_TIMEOUT);
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 QUIT :(Quit: )?see you later$", TH_TIMEOUT);
	/* The nick is free again. */
	th_sendf(c, "NICK alice");
	th_expect(c, "re:^:carol!~carol@127\\.0\\.0\\.1 NICK :?alice$", TH_TIMEOUT);
	th_set_nick(c, "alice");
	/* A connection that just closes is also a QUIT for the others. */
	th_join(c, "#q");
	th_expect(b, "re:^:alice!~carol@127\\.0\\.0\\.1 JOIN :?#q$", TH_TIMEOUT);
	th_close(c);
	th_expect(b, "re:^:alice!~carol@127\\.0\\.0\\.1 QUIT :", TH_TIMEOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_three_way_relay, th_teardown),
		cmocka_unit_test_teardown(test_echo_message, th_teardown),
		cmocka_unit_test_teardown(test_private_messages, th_teardown),
		cmocka_unit_test_teardown(test_nick_change, th_teardown),
		cmocka_unit_test_teardown(test_topic, th_teardown),
		cmocka_unit_test_teardown(test_names, th_teardown),
		cmocka_unit_test_teardown(test_who, th_teardown),
		cmocka_unit_test_teardown(test_whois_and_away, th_teardown),
		cmocka_unit_test_teardown(test_list, th_teardown),
		cmocka_unit_test_teardown(test_list_one_channel, th_teardown),
		cmocka_unit_test_teardown(test_mode_queries, th_teardown),
		cmocka_unit_test_teardown(test_ping_pong, th_teardown),
		cmocka_unit_test_teardown(test_quit_seen, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
