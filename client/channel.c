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

bool
chan_member_add(struct sess_chan *c, const char *nick, char prefix)
{
	struct sess_member *m = chan_member_find(c, nick);
	if (m != NULL) {
		m->prefix = prefix;
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
	m->prefix = prefix;
	m->idx = c->nmembers;
	if (hmap_put(&c->by_nick, m->key, m) != 0) {
		free(m);
		c->not_kept++;
		return false;
	}
	c->members[c->nmembers++] = m;
	c->sorted = c->nmembers < 2 ||
	    (c->sorted && irc_casecmp(c->members[c->nmembers - 2]->nick, m->nick) < 0);
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
	char prefix = m->prefix;
	bool away = m->away;
	chan_member_del(c, from);
	chan_member_add(c, to, prefix);
	m = chan_member_find(c, to);
	if (m != NULL)
		m->away = away;
}

static int
by_nick(const void *a, const void *b)
{
	const struct sess_member *const *x = a, *const *y = b;
	return irc_casecmp((*x)->nick, (*y)->nick);
}

void
chan_sort(struct sess_chan *c)
{
	if (c->sorted || c->nmembers < 2) {
		c->sorted = true;
		return;
	}
	qsort(c->members, c->nmembers, sizeof *c->members, by_nick);
	for (size_t i = 0; i < c->nmembers; i++)
		c->members[i]->idx = i;
	c->sorted = true;
}
