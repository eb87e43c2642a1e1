/* bench_hist: log-linear latency histogram. */
#include <string.h>

#include "bench_hist.h"

void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof *h);
}

static unsigned
hist_index(uint64_t v)
{
	unsigned mag, shift, idx;

	if (v < HIST_SUB)
		return (unsigned)v;
	mag = 63 - (unsigned)__builtin_clzll(v);
	shift = mag - HIST_SUB_BITS;
	idx = (shift + 1) * HIST_SUB + (unsigned)((v >> shift) & (HIST_SUB - 1));
	return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

/* The middle of a bucket: the best single guess for the samples it holds. */
static uint64_t
hist_value(unsigned idx)
{
	unsigned group = idx / HIST_SUB, sub = idx % HIST_SUB, shift;
	uint64_t lower;

	if (group == 0)
		return idx;
	shift = group - 1;
	lower = (uint64_t)(HIST_SUB + sub) << shift;
	return lower + ((1ULL << shift) >> 1);
}

void
hist_add(struct hist *h, uint64_t v)
{
	h->bucket[hist_index(v)]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

uint64_t
hist_pct(const struct hist *h, double p)
{
	uint64_t want, seen = 0;
	unsigned i;

	if (h->count == 0)
		return 0;
	want = (uint64_t)(p * (double)h->count + 0.5);
	if (want < 1)
		want = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= want) {
			uint64_t v = hist_value(i);
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}
