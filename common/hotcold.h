/*
 * hotcold: which connections poll() watches on every pass (hot) and which it only looks at
 * now and then (cold), so that a pass costs what is active rather than what is connected.
 *
 * A member is hot when it joins and again whenever it shows activity. The owner walks the
 * hot set each pass anyway (to build the poll set) and cools, with hc_cool, the members
 * hc_silent reports and that it judges to have nothing in flight (no output waiting, no
 * input buffered, registration done). The cold set is polled when hc_cold_due says so: at
 * most cold_every_ms apart, and the owner caps its hot poll's timeout with hc_cold_wait, so
 * a line from a cold member waits at most that long. The clock is a parameter: pure, and
 * tested with a fake clock. Moving between the sets never allocates (hc_add reserves).
 */
#ifndef LANCHAT_HOTCOLD_H
#define LANCHAT_HOTCOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/cset.h"

struct hc_member {
	struct cset_link link; /* in hot or cold while a member */
	int64_t active_ms;     /* last activity */
};

struct hc {
	struct cset hot, cold;
	int64_t cold_after_ms; /* silence before a member may cool */
	int64_t cold_every_ms; /* the most time between two polls of the cold set */
	int64_t cold_next_ms;  /* when the cold set is next due */
	uint64_t cold_polls;   /* passes that polled the cold set */
	uint64_t warmed;       /* cold members that became hot again */
};

#define HC_ENTRY(m, type, member) ((type *)(void *)((char *)(m) - offsetof(type, member)))

void hc_init(struct hc *h, int64_t cold_after_ms, int64_t cold_every_ms, int64_t now);
void hc_free(struct hc *h);
/* A new member, hot and active now. 0, or -1 when memory runs out (m is then in no set). */
int hc_add(struct hc *h, struct hc_member *m, int64_t now);
void hc_remove(struct hc *h, struct hc_member *m);
/* Activity (bytes read): hot, and the silence starts over. */
void hc_activity(struct hc *h, struct hc_member *m, int64_t now);
/* Hot without counting as activity: output that has to wait for POLLOUT, an answer expected. */
void hc_heat(struct hc *h, struct hc_member *m);
void hc_cool(struct hc *h, struct hc_member *m);
static inline bool
hc_is_cold(const struct hc *h, const struct hc_member *m)
{
	return cset_has(&h->cold, &m->link);
}
/* Silent long enough to cool? */
bool hc_silent(const struct hc *h, const struct hc_member *m, int64_t now);
/* Should this pass poll the cold set? Never while it is empty. */
bool hc_cold_due(const struct hc *h, int64_t now);
/* This pass polled the cold set (call after the poll, with the clock read after it). */
void hc_cold_polled(struct hc *h, int64_t now);
/* Milliseconds a hot-only poll may block before the cold set is due; INT64_MAX if empty. */
int64_t hc_cold_wait(const struct hc *h, int64_t now);
static inline size_t
hc_hot_count(const struct hc *h)
{
	return cset_count(&h->hot);
}
static inline size_t
hc_cold_count(const struct hc *h)
{
	return cset_count(&h->cold);
}
static inline struct hc_member *
hc_hot_at(const struct hc *h, size_t i)
{
	return CSET_ENTRY(cset_at(&h->hot, i), struct hc_member, link);
}
static inline struct hc_member *
hc_cold_at(const struct hc *h, size_t i)
{
	return CSET_ENTRY(cset_at(&h->cold, i), struct hc_member, link);
}

#endif
