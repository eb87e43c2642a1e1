#include "common/beacon.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/sanitize.h"
#include "common/tlskey.h"
#include "common/util.h"

/* Known keys. One table drives both the encoder (in this order) and the decoder. */
enum key_id {
	K_ID,
	K_SEQ,
	K_NAME,
	K_PORT,
	K_USERS,
	K_MAX,
	K_UPTIME,
	K_VER,
	K_NICK,
	K_STATUS,
	K_IDLE,
	K_SERVER,
	K_TLS,
	K_FP,
	K_COUNT
};

static const char *const key_names[K_COUNT] = { "id", "seq", "name", "port", "users", "max",
	"uptime", "ver", "nick", "status", "idle", "server", "tls", "fp" };

#define KEY(k) (1u << (k))

/* Keys a kind may carry without them: a server without TLS sends neither. */
static unsigned
kind_optional(enum beacon_kind kind)
{
	return kind == BEACON_SERVER ? KEY(K_TLS) | KEY(K_FP) : 0;
}

/* The keys each kind carries: the required ones, and kind_optional's. */
static unsigned
kind_keys(enum beacon_kind kind)
{
	switch (kind) {
	case BEACON_SERVER:
		return KEY(K_ID) | KEY(K_SEQ) | KEY(K_NAME) | KEY(K_PORT) | KEY(K_USERS) |
		    KEY(K_MAX) | KEY(K_UPTIME) | KEY(K_VER) | kind_optional(kind);
	case BEACON_USER:
		return KEY(K_ID) | KEY(K_SEQ) | KEY(K_NICK) | KEY(K_STATUS) | KEY(K_IDLE) |
		    KEY(K_SERVER);
	case BEACON_BYE:
		return KEY(K_ID) | KEY(K_SEQ);
	}
	return 0;
}

static const char *const kind_names[] = { [BEACON_SERVER] = "server", [BEACON_USER] = "user",
	[BEACON_BYE] = "bye" };
static const char *const status_names[] = { [BEACON_AVAILABLE] = "available",
	[BEACON_AWAY] = "away", [BEACON_IDLE] = "idle" };

const char *
beacon_kind_name(enum beacon_kind kind)
{
	if (kind < BEACON_SERVER || kind > BEACON_BYE)
		return "?";
	return kind_names[kind];
}

const char *
beacon_status_name(enum beacon_status status)
{
	if (status > BEACON_IDLE)
		return "?";
	return status_names[status];
}

const char *
beacon_strerror(int err)
{
	static const char *const msgs[BEACON_NERR] = { "ok", "oversized", "not a lanchat beacon",
		"other protocol version", "unknown kind", "malformed", "required key missing",
		"value out of range" };
	if (err > 0 || err <= -BEACON_NERR)
		return "unknown error";
	return msgs[-err];
}

/* Text a beacon may carry: valid UTF-8 with no C0, DEL or C1 control, 1..max bytes. */
static bool
valid_text(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n;) {
		size_t k = san_utf8_len(p + i, n - i);
		if (k == 0 || p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 && p[i + 1] < 0xa0))
			return false;
		i += k;
	}
	return true;
}

/* Everything the decoder insists on, so that the encoder never sends what it would reject. */
static bool
valid_beacon(const struct beacon *b)
{
	if (b->id == 0)
		return false;
	switch (b->kind) {
	case BEACON_SERVER:
		return valid_text(b->name, strnlen(b->name, sizeof b->name), SERVER_NAME_LEN) &&
		    b->port != 0 && b->max >= 1 && b->max <= MAX_CLIENTS_CEILING &&
		    b->users <= b->max &&
		    valid_text(b->ver, strnlen(b->ver, sizeof b->ver), BEACON_VER_LEN) &&
		    (b->tls_port == 0) == (b->fp[0] == '\0') &&
		    (b->fp[0] == '\0' || tlskey_parse_fp(b->fp, NULL));
	case BEACON_USER:
		return strnlen(b->nick, sizeof b->nick) < sizeof b->nick &&
		    irc_valid_nick(b->nick) && b->status <= BEACON_IDLE;
	case BEACON_BYE:
		return true;
	}
	return false;
}

struct out {
	char *buf;
	size_t cap;
	size_t len;
	bool over;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->over || n > o->cap - o->len) {
		o->over = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Percent-encodes everything outside '!'..'~', and '%' and '=' themselves. */
static void
put_escaped(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x21 || *p > 0x7e || *p == '%' || *p == '=') {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			put(o, e, 3);
		} else {
			put(o, (const char *)p, 1);
		}
	}
}

