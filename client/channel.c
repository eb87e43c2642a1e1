#include "client/channel.h"

#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/util.h"

static void
fold(char *dst, size_t cap, const char *nick)
{
	size_t i = 0;
	for (; nick[i] != '\0' && i + 1 < cap; i++)
		dst[i] = irc_tolower(nick[i]);
	dst[i] = '\0';
}

void
chan_clear(struct sess_chan *c)
{
	for (size_t i = 0; i < c->nmembers; i++)
		free(c->members[i]);
	free(c->members);
	hmap_free(&c->by_nick);
	c->members = NULL;
	c->nmembers = c->cap = c->not_kept = 0;
	c->sorted = true;
}

struct sess_member *
chan_member_find(struct sess_chan *c, const char *nick)
{
	char key[NICK_LEN + 1];
	fold(key, sizeof key, nick);
	return hmap_get(&c->by_nick, key);
}

static unsigned char
ranks_of(const char *prefixes)
{
	unsigned char r = 0;
	for (const char *p = prefixes; *p != '\0'; p++) {
		const char *at = strchr(CHAN_RANKS, *p);
		if (at != NULL)
			r |= (unsigned char)(1u << (at - CHAN_RANKS));
	}
	return r;
}

/* The member's display prefix: its highest rank. */
static void
set_ranks(struct sess_member *m, unsigned char ranks)
{
	m->ranks = ranks;
	m->prefix = 0;
	for (int i = 0; CHAN_RANKS[i] != '\0' && m->prefix == 0; i++)
		if (ranks & (1u << i))
			m->prefix = CHAN_RANKS[i];
}

/* Rank first (the lowest bit set: '~' before '@' before '+' before none), then nick. */
static int
member_cmp(const struct sess_member *x, const struct sess_member *y)
{
	int rx = x->ranks ? __builtin_ctz(x->ranks) : 8, ry = y->ranks ? __builtin_ctz(y->ranks) : 8;
	if (rx != ry)
		return rx - ry;
	return irc_casecmp(x->nick, y->nick);
}

bool
chan_member_add(struct sess_chan *c, const char *nick, const char *prefixes)
{
	struct sess_member *m = chan_member_find(c, nick);
	if (m != NULL) {
		set_ranks(m, ranks_of(prefixes));
		c->sorted = false;
		return true;
	}
	if (c->nmembers >= CLIENT_CHAN_MEMBERS_MAX) {
		c->not_kept++;
		return false;
	}
	if (c->nmembers == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->members = xrealloc(c->members, c->cap * sizeof *c->members);
	}
	m = xcalloc(1, sizeof *m);
	str_copy(m->nick, nick, sizeof m->nick);
	fold(m->key, sizeof m->key, m->nick);
	set_ranks(m, ranks_of(prefixes));
	m->idx = c->nmembers;
	if (hmap_put(&c->by_nick, m->key, m) != 0) {
		free(m);
		c->not_kept++;
		return false;
	}
	c->members[c->nmembers++] = m;
	c->sorted = c->nmembers < 2 ||
	    (c->sorted && member_cmp(c->members[c->nmembers - 2], m) < 0);
	return true;
}

bool
chan_member_rank(struct sess_chan *c, const char *nick, char prefix, bool on)
{
	struct sess_member *m = chan_member_find(c, nick);
	const char *at = prefix != 0 ? strchr(CHAN_RANKS, prefix) : NULL;
	if (m == NULL)
		return false;
	if (at == NULL)
		return true;
	unsigned char bit = (unsigned char)(1u << (at - CHAN_RANKS));
	set_ranks(m, on ? (unsigned char)(m->ranks | bit) : (unsigned char)(m->ranks & ~bit));
	c->sorted = false;
	return true;
}

bool
chan_member_del(struct sess_chan *c, const char *nick)
{
	struct sess_member *m = chan_member_find(c, nick);
	if (m == NULL)
		return false;
	size_t i = m->idx;
	hmap_del(&c->by_nick, m->key);
	/* The last one takes its place: O(1); the order is restored by chan_sort. */
	c->members[i] = c->members[--c->nmembers];
	c->members[i]->idx = i;
	if (i != c->nmembers)
		c->sorted = false;
	free(m);
	return true;
}

void
chan_member_rename(struct sess_chan *c, const char *from, const char *to)
{
	struct sess_member *m = chan_member_find(c, from);
	if (m == NULL)
		return;
	unsigned char ranks = m->ranks;
	bool away = m->away, account = m->account;
	chan_member_del(c, from);
	chan_member_add(c, to, "");
	m = chan_member_find(c, to);
	if (m != NULL) {
		set_ranks(m, ranks);
		m->away = away;
		m->account = account;
	}
}

static int
by_rank(const void *a, const void *b)
{
	const struct sess_member *const *x = a, *const *y = b;
	return member_cmp(*x, *y);
}

void
chan_sort(struct sess_chan *c)
{
	if (c->sorted || c->nmembers < 2) {
		c->sorted = true;
		return;
	}
	qsort(c->members, c->nmembers, sizeof *c->members, by_rank);
	for (size_t i = 0; i < c->nmembers; i++)
		c->members[i]->idx = i;
	c->sorted = true;
}
