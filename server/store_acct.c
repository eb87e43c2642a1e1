/* store: accounts, their certificate fingerprints, and offline messages (see store.h). */
#include "server/store.h"

#include "common/util.h"
#include "server/store_int.h"

int
store_account_add(struct store *st, const char *name, const char *hash, int64_t now_ms)
{
	sqlite3_stmt *q = st->stmt[S_ACCT_ADD];

	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(q, 1, name);
	st_bind_text(q, 2, hash);
	sqlite3_bind_int64(q, 3, now_ms);
	return st_insert(st, S_ACCT_ADD);
}

int
store_account_get(struct store *st, const char *name, struct store_account *out)
{
	sqlite3_stmt *q = st->stmt[S_ACCT_GET];
	size_t off = 0;
	int rc;

	st_bind_text(q, 1, name);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->name = st_keep(st, q, 0, &off);
		out->hash = st_keep(st, q, 1, &off);
		out->created_ms = sqlite3_column_int64(q, 2);
		out->seen_ms = sqlite3_column_int64(q, 3);
	}
	st_done(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : st_fail(st, "account read");
}

int
store_account_set_hash(struct store *st, const char *name, const char *hash)
{
	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(st->stmt[S_ACCT_HASH], 1, name);
	st_bind_text(st->stmt[S_ACCT_HASH], 2, hash);
	return st_run(st, S_ACCT_HASH);
}

int
store_account_seen(struct store *st, const char *name, int64_t now_ms)
{
	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(st->stmt[S_ACCT_SEEN], 1, name);
	sqlite3_bind_int64(st->stmt[S_ACCT_SEEN], 2, now_ms);
	return st_run(st, S_ACCT_SEEN);
}

int
store_account_del(struct store *st, const char *name)
{
	if (st_write_name(st, S_CERT_DEL_ALL, name) < 0 || st_write_name(st, S_OFF_CLEAR, name) < 0)
		return -1;
	return st_write_name(st, S_ACCT_DEL, name);
}

int
store_cert_add(struct store *st, const char *name, const char *fp, int64_t now_ms)
{
	sqlite3_stmt *q = st->stmt[S_CERT_ADD];
	int64_t n = st_count_of(st, S_CERT_COUNT, name);

	if (n < 0)
		return -1;
	if (n >= ACCOUNT_CERTS_MAX)
		return 2;
	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(q, 1, name);
	st_bind_text(q, 2, fp);
	sqlite3_bind_int64(q, 3, now_ms);
	return st_insert(st, S_CERT_ADD);
}

int
store_cert_del(struct store *st, const char *name, const char *fp)
{
	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(st->stmt[S_CERT_DEL], 1, name);
	st_bind_text(st->stmt[S_CERT_DEL], 2, fp);
	if (st_run(st, S_CERT_DEL) < 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? 0 : 1;
}

int
store_cert_owner(struct store *st, const char *fp, char *name, size_t cap)
{
	sqlite3_stmt *q = st->stmt[S_CERT_OWNER];
	int rc;

	st_bind_text(q, 1, fp);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		str_copy(name, st_col_text(q, 0), cap);
	st_done(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : st_fail(st, "certificate lookup");
}

int
store_cert_each(struct store *st, const char *name, store_str_fn fn, void *arg)
{
	sqlite3_stmt *q = st->stmt[S_CERT_EACH];
	int rc;

	st_bind_text(q, 1, name);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn(st_col_text(q, 0), arg);
	st_done(q);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "certificates read");
}

int
store_offline_add(struct store *st, const char *recipient, const struct store_msg *m)
{
	sqlite3_stmt *q = st->stmt[S_OFF_ADD];
	int64_t n = st_count_of(st, S_OFF_COUNT, recipient);

	if (n < 0)
		return -1;
	if (n >= OFFLINE_PER_RECIPIENT)
		return 1;
	if (st_write_begin(st) < 0)
		return -1;
	st_bind_text(q, 1, recipient);
	st_bind_text(q, 2, m->msgid);
	sqlite3_bind_int64(q, 3, m->ms);
	st_bind_text(q, 4, m->kind);
	st_bind_text(q, 5, m->sender);
	st_bind_text(q, 6, m->account);
	st_bind_text(q, 7, m->text);
	return st_insert(st, S_OFF_ADD) == 0 ? 0 : -1;
}

int
store_offline_each(struct store *st, const char *recipient, store_msg_fn fn, void *arg)
{
	sqlite3_stmt *q = st->stmt[S_OFF_EACH];
	int rc, n = 0;

	st_bind_text(q, 1, recipient);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_msg m;
		st_row_msg(q, &m);
		fn(&m, arg);
		n++;
	}
	st_done(q);
	return rc == SQLITE_DONE ? n : st_fail(st, "offline read");
}

int
store_offline_clear(struct store *st, const char *recipient)
{
	return st_write_name(st, S_OFF_CLEAR, recipient);
}
