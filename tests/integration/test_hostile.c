/*
 * A hostile LAN: lines that must never reach anyone (passwords of IRC clients taken for
 * people), duplicated targets, forged lines for plain users, hoarded silent connections,
 * cut text, NUL bytes, stray signals, bad channel names and telnet negotiation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/limits.h"
#include "harness.h"

/* Any line a guest (a plain user) sends to the channel. */
#define GUEST_SAYS "re:^:guest[0-9]+!~plain@[^ ]+ PRIVMSG "

/* Finishes registration on a connection already in IRC mode and waits for 001. */
static void
finish_register(struct th_client *c, const char *nick, bool need_nick, bool need_user)
{
	char pat[64];

	if (need_nick)
		th_sendf(c, "NICK %s", nick);
	if (need_user)
		th_sendf(c, "USER %s 0 * :Real %s", nick, nick);
	snprintf(pat, sizeof pat, " 001 %s ", nick);
	th_expect(c, pat, TH_TIMEOUT);
	th_set_nick(c, nick);
}

/* These first lines are an IRC client's: none of them or what follows reaches #lan. */
static void
test_first_lines_start_irc(void **state)
{
	static const struct {
		const char *line;
		const char *nick; /* the nick the line itself gives, or NULL */
		bool gives_user;
	} starts[] = {
		{ "@time=2026-01-01T00:00:00.000Z PASS x", NULL, false },
		{ ":me PASS x", NULL, false },
		{ "pass secret", NULL, false },
		{ "nick bob", "bob", false },
		{ "user carol 0 * :Carol", NULL, true },
		{ "PASS a b", NULL, false },
	};
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	unsigned long mark;

	(void)state;
	th_join(a, "#lan");
	mark = th_mark(a);
	for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
		struct th_client *c = th_connect(srv);
		char nick[16];

		th_sendf(c, "%s", starts[i].line);
		if (starts[i].nick != NULL)
			snprintf(nick, sizeof nick, "%s", starts[i].nick);
		else if (starts[i].gives_user)
			snprintf(nick, sizeof nick, "carol");
		else
			snprintf(nick, sizeof nick, "irc%zu", i);
		finish_register(c, nick, starts[i].nick == NULL, !starts[i].gives_user);
	}
	/* An unknown CAP subcommand is IRC too, and answered as one. */
	struct th_client *c = th_connect(srv);
	th_sendf(c, "CAP NOTACOMMAND");
	th_expect(c, "re:^:irc\\.test 410 \\* NOTACOMMAND :", TH_TIMEOUT);
	finish_register(c, "capper", true, true);
	th_sync(a);
	if (th_seen(a, mark, "guest"))
		th_fail("an IRC client was taken for a plain user");
}

/* People whose first words look a little like commands stay people. */
static void
test_chat_first_lines(void **state)
{
	static const char *const human[] = { "PING everyone: meeting now", "pass the salt please",
		"nick is late again" };
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");

	(void)state;
	th_join(a, "#lan");
	for (size_t i = 0; i < sizeof human / sizeof human[0]; i++) {
		struct th_client *c = th_connect(srv);
		char pat[128];

		th_sendf(c, "%s", human[i]);
		snprintf(pat, sizeof pat, GUEST_SAYS "#lan :%s$", th_re_quote(human[i]));
		th_expect(a, pat, TH_TIMEOUT);
	}
}

/* Waits until a silent connection has become a plain guest. */
static void
wait_plain(struct th_client *c)
{
	th_expect(c, "re:^\\*\\*\\* You are guest[0-9]+\\.", 2 * TH_TIMEOUT);
}

/*
 * An IRC client slower than the detection delay was taken for a person: its registration
 * lines switch it back to IRC, and none of them reaches anyone.
 */
