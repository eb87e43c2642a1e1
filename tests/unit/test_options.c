/*
 * options: the one table behind lanchatd's flags and config keys. Defaults, every key from a
 * file, the command line winning, errors with file and line, the example config in assets/
 * agreeing with the table, and which keys a reload keeps until a restart.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/options.h"

/* Real hashes (lanchatd --hash-password made the yescrypt ones), so the checks accept them. */
#define HASH_A "$y$j9T$v3D587HxijVlnUHuqIly5.$GjTn9h34gTUCL/ed02DgSu7JoGhva/1HwOUMGoH2O31"
#define HASH_B "$6$DhWL8s7a/Zvhfygh$3gQIidUf7ndzIo8FoxOiWCnwP8yreltjCABHns6Lg29ALhr6bB2J2oCusNrY050KITumiVEXsrvJdvoBGxeA3."
#define HASH_C "$6$3YUiNoWcdSmhjg6v$aVpxtnlfpYcueHsFDR3RxlDP6TPLhnAVsIcnDvFxnEFEXDIkKiRUZSQB6CvgLnDccASeZ1coAb4UXnHrnbP8k1"
#define HASH_D "$y$j9T$NGkckQf5pnoVa7VkYIMEY1$PvIxIztEFFZGBw3yOSqjE4mRR7Ilf9T61t2MGY8UGX0"

static int
key_index(const char *key)
{
	for (int i = 0; i < opts_count(); i++)
		if (strcmp(opts_key(i), key) == 0)
			return i;
	fail_msg("no key %s", key);
	return -1;
}

static const char *
value(const struct opts *o, const char *key)
{
	static char buf[1024];
	opts_format(o, key_index(key), buf, sizeof buf);
	return buf;
}

static int
load_text(struct opts *o, const char *text, const struct opts_args *a, struct opts_errors *e)
{
	return opts_load_text(o, "test.conf", text, strlen(text), a, e);
}

/* Parses a command line given as words (NULL-terminated). */
static enum opts_action
parse(struct opts_args *a, char *why, size_t cap, ...)
{
	char *argv[32] = { "lanchatd" };
	int argc = 1;
	va_list ap;
	va_start(ap, cap);
	for (char *w; (w = va_arg(ap, char *)) != NULL && argc < 31;)
		argv[argc++] = w;
	va_end(ap);
	return opts_parse_args(a, argc, argv, why, cap);
}

static void
test_defaults(void **state)
{
	struct opts o;
	struct opts_errors e;
	(void)state;
	assert_int_equal(opts_load(&o, NULL, NULL, &e), 0);
	assert_string_equal(value(&o, "port"), "6667");
	assert_string_equal(value(&o, "channel"), "#lan");
	assert_string_equal(value(&o, "max-clients"), "4096");
	assert_string_equal(value(&o, "max-per-host"), "32");
	assert_string_equal(value(&o, "sendq"), "131072");
	assert_string_equal(value(&o, "flood"), "10");
	assert_string_equal(value(&o, "timeout"), "120");
	assert_string_equal(value(&o, "no-beacon"), "no");
	assert_string_equal(value(&o, "bind"), "");
	assert_string_equal(value(&o, "oper"), "");
	assert_true(o.srv.beacon);
	assert_int_equal(opts_log_level(&o), 2 /* LOG_INFO */);
	opts_free(&o);
}

