/* Unit tests for common/beacon: the LANCHAT/1 codec, the roster (with a fake clock), jitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/beacon.h"

static struct beacon_roster roster; /* too large for the stack */

static struct beacon
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

static struct beacon
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

static struct beacon
bye_beacon(uint64_t id, uint64_t seq)
{
	struct beacon b;

	memset(&b, 0, sizeof b);
	b.kind = BEACON_BYE;
	b.id = id;
	b.seq = seq;
	return b;
}

static void
assert_same(const struct beacon *a, const struct beacon *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_true(a->id == b->id);
	assert_true(a->seq == b->seq);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->port, b->port);
	assert_int_equal(a->users, b->users);
	assert_int_equal(a->max, b->max);
	assert_int_equal(a->uptime, b->uptime);
	assert_string_equal(a->ver, b->ver);
	assert_string_equal(a->nick, b->nick);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->idle, b->idle);
	assert_true(a->server == b->server);
	assert_int_equal(a->tls_port, b->tls_port);
	assert_string_equal(a->fp, b->fp);
}

static void
round_trip(const struct beacon *in)
{
	char buf[BEACON_MAX];
	struct beacon out;
	int n = beacon_encode(in, buf, sizeof buf);

	assert_true(n > 0 && n <= BEACON_MAX);
	/* The wire form is printable ASCII only. */
	for (int i = 0; i < n; i++)
		assert_true(buf[i] >= 0x20 && buf[i] <= 0x7e);
	assert_int_equal(beacon_decode(buf, (size_t)n, &out), BEACON_OK);
	assert_same(in, &out);
}

/* Decodes a NUL-terminated datagram and expects rc; on error the output is left zeroed. */
static void
expect_decode(const char *text, int rc)
{
	static const struct beacon zero;
	struct beacon b;
	int got = beacon_decode(text, strlen(text), &b);

	if (got != rc)
		fail_msg("\"%s\": got %d (%s), want %d (%s)", text, got, beacon_strerror(got), rc,
		    beacon_strerror(rc));
	if (rc != BEACON_OK)
		assert_memory_equal(&b, &zero, sizeof b);
}

static void
test_round_trips(void **state)
{
	struct beacon b;
	(void)state;

	b = server_beacon();
	round_trip(&b);
	b = user_beacon(7, 1);
	round_trip(&b);
	b.server = 0; /* on no server: "-" */
	b.status = BEACON_IDLE;
	round_trip(&b);
	b.status = BEACON_AVAILABLE;
	round_trip(&b);
	b = bye_beacon(UINT64_MAX, UINT64_MAX);
	round_trip(&b);

	/* Extremes of every field. */
	b = server_beacon();
	b.port = 65535;
	b.users = b.max = MAX_CLIENTS_CEILING;
	b.uptime = UINT32_MAX;
	b.seq = 0;
	memset(b.name, 'n', SERVER_NAME_LEN);
	b.name[SERVER_NAME_LEN] = '\0';
	memset(b.ver, 'v', BEACON_VER_LEN);
	b.ver[BEACON_VER_LEN] = '\0';
	round_trip(&b);
	b = user_beacon(1, 0);
	memset(b.nick, 'z', NICK_LEN);
	b.nick[NICK_LEN] = '\0';
	b.idle = UINT32_MAX;
	round_trip(&b);
}

static void
test_wire_format(void **state)
{
	char buf[BEACON_MAX + 1];
	struct beacon b;
	int n;
	(void)state;

	/* The exact bytes, as documented in beacon.h. */
	b = bye_beacon(0xff, 7);
	n = beacon_encode(&b, buf, sizeof buf);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "LANCHAT/1 bye id=00000000000000ff seq=7");

	b = user_beacon(0xabc, 3);
	b.server = 0;
	n = beacon_encode(&b, buf, sizeof buf);
	buf[n] = '\0';
	assert_string_equal(buf, "LANCHAT/1 user id=0000000000000abc seq=3 nick=alice "
	                         "status=away idle=300 server=-");

	b = server_beacon();
	n = beacon_encode(&b, buf, sizeof buf);
	buf[n] = '\0';
	assert_string_equal(buf, "LANCHAT/1 server id=0123456789abcdef seq=42 "
	                         "name=Lab%203%20%3D%20100%25%20caf%C3%A9 port=6667 users=12 "
	                         "max=4096 uptime=86400 ver=0.1.0");
}

static void
test_decode_lenient_forms(void **state)
{
	struct beacon b;
	const char *t;
	(void)state;

	/* Short and upper-case ids, lower-case escapes, keys in any order. */
	t = "LANCHAT/1 user seq=9 server=FEED idle=0 status=available nick=bob id=A";
	assert_int_equal(beacon_decode(t, strlen(t), &b), BEACON_OK);
	assert_true(b.id == 0xa && b.server == 0xfeed && b.seq == 9);
	assert_string_equal(b.nick, "bob");
	t = "LANCHAT/1 server id=1 seq=1 name=a%c3%a9%20b port=1 users=0 max=1 uptime=0 ver=x";
	assert_int_equal(beacon_decode(t, strlen(t), &b), BEACON_OK);
	assert_string_equal(b.name, "a\xc3\xa9 b");
}

static void
test_unknown_keys_ignored(void **state)
{
	struct beacon b;
	const char *t;
	(void)state;

	/* Keys of a later version, and keys of another kind, do not matter. */
	t = "LANCHAT/1 bye x-future=1 id=5 topic=%E2%82%AC seq=2 nick=9bad port=0 empty=";
	assert_int_equal(beacon_decode(t, strlen(t), &b), BEACON_OK);
	assert_int_equal(b.kind, BEACON_BYE);
	assert_true(b.id == 5 && b.seq == 2);
	assert_string_equal(b.nick, "");
	assert_int_equal(b.port, 0);
	/* An unknown key is ignored even when repeated, but must still be well-formed. */
	expect_decode("LANCHAT/1 bye id=5 seq=2 later=1 later=2", BEACON_OK);
	expect_decode("LANCHAT/1 bye id=5 seq=2 later=%zz", BEACON_E_MALFORMED);
	expect_decode("LANCHAT/1 bye id=5 seq=2 Later=1", BEACON_E_MALFORMED);
}

