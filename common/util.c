#include "common/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/sanitize.h"

static enum log_level log_level = LOG_INFO;
static log_sink_fn log_sink;
static bool log_journal;

/* syslog(3) priorities of each level, as the journal reads them from "<N>". */
static const char *const journal_prefix[] = { "<3>", "<4>", "<6>", "<7>" };

static void
die_nomem(size_t n)
{
	fprintf(stderr, "lanchat: out of memory (%zu bytes)\n", n);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		die_nomem(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		die_nomem(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		die_nomem(n);
	return q;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

size_t
str_copy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);
	if (cap > 0) {
		size_t c = n < cap - 1 ? n : cap - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

int64_t
clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

void
log_detect_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	/* The variable is inherited by children whose stderr may go elsewhere: compare. */
	log_journal = js != NULL && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_print(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	if (log_journal)
		fputs(journal_prefix[level], stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void
log_set_sink(log_sink_fn fn)
{
	log_sink = fn;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	char raw[1024], text[2048];
	va_list ap;
	int n;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/*
	 * Log lines carry nicks, quit reasons and addresses from the network: an escape
	 * sequence in a QUIT reason must not clear or retitle the operator's terminal.
	 */
	san_text(text, sizeof text, raw, (size_t)n < sizeof raw ? (size_t)n : sizeof raw - 1, 0);
	if (log_sink != NULL) {
		log_sink(level, text);
		return;
	}
	if (log_journal) {
		/* The journal stamps each line itself and reads the priority from "<N>". */
		fprintf(stderr, "%s%s\n", journal_prefix[level], text);
		return;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s %s: %s\n", stamp, names[level], text);
}
