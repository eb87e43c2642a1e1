/* plain: the dialect for nc/telnet users: detection, human-readable output, slash commands. */
#ifndef LANCHAT_PLAIN_H
#define LANCHAT_PLAIN_H

struct conn;

/* Turns an undecided connection into a plain-text user: guest nick, default channel. */
void plain_start(struct conn *c);
void plain_line(struct conn *c, char *line);

#endif
