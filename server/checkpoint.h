/*
 * checkpoint: copies the store's write-ahead log into the database file from a thread of its
 * own, so the fsync that goes with it never holds up the loop.
 *
 * The loop's connection commits into the WAL (a write to the page cache: enough for kill -9)
 * and never checkpoints; this thread opens a second connection to the same file and runs a
 * PASSIVE checkpoint every STORE_CHECKPOINT_MS, which waits for nobody, and at once each time
 * the loop says the WAL has grown by STORE_CHECKPOINT_WAKE pages. The only things it shares
 * with the loop are that nudge, the hold, and a few counters, all atomics.
 */
#ifndef LANCHAT_CHECKPOINT_H
#define LANCHAT_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ckpt;

/* Starts the thread on the database at path; NULL (and a message in err) on failure. */
struct ckpt *ckpt_start(const char *path, char *err, size_t errcap);
/*
 * Called by the loop after a commit that left the WAL at pages frames: wakes the thread when
 * the WAL has grown enough to be worth copying now. Cheap: at most one wake-up per round.
 */
void ckpt_nudge(struct ckpt *ck, int pages);
/*
 * While held, the thread starts no new round (one under way finishes): the loop is about to
 * copy the rest of the WAL itself. NULL is fine.
 */
void ckpt_hold(struct ckpt *ck, bool on);
/*
 * Stops the thread and closes its connection (the store's own connection, closed last,
 * copies what is left). NULL is fine.
 */
void ckpt_stop(struct ckpt *ck);

struct ckpt_stats {
	uint64_t runs;
	uint64_t errors;
	int64_t last_us; /* how long the last one took, fsync included */
	int64_t max_us;
};
void ckpt_stats(const struct ckpt *ck, struct ckpt_stats *out);

#endif