static void
test_silent_then_register(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *c;
	unsigned long mark;

	(void)state;
	th_join(a, "#lan");
	mark = th_mark(a);
	c = th_connect(srv);
	wait_plain(c);
	th_sendf(c, "CAP LS 302");
	th_sendf(c, "PASS x");
	th_sendf(c, "NICK slowpoke");
	th_sendf(c, "USER a b c :d");
	th_expect(c, "re:^:irc\\.test CAP \\* LS :", TH_TIMEOUT);
	th_sendf(c, "CAP END");
	th_expect(c, " 001 slowpoke ", TH_TIMEOUT);
	th_set_nick(c, "slowpoke");
	th_join(c, "#lan");
	th_sendf(c, "PRIVMSG #lan :made it");
	th_expect(a, "re:^:slowpoke!~a@127\\.0\\.0\\.1 PRIVMSG #lan :made it$", TH_TIMEOUT);
	if (th_seen(a, mark, GUEST_SAYS))
		th_fail("a registration line of a slow IRC client reached #lan");
}

/*
 * A slow IRC client switching back from plain has the timeouts of any IRC client: one that
 * never finishes registering is closed, one that does is PINGed when it goes quiet.
 */
static void
test_silent_then_register_timeouts(void **state)
{
	/* Longer than PLAIN_DETECT_MS: the registration timeout counts from the connect. */
	struct th_server *srv = th_server_start("--timeout", "3", NULL);
	struct th_client *stuck = th_connect(srv), *late = th_connect(srv);

	(void)state;
	wait_plain(stuck);
	wait_plain(late);
	th_sendf(stuck, "NICK pending");
	th_sendf(late, "NICK late\r\nUSER a b c :d");
	th_expect(late, " 001 late ", TH_TIMEOUT);
	th_expect(late, "re:^(:irc\\.test )?PING :?[^ ]+$", 5000);
	th_expect(stuck, "re:^ERROR :.*Registration timeout", 5000);
	th_expect_closed(stuck, TH_TIMEOUT);
}

/* An overlong first line leaves the connection undecided, quick or slow to go on. */
static void
test_overlong_first_line(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	char big[700];
	unsigned long mark;

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	th_join(a, "#lan");
	mark = th_mark(a);
	for (int slow = 0; slow < 2; slow++) {
		struct th_client *c = th_connect(srv);
		char nick[16];

		snprintf(nick, sizeof nick, "long%d", slow);
		th_sendf(c, "CAP REQ :%s", big);
		if (slow)
			wait_plain(c);
		th_sendf(c, "PASS hunter2");
		finish_register(c, nick, true, true);
	}
	th_sync(a);
	if (th_seen(a, mark, GUEST_SAYS))
		th_fail("a line of an IRC client with an overlong first line reached #lan");
}

/* "PASS word" or "PASS two words" from a plain user is never relayed, even mid-chat. */
static void
test_plain_pass_withheld(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p;
	unsigned long mark;

	(void)state;
	th_join(a, "#lan");
	p = th_connect(srv);
	th_sendf(p, "hello all");
	th_expect(a, GUEST_SAYS "#lan :hello all$", TH_TIMEOUT);
	mark = th_mark(a);
	th_sendf(p, "PASS secret");
	th_expect(p, "re:^\\*\\*\\* That line looks like a password", TH_TIMEOUT);
	th_sendf(p, "pass my secret");
	th_expect(p, "re:^\\*\\*\\* That line looks like a password", TH_TIMEOUT);
	th_sendf(p, "pass the salt please");
	th_expect(a, GUEST_SAYS "#lan :pass the salt please$", TH_TIMEOUT);
	if (th_seen(a, mark, "secret"))
		th_fail("a plain user's PASS line was relayed");
}

/* Sends PING token on c and counts the lines containing needle that arrive before its PONG. */
static int
count_until_pong(struct th_client *c, const char *needle, const char *token)
{
	int n = 0;

	th_sendf(c, "PING :%s", token);
	for (;;) {
		const char *l = th_read_line(c, TH_TIMEOUT);
		if (l == NULL)
			th_fail("no PONG %s", token);
		if (strstr(l, "PONG") != NULL && strstr(l, token) != NULL)
			return n;
		n += strstr(l, needle) != NULL;
	}
}