/* Every setting in the table can be set from a file, and reads back as written. */
static void
test_every_key(void **state)
{
	static const char *const lines[][2] = {
		{ "bind", "127.0.0.1" },
		{ "port", "7001" },
		{ "name", "cfg.test" },
		{ "channel", "#office" },
		{ "motd", "/srv/motd.txt" },
		{ "max-clients", "50" },
		{ "max-per-host", "3" },
		{ "sendq", "8192" },
		{ "flood", "5" },
		{ "timeout", "30" },
		{ "tls-port", "7003" },
		{ "no-tls", "yes" },
		{ "no-plain", "no" },
		{ "tls-cert", "/srv/cert.pem" },
		{ "tls-key", "/srv/key.pem" },
		{ "oper", "alice:" HASH_A },
		{ "no-beacon", "yes" },
		{ "beacon-port", "7002" },
		{ "beacon-addr", "127.0.0.1" },
		{ "dashboard", "yes" },
		{ "state-dir", "/srv/lanchatd" },
		{ "no-store", "yes" },
		{ "no-history", "yes" },
		{ "history-days", "9" },
		{ "history-replay", "0" },
		{ "history-private", "no" },
		{ "allow-plain-passwords", "yes" },
		{ "nick-grace", "5" },
		{ "verbose", "yes" },
		{ "quiet", "yes" },
	};
	char text[4096] = "";
	struct opts o;
	struct opts_errors e;
	int settings = 0;
	(void)state;

	for (int i = 0; i < opts_count(); i++)
		settings += opts_key_is_setting(i);
	assert_int_equal(settings, (int)(sizeof lines / sizeof lines[0]));
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof text - len, "%s = %s\n", lines[i][0], lines[i][1]);
	}
	assert_int_equal(load_text(&o, text, NULL, &e), 0);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		assert_string_equal(value(&o, lines[i][0]), lines[i][1]);
	assert_false(o.srv.beacon);
	assert_int_equal(o.srv.max_clients, 50);
	assert_int_equal(o.srv.sendq, 8192);
	assert_int_equal(o.beacon.ndest, 1);
	assert_int_equal(o.noper, 1);
	assert_true(o.dashboard);
	assert_string_equal(o.srv.state_dir, "/srv/lanchatd");
	assert_true(o.no_store);
	assert_false(o.history.history);
	assert_int_equal(o.history.days, 9);
	assert_int_equal(o.history.replay, 0);
	assert_int_equal(opts_log_level(&o), 3 /* LOG_DEBUG: verbose wins */);
	opts_free(&o);
}

static void
test_command_line_wins(void **state)
{
	struct opts_args a;
	struct opts o;
	struct opts_errors e;
	char why[256];
	(void)state;

	assert_int_equal(parse(&a, why, sizeof why, "-n", "cli.test", "--max-clients", "9",
	                     "--oper", "bob:" HASH_B, "--oper", "carol:" HASH_C, "--no-beacon", NULL),
	    OPTS_RUN);
	assert_int_equal(load_text(&o,
	                     "name = file.test\nmax-clients = 100\nchannel = fromfile\n"
	                     "oper = alice:" HASH_D "\nno-beacon = no\n",
	                     &a, &e),
	    0);
	assert_string_equal(value(&o, "name"), "cli.test");
	assert_string_equal(value(&o, "max-clients"), "9");
	assert_string_equal(value(&o, "channel"), "#fromfile"); /* the file, where no flag */
	assert_string_equal(value(&o, "oper"), "bob:" HASH_B ", carol:" HASH_C); /* replaced, not added */
	assert_string_equal(value(&o, "no-beacon"), "yes");
	opts_free(&o);
	opts_args_free(&a);
}

static void
expect_error(const char *text, const char *want)
{
	struct opts o;
	struct opts_errors e;
	int n = load_text(&o, text, NULL, &e);
	if (n < 1 || strstr(e.text[0], want) == NULL)
		fail_msg("for %s: %d errors, first '%s', wanted '%s'", text, n, n ? e.text[0] : "",
		    want);
	opts_free(&o);
}

