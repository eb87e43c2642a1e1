#include "client/channel.h"

#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/util.h"

void
chan_clear(struct sess_chan *c)
{
	free(c->members);
	c->members = NULL;
	c->nmembers = c->cap = 0;
}

struct sess_member *
chan_member_find(struct sess_chan *c, const char *nick)
{
	for (size_t i = 0; i < c->nmembers; i++)
		if (irc_casecmp(c->members[i].nick, nick) == 0)
			return &c->members[i];
	return NULL;
}

void
chan_member_add(struct sess_chan *c, const char *nick, char prefix)
{
	struct sess_member *m = chan_member_find(c, nick);
	if (m != NULL) {
		m->prefix = prefix;
		return;
	}
	if (c->nmembers == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->members = xrealloc(c->members, c->cap * sizeof *c->members);
	}
	/* Kept sorted, so the user list and completion need no sorting of their own. */
	size_t i = 0;
	while (i < c->nmembers && irc_casecmp(c->members[i].nick, nick) < 0)
		i++;
	memmove(&c->members[i + 1], &c->members[i], (c->nmembers - i) * sizeof *c->members);
	memset(&c->members[i], 0, sizeof *c->members);
	str_copy(c->members[i].nick, nick, sizeof c->members[i].nick);
	c->members[i].prefix = prefix;
	c->nmembers++;
}

bool
chan_member_del(struct sess_chan *c, const char *nick)
{
	struct sess_member *m = chan_member_find(c, nick);
	if (m == NULL)
		return false;
	size_t i = (size_t)(m - c->members);
	memmove(&c->members[i], &c->members[i + 1], (c->nmembers - i - 1) * sizeof *m);
	c->nmembers--;
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
