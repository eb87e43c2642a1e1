#include "server/channel.h"

#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/conn.h"
#include "server/server.h"

static struct channel *
chan_create(const char *name)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	str_copy(ch->name, name, sizeof ch->name);
	irc_casefold(ch->fold, name, sizeof ch->fold);
	ch->created = time(NULL);
	if (hmap_put(&srv.channels, ch->fold, ch) < 0) {
		log_error("out of memory creating %s", name);
		exit(1);
	}
	return ch;
}

enum num_error
chan_join(struct conn *c, const char *name, struct channel **joined)
{
	struct channel *ch;

	*joined = NULL;
	if (!irc_valid_channel(name)) {
		/* A channel name that is too long or has a bad character: 479, else 403. */
		return irc_is_channel(name) ? NUM_BAD_CHAN_NAME : NUM_NO_SUCH_CHANNEL;
	}
	ch = srv_find_channel(name);
	if (ch != NULL && conn_in_channel(c, ch))
		return NUM_OK;
	if (c->nchans >= CHANNELS_PER_CLIENT)
		return NUM_TOO_MANY_CHANNELS;
	if (ch == NULL)
		ch = chan_create(name);
	if (ch->nmembers == ch->capmembers) {
		ch->capmembers = ch->capmembers ? ch->capmembers * 2 : 8;
		ch->members = xrealloc(ch->members, ch->capmembers * sizeof *ch->members);
	}
	ch->members[ch->nmembers++] = c;
	/* Grow the per-connection list in small steps: most people sit in one or two channels. */
	c->chans = xrealloc(c->chans, (size_t)(c->nchans + 1) * sizeof *c->chans);
	c->chans[c->nchans++] = ch;
	*joined = ch;
	return NUM_OK;
}

void
chan_remove(struct conn *c, struct channel *ch)
{
	for (size_t i = 0; i < ch->nmembers; i++) {
		if (ch->members[i] == c) {
			memmove(&ch->members[i], &ch->members[i + 1],
			    (ch->nmembers - i - 1) * sizeof *ch->members);
			ch->nmembers--;
			break;
		}
	}
	for (int i = 0; i < c->nchans; i++) {
		if (c->chans[i] == ch) {
			memmove(&c->chans[i], &c->chans[i + 1],
			    (size_t)(c->nchans - i - 1) * sizeof *c->chans);
			c->nchans--;
			break;
		}
	}
	if (ch->nmembers == 0) {
		hmap_del(&srv.channels, ch->fold);
		free(ch->members);
		free(ch->topic);
		free(ch);
	}
}

void
chan_set_topic(struct channel *ch, const struct conn *by, const char *topic)
{
	free(ch->topic);
	ch->topic = NULL;
	if (topic[0] != '\0') {
		size_t n = san_utf8_cut(topic, strlen(topic), TOPIC_LEN);
		ch->topic = xmalloc(n + 1);
		memcpy(ch->topic, topic, n);
		ch->topic[n] = '\0';
	}
	/* Clients show 333's setter as a mask ("set by alice [~alice@10.0.0.5]"). */
	conn_prefix(by, ch->topic_by, sizeof ch->topic_by);
	ch->topic_at = time(NULL);
}
