#include "server/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "server/checkpoint.h"
#include "server/store_int.h"

/*
 * Each entry brings the schema from version i to i + 1 (PRAGMA user_version). Never edit a
 * released entry: add one.
 */
static const char *const migrations[] = {
	/* 1: history, channels, accounts and their certificates, offline messages */
	"CREATE TABLE history("
	"  id INTEGER PRIMARY KEY,"
	"  msgid TEXT NOT NULL,"
	"  time INTEGER NOT NULL," /* ms since the epoch, UTC */
	"  target TEXT NOT NULL,"  /* casefolded channel */
	"  kind TEXT NOT NULL,"    /* PRIVMSG NOTICE JOIN PART QUIT KICK NICK TOPIC MODE */
	"  sender TEXT NOT NULL,"  /* nick!user@host */
	"  account TEXT,"
	"  text TEXT);"
	"CREATE INDEX history_target_time ON history(target, time);"
	"CREATE TABLE channels("
	"  name TEXT PRIMARY KEY," /* casefolded */
	"  display TEXT NOT NULL,"
	"  topic TEXT,"
	"  setter TEXT,"
	"  topic_time INTEGER NOT NULL DEFAULT 0,"
	"  modes TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE accounts("
	"  name TEXT PRIMARY KEY," /* casefolded */
	"  password_hash TEXT,"    /* crypt(3) string; NULL: certificates only */
	"  created INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL);"
	"CREATE TABLE account_certs("
	"  fingerprint TEXT PRIMARY KEY,"
	"  account TEXT NOT NULL,"
	"  added INTEGER NOT NULL);"
	"CREATE INDEX account_certs_account ON account_certs(account);"
	"CREATE TABLE offline("
	"  id INTEGER PRIMARY KEY,"
	"  recipient TEXT NOT NULL,"
	"  msgid TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  sender TEXT NOT NULL,"
	"  account TEXT,"
	"  text TEXT);"
	"CREATE INDEX offline_recipient ON offline(recipient, id);",
	/* 2: channel keys and the b/e/I lists */
	"ALTER TABLE channels ADD COLUMN key TEXT;"
	"CREATE TABLE channel_masks("
	"  channel TEXT NOT NULL," /* casefolded */
	"  list TEXT NOT NULL,"    /* b e I */
	"  pos INTEGER NOT NULL,"  /* order within the list */
	"  mask TEXT NOT NULL,"
	"  setter TEXT NOT NULL,"
	"  at INTEGER NOT NULL," /* ms since the epoch */
	"  PRIMARY KEY (channel, list, pos)) WITHOUT ROWID;",
};
enum { SCHEMA_VERSION = sizeof migrations / sizeof migrations[0] };

#define HIST_COLS "msgid, time, target, kind, sender, account, text"

