/* commands: the IRC dialect: dispatch table, registration and the command handlers. */
#ifndef LANCHAT_COMMANDS_H
#define LANCHAT_COMMANDS_H

#include <stdbool.h>

struct conn;
struct channel;

/* One complete line from a connection, in whatever dialect it speaks. */
void cmd_line(struct conn *c, char *line);

/* Shared with the plain dialect. */
/* 0, or the numeric of why the nick cannot be taken (431, 432, 433). */
int cmd_check_nick(struct conn *c, const char *nick);
/* Changes the nick of a user who is already registered, telling everyone concerned. */
void cmd_change_nick(struct conn *c, const char *nick);
/* Joins and announces; returns 0 or a numeric (403, 405); 1 if already there. */
int cmd_join(struct conn *c, const char *name);
/* PRIVMSG/NOTICE to one target; returns 0 or a numeric (401, 404). */
int cmd_message(struct conn *c, const char *target, const char *text, bool notice);
/* The same for text of any length: split into as many messages as the wire needs. */
int cmd_say(struct conn *c, const char *target, const char *text, bool notice, bool action);

#endif
