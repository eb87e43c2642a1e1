/*
 * Channel operators and channel modes through the real lanchatd: the first member's +o,
 * prefixes in NAMES/WHO/WHOIS (multi-prefix, userhost-in-names), MODE queries and changes
 * with their refusals (482 472 401 441 467 478 696), bans and their exceptions, keys,
 * limits, invite-only with INVITE and invite-notify, +m, +n, +s, and KICK.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "harness.h"

/* A client that asked for capabilities (space-separated) before registering. */
static struct th_client *
cap_user(struct th_server *srv, const char *nick, const char *caps)
{
	struct th_client *c = th_connect(srv);

	th_set_nick(c, nick);
	th_sendf(c, "CAP LS 302");
	th_sendf(c, "NICK %s", nick);
	th_sendf(c, "USER %s 0 * :Real %s", nick, nick);
	th_sendf(c, "CAP REQ :%s", caps);
	th_expect(c, " ACK :", TH_TIMEOUT);
	th_sendf(c, "CAP END");
	th_expect(c, "re: (376|422) ", TH_TIMEOUT);
	return c;
}

/* The first member of a new channel is its operator; prefixes show in NAMES, WHO, WHOIS. */
static void
test_first_member_prefixes(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c;

	(void)state;
	th_sendf(a, "JOIN #p");
	th_expect(a, "re:^:irc\\.test 353 alice = #p :@alice$", TH_TIMEOUT);
	th_join(b, "#p");
	th_sendf(b, "NAMES #p");
	th_expect(b, "re:^:irc\\.test 353 bob = #p :@alice bob$", TH_TIMEOUT);
	th_sendf(b, "WHO #p");
	th_expect(b, "re:^:irc\\.test 352 bob #p ~alice 127\\.0\\.0\\.1 irc\\.test alice H@ :0 ",
	    TH_TIMEOUT);
	th_expect(b, "re:^:irc\\.test 352 bob #p ~bob 127\\.0\\.0\\.1 irc\\.test bob H :0 ",
	    TH_TIMEOUT);
	th_sendf(b, "AWAY :lunch");
	th_expect(b, " 306 bob ", TH_TIMEOUT);
	th_sendf(a, "WHO bob");
	th_expect(a, "re: 352 alice #p ~bob 127\\.0\\.0\\.1 irc\\.test bob G :0 ", TH_TIMEOUT);
	th_sendf(b, "WHOIS alice");
	th_expect(b, "re:^:irc\\.test 319 bob alice :@#p$", TH_TIMEOUT);

	/* Voice, relayed to every member; the highest prefix alone without multi-prefix. */
	th_sendf(a, "MODE #p +v alice");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 MODE #p \\+v alice$", TH_TIMEOUT);
	c = cap_user(srv, "carol", "multi-prefix userhost-in-names");
	th_join(c, "#p");
	th_sendf(c, "NAMES #p");
	th_expect(c,
	    "re:^:irc\\.test 353 carol = #p :@\\+alice!~alice@127\\.0\\.0\\.1 bob!~bob@127\\.0\\.0\\.1 "
	    "carol!~carol@127\\.0\\.0\\.1$",
	    TH_TIMEOUT);
	th_sendf(c, "WHO alice");
	th_expect(c, "re: 352 carol #p ~alice 127\\.0\\.0\\.1 irc\\.test alice H@\\+ :0 ", TH_TIMEOUT);
	th_sendf(b, "NAMES #p");
	th_expect(b, "re:^:irc\\.test 353 bob = #p :@alice bob carol$", TH_TIMEOUT);

	/* The plain users' channel has no operator until one is given. */
	th_sendf(a, "JOIN #lan");
	th_expect(a, "re:^:irc\\.test 353 alice = #lan :alice$", TH_TIMEOUT);
	th_sendf(a, "MODE #lan +m");
	th_expect(a, "re:^:irc\\.test 482 alice #lan :", TH_TIMEOUT);
	th_sendf(a, "MODE #lan");
	th_expect(a, "re:^:irc\\.test 324 alice #lan \\+nt$", TH_TIMEOUT);
}

