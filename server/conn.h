/* conn: one client connection: buffers, state, counters, and how it is closed. */
#ifndef LANCHAT_CONN_H
#define LANCHAT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/cset.h"
#include "common/hotcold.h"
#include "common/limits.h"
#include "common/linebuf.h"
#include "common/outbuf.h"
#include "common/telnet.h"
#include "common/timerq.h"
#include "common/transport.h"

enum conn_mode { CONN_UNKNOWN = 0, CONN_IRC, CONN_PLAIN };

enum conn_cap {
	CAP_SERVER_TIME = 1 << 0,
	CAP_ECHO_MESSAGE = 1 << 1,
	CAP_MESSAGE_TAGS = 1 << 2,
	CAP_BATCH = 1 << 3,
	CAP_CHATHISTORY = 1 << 4,    /* draft/chathistory */
	CAP_EVENT_PLAYBACK = 1 << 5, /* draft/event-playback */
	CAP_SASL = 1 << 6,
	CAP_ACCOUNT_TAG = 1 << 7,
	CAP_ACCOUNT_NOTIFY = 1 << 8,
	CAP_EXTENDED_JOIN = 1 << 9,
	CAP_ACCOUNT_REGISTRATION = 1 << 10, /* draft/account-registration */
	CAP_MULTI_PREFIX = 1 << 11,
	CAP_USERHOST_IN_NAMES = 1 << 12,
	CAP_INVITE_NOTIFY = 1 << 13,
};

enum { CONN_REASON_LEN = 128, TRACE_LINES = 16, TRACE_TEXT = 160 };

/* The last few lines in and out, as on the wire (kept only while srv.trace is on). */
struct conn_trace {
	unsigned head; /* next slot to write; slots before it are newest first */
	unsigned count;
	bool out_midline; /* the last write ended inside a line */
	struct {
		int64_t ms;
		bool out;
		unsigned short len;
		char text[TRACE_TEXT];
	} ring[TRACE_LINES];
};

struct channel;
struct sasl;
struct tls;

struct conn {
	int fd;
	struct transport tp; /* plain socket or TLS session over fd */
	short hs_events;     /* TLS handshake in progress: what it waits for (POLLIN/POLLOUT) */
	bool read_wants_out; /* the last read needs the socket writable first (TLS) */
	bool write_wants_in; /* the last write needs the socket readable first (TLS) */
	unsigned id;
	size_t idx; /* position in srv.conns */
	enum conn_mode mode;
	bool registered; /* IRC: welcome sent; plain: always once started */
	bool invisible;  /* user mode +i: left out of WHO for people sharing no channel */
	bool oper;       /* user mode +o: a server operator */
	bool dead;       /* to be reaped at the end of this loop pass */
	bool throttled;  /* out of flood tokens: not read until they refill */
	bool hung_up;    /* poll saw POLLHUP/POLLERR: not polled while throttled */
	int64_t slow_told_ms; /* when a plain user was last told their lines are being paced */
	uint64_t flush_pass;  /* the loop pass of the last flush */
	unsigned hot_passes;  /* consecutive passes with a flush, up to OUTBUF_HOT_PASSES */
	bool cap_held;   /* CAP negotiation in progress: registration waits for CAP END */
	bool got_user;
	bool got_pass;
	bool plain_spoke; /* plain: a line of theirs was handled, not only withheld */
	bool silent;      /* plain by silence, and no line received since */
	unsigned caps;
	unsigned mark;

	char nick[NICK_LEN + 1];
	char nickfold[NICK_LEN + 1];
	char user[USER_LEN + 1];
	char realname[REALNAME_LEN + 1];
	char host[HOST_LEN];
	int port;
	char *away;
	char account[NICK_LEN + 1]; /* the account logged in as (casefolded); "" when none */
	bool local;                 /* came from this host itself (see conn_is_local) */
	struct sasl *sasl;          /* an AUTHENTICATE exchange in progress, or NULL */
	int64_t claim_due_ms;       /* holds a nick another account owns: renamed then; 0 when not */

	struct channel **chans;
	unsigned char *chanstatus; /* enum chan_status in chans[i], one byte each */
	int nchans;

	struct linebuf in;
	struct outbuf out;
	struct telnet telnet; /* option negotiation and backspaces of a telnet client */

