/*
 * windows: the client's windows. The server window (always number 1: the greeting, the MOTD,
 * the server's own notices) and one window per channel and per private conversation, each
 * with its own scrollback, activity mark and half-typed input. Pure: no curses, no I/O.
 *
 * Windows are numbered from 1 on the screen and indexed from 0 here, in the order they
 * were opened; closing one moves those after it down by one.
 */
#ifndef LANCHAT_WINDOWS_H
#define LANCHAT_WINDOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "client/editor.h"
#include "client/scrollback.h"
#include "common/limits.h"

enum win_kind { WIN_SERVER, WIN_CHANNEL, WIN_QUERY };

/* What arrived in a window while it was not shown; only ever rises until it is shown. */
enum win_act {
	WIN_ACT_NONE,
	WIN_ACT_EVENT,     /* joins, parts, replies: no mark */
	WIN_ACT_MSG,       /* someone said something: '+' */
	WIN_ACT_PRIVATE,   /* a private message: '*' */
	WIN_ACT_HIGHLIGHT  /* our nick or a highlight word: '!' */
};

enum { WIN_NAME_LEN = CHANNEL_LEN > NICK_LEN ? CHANNEL_LEN : NICK_LEN };

/* A CHATHISTORY request of a window's (backlog.h). */
enum win_req { WIN_REQ_NONE, WIN_REQ_LATEST, WIN_REQ_BEFORE, WIN_REQ_AFTER };

/* What a window knows of the server's history of it. */
struct win_hist {
	char newest[CLIENT_MSGID_MAX + 1]; /* msgid of the newest line the server gave, or "" */
	int64_t newest_ms;                 /* that line's server time; 0 before any */
	char oldest[CLIENT_MSGID_MAX + 1]; /* ... and of the oldest, where PgUp goes on from */
	int64_t oldest_ms;
	bool been;            /* joined on this run: joining again catches up */
	bool at_start;        /* the server has nothing older */
	enum win_req req;     /* the request in flight, if any */
	int limit;            /* the lines it asked for */
	unsigned seq;         /* when it was sent, counted by the session */
	bool catchup;         /* it fetches what was said while we were away */
	bool retried;         /* a msgid the server did not know was replaced by a time */
	int64_t from_ms;      /* catch-up: the time of the line it goes on from */
	int pages;            /* catch-up: pages fetched */
	int caught;           /* catch-up: messages added */
	unsigned long first;  /* catch-up: serial of the oldest line added, for the marker */
	int64_t first_ms;
	time_t logged_to;     /* the newest line read back from its log when it opened */
};

struct win {
	unsigned id;                    /* unique for the life of the list */
	enum win_kind kind;
	char name[WIN_NAME_LEN + 1];    /* the channel or nick; "" for the server window */
	struct scrollback sb;
	enum win_act act;
	struct ed_saved input;          /* the input line while another window is shown */
	struct win_hist hist;
};

struct win_list {
	struct win *w[WINDOWS_MAX];
	int n;
	int cur;                        /* the window shown */
	size_t lines;                   /* scrollback lines per window */
	unsigned next_id;
	unsigned long seq;              /* changes whenever the list or a mark changes */
	/* Told of each window opened, before anything is added to it (a log to restore). */
	void (*on_open)(void *arg, struct win *w);
	void *on_open_arg;
};

/* Starts the list with the server window, which is never closed. */
void win_init(struct win_list *l, size_t lines);
void win_free(struct win_list *l);

/* NULL when i is out of range. */
struct win *win_get(const struct win_list *l, int i);
struct win *win_current(const struct win_list *l);
/* The index of the channel or query window called name (IRC casemapping), or -1. */
int win_find(const struct win_list *l, const char *name);
/* The index of window id, or -1 if it was closed. */
int win_find_id(const struct win_list *l, unsigned id);
/*
 * The window called name, opened (at the end, not shown) if there is none. Returns its
 * index, or -1 when WINDOWS_MAX windows are open.
 */
int win_open(struct win_list *l, enum win_kind kind, const char *name);
/* Closes window i; the server window (0) cannot be closed. */
bool win_close(struct win_list *l, int i);
/* Shows window i and clears its mark; false if there is no such window. */
bool win_select(struct win_list *l, int i);
/* Shows the next (dir 1) or previous (dir -1) window, wrapping around. */
void win_step(struct win_list *l, int dir);
/* Records activity in window i (nothing for the window shown). */
void win_mark(struct win_list *l, int i, enum win_act a);
/* A query partner changed nick: the window follows (unless one has the new name already). */
void win_rename(struct win_list *l, int i, const char *name);
/* The mark drawn after a window's number and name: ' ' for none. */
char win_act_mark(enum win_act a);

#endif
