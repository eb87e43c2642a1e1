/*
 * opcmds: the IRC commands of server operators and of user modes: OPER, KILL, WALLOPS,
 * REHASH and MODE on one's own nick (+i, +o, +w). Who may become an operator, and the
 * password check, are oper.c's; this renders the outcome as numerics and acts on it.
 *
 * An operator password never crosses the network in clear: OPER follows the accounts' rule
 * (acct_password_allowed: TLS, a client on the server's own machine, or
 * --allow-plain-passwords).
 */
#ifndef LANCHAT_OPCMDS_H
#define LANCHAT_OPCMDS_H

struct conn;
struct irc_msg;

/* Command handlers (commands.c's table); each returns the extra flood cost, 0. */
int opcmd_oper(struct conn *c, struct irc_msg *m);
int opcmd_kill(struct conn *c, struct irc_msg *m);
int opcmd_wallops(struct conn *c, struct irc_msg *m);
int opcmd_rehash(struct conn *c, struct irc_msg *m);
/* MODE whose target is a nick: 221, a change of c's own modes, or 502 for someone else's. */
int opcmd_user_mode(struct conn *c, struct irc_msg *m);

#endif
