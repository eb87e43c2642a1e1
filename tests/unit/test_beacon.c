/* Unit tests for common/beacon: the LANCHAT/1 codec (the roster: test_beacon_roster.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "beacon_fixtures.h"
#include "common/beacon.h"

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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