const char *const store_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_HIST_ADD] = "INSERT INTO history(" HIST_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_HIST_LAST_ID] = "SELECT msgid FROM history ORDER BY id DESC LIMIT 1",
	/* The msgid's own time finds it through the (target, time) index: no index of msgids. */
	[S_HIST_POS] =
	    "SELECT time, id FROM history WHERE target = ?2 AND time = ?3 AND msgid = ?1",
	[S_HIST_OLDEST] = "SELECT " HIST_COLS " FROM history WHERE target = ?1"
	                  " AND (time, id) > (?2, ?3) AND (time, id) < (?4, ?5)"
	                  " ORDER BY time, id LIMIT ?6",
	[S_HIST_NEWEST] = "SELECT " HIST_COLS " FROM (SELECT * FROM history WHERE target = ?1"
	                  " AND (time, id) > (?2, ?3) AND (time, id) < (?4, ?5)"
	                  " ORDER BY time DESC, id DESC LIMIT ?6) ORDER BY time, id",
	[S_HIST_OLDEST_MSGS] = "SELECT " HIST_COLS " FROM history WHERE target = ?1"
	                       " AND (time, id) > (?2, ?3) AND (time, id) < (?4, ?5)"
	                       " AND kind IN ('PRIVMSG', 'NOTICE') ORDER BY time, id LIMIT ?6",
	[S_HIST_NEWEST_MSGS] = "SELECT " HIST_COLS " FROM (SELECT * FROM history WHERE target = ?1"
	                       " AND (time, id) > (?2, ?3) AND (time, id) < (?4, ?5)"
	                       " AND kind IN ('PRIVMSG', 'NOTICE')"
	                       " ORDER BY time DESC, id DESC LIMIT ?6) ORDER BY time, id",
	[S_HIST_LAST] = "SELECT time FROM history WHERE target = ?1 AND time > ?2 AND time < ?3"
	                " ORDER BY time DESC LIMIT 1",
	/* Rows arrive in time order, so the oldest are among the first ids: look at no more. */
	[S_PRUNE_AGE] = "DELETE FROM history WHERE id IN (SELECT id FROM"
	                " (SELECT id, time FROM history ORDER BY id LIMIT ?2) WHERE time < ?1)",
	[S_PRUNE_NEXT_TARGET] = "SELECT target FROM history WHERE target > ?1"
	                        " ORDER BY target LIMIT 1",
	[S_PRUNE_CAP_EDGE] = "SELECT time, id FROM history WHERE target = ?1"
	                     " ORDER BY time DESC, id DESC LIMIT 1 OFFSET ?2",
	[S_PRUNE_CAP] = "DELETE FROM history WHERE id IN (SELECT id FROM history WHERE target = ?1"
	                " AND (time, id) < (?2, ?3) ORDER BY time, id LIMIT ?4)",
	[S_CHAN_PUT] = "INSERT OR REPLACE INTO channels(name, display, topic, setter, topic_time,"
	               " modes, created, key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_CHAN_DEL] = "DELETE FROM channels WHERE name = ?1",
	[S_CHAN_GET] = "SELECT name, display, topic, setter, topic_time, modes, created, key"
	               " FROM channels WHERE name = ?1",
	[S_CHAN_EACH] = "SELECT name, display, topic, setter, topic_time, modes, created, key"
	                " FROM channels ORDER BY name",
	[S_MASK_CLEAR] =
	    "DELETE FROM channel_masks WHERE channel = ?1 AND (?2 IS NULL OR list = ?2)",
	[S_MASK_ADD] = "INSERT INTO channel_masks(channel, list, pos, mask, setter, at)"
	               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_MASK_EACH] = "SELECT list, mask, setter, at FROM channel_masks WHERE channel = ?1"
	                " ORDER BY list, pos",
	[S_ACCT_ADD] = "INSERT INTO accounts(name, password_hash, created, last_seen)"
	               " VALUES (?1, ?2, ?3, ?3)",
	[S_ACCT_GET] = "SELECT name, password_hash, created, last_seen FROM accounts"
	               " WHERE name = ?1",
	[S_ACCT_HASH] = "UPDATE accounts SET password_hash = ?2 WHERE name = ?1",
	[S_ACCT_SEEN] = "UPDATE accounts SET last_seen = ?2 WHERE name = ?1",
	[S_ACCT_DEL] = "DELETE FROM accounts WHERE name = ?1",
	[S_CERT_COUNT] = "SELECT count(*) FROM account_certs WHERE account = ?1",
	[S_CERT_ADD] = "INSERT INTO account_certs(fingerprint, account, added) VALUES (?2, ?1, ?3)",
	[S_CERT_DEL] = "DELETE FROM account_certs WHERE account = ?1 AND fingerprint = ?2",
	[S_CERT_DEL_ALL] = "DELETE FROM account_certs WHERE account = ?1",
	[S_CERT_OWNER] = "SELECT account FROM account_certs WHERE fingerprint = ?1",
	[S_CERT_EACH] = "SELECT fingerprint FROM account_certs WHERE account = ?1"
	                " ORDER BY added, fingerprint",
	[S_OFF_COUNT] = "SELECT count(*) FROM offline WHERE recipient = ?1",
	[S_OFF_ADD] = "INSERT INTO offline(recipient, msgid, time, kind, sender, account, text)"
	              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_OFF_EACH] = "SELECT msgid, time, recipient, kind, sender, account, text FROM offline"
	               " WHERE recipient = ?1 ORDER BY id",
	[S_OFF_CLEAR] = "DELETE FROM offline WHERE recipient = ?1",
};