/* MODE queries and changes, and every refusal of a change. */
static void
test_mode_changes_and_refusals(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *d = th_user(srv, "dave");

	(void)state;
	th_join(a, "#p");
	th_join(b, "#p");
	th_sendf(a, "MODE #p");
	th_expect(a, "re:^:irc\\.test 324 alice #p \\+nt$", TH_TIMEOUT);
	th_expect(a, "re:^:irc\\.test 329 alice #p [0-9]+$", TH_TIMEOUT);

	/* A member who is no operator: 482, nothing changes, nothing is relayed. */
	th_sendf(b, "MODE #p +m");
	th_expect(b, "re:^:irc\\.test 482 bob #p :You're not channel operator$", TH_TIMEOUT);
	th_sendf(b, "TOPIC #p :mine");
	th_expect(b, "re:^:irc\\.test 482 bob #p :", TH_TIMEOUT);
	th_sync_without(a, " MODE #p| TOPIC #p");

	th_sendf(a, "MODE #p +XY");
	th_expect(a, "re:^:irc\\.test 472 alice X :is unknown mode char to me$", TH_TIMEOUT);
	th_expect(a, "re:^:irc\\.test 472 alice Y :", TH_TIMEOUT);
	th_sendf(a, "MODE #p +o nobody");
	th_expect(a, "re:^:irc\\.test 401 alice nobody :", TH_TIMEOUT);
	th_sendf(a, "MODE #p +o dave");
	th_expect(a, "re:^:irc\\.test 441 alice dave #p :They aren't on that channel$", TH_TIMEOUT);
	th_sendf(a, "MODE #p +k");
	th_expect(a, "re:^:irc\\.test 696 alice #p k \\* :", TH_TIMEOUT);
	th_sendf(a, "MODE #p +l many");
	th_expect(a, "re:^:irc\\.test 696 alice #p l many :", TH_TIMEOUT);
	th_sendf(d, "MODE alice +Z");
	th_expect(d, "re:^:irc\\.test 502 dave :", TH_TIMEOUT);
	th_sendf(d, "MODE dave +Z");
	th_expect(d, "re:^:irc\\.test 501 dave :", TH_TIMEOUT);

	/* Several changes: one line to every member, with what took effect. */
	th_sendf(a, "MODE #p +ovk-t bob bob sesame");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 MODE #p \\+ovk-t bob bob sesame$",
	    TH_TIMEOUT);
	th_expect(a, "re:^:alice!~alice@127\\.0\\.0\\.1 MODE #p \\+ovk-t bob bob sesame$",
	    TH_TIMEOUT);
	th_sendf(a, "MODE #p +k other");
	th_expect(a, "re:^:irc\\.test 467 alice #p :Channel key already set$", TH_TIMEOUT);
	/* Setting what is set already changes nothing and says nothing. */
	th_sendf(a, "MODE #p +n");
	th_sync_without(a, " MODE #p ");
	/* The key is shown to members, not to others. */
	th_sendf(b, "MODE #p");
	th_expect(b, "re:^:irc\\.test 324 bob #p \\+nk sesame$", TH_TIMEOUT);
	th_sendf(d, "MODE #p");
	th_expect(d, "re:^:irc\\.test 324 dave #p \\+nk$", TH_TIMEOUT);
	th_sendf(b, "NAMES #p");
	th_expect(b, "re:^:irc\\.test 353 bob = #p :@alice @bob$", TH_TIMEOUT);
	/* bob is an operator now: -t lets anyone set the topic, +t back. */
	th_sendf(b, "MODE #p -o+t alice");
	th_expect(a, "re:^:bob!~bob@127\\.0\\.0\\.1 MODE #p -o\\+t alice$", TH_TIMEOUT);
	th_sendf(a, "MODE #p -k sesame");
	th_expect(a, "re:^:irc\\.test 482 alice #p :", TH_TIMEOUT);

	/* At most MODES= changes with a parameter per line; the rest are dropped. */
	th_sendf(d, "JOIN #p sesame");
	th_expect(d, " 366 dave #p ", TH_TIMEOUT);
	th_sendf(b, "MODE #p +vvvvvvv alice dave alice dave alice dave alice");
	th_expect(b, "re:^:bob!~bob@127\\.0\\.0\\.1 MODE #p \\+vv alice dave$", TH_TIMEOUT);
	th_sendf(b, "MODE #p +lb 3 x!y@z");
	th_expect(d, "re:^:bob!~bob@127\\.0\\.0\\.1 MODE #p \\+lb 3 x!y@z$", TH_TIMEOUT);
	th_sendf(b, "MODE #p -lb x!y@z");
	th_expect(d, "re:^:bob!~bob@127\\.0\\.0\\.1 MODE #p -lb x!y@z$", TH_TIMEOUT);
	(void)CHAN_MODES_PER_LINE;
}

