#include "server/server.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/util.h"

struct server srv;

void
srv_init(void)
{
	struct tm tm;

	hmap_init(&srv.nicks);
	hmap_init(&srv.channels);
	srv.started = time(NULL);
	localtime_r(&srv.started, &tm);
	strftime(srv.created, sizeof srv.created, "%a %b %d %Y at %H:%M:%S %Z", &tm);
}

void
srv_motd_clear(void)
{
	for (int i = 0; i < srv.motd_lines; i++)
		free(srv.motd[i]);
	srv.motd_lines = 0;
}

void
srv_free(void)
{
	srv_motd_clear();
	hmap_free(&srv.nicks);
	hmap_free(&srv.channels);
	free(srv.conns);
	srv.conns = NULL;
	srv.nconns = srv.capconns = 0;
}

void *
srv_lookup(const struct hmap *m, const char *name, size_t maxlen)
{
	char fold[IRC_LINE_MAX];
	/* Folded to maxlen, a longer name would find a different entry. */
	if (maxlen >= sizeof fold || strlen(name) > maxlen)
		return NULL;
	irc_casefold(fold, name, sizeof fold);
	return hmap_get(m, fold);
}

struct conn *
srv_find_nick(const char *nick)
{
	return srv_lookup(&srv.nicks, nick, NICK_LEN);
}

struct channel *
srv_find_channel(const char *name)
{
	return srv_lookup(&srv.channels, name, CHANNEL_LEN);
}
