/*
 * Unit tests for client/config (the INI file through libinih, /set) and the pure parts of
 * client/log (safe path components, log lines) and client/notify (when, how often, argv).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/config.h"
#include "client/log.h"
#include "client/notify.h"
#include "client/scrollback.h"

static void
test_defaults_and_full_file(void **state)
{
	struct config c;
	char err[CFG_ERR_MAX] = "";
	(void)state;
	cfg_defaults(&c);
	assert_true(c.log);
	assert_true(c.bell);
	assert_true(c.colours);
	assert_string_equal(c.time_format, "%H:%M");
	assert_int_equal(c.dcc_max_size, DCC_MAX_SIZE_DEFAULT);
	const char *text =
	    "; a comment\n"
	    "[user]\n"
	    "nick = carol\n"
	    "realname = Carol Cooper\n"
	    "[ui]\n"
	    "time_format = %H:%M:%S\n"
	    "colours = off\n"
	    "highlight = coffee, demo lunch\n"
	    "[log]\n"
	    "enabled = no\n"
	    "[notify]\n"
	    "bell = off\n"
	    "command = notify-send -a lanchat\n"
	    "[dcc]\n"
	    "dir = /srv/in\n"
	    "max_size = 10M\n"
	    "ports = 40000-40010\n"
	    "timeout = 30\n"
	    "[server lab]\n"
	    "host = 10.0.0.2:7000\n"
	    "channels = #lan #dev\n"
	    "autoconnect = yes\n"
	    "[server \"home\"]\n"
	    "channels = #home\n";
	assert_true(cfg_parse(&c, text, "cfg", err, sizeof err));
	assert_string_equal(c.nick, "carol");
	assert_string_equal(c.realname, "Carol Cooper");
	assert_string_equal(c.time_format, "%H:%M:%S");
	assert_false(c.colours);
	assert_int_equal(c.nhighlight, 3);
	assert_string_equal(c.highlight[2], "lunch");
	assert_false(c.log);
	assert_false(c.bell);
	assert_string_equal(c.notify_cmd, "notify-send -a lanchat");
	assert_int_equal(c.dcc_max_size, 10u << 20);
	assert_int_equal(c.dcc_port_min, 40000);
	assert_int_equal(c.dcc_port_max, 40010);
	assert_int_equal(c.dcc_timeout_s, 30);
	assert_int_equal(c.nservers, 2);
	const struct cfg_server *lab = cfg_server(&c, "LAB");
	assert_non_null(lab);
	assert_string_equal(lab->host, "10.0.0.2");
	assert_string_equal(lab->port, "7000");
	assert_int_equal(lab->nchannels, 2);
	assert_string_equal(lab->channels[1], "#dev");
	assert_ptr_equal(cfg_autoconnect(&c), lab);
	/* A server without host is reached by its name. */
	const struct cfg_server *home = cfg_server(&c, "home");
	assert_non_null(home);
	assert_string_equal(home->host, "home");
	assert_string_equal(home->port, "6667");
}

/* tls = yes: over TLS, on 6697 unless host names a port, whichever key comes first. */
static void
test_server_tls(void **state)
{
	struct config c;
	char err[CFG_ERR_MAX] = "";
	(void)state;
	cfg_defaults(&c);
	assert_true(cfg_parse(&c,
	    "[server a]\ntls = yes\n"
	    "[server b]\nhost = lanbox\ntls = on\n"
	    "[server c]\ntls = yes\nhost = lanbox:7000\n"
	    "[server d]\nhost = lanbox\n"
	    "[server e]\ntls = no\n",
	    "cfg", err, sizeof err));
	const struct cfg_server *a = cfg_server(&c, "a"), *b = cfg_server(&c, "b"),
	                        *cs = cfg_server(&c, "c"), *d = cfg_server(&c, "d"),
	                        *e = cfg_server(&c, "e");
	assert_true(a->tls);
	assert_string_equal(a->port, "6697");
	assert_true(b->tls);
	assert_string_equal(b->host, "lanbox");
	assert_string_equal(b->port, "6697");
	assert_true(cs->tls);
	assert_string_equal(cs->port, "7000");
	assert_false(d->tls);
	assert_string_equal(d->port, "6667");
	assert_false(e->tls);
	assert_string_equal(e->port, "6667");
	cfg_defaults(&c);
	assert_false(cfg_parse(&c, "[server a]\ntls = maybe\n", "f.ini", err, sizeof err));
	assert_string_equal(err, "f.ini:2: tls must be on or off, not maybe");
}

