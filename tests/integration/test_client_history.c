/*
 * The client's history against the real lanchatd: the session module (client/session,
 * client/backlog) driven over a loopback socket, as lanchat drives it, with other users as
 * raw IRC connections. A first join fills the window with the latest lines; a catch-up after
 * the server restarts (same state directory) brings every line said meanwhile, over several
 * pages, once, under one marker; PgUp pages reach the start of the history with every line
 * once and in order; a server with no store is asked for nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/session.h"
#include "harness.h"

enum { WAIT_MS = 10000, WIN_LINES = 2000 };

/* One lanchat session and its socket. */
struct cli {
	struct session s;
	struct win_list wins;
	struct scrollback welcome, wire;
	struct th_client *c;
};

static char statedir[256];

static int
setup(void **state)
{
	(void)state;
	snprintf(statedir, sizeof statedir, "%s/lanchat-chist-XXXXXX",
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

static void
cli_init(struct cli *k, const char *nick, const char *chan)
{
	memset(k, 0, sizeof *k);
	win_init(&k->wins, WIN_LINES);
	sb_init(&k->welcome, 200);
	sb_init(&k->wire, 200);
	sess_init(&k->s, nick, chan, &k->wins, &k->welcome, &k->wire, 1);
}

static void
cli_free(struct cli *k)
{
	sess_free(&k->s);
	win_free(&k->wins);
	sb_free(&k->welcome);
	sb_free(&k->wire);
}

/* Sends what the session queued. */
static void
flush(struct cli *k)
{
	size_t n = ob_pending(&k->s.out);
	if (n > 0) {
		th_send(k->c, ob_data(&k->s.out), n);
		ob_consume(&k->s.out, n, 0);
	}
}

/* Feeds server lines to the session until done(k) holds; fails after WAIT_MS. */
static void
pump(struct cli *k, bool (*done)(struct cli *, const void *), const void *arg, const char *what)
{
	long long end = th_now_ms() + WAIT_MS;
	char line[TH_LINE_MAX + 1];

	flush(k);
	while (!done(k, arg)) {
		int left = (int)(end - th_now_ms());
		const char *l = left > 0 ? th_read_line(k->c, left) : NULL;
		if (l == NULL) {
			/* What crossed last, as the wire view has it. */
			for (size_t i = k->wire.len > 30 ? k->wire.len - 30 : 0; i < k->wire.len; i++)
				fprintf(stderr, "  %s\n", sb_get(&k->wire, i)->text);
			th_fail("no %s within %d ms", what, WAIT_MS);
		}
		snprintf(line, sizeof line, "%s", l);
		sess_feed(&k->s, line, th_now_ms(), time(NULL));
		flush(k);
	}
}

/* A new connection for the session, registered. */
static void
cli_connect(struct cli *k, struct th_server *srv)
{
	k->c = th_connect(srv);
	sess_connecting(&k->s, th_now_ms());
	sess_connected(&k->s, th_now_ms());
}

static struct win *
win_of(struct cli *k, const char *name)
{
	return win_get(&k->wins, win_find(&k->wins, name));
}

/* The window exists and has no history request in flight. */
static bool
settled(struct cli *k, const void *arg)
{
	struct win *w = win_of(k, arg);
	return k->s.state == SESS_CONNECTED && w != NULL && w->hist.been &&
	    w->hist.req == WIN_REQ_NONE;
}

/* How many lines of w read exactly body after the stamp. */
static int
count(const struct win *w, const char *body)
{
	int n = 0;
	for (size_t i = 0; i < w->sb.len; i++) {
		const struct sb_line *l = sb_get(&w->sb, i);
		n += strcmp(l->text + l->stamp_len, body) == 0;
	}
	return n;
}

/* The index of the line reading body, or -1. */
static long
find(const struct win *w, const char *body)
{
	for (size_t i = 0; i < w->sb.len; i++) {
		const struct sb_line *l = sb_get(&w->sb, i);
		if (strcmp(l->text + l->stamp_len, body) == 0)
			return (long)i;
	}
	return -1;
}

/* The index of the first line whose body starts with head, or -1. */
static long
find_start(const struct win *w, const char *head)
{
	for (size_t i = 0; i < w->sb.len; i++) {
		const struct sb_line *l = sb_get(&w->sb, i);
		if (strncmp(l->text + l->stamp_len, head, strlen(head)) == 0)
			return (long)i;
	}
	return -1;
}

/* A raw user who joins chan and says "PREFIX N" for N in from..to, all handled. */
static void
talk(
    struct th_server *srv, const char *nick, const char *chan, const char *prefix, int from, int to)
{
	struct th_client *u = th_user(srv, nick);
	th_join(u, chan);
	for (int i = from; i <= to; i++)
		th_sendf(u, "PRIVMSG %s :%s %d", chan, prefix, i);
	th_sync(u);
	/* Gone before anyone else comes: its leaving is stored before their joins. */
	th_sendf(u, "QUIT :done");
	th_expect_closed(u, TH_TIMEOUT);
}

/* Lines "<nick> PREFIX from..to" are each in w once, in this order. */
static void
expect_run(const struct win *w, const char *nick, const char *prefix, int from, int to)
{
	char body[128];
	long last = -1;
	for (int i = from; i <= to; i++) {
		snprintf(body, sizeof body, "<%s> %s %d", nick, prefix, i);
		if (count(w, body) != 1)
			th_fail("'%s' shown %d times", body, count(w, body));
		long at = find(w, body);
		if (at <= last)
			th_fail("'%s' out of order", body);
		last = at;
	}
}

static void
test_join_fills_latest(void **state)
{
	(void)state;
	struct th_server *srv = th_server_start("--state-dir", statedir, "--flood", "0", NULL);
	struct cli a;
	char body[64];

	talk(srv, "bob", "#fill", "line", 1, 80);
	cli_init(&a, "alice", "#fill");
	cli_connect(&a, srv);
	pump(&a, settled, "#fill", "filled #fill");
	struct win *w = win_of(&a, "#fill");
	/* The latest CLIENT_HISTORY_JOIN lines: bob's last messages, his leaving, our join. */
	expect_run(w, "bob", "line", 80 - CLIENT_HISTORY_JOIN + 3, 80);
	snprintf(body, sizeof body, "<bob> line %d", 80 - CLIENT_HISTORY_JOIN + 2);
	assert_int_equal(count(w, body), 0);
	long q = find(w, "-- bob quit (Quit: done)");
	long j = find(w, "-- You joined #fill");
	assert_true(q > find(w, "<bob> line 80") && j > q);
	const struct sb_line *l = sb_get(&w->sb, (size_t)find(w, "<bob> line 80"));
	assert_true(l->flags & SB_HISTORY);
	assert_true(l->time <= time(NULL) && l->time > time(NULL) - 60);
	/* Nothing new to see there: no activity mark. */
	assert_true(w->act == WIN_ACT_NONE || a.wins.cur == win_find(&a.wins, "#fill"));
	cli_free(&a);
}

/* #back has settled with a line reading arg. */
static bool
back_has(struct cli *k, const void *arg)
{
	return settled(k, "#back") && find(win_of(k, "#back"), arg) >= 0;
}

static void
test_catch_up_after_restart(void **state)
{
	(void)state;
	struct th_server *srv = th_server_start("--state-dir", statedir, "--flood", "0", NULL);
	struct cli a;

	cli_init(&a, "alice", "#back");
	cli_connect(&a, srv);
	pump(&a, settled, "#back", "joined #back");
	talk(srv, "bob", "#back", "before", 1, 3);
	pump(&a, back_has, "<bob> before 3", "bob's lines");

	/* The server restarts with its store; alice is not back before carol has talked. */
	assert_int_equal(th_server_stop(srv, TH_START_TIMEOUT), 0);
	sess_lost(&a.s, "server gone", th_now_ms());
	th_close(a.c);
	srv = th_server_start("--state-dir", statedir, "--flood", "0", NULL);
	talk(srv, "carol", "#back", "away", 1, CLIENT_HISTORY_PAGE + 20);
	cli_connect(&a, srv);
	char marker[64];
	snprintf(marker, sizeof marker, "-- %d messages while you were away --",
	    CLIENT_HISTORY_PAGE + 20);
	pump(&a, back_has, marker, "the catch-up's marker");

	struct win *w = win_of(&a, "#back");
	expect_run(w, "bob", "before", 1, 3);
	expect_run(w, "carol", "away", 1, CLIENT_HISTORY_PAGE + 20);
	/*
	 * One marker, right above the first line missed: bob's leaving, which came after the
	 * last line alice read and before she noticed the loss.
	 */
	long m = find(w, marker);
	assert_int_equal(count(w, marker), 1);
	assert_int_equal(find(w, "-- bob quit (Quit: done)"), m + 1);
	assert_true(sb_get(&w->sb, (size_t)m + 1)->flags & SB_HISTORY);
	assert_true(find(w, "<bob> before 3") < m);
	assert_true(find_start(w, "!!! Connection lost: server gone;") > m);
	assert_true(find(w, "-- carol joined #back") < find(w, "<carol> away 1"));
	/* The join of this connection comes after all of it. */
	assert_int_equal(count(w, "-- You joined #back"), 2);
	char last[64];
	snprintf(last, sizeof last, "<carol> away %d", CLIENT_HISTORY_PAGE + 20);
	long j = -1;
	for (size_t i = 0; i < w->sb.len; i++)
		if (strcmp(sb_get(&w->sb, i)->text + sb_get(&w->sb, i)->stamp_len,
		        "-- You joined #back") == 0)
			j = (long)i;
	assert_true(j > find(w, last));
	cli_free(&a);
}

static bool
at_start(struct cli *k, const void *arg)
{
	struct win *w = win_of(k, arg);
	return settled(k, arg) && w->hist.at_start;
}

static void
test_pgup_to_start(void **state)
{
	(void)state;
	struct th_server *srv = th_server_start("--state-dir", statedir, "--flood", "0", NULL);
	struct cli a;
	enum { LINES = 260 };

	talk(srv, "bob", "#deep", "old", 1, LINES);
	cli_init(&a, "alice", "#deep");
	cli_connect(&a, srv);
	pump(&a, settled, "#deep", "filled #deep");
	int pages = 0;
	while (!win_of(&a, "#deep")->hist.at_start) {
		assert_true(sess_hist_more(&a.s, win_find(&a.wins, "#deep")));
		pump(&a, settled, "#deep", "an older page");
		assert_true(++pages <= LINES / CLIENT_HISTORY_PAGE + 2);
	}
	pump(&a, at_start, "#deep", "the start");
	struct win *w = win_of(&a, "#deep");
	expect_run(w, "bob", "old", 1, LINES);
	assert_int_equal(find(w, "-- the server has nothing older --"), 0);
	assert_int_equal(find(w, "-- bob joined #deep"), 1);
	assert_false(sess_hist_more(&a.s, win_find(&a.wins, "#deep")));
	cli_free(&a);
}

/* Registers account nick with password pw through NickServ, then leaves. */
static void
register_account(struct th_server *srv, const char *nick, const char *pw)
{
	struct th_client *c = th_user(srv, nick);
	th_sendf(c, "PRIVMSG NickServ :REGISTER %s", pw);
	th_expect(c, "re: 900 .*:You are now logged in as ", TH_TIMEOUT);
	th_sendf(c, "QUIT");
	th_expect_closed(c, TH_TIMEOUT);
}

/* The conversation with alice shows arg. */
static bool
alice_says(struct cli *k, const void *arg)
{
	struct win *w = win_of(k, "alice");
	return w != NULL && find(w, arg) >= 0;
}

static void
test_kept_messages_shown_once(void **state)
{
	(void)state;
	struct th_server *srv = th_server_start("--state-dir", statedir, NULL);
	struct cli b;

	register_account(srv, "alice", "pw-a");
	register_account(srv, "bob", "pw-b");
	struct th_client *a = th_user(srv, "alice");
	th_sendf(a, "PRIVMSG NickServ :IDENTIFY pw-a");
	th_expect(a, "re: 900 ", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG bob :kept for you");
	th_expect(a, "is not here; your message is kept", TH_TIMEOUT);

	/* bob comes, logs in, and gets it in alice's window, marked, once. */
	cli_init(&b, "bob", "#kept");
	cli_connect(&b, srv);
	pump(&b, settled, "#kept", "joined #kept");
	/* The client has given the registered nick up already: the account is named. */
	sess_send(&b.s, "PRIVMSG NickServ :IDENTIFY bob pw-b");
	pump(&b, alice_says, "*alice* kept for you", "the kept message");
	struct win *w = win_of(&b, "alice");
	assert_int_equal(count(w, "*alice* kept for you"), 1);
	assert_true(sb_get(&w->sb, (size_t)find(w, "*alice* kept for you"))->flags & SB_HISTORY);
	assert_true(w->act == WIN_ACT_PRIVATE || b.wins.cur == win_find(&b.wins, "alice"));
	/* Said now, it comes live, and once. */
	th_sendf(a, "PRIVMSG %s :and now live", b.s.nick);
	pump(&b, alice_says, "*alice* and now live", "the live message");
	assert_int_equal(count(w, "*alice* kept for you"), 1);
	th_close(a);
	cli_free(&b);
}

static bool
said(struct cli *k, const void *arg)
{
	struct win *w = win_of(k, "#lan");
	return w != NULL && find(w, arg) >= 0;
}

static void
test_no_store_no_requests(void **state)
{
	(void)state;
	struct th_server *srv = th_server_start("--no-store", NULL);
	struct cli a;

	cli_init(&a, "alice", "#lan");
	cli_connect(&a, srv);
	talk(srv, "bob", "#lan", "early", 1, 1);
	pump(&a, said, "-!- #lan: 1 user: alice", "the join");
	assert_false(sess_hist_on(&a.s));
	assert_true(a.s.caps & SESS_CAP_SERVER_TIME);
	struct th_client *b = th_user(srv, "bob");
	th_join(b, "#lan");
	th_sendf(b, "PRIVMSG #lan :now");
	pump(&a, said, "<bob> now", "bob's line");
	struct win *w = win_of(&a, "#lan");
	assert_int_equal(count(w, "<bob> now"), 1);
	assert_int_equal(count(w, "<bob> early 1"), 0);
	assert_false(sess_hist_more(&a.s, win_find(&a.wins, "#lan")));
	for (size_t i = 0; i < a.wire.len; i++)
		assert_null(strstr(sb_get(&a.wire, i)->text, "CHATHISTORY"));
	cli_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_join_fills_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up_after_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pgup_to_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_messages_shown_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_store_no_requests, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
