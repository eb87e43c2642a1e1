/*
 * sched: what the loop runs beside the clients: extra descriptors it polls (a terminal, a UDP
 * socket) and timers (beacons, redraws, pruning). Below every module that registers one, so
 * that they need not know the loop.
 */
#ifndef LANCHAT_SCHED_H
#define LANCHAT_SCHED_H

#include <poll.h>
#include <stdint.h>

enum { SCHED_MAX = 8 }; /* descriptors, and timers, at most */

/* Extra descriptors polled beside the clients. */
typedef void (*sched_fd_fn)(int fd, short revents, void *arg);
int sched_watch(int fd, short events, sched_fd_fn fn, void *arg);
void sched_unwatch(int fd);

/*
 * A timer: fn runs once the loop's clock reaches due and returns its next due time (0 stops
 * it).
 */
typedef int64_t (*sched_timer_fn)(int64_t now_ms, void *arg);
int sched_timer(int64_t due_ms, sched_timer_fn fn, void *arg);

/* For the loop: the watched descriptors into p (room for SCHED_MAX); returns how many. */
int sched_fill(struct pollfd *p);
/* For the loop: calls the watchers of the n entries sched_fill gave, as poll() left them. */
void sched_dispatch(const struct pollfd *p, int n);
/* For the loop: runs the timers that are due at now_ms. */
void sched_run_due(int64_t now_ms);
/* For the loop: when the next timer is due (INT64_MAX if none). */
int64_t sched_next_due(void);

#endif
