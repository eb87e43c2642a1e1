#include "common/timerq.h"

#include <stdlib.h>

void
tq_init(struct tq *q)
{
	*q = (struct tq){ 0 };
}

void
tq_free(struct tq *q)
{
	for (size_t i = 0; i < q->n; i++)
		q->heap[i]->pos = 0;
	free(q->heap);
	*q = (struct tq){ 0 };
}

int
tq_reserve(struct tq *q, size_t n)
{
	size_t cap = q->cap ? q->cap : 16;
	struct tq_timer **heap;

	if (n <= q->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	heap = realloc(q->heap, cap * sizeof *heap);
	if (heap == NULL)
		return -1;
	q->heap = heap;
	q->cap = cap;
	return 0;
}

static void
place(struct tq *q, size_t i, struct tq_timer *t)
{
	q->heap[i] = t;
	t->pos = i + 1;
}

static void
sift_up(struct tq *q, size_t i)
{
	struct tq_timer *t = q->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (q->heap[parent]->due <= t->due)
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, t);
}

static void
sift_down(struct tq *q, size_t i)
{
	struct tq_timer *t = q->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= q->n)
			break;
		if (child + 1 < q->n && q->heap[child + 1]->due < q->heap[child]->due)
			child++;
		if (t->due <= q->heap[child]->due)
			break;
		place(q, i, q->heap[child]);
		i = child;
	}
	place(q, i, t);
}

int
tq_set(struct tq *q, struct tq_timer *t, int64_t due)
{
	if (t->pos == 0) {
		if (q->n == q->cap && tq_reserve(q, q->n + 1) < 0)
			return -1;
		t->due = due;
		place(q, q->n++, t);
		sift_up(q, q->n - 1);
		return 0;
	}
	int64_t old = t->due;
	t->due = due;
	if (due < old)
		sift_up(q, t->pos - 1);
	else
		sift_down(q, t->pos - 1);
	return 0;
}

int
tq_set_earlier(struct tq *q, struct tq_timer *t, int64_t due)
{
	if (t->pos != 0 && t->due <= due)
		return 0;
	return tq_set(q, t, due);
}

void
tq_cancel(struct tq *q, struct tq_timer *t)
{
	size_t i = t->pos;

	if (i == 0)
		return;
	i--;
	t->pos = 0;
	if (i == --q->n)
		return;
	/* The last timer fills the hole and moves whichever way its due time says. */
	place(q, i, q->heap[q->n]);
	if (i > 0 && q->heap[i]->due < q->heap[(i - 1) / 2]->due)
		sift_up(q, i);
	else
		sift_down(q, i);
}

int64_t
tq_next_due(const struct tq *q)
{
	return q->n > 0 ? q->heap[0]->due : INT64_MAX;
}

struct tq_timer *
tq_pop_due(struct tq *q, int64_t now)
{
	struct tq_timer *t;

	if (q->n == 0 || q->heap[0]->due > now)
		return NULL;
	t = q->heap[0];
	tq_cancel(q, t);
	return t;
}
