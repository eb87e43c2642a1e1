/*
 * Unit tests for client/dcc_proto: DCC offers and the resume handshake as irssi and weechat
 * send them, malformed ones refused, offers formatted back, and the names files get here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/dcc_proto.h"

static void
test_parse_offers(void **state)
{
	struct dcc_msg m;
	(void)state;
	assert_true(dcc_parse("DCC SEND report.pdf 2130706433 40001 2100000", &m));
	assert_int_equal(m.kind, DCC_SEND);
	assert_string_equal(m.name, "report.pdf");
	assert_int_equal(m.ip, 0x7f000001);
	assert_int_equal(m.port, 40001);
	assert_int_equal(m.size, 2100000);
	assert_false(m.passive);
	/* A quoted name with spaces (irssi), and no size (old clients). */
	assert_true(dcc_parse("DCC SEND \"my report.pdf\" 3232235777 5000 12", &m));
	assert_string_equal(m.name, "my report.pdf");
	assert_int_equal(m.ip, 0xc0a80101);
	assert_true(dcc_parse("DCC SEND old.txt 2130706433 5000", &m));
	assert_int_equal(m.size, 0);
	/* Passive: port 0 and a token; the answer has a port and the same token. */
	assert_true(dcc_parse("DCC SEND x 2130706433 0 100 77", &m));
	assert_true(m.passive);
	assert_true(m.has_token);
	assert_int_equal(m.token, 77);
	assert_true(dcc_parse("DCC SEND x 2130706433 40002 100 77", &m));
	assert_false(m.passive);
	assert_int_equal(m.token, 77);
	assert_true(dcc_parse("DCC RESUME report.pdf 40001 1000", &m));
	assert_int_equal(m.kind, DCC_RESUME);
	assert_int_equal(m.pos, 1000);
	assert_true(dcc_parse("DCC ACCEPT \"a b\" 40001 1000", &m));
	assert_int_equal(m.kind, DCC_ACCEPT);
	assert_string_equal(m.name, "a b");
}

static void
test_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"", "DCC", "DCC SEND", "DCC SEND x", "DCC SEND x 1", "DCC CHAT chat 1 2",
		"DCC SEND x 4294967296 5000 1", "DCC SEND x 1 65536 1", "DCC SEND x -1 5 1",
		"DCC SEND x 1 2 3 4 5", "DCC SEND \"unterminated 1 2 3", "DCC SEND \"\" 1 2 3",
		"DCC SEND x 1 2 99999999999999999999999", "DCC RESUME x 1", "DCC SEND x 1a 2 3",
		"DCC SEND \"a\"b 1 2 3", "DCC ACCEPT x 1 2 3 4", "PING 123",
	};
	struct dcc_msg m;
	char longname[600];
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (dcc_parse(bad[i], &m))
			fail_msg("accepted: %s", bad[i]);
	memset(longname, 'a', sizeof longname);
	memcpy(longname, "DCC SEND ", 9);
	snprintf(longname + 9 + 300, sizeof longname - 309, " 1 2 3");
	assert_false(dcc_parse(longname, &m));
}

static void
test_format(void **state)
{
	char buf[128];
	struct dcc_msg m;
	uint32_t token = 4000000000u;
	(void)state;
	assert_true(dcc_format_send(buf, sizeof buf, "a b.txt", 0x7f000001, 40000, 5, NULL));
	assert_string_equal(buf, "DCC SEND \"a b.txt\" 2130706433 40000 5");
	assert_true(dcc_parse(buf, &m));
	assert_string_equal(m.name, "a b.txt");
	assert_false(m.has_token);
	assert_true(dcc_format_send(buf, sizeof buf, "f", 0x7f000001, 40000, 5, &token));
	assert_string_equal(buf, "DCC SEND f 2130706433 40000 5 4000000000");
	assert_false(dcc_format_send(buf, sizeof buf, "a\"b", 1, 2, 3, NULL));
	assert_false(dcc_format_send(buf, 10, "name", 1, 2, 3, NULL));
	/* The token is what does not fit. */
	assert_false(dcc_format_send(buf, 36, "f", 0x7f000001, 40000, 5, &token));
}

static void
test_safe_names(void **state)
{
	char out[DCC_NAME_MAX + 1];
	(void)state;
	dcc_safe_name(out, sizeof out, "report.pdf");
	assert_string_equal(out, "report.pdf");
	dcc_safe_name(out, sizeof out, "../../etc/passwd");
	assert_string_equal(out, "passwd");
	dcc_safe_name(out, sizeof out, "C:\\Users\\bob\\.bashrc");
	assert_string_equal(out, "_bashrc");
	dcc_safe_name(out, sizeof out, "..");
	assert_string_equal(out, "_.");
	dcc_safe_name(out, sizeof out, "dir/");
	assert_string_equal(out, "file");
	dcc_safe_name(out, sizeof out, "-rf");
	assert_string_equal(out, "_rf");
	dcc_safe_name(out, sizeof out, "a\x1b[2Jb");
	assert_string_equal(out, "a^[[2Jb");
	dcc_safe_name(out, sizeof out, "evil\xe2\x80\xaetxt.exe");
	assert_string_equal(out, "evil<U+202E>txt.exe");
	/* Long names are cut before a whole character. */
	char big[700];
	memset(big, 0, sizeof big);
	for (size_t i = 0; i + 3 < 600; i += 3)
		memcpy(big + i, "\xe4\xb8\x96", 3);
	dcc_safe_name(out, sizeof out, big);
	assert_true(strlen(out) <= DCC_NAME_MAX);
	assert_int_equal(strlen(out) % 3, 0);
	char small[8];
	dcc_safe_name(small, sizeof small, "abcdefghij");
	assert_string_equal(small, "abcdefg");
}

static void
test_sizes(void **state)
{
	char buf[32];
	(void)state;
	dcc_human_size(buf, sizeof buf, 512);
	assert_string_equal(buf, "512 B");
	dcc_human_size(buf, sizeof buf, 2100000);
	assert_string_equal(buf, "2.1 MB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_offers),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_safe_names),
		cmocka_unit_test(test_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
