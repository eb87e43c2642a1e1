/*
 * bench_hist: a latency histogram of fixed size. Log-linear buckets (32 per power of two, so
 * about 3% resolution) keep percentiles honest without storing every sample.
 */
#ifndef LANCHAT_BENCH_HIST_H
#define LANCHAT_BENCH_HIST_H

#include <stdint.h>

enum {
	HIST_SUB_BITS = 5,
	HIST_SUB = 1 << HIST_SUB_BITS, /* buckets per power of two */
	HIST_GROUPS = 40,              /* up to 2^40 ns, about 18 minutes */
	HIST_BUCKETS = HIST_GROUPS * HIST_SUB,
};

struct hist {
	uint64_t count;
	uint64_t max;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
/* The value below which fraction p (0..1) of the samples lie; 0 when empty. */
uint64_t hist_pct(const struct hist *h, double p);

#endif