static void
test_oversize(void **state)
{
	char buf[BEACON_MAX + 2];
	const char *head = "LANCHAT/1 bye id=1 seq=1 pad=";
	struct beacon b;
	(void)state;

	/* Exactly BEACON_MAX bytes is accepted; one more is not. */
	memset(buf, 'p', sizeof buf);
	memcpy(buf, head, strlen(head));
	assert_int_equal(beacon_decode(buf, BEACON_MAX, &b), BEACON_OK);
	assert_int_equal(beacon_decode(buf, BEACON_MAX + 1, &b), BEACON_E_OVERSIZE);
	/* Oversize is checked before anything else. */
	memset(buf, 0, sizeof buf);
	assert_int_equal(beacon_decode(buf, BEACON_MAX + 1, &b), BEACON_E_OVERSIZE);
}

static void
test_foreign_and_version(void **state)
{
	struct beacon b;
	(void)state;

	expect_decode("", BEACON_E_FOREIGN);
	expect_decode("LANCHAT", BEACON_E_FOREIGN);
	expect_decode("lanchat/1 bye id=1 seq=1", BEACON_E_FOREIGN);
	expect_decode("M-SEARCH * HTTP/1.1", BEACON_E_FOREIGN);
	expect_decode(" LANCHAT/1 bye id=1 seq=1", BEACON_E_FOREIGN);
	assert_int_equal(beacon_decode("\0\0\0\0", 4, &b), BEACON_E_FOREIGN);

	expect_decode("LANCHAT/2 bye id=1 seq=1", BEACON_E_VERSION);
	expect_decode("LANCHAT/10 bye id=1 seq=1", BEACON_E_VERSION);
	expect_decode("LANCHAT/1.1 bye id=1 seq=1", BEACON_E_VERSION);
	expect_decode("LANCHAT/ bye id=1 seq=1", BEACON_E_VERSION);
	expect_decode("LANCHAT/", BEACON_E_VERSION);
	/* A later version may change anything after its header: not even looked at. */
	expect_decode("LANCHAT/2 \x01\xff", BEACON_E_VERSION);
}

static void
test_unknown_kind(void **state)
{
	(void)state;

	expect_decode("LANCHAT/1 party id=1 seq=1", BEACON_E_KIND);
	expect_decode("LANCHAT/1 SERVER id=1 seq=1", BEACON_E_KIND);
	expect_decode("LANCHAT/1 byebye id=1 seq=1", BEACON_E_KIND);
	expect_decode("LANCHAT/1 id=1 seq=1", BEACON_E_KIND);
}

static void
test_malformed(void **state)
{
	static const char *bad[] = {
		"LANCHAT/1",                          /* no kind */
		"LANCHAT/1 ",                         /* empty kind */
		"LANCHAT/1  bye id=1 seq=1",          /* doubled space */
		"LANCHAT/1 bye id=1  seq=1",
		"LANCHAT/1 bye id=1 seq=1 ",          /* trailing space */
		"LANCHAT/1 bye id=1 seq",             /* no '=' */
		"LANCHAT/1 bye id=1 =1 seq=1",        /* empty key */
		"LANCHAT/1 bye id=1 seq=1 ID=1",      /* key not lower case */
		"LANCHAT/1 bye id=1 seq=1 abcdefghijklmnopq=1", /* key too long */
		"LANCHAT/1 bye id=1 seq=1 k.y=1",
		"LANCHAT/1 bye id=1 seq=1%",          /* truncated escapes */
		"LANCHAT/1 bye id=1 seq=1%4",
		"LANCHAT/1 bye id=1 seq=1%g0",
		"LANCHAT/1 bye id=1 seq=1=2",         /* raw '=' in a value */
		"LANCHAT/1 bye id=1 seq=1 id=1",      /* repeated key */
		"LANCHAT/1 bye id=1 seq=1 seq=2",
		"LANCHAT/1 bye id=1\tseq=1",          /* raw control bytes */
		"LANCHAT/1 bye id=1 seq=1\r\n",
		"LANCHAT/1 bye id=1 seq=1\x7f",
		"LANCHAT/1 bye id=1 seq=1 x=\xc3\xa9", /* raw non-ASCII */
	};
	struct beacon b;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_decode(bad[i], BEACON_E_MALFORMED);
	/* A NUL inside the datagram. */
	assert_int_equal(beacon_decode("LANCHAT/1 bye id=1\0seq=1", 24, &b), BEACON_E_MALFORMED);
}

static void
test_missing(void **state)
{
	(void)state;

	expect_decode("LANCHAT/1 bye", BEACON_E_MISSING);
	expect_decode("LANCHAT/1 bye id=1", BEACON_E_MISSING);
	expect_decode("LANCHAT/1 bye seq=1", BEACON_E_MISSING);
	expect_decode("LANCHAT/1 user id=1 seq=1 nick=a status=away idle=0", BEACON_E_MISSING);
	expect_decode("LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0",
	    BEACON_E_MISSING);
	/* A key of another kind does not stand in for a missing one. */
	expect_decode("LANCHAT/1 user id=1 seq=1 name=a status=away idle=0 server=-",
	    BEACON_E_MISSING);
}

