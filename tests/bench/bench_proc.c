/* bench_proc: /proc/PID/stat and /proc/PID/status readers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_proc.h"

void
proc_read(int pid, struct proc_sample *ps)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	struct timespec ts;
	size_t n;
	FILE *f;

	ps->valid = false;
	if (pid <= 0)
		return;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses; fields resume after the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return;
	/* After ")": state(3) ... utime is field 14, stime field 15. */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ps->ticks = ut + st;
	ps->t_ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	ps->valid = true;
}

double
proc_cpu_pct(const struct proc_sample *a, const struct proc_sample *b)
{
	long hz = sysconf(_SC_CLK_TCK);
	double wall;

	if (!a->valid || !b->valid || hz <= 0 || b->t_ns <= a->t_ns)
		return -1;
	wall = (double)(b->t_ns - a->t_ns) / 1e9;
	return (double)(b->ticks - a->ticks) / (double)hz / wall * 100.0;
}

long
proc_rss_kb(int pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}
