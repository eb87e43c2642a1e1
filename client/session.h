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

#include "client/backlog.h"
#include "client/channel.h"
#include "client/config.h"
#include "client/chanmodes.h"
#include "client/scrollback.h"
#include "client/windows.h"
#include "common/ircmsg.h"
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

/* IRCv3 capabilities the client asks for when the server offers them. */
enum sess_cap {
	SESS_CAP_SERVER_TIME = 1 << 0,
	SESS_CAP_MESSAGE_TAGS = 1 << 1,
	SESS_CAP_BATCH = 1 << 2,
	SESS_CAP_CHATHISTORY = 1 << 3,    /* draft/chathistory, or chathistory */
	SESS_CAP_EVENT_PLAYBACK = 1 << 4, /* draft/event-playback, or event-playback */
	SESS_CAP_ACCOUNT_NOTIFY = 1 << 5,
	SESS_CAP_EXTENDED_JOIN = 1 << 6,
	SESS_CAP_SASL = 1 << 7,
};

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
	bool tls;                         /* connect over TLS (ircs://, --tls, a tls= beacon) */
	char expect_fp[TLS_FP_HEX + 1];   /* the fp= a beacon gave for this server, or "" */
	char tls_fp[TLS_FP_HEX + 1];      /* the certificate of the link now up; "" if plain */
	/* A changed certificate was refused: what is pinned, and what /trust would pin. */
	char pinned_fp[TLS_FP_HEX + 1];
	char refused_fp[TLS_FP_HEX + 1];
	char reason[SESS_REASON_LEN]; /* why we are not connected */
	bool away;
	/* Words that highlight a line besides our nick (ui.highlight). */
	char highlight[HIGHLIGHT_WORDS_MAX][HIGHLIGHT_WORD_LEN + 1];
	int nhighlight;
	struct config *cfg;     /* what /set shows and changes; NULL: /set has nothing */
	char find[FIND_TEXT_LEN + 1]; /* what /find looks for */
	bool find_new;          /* ... from the newest line (a new /find TEXT) */
	const char *cmd_name;   /* the command being run ("/send"), for handlers shared by several */

	/* Channels we are in (their windows may outlive them: a part keeps the window). */
	struct sess_chan chans[CHANNELS_PER_CLIENT];
	int nchans;
	/* Channels to join after registration (the -c channel, then whatever /join added). */
	char autojoin[CHANNELS_PER_CLIENT][CHANNEL_LEN + 1];
	int nautojoin;

	struct chm_info modes; /* the server's PREFIX, CHANMODES and MODES (ISUPPORT) */
	bool cap_server_time;
	unsigned caps;          /* enum sess_cap: acknowledged by the server */
	unsigned caps_offered;  /* bit i: the i-th name session_in asks for was in CAP LS */
	struct backlog bl;      /* history: batches, requests, msgids seen */
	/* The line being handled: its msgid ("" if none) and server time (0 if none). */
	char in_msgid[CLIENT_MSGID_MAX + 1];
	int64_t in_ms;
	bool have_cert;         /* the link presents our own certificate over TLS */
	bool sasl_pending;      /* AUTHENTICATE EXTERNAL sent; registration waits for 903/904 */
	char account[NICK_LEN + 1]; /* the account we are logged in as (900), "" when none */
	bool welcome_done;      /* the MOTD (or our first JOIN) ended the greeting */
	bool motd_asked;        /* /motd: its reply goes to the server window */
	/*
	 * WHO requests in flight, oldest in bit 0: 1 = the user asked (replies shown), 0 = our
	 * own quiet WHO after NAMES (replies only update who is away).
	 */
	uint32_t who_shown;
	int who_pending;
	int nick_tries;
	unsigned attempt;       /* failed connection attempts in a row */
	bool ever_registered;   /* this host has let us in at least once */
	int resolve_fails;      /* lookups of host that failed in a row */
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
	struct win_list *wins;  /* where lines go: the server window, channels, queries */
	struct scrollback *welcome;
	struct scrollback *wire;
	/* Told of every line added to a window, with the activity it marks (logs, alerts). */
	void (*on_line)(void *arg, const struct win *w, const struct sb_line *l,
	    enum win_act act);
	void *on_line_arg;
	/* A CTCP DCC message from nick (the text between the \001s). */
	void (*on_dcc)(void *arg, const char *nick, const char *ctcp);
	void *on_dcc_arg;
	/* The file commands (/send, /accept, /decline, /transfers, /cancel) and their words. */
	void (*on_file_cmd)(void *arg, const char *cmd, const char *args);
	void *on_file_cmd_arg;
	/* CTCP answers: the next time one is free (a token bucket kept as one time). */
	int64_t ctcp_free_at;
	int64_t ctcp_chan_at;   /* when a channel CTCP was last answered */
	bool ctcp_chan_once;    /* ... if ever */
	uint64_t ctcp_dropped;  /* requests not answered */
	unsigned long seq;      /* changes whenever visible state changes */
};

void sess_init(struct session *s, const char *nick, const char *channel,
    struct win_list *wins, struct scrollback *welcome, struct scrollback *wire, uint32_t seed);
