#include "client/discovery.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ircmsg.h"
#include "common/lan.h"
#include "common/net.h"
#include "common/util.h"

struct discovery {
	int fd;
	int port;
	bool announce;
	struct lan_dests dests;
	uint64_t id;
	uint64_t seq;
	int64_t next_send;
	struct disc_counts counts;
	struct beacon_roster *roster;
};

struct discovery *
disc_open(const struct disc_config *cfg, char *errbuf, size_t errcap)
{
	struct discovery *d = xcalloc(1, sizeof *d);

	d->port = cfg->port;
	d->announce = cfg->announce;
	d->id = lan_random_id();
	/*
	 * Every lanchat and lanchatd on the host binds the same port and hears each broadcast.
	 * Bound here, before disc_tick sends our first beacon: servers answer that at once.
	 */
	d->fd = lan_beacon_socket(d->port, true, errbuf, errcap);
	if (d->fd < 0) {
		free(d);
		return NULL;
	}
	lan_dests_init(&d->dests, d->port);
	for (int i = 0; i < cfg->ndest; i++)
		lan_dests_add(&d->dests, cfg->dest[i]);
	d->roster = xcalloc(1, sizeof *d->roster);
	beacon_roster_init(d->roster, d->id, BEACON_INTERVAL_MS);
	return d;
}

int
disc_fd(const struct discovery *d)
{
	return d->fd;
}

bool
disc_read(struct discovery *d, int64_t now_ms)
{
	bool changed = false;

	/* Bounded per call: a flood of datagrams must not starve the terminal. */
	for (int k = 0; k < 64; k++) {
		char buf[BEACON_MAX + 1], addr[NET_ADDRSTR];
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		ssize_t n = recvfrom(d->fd, buf, sizeof buf, 0, (struct sockaddr *)&ss, &sl);

		if (n < 0)
			break;
		net_addr_str((struct sockaddr *)&ss, addr, sizeof addr);
		changed |= disc_take(d, buf, (size_t)n, addr, now_ms);
	}
	return changed;
}

bool
disc_take(struct discovery *d, const char *data, size_t len, const char *addr, int64_t now_ms)
{
	struct beacon b;

	if (beacon_decode(data, len, &b) != BEACON_OK) {
		d->counts.rejected++;
		return false;
	}
	switch (beacon_roster_update(d->roster, &b, addr, now_ms)) {
	case BEACON_NEW:
	case BEACON_GONE:
	case BEACON_UPDATED: /* user counts, status and idle times move */
	case BEACON_RESTART:
		d->counts.heard++;
		return true;
	case BEACON_SELF:
		return false;
	default:
		d->counts.dropped++;
		return false;
	}
}

static void
send_one(struct discovery *d, const struct beacon *b)
{
	char buf[BEACON_MAX];
	int n = beacon_encode(b, buf, sizeof buf);

	if (n < 0)
		return;
	d->counts.sent += (uint64_t)lan_send(d->fd, &d->dests, buf, (size_t)n);
}

bool
disc_tick(struct discovery *d, const struct disc_self *self, int64_t now_ms, int64_t *next_ms)
{
	bool changed = beacon_roster_expire(d->roster, now_ms) > 0;

	if (d->announce && self->nick != NULL && self->nick[0] != '\0' && now_ms >= d->next_send) {
		struct beacon b;
		memset(&b, 0, sizeof b);
		b.kind = BEACON_USER;
		b.id = d->id;
		b.seq = ++d->seq;
		str_copy(b.nick, self->nick, sizeof b.nick);
		b.status = self->status;
		b.idle = self->idle_s;
		const struct beacon_peer *srvp = self->server_addr == NULL ? NULL :
		    disc_find_server(d, self->server_addr, self->server_port);
		b.server = srvp != NULL ? srvp->b.id : 0;
		send_one(d, &b);
		d->next_send = now_ms + beacon_jitter(BEACON_INTERVAL_MS, lan_random32());
	}
	*next_ms = d->announce ? d->next_send : now_ms + BEACON_INTERVAL_MS;
	if (*next_ms > now_ms + 1000)
		*next_ms = now_ms + 1000; /* expiry is checked about once a second */
	return changed;
}

void
disc_close(struct discovery *d)
{
	if (d == NULL)
		return;
	if (d->announce && d->seq > 0) {
		struct beacon b;
		memset(&b, 0, sizeof b);
		b.kind = BEACON_BYE;
		b.id = d->id;
		b.seq = ++d->seq;
		send_one(d, &b);
	}
	close(d->fd);
	free(d->roster);
	free(d);
}

const struct beacon_roster *
disc_roster(const struct discovery *d)
{
	return d->roster;
}

const struct disc_counts *
disc_counts(const struct discovery *d)
{
	return &d->counts;
}

static int
by_trust_then_heard(const void *a, const void *b)
{
	const struct beacon_peer *x = *(const struct beacon_peer *const *)a;
	const struct beacon_peer *y = *(const struct beacon_peer *const *)b;
	if (x->pinned != y->pinned)
		return x->pinned ? -1 : 1;
	if (x->suspect != y->suspect)
		return x->suspect ? 1 : -1;
	return (x->first_ms < y->first_ms) - (x->first_ms > y->first_ms);
}

static int
by_nick(const void *a, const void *b)
{
	const struct beacon_peer *x = *(const struct beacon_peer *const *)a;
	const struct beacon_peer *y = *(const struct beacon_peer *const *)b;
	return irc_casecmp(x->b.nick, y->b.nick);
}

static size_t
collect(const struct discovery *d, enum beacon_kind kind, const struct beacon_peer **out,
    size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < d->roster->len && n < max; i++)
		if (d->roster->peers[i].b.kind == kind)
			out[n++] = &d->roster->peers[i];
	return n;
}

size_t
disc_servers(const struct discovery *d, const struct beacon_peer **out, size_t max)
{
	const struct beacon_peer *all[BEACON_ROSTER_MAX];
	size_t n = collect(d, BEACON_SERVER, all, BEACON_ROSTER_MAX);
	/* Sorted before cutting to max, so a flood cannot push the joined server off the list. */
	qsort(all, n, sizeof *all, by_trust_then_heard);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof *out);
	return n;
}

size_t
disc_users(const struct discovery *d, const struct beacon_peer **out, size_t max)
{
	size_t n = collect(d, BEACON_USER, out, max);
	qsort(out, n, sizeof *out, by_nick);
	return n;
}

const struct beacon_peer *
disc_find_server(const struct discovery *d, const char *addr, int port)
{
	for (size_t i = 0; i < d->roster->len; i++) {
		const struct beacon_peer *p = &d->roster->peers[i];
		/* Either of its listeners: a client on its TLS port is on the same server. */
		if (p->b.kind == BEACON_SERVER && (p->b.port == port || p->b.tls_port == port) &&
		    strcmp(p->addr, addr) == 0)
			return p;
	}
	return NULL;
}

void
disc_pin(struct discovery *d, const struct beacon_peer *p)
{
	if (d != NULL)
		beacon_roster_pin(d->roster, p->b.id, p->addr);
}

const char *
disc_server_name(const struct discovery *d, uint64_t id)
{
	const struct beacon_peer *p = beacon_roster_find(d->roster, id);
	return p != NULL && p->b.kind == BEACON_SERVER ? p->b.name : NULL;
}