/* However often the targets name a channel or a user, each recipient gets one copy. */
static void
test_duplicate_targets(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *p;
	int n;

	(void)state;
	th_join(a, "#lan");
	th_join(b, "#lan");
	p = th_connect(srv);
	th_sendf(p, "I am here");
	th_expect(b, GUEST_SAYS "#lan :I am here$", TH_TIMEOUT);
	th_expect(p, " in #lan:", TH_TIMEOUT); /* the list shown on joining */
	th_sendf(a, "PRIVMSG #lan,#lan,#LAN,#lan :echo chamber");
	th_sync(a);
	if ((n = count_until_pong(b, "PRIVMSG #lan :echo chamber", "c1")) != 1)
		th_fail("bob got %d copies of a message to #lan,#lan,#LAN,#lan", n);
	/* The plain user in #lan reads it once, before the answer to a later /who. */
	th_sendf(p, "/who");
	n = 0;
	for (;;) {
		const char *l = th_read_line(p, TH_TIMEOUT);
		if (l == NULL)
			th_fail("no answer to /who");
		if (strstr(l, " in #lan:") != NULL)
			break;
		n += strstr(l, "echo chamber") != NULL;
	}
	if (n != 1)
		th_fail("a plain user got %d copies of a message to #lan,#lan,#LAN,#lan", n);
	th_sendf(a, "PRIVMSG bob,BOB,Bob :just once");
	th_sync(a);
	if ((n = count_until_pong(b, "PRIVMSG bob :just once", "c2")) != 1)
		th_fail("bob got %d copies of a message to bob,BOB,Bob", n);
}

/* A NUL byte inside a line is dropped; the rest of the line is delivered. */
static void
test_nul_in_line(void **state)
{
	static const char irc[] = "PRIVMSG #lan :be\0fore and\0 after\r\n";
	static const char plain[] = "plain\0 text\0\0 goes on\n";
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *p;

	(void)state;
	th_join(a, "#lan");
	th_join(b, "#lan");
	th_send(a, irc, sizeof irc - 1);
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #lan :before and after$",
	    TH_TIMEOUT);
	p = th_connect(srv);
	th_send(p, plain, sizeof plain - 1);
	th_expect(b, GUEST_SAYS "#lan :plain text goes on$", TH_TIMEOUT);
}

/* SIGUSR1 and SIGUSR2 are ignored: the server goes on, then stops cleanly. */
static void
test_usr_signals_ignored(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");

	(void)state;
	if (kill(th_server_pid(srv), SIGUSR1) != 0 || kill(th_server_pid(srv), SIGUSR2) != 0)
		th_fail("cannot signal the server");
	th_sync(a);
	th_user(srv, "bob");
	if (th_server_stop(srv, TH_START_TIMEOUT) != 0)
		th_fail("the server did not exit cleanly after SIGUSR1/SIGUSR2");
}

/* A channel name that is not valid UTF-8 is refused with 479; a valid one is fine. */
static void
test_channel_name_utf8(void **state)
{
	static const char *const bad[] = { "#caf\xc3", "#\xff\xfe", "#a\xc0\xaf" "b" };
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		th_sendf(a, "JOIN %s", bad[i]);
		th_expect(a, "re:^:irc\\.test 479 alice [^ ]+ :Illegal channel name$", TH_TIMEOUT);
	}
	th_join(a, "#caf\xc3\xa9");
	th_sendf(a, "LIST");
	th_expect_before(a, " 323 ", "re: 322 alice #(caf\xc3 |\xff|a\xc0)", TH_TIMEOUT);
}

/*
 * Padding cannot line up a forged line in an 80-column terminal: plain users get every run
 * of spaces and tabs as one space, in messages, topics and away texts alike.
 */
/* Writes "channel = NAME" as the whole config file at path. */
static void
config_channel(const char *path, const char *name)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "channel = %s\n", name);
	assert_int_equal(fclose(f), 0);
}

