#include "server/channel.h"

#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/conn.h"
#include "server/modes.h"
#include "server/server.h"

static struct channel *
chan_create(const char *name)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	str_copy(ch->name, name, sizeof ch->name);
	irc_casefold(ch->fold, name, sizeof ch->fold);
	ch->created = time(NULL);
	ch->modes = MODE_DEFAULTS;
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
	c->chanstatus = xrealloc(c->chanstatus, (size_t)(c->nchans + 1));
	c->chanstatus[c->nchans] = 0;
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
			memmove(&c->chanstatus[i], &c->chanstatus[i + 1], (size_t)(c->nchans - i - 1));
			c->nchans--;
			break;
		}
	}
	if (ch->nmembers == 0) {
		hmap_del(&srv.channels, ch->fold);
		chan_release(ch);
		free(ch);
	}
}

void
chan_release(struct channel *ch)
{
	free(ch->members);
	free(ch->topic);
	free(ch->bans.v);
	free(ch->excepts.v);
	free(ch->invex.v);
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

int
chan_index(const struct conn *c, const struct channel *ch)
{
	for (int i = 0; i < c->nchans; i++)
		if (c->chans[i] == ch)
			return i;
	return -1;
}

unsigned
chan_status(const struct conn *c, const struct channel *ch)
{
	int i = chan_index(c, ch);
	return i < 0 ? 0 : c->chanstatus[i];
}

bool
chan_set_status(struct conn *c, struct channel *ch, unsigned bits, bool on)
{
	int i = chan_index(c, ch);
	if (i < 0)
		return false;
	if (on)
		c->chanstatus[i] |= (unsigned char)bits;
	else
		c->chanstatus[i] &= (unsigned char)~bits;
	return true;
}

bool
chan_is_op(const struct conn *c, const struct channel *ch)
{
	return c->oper || (chan_status(c, ch) & CHAN_OP);
}

const char *
chan_prefix(unsigned status, bool multi, char *buf)
{
	size_t n = 0;
	if (status & CHAN_OP)
		buf[n++] = '@';
	if ((status & CHAN_VOICE) && (multi || n == 0))
		buf[n++] = '+';
	buf[n] = '\0';
	return buf;
}

struct chan_masks *
chan_list(struct channel *ch, char letter)
{
	switch (letter) {
	case 'b':
		return &ch->bans;
	case 'e':
		return &ch->excepts;
	case 'I':
		return &ch->invex;
	default:
		return NULL;
	}
}

static ptrdiff_t
mask_find(const struct chan_masks *l, const char *mask)
{
	for (size_t i = 0; i < l->n; i++)
		if (irc_casecmp(l->v[i].mask, mask) == 0)
			return (ptrdiff_t)i;
	return -1;
}

int
chan_mask_add(struct chan_masks *l, const char *mask, const char *setter)
{
	if (mask_find(l, mask) >= 0)
		return 1;
	if (l->n >= CHAN_LIST_MAX)
		return 2;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	struct chan_mask *m = &l->v[l->n++];
	str_copy(m->mask, mask, sizeof m->mask);
	str_copy(m->setter, setter, sizeof m->setter);
	m->at = time(NULL);
	return 0;
}

bool
chan_mask_del(struct chan_masks *l, const char *mask)
{
	ptrdiff_t i = mask_find(l, mask);
	if (i < 0)
		return false;
	memmove(&l->v[i], &l->v[i + 1], (l->n - (size_t)i - 1) * sizeof *l->v);
	l->n--;
	return true;
}

bool
chan_mask_matches(const struct chan_masks *l, const struct conn *c)
{
	char who[CONN_PREFIX_LEN];

	if (l->n == 0)
		return false;
	/* Masks name "nick!user@host" as WHO shows it: the user with its "~". */
	conn_prefix(c, who, sizeof who);
	for (size_t i = 0; i < l->n; i++)
		if (mode_mask_match(l->v[i].mask, who))
			return true;
	return false;
}

bool
chan_banned(const struct channel *ch, const struct conn *c)
{
	return chan_mask_matches(&ch->bans, c) && !chan_mask_matches(&ch->excepts, c);
}

void
chan_invite(struct channel *ch, const struct conn *c)
{
	for (size_t i = 0; i < CHAN_INVITES_MAX; i++)
		if (ch->invites[i] == c->id)
			return;
	ch->invites[ch->ninvites_next] = c->id;
	ch->ninvites_next = (ch->ninvites_next + 1) % CHAN_INVITES_MAX;
}

bool
chan_invited(struct channel *ch, const struct conn *c, bool take)
{
	for (size_t i = 0; i < CHAN_INVITES_MAX; i++) {
		if (ch->invites[i] == c->id && c->id != 0) {
			if (take)
				ch->invites[i] = 0;
			return true;
		}
	}
	return false;
}
