/*
 * timerq: deadlines kept in a binary min-heap, so that a loop finds the due ones (and how
 * long it may sleep) without visiting everything that has a deadline. A timer is embedded
 * in whatever it belongs to; setting, moving and cancelling it are O(log n), the earliest
 * due time is O(1). Times are plain numbers (milliseconds of the caller's clock): the clock
 * is a parameter, so tests drive it by hand. Pure: only growing the heap allocates, and
 * tq_reserve does that ahead for callers that must not fail later.
 */
#ifndef LANCHAT_TIMERQ_H
#define LANCHAT_TIMERQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tq_timer {
	int64_t due;
	size_t pos; /* heap index + 1; 0 while not queued */
};

struct tq {
	struct tq_timer **heap;
	size_t n, cap;
};

/* The struct that embeds a timer, from the timer. */
#define TQ_ENTRY(timer, type, member) \
	((type *)(void *)((char *)(timer) - offsetof(type, member)))

void tq_init(struct tq *q);
/* Frees the heap; timers still queued are left as not queued. */
void tq_free(struct tq *q);
/* Room for n timers; 0, or -1 when memory runs out. */
int tq_reserve(struct tq *q, size_t n);
/* Queues t at due, or moves it there if queued. 0, or -1 when the heap cannot grow. */
int tq_set(struct tq *q, struct tq_timer *t, int64_t due);
/*
 * Like tq_set, but never makes a queued timer later: for deadlines that only ever come
 * closer, so the timer may fire early (the owner then sets the true next one).
 */
int tq_set_earlier(struct tq *q, struct tq_timer *t, int64_t due);
void tq_cancel(struct tq *q, struct tq_timer *t);
static inline bool
tq_queued(const struct tq_timer *t)
{
	return t->pos != 0;
}
static inline size_t
tq_count(const struct tq *q)
{
	return q->n;
}
/* The earliest due time, or INT64_MAX when nothing is queued. */
int64_t tq_next_due(const struct tq *q);
/* Takes the earliest timer off the queue if it is due at now, else returns NULL. */
struct tq_timer *tq_pop_due(struct tq *q, int64_t now);

#endif
