/* loop: the poll() loop: accept, read, dispatch, timers, flush, reap. */
#ifndef LANCHAT_LOOP_H
#define LANCHAT_LOOP_H

#include <stdint.h>
#include <sys/socket.h>

struct conn;
struct tls;

/* Extra descriptors and timers are registered with server/sched, which the loop runs. */

/* Called for each connection just before it is freed (reason in c->reason). */
extern void (*loop_on_close)(const struct conn *c);
/* Called once after the last client is gone at shutdown (beacon "bye", terminal restore). */
extern void (*loop_on_shutdown)(void);
/*
 * Called at the end of each pass's work, before anyone's output is written, and before the
 * goodbye at shutdown: the store commits here, so what clients read is on disk first.
 */
extern void (*loop_before_flush)(void);

/* Called after a signal woke the loop (main.c reloads the settings there). */
extern void (*loop_on_wake)(void);

/* Runs until srv.quit is set (a signal arrives through wake_fd), then shuts down cleanly. */
void loop_run(int wake_fd);

/* Where the loop reads the time (clock_ms); the fuzz target substitutes a clock of its own. */
extern int64_t (*loop_clock)(void);
/* Takes a connected, non-blocking socket as a new client and greets it (accept does this);
 * with a server TLS context (NULL: plain) it runs the handshake first. NULL if TLS cannot
 * start (the socket is closed). */
struct conn *loop_adopt(int fd, const struct sockaddr *sa, struct tls *tls);
/* One pass of the loop, waiting at most max_wait_ms in poll(), for in-process drivers. */
void loop_once(int max_wait_ms);

#endif
