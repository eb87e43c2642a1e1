/*
 * lanchat-store-bench: the figures of the history store, measured on a real file.
 *
 * usage: lanchat-store-bench DIR [MESSAGES [QUERIES]]
 *
 * Fills DIR/lanchatd.db with MESSAGES lines (default 1000000) spread over four channels,
 * committed in passes of 64 as the server does, then reports the file size per message, the
 * time to open the filled file (start-up), and the latency of CHATHISTORY's reads: LATEST
 * 100 and BEFORE 100 from a random msgid of the busiest channel (p50, p99, max over QUERIES
 * runs, default 2000). DIR must not hold a lanchatd.db yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/util.h"
#include "server/history.h"
#include "server/store.h"

enum { PASS_ROWS = 64, READ_LIMIT = 100, NCHANNELS = 4, SAMPLES = 4096 };

static char sample[SAMPLES][MSGID_LEN + 1];
static size_t nsample;

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void
count_row(const struct store_msg *m, void *arg)
{
	(void)m;
	(*(int *)arg)++;
}

static void
report(const char *what, int64_t *ns, int n)
{
	qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
	printf("%-24s p50 %7.1f us  p99 %7.1f us  max %7.1f us  (%d runs)\n", what,
	    (double)ns[n / 2] / 1000, (double)ns[n * 99 / 100] / 1000, (double)ns[n - 1] / 1000, n);
}

static struct store *
open_or_die(const char *path)
{
	char err[STORE_ERR_LEN];
	struct store *st = store_open(path, err, sizeof err);
	if (st == NULL) {
		fprintf(stderr, "lanchat-store-bench: %s\n", err);
		exit(1);
	}
	return st;
}

int
main(int argc, char **argv)
{
	static const char *const chans[NCHANNELS] = { "#lan", "#dev", "#random", "#ops" };
	char path[4096], msgid[MSGID_LEN + 1], text[160];
	long total, queries;
	struct hist_idgen g;
	struct stat sb;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s DIR [MESSAGES [QUERIES]]\n", argv[0]);
		return 2;
	}
	total = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
	queries = argc > 3 ? strtol(argv[3], NULL, 10) : 2000;
	if (total < READ_LIMIT || queries < 1) {
		fprintf(stderr, "%s: MESSAGES must be at least %d, QUERIES at least 1\n", argv[0],
		    READ_LIMIT);
		return 2;
	}
	snprintf(path, sizeof path, "%s/lanchatd.db", argv[1]);
	if (stat(path, &sb) == 0) {
		fprintf(stderr, "%s: %s exists already\n", argv[0], path);
		return 2;
	}

	struct store *st = open_or_die(path);
	int64_t t0 = now_ns(), ms = 1767225600000LL; /* 2026-01-01 */
	hist_idgen_seed(&g, NULL);
	srand(1);
	for (long i = 0; i < total; i++) {
		/* Half the traffic in #lan, the rest spread; lines of chat-like length. */
		const char *target = chans[i % 2 == 0 ? 0 : 1 + (i / 2) % (NCHANNELS - 1)];
		ms += rand() % 2000;
		hist_msgid_next(&g, ms, msgid);
		snprintf(text, sizeof text, "line %ld: %.*s", i, 20 + rand() % 60,
		    "the quick brown fox jumps over the lazy dog while the demo runs on the lan "
		    "and everyone watches the wire view");
		struct store_msg m = { .msgid = msgid,
			.ms = ms,
			.target = target,
			.kind = "PRIVMSG",
			.sender = "alice!~alice@192.168.1.20",
			.text = text };
		if (store_history_add(st, &m) != 0)
			return 1;
		/* Lines of #lan past the first READ_LIMIT are BEFORE's starting points. */
		if (i % 2 == 0 && i / 2 >= READ_LIMIT && nsample < SAMPLES &&
		    rand() % (int)(total / 2 / SAMPLES + 1) == 0)
			memcpy(sample[nsample++], msgid, sizeof msgid);
		if ((i + 1) % PASS_ROWS == 0)
			store_pass_end(st);
	}
	store_pass_end(st);
	if (nsample == 0) {
		fprintf(stderr, "no line sampled; store more messages\n");
		return 1;
	}
	double fill_s = (double)(now_ns() - t0) / 1e9;
	store_close(st);
	stat(path, &sb);
	printf("%ld messages stored in %.1f s (%.0f a second, passes of %d)\n", total, fill_s,
	    (double)total / fill_s, PASS_ROWS);
	printf("file %.1f MB: %.0f bytes per message (text averages 55 bytes)\n",
	    (double)sb.st_size / 1e6, (double)sb.st_size / (double)total);

	t0 = now_ns();
	st = open_or_die(path);
	char max[MSGID_LEN + 1];
	store_history_last_msgid(st, max);
	printf("open with %ld messages: %.1f ms (msgid seed included)\n", total,
	    (double)(now_ns() - t0) / 1e6);

	int64_t *ns = xcalloc((size_t)queries, sizeof *ns);
	for (long k = 0; k < queries; k++) {
		int n = 0;
		int64_t q0 = now_ns();
		store_history_range(st, "#lan", STORE_POS_FIRST, STORE_POS_LAST, READ_LIMIT,
		    STORE_NEWEST, count_row, &n);
		ns[k] = now_ns() - q0;
		if (n != READ_LIMIT)
			return 1;
	}
	report("LATEST #lan * 100", ns, (int)queries);

	/* BEFORE from a random stored line of #lan: the msgid lookup and the read. */
	for (long k = 0; k < queries; k++) {
		int n = 0;
		struct store_pos at;
		const char *id = sample[(size_t)rand() % nsample];
		int64_t q0 = now_ns();
		if (store_msgid_pos(st, "#lan", id, hist_msgid_time(id), &at) != 0)
			return 1;
		store_history_range(
		    st, "#lan", STORE_POS_FIRST, at, READ_LIMIT, STORE_NEWEST, count_row, &n);
		ns[k] = now_ns() - q0;
	}
	report("BEFORE #lan msgid= 100", ns, (int)queries);
	free(ns);
	store_close(st);
	return 0;
}
