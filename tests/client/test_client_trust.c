/*
 * Unit tests for client/trust: known_servers parsed, looked up, pinned, replaced, written
 * back with comments and unreadable lines kept, and saved with mode 0600.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/trust.h"

#define FP_A "ab12cd34ef56789001234567890abcdef0123456789abcdef0123456789abcde"
#define FP_B "0000000000000000000000000000000000000000000000000000000000000001"

static void
parse(struct trust *t, const char *text)
{
	memset(t, 0, sizeof *t);
	assert_int_equal(trust_parse(t, text, strlen(text)), 0);
}

static void
test_lookup(void **state)
{
	struct trust t;
	(void)state;

	parse(&t, "# pinned by lanchat\n"
	          "lanbox:6697 SHA256:" FP_A "\n"
	          "[::1]:6697 " FP_B "\r\n"
	          "\n"
	          "Other.Host:7000 SHA256:AB12CD34EF56789001234567890ABCDEF0123456789ABCDEF0123456789ABCDE");
	assert_int_equal(t.bad, 0);
	assert_string_equal(trust_lookup(&t, "lanbox", "6697"), FP_A);
	assert_string_equal(trust_lookup(&t, "LANBOX", "6697"), FP_A);
	assert_string_equal(trust_lookup(&t, "::1", "6697"), FP_B);
	assert_string_equal(trust_lookup(&t, "other.host", "7000"), FP_A);
	/* Keyed by host and port: another port is another server. */
	assert_null(trust_lookup(&t, "lanbox", "6698"));
	assert_null(trust_lookup(&t, "lanbox2", "6697"));
	assert_int_equal(trust_check(&t, "lanbox", "6697", FP_A), TRUST_MATCH);
	assert_int_equal(trust_check(&t, "lanbox", "6697", FP_B), TRUST_CHANGED);
	assert_int_equal(trust_check(&t, "newhost", "6697", FP_B), TRUST_NEW);
	trust_free(&t);
}

static void
test_set_and_format(void **state)
{
	struct trust t;
	size_t len;
	char *text;
	(void)state;

	parse(&t, "# comment kept\nnot a valid line\nlanbox:6697 " FP_A "\n");
	assert_int_equal(t.bad, 1);
	assert_int_equal(trust_set(&t, "Newbox", "6697", "SHA256:" FP_B), 0);
	/* /trust after a changed certificate replaces the pin in place. */
	assert_int_equal(trust_set(&t, "lanbox", "6697", FP_B), 0);
	assert_int_equal(trust_check(&t, "lanbox", "6697", FP_B), TRUST_MATCH);
	assert_int_equal(trust_set(&t, "x", "1", "not-a-fingerprint"), -1);
	text = trust_format(&t, &len);
	assert_int_equal(strlen(text), len);
	assert_string_equal(text, "# comment kept\n"
	                          "not a valid line\n"
	                          "lanbox:6697 SHA256:" FP_B "\n"
	                          "newbox:6697 SHA256:" FP_B "\n");
	/* What is written reads back the same. */
	struct trust again;
	parse(&again, text);
	assert_string_equal(trust_lookup(&again, "newbox", "6697"), FP_B);
	assert_string_equal(trust_lookup(&again, "lanbox", "6697"), FP_B);
	trust_free(&again);
	free(text);
	trust_free(&t);
}

