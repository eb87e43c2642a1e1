/*
 * Plain mode: nc-style connections that do not speak IRC, talking with IRC users in #lan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/limits.h"
#include "harness.h"

/* "[HH:MM] " as plain users see it. */
#define STAMP "re:^\\[[0-2][0-9]:[0-5][0-9]\\] "

/* The stamp at the start of line is the local time now or a minute ago. */
static void
check_stamp(const char *line)
{
	char want[2][16];
	time_t now = time(NULL);

	for (int i = 0; i < 2; i++) {
		time_t t = now - 60 * i;
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(want[i], sizeof want[i], "[%H:%M] ", &tm);
	}
	if (strncmp(line, want[0], 8) != 0 && strncmp(line, want[1], 8) != 0)
		th_fail("time stamp of \"%s\" is not the local time (%s)", line, want[0]);
}

/* Reads the JOIN of a new plain user from an IRC member of #lan; returns its nick. */
static void
plain_nick_from_join(struct th_client *irc, char *nick, size_t cap)
{
	const char *l = th_expect(irc, "re:^:guest[0-9]+!~plain@127\\.0\\.0\\.1 JOIN :?#lan$",
	    TH_TIMEOUT);
	size_t n = strcspn(l + 1, "!");

	snprintf(nick, cap, "%.*s", (int)n, l + 1);
}

/* A plain client's first line is a message to #lan; an IRC reply comes back readable. */
static void
test_first_line_is_message(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p;
	char nick[64], pat[128];
	const char *l;

	(void)state;
	th_join(a, "#lan");
	p = th_connect(srv);
	th_expect(p, "*** Welcome to irc.test", TH_TIMEOUT);
	th_send(p, "hello from nc\n", 14);
	plain_nick_from_join(a, nick, sizeof nick);
	th_set_nick(p, nick);
	snprintf(pat, sizeof pat, "re:^:%s!~plain@127\\.0\\.0\\.1 PRIVMSG #lan :hello from nc$", nick);
	th_expect(a, pat, TH_TIMEOUT);

	th_sendf(a, "PRIVMSG #lan :hi plain person");
	l = th_expect(p, STAMP "<alice> hi plain person$", TH_TIMEOUT);
	check_stamp(l);
	/* Plain lines carry no IRC syntax. */
	if (th_seen(p, 0, "re:^:[^ ]+ [0-9]{3} "))
		th_fail("a plain client was sent IRC numerics");
}

/* A client that says nothing for about 2 s becomes a plain user and joins #lan. */
static void
test_silent_client_becomes_plain(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p;
	char nick[64], pat[128];
	long long t0, waited;

	(void)state;
	th_join(a, "#lan");
	t0 = th_now_ms();
	p = th_connect(srv);
	plain_nick_from_join(a, nick, sizeof nick);
	waited = th_now_ms() - t0;
	if (waited < 1500 || waited > 4500)
		th_fail("silent client turned plain after %lld ms, expected about 2000", waited);
	snprintf(pat, sizeof pat, "re:^\\*\\*\\* .*%s", nick);
	th_expect(p, pat, TH_TIMEOUT);
	th_send(p, "finally speaking\r\n", 18);
	snprintf(pat, sizeof pat, "re:^:%s!~plain@127\\.0\\.0\\.1 PRIVMSG #lan :finally speaking$",
	    nick);
	th_expect(a, pat, TH_TIMEOUT);
}

/*
 * The kernel's view of the server's end of one connection, from /proc/net/tcp: the timer
 * armed on it (0 none, 1 retransmit, 2 keepalive) and when it fires, in seconds.
 */
