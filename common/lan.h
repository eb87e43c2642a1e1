/* lan: the UDP plumbing beacons need on both sides: broadcast addresses and the shared socket. */
#ifndef LANCHAT_LAN_H
#define LANCHAT_LAN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { LAN_DEST_MAX = 16 };

/* Where beacons go: given addresses, or (broadcast) every broadcast address, re-read each time. */
struct lan_dests {
	struct sockaddr_in addr[LAN_DEST_MAX];
	int n;
	int port;
	bool broadcast;
};

/*
 * A non-blocking UDP socket allowed to broadcast. With listen, it is bound to port on every
 * address and shares it (SO_REUSEADDR, SO_REUSEPORT) with every other beacon listener here.
 * Returns the fd, or -1 with errbuf set.
 */
int lan_beacon_socket(int port, bool listen, char *errbuf, size_t errcap);

void lan_dests_init(struct lan_dests *d, int port);
/* Adds a dotted IPv4 address (duplicates are kept once); false if it is not one. */
bool lan_dests_add(struct lan_dests *d, const char *addr);
/* Is addr a dotted IPv4 address, as --beacon-addr wants? */
bool lan_valid_addr(const char *addr);
/*
 * Does every datagram go to a broadcast address? A unicast one reaches only one of the
 * sockets sharing the port, so a sender that also listens would take its own beacons.
 */
bool lan_dests_broadcast_only(const struct lan_dests *d);
/* Sends one datagram to every destination; returns how many took it. */
int lan_send(int fd, struct lan_dests *d, const void *buf, size_t len);

/* Random numbers for beacon ids and jitter (getrandom, with a clock fallback). */
uint32_t lan_random32(void);
/* A non-zero 64-bit id. */
uint64_t lan_random_id(void);

#endif