static void
test_range(void **state)
{
	static const char *bad[] = {
		"LANCHAT/1 bye id=0 seq=1",
		"LANCHAT/1 bye id=0000000000000000 seq=1",
		"LANCHAT/1 bye id=11111111111111111 seq=1",      /* 17 hex digits */
		"LANCHAT/1 bye id=xyz seq=1",
		"LANCHAT/1 bye id= seq=1",
		"LANCHAT/1 bye id=1 seq=",
		"LANCHAT/1 bye id=1 seq=-1",
		"LANCHAT/1 bye id=1 seq=+1",
		"LANCHAT/1 bye id=1 seq=0x10",
		"LANCHAT/1 bye id=1 seq=18446744073709551616",   /* 2^64 */
		"LANCHAT/1 bye id=1 seq=99999999999999999999",
		"LANCHAT/1 bye id=1 seq=000000000000000000001",  /* 21 digits */
		"LANCHAT/1 server id=1 seq=1 name=x port=0 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=x port=65536 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=2 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=0 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=200001 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=4294967296 ver=1",
		"LANCHAT/1 server id=1 seq=1 name= port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=",
		"LANCHAT/1 server id=1 seq=1 name=%1B%5B2J port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=a%00b port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=%C2%9B port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=%7F port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=%C3%28 port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=%C0%AF port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=%ED%A0%80 port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=%E2%82 port=1 users=0 max=1 uptime=0 ver=1",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 "
		"ver=0123456789abcdef",                               /* BEACON_VER_LEN + 1 */
		"LANCHAT/1 user id=1 seq=1 nick=9lives status=away idle=0 server=-",
		"LANCHAT/1 user id=1 seq=1 nick=a%20b status=away idle=0 server=-",
		"LANCHAT/1 user id=1 seq=1 nick= status=away idle=0 server=-",
		"LANCHAT/1 user id=1 seq=1 nick=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn status=away idle=0 "
		"server=-",                                           /* NICK_LEN + 1 */
		"LANCHAT/1 user id=1 seq=1 nick=a status=busy idle=0 server=-",
		"LANCHAT/1 user id=1 seq=1 nick=a status=AWAY idle=0 server=-",
		"LANCHAT/1 user id=1 seq=1 nick=a status=away idle=4294967296 server=-",
		"LANCHAT/1 user id=1 seq=1 nick=a status=away idle=0 server=0",
		"LANCHAT/1 user id=1 seq=1 nick=a status=away idle=0 server=--",
		"LANCHAT/1 user id=1 seq=1 nick=a status=away idle=0 server=",
	};
	char name[SERVER_NAME_LEN + 2], text[BEACON_MAX];
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_decode(bad[i], BEACON_E_RANGE);

	/* The largest values that are allowed, to show the limits above are the real ones. */
	expect_decode("LANCHAT/1 bye id=1 seq=18446744073709551615", BEACON_OK);
	expect_decode("LANCHAT/1 bye id=ffffffffffffffff seq=00000000000000000001", BEACON_OK);
	expect_decode("LANCHAT/1 server id=1 seq=1 name=x port=65535 users=200000 max=200000 "
	              "uptime=4294967295 ver=0123456789abcde",
	    BEACON_OK);
	expect_decode("LANCHAT/1 user id=1 seq=1 nick=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnn status=idle "
	              "idle=4294967295 server=1",
	    BEACON_OK);

	/* A name of SERVER_NAME_LEN bytes is fine, one more is not. */
	memset(name, 'n', sizeof name);
	name[SERVER_NAME_LEN] = '\0';
	snprintf(text, sizeof text,
	    "LANCHAT/1 server id=1 seq=1 name=%s port=1 users=0 max=1 uptime=0 ver=1", name);
	expect_decode(text, BEACON_OK);
	name[SERVER_NAME_LEN] = 'n';
	name[SERVER_NAME_LEN + 1] = '\0';
	snprintf(text, sizeof text,
	    "LANCHAT/1 server id=1 seq=1 name=%s port=1 users=0 max=1 uptime=0 ver=1", name);
	expect_decode(text, BEACON_E_RANGE);
}

static void
test_encode_rejects(void **state)
{
	char buf[BEACON_MAX];
	struct beacon b;
	(void)state;

	/* The encoder refuses anything the decoder would refuse. */
	b = server_beacon();
	b.id = 0;
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b = server_beacon();
	strcpy(b.name, "evil\x1b[2J");
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b = server_beacon();
	b.name[0] = '\0';
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b = server_beacon();
	b.users = b.max + 1;
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b = server_beacon();
	b.port = 0;
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b = server_beacon();
	memset(b.name, 'x', sizeof b.name); /* not terminated */
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b = user_beacon(1, 1);
	strcpy(b.nick, "no spaces");
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b = user_beacon(1, 1);
	b.status = (enum beacon_status)7;
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b = bye_beacon(1, 1);
	b.kind = (enum beacon_kind)9;
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);

	/* A buffer too small is reported, not overrun. */
	b = server_beacon();
	int n = beacon_encode(&b, buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(beacon_encode(&b, buf, (size_t)n), n);
	assert_int_equal(beacon_encode(&b, buf, (size_t)n - 1), BEACON_E_OVERSIZE);
	assert_int_equal(beacon_encode(&b, buf, 0), BEACON_E_OVERSIZE);
}

static void
test_worst_case_fits(void **state)
{
	char buf[BEACON_MAX];
	struct beacon b = server_beacon();
	(void)state;

	/* The longest name (every byte escaped) and version still fit in one datagram. */
	b.name[0] = '\0';
	for (int i = 0; i < SERVER_NAME_LEN / 3; i++)
		strcat(b.name, "\xe2\x82\xac");
	memset(b.ver, ' ', BEACON_VER_LEN);
	b.ver[0] = 'v';
	b.ver[BEACON_VER_LEN - 1] = 'v';
	b.ver[BEACON_VER_LEN] = '\0';
	b.seq = UINT64_MAX;
	b.uptime = UINT32_MAX;
	b.users = b.max = MAX_CLIENTS_CEILING;
	b.port = 65535;
	assert_true(beacon_encode(&b, buf, sizeof buf) > 0);
	round_trip(&b);
}

