/*
 * hmap: open-addressing hash map from NUL-terminated string keys to pointers.
 * Keys are not copied: each key must live as long as its entry (store it in the value).
 */
#ifndef LANCHAT_HMAP_H
#define LANCHAT_HMAP_H

#include <stddef.h>

struct hmap_ent {
	const char *key;
	void *val;
	size_t hash;
};

struct hmap {
	struct hmap_ent *tab;
	size_t cap; /* power of two, or 0 */
	size_t len;
};

void hmap_init(struct hmap *m);
void hmap_free(struct hmap *m);
void *hmap_get(const struct hmap *m, const char *key);
/* Inserts or replaces. Returns 0, or -1 if memory ran out. */
int hmap_put(struct hmap *m, const char *key, void *val);
void *hmap_del(struct hmap *m, const char *key);
/* Iteration: *pos starts at 0; returns the next value or NULL at the end. */
void *hmap_next(const struct hmap *m, size_t *pos);

#endif
