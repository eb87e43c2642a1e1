/*
 * nickserv: the NickServ service nick, for clients without SASL: REGISTER, IDENTIFY,
 * CERT ADD|DEL|LIST, INFO, DROP, HELP, parsed by nsparse.h and run through accounts.h.
 * Its answers are notices from NickServ. Plain-text users reach it with /register and
 * /identify (or /msg NickServ); IRC users with PRIVMSG NickServ.
 */
#ifndef LANCHAT_NICKSERV_H
#define LANCHAT_NICKSERV_H

#include <stdbool.h>

struct conn;

#define NICKSERV_NICK "NickServ"

/* Is name the service (any case)? */
bool nickserv_is(const char *name);
/* One message to NickServ. */
void nickserv_line(struct conn *c, const char *text);

#endif
