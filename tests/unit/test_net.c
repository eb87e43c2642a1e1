/* Unit tests for common/net: host:port splitting and address formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/net.h"

static void
split_ok(const char *in, const char *host, const char *port)
{
	char h[NET_ADDRSTR], p[8];

	if (net_split_hostport(in, h, sizeof h, p, sizeof p, "6667") != 0)
		fail_msg("\"%s\" was rejected", in);
	assert_string_equal(h, host);
	assert_string_equal(p, port);
}

static void
split_bad(const char *in)
{
	char h[NET_ADDRSTR], p[8];

	if (net_split_hostport(in, h, sizeof h, p, sizeof p, "6667") == 0)
		fail_msg("\"%s\" was accepted as host \"%s\" port \"%s\"", in, h, p);
}

static void
test_split_valid(void **state)
{
	(void)state;

	split_ok("localhost", "localhost", "6667");
	split_ok("localhost:7000", "localhost", "7000");
	split_ok("10.0.0.2:1", "10.0.0.2", "1");
	split_ok("[::1]:6697", "::1", "6697");
	split_ok("[::1]", "::1", "6667");
	split_ok("[fe80::1%eth0]:6667", "fe80::1%eth0", "6667");
	/* A bare IPv6 address has several colons, so none of them is a port separator. */
	split_ok("::1", "::1", "6667");
	split_ok("fe80::abcd:1", "fe80::abcd:1", "6667");
	/* Even when its last group looks like a port: brackets are how to give one. */
	split_ok("::1:6667", "::1:6667", "6667");
	split_ok("[::1]:6668", "::1", "6668");
	split_ok("host:65535", "host", "65535");
	split_ok("host:00080", "host", "00080");
}

static void
split_badport(const char *in)
{
	char h[NET_ADDRSTR], p[8];
	int rc = net_split_hostport(in, h, sizeof h, p, sizeof p, "6667");

	if (rc != NET_SPLIT_BADPORT)
		fail_msg("\"%s\" gave %d, not NET_SPLIT_BADPORT (port \"%s\")", in, rc, p);
}

static void
test_split_port_range(void **state)
{
	(void)state;

	/* 99999 would wrap to 34463 and 0 means "any port": neither is a port to dial. */
	split_badport("127.0.0.1:99999");
	split_badport("127.0.0.1:0");
	split_badport("host:65536");
	split_badport("[::1]:70000");
	split_badport("[::1]:0000000");
	split_badport("h:9999999");
}

/* Listens on addr port 0; returns how many sockets (closed again) or -1. */
static int
try_listen(const char *addr, char *err, size_t cap)
{
	int fds[NET_LISTEN_MAX];
	int n = net_listen(addr, "0", fds, err, cap);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

static void
test_listen_bracketed(void **state)
{
	char err[256] = "";
	(void)state;

	/* Where this host has no IPv6 loopback there is nothing to compare. */
	if (try_listen("::1", err, sizeof err) < 1)
		skip();
	err[0] = '\0';
	if (try_listen("[::1]", err, sizeof err) < 1)
		fail_msg("listening on [::1] failed: %s", err);
	assert_true(try_listen("[::1", err, sizeof err) < 0);
}

static void
test_split_malformed(void **state)
{
	(void)state;

	split_bad("");
	split_bad(":6667");
	split_bad("host:");
	split_bad("host:port");
	split_bad("host:66a");
	split_bad("host:-1");
	split_bad("host: 1");
	split_bad("[::1");
	split_bad("[::1]6667");
	split_bad("[::1]:");
	split_bad("[::1]:x");
	split_bad("[]:6667");
	split_bad("[]");
}

static void
test_split_too_long(void **state)
{
	char longhost[NET_ADDRSTR + 20], in[NET_ADDRSTR + 40];
	char h[NET_ADDRSTR], p[8];
	(void)state;

	/* A name that does not fit is an error, never silently shortened into another name. */
	memset(longhost, 'h', sizeof longhost - 1);
	longhost[sizeof longhost - 1] = '\0';
	split_bad(longhost);
	strcpy(in, longhost);
	strcat(in, ":6667");
	split_bad(in);
	strcpy(in, "[");
	strcat(in, longhost);
	strcat(in, "]:6667");
	split_bad(in);
	/* Likewise a port longer than its buffer. */
	split_bad("host:1234567890");
	/* The host buffer holds exactly hcap - 1 characters. */
	assert_int_equal(net_split_hostport("abcd:1", h, 5, p, sizeof p, "1"), 0);
	assert_string_equal(h, "abcd");
	assert_int_not_equal(net_split_hostport("abcde:1", h, 5, p, sizeof p, "1"), 0);
	assert_int_not_equal(net_split_hostport("abcde", h, 5, p, sizeof p, "1"), 0);
}

static void
test_join_hostport(void **state)
{
	char buf[NET_ADDRSTR + 8], h[NET_ADDRSTR], p[8];
	(void)state;

	net_join_hostport(buf, sizeof buf, "::1", "46129");
	assert_string_equal(buf, "[::1]:46129");
	net_join_hostport(buf, sizeof buf, "127.0.0.1", "6667");
	assert_string_equal(buf, "127.0.0.1:6667");
	net_join_hostport(buf, sizeof buf, "lanbox", "7000");
	assert_string_equal(buf, "lanbox:7000");
	/* What it writes reads back as the same host and port. */
	net_join_hostport(buf, sizeof buf, "fe80::1%eth0", "1");
	assert_int_equal(net_split_hostport(buf, h, sizeof h, p, sizeof p, "6667"), 0);
	assert_string_equal(h, "fe80::1%eth0");
	assert_string_equal(p, "1");
}

static void
test_addr_str(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char buf[NET_ADDRSTR];
	(void)state;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(6667);
	inet_pton(AF_INET, "192.168.1.20", &sin.sin_addr);
	net_addr_str((struct sockaddr *)&sin, buf, sizeof buf);
	assert_string_equal(buf, "192.168.1.20");
	assert_int_equal(net_addr_port((struct sockaddr *)&sin), 6667);

	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(7000);
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &sin6.sin6_addr);
	net_addr_str((struct sockaddr *)&sin6, buf, sizeof buf);
	assert_string_equal(buf, "10.1.2.3"); /* mapped addresses shown as IPv4 */
	assert_int_equal(net_addr_port((struct sockaddr *)&sin6), 7000);
	inet_pton(AF_INET6, "fe80::1", &sin6.sin6_addr);
	net_addr_str((struct sockaddr *)&sin6, buf, sizeof buf);
	assert_string_equal(buf, "fe80::1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_valid),
		cmocka_unit_test(test_split_malformed),
		cmocka_unit_test(test_split_too_long),
		cmocka_unit_test(test_split_port_range),
		cmocka_unit_test(test_listen_bracketed),
		cmocka_unit_test(test_join_hostport),
		cmocka_unit_test(test_addr_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