static void
test_strerror(void **state)
{
	(void)state;

	/* One distinct message per code, so that logs can tell them apart. */
	for (int a = 0; a > -BEACON_NERR; a--) {
		assert_string_not_equal(beacon_strerror(a), "unknown error");
		for (int b = a - 1; b > -BEACON_NERR; b--)
			assert_string_not_equal(beacon_strerror(a), beacon_strerror(b));
	}
	assert_string_equal(beacon_strerror(-BEACON_NERR), "unknown error");
	assert_string_equal(beacon_strerror(1), "unknown error");
	assert_string_equal(beacon_kind_name(BEACON_USER), "user");
	assert_string_equal(beacon_status_name(BEACON_IDLE), "idle");
}

static void
test_jitter(void **state)
{
	int64_t lo = INT64_MAX, hi = 0;
	uint32_t x = 1;
	(void)state;

	/* Always within interval ± BEACON_JITTER_PCT %, and the extremes are reached. */
	const int64_t span = BEACON_INTERVAL_MS * BEACON_JITTER_PCT / 100;
	assert_int_equal(beacon_jitter(BEACON_INTERVAL_MS, 0), BEACON_INTERVAL_MS - span);
	assert_int_equal(beacon_jitter(BEACON_INTERVAL_MS, (uint32_t)(2 * span)),
	    BEACON_INTERVAL_MS + span);
	for (int i = 0; i < 100000; i++) {
		x = x * 1664525u + 1013904223u;
		int64_t j = beacon_jitter(BEACON_INTERVAL_MS, x);
		assert_true(j >= BEACON_INTERVAL_MS - span && j <= BEACON_INTERVAL_MS + span);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	assert_true(lo < BEACON_INTERVAL_MS - span / 2);
	assert_true(hi > BEACON_INTERVAL_MS + span / 2);
	assert_int_equal(beacon_jitter(0, 12345), 0);
	assert_int_equal(beacon_jitter(1, 12345), 1);
}

static void
test_roster_basic(void **state)
{
	struct beacon s = server_beacon(), u = user_beacon(0x77, 1), b;
	const struct beacon_peer *p;
	int64_t now = 1000;
	(void)state;

	beacon_roster_init(&roster, 0x5e1f, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_NEW);
	assert_int_equal(beacon_roster_update(&roster, &u, "10.0.0.6", now), BEACON_NEW);
	assert_int_equal(roster.len, 2);
	p = beacon_roster_find(&roster, s.id);
	assert_non_null(p);
	assert_string_equal(p->addr, "10.0.0.5");
	assert_int_equal(p->b.port, 6667);
	assert_string_equal(p->b.name, s.name);

	/* Newer seq updates; the same or an older one is stale and changes nothing. */
	now += BEACON_INTERVAL_MS;
	s.seq++;
	s.users = 13;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_UPDATED);
	p = beacon_roster_find(&roster, s.id);
	assert_int_equal(p->b.users, 13);
	assert_string_equal(p->addr, "10.0.0.5");
	assert_int_equal(p->heard_ms, now);
	assert_int_equal(p->first_ms, 1000);
	s.users = 99;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 1), BEACON_STALE);
	s.seq -= 5;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 2), BEACON_STALE);
	p = beacon_roster_find(&roster, s.id);
	assert_int_equal(p->b.users, 13);
	assert_int_equal(p->heard_ms, now);

	/* Our own id is ignored. */
	b = user_beacon(0x5e1f, 100);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.1", now), BEACON_SELF);
	assert_null(beacon_roster_find(&roster, 0x5e1f));

	/* bye: unknown, stale, then effective. */
	b = bye_beacon(0x999, 5);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.8", now), BEACON_UNKNOWN_BYE);
	b = bye_beacon(u.id, 0);
	u.seq = 4;
	assert_int_equal(beacon_roster_update(&roster, &u, "10.0.0.6", now), BEACON_UPDATED);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.6", now), BEACON_STALE);
	b.seq = 4;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.6", now), BEACON_GONE);
	assert_null(beacon_roster_find(&roster, u.id));
	assert_int_equal(roster.len, 1);
	assert_non_null(beacon_roster_find(&roster, s.id));
}

static void
test_roster_expiry(void **state)
{
	struct beacon a = user_beacon(1, 1), b = user_beacon(2, 1);
	const int64_t limit = beacon_expire_ms(BEACON_INTERVAL_MS);
	int64_t now = 0, sent = 0;
	uint32_t x = 7;
	(void)state;

	/* Tolerates BEACON_EXPIRE_INTERVALS - 1 lost beacons at the longest jitter... */
	int64_t longest = beacon_jitter(BEACON_INTERVAL_MS, (uint32_t)(2 * BEACON_INTERVAL_MS *
	                                                                BEACON_JITTER_PCT / 100));
	assert_true(limit >= BEACON_EXPIRE_INTERVALS * longest);
	/* ...but forgets a silent sender within a few intervals. */
	assert_true(limit <= (BEACON_EXPIRE_INTERVALS + 1) * BEACON_INTERVAL_MS);

	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &a, "10.0.0.1", 0), BEACON_NEW);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.2", 0), BEACON_NEW);
	/* a keeps beaconing at jittered intervals for a long time; b falls silent. */
	for (int i = 0; i < 200; i++) {
		x = x * 1664525u + 1013904223u;
		now += beacon_jitter(BEACON_INTERVAL_MS, x);
		a.seq++;
		assert_int_equal(beacon_roster_update(&roster, &a, "10.0.0.1", now),
		    BEACON_UPDATED);
		beacon_roster_expire(&roster, now);
		assert_non_null(beacon_roster_find(&roster, a.id));
		assert_int_equal(beacon_roster_find(&roster, b.id) != NULL, now <= limit);
	}
	sent = now;
	/* Exactly at the limit a sender is kept; one millisecond later it is gone. */
	assert_int_equal(beacon_roster_expire(&roster, sent + limit), 0);
	assert_int_equal(roster.len, 1);
	assert_int_equal(beacon_roster_expire(&roster, sent + limit + 1), 1);
	assert_int_equal(roster.len, 0);
	assert_int_equal(beacon_roster_expire(&roster, sent + 10 * limit), 0);

	/* A roster built with a shorter interval expires sooner. */
	beacon_roster_init(&roster, 0, 100);
	assert_int_equal(beacon_roster_update(&roster, &a, "10.0.0.1", 0), BEACON_NEW);
	assert_int_equal(beacon_roster_expire(&roster, beacon_expire_ms(100)), 0);
	assert_int_equal(beacon_roster_expire(&roster, beacon_expire_ms(100) + 1), 1);
}