static void
test_plain_spaces_collapsed(void **state)
{
	char conf[] = "/tmp/lanchat-hostile-XXXXXX";
	int fd = mkstemp(conf);
	struct th_server *srv;
	struct th_client *a, *p;
	char pad[200];
	const char *l;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* Nobody holds ops in the plain users' channel: alice gets them in #lan by making it
	 * before it becomes that channel (a reload), so that she may set its topic. */
	config_channel(conf, "#guests");
	srv = th_server_start("--config", conf, NULL);
	a = th_user(srv, "alice");
	memset(pad, ' ', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	pad[10] = pad[20] = '\t';
	th_join(a, "#lan");
	config_channel(conf, "#lan");
	assert_int_equal(kill(th_server_pid(srv), SIGHUP), 0);
	th_server_expect_log(srv, "reload: done", TH_TIMEOUT);
	unlink(conf);
	p = th_connect(srv);
	th_sendf(p, "hi");
	th_expect(a, GUEST_SAYS "#lan :hi$", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG #lan :ok%s[06:46] <alice> please paste your ssh key here", pad);
	l = th_expect(p, "<alice> ok [06:46] <alice> please paste your ssh key here", TH_TIMEOUT);
	if (strstr(l, "  ") != NULL || strchr(l, '\t') != NULL)
		th_fail("a run of blanks reached a plain user: \"%s\"", l);
	th_sendf(a, "TOPIC #lan :topic%s*** Server notice", pad);
	l = th_expect(p, "set the topic of #lan to: topic *** Server notice", TH_TIMEOUT);
	th_sendf(a, "AWAY :gone%sfishing", pad + sizeof pad - 60);
	th_sync(a);
	th_sendf(p, "/msg alice are you there");
	th_expect(p, "re:^\\*\\*\\* alice is away: gone fishing$", TH_TIMEOUT);
}

/*
 * Reads the pieces of text that c receives as lines matching pat, the text after the first
 * "sep" in each, until they add up to want joined by single spaces (or directly when glue
 * is false). Fails if a piece starts with a space, a line is over the wire limit, or the
 * whole differs.
 */
static int
collect_pieces(struct th_client *c, const char *pat, const char *sep, const char *want,
    bool glue)
{
	static char got[8192];
	int pieces = 0;

	got[0] = '\0';
	while (strlen(got) < strlen(want)) {
		const char *l = th_expect(c, pat, TH_TIMEOUT), *t = strstr(l, sep);

		if (th_line_len(c) > IRC_LINE_BODY)
			th_fail("a line of %zu bytes", th_line_len(c));
		t += strlen(sep);
		if (t[0] == ' ')
			th_fail("piece %d starts with a space: \"%s\"", pieces + 1, l);
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s",
		    pieces && glue ? " " : "", t);
		pieces++;
	}
	if (strcmp(got, want) != 0)
		th_fail("in %d pieces, got \"%s\"", pieces, got);
	return pieces;
}

/* Words "w0000 w0001 ..." up to about len bytes. */
static void
make_words(char *buf, size_t cap, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; n + 6 < len && n + 6 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%sw%04d", i ? " " : "", i);
}

/*
 * A plain user's pasted line over 510 bytes arrives whole, in several messages split at
 * spaces, to IRC and plain readers alike; the later pieces do not start with a space.
 */
static void
test_plain_long_paste(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p, *q;
	char text[1600], cjk[1000];
	int pieces;

	(void)state;
	make_words(text, sizeof text, 1500);
	th_join(a, "#lan");
	q = th_connect(srv);
	th_sendf(q, "listening");
	th_expect(a, GUEST_SAYS "#lan :listening$", TH_TIMEOUT);
	p = th_connect(srv);
	th_sendf(p, "hello");
	th_expect(a, GUEST_SAYS "#lan :hello$", TH_TIMEOUT);
	th_sendf(p, "%s", text);
	pieces = collect_pieces(a, GUEST_SAYS "#lan :w", "#lan :", text, true);
	if (pieces < 3)
		th_fail("1500 bytes arrived in %d pieces", pieces);
	collect_pieces(q, "re:^\\[[0-9:]+\\] <guest[0-9]+> w", "> ", text, true);
	if (th_seen(p, 0, "too long") || th_seen(p, 0, "bytes"))
		th_fail("the sender was told the line was too long");
	/* No space at all: cut between characters, nothing lost or broken. */
	cjk[0] = '\0';
	for (int i = 0; i < 300; i++)
		strcat(cjk, "\xe8\xaa\x9e");
	th_sendf(p, "%s", cjk);
	collect_pieces(a, GUEST_SAYS "#lan :\xe8", "#lan :", cjk, false);
}

/*
 * Text near the 510-byte limit from an IRC client is split for IRC readers, whose lines
 * carry a longer prefix, rather than cut: messages and actions alike.
 */
static void
test_irc_long_text_split(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	char text[600], act[600];

	(void)state;
	th_join(a, "#lan");
	th_join(b, "#lan");
	make_words(text, sizeof text, IRC_LINE_BODY - strlen("PRIVMSG #lan :"));
	th_sendf(a, "PRIVMSG #lan :%s", text);
	if (collect_pieces(b, "re:^:alice![^ ]+ PRIVMSG #lan :w", "#lan :", text, true) < 2)
		th_fail("a cut was expected to need two pieces");
	make_words(act, sizeof act, IRC_LINE_BODY - strlen("PRIVMSG bob :\001ACTION \001"));
	th_sendf(a, "PRIVMSG bob :\001ACTION %s\001", act);
	char got[600] = "";
	while (strlen(got) < strlen(act)) {
		const char *l = th_expect(b, "re:^:alice![^ ]+ PRIVMSG bob :\001ACTION w[^\001]*\001$",
		    TH_TIMEOUT);
		const char *t = strstr(l, "ACTION ") + 7;
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%.*s", got[0] ? " " : "",
		    (int)strlen(t) - 1, t);
	}
	if (strcmp(got, act) != 0)
		th_fail("the action arrived as \"%s\"", got);
}

