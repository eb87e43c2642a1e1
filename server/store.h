/*
 * store: the server's durable state in one SQLite file: message history, channels (topic,
 * modes), accounts with their certificate fingerprints, and offline messages.
 *
 * Opened once at start-up (WAL, synchronous=NORMAL, flock so a second server on the same
 * file is refused), schema migrated from PRAGMA user_version. Every statement is prepared at
 * open. Writes go into one transaction per loop pass: the first write of a pass begins it,
 * store_pass_end() commits it, and the loop calls that before it flushes the pass's output,
 * so nothing a client has received is lost to kill -9 (a power cut can lose the last
 * commits: WAL with synchronous=NORMAL syncs only at checkpoints). Checkpoints, and their
 * fsync, run on a thread of their own (checkpoint.h), never in the loop unless the WAL
 * outgrows STORE_WAL_MAX_PAGES.
 *
 * Reads are bounded by their limit and served from indexes. Names (targets, accounts) are
 * given already casefolded. Functions return 0 on success and -1 on an SQLite error, which
 * is logged with the file's name; a failed write is not retried.
 */
#ifndef LANCHAT_STORE_H
#define LANCHAT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"

struct store;

enum { STORE_ERR_LEN = 512 };

/*
 * Opens (creating it and its schema if needed) the database at path. NULL on failure, with
 * a message naming the file in err: not a database, corrupt, read-only, locked by another
 * server (errno is then EBUSY), or written by a newer lanchatd.
 */
struct store *store_open(const char *path, char *err, size_t errcap);
/* Commits what is pending and closes. NULL is fine. */
void store_close(struct store *st);
const char *store_path(const struct store *st);

/* Commits the pass's transaction, if a write began one. */
int store_pass_end(struct store *st);

struct store_stats {
	uint64_t checkpoints; /* by the checkpoint thread */
	int64_t max_checkpoint_us;
	uint64_t loop_checkpoints; /* by the loop, behind a writer that never paused */
	int64_t max_loop_checkpoint_us;
	uint64_t commits;
	uint64_t rows_written; /* history and other rows inserted */
	uint64_t rows_pruned;
	uint64_t errors;
	int64_t last_commit_us;
	int64_t max_commit_us;
};
const struct store_stats *store_stats(struct store *st);

/*
 * One stored line of history. kind is the command: PRIVMSG NOTICE JOIN PART QUIT KICK ...
 * msgids are the caller's: the store does not check them (a QUIT is one event, stored once
 * in each channel with one msgid), nor index them: a line is found by its time and msgid.
 */
struct store_msg {
	const char *msgid;
	int64_t ms;         /* server time, milliseconds since the epoch */
	const char *target; /* casefolded channel */
	const char *kind;
	const char *sender;  /* nick!user@host */
	const char *account; /* NULL when not logged in */
	const char *text;    /* NULL when the event has none */
};

int store_history_add(struct store *st, const struct store_msg *m);
/* The msgid of the line stored last, to seed msgid generation: 1 found, 0 when none, -1. */
int store_history_last_msgid(struct store *st, char out[MSGID_LEN + 1]);

/*
 * A position in a target's history. Lines are ordered by (time, arrival); a time reference
 * is turned into a position before (STORE_POS_BEFORE) or after (STORE_POS_AFTER) every line
 * of that millisecond.
 */
struct store_pos {
	int64_t ms;
	int64_t seq;
};
enum { STORE_POS_BEFORE = 0 };
#define STORE_POS_AFTER INT64_MAX
#define STORE_POS_FIRST ((struct store_pos){ INT64_MIN, 0 })
#define STORE_POS_LAST ((struct store_pos){ INT64_MAX, INT64_MAX })

/* The position of msgid, stored at ms, in target; 1 when there is no such line there. */
int store_msgid_pos(
    struct store *st, const char *target, const char *msgid, int64_t ms, struct store_pos *pos);

typedef void (*store_msg_fn)(const struct store_msg *m, void *arg);

enum {
	STORE_NEWEST = 1,   /* the newest lines of the range, not the oldest */
	STORE_MESSAGES = 2, /* PRIVMSG and NOTICE only, no JOIN, PART ... */
};
/*
 * Calls fn, oldest first, for up to limit lines of target strictly between lo and hi: the
 * oldest such lines, or the newest with STORE_NEWEST in flags. fn must not call back into
 * the store. Returns how many, or -1.
 */
