/*
 * query: IRC questions about users and channels: NAMES, WHO, WHOIS, LIST, ISON, USERHOST,
 * WHOWAS,
 * and the topic and names a JOIN answers with. User mode +i hides people from those who
 * share no channel with them. Nothing here changes state.
 */
#ifndef LANCHAT_QUERY_H
#define LANCHAT_QUERY_H

#include <stdbool.h>

struct conn;
struct channel;
struct irc_msg;

/* 353 lines and 366 for ch, as c may see them. */
void query_send_names(struct conn *c, struct channel *ch);
/* 332 and 333, or 331 when there is no topic and say_none. */
void query_send_topic(struct conn *c, struct channel *ch, bool say_none);

/* Command handlers (commands.c's table); each returns the extra flood cost, 0. */
int query_names(struct conn *c, struct irc_msg *m);
int query_who(struct conn *c, struct irc_msg *m);
int query_whois(struct conn *c, struct irc_msg *m);
int query_list(struct conn *c, struct irc_msg *m);
int query_ison(struct conn *c, struct irc_msg *m);
int query_userhost(struct conn *c, struct irc_msg *m);
/* WHOWAS nick [count]: the newest entries for a nick that left, at most WHOWAS_REPLIES_MAX. */
int query_whowas(struct conn *c, struct irc_msg *m);

#endif