static void
test_errors_name_file_and_line(void **state)
{
	char longline[400];
	(void)state;
	expect_error("port = 1\nprot = 2\n", "test.conf:2: unknown key 'prot'");
	expect_error("\n\nmax-clients = lots\n",
	    "test.conf:3: bad max-clients 'lots' (expected a number from 1 to 200000)");
	expect_error("max-clients = 0\n", "test.conf:1: bad max-clients '0'");
	expect_error("port = 65536\n", "test.conf:1: bad port '65536'");
	expect_error("name = a b\n", "test.conf:1: bad name 'a b'");
	expect_error("channel = #a,b\n", "test.conf:1: bad channel '#a,b'");
	expect_error("beacon-addr = ::1\n", "test.conf:1: bad beacon-addr '::1'");
	/* A password where the hash should be is not repeated into the log. */
	expect_error("oper = alice:secret\n", "test.conf:1: bad oper (HASH must be a yescrypt");
	expect_error("oper = alice\n", "test.conf:1: bad oper (expected NAME:HASH");
	expect_error("oper = a b:" HASH_A "\n", "test.conf:1: bad oper (expected NAME:HASH");
	expect_error("oper = alice:$6$salt$short\n", "test.conf:1: bad oper (HASH is not a complete SHA-512");
	expect_error("oper = alice:$y$j9T$abc\n", "test.conf:1: bad oper (HASH is not a complete yescrypt");
	{
		struct opts o;
		struct opts_errors e;
		assert_int_equal(load_text(&o, "oper = alice:secret\n", NULL, &e), 1);
		assert_null(strstr(e.text[0], "secret"));
		opts_free(&o);
	}
	expect_error(
	    "dashboard = maybe\n", "test.conf:1: bad dashboard 'maybe' (expected yes or no)");
	expect_error("# c\nport = 1\nport = 2\n", "test.conf:3: 'port' is already set on line 2");
	expect_error("[server]\nport = 1\n", "test.conf:1: sections are not used");
	expect_error("port = 1\njust words\n", "test.conf:2: expected 'key = value'");
	expect_error("config = /x\n", "test.conf:1: 'config' is given on the command line only");
	expect_error("state-dir:;0\n",
	    "test.conf:1: a value of 'state-dir' may not start with ';' (it reads as a comment)");
	expect_error("help = yes\n", "test.conf:1: 'help' is given on the command line only");
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = '\0';
	memcpy(longline, "motd = /", 8);
	expect_error(longline, "test.conf:1: line longer than");
	{
		struct opts o;
		struct opts_errors e;
		static const char nul[] = "port = 1\nname = a\0b\n";
		assert_int_equal(opts_load_text(&o, "test.conf", nul, sizeof nul - 1, NULL, &e), 1);
		assert_non_null(strstr(e.text[0], "test.conf:2: NUL byte"));
		opts_free(&o);
	}
}

/* Every error is counted, the first few kept in full; lines after an error still count. */
static void
test_many_errors(void **state)
{
	char text[2048] = "";
	struct opts o;
	struct opts_errors e;
	(void)state;
	for (int i = 0; i < 20; i++)
		strcat(text, "nope = 1\n");
	strcat(text, "flood = x\n");
	assert_int_equal(load_text(&o, text, NULL, &e), 21);
	assert_non_null(strstr(e.text[OPTS_ERRORS_KEPT - 1], "test.conf:8: unknown key"));
	opts_free(&o);
	/* Multi-line continuation is not a thing: an indented line is a key of its own. */
	assert_int_equal(load_text(&o, "motd = /a\n  port = 7\n", NULL, &e), 0);
	assert_string_equal(value(&o, "port"), "7");
	opts_free(&o);
	/* CR LF line ends, comments, blanks, inline ';' comments and "key: value". */
	assert_int_equal(
	    load_text(&o, "; c\r\n# c\r\n\r\nport = 7 ; seven\r\nflood: 3\r\n", NULL, &e), 0);
	assert_string_equal(value(&o, "port"), "7");
	assert_string_equal(value(&o, "flood"), "3");
	opts_free(&o);
}