int store_history_range(struct store *st, const char *target, struct store_pos lo,
    struct store_pos hi, int limit, int flags, store_msg_fn fn, void *arg);
/* The time of target's newest line strictly between from_ms and to_ms; 0 when none. */
int64_t store_history_last(struct store *st, const char *target, int64_t from_ms, int64_t to_ms);

/*
 * One bounded retention step: deletes at most STORE_PRUNE_ROWS lines, those older than
 * before_ms first, then those past per_target lines in the next target in turn. Returns
 * how many were deleted, or -1.
 */
int store_prune_step(struct store *st, int64_t before_ms, int per_target);

/* Channels (their state outlives a restart). */
struct store_channel {
	const char *fold;
	const char *name;
	const char *topic; /* NULL or "" when none */
	const char *setter;
	int64_t topic_ms;
	const char *modes; /* "+nt", or "+ntl 25" with the limit */
	const char *key;   /* +k; NULL or "" when none */
	int64_t created_ms;
};
int store_channel_put(struct store *st, const struct store_channel *ch);
/* Forgets the channel and its mask lists. */
int store_channel_del(struct store *st, const char *fold);
/* 1 and *out filled (valid until the next store call) when found, 0 when not, -1 on error. */
int store_channel_get(struct store *st, const char *fold, struct store_channel *out);
typedef void (*store_channel_fn)(const struct store_channel *ch, void *arg);
int store_channels_each(struct store *st, store_channel_fn fn, void *arg);

/* One entry of a channel's ban (b), ban exception (e) or invite exception (I) list. */
struct store_mask {
	char list; /* 'b' 'e' 'I' */
	const char *mask;
	const char *setter;
	int64_t at_ms;
};
/* Replaces the channel's list with v[0..n) (n == 0 empties it), keeping that order. */
int store_channel_masks_set(
    struct store *st, const char *fold, char list, const struct store_mask *v, size_t n);
typedef void (*store_mask_fn)(const struct store_mask *m, void *arg);
/* Calls fn for every entry of every list of the channel, each list in its order. */
int store_channel_masks_each(struct store *st, const char *fold, store_mask_fn fn, void *arg);

/* Accounts. name is casefolded; hash is a crypt(3) string, never a password. */
struct store_account {
	const char *name;
	const char *hash; /* NULL when the account logs in by certificate only */
	int64_t created_ms;
	int64_t seen_ms;
};
/* 0, or 1 when the name is taken, or -1. */
int store_account_add(struct store *st, const char *name, const char *hash, int64_t now_ms);
int store_account_get(struct store *st, const char *name, struct store_account *out);
int store_account_set_hash(struct store *st, const char *name, const char *hash);
int store_account_seen(struct store *st, const char *name, int64_t now_ms);
/* Drops the account, its certificates and its waiting offline messages. */
int store_account_del(struct store *st, const char *name);

/* Certificate fingerprints (lowercase hex SHA-256), up to ACCOUNT_CERTS_MAX per account. */
/* 0, 1 when the fingerprint belongs to an account already, 2 when the account is full, -1. */
int store_cert_add(struct store *st, const char *name, const char *fp, int64_t now_ms);
/* 0, or 1 when the account has no such fingerprint, or -1. */
int store_cert_del(struct store *st, const char *name, const char *fp);
/* The account a fingerprint belongs to, copied into name (cap bytes); 1 found, 0 not, -1. */
int store_cert_owner(struct store *st, const char *fp, char *name, size_t cap);
typedef void (*store_str_fn)(const char *s, void *arg);
int store_cert_each(struct store *st, const char *name, store_str_fn fn, void *arg);

/* Offline messages: a private message kept for an account until its owner logs in. */
/* 0, or 1 when the recipient already has OFFLINE_PER_RECIPIENT waiting, or -1. */
int store_offline_add(struct store *st, const char *recipient, const struct store_msg *m);
/* Calls fn for each waiting message of recipient, oldest first (target is the recipient). */
int store_offline_each(struct store *st, const char *recipient, store_msg_fn fn, void *arg);
int store_offline_clear(struct store *st, const char *recipient);

#endif
