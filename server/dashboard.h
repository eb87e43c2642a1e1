/*
 * dashboard: lanchatd --dashboard, a live ncurses view of the server's connections.
 * It only reads the counters the server keeps and plugs in through the loop's watch, timer,
 * close and shutdown hooks; the server core never sees curses.
 */
#ifndef LANCHAT_DASHBOARD_H
#define LANCHAT_DASHBOARD_H

#include <stdbool.h>

/*
 * Takes over the terminal, turns on connection traces and lag probes, and sends log lines to
 * the event pane. Call after the listeners are open and before loop_run. When standard
 * input/output is not a terminal it says so and returns false: the server keeps logging.
 */
bool dashboard_start(void);

#endif
