/*
 * server: the state every server module shares (configuration, registries, counters) and
 * the lookups in its registries. main.c fills the configuration; nothing here does I/O.
 */
#ifndef LANCHAT_SERVER_H
#define LANCHAT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/cset.h"
#include "common/hmap.h"
#include "common/hotcold.h"
#include "common/limits.h"
#include "common/net.h"
#include "common/timerq.h"

struct conn;
struct channel;
struct store;
struct tls;

struct srv_config {
	const char *bind;
	char port[8];
	char name[SERVER_NAME_LEN + 1];
	char channel[CHANNEL_LEN + 1];
	const char *motd_path;
	int max_clients;
	int max_per_host; /* 0: no limit */
	size_t sendq;
	int flood_rate;
	int timeout_s;
	bool beacon;
	bool plain;          /* the plain-text/IRC listener (--no-plain turns it off) */
	bool tls;            /* the TLS listener (--no-tls turns it off) */
	char tls_port[8];
	const char *tls_cert; /* --tls-cert/--tls-key; NULL: the state directory's pair */
	const char *tls_key;
	bool allow_plain_passwords; /* passwords over plain TCP from other hosts too */
	int nick_grace_s;           /* an impostor keeps an account's nick this long */
	char state_dir[STATE_DIR_LEN]; /* --state-dir, or the default under $XDG_STATE_HOME;
	                                  * the store and the TLS key and certificate */
};

/* Exact counters, kept for logs and the dashboard; never reset while running. */
struct srv_stats {
	uint64_t accepted;
	uint64_t refused;
	uint64_t registered;
	uint64_t lines_in;
	uint64_t lines_out;
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t sendq_drops;
	uint64_t flood_kicks;
	uint64_t ping_timeouts;
	uint64_t beacons_sent;
	uint64_t beacons_heard;
	size_t peak_clients;
};

struct server {
	struct srv_config cfg;
	struct srv_stats stats;
	char created[64];
	time_t started;
	int64_t now_ms;
	uint64_t pass; /* loop passes so far */

	char *motd[MOTD_LINES_MAX];
	int motd_lines;

	int listen_fds[2 * NET_LISTEN_MAX];
	bool listen_tls[2 * NET_LISTEN_MAX]; /* this listener's connections speak TLS */
	int nlisten;
	struct tls *tls;               /* the server's TLS context, NULL without TLS */
	char tls_fp[TLS_FP_HEX + 1];   /* its certificate's SHA-256, "" without TLS */
	int tls_port;                  /* the TLS listener's port, 0 without one */
	char listen_desc[256];
	int64_t accept_paused_until;

	struct conn **conns; /* dense; index kept in each conn */
	size_t nconns;
	size_t capconns;
	/*
	 * What a loop pass walks, so that it costs what is active, not what is connected: the
	 * hot and cold connections, those with output queued, those to reap, and each one's
	 * next deadline. Room for every connection is reserved on accept, so adding to these
	 * never fails.
	 */
	struct hc act;
	struct cset pending;
	struct cset dying;
	struct tq deadlines;
	size_t nusers;     /* registered (IRC) or plain */
	size_t ninvisible; /* of those, with user mode +i */

	struct hmap nicks;    /* folded nick -> conn */
	struct hmap channels; /* folded name -> channel */

	unsigned next_id;
	unsigned guest_seq;
	unsigned mark; /* stamp for visiting each conn once per fan-out */
	bool trace;    /* keep each connection's last lines (the dashboard shows them) */
	/* PING registered IRC clients this often to measure lag; 0 = only idle ones */
	int64_t lag_probe_ms;
	struct store *store; /* NULL with --no-store */
	volatile int quit;
};

extern struct server srv;

/* Empty registries and the creation time; srv.cfg is left as the caller set it. */
void srv_init(void);
/* Frees the registries, the MOTD and the connection array (the connections must be gone). */
void srv_free(void);
/* Frees the MOTD's lines (the server then has none). */
void srv_motd_clear(void);

/* Looks name up in a registry keyed by folded names; a name longer than maxlen is absent. */
void *srv_lookup(const struct hmap *m, const char *name, size_t maxlen);
struct conn *srv_find_nick(const char *nick);
struct channel *srv_find_channel(const char *name);

#endif