static void
put_value(struct out *o, const struct beacon *b, enum key_id k)
{
	char num[32];

	switch (k) {
	case K_ID:
		snprintf(num, sizeof num, "%016" PRIx64, b->id);
		break;
	case K_SEQ:
		snprintf(num, sizeof num, "%" PRIu64, b->seq);
		break;
	case K_PORT:
		snprintf(num, sizeof num, "%u", (unsigned)b->port);
		break;
	case K_USERS:
		snprintf(num, sizeof num, "%" PRIu32, b->users);
		break;
	case K_MAX:
		snprintf(num, sizeof num, "%" PRIu32, b->max);
		break;
	case K_UPTIME:
		snprintf(num, sizeof num, "%" PRIu32, b->uptime);
		break;
	case K_IDLE:
		snprintf(num, sizeof num, "%" PRIu32, b->idle);
		break;
	case K_SERVER:
		if (b->server == 0)
			str_copy(num, "-", sizeof num);
		else
			snprintf(num, sizeof num, "%016" PRIx64, b->server);
		break;
	case K_STATUS:
		str_copy(num, status_names[b->status], sizeof num);
		break;
	case K_NAME:
		put_escaped(o, b->name);
		return;
	case K_VER:
		put_escaped(o, b->ver);
		return;
	case K_NICK:
		put_escaped(o, b->nick);
		return;
	case K_TLS:
		snprintf(num, sizeof num, "%u", (unsigned)b->tls_port);
		break;
	case K_FP:
		put_str(o, b->fp);
		return;
	case K_COUNT:
		return;
	}
	put_str(o, num);
}

int
beacon_encode(const struct beacon *b, char *buf, size_t cap)
{
	struct out o = { buf, cap < BEACON_MAX ? cap : BEACON_MAX, 0, false };
	unsigned keys;

	if (!valid_beacon(b))
		return BEACON_E_RANGE;
	keys = kind_keys(b->kind);
	put_str(&o, BEACON_MAGIC BEACON_VERSION " ");
	put_str(&o, kind_names[b->kind]);
	for (int k = 0; k < K_COUNT; k++) {
		if (!(keys & KEY(k)) || (k == K_TLS && b->tls_port == 0) ||
		    (k == K_FP && b->fp[0] == '\0'))
			continue;
		put_str(&o, " ");
		put_str(&o, key_names[k]);
		put_str(&o, "=");
		put_value(&o, b, (enum key_id)k);
	}
	if (o.over)
		return BEACON_E_OVERSIZE;
	return (int)o.len;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal of 1..20 digits no larger than max. */
static bool
parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* A non-zero id of 1..16 hex digits. */
static bool
parse_id(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 16)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = hex_digit(s[i]);
		if (d < 0)
			return false;
		v = (v << 4) | (uint64_t)d;
	}
	if (v == 0)
		return false;
	*out = v;
	return true;
}