/* Bans: masks, lists, 474 on JOIN, 404 on speaking, exceptions, a full list. */
static void
test_bans(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	char masks[IRC_LINE_MAX];

	(void)state;
	th_join(a, "#p");
	th_join(b, "#p");
	th_sendf(a, "MODE #p +b bob");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 MODE #p \\+b bob!\\*@\\*$", TH_TIMEOUT);
	th_sendf(b, "PRIVMSG #p :can I speak?");
	th_expect(b, "re:^:irc\\.test 404 bob #p :Cannot send to channel$", TH_TIMEOUT);
	th_sync_without(a, "can I speak");
	th_sendf(b, "MODE #p +b");
	th_expect(b, "re:^:irc\\.test 367 bob #p bob!\\*@\\* alice [0-9]+$", TH_TIMEOUT);
	th_expect(b, "re:^:irc\\.test 368 bob #p :End of channel ban list$", TH_TIMEOUT);
	th_sendf(b, "PART #p");
	th_expect(a, " PART #p", TH_TIMEOUT);
	th_sendf(b, "JOIN #p");
	th_expect(b, "re:^:irc\\.test 474 bob #p :Cannot join channel \\(\\+b\\)$", TH_TIMEOUT);

	/* Wildcards match, ignoring case; an exception lets bob back in. */
	th_sendf(a, "MODE #p -b+b bob *!~B?B@127.0.0.*");
	th_expect(a, "re: MODE #p -b\\+b bob!\\*@\\* \\*!~B\\?B@127\\.0\\.0\\.\\*$", TH_TIMEOUT);
	th_sendf(b, "JOIN #p");
	th_expect(b, " 474 bob #p ", TH_TIMEOUT);
	th_sendf(a, "MODE #p +e bob!*@*");
	th_expect(a, "re: MODE #p \\+e bob!\\*@\\*$", TH_TIMEOUT);
	th_sendf(a, "MODE #p e");
	th_expect(a, "re:^:irc\\.test 348 alice #p bob!\\*@\\* alice [0-9]+$", TH_TIMEOUT);
	th_expect(a, "re:^:irc\\.test 349 alice #p :", TH_TIMEOUT);
	th_join(b, "#p");
	th_sendf(b, "PRIVMSG #p :excepted");
	th_expect(a, "PRIVMSG #p :excepted", TH_TIMEOUT);
	th_sendf(a, "MODE #p I");
	th_expect_before(a, "re:^:irc\\.test 347 alice #p :", " 346 ", TH_TIMEOUT);
	th_sendf(a, "MODE #p +b a@b!c");
	th_expect(a, "re:^:irc\\.test 696 alice #p b a@b!c :", TH_TIMEOUT);

	/* The list holds CHAN_LIST_MAX masks; the next is 478. */
	th_sendf(a, "MODE #p -b *!~B?B@127.0.0.*");
	th_expect(a, " MODE #p -b ", TH_TIMEOUT);
	for (int i = 0; i < CHAN_LIST_MAX; i += CHAN_MODES_PER_LINE) {
		char letters[CHAN_MODES_PER_LINE + 1] = "";
		size_t n = 0;
		for (int j = i; j < i + CHAN_MODES_PER_LINE && j < CHAN_LIST_MAX; j++) {
			n += (size_t)snprintf(masks + n, sizeof masks - n, " m%d!*@*", j);
			strcat(letters, "b");
		}
		th_sendf(a, "MODE #p +%s%s", letters, masks);
		th_expect(a, "re: MODE #p \\+b+ m", TH_TIMEOUT);
	}
	th_sendf(a, "MODE #p +b onemore");
	th_expect(a, "re:^:irc\\.test 478 alice #p onemore!\\*@\\* :Channel list is full$", TH_TIMEOUT);
}