static void
test_roster_rate_limit(void **state)
{
	struct beacon b;
	int64_t now = 5000;
	int ok = 0;
	(void)state;

	beacon_roster_init(&roster, 0xabc, BEACON_INTERVAL_MS);
	/* A burst of BEACON_RATE_PER_SEC from one address passes, the rest is dropped. */
	for (int i = 0; i < 3 * BEACON_RATE_PER_SEC; i++) {
		b = user_beacon((uint64_t)(100 + i), 1);
		enum beacon_verdict v = beacon_roster_update(&roster, &b, "10.9.9.9", now);
		if (v == BEACON_NEW)
			ok++;
		else
			assert_int_equal(v, BEACON_RATE);
	}
	assert_int_equal(ok, BEACON_RATE_PER_SEC);
	assert_int_equal(roster.len, BEACON_RATE_PER_SEC);
	/* Other addresses are not affected... */
	b = user_beacon(500, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.10", now), BEACON_NEW);
	/* Our own id is recognised even from an exhausted address... */
	b = user_beacon(0xabc, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_SELF);
	/* ...and does not use up the budget of the address it comes from. */
	for (int i = 0; i < 3 * BEACON_RATE_PER_SEC; i++)
		assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.11", now), BEACON_SELF);
	for (int i = 0; i < BEACON_RATE_PER_SEC; i++) {
		struct beacon o = user_beacon((uint64_t)(600 + i), 1);
		assert_int_equal(beacon_roster_update(&roster, &o, "10.9.9.11", now), BEACON_NEW);
	}
	/* Rate-limited datagrams are dropped whatever they are, a bye included. */
	b = bye_beacon(100, 9);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_RATE);
	assert_non_null(beacon_roster_find(&roster, 100));

	/* The budget refills at BEACON_RATE_PER_SEC a second: one more after 1/rate s. */
	now += 1000 / BEACON_RATE_PER_SEC - 1;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_RATE);
	now += 1;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_GONE);
	b = bye_beacon(101, 9);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.9.9.9", now), BEACON_RATE);
	/* After a full second the whole burst is available again, and no more. */
	now += 1000;
	ok = 0;
	for (int i = 0; i < 3 * BEACON_RATE_PER_SEC; i++) {
		b = user_beacon((uint64_t)(1000 + i), 1);
		if (beacon_roster_update(&roster, &b, "10.9.9.9", now) == BEACON_NEW)
			ok++;
	}
	assert_int_equal(ok, BEACON_RATE_PER_SEC);

	/* A steady sender at the permitted rate is never dropped. */
	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	b = user_beacon(1, 1);
	for (int i = 0; i < 1000; i++) {
		now += 1000 / BEACON_RATE_PER_SEC;
		b.seq++;
		assert_int_not_equal(beacon_roster_update(&roster, &b, "10.1.1.1", now),
		    BEACON_RATE);
	}
}

static void
test_roster_rate_sources_bounded(void **state)
{
	char addr[HOST_LEN];
	struct beacon b;
	int64_t now = 0;
	(void)state;

	/*
	 * More source addresses than the rate table holds: the table recycles the address
	 * heard from longest ago, so new addresses still get their own budget.
	 */
	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	b = user_beacon(1, 1);
	for (int i = 0; i < 3 * BEACON_RATE_SOURCES; i++) {
		snprintf(addr, sizeof addr, "192.168.%d.%d", i / 250, i % 250);
		for (int k = 0; k < BEACON_RATE_PER_SEC; k++) {
			b.seq++;
			assert_int_not_equal(beacon_roster_update(&roster, &b, addr, now),
			    BEACON_RATE);
		}
		b.seq++;
		assert_int_equal(beacon_roster_update(&roster, &b, addr, now), BEACON_RATE);
		now++;
	}
	/* One id from many addresses: one entry each, every one after the first suspect. */
	assert_int_equal(roster.len, 3 * BEACON_RATE_SOURCES);
	assert_false(beacon_roster_find(&roster, 1)->suspect);
	assert_string_equal(beacon_roster_find(&roster, 1)->addr, "192.168.0.0");
	assert_int_equal(beacon_roster_claims(&roster, 1), 3 * BEACON_RATE_SOURCES);
	int used = 0;
	for (int i = 0; i < BEACON_RATE_SOURCES; i++)
		used += roster.rate[i].addr[0] != '\0';
	assert_int_equal(used, BEACON_RATE_SOURCES);

	/*
	 * The address recycled is the one heard from longest ago, never a busy one: a flooding
	 * address keeps its exhausted budget however many others turn up.
	 */
	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	now = 0;
	for (int k = 0; k <= BEACON_RATE_PER_SEC; k++) {
		b.seq++;
		beacon_roster_update(&roster, &b, "10.6.6.6", now);
	}
	for (int i = 1; i < BEACON_RATE_SOURCES; i++) {
		snprintf(addr, sizeof addr, "10.0.0.%d", i);
		b.seq++;
		assert_int_not_equal(beacon_roster_update(&roster, &b, addr, ++now), BEACON_RATE);
	}
	b.seq++;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.6.6.6", ++now), BEACON_RATE);
	b.seq++;
	assert_int_not_equal(beacon_roster_update(&roster, &b, "10.7.7.7", ++now), BEACON_RATE);
	b.seq++;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.6.6.6", now), BEACON_RATE);
}

