/*
 * plain: the dialect for nc/telnet users: a guest nick and the default channel on start,
 * readable notices, lines said to the channel, and a table of slash commands, all turned
 * into actions (actions.h). Whether a connection is plain is decided in dialect.c; how
 * events look to plain users is relay.c's.
 */
#ifndef LANCHAT_PLAIN_H
#define LANCHAT_PLAIN_H

struct conn;

/* Turns an undecided connection into a plain-text user: guest nick, default channel. */
void plain_start(struct conn *c);
/*
 * Undoes plain_start for a connection that turned out to be an IRC client before it said
 * anything: it leaves its channels and gives up its guest nick, unregistered again.
 */
void plain_stop(struct conn *c);
/*
 * c just became plain by silence: if that makes too many silent guests from its address
 * (SILENT_GUESTS_PER_HOST) or in all (SILENT_GUESTS_MAX), closes the oldest of them.
 */
void plain_bound_silent(struct conn *c);
/* One line typed by a plain user: a /command, or text for the channel. */
void plain_line(struct conn *c, char *line);
/* A line too long for the input buffer, told in words. */
void plain_too_long(struct conn *c);

#endif
