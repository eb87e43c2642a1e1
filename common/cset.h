/*
 * cset: a set of members kept in a dense array, for lists a server walks every pass (hot and
 * cold connections, connections with output pending, connections to reap), so that the walk
 * costs what is in the list, not what exists. A member embeds one struct cset_link per kind
 * of list it can be on, and is in at most one set through each link. Adding, removing and
 * asking are O(1). Removing the member at position i moves the last one there: to remove
 * while walking, walk from the end. Pure: no I/O; only cset_reserve allocates, so a caller
 * that reserves room for every member it may add can add and move without failing.
 */
#ifndef LANCHAT_CSET_H
#define LANCHAT_CSET_H

#include <stdbool.h>
#include <stddef.h>

struct cset;

struct cset_link {
	struct cset *set; /* NULL while in no set */
	size_t pos;
};

struct cset {
	struct cset_link **items;
	size_t n, cap;
};

/* The struct that embeds a link, from the link. */
#define CSET_ENTRY(link, type, member) \
	((type *)(void *)((char *)(link) - offsetof(type, member)))

void cset_init(struct cset *s);
void cset_free(struct cset *s);
/* Room for at least n members; 0, or -1 when memory runs out (the set is unchanged). */
int cset_reserve(struct cset *s, size_t n);
/*
 * Puts l in s, taking it out of any other set first; nothing happens if it is in s already.
 * 0, or -1 when s is full and cannot grow (l is then where it was).
 */
int cset_add(struct cset *s, struct cset_link *l);
/* Takes l out of whatever set it is in; harmless if it is in none. */
void cset_del(struct cset_link *l);
static inline bool
cset_has(const struct cset *s, const struct cset_link *l)
{
	return l->set == s;
}
static inline size_t
cset_count(const struct cset *s)
{
	return s->n;
}
static inline struct cset_link *
cset_at(const struct cset *s, size_t i)
{
	return s->items[i];
}

#endif