/*
 * A rogue repeating a real server's id from its own address: another entry, suspect,
 * which can neither update, silence (seq) nor remove (bye) the real one.
 */
static void
test_roster_spoofed_id(void **state)
{
	struct beacon s = server_beacon(), f, b;
	const struct beacon_peer *p;
	int64_t now = 1000;
	(void)state;

	beacon_roster_init(&roster, 0x5e1f, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_NEW);
	f = s;
	f.seq = UINT64_MAX;
	strcpy(f.name, "evil");
	assert_int_equal(beacon_roster_update(&roster, &f, "10.0.0.66", now), BEACON_NEW);
	assert_int_equal(roster.len, 2);
	assert_int_equal(beacon_roster_claims(&roster, s.id), 2);
	p = beacon_roster_find(&roster, s.id);
	assert_string_equal(p->addr, "10.0.0.5");
	assert_false(p->suspect);
	p = beacon_roster_find_at(&roster, s.id, "10.0.0.66");
	assert_non_null(p);
	assert_true(p->suspect);
	assert_string_equal(p->b.name, "evil");

	/* The real one's next beacon is taken, whatever seq the rogue claimed. */
	s.seq++;
	s.users = 3;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 5000), BEACON_UPDATED);
	p = beacon_roster_find_at(&roster, s.id, "10.0.0.5");
	assert_int_equal(p->b.users, 3);
	assert_int_equal(p->heard_ms, now + 5000);

	/* A bye from an address that never announced the id removes nothing. */
	b = bye_beacon(s.id, UINT64_MAX);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.77", now + 5001),
	    BEACON_FOREIGN_BYE);
	assert_int_equal(beacon_roster_claims(&roster, s.id), 2);
	/* The rogue's bye takes back only its own entry. */
	assert_int_equal(beacon_roster_update(&roster, &b, "10.0.0.66", now + 5002), BEACON_GONE);
	assert_int_equal(beacon_roster_claims(&roster, s.id), 1);
	assert_non_null(beacon_roster_find_at(&roster, s.id, "10.0.0.5"));

	/*
	 * A forged seq=2^64-1 with the real address as source is a restart: the real sender's
	 * next beacon is a restart too, not stale, and after it the count goes on as before.
	 */
	f.name[0] = 'E';
	assert_int_equal(beacon_roster_update(&roster, &f, "10.0.0.5", now + 6000), BEACON_RESTART);
	s.seq++;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 7000), BEACON_RESTART);
	assert_string_equal(beacon_roster_find(&roster, s.id)->b.name, s.name);
	s.seq++;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 8000), BEACON_UPDATED);
	/* Replays and reordering within the bound are still stale. */
	s.seq--;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now + 9000), BEACON_STALE);
	s.seq += 1 + BEACON_SEQ_JUMP_MAX;
	assert_int_equal(
	    beacon_roster_update(&roster, &s, "10.0.0.5", now + 10000), BEACON_UPDATED);
	s.seq += 1 + BEACON_SEQ_JUMP_MAX;
	assert_int_equal(
	    beacon_roster_update(&roster, &s, "10.0.0.5", now + 11000), BEACON_RESTART);

	/* Heard in the other order, the later claimant is still the suspect one. */
	beacon_roster_init(&roster, 0x5e1f, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &f, "10.0.0.66", now), BEACON_NEW);
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_NEW);
	assert_true(beacon_roster_find_at(&roster, s.id, "10.0.0.5")->suspect);
	assert_false(beacon_roster_find_at(&roster, s.id, "10.0.0.66")->suspect);
}

/*
 * A flood of beacons from many addresses: the roster stays at BEACON_ROSTER_MAX, a server
 * we joined keeps its entry, and gets back in (in place of the flood's newest) even after
 * losing it while the roster is full.
 */
static void
test_roster_flood_keeps_joined(void **state)
{
	char addr[HOST_LEN];
	struct beacon s = server_beacon(), b;
	int64_t now = 0;
	(void)state;

	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", now), BEACON_NEW);
	beacon_roster_pin(&roster, s.id, "10.0.0.5");
	assert_true(beacon_roster_find(&roster, s.id)->pinned);
	for (int i = 0; i < 4 * BEACON_ROSTER_MAX; i++) {
		snprintf(addr, sizeof addr, "10.1.%d.%d", i / 200, i % 200);
		b = server_beacon();
		b.id = (uint64_t)(1000 + i);
		beacon_roster_update(&roster, &b, addr, now);
		/* The same id again from everywhere, too. */
		b.id = s.id;
		b.seq = UINT64_MAX;
		beacon_roster_update(&roster, &b, addr, now);
		assert_true(roster.len <= BEACON_ROSTER_MAX);
		now += 5;
	}
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	const struct beacon_peer *p = beacon_roster_find(&roster, s.id);
	assert_non_null(p);
	assert_string_equal(p->addr, "10.0.0.5");
	assert_false(p->suspect);

	/* Its entry expires while the flood goes on; its next beacon still gets a place. */
	int64_t gone = now + beacon_expire_ms(BEACON_INTERVAL_MS) + 1;
	for (int i = 0; i < BEACON_ROSTER_MAX; i++) {
		snprintf(addr, sizeof addr, "10.2.%d.%d", i / 200, i % 200);
		b = user_beacon((uint64_t)(50000 + i), 1);
		beacon_roster_update(&roster, &b, addr, gone + i);
	}
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	assert_null(beacon_roster_find(&roster, s.id));
	b = user_beacon(99999, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "10.3.0.1", gone + 300), BEACON_FULL);
	s.seq++;
	assert_int_equal(beacon_roster_update(&roster, &s, "10.0.0.5", gone + 300), BEACON_NEW);
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	p = beacon_roster_find(&roster, s.id);
	assert_non_null(p);
	assert_true(p->pinned);
	/* A rogue claiming the pinned id from elsewhere gets no such place. */
	b = s;
	assert_int_equal(beacon_roster_update(&roster, &b, "10.3.0.2", gone + 301), BEACON_FULL);
}

