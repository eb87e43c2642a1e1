#include "client/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/config.h"
#include "client/session.h"
#include "client/windows.h"
#include "common/ircmsg.h"
#include "common/limits.h"
#include "common/util.h"

void
log_default_root(char *buf, size_t cap)
{
	cfg_xdg_path(buf, cap, "XDG_DATA_HOME", ".local/share", "lanchat/logs");
}

void
log_component(char *dst, size_t cap, const char *name)
{
	size_t o = 0;
	if (cap == 0)
		return;
	for (const char *p = name; *p != '\0' && o + 1 < cap && o < LOG_COMPONENT_MAX; p++) {
		unsigned char c = (unsigned char)*p;
		bool bad = c == '/' || c < 0x20 || c == 0x7f || (o == 0 && c == '.');
		dst[o++] = bad ? '_' : irc_tolower((char)c);
	}
	if (o == 0)
		dst[o++] = '_';
	dst[o] = '\0';
}

/* ROOT/SERVER/TARGET into buf; false if it does not fit. */
static bool
target_dir(char *buf, size_t cap, const char *root, const char *server, const char *target)
{
	char s[LOG_COMPONENT_MAX + 1], t[LOG_COMPONENT_MAX + 1];
	log_component(s, sizeof s, server);
	log_component(t, sizeof t, target);
	int n = snprintf(buf, cap, "%s/%s/%s", root, s, t);
	return n > 0 && (size_t)n < cap;
}

/* mkdir -p, each new directory 0700. */
static bool
make_dirs(char *path)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		bool ok = mkdir(path, 0700) == 0 || errno == EEXIST;
		*p = '/';
		if (!ok)
			return false;
	}
	return mkdir(path, 0700) == 0 || errno == EEXIST;
}