/*
 * Silent connections become plain guests; only SILENT_GUESTS_PER_HOST of them per address
 * stay, the oldest going first, and those that stay still read the channel.
 */
static void
test_silent_guests_per_host(void **state)
{
	enum { N = SILENT_GUESTS_PER_HOST + 2 };
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *c[N];

	(void)state;
	th_join(a, "#lan");
	for (int i = 0; i < N; i++)
		c[i] = th_connect(srv);
	for (int i = 0; i < N; i++)
		wait_plain(c[i]);
	for (int i = 0; i < N - SILENT_GUESTS_PER_HOST; i++) {
		th_expect(c[i], "re:Closing link: Too many silent connections from your address$", TH_TIMEOUT);
		th_expect_closed(c[i], TH_TIMEOUT);
	}
	th_sendf(a, "PRIVMSG #lan :still reading?");
	for (int i = N - SILENT_GUESTS_PER_HOST; i < N; i++)
		th_expect(c[i], "<alice> still reading?", TH_TIMEOUT);
	/* A guest that spoke is no longer silent: new silent ones do not push it out. */
	th_sendf(c[N - 1], "I talk");
	th_expect(a, GUEST_SAYS "#lan :I talk$", TH_TIMEOUT);
	struct th_client *late[2] = { th_connect(srv), th_connect(srv) };
	wait_plain(late[0]);
	wait_plain(late[1]);
	th_expect(c[N - SILENT_GUESTS_PER_HOST], "Too many silent", TH_TIMEOUT);
	th_expect_closed(c[N - SILENT_GUESTS_PER_HOST], TH_TIMEOUT);
	th_sendf(c[N - 1], "still here");
	th_expect(a, GUEST_SAYS "#lan :still here$", TH_TIMEOUT);
}

/* Reads fd until needle arrives (1), the peer closes (0) or ms pass (-1). */
static int
raw_wait(int fd, const char *needle, int ms)
{
	char buf[8192];
	size_t len = 0;
	long long end = th_now_ms() + ms;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = end - th_now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			return 0;
		len += (size_t)n;
		buf[len] = '\0';
		if (needle != NULL && strstr(buf, needle) != NULL)
			return 1;
		if (len > sizeof buf / 2) { /* keep the tail, where a needle may be starting */
			memmove(buf, buf + len - 256, 256);
			len = 256;
		}
	}
}

