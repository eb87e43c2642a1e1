/*
 * beacon: the LANCHAT/1 presence datagram, the roster of senders heard, and the jittered
 * send interval. No I/O and no allocation: callers bring the bytes, the source address
 * (as text) and the time, so everything here is testable with a fake clock.
 *
 * Wire format: one UDP datagram of at most BEACON_MAX bytes, printable ASCII only:
 *
 *	LANCHAT/1 KIND key=value key=value ...
 *
 * Tokens are separated by exactly one space, with none leading or trailing. KIND is
 * "server", "user" or "bye". A key is 1..BEACON_KEY_LEN of [a-z0-9_-]. In a value, every
 * byte outside '!'..'~' (space, controls, DEL, every byte of a non-ASCII UTF-8 character)
 * and the bytes '%' and '=' are written as %XX (two hex digits, either case accepted);
 * every other byte is written as itself. Decoded text must be valid UTF-8 without control
 * characters. Keys each kind carries (all required):
 *
 *	server: id seq name port users max uptime ver [tls fp]
 *	user:   id seq nick status idle server
 *	bye:    id seq
 *
 * id is a random non-zero 64-bit number in 1..16 hex digits (sent as 16 lowercase ones),
 * fixed for the life of the sending process; seq is a decimal counter the sender increases
 * with every datagram. server= is the id of the server the user is on, or "-". status is
 * available, away or idle; idle and uptime are seconds. There is no host field: a server is
 * reached at the datagram's source address and its port= value.
 *
 * Unknown keys, and keys belonging to another kind, are ignored so that later versions can
 * add fields without breaking this one; a repeated known key is malformed.
 * tls= (the TLS port) and fp= (the SHA-256 of the server's certificate, TLS_FP_HEX hex
 * digits, stored lowercase) are optional but come together: one without the other is
 * BEACON_E_RANGE.
 * Trust: any host on the LAN can claim any id. The roster keys senders by id and source
 * address together: a second address claiming an id already heard is another entry, marked
 * suspect, and can neither update, silence (seq) nor remove (bye) the first. It bounds
 * memory and rate; a beacon says where a server claims to be, not who runs it.
 */
#ifndef LANCHAT_BEACON_H
#define LANCHAT_BEACON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"

#define BEACON_MAGIC "LANCHAT/"
#define BEACON_VERSION "1"

enum beacon_kind { BEACON_SERVER = 1, BEACON_USER, BEACON_BYE };
enum beacon_status { BEACON_AVAILABLE = 0, BEACON_AWAY, BEACON_IDLE };

/* Distinct results so that receivers can count each kind of rejected datagram. */
enum beacon_err {
	BEACON_OK = 0,
	BEACON_E_OVERSIZE = -1,  /* longer than BEACON_MAX (or than the encoder's buffer) */
	BEACON_E_FOREIGN = -2,   /* not a lanchat beacon at all */
	BEACON_E_VERSION = -3,   /* LANCHAT/ but another version */
	BEACON_E_KIND = -4,      /* unknown KIND */
	BEACON_E_MALFORMED = -5, /* bad token, escape, byte or a repeated key */
	BEACON_E_MISSING = -6,   /* a key the kind requires is absent */
	BEACON_E_RANGE = -7      /* a value out of range or not allowed (bad nick, id 0 ...) */
};
enum { BEACON_NERR = 8 }; /* -BEACON_E_RANGE + 1: size of an array of counters */

struct beacon {
	enum beacon_kind kind;
	uint64_t id;
	uint64_t seq;
	/* server */
	char name[SERVER_NAME_LEN + 1];
	uint16_t port;
	uint32_t users;
	uint32_t max;
	uint32_t uptime;
	char ver[BEACON_VER_LEN + 1];
	uint16_t tls_port;          /* 0: no TLS listener (and fp is "") */
	char fp[TLS_FP_HEX + 1];    /* its certificate's fingerprint, lowercase hex */
	/* user */
	char nick[NICK_LEN + 1];
	enum beacon_status status;
	uint32_t idle;
	uint64_t server; /* 0: on no server ("-") */
};

/*
 * Writes b into buf (not NUL-terminated). Returns the length, BEACON_E_RANGE if a field is
 * invalid (the decoder would reject it) or BEACON_E_OVERSIZE if it does not fit cap.
 */
int beacon_encode(const struct beacon *b, char *buf, size_t cap);
/* Parses one datagram into b (zeroed first). Returns BEACON_OK or a BEACON_E_* code. */
int beacon_decode(const char *data, size_t len, struct beacon *b);
const char *beacon_strerror(int err);
const char *beacon_kind_name(enum beacon_kind kind);
const char *beacon_status_name(enum beacon_status status);

/* Interval ± BEACON_JITTER_PCT percent, picked by rnd, so that senders do not synchronise. */
int64_t beacon_jitter(int64_t interval_ms, uint32_t rnd);
/*
 * Silence after which a sender is forgotten: BEACON_EXPIRE_INTERVALS of the longest
 * jittered interval, so that only that many beacons lost in a row expire a sender.
 */
