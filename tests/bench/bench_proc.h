/* bench_proc: CPU time and resident memory of another process, read from /proc/PID. */
#ifndef LANCHAT_BENCH_PROC_H
#define LANCHAT_BENCH_PROC_H

#include <stdbool.h>
#include <stdint.h>

struct proc_sample {
	bool valid;
	uint64_t ticks;  /* user + system clock ticks */
	int64_t t_ns;    /* CLOCK_MONOTONIC when read */
};

/* Samples pid's CPU time; pid <= 0 or an unreadable file leaves the sample invalid. */
void proc_read(int pid, struct proc_sample *ps);
/* CPU used between two samples as a percentage of one CPU; -1 when unknown. */
double proc_cpu_pct(const struct proc_sample *a, const struct proc_sample *b);
/* VmRSS in kB; -1 when unknown. */
long proc_rss_kb(int pid);

#endif
