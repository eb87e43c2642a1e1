/*
 * commands: the IRC dialect: the command table (parameters, registration, flood cost),
 * registration and the handlers, which translate IRC into actions (actions.h) and render
 * their errors as numerics; plus the IRC side of the timers (registration timeout, PING).
 */
#ifndef LANCHAT_COMMANDS_H
#define LANCHAT_COMMANDS_H

#include <stdbool.h>

struct conn;

/* One complete line from an IRC client. Returns its flood cost in lines. */
int cmd_line(struct conn *c, char *line);
/* A line too long for the input buffer: 417. */
void cmd_too_long(struct conn *c);
/* Once a tick: the registration timeout, PING when idle (or for lag), the PING timeout. */
void cmd_tick(struct conn *c);
/* The table's row for an upper-case command name; false when there is none. */
bool cmd_lookup(const char *name, int *min_params, int *max_params, bool *needs_reg, int *cost);

#endif