/* Every mistake names the file and the line, and says what is wrong. */
static void
test_errors_name_file_and_line(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "[user]\nnick = alice\ncolour = red\n", "f.ini:3: unknown key colour in [user]" },
		{ "[ui]\n\ncolours = purple\n", "f.ini:3: colours must be on or off, not purple" },
		{ "[what]\nx = 1\n", "f.ini:2: unknown section [what]" },
		{ "nick = bob\n", "f.ini:1: nick is outside any [section]" },
		{ "[user]\nnick = 9lives\n", "f.ini:2: not a valid nick: 9lives" },
		{ "[user]\nthis is not ini\n", "f.ini:2: not a [section] or a key = value line" },
		{ "[dcc]\nmax_size = lots\n", "f.ini:2: max_size lots is not a size" },
		{ "[dcc]\nports = 9-5\n", "f.ini:2: ports 9-5 is not LOW-HIGH" },
		{ "[dcc]\nports = 50000-40000\n", "f.ini:2: ports 50000-40000 is not LOW-HIGH" },
		{ "[dcc]\ntimeout = 0\n", "f.ini:2: timeout 0 is not 1 to 86400" },
		{ "[ui]\ntime_format = %H:%M %A %B %Y %Z %c %x\n", "f.ini:2: time_format" },
		{ "[server lab]\nchannels = lan\n", "f.ini:2: channels lan: not a list" },
		{ "[server lab]\nhost = a:99999\n", "f.ini:2: host a:99999 is not HOST[:PORT]" },
		{ "[server lab]\nport = 1\n", "f.ini:2: unknown key port in [server lab]" },
		{ "[ui]\nhighlight = a b c d e f g h i j k l m n o p q\n", "f.ini:2: highlight" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct config c;
		char err[CFG_ERR_MAX] = "";
		cfg_defaults(&c);
		assert_false(cfg_parse(&c, bad[i].text, "f.ini", err, sizeof err));
		if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("for %s: got \"%s\", want \"%s...\"", bad[i].text, err, bad[i].want);
	}
}

static void
test_set_and_get(void **state)
{
	struct config c;
	char err[CFG_ERR_MAX], val[CFG_PATH_MAX];
	(void)state;
	cfg_defaults(&c);
	assert_true(cfg_set(&c, "ui.highlight", "tea cake", err, sizeof err));
	assert_true(cfg_get(&c, "ui.highlight", val, sizeof val));
	assert_string_equal(val, "tea cake");
	assert_true(cfg_set(&c, "notify.bell", "off", err, sizeof err));
	assert_true(cfg_get(&c, "notify.bell", val, sizeof val));
	assert_string_equal(val, "off");
	/* A bad value changes nothing. */
	assert_false(cfg_set(&c, "notify.bell", "maybe", err, sizeof err));
	assert_false(c.bell);
	assert_false(cfg_set(&c, "dcc.ports", "1-2", err, sizeof err));
	assert_int_equal(c.dcc_port_min, 0);
	assert_false(cfg_set(&c, "ui.nonsense", "1", err, sizeof err));
	assert_non_null(strstr(err, "no setting ui.nonsense"));
	assert_false(cfg_set(&c, "server.host", "x", err, sizeof err));
	assert_false(cfg_get(&c, "ui.nonsense", val, sizeof val));
	for (size_t i = 0; cfg_keys[i] != NULL; i++)
		assert_true(cfg_get(&c, cfg_keys[i], val, sizeof val));
}