static void
test_command_line(void **state)
{
	struct opts_args a;
	char why[256];
	(void)state;

	assert_int_equal(parse(&a, why, sizeof why, "--max-clients", "0", NULL), OPTS_BAD);
	assert_string_equal(why, "bad --max-clients '0' (expected a number from 1 to 200000)");
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "--beacon-addr", "1.2.3", NULL), OPTS_BAD);
	assert_non_null(strstr(why, "'1.2.3'"));
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "--bogus", NULL), OPTS_BAD);
	assert_string_equal(why, "unknown option '--bogus'");
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "-p", NULL), OPTS_BAD);
	assert_string_equal(why, "option '-p' needs a value");
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "stray", NULL), OPTS_BAD);
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "-V", NULL), OPTS_VERSION);
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "-q", "--help", NULL), OPTS_HELP);
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "--check-config", "/x.conf", NULL), OPTS_CHECK);
	assert_string_equal(a.config, "/x.conf");
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "--check-config=/z.conf", NULL), OPTS_CHECK);
	assert_string_equal(a.config, "/z.conf");
	opts_args_free(&a);
	assert_int_equal(
	    parse(&a, why, sizeof why, "--config", "/y.conf", "--check-config", NULL), OPTS_CHECK);
	assert_string_equal(a.config, "/y.conf");
	assert_string_equal(opts_config_path(&a, "/default.conf"), "/y.conf");
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "-p", "0", NULL), OPTS_RUN);
	/* The default file counts only when it is there. */
	assert_null(opts_config_path(&a, "/nonexistent/lanchatd.conf"));
	assert_string_equal(opts_config_path(&a, LANCHAT_SOURCE_DIR "/assets/lanchatd.conf"),
	    LANCHAT_SOURCE_DIR "/assets/lanchatd.conf");
	opts_args_free(&a);
}

/*
 * TLS settings together: port 0 frees the TLS port too unless it is given, a certificate
 * needs its key, and something must listen; on the command line these are usage errors.
 */
static void
test_tls_settings(void **state)
{
	struct opts o;
	struct opts_errors e;
	struct opts_args a;
	char why[256];
	(void)state;

	assert_int_equal(load_text(&o, "", NULL, &e), 0);
	assert_string_equal(value(&o, "tls-port"), "6697");
	assert_true(o.srv.tls && o.srv.plain);
	opts_free(&o);
	assert_int_equal(load_text(&o, "port = 0\n", NULL, &e), 0);
	assert_string_equal(value(&o, "tls-port"), "0");
	opts_free(&o);
	assert_int_equal(load_text(&o, "port = 0\ntls-port = 7005\n", NULL, &e), 0);
	assert_string_equal(value(&o, "tls-port"), "7005");
	opts_free(&o);
	assert_int_equal(parse(&a, why, sizeof why, "-p", "0", "--tls-port", "7006", NULL), OPTS_RUN);
	assert_int_equal(load_text(&o, "", &a, &e), 0);
	assert_string_equal(value(&o, "tls-port"), "7006");
	opts_free(&o);
	opts_args_free(&a);

	assert_int_equal(load_text(&o, "tls-cert = /c.pem\n", NULL, &e), 1);
	assert_string_equal(e.text[0], "test.conf: tls-cert and tls-key go together");
	opts_free(&o);
	assert_int_equal(load_text(&o, "no-tls = yes\nno-plain = yes\n", NULL, &e), 1);
	assert_string_equal(e.text[0], "test.conf: no-plain and no-tls leave nothing to listen on");
	opts_free(&o);
	assert_int_equal(parse(&a, why, sizeof why, "--no-tls", "--no-plain", NULL), OPTS_BAD);
	assert_string_equal(why, "--no-plain and --no-tls leave nothing to listen on");
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "--tls-key", "/k.pem", NULL), OPTS_BAD);
	assert_string_equal(why, "--tls-cert and --tls-key go together");
	opts_args_free(&a);
	assert_int_equal(parse(&a, why, sizeof why, "--tls-port", "70000", NULL), OPTS_BAD);
	opts_args_free(&a);
}

