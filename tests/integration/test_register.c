/*
 * Connection greeting, registration burst (001-005, LUSERS, MOTD) and capability
 * negotiation (CAP LS 302 / REQ / END, server-time).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/limits.h"
#include "harness.h"

/* The greeting arrives on accept, before the client has sent a single byte. */
static void
test_greeting_before_input(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *c = th_connect(srv);

	(void)state;
	th_expect(c, "re:^:" TH_SERVER_NAME " NOTICE \\* :\\*\\*\\* Welcome to " TH_SERVER_NAME
	    ", you are connected from 127\\.0\\.0\\.1\\.", TH_TIMEOUT);
}

/* Collects the lines of one numeric up to (not including) the line matching stop. */
static void
collect(struct th_client *c, const char *numeric, const char *stop, char *out, size_t cap)
{
	char pat[64];
	const char *l;

	out[0] = '\0';
	snprintf(pat, sizeof pat, " %s %s ", numeric, th_nick(c));
	for (int i = 0; i < 200; i++) {
		l = th_read_line(c, TH_TIMEOUT);
		if (l == NULL)
			th_fail("%s: no \"%s\" line after the %s lines", th_nick(c), stop, numeric);
		if (strstr(l, stop) != NULL)
			return;
		if (strstr(l, pat) != NULL) {
			strncat(out, l, cap - strlen(out) - 1);
			strncat(out, "\n", cap - strlen(out) - 1);
		}
	}
	th_fail("%s: more than 200 lines before \"%s\"", th_nick(c), stop);
}

static void
expect_token(const char *isupport, const char *token)
{
	char pad[128];

	snprintf(pad, sizeof pad, " %s ", token);
	if (strstr(isupport, pad) == NULL)
		th_fail("ISUPPORT (005) lacks %s; got:\n%s", token, isupport);
}

