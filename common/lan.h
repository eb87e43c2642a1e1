/* lan: the UDP plumbing beacons need on both sides: broadcast addresses and the shared socket. */
#ifndef LANCHAT_LAN_H
#define LANCHAT_LAN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * 127.255.255.255 (so one machine hears itself), then the broadcast address of every up,
 * broadcast-capable IPv4 interface. Returns how many were written to out[0..max).
 */
int lan_broadcast_addrs(struct in_addr *out, int max);
/* Is a a broadcast address on this host (or the limited broadcast)? */
bool lan_is_broadcast(struct in_addr a);
/*
 * A non-blocking UDP socket allowed to broadcast. With listen, it is bound to port on every
 * address and shares it (SO_REUSEADDR, SO_REUSEPORT) with every other beacon listener here.
 * Returns the fd, or -1 with errbuf set.
 */
int lan_beacon_socket(int port, bool listen, char *errbuf, size_t errcap);

#endif