static int64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Logs an error, but a failing disk (every write fails) only once in a while. */
int
st_fail(struct store *st, const char *what)
{
	int64_t now = now_us();

	st->stats.errors++;
	if (st->last_error_log_us != 0 &&
	    now - st->last_error_log_us < (int64_t)STORE_ERROR_LOG_MS * 1000) {
		st->errors_unlogged++;
		return -1;
	}
	st->last_error_log_us = now;
	if (st->errors_unlogged > 0)
		log_error("store %s: %s: %s (and %llu more errors since the last one logged)",
		    st->path, what, sqlite3_errmsg(st->db),
		    (unsigned long long)st->errors_unlogged);
	else
		log_error("store %s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
	st->errors_unlogged = 0;
	return -1;
}

/* Steps a statement that returns no rows, then resets it. */
int
st_run(struct store *st, enum stmt s)
{
	sqlite3_stmt *q = st->stmt[s];
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return st_fail(st, store_sql[s]);
	return 0;
}

void
st_done(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

/* Steps an INSERT the caller has bound: 0 stored, 1 refused by a unique key, -1 error. */
int
st_insert(struct store *st, enum stmt s)
{
	int rc = sqlite3_step(st->stmt[s]);
	st_done(st->stmt[s]);
	if (rc == SQLITE_DONE) {
		st->stats.rows_written++;
		return 0;
	}
	if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_CONSTRAINT)
		return 1;
	return st_fail(st, store_sql[s]);
}

/* The first write of a pass opens its transaction. */
int
st_write_begin(struct store *st)
{
	if (st->in_txn)
		return 0;
	if (st_run(st, S_BEGIN) < 0)
		return -1;
	st->in_txn = true;
	return 0;
}

void
st_bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
}

const char *
st_col_text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

/* Copies a column into the scratch area at *off; NULL stays NULL. */
const char *
st_keep(struct store *st, sqlite3_stmt *q, int i, size_t *off)
{
	const char *s = st_col_text(q, i);
	if (s == NULL)
		return NULL;
	char *dst = st->scratch + *off;
	size_t n = str_copy(dst, s, SCRATCH_LEN - *off);
	*off += (n < SCRATCH_LEN - *off ? n : SCRATCH_LEN - *off - 1) + 1;
	return dst;
}

static bool open_busy; /* store_open failed on another process's lock */

static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *st = arg;
	(void)db;
	(void)name;
	st->wal_pages = pages;
	ckpt_nudge(st->ckpt, pages);
	return SQLITE_OK;
}

