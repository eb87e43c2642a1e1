/*
 * seen: a bounded set of message keys, so that a message given again (a replay on join, a
 * history page that overlaps what was shown) is never shown twice. A key is a 64-bit hash of
 * a window's name and a msgid (seen_key); the same msgid may name one QUIT in several
 * windows. When cap keys are held, adding one forgets the oldest. Pure: no I/O.
 */
#ifndef LANCHAT_SEEN_H
#define LANCHAT_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct seen {
	uint64_t *ring; /* keys in the order added, the oldest at head */
	size_t cap, head, len;
	uint64_t *slots; /* open addressing over the same keys; 0 is an empty slot */
	size_t mask;
};

/* An empty set of at most cap keys (nothing is allocated until the first add). */
void seen_init(struct seen *s, size_t cap);
void seen_free(struct seen *s);
void seen_clear(struct seen *s);
bool seen_has(const struct seen *s, uint64_t key);
/* Adds key; false if it was there already. */
bool seen_add(struct seen *s, uint64_t key);
/*
 * The key of msgid in window win (its id: a window closed and opened again is a new one,
 * and shows the conversation again); never 0.
 */
uint64_t seen_key(unsigned win, const char *msgid);

#endif