static bool
server_socket_timer(int srv_port, int cli_port, int *timer, double *due_s)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	bool found = false;

	if (f == NULL)
		th_fail("cannot read /proc/net/tcp");
	while (!found && fgets(line, sizeof line, f) != NULL) {
		unsigned lport, rport, st, tr;
		unsigned long when;

		if (sscanf(line, " %*u: %*x:%x %*x:%x %x %*x:%*x %x:%lx", &lport, &rport, &st, &tr,
			&when) == 5 &&
		    (int)lport == srv_port && (int)rport == cli_port && st == 1) {
			*timer = (int)tr;
			*due_s = (double)when / 100.0; /* USER_HZ */
			found = true;
		}
	}
	fclose(f);
	return found;
}

/*
 * Plain users cannot answer PING, so a peer that vanishes without a FIN is found by TCP
 * keepalive: once the connection is quiet, the server's socket has its keepalive timer
 * armed, due within KEEPALIVE_IDLE_S.
 */
static void
test_keepalive_armed(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *p = th_connect(srv);
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	long long deadline = th_now_ms() + TH_TIMEOUT;
	int timer = -1;
	double due = 0;

	(void)state;
	th_send(p, "hello\r\n", 7);
	th_expect(p, "re:^\\*\\*\\* .*guest", TH_TIMEOUT);
	if (getsockname(th_fd(p), (struct sockaddr *)&sin, &len) != 0)
		th_fail("getsockname failed");
	/* Until the client has acknowledged everything, the retransmit timer is the armed one. */
	while (th_now_ms() < deadline) {
		if (server_socket_timer(th_server_port(srv), ntohs(sin.sin_port), &timer, &due) &&
		    timer == 2)
			break;
		poll(NULL, 0, 20);
	}
	if (timer != 2)
		th_fail("the server's socket has timer %d armed, not keepalive", timer);
	if (due <= KEEPALIVE_IDLE_S - 30 || due > KEEPALIVE_IDLE_S + 1)
		th_fail("keepalive is due in %.1f s, expected about %d", due, KEEPALIVE_IDLE_S);
}

/*
 * A plain line near the 510-byte limit does not fit an IRC line once the sender's prefix
 * is added: IRC users get it in pieces, split at spaces, with nothing lost; a /me action too.
 */
static void
test_long_line_split(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p;
	char nick[64], text[512], got[1024], pat[160];
	size_t len = 0;
	int pieces = 0;

	(void)state;
	th_join(a, "#lan");
	for (int i = 0; len + 6 < 505; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%sw%03d", i ? " " : "", i);
	p = th_connect(srv);
	th_sendf(p, "%s", text);
	plain_nick_from_join(a, nick, sizeof nick);
	for (int action = 0; action < 2; action++) {
		got[0] = '\0';
		pieces = 0;
		if (action)
			th_sendf(p, "/me %s", text);
		snprintf(pat, sizeof pat, "re:^:%s!~plain@127\\.0\\.0\\.1 PRIVMSG #lan :%s",
		    th_re_quote(nick), action ? "\001ACTION " : "");
		while (strlen(got) < strlen(text)) {
			const char *l = th_expect(a, pat, TH_TIMEOUT), *t = strstr(l, " :") + 2;
			size_t n = strlen(t);

			if (th_line_len(a) > IRC_LINE_BODY)
				th_fail("a relayed line is %zu bytes long", th_line_len(a));
			if (action) {
				t += strlen("\001ACTION ");
				n = strlen(t);
				if (n == 0 || t[n - 1] != '\001')
					th_fail("an action piece is not a whole CTCP ACTION: %s", l);
				n--;
			}
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%.*s", pieces ? " " : "",
			    (int)n, t);
			pieces++;
		}
		if (strcmp(got, text) != 0 || pieces < 2)
			th_fail("in %d pieces, got \"%s\"", pieces, got);
	}
}

