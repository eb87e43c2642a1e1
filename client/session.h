/*
 * session: the IRC client state machine. Pure: the caller feeds it server lines, connection
 * events and the clock; it keeps the state (nick, channels, members, lag, reconnect
 * schedule), queues lines to send in out, and records what happened in the scrollbacks.
 * Sockets and the terminal belong to main.c.
 */
#ifndef LANCHAT_SESSION_H
#define LANCHAT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "client/channel.h"
#include "client/scrollback.h"
#include "common/limits.h"
#include "common/outbuf.h"

enum sess_state {
	SESS_IDLE,        /* not connected and not trying */
	SESS_CONNECTING,  /* TCP connect in progress */
	SESS_REGISTERING, /* connected, waiting for 001 */
	SESS_CONNECTED,   /* registered */
	SESS_WAITING      /* lost; reconnecting at retry_at */
};

enum { SESS_HOST_LEN = 255, SESS_PORT_LEN = 15, SESS_REASON_LEN = 160 };

struct session {
	enum sess_state state;
	char host[SESS_HOST_LEN + 1];
	char port[SESS_PORT_LEN + 1];
	char want_nick[NICK_LEN + 1]; /* what the user asked for */
	bool reclaiming;              /* a NICK to take want_nick back is on its way */
	char nick[NICK_LEN + 1];      /* what the server calls us */
	char user[USER_LEN + 1];
	char realname[REALNAME_LEN + 1];
	char server_name[SERVER_NAME_LEN + 1];
	char reason[SESS_REASON_LEN]; /* why we are not connected */
	bool away;

	/* Channels we are in; cur indexes the one input goes to, -1 if none. */
	struct sess_chan chans[CHANNELS_PER_CLIENT];
	int nchans;
	int cur;
	/* Channels to join after registration (the -c channel, then whatever /join added). */
	char autojoin[CHANNELS_PER_CLIENT][CHANNEL_LEN + 1];
	int nautojoin;

	bool cap_server_time;
	bool welcome_done;      /* the MOTD (or our first JOIN) ended the greeting */
	/*
	 * WHO requests in flight, oldest in bit 0: 1 = the user asked (replies shown), 0 = our
	 * own quiet WHO after NAMES (replies only update who is away).
	 */
	uint32_t who_shown;
	int who_pending;
	int nick_tries;
	unsigned attempt;       /* failed connection attempts in a row */
	int64_t retry_at;       /* SESS_WAITING: when to connect again */
	int64_t state_since;    /* when the current state began */
	int64_t registered_at;
	int64_t lag_ms;         /* -1 = unknown */
	int64_t ping_sent_at;   /* 0 = no lag PING outstanding */
	int64_t next_ping_at;
	bool user_quit;         /* /quit or /disconnect: do not reconnect */
	bool want_close;        /* the caller should flush and close the socket */
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint32_t rng;           /* jitter state */

	struct outbuf out;      /* lines to send, CRLF-terminated */
	struct scrollback *msgs;
	struct scrollback *welcome;
	struct scrollback *wire;
	bool bell;              /* a highlight arrived; the UI rings once and clears it */
	/* CTCP answers: the next time one is free (a token bucket kept as one time). */
	int64_t ctcp_free_at;
	int64_t ctcp_chan_at;   /* when a channel CTCP was last answered */
	bool ctcp_chan_once;    /* ... if ever */
	uint64_t ctcp_dropped;  /* requests not answered */
	unsigned long seq;      /* changes whenever visible state changes */
};

void sess_init(struct session *s, const char *nick, const char *channel,
    struct scrollback *msgs, struct scrollback *welcome, struct scrollback *wire,
    uint32_t seed);
void sess_free(struct session *s);
void sess_set_server(struct session *s, const char *host, const char *port);

/* Connection events from the caller. */
void sess_connecting(struct session *s, int64_t now);
void sess_connected(struct session *s, int64_t now);
/* The socket is gone (or never came up). Schedules a reconnect unless the user quit. */
void sess_lost(struct session *s, const char *reason, int64_t now);

/* One line from the server (no CR LF). wall is the wall clock for timestamps. */
void sess_feed(struct session *s, char *line, int64_t now, time_t wall);

/*
 * Timers: lag PINGs, ping and registration timeouts, reconnect. Returns true when the caller
 * should start connecting now.
 */
bool sess_tick(struct session *s, int64_t now);
/* The next time sess_tick has something to do (INT64_MAX if nothing). */
int64_t sess_next_deadline(const struct session *s);

/* Queues one line (without CR LF) and records it in the wire view. */
void sess_send(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends WHO target; show: its replies are drawn as lines, else they only update state. */
void sess_who(struct session *s, const char *target, bool show);
/* Sends text to target, split to fit the line limit, and shows it as ours. */
void sess_say(struct session *s, const char *target, const char *text, bool action);
/* Records a client message (hint, error) in the messages pane. */
void sess_info(struct session *s, enum sb_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const struct sess_chan *sess_current(const struct session *s);
/* Makes the next (dir 1) or previous (dir -1) channel the current one. */
void sess_cycle(struct session *s, int dir);
struct sess_chan *sess_find_chan(struct session *s, const char *name);
void sess_autojoin_add(struct session *s, const char *chan);
void sess_autojoin_del(struct session *s, const char *chan);

/* Reconnect delay for the attempt-th failure in a row (0-based); rnd gives the jitter. */
int64_t sess_backoff_ms(unsigned attempt, uint32_t rnd);
/* The next connection is a first try: no back-off from earlier failures. */
void sess_reset_backoff(struct session *s);
/* Undoes /quit or /disconnect: losing the next link reconnects again. */
void sess_allow_reconnect(struct session *s);
/* Whether a highlight asked for the bell since the last call. */
bool sess_take_bell(struct session *s);
/* Counts bytes the caller moved on the session's socket (the status line shows them). */
void sess_count_io(struct session *s, uint64_t in, uint64_t out);
/* Why the session is not connected, for the status line, while no link is being tried. */
void sess_set_reason(struct session *s, const char *reason);
/* No server chosen yet: the status line shows no address. */
void sess_clear_server(struct session *s);
/* A usable nick from anything (e.g. $USER): invalid characters become '_'. */
void sess_fix_nick(char *dst, size_t cap, const char *src);
/* "nick_", "nick__", ... within NICK_LEN, for the tries-th retry after 433. */
void sess_alt_nick(char *dst, size_t cap, const char *base, int tries);

#endif
