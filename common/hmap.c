#include "common/hmap.h"

#include <stdlib.h>
#include <string.h>

static size_t
hash_str(const char *s)
{
	/* FNV-1a */
	size_t h = (size_t)1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= (size_t)1099511628211ULL;
	}
	return h;
}

void
hmap_init(struct hmap *m)
{
	memset(m, 0, sizeof *m);
}

void
hmap_free(struct hmap *m)
{
	free(m->tab);
	hmap_init(m);
}

static struct hmap_ent *
find(const struct hmap *m, const char *key, size_t h)
{
	if (m->cap == 0)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct hmap_ent *e = &m->tab[i];
		if (e->key == NULL)
			return NULL;
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	}
}

void *
hmap_get(const struct hmap *m, const char *key)
{
	struct hmap_ent *e = find(m, key, hash_str(key));
	return e ? e->val : NULL;
}

static void
place(struct hmap_ent *tab, size_t cap, const struct hmap_ent *src)
{
	size_t i = src->hash & (cap - 1);
	while (tab[i].key != NULL)
		i = (i + 1) & (cap - 1);
	tab[i] = *src;
}

int
hmap_put(struct hmap *m, const char *key, void *val)
{
	size_t h = hash_str(key);
	struct hmap_ent *e = find(m, key, h);

	if (e != NULL) {
		e->key = key;
		e->val = val;
		return 0;
	}
	if ((m->len + 1) * 4 > m->cap * 3) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct hmap_ent *tab = calloc(cap, sizeof *tab);
		if (tab == NULL)
			return -1;
		for (size_t i = 0; i < m->cap; i++)
			if (m->tab[i].key != NULL)
				place(tab, cap, &m->tab[i]);
		free(m->tab);
		m->tab = tab;
		m->cap = cap;
	}
	struct hmap_ent ne = { key, val, h };
	place(m->tab, m->cap, &ne);
	m->len++;
	return 0;
}

void *
hmap_del(struct hmap *m, const char *key)
{
	struct hmap_ent *e = find(m, key, hash_str(key));
	if (e == NULL)
		return NULL;
	void *val = e->val;
	size_t mask = m->cap - 1, i = (size_t)(e - m->tab), j = i;

	/* Backward-shift deletion keeps probe chains intact without tombstones. */
	m->tab[i].key = NULL;
	for (;;) {
		j = (j + 1) & mask;
		if (m->tab[j].key == NULL)
			break;
		size_t home = m->tab[j].hash & mask;
		/* Move j into the hole at i if its home is not within (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->tab[i] = m->tab[j];
			m->tab[j].key = NULL;
			i = j;
		}
	}
	m->len--;
	return val;
}

void *
hmap_next(const struct hmap *m, size_t *pos)
{
	while (*pos < m->cap) {
		struct hmap_ent *e = &m->tab[(*pos)++];
		if (e->key != NULL)
			return e->val;
	}
	return NULL;
}