/* /nick /me /msg /who /help //text /quit, and how IRC events look to a plain user. */
static void
test_plain_commands(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *p;
	char nick[64], pat[160];
	unsigned long mark;

	(void)state;
	th_join(a, "#lan");
	p = th_connect(srv);
	th_send(p, "first\n", 6);
	plain_nick_from_join(a, nick, sizeof nick);
	th_expect(a, "PRIVMSG #lan :first", TH_TIMEOUT);

	th_send(p, "/nick plainpete\n", 16);
	snprintf(pat, sizeof pat, "re:^:%s!~plain@127\\.0\\.0\\.1 NICK :?plainpete$", nick);
	th_expect(a, pat, TH_TIMEOUT);
	th_expect(p, "plainpete", TH_TIMEOUT);

	th_send(p, "/me waves\n", 10);
	th_expect(a, "re:^:plainpete!~plain@127\\.0\\.0\\.1 PRIVMSG #lan :\001ACTION waves\001$",
	    TH_TIMEOUT);
	th_send(p, "/msg alice a secret\n", 20);
	th_expect(a, "re:^:plainpete!~plain@127\\.0\\.0\\.1 PRIVMSG alice :a secret$", TH_TIMEOUT);
	th_send(p, "//slash at the start\n", 21);
	th_expect(a, "re:^:plainpete!~plain@127\\.0\\.0\\.1 PRIVMSG #lan :/slash at the start$",
	    TH_TIMEOUT);

	/* How IRC traffic is rendered for the plain user. */
	th_sendf(a, "PRIVMSG plainpete :psst");
	th_expect(p, STAMP "\\*alice\\* psst$", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG #lan :\001ACTION dances\001");
	th_expect(p, STAMP "\\* alice dances$", TH_TIMEOUT);
	th_sendf(a, "NOTICE #lan :a notice");
	th_expect(p, STAMP "-alice:#lan- a notice$", TH_TIMEOUT);
	th_sendf(a, "NOTICE plainpete :just for you");
	th_expect(p, STAMP "-alice- just for you$", TH_TIMEOUT);
	th_join(b, "#lan");
	th_expect(p, "re:^\\* bob joined #lan$", TH_TIMEOUT);
	th_sendf(b, "NICK bobby");
	th_expect(p, "re:^\\* bob is now known as bobby$", TH_TIMEOUT);
	th_sendf(b, "PART #lan :errands");
	th_expect(p, "re:^\\* bobby left #lan \\(errands\\)$", TH_TIMEOUT);
	th_sendf(b, "JOIN #lan");
	th_expect(p, "re:^\\* bobby joined #lan$", TH_TIMEOUT);
	th_sendf(b, "QUIT :bedtime");
	th_expect(p, "re:^\\* bobby quit \\((Quit: )?bedtime\\)$", TH_TIMEOUT);

	mark = th_mark(p);
	th_send(p, "/who\n", 5);
	th_expect(p, "re:^\\*\\*\\* .*alice", TH_TIMEOUT);
	if (!th_seen(p, mark, "re:^\\*\\*\\* .*plainpete") && !th_expect(p, "plainpete", TH_TIMEOUT))
		th_fail("/who does not list the plain user");
	th_send(p, "/help\n", 6);
	th_expect(p, "re:^\\*\\*\\* /me .*\\(\\* plainpete waves\\)$", TH_TIMEOUT);
	th_expect(p, "re:^\\*\\*\\* .*/msg", TH_TIMEOUT);

	th_send(p, "/quit going home\n", 17);
	th_expect(a, "re:^:plainpete!~plain@127\\.0\\.0\\.1 QUIT :.*going home$", TH_TIMEOUT);
	th_expect_closed(p, TH_TIMEOUT);
}

/* Control characters from IRC users reach a plain user visible and inert. */
static void
test_escape_made_visible(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p;
	char nick[64];
	const char *l;

	(void)state;
	th_join(a, "#lan");
	p = th_connect(srv);
	th_send(p, "ready\n", 6);
	plain_nick_from_join(a, nick, sizeof nick);
	th_sendf(a, "PRIVMSG #lan :\033[2J\033]0;owned\007 red \033[31mtext");
	l = th_expect(p, STAMP "<alice> ", TH_TIMEOUT);
	if (strchr(l, '\033') != NULL || strchr(l, '\007') != NULL)
		th_fail("raw ESC or BEL reached a plain user: %s", l);
	if (strstr(l, "^[[2J") == NULL || strstr(l, "^[[31mtext") == NULL)
		th_fail("ESC should show as ^[ : %s", l);
	/* The same from a nick change cannot hide either: nicks are validated. */
	th_sendf(a, "NICK \033x");
	th_expect(a, " 432 alice ", TH_TIMEOUT);
	/* Nor does the user's own /quit reason, quoted back in the closing line. */
	th_send(p, "/quit \033]0;owned\007bye\n", 20);
	l = th_expect(p, "re:^\\*\\*\\* Closing link: ", TH_TIMEOUT);
	if (strchr(l, '\033') != NULL || strchr(l, '\007') != NULL)
		th_fail("raw ESC or BEL in the closing line: %s", l);
	if (strstr(l, "^[]0;owned^Gbye") == NULL)
		th_fail("ESC and BEL should show as ^[ and ^G: %s", l);
}

/*
 * The first line decides: CAP PASS NICK USER PING QUIT mean IRC; anything else, even another
 * IRC command, means plain text.
 */
static void
test_mode_detection(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *c;

	(void)state;
	th_join(a, "#lan");

	c = th_connect(srv);
	th_sendf(c, "PASS anything");
	th_register(c, "viapass");

	c = th_connect(srv);
	th_sendf(c, "PING :early-bird");
	th_expect(c, "re:PONG .*early-bird$", TH_TIMEOUT);
	th_register(c, "viaping");

	c = th_connect(srv);
	th_sendf(c, "USER viauser 0 * :Via User");
	th_sendf(c, "NICK viauser");
	th_expect(c, " 001 viauser ", TH_TIMEOUT);

	c = th_connect(srv);
	th_sendf(c, "QUIT");
	th_expect_closed(c, TH_TIMEOUT);

	/* A client whose first NICK is not a valid nick is still an IRC client, told 432. */
	c = th_connect(srv);
	th_sendf(c, "NICK 9lives");
	th_expect(c, "re:^:irc\\.test 432 \\* 9lives :", TH_TIMEOUT);

	/* JOIN is IRC, but not a way to start: this connection is a plain user saying it. */
	c = th_connect(srv);
	th_sendf(c, "JOIN #lan");
	th_expect(a, "re:^:guest[0-9]+!~plain@127\\.0\\.0\\.1 PRIVMSG #lan :JOIN #lan$", TH_TIMEOUT);

	/* People whose first words happen to be registration commands, not shaped like them. */
	static const char *const human[] = { "PING everyone: meeting now", "USER here, anyone?",
		"CAP locks are fun", "NICK is not my name", "QUIT smoking, they said" };
	for (size_t i = 0; i < sizeof human / sizeof human[0]; i++) {
		char pat[128];

		c = th_connect(srv);
		th_sendf(c, "%s", human[i]);
		snprintf(pat, sizeof pat, "re:^:guest[0-9]+!~plain@127\\.0\\.0\\.1 PRIVMSG #lan :%s$",
		    th_re_quote(human[i]));
		th_expect(a, pat, TH_TIMEOUT);
	}
	th_sync_without(a, "re:^:(viapass|viaping|viauser)!");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_first_line_is_message, th_teardown),
		cmocka_unit_test_teardown(test_silent_client_becomes_plain, th_teardown),
		cmocka_unit_test_teardown(test_plain_commands, th_teardown),
		cmocka_unit_test_teardown(test_escape_made_visible, th_teardown),
		cmocka_unit_test_teardown(test_mode_detection, th_teardown),
		cmocka_unit_test_teardown(test_keepalive_armed, th_teardown),
		cmocka_unit_test_teardown(test_long_line_split, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
