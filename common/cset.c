#include "common/cset.h"

#include <stdlib.h>

void
cset_init(struct cset *s)
{
	*s = (struct cset){ 0 };
}

void
cset_free(struct cset *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->items[i]->set = NULL;
	free(s->items);
	*s = (struct cset){ 0 };
}

int
cset_reserve(struct cset *s, size_t n)
{
	size_t cap = s->cap ? s->cap : 16;
	struct cset_link **items;

	if (n <= s->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	items = realloc(s->items, cap * sizeof *items);
	if (items == NULL)
		return -1;
	s->items = items;
	s->cap = cap;
	return 0;
}

int
cset_add(struct cset *s, struct cset_link *l)
{
	if (l->set == s)
		return 0;
	if (s->n == s->cap && cset_reserve(s, s->n + 1) < 0)
		return -1;
	cset_del(l);
	l->set = s;
	l->pos = s->n;
	s->items[s->n++] = l;
	return 0;
}

void
cset_del(struct cset_link *l)
{
	struct cset *s = l->set;

	if (s == NULL)
		return;
	s->items[l->pos] = s->items[--s->n];
	s->items[l->pos]->pos = l->pos;
	l->set = NULL;
}
