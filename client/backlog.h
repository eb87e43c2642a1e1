/*
 * backlog: the server's history in the client's windows (IRCv3 draft/chathistory, batch,
 * message-tags). On a first join a channel's window is filled with its latest lines; after
 * a reconnect each window fetches what it missed, a page at a time, with one marker line;
 * PgUp at the top of a window fetches older lines. Lines from history take their place by
 * time, are never shown twice (by msgid, else by text and time against lines without one:
 * restored from the log, or our own), and mark no activity and ring no bell.
 *
 * This module holds the state (per session and per window) and what needs no session; the
 * session's side of it (requests, batches, catch-up) is in session_hist.c, declared in
 * session.h. Against a server without chathistory nothing here does anything.
 */
#ifndef LANCHAT_BACKLOG_H
#define LANCHAT_BACKLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "client/seen.h"
#include "client/windows.h"
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

void backlog_init(struct backlog *b);
void backlog_free(struct backlog *b);
/* A live line with msgid (or none: "") and server time ms (0: none) went into window w. */
void backlog_note(struct win *w, const char *msgid, int64_t ms);

#endif
