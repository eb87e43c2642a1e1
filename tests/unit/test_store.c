/*
 * Tests of server/store against a real SQLite file in a fresh temporary directory: schema,
 * history reads in every direction, retention, channels, accounts, offline messages, the
 * start-up errors, and durability (a writer killed with SIGKILL loses no committed row).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/util.h"
#include "server/checkpoint.h"
#include "server/history.h"
#include "server/store.h"
#include "server/store_int.h" /* the checkpoint thread, to hold it as a lagging one would be */

enum { PATH_MAX_LEN = 256 };

struct fixture {
	char dir[PATH_MAX_LEN];
	char path[PATH_MAX_LEN + 16];
	struct store *st;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[STORE_ERR_LEN];

	snprintf(f->dir, sizeof f->dir, "%s/lanchat-store-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/lanchatd.db", f->dir);
	f->st = store_open(f->path, err, sizeof err);
	if (f->st == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[PATH_MAX_LEN + 32];

	store_close(f->st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Closes and opens again, as a restart does. */
static void
reopen(struct fixture *f)
{
	char err[STORE_ERR_LEN];
	store_close(f->st);
	f->st = store_open(f->path, err, sizeof err);
	if (f->st == NULL)
		fail_msg("reopen: %s", err);
}

/* One SQL answer from the file itself, with the store closed. */
static void
sql_text(const char *path, const char *sql, char *out, size_t cap)
{
	sqlite3 *db;
	sqlite3_stmt *q;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static struct hist_idgen idgen;

/* Stores one PRIVMSG "TARGET N" in target at ms; returns its msgid in id (if not NULL). */
static void
add_msg(struct store *st, const char *target, int64_t ms, int n, char *id)
{
	char msgid[MSGID_LEN + 1], text[64];
	hist_msgid_next(&idgen, ms, msgid);
	snprintf(text, sizeof text, "%s %d", target, n);
	struct store_msg m = { .msgid = msgid,
		.ms = ms,
		.target = target,
		.kind = "PRIVMSG",
		.sender = "alice!~alice@127.0.0.1",
		.account = n % 2 ? "alice" : NULL,
		.text = text };
	assert_int_equal(store_history_add(st, &m), 0);
	if (id != NULL)
		memcpy(id, msgid, sizeof msgid);
}

struct seen {
	int n;
	int nums[CHATHISTORY_MAX * 2];
	int64_t ms[CHATHISTORY_MAX * 2];
};

static void
collect(const struct store_msg *m, void *arg)
{
	struct seen *s = arg;
	const char *sp = strrchr(m->text, ' ');
	assert_non_null(sp);
	assert_string_equal(m->kind, "PRIVMSG");
	assert_true(hist_msgid_valid(m->msgid));
	s->nums[s->n] = atoi(sp + 1);
	s->ms[s->n] = m->ms;
	s->n++;
}

/* Expects lines numbered first..last (inclusive), in that order. */
static void
expect_run(const struct seen *s, int first, int last)
{
	assert_int_equal(s->n, last - first + 1);
	for (int i = 0; i < s->n; i++)
		assert_int_equal(s->nums[i], first + i);
}

static void
test_schema_created(void **state)
{
	struct fixture *f = *state;
	char v[64];

	store_close(f->st);
	f->st = NULL;
	sql_text(f->path, "PRAGMA user_version", v, sizeof v);
	assert_string_equal(v, "2");
	sql_text(f->path, "PRAGMA journal_mode", v, sizeof v);
	assert_string_equal(v, "wal");
	sql_text(f->path,
	    "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = "
	    "'table' ORDER BY name)",
	    v, sizeof v);
	assert_string_equal(v, "account_certs accounts channel_masks channels history offline");
	/* It holds password hashes: for the server's user only, even under a lax umask. */
	struct stat sb;
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(chmod(f->path, 0644), 0);
	mode_t old = umask(0);
	reopen(f);
	umask(old);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

/* A version 1 file (before keys and lists were kept) is brought up to date, its rows kept. */
static void
test_schema_upgrade(void **state)
{
	struct fixture *f = *state;
	struct store_channel ch = {
		.fold = "#old", .name = "#Old", .modes = "+nt", .created_ms = 7
	};
	sqlite3 *db;
	char v[64];

	assert_int_equal(store_channel_put(f->st, &ch), 0);
	assert_int_equal(store_pass_end(f->st), 0);
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                     "ALTER TABLE channels DROP COLUMN key; DROP TABLE channel_masks;"
	                     " PRAGMA user_version = 1",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	reopen(f);
	store_close(f->st);
	f->st = NULL;
	sql_text(f->path, "PRAGMA user_version", v, sizeof v);
	assert_string_equal(v, "2");
	reopen(f);
	assert_int_equal(store_channel_get(f->st, "#old", &ch), 1);
	assert_string_equal(ch.name, "#Old");
	assert_null(ch.key);
	struct store_mask b = { 'b', "x!*@*", "op", 1 };
	assert_int_equal(store_channel_masks_set(f->st, "#old", 'b', &b, 1), 0);
}

/*
 * 3 lines share each millisecond in #a (30 lines), interleaved with #b: every read direction
 * by time and by msgid, across the milliseconds' edges.
 */
static void
test_history_ranges(void **state)
{
	struct fixture *f = *state;
	char ids[30][MSGID_LEN + 1];
	struct store_pos p;
	struct seen s;

	hist_idgen_seed(&idgen, NULL);
	for (int i = 0; i < 30; i++) {
		add_msg(f->st, "#a", 1000 + i / 3, i, ids[i]);
		add_msg(f->st, "#b", 1000 + i / 3, 100 + i, NULL);
	}
	/* Readable inside the pass that wrote them, and after the commit. */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_history_range(f->st, "#a", STORE_POS_FIRST, STORE_POS_LAST, 5,
	                     STORE_NEWEST, collect, &s),
	    5);
	expect_run(&s, 25, 29);
	assert_int_equal(store_pass_end(f->st), 0);

	/* LATEST *: the newest, oldest first. AFTER-like: the oldest. */
	memset(&s, 0, sizeof s);
	store_history_range(f->st, "#a", STORE_POS_FIRST, STORE_POS_LAST, 4, 0, collect, &s);
	expect_run(&s, 0, 3);

	/* BEFORE timestamp 1004: lines of ms < 1004, i.e. 0..11; the newest 5 of them. */
	memset(&s, 0, sizeof s);
	store_history_range(f->st, "#a", STORE_POS_FIRST,
	    (struct store_pos){ 1004, STORE_POS_BEFORE }, 5, STORE_NEWEST, collect, &s);
	expect_run(&s, 7, 11);
	/* AFTER timestamp 1004: ms > 1004, i.e. from 15. */
	memset(&s, 0, sizeof s);
	store_history_range(f->st, "#a", (struct store_pos){ 1004, STORE_POS_AFTER },
	    STORE_POS_LAST, 3, 0, collect, &s);
	expect_run(&s, 15, 17);

	/* By msgid: exact positions, in the middle of a millisecond. */
	assert_int_equal(store_msgid_pos(f->st, "#a", ids[13], hist_msgid_time(ids[13]), &p), 0);
	assert_int_equal(p.ms, 1004);
	memset(&s, 0, sizeof s);
	store_history_range(f->st, "#a", STORE_POS_FIRST, p, 3, STORE_NEWEST, collect, &s);
	expect_run(&s, 10, 12);
	memset(&s, 0, sizeof s);
	store_history_range(f->st, "#a", p, STORE_POS_LAST, 3, 0, collect, &s);
	expect_run(&s, 14, 16);
	/* Between two msgids, excluding both. */
	struct store_pos q;
	assert_int_equal(store_msgid_pos(f->st, "#a", ids[20], hist_msgid_time(ids[20]), &q), 0);
	memset(&s, 0, sizeof s);
	store_history_range(f->st, "#a", p, q, 100, 0, collect, &s);
	expect_run(&s, 14, 19);

	/* A msgid of another target, or none at all, is not found there. */
	assert_int_equal(store_msgid_pos(f->st, "#b", ids[13], hist_msgid_time(ids[13]), &p), 1);
	assert_int_equal(store_msgid_pos(f->st, "#a", "ffffffffffffffff",
	                     hist_msgid_time("ffffffffffffffff"), &p),
	    1);
	/* Nothing in an unknown target. */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_history_range(f->st, "#none", STORE_POS_FIRST, STORE_POS_LAST, 10,
	                     true, collect, &s),
	    0);

	/* TARGETS: the newest time strictly inside a window. */
	assert_int_equal(store_history_last(f->st, "#a", 0, 5000), 1009);
	assert_int_equal(store_history_last(f->st, "#a", 0, 1005), 1004);
	assert_int_equal(store_history_last(f->st, "#a", 1009, 5000), 0);

	char max[MSGID_LEN + 1];
	assert_int_equal(store_history_last_msgid(f->st, max), 1);
	assert_true(strcmp(max, ids[29]) > 0); /* #b's last line was stored after #a's */
	assert_int_equal(hist_msgid_time(max), 1009);

	/* Everything survives a reopen; the file passes SQLite's own check. */
	reopen(f);
	memset(&s, 0, sizeof s);
	store_history_range(f->st, "#b", STORE_POS_FIRST, STORE_POS_LAST, 100, 0, collect, &s);
	expect_run(&s, 100, 129);
	char ok[32];
	store_close(f->st);
	f->st = NULL;
	sql_text(f->path, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	reopen(f);
}

static int log_lines;

static void
count_log(enum log_level level, const char *text)
{
	(void)text;
	if (level == LOG_ERROR)
		log_lines++;
}

/* One event in two channels (a QUIT) keeps its msgid in each; a line is found by its time. */
static void
test_msgid_lookup(void **state)
{
	struct fixture *f = *state;
	char msgid[MSGID_LEN + 1];
	struct store_pos p;

	hist_idgen_seed(&idgen, NULL);
	hist_msgid_next(&idgen, 5000, msgid);
	struct store_msg m = {
		.msgid = msgid, .ms = 5000, .target = "#a", .kind = "QUIT", .sender = "a!~a@h"
	};
	assert_int_equal(store_history_add(f->st, &m), 0);
	m.target = "#b";
	assert_int_equal(store_history_add(f->st, &m), 0);
	assert_int_equal(store_pass_end(f->st), 0);
	assert_int_equal(store_stats(f->st)->commits, 1);
	assert_int_equal(hist_msgid_time(msgid), 5000);
	assert_int_equal(store_msgid_pos(f->st, "#a", msgid, 5000, &p), 0);
	assert_int_equal(p.ms, 5000);
	assert_int_equal(store_msgid_pos(f->st, "#b", msgid, 5000, &p), 0);
	assert_int_equal(store_msgid_pos(f->st, "#a", msgid, 5001, &p), 1);
	char last[MSGID_LEN + 1];
	assert_int_equal(store_history_last_msgid(f->st, last), 1);
	assert_string_equal(last, msgid);
}

/* A store failing on every write logs its first error, then one in a while. */
static void
test_errors_logged_rarely(void **state)
{
	struct fixture *f = *state;
	struct store_msg m = {
		.msgid = "0000000000001000", .ms = 1, .target = "#a", .sender = "a"
	};

	/* No kind: the NOT NULL constraint refuses it. */
	assert_int_equal(store_history_add(f->st, &m), -1);
	assert_int_equal(store_stats(f->st)->errors, 1);
	log_lines = 0;
	log_set_sink(count_log);
	for (int i = 0; i < 50; i++)
		assert_int_equal(store_history_add(f->st, &m), -1);
	log_set_sink(NULL);
	assert_int_equal(store_stats(f->st)->errors, 51);
	assert_int_equal(log_lines, 0); /* the first was logged before the sink was set */
}

static void
count_kind(const struct store_msg *m, void *arg)
{
	int *n = arg;
	n[strcmp(m->kind, "PRIVMSG") == 0 ? 0 : 1]++;
}

/* Clients without event-playback get messages only, and the limit counts only those. */
static void
test_messages_only(void **state)
{
	struct fixture *f = *state;
	char msgid[MSGID_LEN + 1];

	hist_idgen_seed(&idgen, NULL);
	for (int i = 0; i < 10; i++) {
		add_msg(f->st, "#a", 100 + 2 * i, i, NULL);
		hist_msgid_next(&idgen, 101 + 2 * i, msgid);
		struct store_msg j = { .msgid = msgid,
			.ms = 101 + 2 * i,
			.target = "#a",
			.kind = "JOIN",
			.sender = "bob!~bob@h" };
		assert_int_equal(store_history_add(f->st, &j), 0);
	}
	int n[2] = { 0, 0 };
	assert_int_equal(store_history_range(f->st, "#a", STORE_POS_FIRST, STORE_POS_LAST, 6,
	                     STORE_NEWEST | STORE_MESSAGES, count_kind, n),
	    6);
	assert_int_equal(n[0], 6);
	assert_int_equal(n[1], 0);
	n[0] = n[1] = 0;
	assert_int_equal(store_history_range(f->st, "#a", STORE_POS_FIRST, STORE_POS_LAST, 6,
	                     STORE_NEWEST, count_kind, n),
	    6);
	assert_int_equal(n[0], 3);
	assert_int_equal(n[1], 3);
	n[0] = n[1] = 0;
	assert_int_equal(store_history_range(f->st, "#a", STORE_POS_FIRST, STORE_POS_LAST, 100,
	                     STORE_MESSAGES, count_kind, n),
	    10);
}

static int64_t
count_rows(struct fixture *f, const char *target)
{
	struct seen s;
	int64_t total = 0;
	struct store_pos lo = STORE_POS_FIRST;
	/* Page through with the store's own reads, CHATHISTORY_MAX at a time. */
	for (;;) {
		memset(&s, 0, sizeof s);
		int n = store_history_range(
		    f->st, target, lo, STORE_POS_LAST, CHATHISTORY_MAX, 0, collect, &s);
		assert_true(n >= 0);
		total += n;
		if (n < CHATHISTORY_MAX)
			return total;
		lo = (struct store_pos){ s.ms[n - 1], STORE_POS_AFTER };
	}
}

static void
test_prune_age_and_cap(void **state)
{
	struct fixture *f = *state;
	int steps = 0, n;

	hist_idgen_seed(&idgen, NULL);
	/* #old: 1000 lines at ms 0..999; #big: 1000 lines at 10000.. (distinct ms each). */
	for (int i = 0; i < 1000; i++)
		add_msg(f->st, "#old", i, i, NULL);
	for (int i = 0; i < 1000; i++)
		add_msg(f->st, "#big", 10000 + i, i, NULL);
	add_msg(f->st, "#small", 20000, 0, NULL);
	store_pass_end(f->st);

	/* Age: everything before ms 500 goes, in steps of at most STORE_PRUNE_ROWS. */
	do {
		n = store_prune_step(f->st, 500, 0);
		assert_true(n >= 0 && n <= STORE_PRUNE_ROWS);
		store_pass_end(f->st);
	} while (n > 0 && ++steps < 100);
	assert_int_equal(count_rows(f, "#old"), 500);
	assert_int_equal(count_rows(f, "#big"), 1000);

	/* Cap: at most 300 lines per target, the newest kept. */
	steps = 0;
	int quiet = 0;
	while (quiet < 4 && ++steps < 100) {
		n = store_prune_step(f->st, 500, 300);
		assert_true(n >= 0 && n <= STORE_PRUNE_ROWS);
		quiet = n == 0 ? quiet + 1 : 0;
		store_pass_end(f->st);
	}
	assert_int_equal(count_rows(f, "#old"), 300);
	assert_int_equal(count_rows(f, "#big"), 300);
	assert_int_equal(count_rows(f, "#small"), 1);
	struct seen s = { 0 };
	store_history_range(f->st, "#big", STORE_POS_FIRST, STORE_POS_LAST, 1, 0, collect, &s);
	assert_int_equal(s.nums[0], 700);
	assert_int_equal(store_stats(f->st)->rows_pruned, 500 + 200 + 700);
}

struct chans {
	int n;
	char names[4][64];
};

static void
collect_chan(const struct store_channel *ch, void *arg)
{
	struct chans *c = arg;
	snprintf(c->names[c->n++], 64, "%s=%s", ch->fold, ch->name);
}

static void
test_channels(void **state)
{
	struct fixture *f = *state;
	struct store_channel ch = { .fold = "#lan",
		.name = "#LAN",
		.topic = "Friday demo at 4pm",
		.setter = "bob!~bob@127.0.0.1",
		.topic_ms = 1234,
		.modes = "+ntk",
		.key = "sesame",
		.created_ms = 1000 },
	                     got;

	assert_int_equal(store_channel_put(f->st, &ch), 0);
	ch = (struct store_channel){ .fold = "#dev", .name = "#dev", .created_ms = 5 };
	assert_int_equal(store_channel_put(f->st, &ch), 0);
	store_pass_end(f->st);
	reopen(f);

	assert_int_equal(store_channel_get(f->st, "#lan", &got), 1);
	assert_string_equal(got.name, "#LAN");
	assert_string_equal(got.topic, "Friday demo at 4pm");
	assert_string_equal(got.setter, "bob!~bob@127.0.0.1");
	assert_int_equal(got.topic_ms, 1234);
	assert_string_equal(got.modes, "+ntk");
	assert_string_equal(got.key, "sesame");
	assert_int_equal(got.created_ms, 1000);
	assert_int_equal(store_channel_get(f->st, "#dev", &got), 1);
	assert_null(got.topic);
	assert_null(got.key);
	assert_string_equal(got.modes, "");
	assert_int_equal(store_channel_get(f->st, "#none", &got), 0);

	struct chans c = { 0 };
	assert_int_equal(store_channels_each(f->st, collect_chan, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.names[0], "#dev=#dev");
	assert_string_equal(c.names[1], "#lan=#LAN");

	/* A new topic replaces the row; deleting removes it. */
	ch = (struct store_channel){
		.fold = "#lan", .name = "#lan", .topic = "later", .created_ms = 1
	};
	store_channel_put(f->st, &ch);
	assert_int_equal(store_channel_get(f->st, "#lan", &got), 1);
	assert_string_equal(got.topic, "later");
	assert_int_equal(store_channel_del(f->st, "#dev"), 0);
	assert_int_equal(store_channel_get(f->st, "#dev", &got), 0);
}

struct masks_seen {
	int n;
	char v[8][96];
};

static void
collect_mask(const struct store_mask *m, void *arg)
{
	struct masks_seen *s = arg;
	if (s->n < 8)
		snprintf(s->v[s->n], sizeof s->v[0], "%c %s %s %lld", m->list, m->mask, m->setter,
		    (long long)m->at_ms);
	s->n++;
}

/* Each list keeps its order over a restart; setting one list leaves the others alone. */
static void
test_channel_masks(void **state)
{
	struct fixture *f = *state;
	struct store_mask bans[] = { { 'b', "spam*!*@*", "alice", 3000 },
		{ 'b', "*!*@10.0.0.9", "bob", 2000 } };
	struct store_mask ex[] = { { 'e', "carol!*@*", "alice", 4000 } };
	struct masks_seen s = { 0 };

	assert_int_equal(store_channel_masks_set(f->st, "#lan", 'b', bans, 2), 0);
	assert_int_equal(store_channel_masks_set(f->st, "#lan", 'e', ex, 1), 0);
	assert_int_equal(store_channel_masks_set(f->st, "#dev", 'I', ex, 1), 0);
	assert_int_equal(store_pass_end(f->st), 0);
	reopen(f);
	assert_int_equal(store_channel_masks_each(f->st, "#lan", collect_mask, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0], "b spam*!*@* alice 3000");
	assert_string_equal(s.v[1], "b *!*@10.0.0.9 bob 2000");
	assert_string_equal(s.v[2], "e carol!*@* alice 4000");

	/* An emptied list is gone; the other list and the other channel stay. */
	assert_int_equal(store_channel_masks_set(f->st, "#lan", 'b', NULL, 0), 0);
	memset(&s, 0, sizeof s);
	store_channel_masks_each(f->st, "#lan", collect_mask, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0], "e carol!*@* alice 4000");
	/* Forgetting a channel takes its lists with it. */
	assert_int_equal(store_channel_del(f->st, "#lan"), 0);
	memset(&s, 0, sizeof s);
	store_channel_masks_each(f->st, "#lan", collect_mask, &s);
	assert_int_equal(s.n, 0);
	store_channel_masks_each(f->st, "#dev", collect_mask, &s);
	assert_int_equal(s.n, 1);
}

static void
collect_str(const char *s, void *arg)
{
	struct chans *c = arg;
	snprintf(c->names[c->n++ % 4], 64, "%s", s);
}

static void
test_accounts_and_certs(void **state)
{
	struct fixture *f = *state;
	struct store_account a;
	char owner[64], fp[65];

	assert_int_equal(store_account_add(f->st, "alice", "$y$j9T$salt$hash", 100), 0);
	assert_int_equal(store_account_add(f->st, "alice", "$y$other", 200), 1);
	assert_int_equal(store_account_add(f->st, "bob", NULL, 300), 0);
	store_pass_end(f->st);
	reopen(f);

	assert_int_equal(store_account_get(f->st, "alice", &a), 1);
	assert_string_equal(a.name, "alice");
	assert_string_equal(a.hash, "$y$j9T$salt$hash");
	assert_int_equal(a.created_ms, 100);
	assert_int_equal(a.seen_ms, 100);
	assert_int_equal(store_account_get(f->st, "bob", &a), 1);
	assert_null(a.hash);
	assert_int_equal(store_account_get(f->st, "carol", &a), 0);

	assert_int_equal(store_account_seen(f->st, "alice", 900), 0);
	assert_int_equal(store_account_set_hash(f->st, "bob", "$y$new"), 0);
	assert_int_equal(store_account_get(f->st, "alice", &a), 1);
	assert_int_equal(a.seen_ms, 900);
	assert_int_equal(store_account_get(f->st, "bob", &a), 1);
	assert_string_equal(a.hash, "$y$new");

	/* Several fingerprints per account, up to ACCOUNT_CERTS_MAX; each has one owner. */
	for (int i = 0; i < ACCOUNT_CERTS_MAX; i++) {
		snprintf(fp, sizeof fp, "%064x", i);
		assert_int_equal(store_cert_add(f->st, "alice", fp, i), 0);
	}
	snprintf(fp, sizeof fp, "%064x", 99);
	assert_int_equal(store_cert_add(f->st, "alice", fp, 99), 2);
	assert_int_equal(store_cert_add(f->st, "bob", fp, 99), 0);
	snprintf(fp, sizeof fp, "%064x", 1);
	assert_int_equal(store_cert_add(f->st, "bob", fp, 1), 1);
	assert_int_equal(store_cert_owner(f->st, fp, owner, sizeof owner), 1);
	assert_string_equal(owner, "alice");
	struct chans c = { 0 };
	store_cert_each(f->st, "alice", collect_str, &c);
	assert_int_equal(c.n, ACCOUNT_CERTS_MAX);
	assert_int_equal(store_cert_del(f->st, "bob", fp), 1); /* not bob's */
	assert_int_equal(store_cert_del(f->st, "alice", fp), 0);
	assert_int_equal(store_cert_owner(f->st, fp, owner, sizeof owner), 0);

	/* Dropping an account takes its certificates along. */
	snprintf(fp, sizeof fp, "%064x", 2);
	assert_int_equal(store_account_del(f->st, "alice"), 0);
	assert_int_equal(store_account_get(f->st, "alice", &a), 0);
	assert_int_equal(store_cert_owner(f->st, fp, owner, sizeof owner), 0);
	store_pass_end(f->st);
}

static void
collect_offline(const struct store_msg *m, void *arg)
{
	struct seen *s = arg;
	assert_string_equal(m->target, "bob");
	assert_string_equal(m->sender, "alice!~alice@127.0.0.1");
	s->nums[s->n % (CHATHISTORY_MAX * 2)] = atoi(m->text);
	s->ms[s->n % (CHATHISTORY_MAX * 2)] = m->ms;
	s->n++;
}

static void
test_offline_bounded(void **state)
{
	struct fixture *f = *state;
	char msgid[MSGID_LEN + 1], text[16];
	struct seen s = { 0 };

	hist_idgen_seed(&idgen, NULL);
	for (int i = 0; i <= OFFLINE_PER_RECIPIENT; i++) {
		hist_msgid_next(&idgen, 5000 + i, msgid);
		snprintf(text, sizeof text, "%d", i);
		struct store_msg m = { .msgid = msgid,
			.ms = 5000 + i,
			.kind = "PRIVMSG",
			.sender = "alice!~alice@127.0.0.1",
			.account = "alice",
			.text = text };
		/* The box holds OFFLINE_PER_RECIPIENT; the next is refused, not stored. */
		assert_int_equal(
		    store_offline_add(f->st, "bob", &m), i < OFFLINE_PER_RECIPIENT ? 0 : 1);
	}
	store_pass_end(f->st);
	reopen(f);
	assert_int_equal(
	    store_offline_each(f->st, "bob", collect_offline, &s), OFFLINE_PER_RECIPIENT);
	assert_int_equal(s.nums[0], 0);
	assert_int_equal(s.ms[0], 5000);
	assert_int_equal(
	    s.nums[(OFFLINE_PER_RECIPIENT - 1) % (CHATHISTORY_MAX * 2)], OFFLINE_PER_RECIPIENT - 1);
	assert_int_equal(store_offline_each(f->st, "carol", collect_offline, &s), 0);
	assert_int_equal(store_offline_clear(f->st, "bob"), 0);
	store_pass_end(f->st);
	assert_int_equal(store_offline_each(f->st, "bob", collect_offline, &s), 0);
}

/* Every start-up failure names the file and says what is wrong. */
static void
test_open_errors(void **state)
{
	struct fixture *f = *state;
	char err[STORE_ERR_LEN], path[PATH_MAX_LEN + 48];
	int fd;

	/* A second server on the same file. */
	assert_null(store_open(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "locked"));

	/* Not a database. */
	snprintf(path, sizeof path, "%s/garbage.db", f->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(write(fd, "this is not an SQLite file, just text\n", 38), 38);
	close(fd);
	assert_null(store_open(path, err, sizeof err));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a database"));

	/* A directory that cannot exist (its parent is a file). */
	snprintf(path, sizeof path, "%s/garbage.db/x.db", f->dir);
	assert_null(store_open(path, err, sizeof err));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot open"));

	/* Written by a newer server. */
	store_close(f->st);
	f->st = NULL;
	sqlite3 *db;
	char version[16], restore[48];
	sql_text(f->path, "PRAGMA user_version", version, sizeof version);
	snprintf(restore, sizeof restore, "PRAGMA user_version = %s", version);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(f->path, err, sizeof err));
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, restore, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	/* A read-only file (root may write anything, so only checked as another user). */
	if (geteuid() != 0) {
		assert_int_equal(chmod(f->path, 0400), 0);
		assert_null(store_open(f->path, err, sizeof err));
		assert_non_null(strstr(err, f->path));
		assert_non_null(strstr(err, "cannot write"));
		assert_int_equal(chmod(f->path, 0600), 0);
	}
	reopen(f);
}

enum { DUR_BATCH = 7, DUR_ROWS_MAX = 5000000, DUR_KILL_AFTER = 3000 };

/*
 * The child appends lines in passes of DUR_BATCH and, after each commit, reports how many
 * are committed on the pipe (without blocking: a report that does not fit is skipped, which
 * only makes the parent expect less). The parent kills it with SIGKILL while it writes and
 * then finds every reported line exactly once, and a file SQLite calls intact.
 */
static void
test_durable_after_sigkill(void **state)
{
	struct fixture *f = *state;
	int pfd[2];
	pid_t pid;
	int32_t committed = 0, got;

	store_close(f->st);
	f->st = NULL;
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[STORE_ERR_LEN];
		struct store *st = store_open(f->path, err, sizeof err);
		close(pfd[0]);
		if (st == NULL || fcntl(pfd[1], F_SETFL, O_NONBLOCK) < 0)
			_exit(1);
		hist_idgen_seed(&idgen, NULL);
		for (int32_t i = 0; i < DUR_ROWS_MAX;) {
			for (int k = 0; k < DUR_BATCH; k++, i++)
				add_msg(st, "#dur", 1000 + i, i, NULL);
			if (store_pass_end(st) != 0)
				_exit(1);
			if (write(pfd[1], &i, sizeof i) != sizeof i && errno != EAGAIN)
				_exit(1);
		}
		pause(); /* bounded: the parent kills it here at the latest */
		_exit(0);
	}
	close(pfd[1]);
	while (committed < DUR_KILL_AFTER && read(pfd[0], &got, sizeof got) == sizeof got)
		committed = got;
	kill(pid, SIGKILL);
	/* Reports already in the pipe were committed too. */
	while (read(pfd[0], &got, sizeof got) == sizeof got)
		committed = got;
	close(pfd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_true(committed >= DUR_KILL_AFTER);

	char ok[32];
	sql_text(f->path, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	reopen(f);
	/* Every committed line is there once, in order; an uncommitted pass may be, whole. */
	struct seen s;
	struct store_pos lo = STORE_POS_FIRST;
	int32_t next = 0;
	for (;;) {
		memset(&s, 0, sizeof s);
		int n = store_history_range(
		    f->st, "#dur", lo, STORE_POS_LAST, CHATHISTORY_MAX, 0, collect, &s);
		for (int i = 0; i < n; i++)
			assert_int_equal(s.nums[i], next++);
		if (n < CHATHISTORY_MAX)
			break;
		lo = (struct store_pos){ s.ms[n - 1], STORE_POS_AFTER };
	}
	assert_true(next >= committed);
	assert_true(next % DUR_BATCH == 0);
}

static off_t
file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/*
 * The checkpoint thread, not the loop, copies a growing WAL into the database: once the WAL
 * passes STORE_CHECKPOINT_WAKE (and well before the loop's own fallback at
 * STORE_WAL_MAX_PAGES) the database file takes in the lines, without another write.
 */
enum { CKPT_WAIT_MS = 20000 };
static void
test_checkpoint_follows_wal(void **state)
{
	struct fixture *f = *state;
	char wal[PATH_MAX_LEN + 32];
	const off_t frame = 4096 + 24; /* the default page size and a frame's header */

	snprintf(wal, sizeof wal, "%s-wal", f->path);
	off_t db0 = file_size(f->path);
	assert_true(db0 > 0);
	hist_idgen_seed(&idgen, NULL);
	int n = 0;
	while (file_size(wal) / frame <= STORE_CHECKPOINT_WAKE) {
		add_msg(f->st, "#ckpt", 1000 + n, n, NULL);
		assert_int_equal(store_pass_end(f->st), 0);
		n++;
		assert_true(n < STORE_WAL_MAX_PAGES); /* each commit adds a frame at least */
	}
	assert_true(file_size(wal) / frame < STORE_WAL_MAX_PAGES);
	struct timespec t0, now, tick = { 0, 5 * 1000000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		/* The file grows during the checkpoint, and the count goes up after it. */
		if (file_size(f->path) > db0 && store_stats(f->st)->checkpoints > 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 >
		    CKPT_WAIT_MS)
			fail_msg("no checkpoint in %d ms: the database is still %lld bytes",
			    CKPT_WAIT_MS, (long long)db0);
		nanosleep(&tick, NULL);
	}
	assert_int_equal(store_stats(f->st)->errors, 0);
	/* What it copied reads back whole. */
	reopen(f);
	struct seen s;
	memset(&s, 0, sizeof s);
	assert_int_equal(store_history_range(
	                     f->st, "#ckpt", STORE_POS_FIRST, STORE_POS_LAST, 10, 0, collect, &s),
	    10);
	expect_run(&s, 0, 9);
}

/*
 * With the thread held (as one that cannot keep up would be), the WAL still stops at
 * STORE_WAL_MAX_PAGES: the loop copies it itself, once, and the WAL then starts over.
 */
static void
test_loop_checkpoint_bounds_wal(void **state)
{
	struct fixture *f = *state;
	char wal[PATH_MAX_LEN + 32];
	const off_t frame = 4096 + 24;
	off_t db0 = file_size(f->path);

	snprintf(wal, sizeof wal, "%s-wal", f->path);
	ckpt_hold(f->st->ckpt, true);
	hist_idgen_seed(&idgen, NULL);
	int n = 0;
	while (store_stats(f->st)->loop_checkpoints == 0) {
		add_msg(f->st, "#wal", 1000 + n, n, NULL);
		assert_int_equal(store_pass_end(f->st), 0);
		n++;
		assert_true(file_size(wal) / frame <= STORE_WAL_MAX_PAGES + 16);
		assert_true(n <= 4 * STORE_WAL_MAX_PAGES);
	}
	assert_true(file_size(f->path) > db0);
	assert_int_equal(store_stats(f->st)->errors, 0);
	/* Everything was copied, so the next write starts the WAL over from its beginning. */
	add_msg(f->st, "#wal", 1000 + n, n, NULL);
	assert_int_equal(store_pass_end(f->st), 0);
	assert_true(f->st->wal_pages < 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msgid_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_logged_rarely, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_age_and_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounts_and_certs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_durable_after_sigkill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_follows_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_checkpoint_bounds_wal, setup, teardown),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
