#include "client/seen.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

void
seen_init(struct seen *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->cap = cap > 0 ? cap : 1;
}

void
seen_free(struct seen *s)
{
	free(s->ring);
	free(s->slots);
	s->ring = s->slots = NULL;
	s->head = s->len = 0;
}

void
seen_clear(struct seen *s)
{
	if (s->slots != NULL)
		memset(s->slots, 0, (s->mask + 1) * sizeof *s->slots);
	s->head = s->len = 0;
}

/* Keys are hashes already; the multiply spreads ones that differ only in high bits. */
static size_t
home(const struct seen *s, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & s->mask;
}

bool
seen_has(const struct seen *s, uint64_t key)
{
	if (s->slots == NULL || key == 0)
		return false;
	for (size_t i = home(s, key);; i = (i + 1) & s->mask) {
		if (s->slots[i] == key)
			return true;
		if (s->slots[i] == 0)
			return false;
	}
}

/* Removes key from the slots, moving back the keys after it that probed past it. */
static void
unslot(struct seen *s, uint64_t key)
{
	size_t i = home(s, key);
	while (s->slots[i] != key) {
		if (s->slots[i] == 0)
			return;
		i = (i + 1) & s->mask;
	}
	for (size_t j = (i + 1) & s->mask; s->slots[j] != 0; j = (j + 1) & s->mask) {
		size_t h = home(s, s->slots[j]);
		/* Can the key at j live at i? Only if i lies between its home and j, cyclically. */
		bool movable = i <= j ? (h <= i || h > j) : (h <= i && h > j);
		if (movable) {
			s->slots[i] = s->slots[j];
			i = j;
		}
	}
	s->slots[i] = 0;
}

bool
seen_add(struct seen *s, uint64_t key)
{
	if (key == 0 || seen_has(s, key))
		return false;
	if (s->slots == NULL) {
		/* At most half full, so probes stay short. */
		size_t n = 2;
		while (n < s->cap * 2)
			n *= 2;
		s->slots = xcalloc(n, sizeof *s->slots);
		s->mask = n - 1;
		s->ring = xcalloc(s->cap, sizeof *s->ring);
	}
	if (s->len == s->cap) {
		unslot(s, s->ring[s->head]);
		s->head = (s->head + 1) % s->cap;
		s->len--;
	}
	s->ring[(s->head + s->len++) % s->cap] = key;
	size_t i = home(s, key);
	while (s->slots[i] != 0)
		i = (i + 1) & s->mask;
	s->slots[i] = key;
	return true;
}

uint64_t
seen_key(unsigned win, const char *msgid)
{
	/* FNV-1a over the window's id and the msgid. */
	uint64_t h = 0xcbf29ce484222325ull;
	for (int i = 0; i < 4; i++)
		h = (h ^ ((win >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	for (const char *p = msgid; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return h != 0 ? h : 1;
}
