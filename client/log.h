/*
 * log: every window's lines on disk, one file a day:
 * ROOT/SERVER/TARGET/YYYY-MM-DD.log, ROOT being $XDG_DATA_HOME/lanchat/logs (by default
 * ~/.local/share/lanchat/logs). A line is "HH:MM:SS text" in plain UTF-8, the text as it was
 * sanitised for the screen. The server window's TARGET is "@server" (no nick or channel
 * can be called that). Directories are made 0700, files 0600.
 *
 * Reading back: the last lines of a window's log (shown dimmed when it opens) and the
 * lines that match a search. log_component and log_parse_line are pure.
 */
#ifndef LANCHAT_LOG_H
#define LANCHAT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum { LOG_PATH_MAX = 1024, LOG_COMPONENT_MAX = 100 };

#define LOG_SERVER_TARGET "@server"

void log_default_root(char *buf, size_t cap);
/*
 * name as one safe path component: '/', control characters and a leading '.' become '_',
 * ASCII letters are lowered (IRC casemapping: #Lan and #lan share a log); "" becomes "_".
 */
void log_component(char *dst, size_t cap, const char *name);
/* Appends one line of window target on server; false (errno set) if it cannot be written. */
bool log_write(const char *root, const char *server, const char *target, time_t t,
    const char *text);

typedef void (*log_line_fn)(void *arg, time_t t, const char *text);
/*
 * Calls fn, oldest first (by time; lines of one second in the order written), for the last
 * max lines of the window's newest logs; returns how many.
 */
int log_tail(const char *root, const char *server, const char *target, int max, log_line_fn fn,
    void *arg);
/*
 * Calls fn for lines older than before (0: any) containing needle (ASCII case ignored),
 * newest day first, over at most FIND_LOG_DAYS_MAX days and max hits; returns how many.
 */
int log_search(const char *root, const char *server, const char *target, const char *needle,
    time_t before, int max, log_line_fn fn, void *arg);
struct win;
struct sb_line;
/* The window's target: its channel or nick, or LOG_SERVER_TARGET. */
const char *log_target(const struct win *w);
/*
 * Logs a line of window w, without its screen stamp. Restored lines are not logged again,
 * nor lines from the server's history no newer than the newest line restored.
 */
void log_window_line(const char *root, const char *server, const struct win *w,
    const struct sb_line *l);
/* Puts the last LOG_RESTORE_LINES of w's log atop it, dimmed. */
void log_restore(const char *root, const char *server, struct win *w);

struct session;
/* Where /find is: the window searched, where the next search starts, whether its log was. */
struct log_find {
	unsigned win;
	size_t from;
	bool log_done;
};
/*
 * /find: the next older line with s->find in window w, scrolled into view; past its oldest
 * line, the older matches in its log (root NULL: not logging), dated, at the top.
 */
void log_find_next(struct log_find *f, struct session *s, struct win *w, const char *root,
    const char *server);

/* "HH:MM:SS text" of day y-mo-d: its time and where its text starts; false if malformed. */
bool log_parse_line(const char *line, int y, int mo, int d, time_t *t, const char **text);

#endif
