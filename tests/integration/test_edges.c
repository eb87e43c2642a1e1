/*
 * Edges found by review: text a plain user receives must never carry escapes, replies must
 * keep their parameter count whatever the client sent, and cut lines stay valid UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/sanitize.h"
#include "harness.h"

static bool
valid_utf8(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		size_t n = san_utf8_len((const unsigned char *)s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

static void
test_away_text_to_plain_user(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p = th_connect(srv);
	const char *l;

	(void)state;
	th_sendf(a, "AWAY :gone \x1b[2J\x1b]0;pwned\x07 bye");
	th_expect(a, "re:^:irc\\.test 306 alice :", TH_TIMEOUT);
	th_expect(p, "*** Welcome to irc.test", TH_TIMEOUT);
	th_sendf(p, "/msg alice hi");
	l = th_expect(p, "alice is away: gone", TH_TIMEOUT);
	if (strchr(l, '\x1b') != NULL || strchr(l, '\x07') != NULL)
		th_fail("away text reached a plain user with its escapes: %s", l);
	if (strstr(l, "^[[2J^[]0;pwned^G bye") == NULL)
		th_fail("away text not shown in visible form: %s", l);
}

static void
test_error_replies_echo_one_word(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");

	(void)state;
	th_sendf(a, "NICK :a b");
	th_expect(a, "re:^:irc\\.test 432 alice a :Erroneous nickname$", TH_TIMEOUT);
	th_sendf(a, "TOPIC :#nowhere else");
	th_expect(a, "re:^:irc\\.test 403 alice #nowhere :No such channel$", TH_TIMEOUT);
	th_sendf(a, "WHOIS :ghost town");
	th_expect(a, "re:^:irc\\.test 401 alice ghost :No such nick/channel$", TH_TIMEOUT);
	th_expect(a, "re:^:irc\\.test 318 alice ghost :", TH_TIMEOUT);
	th_sendf(a, "CAP :what ever");
	th_expect(a, "re:^:irc\\.test 410 alice what :", TH_TIMEOUT);
}

static void
test_overlong_channel_name_is_not_another(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	char name[CHANNEL_LEN + 1], longer[CHANNEL_LEN + 8];

	(void)state;
	name[0] = '#';
	memset(name + 1, 'a', CHANNEL_LEN - 1);
	name[CHANNEL_LEN] = '\0';
	snprintf(longer, sizeof longer, "%sZZZZ", name);
	th_join(a, name);
	th_join(b, name);
	th_sendf(a, "PRIVMSG %s :meant elsewhere", longer);
	th_expect(a, "re:^:irc\\.test (401|403) alice #a+ZZZZ :", TH_TIMEOUT);
	th_sendf(a, "TOPIC %s :not this one", longer);
	th_expect(a, "re:^:irc\\.test 403 alice #a+ZZZZ :", TH_TIMEOUT);
	th_sync_without(b, "meant elsewhere");
}

static void
test_userhost_of_plain_user(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *p = th_connect(srv);

	(void)state;
	th_expect(p, "*** Welcome to irc.test", TH_TIMEOUT);
	th_sendf(p, "/nick plainpat");
	th_expect(p, "You are now known as plainpat", TH_TIMEOUT);
	th_sendf(a, "USERHOST plainpat");
	th_expect(a, "re:^:irc\\.test 302 alice :plainpat=\\+~plain@127\\.0\\.0\\.1$", TH_TIMEOUT);
}

static void
test_relayed_line_cut_on_character(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	char text[IRC_LINE_MAX];
	size_t n = 0;
	const char *l;

	(void)state;
	th_join(a, "#x");
	th_join(b, "#x");
	/* Valid as sent; once the relay adds alice's prefix it must be cut. */
	text[n++] = 'x';
	while (n + 2 <= IRC_LINE_BODY - strlen("PRIVMSG #x :")) {
		memcpy(text + n, "\xc3\xa9", 2);
		n += 2;
	}
	text[n] = '\0';
	th_sendf(a, "PRIVMSG #x :%s", text);
	l = th_expect(b, "PRIVMSG #x :x", TH_TIMEOUT);
	if (th_line_len(b) > IRC_LINE_BODY)
		th_fail("relayed line of %zu bytes", th_line_len(b));
	if (!valid_utf8(l))
		th_fail("relayed line cut inside a character");
}

/* An IPv6 client: "::1" must not read as a trailing parameter in 352 and 311. */
static void
test_ipv6_host_in_replies(void **state)
{
	struct th_server *srv;
	struct sockaddr_in6 sin = { 0 };
	char buf[8192];
	size_t len = 0;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	(void)state;
	sin.sin6_family = AF_INET6;
	sin.sin6_addr = in6addr_loopback;
	/* Containers often have no IPv6 loopback: find out before asking lanchatd for it. */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		if (fd >= 0)
			close(fd);
		skip();
	}
	close(fd);
	srv = th_server_start("-b", "::1", NULL);
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin6_port = htons((uint16_t)th_server_port(srv));
	sin.sin6_addr = in6addr_loopback;
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		if (fd >= 0)
			close(fd);
		skip(); /* no IPv6 loopback here */
	}
	const char *reg = "NICK six\r\nUSER six 0 * :Six\r\nWHO six\r\nWHOIS six\r\n";
	assert_int_equal(write(fd, reg, strlen(reg)), (ssize_t)strlen(reg));
	long long end = th_now_ms() + TH_TIMEOUT;
	buf[0] = '\0';
	while (strstr(buf, " 318 six ") == NULL && th_now_ms() < end && len + 1 < sizeof buf) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
	}
	close(fd);
	if (strstr(buf, ":irc.test 352 six * ~six 0::1 irc.test six H :0 Six") == NULL)
		th_fail("352 without a one-word host:\n%s", buf);
	if (strstr(buf, ":irc.test 311 six six ~six 0::1 * :Six") == NULL)
		th_fail("311 without a one-word host:\n%s", buf);
}

