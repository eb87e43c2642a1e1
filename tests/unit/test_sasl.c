/*
 * The account parsers, pure: AUTHENTICATE chunks and base64 (server/sasl.h), SASL PLAIN's
 * three fields, NickServ commands and PASS account:password (server/nsparse.h), and the
 * password hashes (server/passwd.h). Malformed input of every kind gets a refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "common/limits.h"
#include "server/nsparse.h"
#include "server/passwd.h"
#include "server/sasl.h"

static void
test_mechanisms(void **state)
{
	(void)state;
	assert_int_equal(sasl_mech_parse("PLAIN"), SASL_PLAIN);
	assert_int_equal(sasl_mech_parse("external"), SASL_EXTERNAL);
	assert_int_equal(sasl_mech_parse("SCRAM-SHA-256"), SASL_NONE);
	assert_int_equal(sasl_mech_parse(""), SASL_NONE);
}

static void
test_plain_message(void **state)
{
	struct sasl s;
	struct sasl_plain p;
	char out[SASL_MSG_MAX];
	(void)state;

	sasl_start(&s, SASL_PLAIN);
	/* "\0bob\0hunter2" */
	assert_int_equal(sasl_feed(&s, "AGJvYgBodW50ZXIy"), SASL_DONE);
	int n = sasl_decode(&s, out, sizeof out);
	assert_int_equal(n, 12);
	assert_true(sasl_plain_split(out, (size_t)n, &p));
	assert_string_equal(p.authzid, "");
	assert_string_equal(p.authcid, "bob");
	assert_string_equal(p.passwd, "hunter2");
	/* "bob\0bob\0pw": the same account named twice is fine; another one is not. */
	assert_true(sasl_plain_split("bob\0BOB\0pw", 10, &p));
	assert_false(sasl_plain_split("eve\0bob\0pw", 10, &p));
	/* Missing fields, empty ones, a fourth one. */
	assert_false(sasl_plain_split("bob", 3, &p));
	assert_false(sasl_plain_split("\0bob", 4, &p));
	assert_false(sasl_plain_split("\0\0pw", 4, &p));
	assert_false(sasl_plain_split("\0bob\0", 5, &p));
	assert_false(sasl_plain_split("\0bob\0pw\0x", 9, &p));
	/* A name longer than a nick. */
	char longname[64] = { 0 };
	memset(longname + 1, 'a', NICK_LEN + 1);
	memcpy(longname + NICK_LEN + 2, "\0pw", 3);
	assert_false(sasl_plain_split(longname, NICK_LEN + 5, &p));
}

static void
test_chunks(void **state)
{
	struct sasl s;
	char chunk[SASL_CHUNK_LEN + 2], out[SASL_MSG_MAX];
	(void)state;

	/* A full chunk asks for more; "+" ends a message that is an exact multiple. */
	sasl_start(&s, SASL_PLAIN);
	memset(chunk, 'A', SASL_CHUNK_LEN);
	chunk[SASL_CHUNK_LEN] = '\0';
	assert_int_equal(sasl_feed(&s, chunk), SASL_MORE);
	assert_int_equal(sasl_feed(&s, "+"), SASL_DONE);
	assert_int_equal(sasl_decode(&s, out, sizeof out), SASL_CHUNK_LEN / 4 * 3);
	/* Over the chunk size, over the message size, not base64, aborted. */
	sasl_start(&s, SASL_PLAIN);
	chunk[SASL_CHUNK_LEN] = 'A';
	chunk[SASL_CHUNK_LEN + 1] = '\0';
	assert_int_equal(sasl_feed(&s, chunk), SASL_TOO_LONG);
	chunk[SASL_CHUNK_LEN] = '\0';
	sasl_start(&s, SASL_PLAIN);
	for (int i = 0; i < SASL_MSG_MAX / SASL_CHUNK_LEN; i++)
		assert_int_equal(sasl_feed(&s, chunk), SASL_MORE);
	assert_int_equal(sasl_feed(&s, "AAAA"), SASL_TOO_LONG);
	sasl_start(&s, SASL_PLAIN);
	assert_int_equal(sasl_feed(&s, "not base64!"), SASL_BAD);
	assert_int_equal(sasl_feed(&s, "*"), SASL_ABORTED);
	/* An empty message ("+" alone) decodes to nothing: EXTERNAL's usual answer. */
	sasl_start(&s, SASL_EXTERNAL);
	assert_int_equal(sasl_feed(&s, "+"), SASL_DONE);
	assert_int_equal(sasl_decode(&s, out, sizeof out), 0);
	/* Bad lengths and padding in the middle are refused by the decoder. */
	sasl_start(&s, SASL_PLAIN);
	assert_int_equal(sasl_feed(&s, "QUJD="), SASL_DONE);
	assert_int_equal(sasl_decode(&s, out, sizeof out), -1);
	sasl_start(&s, SASL_PLAIN);
	assert_int_equal(sasl_feed(&s, "QQ==QUJD"), SASL_DONE);
	assert_int_equal(sasl_decode(&s, out, sizeof out), -1);
	sasl_start(&s, SASL_PLAIN);
	assert_int_equal(sasl_feed(&s, "QUI="), SASL_DONE);
	assert_int_equal(sasl_decode(&s, out, sizeof out), 2);
	assert_string_equal(out, "AB");
}