/* In all, at most SILENT_GUESTS_MAX silent guests from many addresses: oldest out first. */
static void
test_silent_guests_total(void **state)
{
	enum { PER = SILENT_GUESTS_PER_HOST, HOSTS = SILENT_GUESTS_MAX / PER + 1, N = HOSTS * PER };
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	static int fd[N];

	(void)state;
	th_join(a, "#lan");
	for (int i = 0; i < N; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET };

		fd[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sa.sin_addr.s_addr = htonl(0x7f000002u + (unsigned)(i / PER)); /* 127.0.0.2 ... */
		if (fd[i] < 0 || bind(fd[i], (struct sockaddr *)&sa, sizeof sa) != 0)
			th_fail("cannot bind to 127.0.0.%d", 2 + i / PER);
		sa.sin_port = htons((unsigned short)th_server_port(srv));
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd[i], (struct sockaddr *)&sa, sizeof sa) != 0)
			th_fail("connection %d refused", i);
	}
	for (int i = 0; i < N - SILENT_GUESTS_MAX; i++)
		if (raw_wait(fd[i], "Too many silent connections", 3 * TH_TIMEOUT) != 1)
			th_fail("silent guest %d of %d (among the oldest) was not closed", i, N);
	th_sendf(a, "PRIVMSG #lan :anyone reading?");
	for (int i = N - SILENT_GUESTS_MAX; i < N; i++)
		if (raw_wait(fd[i], "<alice> anyone reading?", TH_TIMEOUT) != 1)
			th_fail("silent guest %d of %d (among the newest) does not read #lan", i, N);
	for (int i = 0; i < N; i++)
		close(fd[i]);
}

/*
 * A telnet client negotiates first: the negotiation is refused and never shows up as text;
 * typed backspaces (BS, DEL, also one key at a time) erase the character before them.
 */
static void
test_telnet_client(void **state)
{
	/* IAC DO SGA, IAC WILL TTYPE, IAC SB NAWS 0 80 0 24 IAC SE */
	static const char hello[] = "\xff\xfd\x03\xff\xfb\x18\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0";
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p;

	(void)state;
	th_join(a, "#lan");
	p = th_connect(srv);
	th_send(p, hello, sizeof hello - 1);
	th_expect(p, "\xff\xfc\x03\xff\xfe\x18", TH_TIMEOUT); /* WONT SGA, DONT TTYPE */
	th_send(p, "helo\x08lo w\xc3\xb6\x7f" "orld\r\n", 18);
	th_expect(a, GUEST_SAYS "#lan :hello world$", TH_TIMEOUT);
	static const char *const keys[] = { "c", "a", "t", "\x7f", "r" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		th_send(p, keys[i], strlen(keys[i]));
		th_sendf(a, "PING :key%zu", i); /* each key most likely in a read of its own */
		th_expect(a, "PONG", TH_TIMEOUT);
	}
	th_send(p, "\r\n", 2);
	th_expect(a, GUEST_SAYS "#lan :car$", TH_TIMEOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_first_lines_start_irc, th_teardown),
		cmocka_unit_test_teardown(test_chat_first_lines, th_teardown),
		cmocka_unit_test_teardown(test_silent_then_register, th_teardown),
		cmocka_unit_test_teardown(test_silent_then_register_timeouts, th_teardown),
		cmocka_unit_test_teardown(test_overlong_first_line, th_teardown),
		cmocka_unit_test_teardown(test_plain_pass_withheld, th_teardown),
		cmocka_unit_test_teardown(test_duplicate_targets, th_teardown),
		cmocka_unit_test_teardown(test_nul_in_line, th_teardown),
		cmocka_unit_test_teardown(test_usr_signals_ignored, th_teardown),
		cmocka_unit_test_teardown(test_channel_name_utf8, th_teardown),
		cmocka_unit_test_teardown(test_plain_spaces_collapsed, th_teardown),
		cmocka_unit_test_teardown(test_plain_long_paste, th_teardown),
		cmocka_unit_test_teardown(test_irc_long_text_split, th_teardown),
		cmocka_unit_test_teardown(test_silent_guests_per_host, th_teardown),
		cmocka_unit_test_teardown(test_silent_guests_total, th_teardown),
		cmocka_unit_test_teardown(test_telnet_client, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