void sess_free(struct session *s);
void sess_set_server(struct session *s, const char *host, const char *port);
/* Whether to use TLS for the server set, and the fingerprint a beacon promised (or NULL). */
void sess_set_tls(struct session *s, bool tls, const char *expect_fp);
/*
 * The TLS handshake is over and the certificate fp accepted: registration starts as after
 * sess_connected; first_use says so once in the welcome pane.
 */
void sess_secured(struct session *s, const char *fp, bool first_use, int64_t now);

/* Connection events from the caller. */
void sess_connecting(struct session *s, int64_t now);
void sess_connected(struct session *s, int64_t now);
/* The socket is gone (or never came up). Schedules a reconnect unless the user quit. */
void sess_lost(struct session *s, const char *reason, int64_t now);
/*
 * The host name did not resolve. Like sess_lost, except that a name that has never worked
 * is given up after RESOLVE_TRIES_MAX tries in a row instead of retried forever.
 */
void sess_unresolved(struct session *s, const char *reason, int64_t now);

/* One line from the server (no CR LF). wall is the wall clock for timestamps. */
void sess_feed(struct session *s, char *line, int64_t now, time_t wall);

/*
 * Timers: lag PINGs, ping and registration timeouts, reconnect. Returns true when the caller
 * should start connecting now.
 */
bool sess_tick(struct session *s, int64_t now);
/* The next time sess_tick has something to do (INT64_MAX if nothing). */
int64_t sess_next_deadline(const struct session *s);

/*
 * Queues one line (without CR LF) and records it in the wire view, with a password it carries
 * shown as *** (common/redact).
 */
void sess_send(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends WHO target; show: its replies are drawn as lines, else they only update state. */
void sess_who(struct session *s, const char *target, bool show);
/* Sends text to target, split to fit the line limit, and shows it as ours. */
void sess_say(struct session *s, const char *target, const char *text, bool action);
/* A line for the user in nick's window (opened if need be; "" = the window shown). */
void sess_note(struct session *s, const char *nick, bool attention, const char *text);
/* Records a client message (hint, error) in the window shown. */
void sess_info(struct session *s, enum sb_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The channel of the window shown, if it is a channel we are in. */
const struct sess_chan *sess_current(const struct session *s);
/* Where typed text goes in the window shown: a channel we are in or a nick; NULL if none. */
const char *sess_talk_target(const struct session *s);
struct sess_chan *sess_find_chan(struct session *s, const char *name);
/* The query window with nick, opened (not shown) if there is none; -1 if none can be. */
int sess_query_win(struct session *s, const char *nick);
void sess_autojoin_add(struct session *s, const char *chan);
void sess_autojoin_del(struct session *s, const char *chan);

/*
 * Reads a server as the user gives it: HOST, HOST:PORT, [V6]:PORT, or any of these after
 * "ircs://" (TLS, port 6697 by default) or "irc://". *tls is set for ircs:// and left alone
 * otherwise. Returns 0, -1 (unreadable) or NET_SPLIT_BADPORT.
 */
int sess_parse_server(const char *in, char *host, size_t hcap, char *port, size_t pcap,
    bool *tls);

/* Reconnect delay for the attempt-th failure in a row (0-based); rnd gives the jitter. */
int64_t sess_backoff_ms(unsigned attempt, uint32_t rnd);
/* The next connection is a first try: no back-off from earlier failures. */
void sess_reset_backoff(struct session *s);
/* Undoes /quit or /disconnect: losing the next link reconnects again. */
void sess_allow_reconnect(struct session *s);
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

/*
 * History in the windows (session_hist.c, over the state in backlog.h): CHATHISTORY on a
 * first join, catch-up after a reconnect, PgUp for older pages, history batches put in place.
 */
/* A new link, or none: batches and requests in flight are forgotten, what was seen kept. */
void sess_hist_reset(struct session *s);

/* Does the server give history (chathistory and batch acknowledged)? */
bool sess_hist_on(const struct session *s);

/* "BATCH +ref type params" or "BATCH -ref". */
void sess_hist_batch(struct session *s, const struct irc_msg *m);
/*
 * A line tagged batch=ref: when ref is an open history batch, the line is shown from history
 * (nothing else about the session changes) and true is returned; false: handle it as live.
 * nick and self are its source's; t and ms its time; msgid "" when it has none.
 */
bool sess_hist_take(struct session *s, const struct irc_msg *m, const char *ref, const char *nick,
    bool self, time_t t, int64_t ms, const char *msgid);
/* "FAIL CHATHISTORY code subcommand [context] :text": ends the request it answers. */
void sess_hist_fail(struct session *s, const struct irc_msg *m);

/*
 * We joined chan: its window (open already) is filled, or catches up if it was joined
 * before on this run. Call before the join's own line is added to the window.
 */
void sess_hist_joined(struct session *s, const char *chan);
/* Registered again: private conversations catch up on what they missed. */
void sess_hist_registered(struct session *s);
/*
 * PgUp at the top of window i: asks for the page before its oldest line. False when there
 * is nothing to ask (no history, a request in flight, the start reached, a full scrollback).
 */
bool sess_hist_more(struct session *s, int i);

#endif
