/*
 * libFuzzer target for the LANCHAT/1 beacon codec and roster. The input is split at '\n'
 * into datagrams (so one input can carry a conversation); each is decoded, and whatever
 * decodes is re-encoded (it must decode to the same beacon) and fed to a roster with a
 * fake clock. Broken promises abort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/beacon.h"
#include "tests/fuzz/fuzz.h"

static struct beacon_roster roster;

static void
check_same(const struct beacon *a, const struct beacon *b)
{
	CHECK(a->kind == b->kind && a->id == b->id && a->seq == b->seq);
	CHECK(strcmp(a->name, b->name) == 0 && strcmp(a->ver, b->ver) == 0);
	CHECK(strcmp(a->nick, b->nick) == 0);
	CHECK(a->port == b->port && a->users == b->users && a->max == b->max);
	CHECK(a->uptime == b->uptime && a->status == b->status && a->idle == b->idle);
	CHECK(a->server == b->server);
	CHECK(a->tls_port == b->tls_port && strcmp(a->fp, b->fp) == 0);
}

static void
datagram(const char *d, size_t n, int index, int64_t now)
{
	static const char *const addrs[] = { "10.0.0.1", "10.0.0.2", "fe80::1" };
	char buf[BEACON_MAX];
	struct beacon b, again;
	int rc, len;

	rc = beacon_decode(d, n, &b);
	CHECK(rc <= 0 && rc > -BEACON_NERR);
	CHECK(beacon_strerror(rc) != NULL);
	if (rc != BEACON_OK)
		return;
	len = beacon_encode(&b, buf, sizeof buf);
	CHECK(len > 0 && len <= BEACON_MAX);
	CHECK(beacon_decode(buf, (size_t)len, &again) == BEACON_OK);
	check_same(&b, &again);

	size_t before = roster.len;
	enum beacon_verdict v = beacon_roster_update(&roster, &b, addrs[index % 3], now);
	CHECK(roster.len <= BEACON_ROSTER_MAX);
	switch (v) {
	case BEACON_NEW:
		CHECK(roster.len == before + 1);
		break;
	case BEACON_GONE:
		CHECK(roster.len == before - 1);
		CHECK(beacon_roster_find_at(&roster, b.id, addrs[index % 3]) == NULL);
		return;
	default:
		break;
	}
	if (v == BEACON_NEW || v == BEACON_UPDATED || v == BEACON_RESTART) {
		const struct beacon_peer *p =
		    beacon_roster_find_at(&roster, b.id, addrs[index % 3]);
		CHECK(p != NULL && p->heard_ms == now);
		check_same(&p->b, &b);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	int64_t now = 1000;
	int index = 0;

	beacon_roster_init(&roster, 0x5e1f, 1000);
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl != NULL ? nl : end;
		datagram(p, (size_t)(stop - p), index++, now);
		/* Time moves in steps that reach both the rate limit and expiry. */
		now += (index % 7) * 150;
		beacon_roster_expire(&roster, now);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}