static int
exec(sqlite3 *db, const char *sql, const char *path, char *err, size_t errcap)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	int code = sqlite3_extended_errcode(db);
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
		snprintf(err, errcap, "%s: the database is locked (is another lanchatd using it?)",
		    path);
		sqlite3_free(msg);
		open_busy = true;
		return -1;
	}
	if ((code & 0xff) == SQLITE_READONLY || (code & 0xff) == SQLITE_CANTOPEN ||
	    (code & 0xff) == SQLITE_PERM || (code & 0xff) == SQLITE_IOERR)
		snprintf(err, errcap, "%s: cannot write the database: %s", path,
		    msg ? msg : sqlite3_errmsg(db));
	else
		snprintf(err, errcap, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

static int
query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Brings the schema up to SCHEMA_VERSION in one transaction. */
static int
migrate(sqlite3 *db, const char *path, char *err, size_t errcap)
{
	int64_t version = 0;
	char sql[64];

	/* IMMEDIATE takes the write lock now: a second server fails here, not later. */
	if (exec(db, "BEGIN IMMEDIATE", path, err, errcap) < 0)
		return -1;
	if (query_int(db, "PRAGMA user_version", &version) < 0) {
		snprintf(err, errcap, "%s: %s", path, sqlite3_errmsg(db));
		goto fail;
	}
	if (version > SCHEMA_VERSION) {
		snprintf(err, errcap,
		    "%s: schema version %lld is newer than this lanchatd knows (%d); use a newer "
		    "lanchatd or another state directory",
		    path, (long long)version, (int)SCHEMA_VERSION);
		goto fail;
	}
	for (int64_t v = version; v < SCHEMA_VERSION; v++)
		if (exec(db, migrations[v], path, err, errcap) < 0)
			goto fail;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", (int)SCHEMA_VERSION);
	if (exec(db, sql, path, err, errcap) < 0 || exec(db, "COMMIT", path, err, errcap) < 0)
		goto fail;
	/* A new file is no news; an upgrade is. Either way before the "listening" line. */
	if (version > 0 && version < SCHEMA_VERSION)
		log_info("store %s: schema version %lld -> %d", path, (long long)version,
		    (int)SCHEMA_VERSION);
	else if (version == 0)
		log_debug("store %s: created", path);
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

struct store *
store_open(const char *path, char *err, size_t errcap)
{
	sqlite3 *db = NULL;
	struct store *st;
	struct stat sb;
	int64_t wal = 0;

	open_busy = false;
	/*
	 * Account password hashes live here: the file (and the WAL, which SQLite creates with
	 * the file's mode) is for the server's user only.
	 */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errcap, "%s: cannot open the database: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077) != 0 && fchmod(fd, 0600) == 0)
		log_warn("store %s: was readable by others; now 0600", path);
	/*
	 * One server owns the file. flock, not SQLite's own locks, which a second connection
	 * (the checkpoint thread's) must share. The descriptor stays open until SQLite's are
	 * closed: closing it earlier would drop SQLite's POSIX locks on the file.
	 */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		if (e == EWOULDBLOCK)
			snprintf(err, errcap,
			    "%s: the database is locked (is another lanchatd using it?)", path);
		else
			snprintf(
			    err, errcap, "%s: cannot lock the database: %s", path, strerror(e));
		close(fd);
		errno = e == EWOULDBLOCK ? EBUSY : EIO;
		return NULL;
	}
	if (sqlite3_open_v2(path, &db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		snprintf(err, errcap, "%s: cannot open the database: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	if (sqlite3_db_readonly(db, "main") == 1) {
		snprintf(err, errcap, "%s: cannot write the database (read-only file)", path);
		goto fail;
	}
	/*
	 * NORMAL syncs only at checkpoints: a commit survives the process being killed, and a
	 * power cut can lose the last ones but never leaves the file damaged.
	 */
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	if (exec(db, "PRAGMA journal_mode = WAL", path, err, errcap) < 0 ||
	    exec(db, "PRAGMA synchronous = NORMAL", path, err, errcap) < 0)
		goto fail;
	/* journal_mode answers with the mode it could set. */
	{
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL) == SQLITE_OK) {
			if (sqlite3_step(q) == SQLITE_ROW)
				wal = strcmp((const char *)sqlite3_column_text(q, 0), "wal") == 0;
			sqlite3_finalize(q);
		}
		if (!wal) {
			snprintf(err, errcap, "%s: cannot switch the database to WAL mode", path);
			goto fail;
		}
	}
	if (migrate(db, path, err, errcap) < 0)
		goto fail;

	st = xcalloc(1, sizeof *st);
	st->db = db;
	st->path = xstrdup(path);
	st->lock_fd = fd;
	/* Our own hook replaces SQLite's automatic checkpoints: the thread does them. */
	sqlite3_wal_hook(db, wal_hook, st);
	st->ckpt = ckpt_start(path, err, errcap);
	if (st->ckpt == NULL) {
		store_close(st);
		errno = EIO;
		return NULL;
	}
	for (int i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		        &st->stmt[i], NULL) != SQLITE_OK) {
			snprintf(err, errcap, "%s: %s (in \"%s\")", path, sqlite3_errmsg(db),
			    store_sql[i]);
			store_close(st);
			errno = EIO;
			return NULL;
		}
	}
	return st;
fail:
	sqlite3_close(db);
	close(fd);
	errno = open_busy ? EBUSY : EIO;
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->stmt[S_COMMIT] != NULL)
		store_pass_end(st);
	ckpt_stop(st->ckpt);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (sqlite3_close(st->db) != SQLITE_OK)
		log_error("store %s: close: %s", st->path, sqlite3_errmsg(st->db));
	close(st->lock_fd);
	free(st->path);
	free(st);
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

const struct store_stats *
store_stats(struct store *st)
{
	struct ckpt_stats c;

	ckpt_stats(st->ckpt, &c);
	st->stats.checkpoints = c.runs;
	st->stats.max_checkpoint_us = c.max_us;
	/* The thread only counts its failures; saying so is the loop's job. */
	if (c.errors > st->ckpt_errors_logged) {
		log_error("store %s: %llu checkpoints failed (the WAL grows until one succeeds)",
		    st->path, (unsigned long long)(c.errors - st->ckpt_errors_logged));
		st->ckpt_errors_logged = c.errors;
	}
	return &st->stats;
}

