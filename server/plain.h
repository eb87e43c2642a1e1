/* plain: the dialect for nc/telnet users: detection, human-readable output, slash commands. */
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
void plain_line(struct conn *c, char *line);
/*
 * c just became plain by silence: if that makes too many silent guests from its address
 * (SILENT_GUESTS_PER_HOST) or in all (SILENT_GUESTS_MAX), closes the oldest of them.
 */
void plain_bound_silent(struct conn *c);

#endif
