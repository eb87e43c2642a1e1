/*
 * backlog: the server's history in the client's windows (IRCv3 draft/chathistory, batch,
 * message-tags). On a first join a channel's window is filled with its latest lines; after
 * a reconnect each window fetches what it missed, a page at a time, with one marker line;
 * PgUp at the top of a window fetches older lines. Lines from history take their place by
 * time, are never shown twice (by msgid, else by text and time against lines without one:
 * restored from the log, or our own), and mark no activity and ring no bell.
 *
 * Pure like the session it belongs to: lines in through sess_feed, requests out through
 * sess_send. Against a server without chathistory nothing here does anything.
 */
#ifndef LANCHAT_BACKLOG_H
#define LANCHAT_BACKLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "client/seen.h"
#include "client/windows.h"
#include "common/ircmsg.h"
#include "common/limits.h"

/* A history batch the server has opened ("BATCH +ref chathistory target"). */
struct backlog_batch {
	char ref[CLIENT_BATCH_REF_MAX + 1];
	char target[WIN_NAME_LEN + 1];
	int lines;                       /* lines it held */
	char last[CLIENT_MSGID_MAX + 1]; /* msgid of its newest line, where AFTER goes on */
	int64_t last_ms;
	enum win_req req;                /* what it answers (the window's request when opened) */
	unsigned long placed;            /* serial of its line placed last: the next goes below */
	long rows;                       /* rows its lines take in the window's view */
};

struct backlog {
	struct backlog_batch open[CLIENT_BATCHES_OPEN];
	int nopen;
	int server_max;   /* the server's CHATHISTORY= limit per request; 0 if it said none */
	unsigned seq;     /* requests sent, to find the oldest one a FAIL answers */
	struct seen seen; /* msgids shown, per window */
};

struct session;

void backlog_init(struct backlog *b);
void backlog_free(struct backlog *b);
/* A new link, or none: batches and requests in flight are forgotten, what was seen kept. */
void backlog_reset(struct session *s);

/* Does the server give history (chathistory and batch acknowledged)? */
bool backlog_on(const struct session *s);

/* "BATCH +ref type params" or "BATCH -ref". */
void backlog_batch(struct session *s, const struct irc_msg *m);
/*
 * A line tagged batch=ref: when ref is an open history batch, the line is shown from history
 * (nothing else about the session changes) and true is returned; false: handle it as live.
 * nick and self are its source's; t and ms its time; msgid "" when it has none.
 */
bool backlog_take(struct session *s, const struct irc_msg *m, const char *ref, const char *nick,
    bool self, time_t t, int64_t ms, const char *msgid);
/* "FAIL CHATHISTORY code subcommand [context] :text": ends the request it answers. */
void backlog_fail(struct session *s, const struct irc_msg *m);
/* A live line with msgid (or none: "") and server time ms (0: none) went into window w. */
void backlog_note(struct win *w, const char *msgid, int64_t ms);

/*
 * We joined chan: its window (open already) is filled, or catches up if it was joined
 * before on this run. Call before the join's own line is added to the window.
 */
void backlog_joined(struct session *s, const char *chan);
/* Registered again: private conversations catch up on what they missed. */
void backlog_registered(struct session *s);
/*
 * PgUp at the top of window i: asks for the page before its oldest line. False when there
 * is nothing to ask (no history, a request in flight, the start reached, a full scrollback).
 */
bool backlog_more(struct session *s, int i);

#endif