/* 001-005 in order, the ISUPPORT tokens that match common/limits.h, LUSERS, then the MOTD. */
static void
test_registration_burst(void **state)
{
	char motd[] = "/tmp/lanchat-motd-XXXXXX";
	int fd = mkstemp(motd);
	struct th_server *srv;
	struct th_client *c, *b;
	char isupport[4096];
	char tok[64];
	const char *l;

	(void)state;
	assert_true(fd >= 0);
	assert_true(write(fd, "first motd line\nsecond motd line\n", 33) == 33);
	close(fd);
	srv = th_server_start("--motd", motd, NULL);
	unlink(motd); /* read at start-up */

	b = th_user(srv, "bob");
	th_join(b, "#reg");
	c = th_connect(srv);
	th_set_nick(c, "alice");
	th_sendf(c, "NICK alice");
	th_sendf(c, "USER alice 0 * :Alice Liddell");
	th_expect(c, "re:^:irc\\.test 001 alice :.*alice!~alice@127\\.0\\.0\\.1", TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 002 alice :.*irc\\.test", " 005 ", TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 003 alice :", " 005 ", TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 004 alice irc\\.test [^ ]+ [^ ]+ [^ ]+", " 005 ",
	    TH_TIMEOUT);
	l = th_expect(c, " 005 alice ", TH_TIMEOUT);
	snprintf(isupport, sizeof isupport, "%s\n", l);
	collect(c, "005", " 251 alice ", isupport + strlen(isupport),
	    sizeof isupport - strlen(isupport));
	/* Every 005 line ends with the human-readable trailer. */
	for (char *p = isupport; *p != '\0'; p = strchr(p, '\n') + 1) {
		char *e = strchr(p, '\n');

		*e = '\0';
		if (strstr(p, " :are supported by this server") == NULL)
			th_fail("005 line without trailer: %s", p);
		*e = '\n';
	}
	for (char *p = isupport; (p = strchr(p, '\n')) != NULL;)
		*p = ' '; /* one space-separated list to search */
	expect_token(isupport, "CASEMAPPING=ascii");
	expect_token(isupport, "CHANTYPES=#");
	snprintf(tok, sizeof tok, "NICKLEN=%d", NICK_LEN);
	expect_token(isupport, tok);
	snprintf(tok, sizeof tok, "CHANNELLEN=%d", CHANNEL_LEN);
	expect_token(isupport, tok);
	snprintf(tok, sizeof tok, "TOPICLEN=%d", TOPIC_LEN);
	expect_token(isupport, tok);
	snprintf(tok, sizeof tok, "AWAYLEN=%d", AWAY_LEN);
	expect_token(isupport, tok);
	snprintf(tok, sizeof tok, "CHANLIMIT=#:%d", CHANNELS_PER_CLIENT);
	expect_token(isupport, tok);
	/* Channel operators and voice, exactly the channel modes that exist, and nothing
	 * advertised that is not there. */
	expect_token(isupport, "PREFIX=(ov)@+");
	expect_token(isupport, "CHANMODES=beI,k,l,imnst");
	expect_token(isupport, "EXCEPTS=e");
	expect_token(isupport, "INVEX=I");
	snprintf(tok, sizeof tok, "MODES=%d", CHAN_MODES_PER_LINE);
	expect_token(isupport, tok);
	snprintf(tok, sizeof tok, "MAXLIST=beI:%d", CHAN_LIST_MAX);
	expect_token(isupport, tok);
	snprintf(tok, sizeof tok, "KICKLEN=%d", KICK_REASON_LEN);
	expect_token(isupport, tok);
	if (strstr(isupport, "KICK:4") == NULL || strstr(isupport, "STATUSMSG") != NULL)
		th_fail("005 says what the server does not do, or leaves out KICK: %s", isupport);

	/* collect() stopped at the 251 line, the last one read. */
	assert_true(th_seen(c, th_mark(c) - 1,
	    "re:^:irc\\.test 251 alice :There (is 1 user|are [0-9]+ users) and [0-9]+ invisible on 1 "
	    "server$"));
	th_expect(c, "re:^:irc\\.test 255 alice :I have [0-9]+ clients? and 0 servers$", TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 375 alice :", " 376 ", TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 372 alice :- first motd line$", " 376 ", TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 372 alice :- second motd line$", " 376 ", TH_TIMEOUT);
	th_expect(c, "re:^:irc\\.test 376 alice :", TH_TIMEOUT);
	/* MOTD on request repeats it. */
	th_sendf(c, "MOTD");
	th_expect(c, "re:^:irc\\.test 372 alice :- first motd line$", TH_TIMEOUT);
	th_expect(c, " 376 alice ", TH_TIMEOUT);
	(void)b;
}

/* A MOTD file that does not exist: 422 instead of 375/372/376. */
static void
test_motd_missing(void **state)
{
	struct th_server *srv = th_server_start("--motd", "/nonexistent/lanchat-motd.txt", NULL);
	struct th_client *c = th_connect(srv);

	(void)state;
	th_sendf(c, "NICK alice");
	th_sendf(c, "USER alice 0 * :Alice");
	th_expect(c, " 001 alice ", TH_TIMEOUT);
	th_expect_before(c, "re:^:irc\\.test 422 alice :", "re: 37[256] ", TH_TIMEOUT);
}

/* LUSERS counts what is there: two users, one channel. */
static void
test_lusers(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b;
	const char *l;
	int users = -1, invisible = -1;

	(void)state;
	th_join(a, "#reg");
	b = th_connect(srv);
	th_set_nick(b, "bob");
	th_sendf(b, "NICK bob");
	th_sendf(b, "USER bob 0 * :Bob");
	l = th_expect(b, " 251 bob ", TH_TIMEOUT);
	if (sscanf(l, ":irc.test 251 bob :There are %d users and %d invisible on 1 servers", &users,
	    &invisible) != 2)
		th_fail("unexpected 251: %s", l);
	assert_int_equal(users + invisible, 2);
	l = th_expect_before(b, " 254 bob ", " 255 bob ", TH_TIMEOUT);
	assert_non_null(strstr(l, " 254 bob 1 :"));
	th_expect(b, "re:^:irc\\.test 255 bob :I have 2 clients and 0 servers$", TH_TIMEOUT);
	th_expect(b, "re: (376|422) bob ", TH_TIMEOUT); /* end of the MOTD, or none */
	/* LUSERS on request gives the same block. */
	th_sendf(b, "LUSERS");
	th_expect(b, " 251 bob ", TH_TIMEOUT);
	th_expect(b, "re:^:irc\\.test 255 bob :I have 2 clients", TH_TIMEOUT);
}
/* Seconds between an @time=... tag at the start of line and now; fails on a malformed tag. */
static long
tag_age(const char *line)
{
	struct tm tm = {0};
	int ms = 0;
	const char *t = strstr(line, "time=");

	if (line[0] != '@' || t == NULL || t > strchr(line, ' ') ||
	    sscanf(t, "time=%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		&tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
		th_fail("no well-formed @time tag in: %s", line);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long)(time(NULL) - timegm(&tm));
}

/*
 * CAP LS 302 holds registration until CAP END; server-time and echo-message are offered;
 * an unknown capability is refused; with server-time, relayed lines carry @time.
 */
static void
test_cap_negotiation(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_connect(srv);
	struct th_client *b;
	const char *l;
	long age;

	(void)state;
	th_set_nick(a, "alice");
	th_sendf(a, "CAP LS 302");
	l = th_expect(a, "re:^:irc\\.test CAP \\* LS :", TH_TIMEOUT);
	if (!strstr(l, "server-time") || !strstr(l, "echo-message"))
		th_fail("CAP LS should offer server-time and echo-message: %s", l);
	th_sendf(a, "NICK alice");
	th_sendf(a, "USER alice 0 * :Alice");
	th_sendf(a, "CAP REQ :server-time");
	/* NICK and USER were handled before the REQ: a 001 before the ACK means no hold. */
	th_expect_before(a, "re:^:irc\\.test CAP (alice|\\*) ACK :server-time ?$", " 001 ",
	    TH_TIMEOUT);
	th_sendf(a, "CAP REQ :no-such-capability");
	th_expect_before(a, "re:^:irc\\.test CAP (alice|\\*) NAK :no-such-capability ?$", " 001 ",
	    TH_TIMEOUT);
	th_sendf(a, "CAP LIST");
	th_expect_before(a, "re:^:irc\\.test CAP (alice|\\*) LIST :server-time ?$", " 001 ",
	    TH_TIMEOUT);
	th_sendf(a, "CAP END");
	th_expect(a, "re:^(@[^ ]+ )?:irc\\.test 001 alice ", TH_TIMEOUT);
	th_expect(a, "re: (376|422) alice ", TH_TIMEOUT);

	b = th_user(srv, "bob");
	th_join(a, "#cap");
	th_join(b, "#cap");
	th_sendf(b, "PRIVMSG #cap :stamped for alice");
	l = th_expect(a, "re:^@[^ ]+ :bob!~bob@127\\.0\\.0\\.1 PRIVMSG #cap :stamped for alice$",
	    TH_TIMEOUT);
	age = tag_age(l);
	if (age < -60 || age > 60)
		th_fail("@time is %ld s away from now: %s", age, l);
	/* bob did not ask for server-time: his copy has no tags. */
	th_sendf(a, "PRIVMSG #cap :untagged for bob");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #cap :untagged for bob$", TH_TIMEOUT);
}

/* A client that never negotiates: CAP is optional and a bare NICK/USER registers at once. */
static void
test_cap_ls_without_302(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_connect(srv);

	(void)state;
	th_sendf(a, "CAP LS");
	th_expect(a, "re:^:irc\\.test CAP \\* LS :", TH_TIMEOUT);
	th_sendf(a, "NICK alice");
	th_sendf(a, "USER alice 0 * :Alice");
	th_sendf(a, "CAP END");
	th_expect(a, " 001 alice ", TH_TIMEOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_greeting_before_input, th_teardown),
		cmocka_unit_test_teardown(test_registration_burst, th_teardown),
		cmocka_unit_test_teardown(test_motd_missing, th_teardown),
		cmocka_unit_test_teardown(test_lusers, th_teardown),
		cmocka_unit_test_teardown(test_cap_negotiation, th_teardown),
		cmocka_unit_test_teardown(test_cap_ls_without_302, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