/*
 * What QA found missing or wrong against real clients: user mode +i (advertised in 004) is
 * applied and counted, channel modes the server lacks get 472, setting a ban gets 482, a bad
 * channel name gets 479, the topic setter is a full mask, VERSION and TIME answer.
 */
static void
test_modes_version_time(void **state)
{
	struct th_server *srv = th_server_start(NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	char bad[CHANNEL_LEN + 8];

	(void)state;
	th_sendf(a, "MODE alice +i");
	th_expect(a, "re:^:alice!~alice@127\\.0\\.0\\.1 MODE alice :\\+i$", TH_TIMEOUT);
	th_sendf(a, "MODE alice");
	th_expect(a, "re:^:irc\\.test 221 alice \\+i$", TH_TIMEOUT);
	th_sendf(b, "LUSERS");
	th_expect(b, "re:^:irc\\.test 251 bob :There is 1 user and 1 invisible on 1 server$",
	    TH_TIMEOUT);
	/* An invisible user sharing no channel is left out of WHO *, but found by nick. */
	th_sendf(b, "WHO *");
	th_expect_before(b, " 315 bob ", " 352 bob \\* ~alice ", TH_TIMEOUT);
	th_sendf(b, "WHO alice");
	th_expect(b, "re: 352 bob \\* ~alice 127\\.0\\.0\\.1 irc\\.test alice ", TH_TIMEOUT);
	/* Nor do NAMES and WHO of a channel bob is not in show her. */
	th_join(a, "#inv");
	th_sendf(b, "NAMES #inv");
	th_expect_before(b, " 366 bob #inv ", "re: 353 bob = #inv :.*alice", TH_TIMEOUT);
	th_sendf(b, "WHO #inv");
	th_expect_before(b, " 315 bob #inv ", " 352 bob #inv ~alice ", TH_TIMEOUT);
	th_sendf(a, "PART #inv");
	th_sendf(a, "MODE alice -i");
	th_expect(a, "re:^:alice!~alice@127\\.0\\.0\\.1 MODE alice :-i$", TH_TIMEOUT);

	th_join(a, "#m");
	th_sendf(b, "MODE #m +b carol!*@*");
	th_expect(b, "re:^:irc\\.test 482 bob #m :", TH_TIMEOUT);
	th_sendf(a, "MODE #m X");
	th_expect(a, "re:^:irc\\.test 472 alice X :", TH_TIMEOUT);
	th_sendf(a, "MODE #m b");
	th_expect(a, "re:^:irc\\.test 368 alice #m :", TH_TIMEOUT);

	bad[0] = '#';
	memset(bad + 1, 'x', CHANNEL_LEN + 2);
	bad[CHANNEL_LEN + 3] = '\0';
	th_sendf(a, "JOIN %s", bad);
	th_expect(a, "re:^:irc\\.test 479 alice #x+ :Illegal channel name$", TH_TIMEOUT);

	th_sendf(a, "TOPIC #m :plans");
	th_expect(a, "re: TOPIC #m :plans$", TH_TIMEOUT);
	th_sendf(b, "JOIN #m");
	th_expect(b, "re:^:irc\\.test 333 bob #m alice!~alice@127\\.0\\.0\\.1 [0-9]+$",
	    TH_TIMEOUT);

	th_sendf(b, "VERSION");
	th_expect(b, "re:^:irc\\.test 351 bob lanchat-[^ ]+ irc\\.test :", TH_TIMEOUT);
	th_expect(b, " 005 bob ", TH_TIMEOUT);
	th_sendf(b, "TIME");
	th_expect(b, "re:^:irc\\.test 391 bob irc\\.test :.*[0-9]{2}:[0-9]{2}:[0-9]{2}", TH_TIMEOUT);

	/* An invisible user who leaves is no longer counted. */
	th_sendf(a, "MODE alice +i");
	th_expect(a, " MODE alice :+i", TH_TIMEOUT);
	th_sendf(a, "QUIT :bye");
	th_expect(b, "re:^:alice!~alice@127\\.0\\.0\\.1 QUIT :", TH_TIMEOUT);
	th_sendf(b, "LUSERS");
	th_expect(b, "re:^:irc\\.test 251 bob :There is 1 user and 0 invisible on 1 server$",
	    TH_TIMEOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_away_text_to_plain_user, th_teardown),
		cmocka_unit_test_teardown(test_error_replies_echo_one_word, th_teardown),
		cmocka_unit_test_teardown(test_overlong_channel_name_is_not_another, th_teardown),
		cmocka_unit_test_teardown(test_modes_version_time, th_teardown),
		cmocka_unit_test_teardown(test_userhost_of_plain_user, th_teardown),
		cmocka_unit_test_teardown(test_relayed_line_cut_on_character, th_teardown),
		cmocka_unit_test_teardown(test_ipv6_host_in_replies, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