int
store_pass_end(struct store *st)
{
	if (!st->in_txn)
		return 0;
	int64_t t0 = now_us();
	st->in_txn = false;
	if (st_run(st, S_COMMIT) < 0) {
		/* Leave no transaction half open: the next pass starts clean. */
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	/*
	 * The WAL starts over only when a write finds it all copied, which a writer that never
	 * pauses does not let the thread achieve. Past STORE_WAL_MAX_PAGES the thread is held
	 * and the loop copies what its rounds left (little), between two of its own commits; if
	 * a round is still under way (BUSY), the next commit tries again.
	 */
	if (st->wal_pages > STORE_WAL_MAX_PAGES) {
		int64_t c0 = now_us();
		int log = 0, done = 0;
		ckpt_hold(st->ckpt, true);
		int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
			ckpt_hold(st->ckpt, false); /* the thread may fare better; say it, rarely */
			st_fail(st, "checkpoint in the loop");
		} else if (rc == SQLITE_OK) {
			ckpt_hold(st->ckpt, false);
			int64_t took = now_us() - c0;
			st->stats.loop_checkpoints++;
			if (took > st->stats.max_loop_checkpoint_us)
				st->stats.max_loop_checkpoint_us = took;
			if (c0 - st->last_loop_ckpt_log_us >= (int64_t)STORE_ERROR_LOG_MS * 1000) {
				log_info("store %s: the WAL reached %d pages behind a busy writer; the "
				         "loop copied the rest (%llu times so far, the last %lld us)",
				    st->path, st->wal_pages, (unsigned long long)st->stats.loop_checkpoints,
				    (long long)took);
				st->last_loop_ckpt_log_us = c0;
			}
			st->wal_pages = 0;
		}
	}
	int64_t us = now_us() - t0;
	st->stats.commits++;
	st->stats.last_commit_us = us;
	if (us > st->stats.max_commit_us)
		st->stats.max_commit_us = us;
	if (us > (int64_t)STORE_SLOW_COMMIT_MS * 1000)
		log_warn("store %s: a commit took %lld ms (slow disk?)", st->path,
		    (long long)(us / 1000));
	return 0;
}

/* Binds the seven message columns from ?first on, in HIST_COLS order. */
static void
bind_msg(sqlite3_stmt *q, int first, const struct store_msg *m)
{
	st_bind_text(q, first, m->msgid);
	sqlite3_bind_int64(q, first + 1, m->ms);
	st_bind_text(q, first + 2, m->target);
	st_bind_text(q, first + 3, m->kind);
	st_bind_text(q, first + 4, m->sender);
	st_bind_text(q, first + 5, m->account);
	st_bind_text(q, first + 6, m->text);
}

void
st_row_msg(sqlite3_stmt *q, struct store_msg *m)
{
	m->msgid = st_col_text(q, 0);
	m->ms = sqlite3_column_int64(q, 1);
	m->target = st_col_text(q, 2);
	m->kind = st_col_text(q, 3);
	m->sender = st_col_text(q, 4);
	m->account = st_col_text(q, 5);
	m->text = st_col_text(q, 6);
}

int
store_history_add(struct store *st, const struct store_msg *m)
{
	if (st_write_begin(st) < 0)
		return -1;
	bind_msg(st->stmt[S_HIST_ADD], 1, m);
	/* msgids come from one generator: a clash is a fault worth a log line. */
	int r = st_insert(st, S_HIST_ADD);
	return r == 1 ? st_fail(st, "history add") : r;
}

int
store_history_last_msgid(struct store *st, char out[MSGID_LEN + 1])
{
	sqlite3_stmt *q = st->stmt[S_HIST_LAST_ID];
	int rc = sqlite3_step(q), found = 0;

	if (rc == SQLITE_ROW && st_col_text(q, 0) != NULL) {
		str_copy(out, st_col_text(q, 0), MSGID_LEN + 1);
		found = 1;
	}
	st_done(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : st_fail(st, "last msgid");
}

int
store_msgid_pos(
    struct store *st, const char *target, const char *msgid, int64_t ms, struct store_pos *pos)
{
	sqlite3_stmt *q = st->stmt[S_HIST_POS];
	int rc;

	st_bind_text(q, 1, msgid);
	st_bind_text(q, 2, target);
	sqlite3_bind_int64(q, 3, ms);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		pos->ms = sqlite3_column_int64(q, 0);
		pos->seq = sqlite3_column_int64(q, 1);
	}
	st_done(q);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : st_fail(st, "msgid lookup");
}

