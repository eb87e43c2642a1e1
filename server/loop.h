/* loop: the poll() loop: accept, read, dispatch, timers, flush, reap. */
#ifndef LANCHAT_LOOP_H
#define LANCHAT_LOOP_H

/* Runs until srv.quit is set (a signal arrives through wake_fd), then shuts down cleanly. */
void loop_run(int wake_fd);

#endif