static void
test_nickserv_commands(void **state)
{
	struct ns_cmd c;
	(void)state;

	assert_int_equal(ns_parse("IDENTIFY hunter2", &c), NS_OK);
	assert_int_equal(c.verb, NS_IDENTIFY);
	assert_string_equal(c.account, "");
	assert_string_equal(c.password, "hunter2");
	assert_int_equal(ns_parse("  identify   bob  pw ", &c), NS_OK);
	assert_string_equal(c.account, "bob");
	assert_string_equal(c.password, "pw");
	assert_int_equal(ns_parse("IDENTIFY", &c), NS_USAGE);
	assert_int_equal(ns_parse("IDENTIFY a b c", &c), NS_USAGE);
	assert_int_equal(ns_parse("IDENTIFY 9bad pw", &c), NS_BAD_ACCOUNT);
	assert_int_equal(ns_parse("REGISTER", &c), NS_OK);
	assert_int_equal(c.verb, NS_REGISTER);
	assert_string_equal(c.password, "");
	assert_int_equal(ns_parse("REGISTER pw me@example.org", &c), NS_OK);
	assert_string_equal(c.password, "pw");
	assert_int_equal(ns_parse("CERT ADD", &c), NS_OK);
	assert_int_equal(c.verb, NS_CERT_ADD);
	assert_string_equal(c.fp, "");
	assert_int_equal(ns_parse("cert add SHA256:AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
	                          "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89",
	                     &c),
	    NS_OK);
	assert_string_equal(c.fp, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	assert_int_equal(ns_parse("CERT DEL", &c), NS_USAGE);
	assert_int_equal(ns_parse("CERT DEL 1234", &c), NS_BAD_FP);
	assert_int_equal(ns_parse("CERT LIST", &c), NS_OK);
	assert_int_equal(c.verb, NS_CERT_LIST);
	assert_int_equal(ns_parse("CERT FROB", &c), NS_USAGE);
	assert_int_equal(ns_parse("DROP", &c), NS_USAGE);
	assert_int_equal(ns_parse("DROP bob", &c), NS_OK);
	assert_int_equal(ns_parse("INFO", &c), NS_OK);
	assert_int_equal(ns_parse("HELP", &c), NS_OK);
	assert_int_equal(ns_parse("", &c), NS_EMPTY);
	assert_int_equal(ns_parse("   ", &c), NS_EMPTY);
	assert_int_equal(ns_parse("GHOST bob", &c), NS_UNKNOWN);
	assert_int_equal(ns_parse("SET PASSWORD new", &c), NS_OK);
	assert_int_equal(c.verb, NS_SET_PASSWORD);
	assert_string_equal(c.password, "new");
	assert_int_equal(ns_parse("SET EMAIL x", &c), NS_USAGE);
	assert_int_equal(ns_parse("SET PASSWORD", &c), NS_USAGE);
	/* A password over the limit is refused as such, not cut. */
	char line[PASSWORD_MAX + 32] = "IDENTIFY ";
	memset(line + 9, 'x', PASSWORD_MAX + 1);
	line[9 + PASSWORD_MAX + 1] = '\0';
	assert_int_equal(ns_parse(line, &c), NS_TOO_LONG);
	line[9 + PASSWORD_MAX] = '\0';
	assert_int_equal(ns_parse(line, &c), NS_OK);
	assert_int_equal(strlen(c.password), PASSWORD_MAX);
	assert_non_null(ns_usage(NS_CERT_DEL));
}

static void
test_pass_split(void **state)
{
	char a[NICK_LEN + 1], p[PASSWORD_MAX + 1];
	(void)state;

	assert_true(ns_pass_split("bob:hunter2", a, sizeof a, p, sizeof p));
	assert_string_equal(a, "bob");
	assert_string_equal(p, "hunter2");
	assert_true(ns_pass_split("bob:a:b", a, sizeof a, p, sizeof p));
	assert_string_equal(p, "a:b");
	assert_false(ns_pass_split("hunter2", a, sizeof a, p, sizeof p));
	assert_false(ns_pass_split(":pw", a, sizeof a, p, sizeof p));
	assert_false(ns_pass_split("bob:", a, sizeof a, p, sizeof p));
	assert_false(ns_pass_split("#chan:pw", a, sizeof a, p, sizeof p));
}

static void
test_password_hashes(void **state)
{
	char h[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
	(void)state;

	assert_int_equal(pw_hash("correct horse", h, sizeof h), 0);
	assert_memory_equal(h, "$y$", 3);
	assert_true(pw_verify("correct horse", h));
	assert_false(pw_verify("correct horsf", h));
	assert_false(pw_verify("", h));
	/* A fresh salt each time. */
	assert_int_equal(pw_hash("correct horse", h2, sizeof h2), 0);
	assert_string_not_equal(h, h2);
	assert_false(pw_verify("x", NULL));
	assert_false(pw_verify("x", "not a hash"));
	assert_false(pw_verify("x", "$y$"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mechanisms),
		cmocka_unit_test(test_plain_message),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_nickserv_commands),
		cmocka_unit_test(test_pass_split),
		cmocka_unit_test(test_password_hashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