int
store_history_range(struct store *st, const char *target, struct store_pos lo, struct store_pos hi,
    int limit, int flags, store_msg_fn fn, void *arg)
{
	static const enum stmt pick[4] = { S_HIST_OLDEST, S_HIST_NEWEST, S_HIST_OLDEST_MSGS,
		S_HIST_NEWEST_MSGS };
	enum stmt s = pick[flags & (STORE_NEWEST | STORE_MESSAGES)];
	sqlite3_stmt *q = st->stmt[s];
	int rc, n = 0;

	st_bind_text(q, 1, target);
	sqlite3_bind_int64(q, 2, lo.ms);
	sqlite3_bind_int64(q, 3, lo.seq);
	sqlite3_bind_int64(q, 4, hi.ms);
	sqlite3_bind_int64(q, 5, hi.seq);
	sqlite3_bind_int(q, 6, limit);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_msg m;
		st_row_msg(q, &m);
		fn(&m, arg);
		n++;
	}
	st_done(q);
	return rc == SQLITE_DONE ? n : st_fail(st, "history read");
}

int64_t
store_history_last(struct store *st, const char *target, int64_t from_ms, int64_t to_ms)
{
	sqlite3_stmt *q = st->stmt[S_HIST_LAST];
	int64_t t = 0;
	int rc;

	st_bind_text(q, 1, target);
	sqlite3_bind_int64(q, 2, from_ms);
	sqlite3_bind_int64(q, 3, to_ms);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		t = sqlite3_column_int64(q, 0);
	st_done(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		st_fail(st, "history last");
	return t;
}

/* Deletes past the per_target newest lines of the next target in turn; up to budget rows. */
static int
prune_cap(struct store *st, int per_target, int budget)
{
	sqlite3_stmt *q = st->stmt[S_PRUNE_NEXT_TARGET];
	char target[sizeof st->prune_target];
	int64_t ms = 0, seq = 0;
	int rc;

	st_bind_text(q, 1, st->prune_target);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		str_copy(target, st_col_text(q, 0), sizeof target);
	st_done(q);
	if (rc == SQLITE_DONE) {
		st->prune_target[0] = '\0'; /* the end: start over next time */
		return 0;
	}
	if (rc != SQLITE_ROW)
		return st_fail(st, "prune: next target");

	q = st->stmt[S_PRUNE_CAP_EDGE];
	st_bind_text(q, 1, target);
	sqlite3_bind_int(q, 2, per_target - 1);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		ms = sqlite3_column_int64(q, 0);
		seq = sqlite3_column_int64(q, 1);
	}
	st_done(q);
	if (rc == SQLITE_DONE) {
		str_copy(st->prune_target, target, sizeof st->prune_target); /* within the cap */
		return 0;
	}
	if (rc != SQLITE_ROW)
		return st_fail(st, "prune: cap edge");

	q = st->stmt[S_PRUNE_CAP];
	st_bind_text(q, 1, target);
	sqlite3_bind_int64(q, 2, ms);
	sqlite3_bind_int64(q, 3, seq);
	sqlite3_bind_int(q, 4, budget);
	if (st_run(st, S_PRUNE_CAP) < 0)
		return -1;
	int n = sqlite3_changes(st->db);
	/* Only a target brought within the cap moves the cursor past it. */
	if (n < budget)
		str_copy(st->prune_target, target, sizeof st->prune_target);
	return n;
}

int
store_prune_step(struct store *st, int64_t before_ms, int per_target)
{
	int n = 0, m;

	if (st_write_begin(st) < 0)
		return -1;
	sqlite3_stmt *q = st->stmt[S_PRUNE_AGE];
	sqlite3_bind_int64(q, 1, before_ms);
	sqlite3_bind_int(q, 2, STORE_PRUNE_ROWS);
	if (st_run(st, S_PRUNE_AGE) < 0)
		return -1;
	n = sqlite3_changes(st->db);
	if (per_target > 0 && n < STORE_PRUNE_ROWS) {
		m = prune_cap(st, per_target, STORE_PRUNE_ROWS - n);
		if (m < 0)
			return -1;
		n += m;
	}
	st->stats.rows_pruned += (uint64_t)n;
	store_stats(st); /* reports checkpoint failures once a step */
	return n;
}

int
store_channel_put(struct store *st, const struct store_channel *ch)
{
	sqlite3_stmt *q = st->stmt[S_CHAN_PUT];

	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(q, 1, ch->fold);
	st_bind_text(q, 2, ch->name);
	st_bind_text(q, 3, ch->topic != NULL && ch->topic[0] ? ch->topic : NULL);
	st_bind_text(q, 4, ch->setter);
	sqlite3_bind_int64(q, 5, ch->topic_ms);
	st_bind_text(q, 6, ch->modes != NULL ? ch->modes : "");
	sqlite3_bind_int64(q, 7, ch->created_ms);
	st_bind_text(q, 8, ch->key != NULL && ch->key[0] ? ch->key : NULL);
	return st_insert(st, S_CHAN_PUT) == 0 ? 0 : -1;
}