static void
test_log_pure(void **state)
{
	char buf[LOG_COMPONENT_MAX + 1];
	time_t t;
	const char *text;
	(void)state;
	log_component(buf, sizeof buf, "#Lan");
	assert_string_equal(buf, "#lan");
	log_component(buf, sizeof buf, "../../etc/passwd");
	assert_string_equal(buf, "_._.._etc_passwd");
	log_component(buf, sizeof buf, ".hidden");
	assert_string_equal(buf, "_hidden");
	log_component(buf, sizeof buf, "");
	assert_string_equal(buf, "_");
	log_component(buf, sizeof buf, "a\x1b[2Jb");
	assert_string_equal(buf, "a_[2jb");
	assert_true(log_parse_line("14:02:09 <bob> hi", 2026, 12, 1, &t, &text));
	assert_string_equal(text, "<bob> hi");
	struct tm tm;
	localtime_r(&t, &tm);
	assert_int_equal(tm.tm_hour, 14);
	assert_int_equal(tm.tm_sec, 9);
	assert_false(log_parse_line("14:02 <bob> hi", 2026, 12, 1, &t, &text));
	assert_false(log_parse_line("25:00:00 x", 2026, 12, 1, &t, &text));
	assert_false(log_parse_line("", 2026, 12, 1, &t, &text));
	assert_true(sb_contains("<Bob> Coffee time", "coffee"));
	assert_false(sb_contains("<bob> tea", "coffee"));
	assert_false(sb_contains("anything", ""));
}

static void
test_notify_pure(void **state)
{
	struct notify n;
	char store[256];
	char *argv[8];
	(void)state;
	/* Only highlights and private messages, and only unseen. */
	assert_true(notify_wanted(WIN_ACT_HIGHLIGHT, false, true));
	assert_true(notify_wanted(WIN_ACT_PRIVATE, false, true));
	assert_false(notify_wanted(WIN_ACT_HIGHLIGHT, true, true));
	assert_true(notify_wanted(WIN_ACT_HIGHLIGHT, true, false));
	assert_false(notify_wanted(WIN_ACT_MSG, false, false));
	/* A burst, then one per gap. */
	notify_init(&n, 0);
	for (int i = 0; i < NOTIFY_BURST; i++)
		assert_true(notify_allow(&n, 10));
	assert_false(notify_allow(&n, 20));
	assert_false(notify_allow(&n, NOTIFY_MIN_GAP_MS / 2));
	assert_true(notify_allow(&n, 20 + NOTIFY_MIN_GAP_MS));
	assert_false(notify_allow(&n, 30 + NOTIFY_MIN_GAP_MS));
	assert_int_equal(n.sent, NOTIFY_BURST + 1);
	/* Words of the command, then sender and text as they are: no shell ever sees them. */
	int k = notify_argv(" notify-send  -a lanchat ", "bob", "$(rm -rf ~); `x` \"q\"", store,
	    sizeof store, argv, 8);
	assert_int_equal(k, 5);
	assert_string_equal(argv[0], "notify-send");
	assert_string_equal(argv[2], "lanchat");
	assert_string_equal(argv[3], "bob");
	assert_string_equal(argv[4], "$(rm -rf ~); `x` \"q\"");
	assert_null(argv[5]);
	assert_int_equal(notify_argv("", "bob", "x", store, sizeof store, argv, 8), 0);
	assert_int_equal(notify_argv("a b c d e f", "bob", "x", store, sizeof store, argv, 8), 0);
	assert_int_equal(notify_argv("cmd", "bob", "x", store, 6, argv, 8), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_full_file),
		cmocka_unit_test(test_server_tls),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_set_and_get),
		cmocka_unit_test(test_log_pure),
		cmocka_unit_test(test_notify_pure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
