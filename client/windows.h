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

struct win {
	unsigned id;                    /* unique for the life of the list */
	enum win_kind kind;
	char name[WIN_NAME_LEN + 1];    /* the channel or nick; "" for the server window */
	struct scrollback sb;
	enum win_act act;
	struct ed_saved input;          /* the input line while another window is shown */
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