static void
test_roster_bounded(void **state)
{
	char addr[HOST_LEN];
	struct beacon b;
	int64_t now = 0;
	(void)state;

	/* Distinct senders from distinct addresses, until the roster is full. */
	beacon_roster_init(&roster, 0, BEACON_INTERVAL_MS);
	for (int i = 0; i < BEACON_ROSTER_MAX; i++) {
		snprintf(addr, sizeof addr, "fd00::%x", i);
		b = user_beacon((uint64_t)(i + 1), 1);
		assert_int_equal(beacon_roster_update(&roster, &b, addr, now), BEACON_NEW);
		now += 10;
	}
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	b = user_beacon(0x10000, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "fd00::ffff", now), BEACON_FULL);
	assert_int_equal(roster.len, BEACON_ROSTER_MAX);
	/* Known senders are still updated while full. */
	b = user_beacon(1, 2);
	assert_int_equal(beacon_roster_update(&roster, &b, "fd00::0", now), BEACON_UPDATED);
	/* Once the silent ones have expired there is room again, without an explicit expire. */
	now = beacon_expire_ms(BEACON_INTERVAL_MS) + 10 * 5 + 1;
	b = user_beacon(0x10000, 1);
	assert_int_equal(beacon_roster_update(&roster, &b, "fd00::ffff", now), BEACON_NEW);
	assert_true(roster.len < BEACON_ROSTER_MAX);
	assert_non_null(beacon_roster_find(&roster, 1));
	assert_null(beacon_roster_find(&roster, 2));
	/* Every remaining entry is distinct and findable. */
	for (size_t i = 0; i < roster.len; i++) {
		const struct beacon_peer *p = &roster.peers[i];
		assert_ptr_equal(beacon_roster_find(&roster, p->b.id), p);
	}
}

/* The first newcomer is answered at once; one right after waits for the limit. */
static void
test_answer_first_and_held(void **state)
{
	struct beacon_answer a;
	int64_t t = 50000;

	(void)state;
	beacon_answer_init(&a);
	assert_false(beacon_answer_take(&a, t));         /* nobody asked */
	assert_int_equal(beacon_answer_ask(&a, t), t);
	assert_true(beacon_answer_take(&a, t));
	assert_false(beacon_answer_take(&a, t));         /* one answer per ask */

	/* 10 ms later: held until BEACON_ANSWER_MIN_MS after the last answer. */
	assert_int_equal(beacon_answer_ask(&a, t + 10), t + BEACON_ANSWER_MIN_MS);
	/* More newcomers meanwhile share the same answer. */
	assert_int_equal(beacon_answer_ask(&a, t + 500), t + BEACON_ANSWER_MIN_MS);
	assert_false(beacon_answer_take(&a, t + BEACON_ANSWER_MIN_MS - 1));
	assert_true(beacon_answer_take(&a, t + BEACON_ANSWER_MIN_MS));
	assert_false(beacon_answer_take(&a, t + BEACON_ANSWER_MIN_MS + 1));

	/* Long after: at once again. */
	t += 10 * BEACON_ANSWER_MIN_MS;
	assert_int_equal(beacon_answer_ask(&a, t), t);
	assert_true(beacon_answer_take(&a, t));
}

/* A periodic beacon answers whoever was waiting, and is not counted as an extra one. */
static void
test_answer_periodic(void **state)
{
	struct beacon_answer a;
	int64_t t = 1000;

	(void)state;
	beacon_answer_init(&a);
	beacon_answer_ask(&a, t);
	assert_true(beacon_answer_take(&a, t));
	assert_int_equal(beacon_answer_ask(&a, t + 100), t + BEACON_ANSWER_MIN_MS);
	beacon_answer_periodic(&a);
	assert_false(beacon_answer_take(&a, t + BEACON_ANSWER_MIN_MS));
	/* The limit still runs from the last extra answer. */
	assert_int_equal(beacon_answer_ask(&a, t + 200), t + BEACON_ANSWER_MIN_MS);
}

/*
 * A storm: a newcomer every 7 ms for a minute, the server taking answers whenever one is
 * due (checked every millisecond). At most one extra beacon per BEACON_ANSWER_MIN_MS, and
 * every newcomer is answered within BEACON_ANSWER_MIN_MS of its ask.
 */
