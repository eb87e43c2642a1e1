/*
 * hosts: connections per remote address, so that one machine cannot take every slot.
 */
#ifndef LANCHAT_HOSTS_H
#define LANCHAT_HOSTS_H

/* Counts one more connection from host; returns how many it has now. */
int hosts_add(const char *host);
/* Counts one connection from host less. */
void hosts_remove(const char *host);
/* How many connections host has now. */
int hosts_count(const char *host);

#endif
