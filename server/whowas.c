#include "server/whowas.h"

#include <string.h>

#include "common/ircmsg.h"
#include "common/util.h"

void
whowas_add(struct whowas *w, const char *nick, const char *user, const char *host,
    const char *realname, int64_t left)
{
	struct whowas_entry *e = &w->ring[w->head];

	str_copy(e->nick, nick, sizeof e->nick);
	irc_casefold(e->fold, e->nick, sizeof e->fold);
	str_copy(e->user, user, sizeof e->user);
	str_copy(e->host, host, sizeof e->host);
	str_copy(e->realname, realname, sizeof e->realname);
	e->left = left;
	w->head = (w->head + 1) % WHOWAS_MAX;
	if (w->count < WHOWAS_MAX)
		w->count++;
}

const struct whowas_entry *
whowas_find(const struct whowas *w, const char *nick, unsigned nth)
{
	char fold[NICK_LEN + 1];

	if (strlen(nick) > NICK_LEN)
		return NULL;
	irc_casefold(fold, nick, sizeof fold);
	for (unsigned i = 0; i < w->count; i++) {
		const struct whowas_entry *e = &w->ring[(w->head + WHOWAS_MAX - 1 - i) % WHOWAS_MAX];
		if (strcmp(e->fold, fold) == 0 && nth-- == 0)
			return e;
	}
	return NULL;
}
