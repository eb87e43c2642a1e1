#include "server/checkpoint.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "common/limits.h"
#include "common/util.h"

struct ckpt {
	sqlite3 *db;
	pthread_t thread;
	pthread_mutex_t lock; /* guards stop, with wake */
	pthread_cond_t wake;
	bool stop;
	atomic_bool nudged; /* a wake-up is on its way or the round it asked for has not begun */
	atomic_bool held;   /* the loop is checkpointing: start no round */
	int last_pages;     /* the loop's alone: the WAL after its last commit */
	int wake_at;        /* the loop's alone: the WAL size that wakes the thread next */
	atomic_uint_fast64_t runs, errors;
	atomic_int_fast64_t last_us, max_us;
	char path[STATE_DIR_LEN + 32];
};

static int64_t
mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Returns how many frames the WAL holds that are not in the database yet. */
static int
run_once(struct ckpt *ck)
{
	int64_t t0 = mono_us();
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(ck->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	int64_t us = mono_us() - t0;

	atomic_fetch_add(&ck->runs, 1);
	atomic_store(&ck->last_us, us);
	if (us > atomic_load(&ck->max_us))
		atomic_store(&ck->max_us, us);
	/*
	 * BUSY: the loop's connection holds a lock for a moment; the next round catches up.
	 * Errors are counted, not logged: logging is the loop's (the dashboard draws it).
	 */
	if ((rc != SQLITE_OK && rc != SQLITE_BUSY) || (rc == SQLITE_OK && log < 0))
		atomic_fetch_add(&ck->errors, 1);
	return rc == SQLITE_OK && log > done ? log - done : 0;
}

static void *
ckpt_main(void *arg)
{
	struct ckpt *ck = arg;
	struct timespec due;
	int behind = 0;

#ifdef __linux__
	/*
	 * Yield to the loop when both want one core: Linux gives each thread a nice value of its
	 * own (elsewhere this call would lower the whole process, so it is Linux only).
	 */
	setpriority(PRIO_PROCESS, (id_t)gettid(), STORE_CHECKPOINT_NICE);
#endif
	pthread_mutex_lock(&ck->lock);
	while (!ck->stop) {
		if (atomic_load(&ck->held)) {
			pthread_cond_wait(&ck->wake, &ck->lock);
			continue;
		}
		/*
		 * Behind a busy writer, go again at once: the WAL starts over only after a
		 * checkpoint has caught up with it, so the loop's own fallback stays rare.
		 */
		if (behind > STORE_CHECKPOINT_LAG_PAGES) {
			pthread_mutex_unlock(&ck->lock);
			behind = run_once(ck);
			pthread_mutex_lock(&ck->lock);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &due);
		due.tv_sec += STORE_CHECKPOINT_MS / 1000;
		due.tv_nsec += (long)(STORE_CHECKPOINT_MS % 1000) * 1000000;
		if (due.tv_nsec >= 1000000000) {
			due.tv_sec++;
			due.tv_nsec -= 1000000000;
		}
		while (!ck->stop && !atomic_load(&ck->nudged) &&
		    pthread_cond_timedwait(&ck->wake, &ck->lock, &due) != ETIMEDOUT)
			;
		atomic_store(&ck->nudged, false);
		pthread_mutex_unlock(&ck->lock);
		behind = run_once(ck);
		pthread_mutex_lock(&ck->lock);
	}
	pthread_mutex_unlock(&ck->lock);
	return NULL;
}

struct ckpt *
ckpt_start(const char *path, char *err, size_t errcap)
{
	struct ckpt *ck = xcalloc(1, sizeof *ck);

	str_copy(ck->path, path, sizeof ck->path);
	ck->wake_at = STORE_CHECKPOINT_WAKE;
	if (sqlite3_open_v2(path, &ck->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errcap, "%s: cannot open the database for checkpoints: %s", path,
		    ck->db ? sqlite3_errmsg(ck->db) : "out of memory");
		sqlite3_close(ck->db);
		free(ck);
		return NULL;
	}
	/* A checkpoint that meets the loop's write lock waits a little, never long. */
	sqlite3_busy_timeout(ck->db, STORE_CHECKPOINT_MS / 4);
	/*
	 * A connection finds the WAL on its first read; until then a checkpoint through it
	 * does nothing and says so with -1 frames. Read once now.
	 */
	char *why = NULL;
	if (sqlite3_exec(ck->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, &why) !=
	    SQLITE_OK) {
		snprintf(err, errcap, "%s: cannot read the database for checkpoints: %s", path,
		    why ? why : sqlite3_errmsg(ck->db));
		sqlite3_free(why);
		sqlite3_close(ck->db);
		free(ck);
		return NULL;
	}
	pthread_mutex_init(&ck->lock, NULL);
	pthread_cond_init(&ck->wake, NULL);
	int rc = pthread_create(&ck->thread, NULL, ckpt_main, ck);
	if (rc != 0) {
		snprintf(
		    err, errcap, "%s: cannot start the checkpoint thread: %s", path, strerror(rc));
		sqlite3_close(ck->db);
		free(ck);
		return NULL;
	}
	return ck;
}

void
ckpt_nudge(struct ckpt *ck, int pages)
{
	if (ck == NULL)
		return;
	/*
	 * Once per STORE_CHECKPOINT_WAKE new pages, not at every commit while the WAL is long:
	 * back-to-back rounds behind a writer that never pauses copy the same pages again and
	 * again, and sync each time.
	 */
	if (pages < ck->last_pages)
		ck->wake_at = STORE_CHECKPOINT_WAKE; /* the WAL started over */
	ck->last_pages = pages;
	if (pages < ck->wake_at || atomic_exchange(&ck->nudged, true))
		return;
	ck->wake_at = pages + STORE_CHECKPOINT_WAKE;
	pthread_mutex_lock(&ck->lock);
	pthread_cond_signal(&ck->wake);
	pthread_mutex_unlock(&ck->lock);
}

void
ckpt_hold(struct ckpt *ck, bool on)
{
	if (ck == NULL || atomic_exchange(&ck->held, on) == on)
		return;
	if (!on) {
		pthread_mutex_lock(&ck->lock);
		pthread_cond_signal(&ck->wake);
		pthread_mutex_unlock(&ck->lock);
	}
}

void
ckpt_stop(struct ckpt *ck)
{
	if (ck == NULL)
		return;
	pthread_mutex_lock(&ck->lock);
	ck->stop = true;
	pthread_cond_signal(&ck->wake);
	pthread_mutex_unlock(&ck->lock);
	pthread_join(ck->thread, NULL);
	sqlite3_close(ck->db);
	pthread_cond_destroy(&ck->wake);
	pthread_mutex_destroy(&ck->lock);
	free(ck);
}

void
ckpt_stats(const struct ckpt *ck, struct ckpt_stats *out)
{
	struct ckpt *c = (struct ckpt *)ck; /* atomics are read through non-const pointers */
	out->runs = atomic_load(&c->runs);
	out->errors = atomic_load(&c->errors);
	out->last_us = atomic_load(&c->last_us);
	out->max_us = atomic_load(&c->max_us);
}