/* +k, +l and +i refuse JOINs (475 471 473); INVITE lets one JOIN past them, once. */
static void
test_key_limit_invite(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c = cap_user(srv, "carol", "invite-notify");
	struct th_client *d = th_user(srv, "dave");
	struct th_client *e = th_user(srv, "eve");

	(void)state;
	th_join(a, "#p");
	th_sendf(a, "MODE #p +k sesame");
	th_expect(a, " MODE #p +k sesame", TH_TIMEOUT);
	th_sendf(b, "JOIN #p");
	th_expect(b, "re:^:irc\\.test 475 bob #p :Cannot join channel \\(\\+k\\)$", TH_TIMEOUT);
	th_sendf(b, "JOIN #p wrong");
	th_expect(b, " 475 bob #p ", TH_TIMEOUT);
	th_sendf(b, "JOIN #other,#p x,sesame");
	th_expect(b, "re:^:bob!~bob@127\\.0\\.0\\.1 JOIN :?#p$", TH_TIMEOUT);
	th_sendf(c, "JOIN #p sesame");
	th_expect(c, " 366 carol #p ", TH_TIMEOUT);

	th_sendf(a, "MODE #p +l 3");
	th_expect(a, " MODE #p +l 3", TH_TIMEOUT);
	th_sendf(d, "JOIN #p sesame");
	th_expect(d, "re:^:irc\\.test 471 dave #p :Cannot join channel \\(\\+l\\)$", TH_TIMEOUT);
	th_sendf(a, "MODE #p -l+i");
	th_expect(a, " MODE #p -l+i", TH_TIMEOUT);
	th_sendf(d, "JOIN #p sesame");
	th_expect(d, "re:^:irc\\.test 473 dave #p :Cannot join channel \\(\\+i\\)$", TH_TIMEOUT);

	/* INVITE: refused from a non-operator under +i, from outside, for nobody, twice. */
	th_sendf(b, "INVITE dave #p");
	th_expect(b, "re:^:irc\\.test 482 bob #p :", TH_TIMEOUT);
	th_sendf(e, "INVITE dave #p");
	th_expect(e, "re:^:irc\\.test 442 eve #p :", TH_TIMEOUT);
	th_sendf(a, "INVITE nobody #p");
	th_expect(a, "re:^:irc\\.test 401 alice nobody :", TH_TIMEOUT);
	th_sendf(a, "INVITE bob #p");
	th_expect(a, "re:^:irc\\.test 443 alice bob #p :is already on channel$", TH_TIMEOUT);
	th_sendf(a, "INVITE dave #p");
	th_expect(a, "re:^:irc\\.test 341 alice dave #p$", TH_TIMEOUT);
	th_expect(d, "re:^:alice!~alice@127\\.0\\.0\\.1 INVITE dave #p$", TH_TIMEOUT);
	th_expect(c, "re:^:alice!~alice@127\\.0\\.0\\.1 INVITE dave #p$", TH_TIMEOUT);
	th_sync_without(b, " INVITE ");
	/* The invitation needs no key and opens +i once. */
	th_join(d, "#p");
	th_sendf(d, "PART #p");
	th_expect(d, " PART #p", TH_TIMEOUT);
	th_sendf(d, "JOIN #p sesame");
	th_expect(d, " 473 dave #p ", TH_TIMEOUT);
	/* An invite exception (+I) lets a mask in without an invitation. */
	th_sendf(a, "MODE #p +I dave!*@*");
	th_expect(a, " MODE #p +I dave!*@*", TH_TIMEOUT);
	th_sendf(a, "MODE #p I");
	th_expect(a, "re:^:irc\\.test 346 alice #p dave!\\*@\\* alice [0-9]+$", TH_TIMEOUT);
	th_sendf(d, "JOIN #p sesame");
	th_expect(d, " 366 dave #p ", TH_TIMEOUT);
}

