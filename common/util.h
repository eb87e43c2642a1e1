/* util: allocation that exits with a message, logging, clocks, string copies. */
#ifndef LANCHAT_UTIL_H
#define LANCHAT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Copies like strlcpy: always terminates, returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t cap);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t clock_ms(void);

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };
typedef void (*log_sink_fn)(enum log_level level, const char *text);

void log_set_level(enum log_level level);
/*
 * Call once at start: when stderr is the systemd journal (JOURNAL_STREAM names its device
 * and inode), lines carry a "<N>" syslog priority instead of a time stamp of their own.
 */
void log_detect_journal(void);
/* A line for stderr whatever the level and without a time stamp ("<N>" first for the journal). */
void log_print(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* With a sink set, log lines go to it instead of stderr (the dashboard uses this). */
void log_set_sink(log_sink_fn fn);
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
