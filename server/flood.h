/*
 * flood: each connection's token bucket. A client may send FLOOD_BURST lines at once, then
 * srv.cfg.flood_rate a second; a command costs what its table row says (a PRIVMSG to four
 * targets more than a PONG). A client out of tokens is not read until they refill; one that
 * keeps sending far past that is dropped with "Excess Flood".
 */
#ifndef LANCHAT_FLOOD_H
#define LANCHAT_FLOOD_H

#include <stdbool.h>

struct conn;

/* Adds the tokens earned since the last refill (up to FLOOD_BURST). */
void flood_refill(struct conn *c);
/*
 * May c's next line be handled now? When not, c is throttled (while it has lines waiting)
 * and a plain user is told, at most once per SLOW_NOTICE_MS, why its lines trickle in.
 */
bool flood_allows(struct conn *c);
/* Takes cost lines' worth of tokens for a line just handled. */
void flood_charge(struct conn *c, int cost);
/* Once a tick: drops a throttled client with too much unread input. Returns true if so. */
bool flood_check_excess(struct conn *c);

#endif