static void
test_malformed_pins_nothing(void **state)
{
	static const char *bad[] = {
		"lanbox " FP_A,                        /* no port */
		"lanbox: " FP_A,                       /* empty port */
		":6697 " FP_A,                         /* empty host */
		"lanbox:66x7 " FP_A,                   /* port not digits */
		"lanbox:6697 " FP_A "0",               /* fingerprint too long */
		"lanbox:6697 SHA256:ab12",             /* too short */
		"lanbox:6697  " FP_A,                  /* two spaces */
		"lanbox:6697 MD5:" FP_A,               /* another hash */
		"lanbox:6697",                         /* no fingerprint */
		"lanbox:6697 " FP_A " trailing words", /* more fields */
	};
	struct trust t;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse(&t, bad[i]);
		if (t.bad != 1 || trust_lookup(&t, "lanbox", "6697") != NULL)
			fail_msg("\"%s\" pinned something", bad[i]);
		trust_free(&t);
	}
	/* A NUL inside a line is dropped, not kept (it would cut the line when written). */
	static const char nul[] = "a\0b\nlanbox:6697 " FP_A "\n";
	memset(&t, 0, sizeof t);
	assert_int_equal(trust_parse(&t, nul, sizeof nul - 1), 0);
	assert_int_equal(t.bad, 1);
	assert_string_equal(trust_lookup(&t, "lanbox", "6697"), FP_A);
	trust_free(&t);

	/* A pin line ending in two CRs is a pin, and reads the same after it is written back. */
	parse(&t, "lanbox:6697 SHA256:" FP_A "\r\r\n");
	assert_int_equal(t.bad, 0);
	assert_string_equal(trust_lookup(&t, "lanbox", "6697"), FP_A);
	trust_free(&t);
}

static void
test_bounded(void **state)
{
	size_t cap = (size_t)(KNOWN_SERVERS_MAX + 1) * 2;
	char *text = malloc(cap);
	struct trust t;
	(void)state;

	for (size_t i = 0; i < cap; i += 2)
		memcpy(text + i, "#\n", 2);
	memset(&t, 0, sizeof t);
	assert_int_equal(trust_parse(&t, text, cap), -1);
	trust_free(&t);
	free(text);
}

static void
test_load_save(void **state)
{
	char dir[] = "/tmp/trust-XXXXXX", err[256], path[64];
	struct trust t, u;
	struct stat st;
	(void)state;

	assert_non_null(mkdtemp(dir));
	/* No file yet: an empty store. */
	assert_int_equal(trust_load(&t, dir, err, sizeof err), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(trust_set(&t, "lanbox", "6697", FP_A), 0);
	assert_int_equal(trust_save(&t, dir, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/%s", dir, TRUST_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(trust_load(&u, dir, err, sizeof err), 0);
	assert_string_equal(trust_lookup(&u, "lanbox", "6697"), FP_A);
	trust_free(&u);
	trust_free(&t);
	unlink(path);
	rmdir(dir);
}

static void
test_decide(void **state)
{
	struct trust t;
	(void)state;

	parse(&t, "lanbox:6697 " FP_A "\n");
	assert_int_equal(trust_decide(&t, "lanbox", "6697", FP_A, NULL, false), TRUST_ACCEPT);
	assert_int_equal(trust_decide(&t, "lanbox", "6697", FP_A, "", false), TRUST_ACCEPT);
	assert_int_equal(trust_decide(&t, "lanbox", "6697", FP_B, NULL, false),
	    TRUST_REFUSE_CHANGED);
	assert_int_equal(trust_decide(&t, "other", "6697", FP_B, NULL, false), TRUST_ACCEPT_NEW);
	/* A CA-verified certificate needs no pin, even where another is pinned. */
	assert_int_equal(trust_decide(&t, "lanbox", "6697", FP_B, NULL, true), TRUST_ACCEPT_CA);
	/* A beacon that names another certificate is refused whatever else holds. */
	assert_int_equal(trust_decide(&t, "lanbox", "6697", FP_A, FP_B, true),
	    TRUST_REFUSE_BEACON);
	assert_int_equal(trust_decide(&t, "other", "6697", FP_A, FP_B, false),
	    TRUST_REFUSE_BEACON);
	assert_int_equal(trust_decide(&t, "other", "6697", FP_B, FP_B, false), TRUST_ACCEPT_NEW);
	trust_free(&t);
}

static void
test_short_fp(void **state)
{
	char buf[32];
	(void)state;
	assert_string_equal(trust_short_fp(FP_A, 8, buf, sizeof buf), "ab12cd34..");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_set_and_format),
		cmocka_unit_test(test_malformed_pins_nothing),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_load_save),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_short_fp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