/* +m: only voiced and operators speak; -n: messages from outside; +s: hidden from outside. */
static void
test_moderated_outside_secret(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *e = th_user(srv, "eve");

	(void)state;
	th_join(a, "#p");
	th_join(b, "#p");
	th_sendf(e, "PRIVMSG #p :from outside");
	th_expect(e, "re:^:irc\\.test 404 eve #p :", TH_TIMEOUT);
	th_sendf(a, "MODE #p -n+m");
	th_expect(b, " MODE #p -n+m", TH_TIMEOUT);
	th_sendf(b, "PRIVMSG #p :moderated away");
	th_expect(b, "re:^:irc\\.test 404 bob #p :", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG #p :ops speak");
	th_expect(b, "ops speak", TH_TIMEOUT);
	th_sendf(a, "MODE #p +v bob");
	th_expect(b, " MODE #p +v bob", TH_TIMEOUT);
	th_sendf(b, "PRIVMSG #p :voiced now");
	th_expect(a, "PRIVMSG #p :voiced now", TH_TIMEOUT);
	th_sendf(a, "MODE #p -m");
	th_expect(a, " MODE #p -m", TH_TIMEOUT);
	th_sendf(e, "PRIVMSG #p :from outside");
	th_expect(a, "re:^:eve!~eve@127\\.0\\.0\\.1 PRIVMSG #p :from outside$", TH_TIMEOUT);
	th_expect(b, "PRIVMSG #p :from outside", TH_TIMEOUT);
	th_sync_without(e, "404");

	/* Secret: LIST, WHOIS and NAMES leave it out for people outside it. */
	th_join(a, "#open");
	th_sendf(a, "MODE #p +s");
	th_expect(a, " MODE #p +s", TH_TIMEOUT);
	th_sendf(e, "LIST");
	th_expect_before(e, " 322 eve #open ", " 322 eve #p ", TH_TIMEOUT);
	th_expect_before(e, " 323 eve ", " 322 eve #p ", TH_TIMEOUT);
	th_sendf(e, "WHOIS alice");
	th_expect(e, "re:^:irc\\.test 319 eve alice :@#open$", TH_TIMEOUT);
	th_sendf(e, "NAMES #p");
	th_expect_before(e, " 366 eve #p ", " 353 ", TH_TIMEOUT);
	th_sendf(b, "NAMES #p");
	th_expect(b, "re:^:irc\\.test 353 bob @ #p :@alice \\+bob$", TH_TIMEOUT);
	th_sendf(b, "LIST");
	th_expect(b, " 322 bob #p 2 ", TH_TIMEOUT);
	th_sendf(b, "WHOIS alice");
	th_expect(b, "re:^:irc\\.test 319 bob alice :@#p @#open$", TH_TIMEOUT);
}

/* KICK: refusals (403 442 482 401 441), several nicks at once, the reason. */
static void
test_kick(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *c = th_user(srv, "carol");
	struct th_client *d = th_user(srv, "dave");

	(void)state;
	th_join(a, "#p");
	th_join(b, "#p");
	th_join(c, "#p");
	th_sendf(b, "KICK #p carol");
	th_expect(b, "re:^:irc\\.test 482 bob #p :", TH_TIMEOUT);
	th_sendf(d, "KICK #p carol");
	th_expect(d, "re:^:irc\\.test 442 dave #p :", TH_TIMEOUT);
	th_sendf(a, "KICK #nowhere carol");
	th_expect(a, "re:^:irc\\.test 403 alice #nowhere :", TH_TIMEOUT);
	th_sendf(a, "KICK #p nobody");
	th_expect(a, "re:^:irc\\.test 401 alice nobody :", TH_TIMEOUT);
	th_sendf(a, "KICK #p dave");
	th_expect(a, "re:^:irc\\.test 441 alice dave #p :They aren't on that channel$", TH_TIMEOUT);
	th_sendf(a, "KICK");
	th_expect(a, "re:^:irc\\.test 461 alice KICK :", TH_TIMEOUT);

	th_sendf(a, "KICK #p bob,carol :spamming the channel");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 KICK #p bob :spamming the channel$",
	    TH_TIMEOUT);
	th_expect(c, "re:^:alice!~alice@127\\.0\\.0\\.1 KICK #p bob :spamming", TH_TIMEOUT);
	th_expect(c, "re:^:alice!~alice@127\\.0\\.0\\.1 KICK #p carol :spamming", TH_TIMEOUT);
	th_expect(a, " KICK #p carol :spamming", TH_TIMEOUT);
	th_sync_without(b, " KICK #p carol");
	th_sendf(a, "NAMES #p");
	th_expect(a, "re:^:irc\\.test 353 alice = #p :@alice$", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG #p :after the kicks");
	th_sync_without(b, "after the kicks");
	/* No reason: the kicker's nick. */
	th_join(b, "#p");
	th_sendf(a, "KICK #p bob");
	th_expect(b, "re: KICK #p bob :alice$", TH_TIMEOUT);
}

/* Writes "channel = NAME" as the whole config file at path. */
static void
config_channel(const char *path, const char *name)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "channel = %s\n", name);
	assert_int_equal(fclose(f), 0);
}