/* Runs a one-name write statement inside the pass's transaction. */
int
st_write_name(struct store *st, enum stmt s, const char *name)
{
	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(st->stmt[s], 1, name);
	return st_run(st, s);
}

int
store_channel_del(struct store *st, const char *fold)
{
	/* Both in the pass's transaction: never a row without its lists or the other way. */
	if (st_write_name(st, S_CHAN_DEL, fold) < 0)
		return -1;
	return store_channel_masks_set(st, fold, 0, NULL, 0);
}

int
store_channel_masks_set(
    struct store *st, const char *fold, char list, const struct store_mask *v, size_t n)
{
	sqlite3_stmt *q = st->stmt[S_MASK_CLEAR];
	char letter[2] = { list, '\0' };

	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(q, 1, fold);
	st_bind_text(q, 2, list != 0 ? letter : NULL);
	if (st_run(st, S_MASK_CLEAR) < 0)
		return -1;
	q = st->stmt[S_MASK_ADD];
	for (size_t i = 0; i < n; i++) {
		st_bind_text(q, 1, fold);
		st_bind_text(q, 2, letter);
		sqlite3_bind_int64(q, 3, (int64_t)i);
		st_bind_text(q, 4, v[i].mask);
		st_bind_text(q, 5, v[i].setter != NULL ? v[i].setter : "");
		sqlite3_bind_int64(q, 6, v[i].at_ms);
		if (st_insert(st, S_MASK_ADD) != 0)
			return -1;
	}
	return 0;
}

int
store_channel_masks_each(struct store *st, const char *fold, store_mask_fn fn, void *arg)
{
	sqlite3_stmt *q = st->stmt[S_MASK_EACH];
	int rc;

	st_bind_text(q, 1, fold);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *list = st_col_text(q, 0);
		struct store_mask m = { .list = list != NULL ? list[0] : 0,
			.mask = st_col_text(q, 1),
			.setter = st_col_text(q, 2),
			.at_ms = sqlite3_column_int64(q, 3) };
		if (m.mask != NULL)
			fn(&m, arg);
	}
	st_done(q);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "channel masks read");
}

static void
row_channel(struct store *st, sqlite3_stmt *q, struct store_channel *ch, bool copy)
{
	size_t off = 0;
	if (copy) {
		ch->fold = st_keep(st, q, 0, &off);
		ch->name = st_keep(st, q, 1, &off);
		ch->topic = st_keep(st, q, 2, &off);
		ch->setter = st_keep(st, q, 3, &off);
		ch->modes = st_keep(st, q, 5, &off);
		ch->key = st_keep(st, q, 7, &off);
	} else {
		ch->fold = st_col_text(q, 0);
		ch->name = st_col_text(q, 1);
		ch->topic = st_col_text(q, 2);
		ch->setter = st_col_text(q, 3);
		ch->modes = st_col_text(q, 5);
		ch->key = st_col_text(q, 7);
	}
	ch->topic_ms = sqlite3_column_int64(q, 4);
	ch->created_ms = sqlite3_column_int64(q, 6);
}

int
store_channel_get(struct store *st, const char *fold, struct store_channel *out)
{
	sqlite3_stmt *q = st->stmt[S_CHAN_GET];
	int rc;

	st_bind_text(q, 1, fold);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		row_channel(st, q, out, true);
	st_done(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : st_fail(st, "channel read");
}

int
store_channels_each(struct store *st, store_channel_fn fn, void *arg)
{
	sqlite3_stmt *q = st->stmt[S_CHAN_EACH];
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_channel ch;
		row_channel(st, q, &ch, false);
		fn(&ch, arg);
	}
	st_done(q);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "channels read");
}

/* A count(*) of one name. */
int64_t
st_count_of(struct store *st, enum stmt s, const char *name)
{
	sqlite3_stmt *q = st->stmt[s];
	int64_t n = -1;

	st_bind_text(q, 1, name);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	st_done(q);
	if (n < 0)
		st_fail(st, store_sql[s]);
	return n;
}
