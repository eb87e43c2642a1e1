/*
 * notify: telling the user that something is for them. A highlight (our nick or a highlight
 * word) or a private message, in a window not shown or while the terminal has not the focus
 * (where the terminal reports focus), rings the bell and, if notify.command is set, runs it
 * with the sender and the text as two more arguments: execvp, never a shell. Rate-limited:
 * NOTIFY_BURST at once, then one per NOTIFY_MIN_GAP_MS.
 *
 * notify_wanted, notify_allow and notify_argv are pure; notify_run and notify_reap start
 * and collect the command's processes.
 */
#ifndef LANCHAT_NOTIFY_H
#define LANCHAT_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/windows.h"
#include "common/limits.h"

struct notify {
	double tokens;       /* notifications allowed now (refilled with time) */
	int64_t refilled_at;
	bool focused;        /* the terminal's last focus report; true until one says otherwise */
	unsigned sent, dropped;
};

void notify_init(struct notify *n, int64_t now);
/* Is a line with this activity, in a window shown or not, worth a notification? */
bool notify_wanted(enum win_act act, bool shown, bool focused);
/* Takes one notification from the rate limit; false if it is used up for now. */
bool notify_allow(struct notify *n, int64_t now);
/*
 * argv for cmd (words split at spaces) followed by sender and text, in store (cap bytes).
 * Returns the number of arguments (argv[n] = NULL), or 0 if cmd is empty or they do not fit.
 */
int notify_argv(const char *cmd, const char *sender, const char *text, char *store, size_t cap,
    char **argv, int max);
/* Starts argv[0] with its output discarded; false (and errno) if it could not be started. */
bool notify_run(char *const *argv);
/* Collects finished notification processes, so none stays a zombie. */
void notify_reap(void);

#endif
