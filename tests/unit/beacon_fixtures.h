/* Beacons the beacon tests build on: a server's, a user's and a goodbye, with fixed fields. */
#ifndef LANCHAT_TEST_BEACON_FIXTURES_H
#define LANCHAT_TEST_BEACON_FIXTURES_H

#include <stdint.h>
#include <string.h>

#include "common/beacon.h"

static inline struct beacon
server_beacon(void)
{
	struct beacon b;

	memset(&b, 0, sizeof b);
	b.kind = BEACON_SERVER;
	b.id = 0x0123456789abcdefULL;
	b.seq = 42;
	strcpy(b.name, "Lab 3 = 100% caf\xc3\xa9");
	b.port = 6667;
	b.users = 12;
	b.max = 4096;
	b.uptime = 86400;
	strcpy(b.ver, "0.1.0");
	return b;
}

static inline struct beacon
user_beacon(uint64_t id, uint64_t seq)
{
	struct beacon b;

	memset(&b, 0, sizeof b);
	b.kind = BEACON_USER;
	b.id = id;
	b.seq = seq;
	strcpy(b.nick, "alice");
	b.status = BEACON_AWAY;
	b.idle = 300;
	b.server = 0xfeedULL;
	return b;
}

static inline struct beacon
bye_beacon(uint64_t id, uint64_t seq)
{
	struct beacon b;

	memset(&b, 0, sizeof b);
	b.kind = BEACON_BYE;
	b.id = id;
	b.seq = seq;
	return b;
}

#endif
