#include "server/sched.h"

#include <stddef.h>

static struct {
	int fd;
	short events;
	sched_fd_fn fn;
	void *arg;
} watches[SCHED_MAX];
static int nwatches;

static struct {
	int64_t due;
	sched_timer_fn fn;
	void *arg;
} timers[SCHED_MAX];

int
sched_watch(int fd, short events, sched_fd_fn fn, void *arg)
{
	if (nwatches == SCHED_MAX)
		return -1;
	watches[nwatches].fd = fd;
	watches[nwatches].events = events;
	watches[nwatches].fn = fn;
	watches[nwatches].arg = arg;
	nwatches++;
	return 0;
}

void
sched_unwatch(int fd)
{
	for (int i = 0; i < nwatches; i++) {
		if (watches[i].fd == fd) {
			watches[i] = watches[--nwatches];
			return;
		}
	}
}

int
sched_timer(int64_t due_ms, sched_timer_fn fn, void *arg)
{
	for (int i = 0; i < SCHED_MAX; i++) {
		if (timers[i].fn == NULL) {
			timers[i].due = due_ms;
			timers[i].fn = fn;
			timers[i].arg = arg;
			return 0;
		}
	}
	return -1;
}

int
sched_fill(struct pollfd *p)
{
	for (int i = 0; i < nwatches; i++)
		p[i] = (struct pollfd){ .fd = watches[i].fd, .events = watches[i].events };
	return nwatches;
}

void
sched_dispatch(const struct pollfd *p, int n)
{
	/* Watchers may unwatch themselves: walk the snapshot that was polled. */
	for (int i = 0; i < n; i++)
		for (int j = 0; p[i].revents && j < nwatches; j++)
			if (watches[j].fd == p[i].fd) {
				watches[j].fn(p[i].fd, p[i].revents, watches[j].arg);
				break;
			}
}

void
sched_run_due(int64_t now_ms)
{
	for (int i = 0; i < SCHED_MAX; i++) {
		if (timers[i].fn != NULL && now_ms >= timers[i].due) {
			timers[i].due = timers[i].fn(now_ms, timers[i].arg);
			if (timers[i].due == 0)
				timers[i].fn = NULL;
		}
	}
}

int64_t
sched_next_due(void)
{
	int64_t t = INT64_MAX;
	for (int i = 0; i < SCHED_MAX; i++)
		if (timers[i].fn != NULL && timers[i].due < t)
			t = timers[i].due;
	return t;
}