/* assets/lanchatd.conf shows every key with its default, and is valid with all uncommented. */
static void
test_example_config(void **state)
{
	FILE *f = fopen(LANCHAT_SOURCE_DIR "/assets/lanchatd.conf", "r");
	char line[512], uncommented[8192] = "", want[600], val[512];
	bool found[64] = { false };
	struct opts def, o;
	struct opts_errors e;
	(void)state;

	assert_non_null(f);
	assert_true(opts_count() <= 64);
	/* The state directory defaults to one under $XDG_STATE_HOME: the example shows the unit's. */
	assert_int_equal(setenv("XDG_STATE_HOME", "/var/lib", 1), 0);
	opts_init(&def);
	while (fgets(line, sizeof line, f) != NULL) {
		for (int i = 0; i < opts_count(); i++) {
			size_t n = strlen(opts_key(i));
			if (strncmp(line, "# ", 2) != 0 || strncmp(line + 2, opts_key(i), n) != 0 ||
			    strncmp(line + 2 + n, " =", 2) != 0)
				continue;
			found[i] = true;
			opts_format(&def, i, val, sizeof val);
			snprintf(
			    want, sizeof want, "# %s =%s%s\n", opts_key(i), val[0] ? " " : "", val);
			/* The name defaults to the host's; lists have no default but an example. */
			if (strcmp(opts_key(i), "name") != 0 && strcmp(opts_key(i), "oper") != 0 &&
			    strcmp(opts_key(i), "beacon-addr") != 0)
				assert_string_equal(line, want);
			strncat(
			    uncommented, line + 2, sizeof uncommented - strlen(uncommented) - 1);
		}
	}
	fclose(f);
	for (int i = 0; i < opts_count(); i++)
		if (opts_key_is_setting(i) && !found[i])
			fail_msg("assets/lanchatd.conf does not show '%s'", opts_key(i));
	if (load_text(&o, uncommented, NULL, &e) != 0)
		fail_msg("the example, uncommented: %s", e.text[0]);
	opts_free(&o);
	opts_free(&def);
}

/* A reload keeps what cannot change while running and lists what did change. */
static void
test_settle(void **state)
{
	struct opts cur, next;
	struct opts_errors e;
	char restart[256], changed[256];
	(void)state;

	assert_int_equal(
	    load_text(&cur, "port = 7000\nbind = 127.0.0.1\nflood = 5\n", NULL, &e), 0);
	assert_int_equal(load_text(&next,
	                     "port = 7001\nbind = 127.0.0.2\nflood = 6\nmax-clients = 7\n"
	                     "beacon-addr = 127.0.0.1\n",
	                     NULL, &e),
	    0);
	assert_int_equal(
	    opts_settle(&next, &cur, restart, sizeof restart, changed, sizeof changed), 3);
	assert_string_equal(restart, "bind, port, beacon-addr");
	assert_string_equal(changed, "max-clients, flood");
	assert_string_equal(value(&next, "port"), "7000");
	assert_string_equal(value(&next, "bind"), "127.0.0.1");
	assert_string_equal(value(&next, "beacon-addr"), "");
	assert_string_equal(value(&next, "flood"), "6");
	/* What moved into cur is freed with it. */
	assert_string_equal(value(&cur, "bind"), "127.0.0.2");
	opts_free(&cur);
	opts_free(&next);
}

/* The store's settings: where it is and whether it is used need a restart; retention does not. */
static void
test_settle_store(void **state)
{
	struct opts cur, next;
	struct opts_errors e;
	char restart[256], changed[256];
	(void)state;

	assert_int_equal(load_text(&cur, "state-dir = /srv/a\nhistory-days = 7\n", NULL, &e), 0);
	assert_int_equal(cur.history.days, 7);
	assert_true(cur.history.history);
	assert_false(cur.no_store);
	assert_int_equal(load_text(&next,
	                     "state-dir = /srv/b\nno-store = yes\nno-history = yes\n"
	                     "history-days = 0\nhistory-replay = 5\n",
	                     NULL, &e),
	    0);
	assert_true(next.no_store);
	assert_false(next.history.history);
	assert_int_equal(
	    opts_settle(&next, &cur, restart, sizeof restart, changed, sizeof changed), 3);
	assert_string_equal(restart, "state-dir, no-store, no-history");
	assert_string_equal(changed, "history-days, history-replay");
	assert_string_equal(next.srv.state_dir, "/srv/a");
	assert_false(next.no_store);
	assert_true(next.history.history);
	assert_int_equal(next.history.days, 0);
	assert_int_equal(next.history.replay, 5);
	/* An empty state directory is refused, in a file as on the command line. */
	assert_int_equal(load_text(&next, "state-dir =\n", NULL, &e), 1);
	assert_non_null(strstr(e.text[0], "test.conf:1: bad state-dir"));
	opts_free(&cur);
	opts_free(&next);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_command_line_wins),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_tls_settings),
		cmocka_unit_test(test_example_config),
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_settle_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