int64_t beacon_expire_ms(int64_t interval_ms);

struct beacon_peer {
	struct beacon b;      /* the newest beacon accepted from this id at this address */
	char addr[HOST_LEN];  /* its source address: with b.id, the key of the entry */
	int64_t first_ms;
	int64_t heard_ms;
	/*
	 * When first heard, another address already claimed this id: an impersonation, or a
	 * server that moved. Never joined without the user choosing it.
	 */
	bool suspect;
	bool pinned;          /* a server we joined (beacon_roster_pin) */
};

struct beacon_rate {
	char addr[HOST_LEN];   /* "" when the slot is free */
	int64_t last_ms;
	int32_t millitokens;   /* token bucket in thousandths of a datagram */
};

/* What one update did, for callers to act on (refresh a list) or count. */
enum beacon_verdict {
	BEACON_NEW = 0,    /* a sender not known before */
	BEACON_UPDATED,    /* a newer beacon from a known sender */
	BEACON_GONE,       /* a bye removed a known sender */
	BEACON_SELF,       /* our own id: ignored */
	BEACON_STALE,      /* seq not newer than the last one accepted (replay, reordering) */
	BEACON_UNKNOWN_BYE,/* a bye from a sender we did not know */
	BEACON_RATE,       /* the source address sent too many: dropped */
	BEACON_FULL,       /* no room for another sender: dropped */
	BEACON_FOREIGN_BYE,/* a bye for a known id from another address: ignored */
	BEACON_RESTART     /* a known sender whose seq jumped past BEACON_SEQ_JUMP_MAX: taken */
};

/*
 * Senders in peers[0..len), in no particular order; an update or expiry may move them.
 * The struct is large (about BEACON_ROSTER_MAX * 300 bytes): allocate it, don't put it on
 * the stack.
 */
struct beacon_pin {
	uint64_t id;            /* 0 when the slot is free */
	char addr[HOST_LEN];
};

struct beacon_roster {
	uint64_t self_id;
	int64_t interval_ms;
	size_t len;
	struct beacon_peer peers[BEACON_ROSTER_MAX];
	struct beacon_rate rate[BEACON_RATE_SOURCES];
	struct beacon_pin pins[BEACON_PINS_MAX]; /* oldest replaced first */
	size_t next_pin;
};

/*
 * A server's answers to newcomers. A client starting without a HOST listens, then sends its
 * first user beacon; a server that hears a user id it does not know sends its own server
 * beacon at once rather than at its next interval. One broadcast answers every newcomer
 * heard before it, so asks that come within BEACON_ANSWER_MIN_MS of the last answer are
 * folded into one answer sent when that time is up: a storm of clients costs the LAN at
 * most one extra beacon a second, and no newcomer waits longer than that.
 */
struct beacon_answer {
	bool owed;         /* a newcomer was heard and no beacon has gone out since */
	bool answered;     /* last_ms is valid */
	int64_t due_ms;    /* when the owed answer may go out */
	int64_t last_ms;   /* when the last answer went out */
};

void beacon_answer_init(struct beacon_answer *a);
/* A newcomer was heard at now_ms; returns when the answer is due (now_ms or later). */
int64_t beacon_answer_ask(struct beacon_answer *a, int64_t now_ms);
/* True (and the answer counts as sent) if one is owed and due at now_ms. */
bool beacon_answer_take(struct beacon_answer *a, int64_t now_ms);
/* A periodic beacon went out: it answers whoever was owed one, without counting as extra. */
void beacon_answer_periodic(struct beacon_answer *a);

void beacon_roster_init(struct beacon_roster *r, uint64_t self_id, int64_t interval_ms);
/* Takes one decoded beacon heard from addr at now_ms (a monotonic clock). */
enum beacon_verdict beacon_roster_update(struct beacon_roster *r, const struct beacon *b,
    const char *addr, int64_t now_ms);
/* Forgets senders silent for longer than beacon_expire_ms(); returns how many. */
size_t beacon_roster_expire(struct beacon_roster *r, int64_t now_ms);
/* The entry for id that is not suspect (or, failing that, any), NULL if none. */
const struct beacon_peer *beacon_roster_find(const struct beacon_roster *r, uint64_t id);
/* The entry for id heard from addr, NULL if none. */
const struct beacon_peer *beacon_roster_find_at(const struct beacon_roster *r, uint64_t id,
    const char *addr);
/* How many entries claim id (more than one: someone impersonates someone). */
size_t beacon_roster_claims(const struct beacon_roster *r, uint64_t id);
/*
 * Remembers (id, addr) as a server the user joined (the last BEACON_PINS_MAX of them):
 * when the roster is full its beacons still get in, in place of the newest other sender,
 * so a flood from many addresses cannot hide it.
 */
void beacon_roster_pin(struct beacon_roster *r, uint64_t id, const char *addr);

#endif