bool
log_write(const char *root, const char *server, const char *target, time_t t,
    const char *text)
{
	char dir[LOG_PATH_MAX], path[LOG_PATH_MAX + 32], line[8 * IRC_LINE_MAX];
	struct tm tm;

	if (!target_dir(dir, sizeof dir, root, server, target) || !make_dirs(dir))
		return false;
	localtime_r(&t, &tm);
	snprintf(path, sizeof path, "%s/%04d-%02d-%02d.log", dir, tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	int n = snprintf(line, sizeof line, "%02d:%02d:%02d %s\n", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, text);
	if (n < 0)
		return false;
	if ((size_t)n >= sizeof line) {
		n = sizeof line - 1;
		line[n - 1] = '\n';
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return false;
	/* One write of a whole line: O_APPEND keeps lines whole between two clients. */
	bool ok = write(fd, line, (size_t)n) == n;
	close(fd);
	return ok;
}

bool
log_parse_line(const char *line, int y, int mo, int d, time_t *t, const char **text)
{
	int h, mi, s;
	char sp;
	if (sscanf(line, "%2d:%2d:%2d%c", &h, &mi, &s, &sp) != 4 || sp != ' ' || h > 23 ||
	    mi > 59 || s > 60 || line[2] != ':' || line[5] != ':')
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
		.tm_min = mi, .tm_sec = s, .tm_isdst = -1 };
	*t = mktime(&tm);
	*text = line + 9;
	return true;
}

static int
by_name_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The day logs of a window, newest first (at most max); the caller frees each name. */
static int
list_days(const char *dir, char **names, int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, y, mo, dd;
	char tail[8];

	if (d == NULL)
		return 0;
	char **all = xcalloc(366 * 4, sizeof *all);
	int nall = 0;
	while ((e = readdir(d)) != NULL && nall < 366 * 4) {
		if (strlen(e->d_name) == 14 &&
		    sscanf(e->d_name, "%4d-%2d-%2d%7s", &y, &mo, &dd, tail) == 4 &&
		    strcmp(tail, ".log") == 0)
			all[nall++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(all, (size_t)nall, sizeof *all, by_name_desc);
	for (int i = 0; i < nall; i++) {
		if (n < max)
			names[n++] = all[i];
		else
			free(all[i]);
	}
	free(all);
	return n;
}

/* Reads at most LOG_TAIL_BYTES from the end of path, from a line start. Caller frees. */
static char *
read_tail(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	off_t end = lseek(fd, 0, SEEK_END);
	off_t from = end > LOG_TAIL_BYTES ? end - LOG_TAIL_BYTES : 0;
	char *buf = xmalloc(LOG_TAIL_BYTES + 1);
	ssize_t n = end < 0 ? -1 : pread(fd, buf, LOG_TAIL_BYTES, from);
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (from > 0) {
		/* Started mid-line: skip to the next whole one. */
		char *nl = strchr(buf, '\n');
		memmove(buf, nl != NULL ? nl + 1 : buf + n, strlen(nl != NULL ? nl + 1 : buf + n) + 1);
	}
	return buf;
}

struct held {
	time_t t;
	int order; /* its place in the file, to keep lines of one second as written */
	char *text;
};

static int
by_time(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

int
log_tail(const char *root, const char *server, const char *target, int max, log_line_fn fn,
    void *arg)
{
	char dir[LOG_PATH_MAX], path[LOG_PATH_MAX + 32], *days[2];
	int ndays, got = 0;

	if (max <= 0 || !target_dir(dir, sizeof dir, root, server, target))
		return 0;
	ndays = list_days(dir, days, 2);
	struct held *keep = xcalloc((size_t)max, sizeof *keep);
	/* Newest day first, its lines last to first, until max are held (newest at the end). */
	for (int d = 0; d < ndays && got < max; d++) {
		int y, mo, dd;
		sscanf(days[d], "%4d-%2d-%2d", &y, &mo, &dd);
		snprintf(path, sizeof path, "%s/%s", dir, days[d]);
		char *buf = read_tail(path);
		if (buf == NULL)
			continue;
		char *p = buf + strlen(buf);
		while (p > buf && got < max) {
			if (p[-1] == '\n')
				*--p = '\0';
			char *start = p;
			while (start > buf && start[-1] != '\n')
				start--;
			time_t t;
			const char *text;
			if (log_parse_line(start, y, mo, dd, &t, &text)) {
				keep[max - 1 - got].t = t;
				keep[max - 1 - got].order = max - 1 - got;
				keep[max - 1 - got].text = xstrdup(text);
				got++;
			}
			p = start;
		}
		free(buf);
	}
	/* Lines caught up after a reconnect are written after it: give them back in order. */
	qsort(keep + (max - got), (size_t)got, sizeof *keep, by_time);
	for (int i = max - got; i < max; i++) {
		fn(arg, keep[i].t, keep[i].text);
		free(keep[i].text);
	}
	for (int d = 0; d < ndays; d++)
		free(days[d]);
	free(keep);
	return got;
}

int
log_search(const char *root, const char *server, const char *target, const char *needle,
    time_t before, int max, log_line_fn fn, void *arg)
{
	char dir[LOG_PATH_MAX], path[LOG_PATH_MAX + 32], line[8 * IRC_LINE_MAX];
	char *days[FIND_LOG_DAYS_MAX];
	int hits = 0;

	if (!target_dir(dir, sizeof dir, root, server, target))
		return 0;
	int ndays = list_days(dir, days, FIND_LOG_DAYS_MAX);
	for (int d = 0; d < ndays; d++) {
		int y, mo, dd;
		sscanf(days[d], "%4d-%2d-%2d", &y, &mo, &dd);
		snprintf(path, sizeof path, "%s/%s", dir, days[d]);
		FILE *f = hits < max ? fopen(path, "re") : NULL;
		while (f != NULL && hits < max && fgets(line, sizeof line, f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			time_t t;
			const char *text;
			if (log_parse_line(line, y, mo, dd, &t, &text) && (before == 0 || t < before) &&
			    sb_contains(text, needle)) {
				fn(arg, t, text);
				hits++;
			}
		}
		if (f != NULL)
			fclose(f);
		free(days[d]);
	}
	return hits;
}

const char *
log_target(const struct win *w)
{
	return w->kind == WIN_SERVER ? LOG_SERVER_TARGET : w->name;
}

void
log_window_line(const char *root, const char *server, const struct win *w,
    const struct sb_line *l)
{
	if (server == NULL || server[0] == '\0' || l->kind == SB_LOG || (l->flags & SB_RESTORED))
		return;
	/* Said before what the log holds already: logged then, or said while we were not there. */
	if ((l->flags & SB_HISTORY) && l->time <= w->hist.logged_to)
		return;
	log_write(root, server, log_target(w), l->time, l->text + l->stamp_len);
}

static void
add_restored(void *arg, time_t t, const char *text)
{
	struct win *w = arg;
	sb_add(&w->sb, t, SB_LOG, SB_RESTORED, NULL, NULL, text);
	/*
	 * Its second's end: a line from history that is not in the log but shares the second
	 * was most likely said before what the log has (before our join), so goes above.
	 */
	sb_at(&w->sb, w->sb.len - 1)->ms = (int64_t)t * 1000 + 999;
	if (t > w->hist.logged_to)
		w->hist.logged_to = t;
}

void
log_restore(const char *root, const char *server, struct win *w)
{
	if (server != NULL && server[0] != '\0')
		log_tail(root, server, log_target(w), LOG_RESTORE_LINES, add_restored, w);
}

static void
add_log_hit(void *arg, time_t t, const char *text)
{
	struct win *w = arg;
	char day[16];
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	sb_add(&w->sb, t, SB_LOG, SB_RESTORED, day, NULL, text);
}

/* The next older match in the window; past its oldest line, the matches in its log. */
void
log_find_next(struct log_find *f, struct session *s, struct win *w, const char *root,
    const char *server)
{
	struct scrollback *sb = &w->sb;

	if (s->find_new || f->win != w->id) {
		s->find_new = false;
		f->win = w->id;
		f->from = sb->len;
		f->log_done = false;
	}
	long i = sb_find(sb, s->find, f->from);
	if (i >= 0) {
		f->from = (size_t)i;
		sb_show_line(sb, (size_t)i);
		return;
	}
	if (f->log_done || root == NULL || server[0] == '\0') {
		sess_info(s, SB_INFO, "No more lines with \"%s\" here", s->find);
		return;
	}
	f->log_done = true;
	/* Only what is older than the window's own lines: those were searched already. */
	time_t before = time(NULL);
	for (size_t k = 0; k < sb->len; k++) {
		if (!(sb_get(sb, k)->flags & SB_RESTORED)) {
			before = sb_get(sb, k)->time;
			break;
		}
	}
	int n = log_search(root, server, log_target(w), s->find, before,
	    FIND_LOG_HITS_MAX, add_log_hit, w);
	if (n > 0)
		sess_info(s, SB_INFO, "%d older lines with \"%s\" from the log, above, newest "
		    "day first", n, s->find);
	else
		sess_info(s, SB_INFO, "No older lines with \"%s\" in the log", s->find);
	f->from = 0;
}

