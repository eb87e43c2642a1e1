/*
 * History against the real lanchatd and its store: msgid tags, replay on JOIN in each form
 * (batch with server-time, notices with the time in the text, plain text), CHATHISTORY and
 * its errors, topics and history across a restart, retention, --no-store, a damaged
 * database at start-up, and kill -9 during a flood: every line a reader got is stored, once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"

enum { FLOOD_LINES = 3000, FLOOD_KILL_AT = 400, PAGE = 100 };

static char statedir[256];

/* A fresh state directory for the test (removed by the teardown). */
static int
setup(void **state)
{
	(void)state;
	snprintf(statedir, sizeof statedir, "%s/lanchat-hist-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(statedir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[300];
	int rc = th_teardown(state);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", statedir);
	return system(cmd) == 0 ? rc : -1;
}

static struct th_server *
start(const char *a1, const char *a2)
{
	return th_server_start("--state-dir", statedir, a1, a2, NULL);
}

/* Registers nick after asking for caps (a space-separated list, all of which must be acked). */
static struct th_client *
cap_user(struct th_server *srv, const char *nick, const char *caps)
{
	struct th_client *c = th_connect(srv);
	char pat[256];

	th_sendf(c, "CAP LS 302");
	th_sendf(c, "CAP REQ :%s", caps);
	snprintf(pat, sizeof pat, "re:CAP \\* ACK :%s ?$", th_re_quote(caps));
	th_expect(c, pat, TH_TIMEOUT);
	th_sendf(c, "CAP END");
	th_register(c, nick);
	return c;
}

#define FULL_CAPS "server-time message-tags batch draft/chathistory"

/* The value of tag name in a line ("" when absent), copied into out. */
static void
tag(const char *line, const char *name, char *out, size_t cap)
{
	char key[64];
	out[0] = '\0';
	if (line[0] != '@')
		return;
	snprintf(key, sizeof key, "%s=", name);
	const char *end = strchr(line, ' ');
	for (const char *p = line + 1; p != NULL && p < end;) {
		if (strncmp(p, key, strlen(key)) == 0) {
			p += strlen(key);
			size_t n = strcspn(p, "; ");
			snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
			return;
		}
		p = strchr(p, ';');
		if (p != NULL)
			p++;
	}
}

/* Every relayed message carries one msgid, the same for every recipient, and the time. */
static void
test_msgid_tags(void **state)
{
	struct th_server *srv = start(NULL, NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = cap_user(srv, "bob", "server-time message-tags");
	struct th_client *c = cap_user(srv, "carol", "message-tags");
	char id1[64], id2[64], t[64];
	const char *l;

	(void)state;
	th_join(a, "#tags");
	th_join(b, "#tags");
	th_join(c, "#tags");
	th_sendf(a, "PRIVMSG #tags :tagged line");
	l = th_expect(b, "re:^@[^ ]* :alice![^ ]* PRIVMSG #tags :tagged line$", TH_TIMEOUT);
	tag(l, "msgid", id1, sizeof id1);
	tag(l, "time", t, sizeof t);
	l = th_expect(c, "re:^@[^ ]* :alice![^ ]* PRIVMSG #tags :tagged line$", TH_TIMEOUT);
	tag(l, "msgid", id2, sizeof id2);
	assert_int_equal(strlen(id1), 16);
	assert_string_equal(id1, id2);
	assert_true(strlen(t) == 24 && t[23] == 'Z');
	/* carol asked for no server-time: no time tag. */
	tag(l, "time", t, sizeof t);
	assert_string_equal(t, "");
	/* The next message gets a greater id. */
	th_sendf(a, "PRIVMSG #tags :second");
	l = th_expect(b, "PRIVMSG #tags :second", TH_TIMEOUT);
	tag(l, "msgid", id2, sizeof id2);
	assert_true(strcmp(id2, id1) > 0);
	/* Without tags, a line is as before. */
	th_join(a, "#tags2");
	struct th_client *d = th_user(srv, "dave");
	th_join(d, "#tags2");
	th_sendf(a, "PRIVMSG #tags2 :untagged");
	th_expect(d, "re:^:alice!~alice@127\\.0\\.0\\.1 PRIVMSG #tags2 :untagged$", TH_TIMEOUT);
}

/* The three forms of replay on JOIN, each with the lines in order and their times. */
static void
test_replay_on_join(void **state)
{
	struct th_server *srv = start("--history-replay", "2");
	struct th_client *a = th_user(srv, "alice");
	const char *l;
	char ref[32], b1[32];

	(void)state;
	th_join(a, "#lan");
	th_sendf(a, "PRIVMSG #lan :first");
	th_sendf(a, "PRIVMSG #lan :second");
	th_sendf(a, "NOTICE #lan :third");
	th_sync(a);

	/* No tags: notices from the server, the time in the text, under a heading. */
	struct th_client *b = th_user(srv, "bob");
	th_sendf(b, "JOIN #lan");
	th_expect(b, " 366 bob #lan ", TH_TIMEOUT);
	th_expect(b, "re:^:irc\\.test NOTICE #lan :Said in #lan before you joined:$", TH_TIMEOUT);
	th_expect(
	    b, "re:^:irc\\.test NOTICE #lan :\\[[0-9]{2}:[0-9]{2}\\] <alice> second$", TH_TIMEOUT);
	th_expect(b, "re:^:irc\\.test NOTICE #lan :\\[[0-9]{2}:[0-9]{2}\\] -alice:#lan- third$",
	    TH_TIMEOUT);
	th_sync_without(b, "first");

	/* server-time and batch: the original lines in a chathistory batch. */
	struct th_client *c = cap_user(srv, "carol", "server-time batch message-tags");
	th_sendf(c, "JOIN #lan");
	l = th_expect(c, "re:^:irc\\.test BATCH \\+[^ ]+ chathistory #lan$", TH_TIMEOUT);
	sscanf(l, ":irc.test BATCH +%31s", ref);
	l = th_expect(
	    c, "re:^@[^ ]* :alice!~alice@127\\.0\\.0\\.1 PRIVMSG #lan :second$", TH_TIMEOUT);
	tag(l, "batch", b1, sizeof b1);
	assert_string_equal(b1, ref);
	tag(l, "time", b1, sizeof b1);
	assert_int_equal(strlen(b1), 24);
	th_expect(c, "re:^@[^ ]* :alice!~alice@127\\.0\\.0\\.1 NOTICE #lan :third$", TH_TIMEOUT);
	char end[64];
	snprintf(end, sizeof end, ":irc.test BATCH -%s", ref);
	th_expect(c, end, TH_TIMEOUT);

	/* A chathistory client asks for itself: no replay. */
	struct th_client *d = cap_user(srv, "dave", FULL_CAPS);
	th_join(d, "#lan");
	th_sync_without(d, "second");

	/* A plain user (who lands in #lan) reads them in its own format. */
	struct th_client *p = th_connect(srv);
	th_sendf(p, "hello, I am plain");
	th_expect(p, "Said in #lan before you joined:", TH_TIMEOUT);
	th_expect(p, "re:^\\[[0-9]{2}:[0-9]{2}\\] <alice> second$", TH_TIMEOUT);
	th_expect(p, "re:^\\[[0-9]{2}:[0-9]{2}\\] -alice:#lan- third$", TH_TIMEOUT);
}

struct page {
	int n;
	char ids[PAGE * 2][24];
	char texts[PAGE * 2][64];
};

/* Sends a CHATHISTORY request and collects its batch (which must come). */
static void
history(struct th_client *c, struct page *pg, const char *fmt, ...)
{
	char cmd[512], ref[32] = "", end[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	th_sendf(c, "CHATHISTORY %s", cmd);
	const char *l = th_expect(c, "re:BATCH \\+[^ ]+ chathistory|FAIL CHATHISTORY", TH_TIMEOUT);
	if (strstr(l, "FAIL") != NULL)
		th_fail("CHATHISTORY %s: %s", cmd, l);
	sscanf(strstr(l, "BATCH +") + 7, "%31s", ref);
	snprintf(end, sizeof end, ":irc.test BATCH -%s", ref);
	pg->n = 0;
	while ((l = th_read_line(c, TH_TIMEOUT)) != NULL && strcmp(l, end) != 0) {
		char b[32];
		tag(l, "batch", b, sizeof b);
		if (strcmp(b, ref) != 0)
			th_fail("a line outside the batch: %s", l);
		if (pg->n == PAGE * 2)
			th_fail("too many lines for one request");
		tag(l, "msgid", pg->ids[pg->n], sizeof pg->ids[0]);
		const char *text = strstr(l, " :");
		text = text != NULL ? strstr(text + 2, " :") : NULL;
		snprintf(pg->texts[pg->n], sizeof pg->texts[0], "%s", text ? text + 2 : l);
		pg->n++;
	}
	if (l == NULL)
		th_fail("CHATHISTORY %s: no end of batch", cmd);
}

static void
expect_texts(const struct page *pg, int first, int last)
{
	if (pg->n != last - first + 1)
		th_fail("got %d lines, want %d..%d", pg->n, first, last);
	for (int i = 0; i < pg->n; i++) {
		char want[32];
		snprintf(want, sizeof want, "m%d", first + i);
		if (strcmp(pg->texts[i], want) != 0)
			th_fail("line %d is \"%s\", want \"%s\"", i, pg->texts[i], want);
	}
}

static void
test_chathistory(void **state)
{
	struct th_server *srv = start(NULL, NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *c = cap_user(srv, "carol", FULL_CAPS);
	struct page pg, all;
	const char *l;

	(void)state;
	/* ISUPPORT announces the limit and the reference types. */
	th_sendf(c, "VERSION");
	th_join(a, "#h");
	th_join(c, "#h");
	for (int i = 0; i < 30; i++)
		th_sendf(a, "PRIVMSG #h :m%d", i);
	th_expect(c, "PRIVMSG #h :m29", TH_TIMEOUT);

	history(c, &all, "LATEST #h * 100");
	expect_texts(&all, 0, 29);
	history(c, &pg, "LATEST #h * 5");
	expect_texts(&pg, 25, 29);
	history(c, &pg, "LATEST #h msgid=%s 100", all.ids[26]);
	expect_texts(&pg, 27, 29);
	history(c, &pg, "BEFORE #h msgid=%s 3", all.ids[10]);
	expect_texts(&pg, 7, 9);
	history(c, &pg, "AFTER #h msgid=%s 3", all.ids[10]);
	expect_texts(&pg, 11, 13);
	history(c, &pg, "AROUND #h msgid=%s 4", all.ids[10]);
	expect_texts(&pg, 8, 11);
	history(c, &pg, "BETWEEN #h msgid=%s msgid=%s 100", all.ids[3], all.ids[8]);
	expect_texts(&pg, 4, 7);
	/* Backwards: counted from the first reference, still returned oldest first. */
	history(c, &pg, "BETWEEN #h msgid=%s msgid=%s 2", all.ids[8], all.ids[3]);
	expect_texts(&pg, 6, 7);
	history(c, &pg, "AFTER #h timestamp=1970-01-01T00:00:00.000Z 2");
	expect_texts(&pg, 0, 1);
	history(c, &pg, "BEFORE #h timestamp=2999-01-01T00:00:00.000Z 1");
	expect_texts(&pg, 29, 29);

	/* Events only for draft/event-playback. */
	struct th_client *e = cap_user(srv, "eve", FULL_CAPS " draft/event-playback");
	th_join(e, "#h");
	th_sendf(e, "CHATHISTORY LATEST #h * 2");
	th_expect(e, "re:^@[^ ]* :alice!~alice@127\\.0\\.0\\.1 PRIVMSG #h :m29$", TH_TIMEOUT);
	th_expect(e, "re:^@[^ ]* :eve!~eve@127\\.0\\.0\\.1 JOIN #h$", TH_TIMEOUT);
	th_sendf(e, "CHATHISTORY BEFORE #h msgid=%s 5", all.ids[0]);
	th_expect(e, "re:^@[^ ]* :alice!~alice@127\\.0\\.0\\.1 JOIN #h$", TH_TIMEOUT);
	th_expect(e, "re:^@[^ ]* :carol!~carol@127\\.0\\.0\\.1 JOIN #h$", TH_TIMEOUT);
	th_expect(e, "re:BATCH -", TH_TIMEOUT);
	th_sync(e);

	/* TARGETS: the channels with lines in the window. */
	th_join(c, "#quiet");
	th_sendf(c,
	    "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
	    "timestamp=2999-01-01T00:00:00.000Z 10");
	th_expect(c, "re:BATCH \\+[^ ]+ draft/chathistory-targets", TH_TIMEOUT);
	th_expect(
	    c, "re:^@batch=[^ ]+ :irc\\.test CHATHISTORY TARGETS #h [0-9T:.-]+Z$", TH_TIMEOUT);
	th_expect(c, "re:BATCH -", TH_TIMEOUT);

	/* Errors as FAIL lines. */
	th_sendf(c, "CHATHISTORY");
	th_expect(c, "FAIL CHATHISTORY NEED_MORE_PARAMS * :", TH_TIMEOUT);
	th_sendf(c, "CHATHISTORY LATEST #h *");
	th_expect(c, "FAIL CHATHISTORY NEED_MORE_PARAMS LATEST :", TH_TIMEOUT);
	th_sendf(c, "CHATHISTORY EVERYTHING #h * 5");
	th_expect(c, "FAIL CHATHISTORY UNKNOWN_COMMAND EVERYTHING :", TH_TIMEOUT);
	th_sendf(c, "CHATHISTORY BEFORE #h timestamp=yesterday 5");
	th_expect(c, "FAIL CHATHISTORY INVALID_PARAMS BEFORE timestamp=yesterday :", TH_TIMEOUT);
	th_sendf(c, "CHATHISTORY BEFORE #h msgid=ffffffffffffffff 5");
	th_expect(c, "FAIL CHATHISTORY INVALID_PARAMS BEFORE", TH_TIMEOUT);
	/* A channel one is not in is no different from one that does not exist. */
	th_join(a, "#secret");
	th_sendf(a, "PRIVMSG #secret :hidden");
	th_sync(a);
	th_sendf(c, "CHATHISTORY LATEST #secret * 5");
	l = th_expect(c, "FAIL CHATHISTORY INVALID_TARGET LATEST #secret :", TH_TIMEOUT);
	(void)l;
	th_sendf(c, "CHATHISTORY LATEST #nowhere * 5");
	th_expect(c, "FAIL CHATHISTORY INVALID_TARGET LATEST #nowhere :", TH_TIMEOUT);
	/* Private messages are not kept: a nick has an empty history, whoever it is. */
	history(c, &pg, "LATEST alice * 5");
	assert_int_equal(pg.n, 0);
	history(c, &pg, "LATEST nobody * 5");
	assert_int_equal(pg.n, 0);
	th_sync_without(c, "hidden");
}

static void
test_isupport_and_caps(void **state)
{
	struct th_server *srv = start(NULL, NULL);
	struct th_client *c = th_connect(srv);

	(void)state;
	th_sendf(c, "CAP LS 302");
	const char *l = th_expect(c, "re:CAP \\* LS :", TH_TIMEOUT);
	assert_non_null(strstr(l, "draft/chathistory"));
	assert_non_null(strstr(l, "draft/event-playback"));
	assert_non_null(strstr(l, "message-tags"));
	assert_non_null(strstr(l, "batch"));
	th_sendf(c, "CAP END");
	th_sendf(c, "NICK isup");
	th_sendf(c, "USER isup 0 * :I");
	th_expect(c, "re: 005 isup .*CHATHISTORY=100", TH_TIMEOUT);
}

/*
 * --no-store: no database, no history offered, CHATHISTORY says so. With --no-tls as well
 * nothing at all is written (the TLS key would otherwise live in the state directory).
 */
static void
test_no_store(void **state)
{
	char dir[300];
	struct stat sb;

	(void)state;
	snprintf(dir, sizeof dir, "%s/never", statedir);
	struct th_server *srv = th_server_start("--state-dir", dir, "--no-store", "--no-tls", NULL);
	struct th_client *c = th_connect(srv);
	th_sendf(c, "CAP LS 302");
	const char *l = th_expect(c, "re:CAP \\* LS :", TH_TIMEOUT);
	assert_null(strstr(l, "chathistory"));
	th_sendf(c, "CAP END");
	th_register(c, "nostore");
	th_join(c, "#x");
	th_sendf(c, "CHATHISTORY LATEST #x * 5");
	th_expect(c, "FAIL CHATHISTORY MESSAGE_ERROR LATEST #x :", TH_TIMEOUT);
	assert_int_equal(stat(dir, &sb), -1);
}

/* Topics and history outlive a restart; msgids go on growing. */
static void
test_restart(void **state)
{
	struct th_server *srv = start(NULL, NULL);
	struct th_client *a = th_user(srv, "alice");
	struct page pg;
	char last[24];

	(void)state;
	th_join(a, "#keep");
	th_sendf(a, "TOPIC #keep :Friday demo at 4pm");
	th_expect(a, "TOPIC #keep :Friday demo at 4pm", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG #keep :m0");
	th_sendf(a, "PRIVMSG #keep :m1");
	th_sync(a);
	assert_int_equal(th_server_stop(srv, TH_START_TIMEOUT), 0);

	srv = start(NULL, NULL);
	struct th_client *c = cap_user(srv, "carol", FULL_CAPS);
	th_sendf(c, "JOIN #keep");
	th_expect(c, "re: 332 carol #keep :Friday demo at 4pm$", TH_TIMEOUT);
	th_expect(c, "re: 333 carol #keep alice", TH_TIMEOUT);
	th_expect(c, " 366 carol #keep ", TH_TIMEOUT);
	history(c, &pg, "LATEST #keep * 10");
	expect_texts(&pg, 0, 1);
	snprintf(last, sizeof last, "%s", pg.ids[1]);
	th_sendf(c, "PRIVMSG #keep :m2");
	th_sync(c);
	history(c, &pg, "LATEST #keep * 10");
	expect_texts(&pg, 0, 2);
	assert_true(strcmp(pg.ids[2], last) > 0);
}

/*
 * MODE and KICK are kept like the other events (event-playback gives them back), and a
 * channel's flags, limit, key and b/e/I lists come back after a restart.
 */
static void
test_modes_and_kicks_kept(void **state)
{
	struct th_server *srv = start(NULL, NULL);
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	struct th_client *e, *c;

	(void)state;
	th_join(a, "#mk");
	th_join(b, "#mk");
	th_sendf(a, "MODE #mk +msl-t 5");
	th_expect(b, "re: MODE #mk \\+msl-t 5$", TH_TIMEOUT);
	th_sendf(a, "MODE #mk +k sesame");
	th_expect(b, "re: MODE #mk \\+k sesame$", TH_TIMEOUT);
	th_sendf(a, "KICK #mk bob :bye now");
	th_expect(b, "re: KICK #mk bob :bye now$", TH_TIMEOUT);
	e = cap_user(srv, "eve", FULL_CAPS " draft/event-playback");
	th_sendf(e, "JOIN #mk sesame");
	th_expect(e, " 366 eve #mk ", TH_TIMEOUT);
	th_sendf(e, "CHATHISTORY LATEST #mk * 10");
	th_expect(e, "re:^@[^ ]*msgid=[^ ]* :alice!~alice@127\\.0\\.0\\.1 MODE #mk \\+msl-t 5$",
	    TH_TIMEOUT);
	th_expect(e, "re:^@[^ ]* :alice!~alice@127\\.0\\.0\\.1 MODE #mk \\+k sesame$", TH_TIMEOUT);
	th_expect(e, "re:^@[^ ]* :alice!~alice@127\\.0\\.0\\.1 KICK #mk bob :bye now$", TH_TIMEOUT);
	th_expect(e, "re:BATCH -", TH_TIMEOUT);
	th_sendf(a, "MODE #mk +beI mallory!*@* carol!*@* dave!*@*");
	th_expect(e, "re: MODE #mk \\+beI mallory!\\*@\\* carol!\\*@\\* dave!\\*@\\*$", TH_TIMEOUT);
	th_sync(a);
	assert_int_equal(th_server_stop(srv, TH_START_TIMEOUT), 0);

	/* The channel is empty: its bans and key hold for whoever would bring it back. */
	srv = start(NULL, NULL);
	struct th_client *m = th_user(srv, "mallory");
	th_sendf(m, "JOIN #mk sesame");
	th_expect(m, " 474 mallory #mk ", TH_TIMEOUT);
	c = th_user(srv, "carol");
	th_sendf(c, "JOIN #mk");
	th_expect(c, " 475 carol #mk ", TH_TIMEOUT); /* the key came back */
	th_sendf(c, "JOIN #mk sesame");
	th_expect(c, " 366 carol #mk ", TH_TIMEOUT);
	th_sendf(c, "MODE #mk");
	th_expect(c, "re:^:irc\\.test 324 carol #mk \\+mnskl sesame 5$", TH_TIMEOUT);
	th_sendf(c, "MODE #mk b");
	th_expect(c, "re:^:irc\\.test 367 carol #mk mallory!\\*@\\* alice [0-9]+$", TH_TIMEOUT);
	th_expect(c, " 368 carol #mk ", TH_TIMEOUT);
	th_sendf(c, "MODE #mk e");
	th_expect(c, "re:^:irc\\.test 348 carol #mk carol!\\*@\\* alice [0-9]+$", TH_TIMEOUT);
	th_sendf(c, "MODE #mk I");
	th_expect(c, "re:^:irc\\.test 346 carol #mk dave!\\*@\\* alice [0-9]+$", TH_TIMEOUT);
	th_sendf(m, "JOIN #mk sesame");
	th_expect(m, " 474 mallory #mk ", TH_TIMEOUT);
}

/* A damaged or unwritable database stops the start with a message naming the file. */
static void
test_bad_database(void **state)
{
	char path[300], *out = NULL;
	int fd;

	(void)state;
	snprintf(path, sizeof path, "%s/lanchatd.db", statedir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(write(fd, "garbage, not SQLite\n", 20), 20);
	close(fd);
	int st = th_run(&out, TH_START_TIMEOUT, "-b", TH_HOST, "-p", "0", "--no-beacon",
	    "--state-dir", statedir, NULL);
	assert_int_not_equal(st, 0);
	if (strstr(out, path) == NULL || strstr(out, "not a database") == NULL)
		th_fail("want an error naming %s, got:\n%s", path, out);
	free(out);
}

/* One server per database: a second one given the same state directory refuses to start. */
static void
test_second_server_refused(void **state)
{
	char *out = NULL;

	(void)state;
	start(NULL, NULL);
	int st = th_run(&out, TH_START_TIMEOUT, "-b", TH_HOST, "-p", "0", "--no-beacon",
	    "--state-dir", statedir, NULL);
	assert_int_equal(st, 1);
	if (strstr(out, statedir) == NULL || strstr(out, "locked") == NULL ||
	    strstr(out, "listening on") != NULL)
		th_fail("want a refusal naming the database, got:\n%s", out);
	free(out);
}

/* Old lines are pruned in the background (--history-days), without stalling anyone. */
static void
test_retention(void **state)
{
	struct th_server *srv = start(NULL, NULL);
	struct th_client *a = th_user(srv, "alice");
	char path[300];
	struct page pg;

	(void)state;
	th_join(a, "#ret");
	th_sendf(a, "PRIVMSG #ret :m0");
	th_sendf(a, "PRIVMSG #ret :m1");
	th_sync(a);
	assert_int_equal(th_server_stop(srv, TH_START_TIMEOUT), 0);
	/* Make m0 forty days old. */
	snprintf(path, sizeof path, "%s/lanchatd.db", statedir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "UPDATE history SET time = time - 40 * 86400000 WHERE text = 'm0'",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);

	srv = start("--history-days", "30");
	struct th_client *c = cap_user(srv, "carol", FULL_CAPS);
	th_join(c, "#ret");
	long long deadline = th_now_ms() + TH_TIMEOUT;
	for (;;) {
		history(c, &pg, "LATEST #ret * 10");
		if (pg.n == 1 || th_now_ms() > deadline)
			break;
		/* The prune step runs once a second: ask again after the server's next tick. */
		struct timespec ts = { 0, 100 * 1000000 };
		nanosleep(&ts, NULL);
	}
	expect_texts(&pg, 1, 1);
}

/*
 * kill -9 while alice floods: whatever bob received was committed first, so after a restart
 * every line bob saw is in the history, and no line is there twice.
 */
static void
test_kill9_flood(void **state)
{
	struct th_server *srv = start("--flood", "0");
	struct th_client *a = th_user(srv, "alice");
	struct th_client *b = th_user(srv, "bob");
	static bool got[FLOOD_LINES], stored[FLOOD_LINES];
	int received = 0;
	char *burst = malloc((size_t)FLOOD_LINES * 32), *p = burst;
	const char *l;

	(void)state;
	memset(got, 0, sizeof got);
	memset(stored, 0, sizeof stored);
	th_join(a, "#flood");
	th_join(b, "#flood");
	th_expect(a, "JOIN #flood", TH_TIMEOUT);
	for (int i = 0; i < FLOOD_LINES; i++)
		p += sprintf(p, "PRIVMSG #flood :f%d\r\n", i);
	/* As much as the socket takes now; the rest follows while bob reads. */
	size_t len = (size_t)(p - burst), off = 0;
	while (received < FLOOD_KILL_AT) {
		if (off < len) {
			ssize_t n = th_try_send(a, burst + off, len - off);
			if (n > 0)
				off += (size_t)n;
		}
		l = th_read_line(b, TH_TIMEOUT);
		if (l == NULL)
			th_fail("bob stopped receiving after %d lines", received);
		int i;
		if (sscanf(l, ":alice!~alice@127.0.0.1 PRIVMSG #flood :f%d", &i) == 1) {
			got[i] = true;
			received++;
		}
	}
	assert_int_equal(th_server_signal(srv, SIGKILL, TH_START_TIMEOUT), 128 + SIGKILL);
	/* What was in flight to bob is his too. */
	while ((l = th_read_line(b, TH_TIMEOUT)) != NULL) {
		int i;
		if (sscanf(l, ":alice!~alice@127.0.0.1 PRIVMSG #flood :f%d", &i) == 1) {
			got[i] = true;
			received++;
		}
	}
	free(burst);

	srv = start(NULL, NULL);
	struct th_client *c = cap_user(srv, "carol", FULL_CAPS);
	struct page pg;
	char after[80] = "timestamp=1970-01-01T00:00:00.000Z";
	int total = 0;
	th_join(c, "#flood");
	do {
		history(c, &pg, "AFTER #flood %s %d", after, PAGE);
		for (int k = 0; k < pg.n; k++) {
			int i;
			if (sscanf(pg.texts[k], "f%d", &i) != 1 || i < 0 || i >= FLOOD_LINES)
				th_fail("unexpected line in the history: %s", pg.texts[k]);
			if (stored[i])
				th_fail("f%d is stored twice", i);
			stored[i] = true;
			total++;
		}
		if (pg.n > 0)
			snprintf(after, sizeof after, "msgid=%s", pg.ids[pg.n - 1]);
	} while (pg.n == PAGE);
	for (int i = 0; i < FLOOD_LINES; i++)
		if (got[i] && !stored[i])
			th_fail("bob received f%d but the history lost it (%d received, %d stored)",
			    i, received, total);
	assert_true(total >= received);
	print_message("kill -9: %d lines received, %d stored\n", received, total);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_msgid_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_on_join, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chathistory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isupport_and_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes_and_kicks_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_server_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_flood, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