static void
test_answer_storm(void **state)
{
	struct beacon_answer a;
	const int64_t start = 123456, span = 60000;
	int64_t last = INT64_MIN, oldest_unanswered = -1, worst_wait = 0;
	int answers = 0;

	(void)state;
	beacon_answer_init(&a);
	for (int64_t t = start; t < start + span + 2 * BEACON_ANSWER_MIN_MS; t++) {
		if (t < start + span && (t - start) % 7 == 0) {
			int64_t due = beacon_answer_ask(&a, t);
			assert_true(due >= t);
			assert_true(due <= t + BEACON_ANSWER_MIN_MS);
			if (oldest_unanswered < 0)
				oldest_unanswered = t;
		}
		if (beacon_answer_take(&a, t)) {
			if (last != INT64_MIN)
				assert_true(t - last >= BEACON_ANSWER_MIN_MS);
			if (t - oldest_unanswered > worst_wait)
				worst_wait = t - oldest_unanswered;
			last = t;
			oldest_unanswered = -1;
			answers++;
		}
	}
	assert_int_equal(oldest_unanswered, -1);
	assert_true(worst_wait <= BEACON_ANSWER_MIN_MS);
	assert_true(answers >= span / BEACON_ANSWER_MIN_MS - 1);
	assert_true(answers <= span / BEACON_ANSWER_MIN_MS + 1);
}

#define FP64 "ab12cd34ef56789001234567890abcdef0123456789abcdef0123456789abcde"

static void
test_tls_keys(void **state)
{
	struct beacon b = server_beacon(), d;
	char buf[BEACON_MAX];
	int n;
	(void)state;

	/* Without TLS the beacon is as before: older listeners see nothing new. */
	n = beacon_encode(&b, buf, sizeof buf);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_null(strstr(buf, "tls="));
	assert_null(strstr(buf, "fp="));

	b.tls_port = 6697;
	strcpy(b.fp, FP64);
	n = beacon_encode(&b, buf, sizeof buf);
	assert_true(n > 0 && n < BEACON_MAX);
	buf[n] = '\0';
	assert_non_null(strstr(buf, " tls=6697 fp=" FP64));
	assert_int_equal(beacon_decode(buf, (size_t)n, &d), BEACON_OK);
	assert_int_equal(d.tls_port, 6697);
	assert_string_equal(d.fp, FP64);
	/* The longest server beacon still fits one datagram. */
	memset(b.name, 'n', SERVER_NAME_LEN);
	b.name[SERVER_NAME_LEN] = '\0';
	memset(b.ver, 'v', BEACON_VER_LEN);
	b.ver[BEACON_VER_LEN] = '\0';
	b.id = b.seq = UINT64_MAX;
	b.users = b.max = MAX_CLIENTS_CEILING;
	b.uptime = UINT32_MAX;
	assert_true(beacon_encode(&b, buf, sizeof buf) > 0);

	/* Uppercase hex is accepted and kept lowercase. */
	expect_decode("LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 "
	              "tls=6697 fp=AB12CD34EF56789001234567890ABCDEF0123456789ABCDEF0123456789ABCDE",
	    BEACON_OK);
	assert_int_equal(beacon_decode("LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 "
	                               "uptime=0 ver=1 fp=AB12CD34EF56789001234567890ABCDEF01234567"
	                               "89ABCDEF0123456789ABCDE tls=7",
	                     strlen("LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 "
	                            "uptime=0 ver=1 fp=AB12CD34EF56789001234567890ABCDEF01234567"
	                            "89ABCDEF0123456789ABCDE tls=7"),
	                     &d),
	    BEACON_OK);
	assert_string_equal(d.fp, FP64);
	assert_int_equal(d.tls_port, 7);
}

static void
test_tls_keys_malformed(void **state)
{
	static const char *bad[] = {
		/* one without the other */
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 tls=6697",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 fp=" FP64,
		/* a port out of range, a short, long or non-hex fingerprint */
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 tls=0 fp=" FP64,
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 tls=65536 "
		"fp=" FP64,
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 tls=1 fp=ab12",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 tls=1 fp=" FP64
		"0",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 tls=1 "
		"fp=zb12cd34ef56789001234567890abcdef0123456789abcdef0123456789abcde",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 tls=1 "
		"fp=%41b12cd34ef56789001234567890abcdef0123456789abcdef0123456789abc%00",
		"LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 tls=1 fp=",
	};
	struct beacon b = server_beacon();
	char buf[BEACON_MAX];
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_decode(bad[i], BEACON_E_RANGE);
	/* A repeated tls= is malformed, as any repeated key. */
	expect_decode("LANCHAT/1 server id=1 seq=1 name=x port=1 users=0 max=1 uptime=0 ver=1 "
	              "tls=1 tls=2 fp=" FP64,
	    BEACON_E_MALFORMED);
	/* tls= in a user beacon belongs to another kind: ignored. */
	expect_decode("LANCHAT/1 user id=1 seq=1 nick=a status=away idle=0 server=- tls=1",
	    BEACON_OK);
	/* The encoder refuses what the decoder would. */
	b.tls_port = 6697;
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b.tls_port = 0;
	strcpy(b.fp, FP64);
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
	b.tls_port = 1;
	b.fp[3] = 'x';
	assert_int_equal(beacon_encode(&b, buf, sizeof buf), BEACON_E_RANGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_tls_keys),
		cmocka_unit_test(test_tls_keys_malformed),
		cmocka_unit_test(test_wire_format),
		cmocka_unit_test(test_decode_lenient_forms),
		cmocka_unit_test(test_unknown_keys_ignored),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_foreign_and_version),
		cmocka_unit_test(test_unknown_kind),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_worst_case_fits),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_roster_basic),
		cmocka_unit_test(test_roster_expiry),
		cmocka_unit_test(test_roster_rate_limit),
		cmocka_unit_test(test_roster_rate_sources_bounded),
		cmocka_unit_test(test_roster_bounded),
		cmocka_unit_test(test_roster_spoofed_id),
		cmocka_unit_test(test_roster_flood_keeps_joined),
		cmocka_unit_test(test_answer_first_and_held),
		cmocka_unit_test(test_answer_periodic),
		cmocka_unit_test(test_answer_storm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