/* A plain text user (its first line is not IRC): returns it, its guest nick in nick. */
static struct th_client *
plain_user(struct th_server *srv, char *nick, size_t cap)
{
	struct th_client *p = th_connect(srv);
	const char *l;

	th_sendf(p, "hello");
	l = th_expect(p, "re:^\\*\\*\\* You are guest[0-9]+\\.", TH_TIMEOUT);
	snprintf(nick, cap, "%.*s", (int)strcspn(l + 12, "."), l + 12);
	th_set_nick(p, nick);
	th_expect(p, "re:^\\*\\*\\* [0-9]+ (person|people) in #lan:$", TH_TIMEOUT);
	return p;
}

/*
 * Plain users run the room: /op, /deop, /kick, /topic, /mode, /invite, and read mode
 * changes and kicks as sentences. Nobody holds ops in the plain users' channel, so alice
 * gets them in #lan by making it before a reload turns it into that channel.
 */
static void
test_plain_users_run_the_room(void **state)
{
	char conf[] = "/tmp/lanchat-modes-XXXXXX", g1[32], g2[32], pat[256];
	int fd = mkstemp(conf);
	struct th_server *srv;
	struct th_client *a, *b, *p1, *p2;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	config_channel(conf, "#guests");
	srv = th_server_start("--config", conf, NULL);
	a = th_user(srv, "alice");
	b = th_user(srv, "bob");
	th_sendf(a, "JOIN #lan");
	th_expect(a, "re:^:irc\\.test 353 alice = #lan :@alice$", TH_TIMEOUT);
	config_channel(conf, "#lan");
	assert_int_equal(kill(th_server_pid(srv), SIGHUP), 0);
	th_server_expect_log(srv, "reload: done", TH_TIMEOUT);
	unlink(conf);

	p1 = plain_user(srv, g1, sizeof g1);
	p2 = plain_user(srv, g2, sizeof g2);
	th_expect(p1, " joined #lan", TH_TIMEOUT);

	/* Without ops: refused, in words. */
	th_sendf(p1, "/op %s", g2);
	th_expect(p1, "re:^\\*\\*\\* Only operators of #lan can do that", TH_TIMEOUT);
	th_sendf(p1, "/topic our topic");
	th_expect(p1, "re:^\\*\\*\\* Only operators of #lan can do that", TH_TIMEOUT);

	th_sendf(a, "MODE #lan +o %s", g1);
	snprintf(pat, sizeof pat, "re:^\\* alice gave channel operator status to %s$", g1);
	th_expect(p1, pat, TH_TIMEOUT);
	th_expect(p2, pat, TH_TIMEOUT);
	th_sendf(p1, "/who");
	snprintf(pat, sizeof pat, "@alice, @%s, %s", g1, g2);
	th_expect(p1, pat, TH_TIMEOUT);

	/* /op and /deop as MODE +o/-o, seen by IRC users as MODE lines. */
	th_sendf(p1, "/op %s", g2);
	snprintf(pat, sizeof pat, "re:^:%s!~plain@127\\.0\\.0\\.1 MODE #lan \\+o %s$", g1, g2);
	th_expect(a, pat, TH_TIMEOUT);
	snprintf(pat, sizeof pat, "re:^\\*\\*\\* You gave channel operator status to %s\\.$", g2);
	th_expect(p1, pat, TH_TIMEOUT);
	th_sendf(p1, "/deop %s", g2);
	snprintf(pat, sizeof pat, "re:^\\* %s took channel operator status from %s$", g1, g2);
	th_expect(p2, pat, TH_TIMEOUT);
	th_sendf(p2, "/kick %s", g1);
	th_expect(p2, "re:^\\*\\*\\* Only operators of #lan can do that", TH_TIMEOUT);

	/* /topic, /mode, and a mode change by an IRC user read as a sentence. */
	th_sendf(p1, "/topic plans for today");
	snprintf(pat, sizeof pat, "re:^:%s!~plain@127\\.0\\.0\\.1 TOPIC #lan :plans for today$", g1);
	th_expect(a, pat, TH_TIMEOUT);
	th_sendf(p1, "/mode -t");
	th_expect(p1, "re:^\\*\\*\\* You removed the topic lock on #lan\\.$", TH_TIMEOUT);
	th_expect(a, " MODE #lan -t", TH_TIMEOUT);
	th_sendf(a, "MODE #lan +t");
	th_expect(p2, "re:^\\* alice set the topic lock on #lan$", TH_TIMEOUT);
	th_sendf(p1, "/mode +X");
	th_expect(p1, "re:^\\*\\*\\* There is no mode X here", TH_TIMEOUT);
	th_sendf(p1, "/mode");
	th_expect(p1, "re:^\\*\\*\\* #lan has modes \\+nt\\.$", TH_TIMEOUT);

	/* /invite, then /kick with a reason, as a sentence for plain users. */
	th_sendf(p1, "/invite bob");
	snprintf(pat, sizeof pat, "re:^:%s!~plain@127\\.0\\.0\\.1 INVITE bob #lan$", g1);
	th_expect(b, pat, TH_TIMEOUT);
	th_expect(p1, "re:^\\*\\*\\* You invited bob to #lan\\.$", TH_TIMEOUT);
	th_sendf(p1, "/kick %s spamming", g2);
	snprintf(pat, sizeof pat, "re:^\\* %s kicked %s \\(spamming\\)$", g1, g2);
	th_expect(p2, pat, TH_TIMEOUT);
	snprintf(pat, sizeof pat, "re:^:%s!~plain@127\\.0\\.0\\.1 KICK #lan %s :spamming$", g1, g2);
	th_expect(a, pat, TH_TIMEOUT);
	th_sendf(p2, "still here?");
	th_expect(p2, "re:^\\*\\*\\* You are not in a channel", TH_TIMEOUT);
	th_sync_without(a, "still here");
	th_sendf(p1, "/kick");
	th_expect(p1, "re:^\\*\\*\\* Usage: /kick NICK", TH_TIMEOUT);
	th_sendf(p1, "/kick nobody");
	th_expect(p1, "re:^\\*\\*\\* No such nick or channel: nobody", TH_TIMEOUT);
	th_sendf(p1, "/help");
	th_expect(p1, "re:^\\*\\*\\* /kick NICK", TH_TIMEOUT);
	th_expect(p1, "re:^\\*\\*\\* /mode ARGS", TH_TIMEOUT);
	/* A banned guest who comes back is told so and joins nothing. */
	th_sendf(a, "MODE #lan +b *!*@127.0.0.1");
	th_expect(a, " MODE #lan +b *!*@127.0.0.1", TH_TIMEOUT);
	p2 = th_connect(srv);
	th_sendf(p2, "hello again");
	th_expect(p2, "re:^\\*\\*\\* You are banned from #lan\\.$", TH_TIMEOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_first_member_prefixes, th_teardown),
		cmocka_unit_test_teardown(test_mode_changes_and_refusals, th_teardown),
		cmocka_unit_test_teardown(test_bans, th_teardown),
		cmocka_unit_test_teardown(test_key_limit_invite, th_teardown),
		cmocka_unit_test_teardown(test_moderated_outside_secret, th_teardown),
		cmocka_unit_test_teardown(test_kick, th_teardown),
		cmocka_unit_test_teardown(test_plain_users_run_the_room, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
