/*
 * info: the server's replies about itself, to IRC clients: the registration burst (001 to
 * 005, LUSERS, MOTD) and the LUSERS, MOTD, VERSION and TIME commands.
 */
#ifndef LANCHAT_INFO_H
#define LANCHAT_INFO_H

struct conn;
struct irc_msg;

/* 001-005, LUSERS and the MOTD, for a client that just registered as pfx (nick!user@host). */
void info_welcome(struct conn *c, const char *pfx);

/* Command handlers (commands.c's table); each returns the extra flood cost, 0. */
int info_lusers(struct conn *c, struct irc_msg *m);
int info_motd(struct conn *c, struct irc_msg *m);
int info_version(struct conn *c, struct irc_msg *m);
int info_time(struct conn *c, struct irc_msg *m);

#endif