static bool
copy_text(char *dst, size_t cap, const char *s, size_t n)
{
	if (!valid_text(s, n, cap - 1))
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/* Stores the decoded value v[0..n) of key k; false if it is out of range. */
static bool
parse_value(struct beacon *b, enum key_id k, const char *v, size_t n)
{
	uint64_t x = 0;

	switch (k) {
	case K_ID:
		return parse_id(v, n, &b->id);
	case K_SEQ:
		return parse_dec(v, n, UINT64_MAX, &b->seq);
	case K_PORT:
		if (!parse_dec(v, n, UINT16_MAX, &x) || x == 0)
			return false;
		b->port = (uint16_t)x;
		return true;
	case K_USERS:
		if (!parse_dec(v, n, MAX_CLIENTS_CEILING, &x))
			return false;
		b->users = (uint32_t)x;
		return true;
	case K_MAX:
		if (!parse_dec(v, n, MAX_CLIENTS_CEILING, &x) || x == 0)
			return false;
		b->max = (uint32_t)x;
		return true;
	case K_UPTIME:
		if (!parse_dec(v, n, UINT32_MAX, &x))
			return false;
		b->uptime = (uint32_t)x;
		return true;
	case K_IDLE:
		if (!parse_dec(v, n, UINT32_MAX, &x))
			return false;
		b->idle = (uint32_t)x;
		return true;
	case K_SERVER:
		if (n == 1 && v[0] == '-') {
			b->server = 0;
			return true;
		}
		return parse_id(v, n, &b->server);
	case K_STATUS:
		for (int s = BEACON_AVAILABLE; s <= BEACON_IDLE; s++) {
			if (strlen(status_names[s]) == n && memcmp(status_names[s], v, n) == 0) {
				b->status = (enum beacon_status)s;
				return true;
			}
		}
		return false;
	case K_NAME:
		return copy_text(b->name, sizeof b->name, v, n);
	case K_VER:
		return copy_text(b->ver, sizeof b->ver, v, n);
	case K_NICK:
		return copy_text(b->nick, sizeof b->nick, v, n) && irc_valid_nick(b->nick);
	case K_TLS:
		if (!parse_dec(v, n, UINT16_MAX, &x) || x == 0)
			return false;
		b->tls_port = (uint16_t)x;
		return true;
	case K_FP:
		if (n != TLS_FP_HEX)
			return false;
		memcpy(b->fp, v, n);
		b->fp[n] = '\0';
		return tlskey_parse_fp(b->fp, b->fp);
	case K_COUNT:
		break;
	}
	return false;
}

static bool
valid_key(const char *s, size_t n)
{
	if (n == 0 || n > BEACON_KEY_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* One key=value token of a beacon of the given kind; *seen collects the known keys. */
static int
decode_pair(struct beacon *b, const char *t, size_t n, unsigned *seen)
{
	char val[BEACON_MAX];
	size_t vn = 0;
	const char *eq = memchr(t, '=', n);

	if (eq == NULL || !valid_key(t, (size_t)(eq - t)))
		return BEACON_E_MALFORMED;
	for (const char *p = eq + 1; p < t + n; p++) {
		if (*p == '=')
			return BEACON_E_MALFORMED;
		if (*p == '%') {
			int hi, lo;
			if (t + n - p < 3 || (hi = hex_digit(p[1])) < 0 ||
			    (lo = hex_digit(p[2])) < 0)
				return BEACON_E_MALFORMED;
			val[vn++] = (char)(hi << 4 | lo);
			p += 2;
		} else {
			val[vn++] = *p;
		}
	}
	size_t kn = (size_t)(eq - t);
	for (int k = 0; k < K_COUNT; k++) {
		if (!(kind_keys(b->kind) & KEY(k)) || strlen(key_names[k]) != kn ||
		    memcmp(key_names[k], t, kn) != 0)
			continue;
		if (*seen & KEY(k))
			return BEACON_E_MALFORMED;
		*seen |= KEY(k);
		return parse_value(b, (enum key_id)k, val, vn) ? BEACON_OK : BEACON_E_RANGE;
	}
	return BEACON_OK; /* a key this version does not know: ignored */
}

static int
decode(const char *data, size_t len, struct beacon *b)
{
	const size_t mlen = sizeof BEACON_MAGIC - 1;
	const char *end = data + len, *p, *sp;
	unsigned seen = 0;
	size_t hlen;

	if (len > BEACON_MAX)
		return BEACON_E_OVERSIZE;
	sp = memchr(data, ' ', len);
	hlen = sp != NULL ? (size_t)(sp - data) : len;
	if (hlen < mlen || memcmp(data, BEACON_MAGIC, mlen) != 0)
		return BEACON_E_FOREIGN;
	if (hlen != mlen + 1 || data[mlen] != BEACON_VERSION[0])
		return BEACON_E_VERSION;
	for (size_t i = 0; i < len; i++)
		if (data[i] < 0x20 || data[i] > 0x7e)
			return BEACON_E_MALFORMED;
	if (sp == NULL)
		return BEACON_E_MALFORMED;

	for (p = sp + 1;; p = sp + 1) {
		sp = memchr(p, ' ', (size_t)(end - p));
		size_t n = (size_t)((sp != NULL ? sp : end) - p);
		if (n == 0)
			return BEACON_E_MALFORMED; /* leading, doubled or trailing space */
		if (b->kind == 0) {
			for (int k = BEACON_SERVER; k <= BEACON_BYE; k++)
				if (strlen(kind_names[k]) == n && memcmp(kind_names[k], p, n) == 0)
					b->kind = (enum beacon_kind)k;
			if (b->kind == 0)
				return BEACON_E_KIND;
		} else {
			int rc = decode_pair(b, p, n, &seen);
			if (rc != BEACON_OK)
				return rc;
		}
		if (sp == NULL)
			break;
	}
	if (b->kind == 0 || (seen | kind_optional(b->kind)) != kind_keys(b->kind))
		return BEACON_E_MISSING;
	if (!valid_beacon(b))
		return BEACON_E_RANGE;
	return BEACON_OK;
}

int
beacon_decode(const char *data, size_t len, struct beacon *b)
{
	memset(b, 0, sizeof *b);
	int rc = decode(data, len, b);
	if (rc != BEACON_OK)
		memset(b, 0, sizeof *b);
	return rc;
}

int64_t
beacon_jitter(int64_t interval_ms, uint32_t rnd)
{
	int64_t span = interval_ms * BEACON_JITTER_PCT / 100;

	if (span <= 0)
		return interval_ms;
	return interval_ms - span + (int64_t)(rnd % (uint64_t)(2 * span + 1));
}

int64_t
beacon_expire_ms(int64_t interval_ms)
{
	return BEACON_EXPIRE_INTERVALS * (interval_ms + interval_ms * BEACON_JITTER_PCT / 100);
}

void
beacon_roster_init(struct beacon_roster *r, uint64_t self_id, int64_t interval_ms)
{
	memset(r, 0, sizeof *r);
	r->self_id = self_id;
	r->interval_ms = interval_ms > 0 ? interval_ms : BEACON_INTERVAL_MS;
}

/* Token bucket per source address: BEACON_RATE_PER_SEC datagrams a second, that many at once. */
static bool
rate_allow(struct beacon_roster *r, const char *addr, int64_t now_ms)
{
	const int32_t cost = 1000, full = BEACON_RATE_PER_SEC * 1000;
	struct beacon_rate *slot = NULL, *spare = NULL;

	for (size_t i = 0; i < BEACON_RATE_SOURCES; i++) {
		struct beacon_rate *s = &r->rate[i];
		if (s->addr[0] == '\0') {
			if (spare == NULL || spare->addr[0] != '\0')
				spare = s;
		} else if (strcmp(s->addr, addr) == 0) {
			slot = s;
			break;
		} else if (spare == NULL ||
		    (spare->addr[0] != '\0' && s->last_ms < spare->last_ms)) {
			spare = s;
		}
	}
	if (slot == NULL) {
		/* A new address takes a free slot, or the one heard from longest ago. */
		slot = spare;
		str_copy(slot->addr, addr, sizeof slot->addr);
		slot->millitokens = full;
		slot->last_ms = now_ms;
	}
	int64_t elapsed = now_ms - slot->last_ms;
	if (elapsed >= 1000)
		slot->millitokens = full;
	else if (elapsed > 0)
		slot->millitokens = (int32_t)(slot->millitokens + elapsed * BEACON_RATE_PER_SEC);
	if (slot->millitokens > full)
		slot->millitokens = full;
	slot->last_ms = now_ms;
	if (slot->millitokens < cost)
		return false;
	slot->millitokens -= cost;
	return true;
}

/* Index of the sender with this id at this address, or r->len. */
static size_t
find_index(const struct beacon_roster *r, uint64_t id, const char *addr)
{
	size_t i = 0;
	while (i < r->len && (r->peers[i].b.id != id || strcmp(r->peers[i].addr, addr) != 0))
		i++;
	return i;
}

const struct beacon_peer *
beacon_roster_find(const struct beacon_roster *r, uint64_t id)
{
	const struct beacon_peer *any = NULL;
	for (size_t i = 0; i < r->len; i++) {
		if (r->peers[i].b.id != id)
			continue;
		if (!r->peers[i].suspect)
			return &r->peers[i];
		if (any == NULL)
			any = &r->peers[i];
	}
	return any;
}

const struct beacon_peer *
beacon_roster_find_at(const struct beacon_roster *r, uint64_t id, const char *addr)
{
	size_t i = find_index(r, id, addr);
	return i < r->len ? &r->peers[i] : NULL;
}

size_t
beacon_roster_claims(const struct beacon_roster *r, uint64_t id)
{
	size_t n = 0;
	for (size_t i = 0; i < r->len; i++)
		n += r->peers[i].b.id == id;
	return n;
}

static bool
is_pinned(const struct beacon_roster *r, uint64_t id, const char *addr)
{
	for (size_t i = 0; i < BEACON_PINS_MAX; i++)
		if (r->pins[i].id == id && strcmp(r->pins[i].addr, addr) == 0)
			return true;
	return false;
}

void
beacon_roster_pin(struct beacon_roster *r, uint64_t id, const char *addr)
{
	if (id == 0 || is_pinned(r, id, addr))
		return;
	struct beacon_pin *pin = &r->pins[r->next_pin];
	r->next_pin = (r->next_pin + 1) % BEACON_PINS_MAX;
	/* The pin it replaces no longer protects its entry. */
	for (size_t i = 0; i < r->len; i++)
		if (r->peers[i].b.id == pin->id && strcmp(r->peers[i].addr, pin->addr) == 0)
			r->peers[i].pinned = false;
	pin->id = id;
	str_copy(pin->addr, addr, sizeof pin->addr);
	for (size_t i = 0; i < r->len; i++)
		if (r->peers[i].b.id == id && strcmp(r->peers[i].addr, addr) == 0)
			r->peers[i].pinned = true;
}

static void
remove_peer(struct beacon_roster *r, struct beacon_peer *p)
{
	*p = r->peers[--r->len];
}

size_t
beacon_roster_expire(struct beacon_roster *r, int64_t now_ms)
{
	int64_t limit = beacon_expire_ms(r->interval_ms);
	size_t gone = 0;

	for (size_t i = r->len; i-- > 0;) {
		if (now_ms - r->peers[i].heard_ms > limit) {
			remove_peer(r, &r->peers[i]);
			gone++;
		}
	}
	return gone;
}

/*
 * Room for a pinned server in a full roster: the entry heard first most recently (the
 * flood's newest) that is not pinned itself leaves. False if every entry is pinned.
 */
static bool
evict_for_pin(struct beacon_roster *r)
{
	struct beacon_peer *victim = NULL;
	for (size_t i = 0; i < r->len; i++) {
		struct beacon_peer *p = &r->peers[i];
		if (!p->pinned && (victim == NULL || p->first_ms > victim->first_ms))
			victim = p;
	}
	if (victim == NULL)
		return false;
	remove_peer(r, victim);
	return true;
}

/* How seq stands against last, the newest accepted from the same sender. */
enum seq_order { SEQ_NEWER, SEQ_OLD, SEQ_JUMP };

static enum seq_order
seq_order(uint64_t seq, uint64_t last)
{
	if (seq > last)
		return seq - last <= BEACON_SEQ_JUMP_MAX ? SEQ_NEWER : SEQ_JUMP;
	return last - seq <= BEACON_SEQ_JUMP_MAX ? SEQ_OLD : SEQ_JUMP;
}

enum beacon_verdict
beacon_roster_update(struct beacon_roster *r, const struct beacon *b, const char *addr,
    int64_t now_ms)
{
	struct beacon_peer *p;

	if (addr == NULL || addr[0] == '\0')
		addr = "?";
	/* Our own beacons come back to us; they must not use up our address's rate either. */
	if (b->id == r->self_id)
		return BEACON_SELF;
	if (!rate_allow(r, addr, now_ms))
		return BEACON_RATE;
	size_t i = find_index(r, b->id, addr);
	p = i < r->len ? &r->peers[i] : NULL;
	if (b->kind == BEACON_BYE) {
		/* Only the address that announced an id may take it back. */
		if (p == NULL)
			return beacon_roster_claims(r, b->id) > 0 ? BEACON_FOREIGN_BYE :
			    BEACON_UNKNOWN_BYE;
		if (seq_order(b->seq, p->b.seq) == SEQ_OLD && b->seq != p->b.seq)
			return BEACON_STALE;
		remove_peer(r, p);
		return BEACON_GONE;
	}
	if (p != NULL) {
		enum seq_order o = seq_order(b->seq, p->b.seq);
		if (o == SEQ_OLD)
			return BEACON_STALE;
		p->b = *b;
		p->heard_ms = now_ms;
		return o == SEQ_JUMP ? BEACON_RESTART : BEACON_UPDATED;
	}
	bool pinned = is_pinned(r, b->id, addr);
	if (r->len == BEACON_ROSTER_MAX && beacon_roster_expire(r, now_ms) == 0 &&
	    !(pinned && evict_for_pin(r)))
		return BEACON_FULL;
	bool suspect = beacon_roster_claims(r, b->id) > 0;
	p = &r->peers[r->len++];
	memset(p, 0, sizeof *p);
	p->b = *b;
	str_copy(p->addr, addr, sizeof p->addr);
	p->first_ms = p->heard_ms = now_ms;
	p->suspect = suspect;
	p->pinned = pinned;
	return BEACON_NEW;
}

void
beacon_answer_init(struct beacon_answer *a)
{
	memset(a, 0, sizeof *a);
}

int64_t
beacon_answer_ask(struct beacon_answer *a, int64_t now_ms)
{
	if (a->owed)
		return a->due_ms;
	a->owed = true;
	a->due_ms = now_ms;
	if (a->answered && a->last_ms + BEACON_ANSWER_MIN_MS > now_ms)
		a->due_ms = a->last_ms + BEACON_ANSWER_MIN_MS;
	return a->due_ms;
}

bool
beacon_answer_take(struct beacon_answer *a, int64_t now_ms)
{
	if (!a->owed || now_ms < a->due_ms)
		return false;
	a->owed = false;
	a->answered = true;
	a->last_ms = now_ms;
	return true;
}

void
beacon_answer_periodic(struct beacon_answer *a)
{
	a->owed = false;
}
