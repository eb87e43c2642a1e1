/*
 * store_int: what the store's two files share (store.c: the database, history, channels;
 * store_acct.c: accounts, certificates, offline messages). Not for other modules.
 */
#ifndef LANCHAT_STORE_INT_H
#define LANCHAT_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/checkpoint.h"
#include "server/store.h"

enum stmt {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_HIST_ADD,
	S_HIST_LAST_ID,
	S_HIST_POS,
	S_HIST_OLDEST,
	S_HIST_NEWEST,
	S_HIST_OLDEST_MSGS,
	S_HIST_NEWEST_MSGS,
	S_HIST_LAST,
	S_PRUNE_AGE,
	S_PRUNE_NEXT_TARGET,
	S_PRUNE_CAP_EDGE,
	S_PRUNE_CAP,
	S_CHAN_PUT,
	S_CHAN_DEL,
	S_CHAN_GET,
	S_CHAN_EACH,
	S_MASK_CLEAR,
	S_MASK_ADD,
	S_MASK_EACH,
	S_ACCT_ADD,
	S_ACCT_GET,
	S_ACCT_HASH,
	S_ACCT_SEEN,
	S_ACCT_DEL,
	S_CERT_COUNT,
	S_CERT_ADD,
	S_CERT_DEL,
	S_CERT_DEL_ALL,
	S_CERT_OWNER,
	S_CERT_EACH,
	S_OFF_COUNT,
	S_OFF_ADD,
	S_OFF_EACH,
	S_OFF_CLEAR,
	S_COUNT
};

/* The SQL of each statement, prepared once at open. */
extern const char *const store_sql[S_COUNT];

enum { SCRATCH_LEN = 4096 };

struct store {
	sqlite3 *db;
	char *path;
	int lock_fd; /* holds flock(LOCK_EX): one server per database */
	struct ckpt *ckpt;
	int wal_pages; /* in the WAL after the last commit */
	uint64_t ckpt_errors_logged;
	sqlite3_stmt *stmt[S_COUNT];
	bool in_txn;
	char prune_target[CHANNEL_LEN * 4 + 1]; /* where the per-target cap check resumes */
	struct store_stats stats;
	int64_t last_error_log_us;
	int64_t last_loop_ckpt_log_us;
	uint64_t errors_unlogged;
	char scratch[SCRATCH_LEN]; /* strings handed out by the _get functions */
};

/* Counts and logs (now and then) an SQLite error; returns -1. */
int st_fail(struct store *st, const char *what);
/* Steps a statement that returns no rows, then resets it. */
int st_run(struct store *st, enum stmt s);
void st_done(sqlite3_stmt *q);
/* Steps an INSERT the caller has bound: 0 stored, 1 refused by a constraint, -1 error. */
int st_insert(struct store *st, enum stmt s);
/* The first write of a pass opens its transaction. */
int st_write_begin(struct store *st);
void st_bind_text(sqlite3_stmt *q, int i, const char *s);
const char *st_col_text(sqlite3_stmt *q, int i);
/* Copies a column into the scratch area at *off; NULL stays NULL. */
const char *st_keep(struct store *st, sqlite3_stmt *q, int i, size_t *off);
/* Runs a one-name write statement inside the pass's transaction. */
int st_write_name(struct store *st, enum stmt s, const char *name);
/* A count(*) of one name; -1 on error. */
int64_t st_count_of(struct store *st, enum stmt s, const char *name);
/* A history or offline row (in HIST_COLS order) as a message. */
void st_row_msg(sqlite3_stmt *q, struct store_msg *m);

#endif