	struct hc_member act;     /* in srv.act: hot or cold */
	struct cset_link pending; /* in srv.pending while output is queued */
	struct cset_link dying;   /* in srv.dying once marked dead */
	struct tq_timer deadline; /* in srv.deadlines: when its timeouts next need a look */

	int64_t connected_ms;
	int64_t greeted_ms;  /* when the greeting went out (after the handshake, for TLS) */
	int64_t last_rx_ms;  /* last line received */
	int64_t ping_sent_ms; /* 0 when no PING is outstanding */
	int lag_ms;          /* last measured round trip, -1 before the first */
	int64_t ping_done_ms; /* when the last PONG (or registration) happened */
	struct conn_trace *trace;
	double tokens;
	int64_t tokens_ms;

	uint64_t lines_in, lines_out, bytes_in, bytes_out;
	char reason[CONN_REASON_LEN];
};

/* A peer's address as connections show it ("0::1" rather than "::1"); cap >= 2. */
void conn_host_str(const struct sockaddr *sa, char *buf, size_t cap);
struct conn *conn_new(int fd, const struct sockaddr *sa);
/* Adds c to srv.conns (c->idx is set) and keeps the peak count. */
void conn_add(struct conn *c);
void conn_free(struct conn *c);
/* Makes the connection a TLS session of server (before anything is sent). -1 on failure. */
int conn_start_tls(struct conn *c, struct tls *server);
/*
 * Moves a TLS handshake on: true once it is over (the caller greets the client), false while
 * it waits (c->hs_events says for what) or when it failed (the connection is killed).
 */
bool conn_handshake(struct conn *c);
/* The poll() events the transport asks for beside the loop's own. */
short conn_transport_events(const struct conn *c);
/* Closes the transport (and the socket) for good, with one last try at unsent output. */
void conn_close(struct conn *c);
/* Queues bytes; over the SendQ the connection is killed and nothing more is queued. */
void conn_send(struct conn *c, const char *line, size_t len);
/* Formats one line, cut to the wire limit, and adds CR LF. */
void conn_printf(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ":server NUM nick " + the rest. */
void conn_reply(struct conn *c, const char *num, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A notice from a service nick (NickServ): ":NickServ!... NOTICE" or "-NickServ- text". */
void conn_notice_from(struct conn *c, const char *service, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Does the peer at sa, accepted on fd, sit on this very host? True when its address is the
 * address it connected to (127.0.0.1 to 127.0.0.1, or a LAN address to itself): then the
 * bytes never crossed a wire, and a password may travel without TLS. 127.0.0.2 connecting
 * to 127.0.0.1 is not, so tests can play a remote host over loopback.
 */
bool conn_is_local(int fd, const struct sockaddr *sa);
/* A server notice: NOTICE for IRC, "*** text" for plain text users. */
void conn_notice(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Marks the connection dead with a reason; it is closed at the end of the loop pass. */
void conn_kill(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like conn_kill, but first tells the client "ERROR :Closing link: ..." */
void conn_close_link(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "nick!~user@host" (buf >= CONN_PREFIX_LEN) */
enum { CONN_PREFIX_LEN = NICK_LEN + USER_LEN + HOST_LEN + 4 };
void conn_prefix(const struct conn *c, char *buf, size_t cap);
const char *conn_nick(const struct conn *c); /* "*" before a nick is set */

enum conn_read_result {
	CONN_READ_NONE, /* nothing waiting, or no room until buffered lines are handled */
	CONN_READ_SOME, /* got bytes, less than there was room for: the socket is drained */
	CONN_READ_FULL, /* filled the input buffer: more may be waiting */
	CONN_READ_DEAD  /* EOF or error; the connection is killed */
};
/* Reads once into the input buffer. */
enum conn_read_result conn_read(struct conn *c);
/* Writes pending output once; errors kill the connection. */
void conn_flush(struct conn *c);

void conn_set_nick(struct conn *c, const char *nick);
bool conn_in_channel(const struct conn *c, const struct channel *ch);
/* Records one line (without CR LF) in the connection's trace, if it keeps one. */
void conn_trace(struct conn *c, bool out, const char *line, size_t len);
/* Records the lines of a chunk just written to the socket (only the last few are kept). */
void conn_trace_written(struct conn *c, const char *data, size_t n);

#endif
