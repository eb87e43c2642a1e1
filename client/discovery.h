/*
 * discovery: the client's side of LANCHAT/1 presence (see common/beacon.h). It listens for
 * beacons on the shared UDP port, keeps the roster of servers and people heard, and
 * announces this user. No curses: the UI reads the roster and draws it.
 */
#ifndef LANCHAT_DISCOVERY_H
#define LANCHAT_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/beacon.h"

enum { DISC_DEST_MAX = 16 };

struct disc_config {
	int port;                         /* UDP port (BEACON_PORT_DEFAULT) */
	bool announce;                    /* send our own user beacons */
	const char *dest[DISC_DEST_MAX];  /* where to send; none = every broadcast address */
	int ndest;
};

/* What the user looks like to the LAN right now. */
struct disc_self {
	const char *nick;
	enum beacon_status status;
	uint32_t idle_s;
	const char *server_addr;          /* address of the server we are on, or NULL */
	int server_port;
};

struct disc_counts {
	uint64_t sent, heard, rejected, dropped;
};

struct discovery;

/* Opens the listener (and sender). NULL with errbuf set if the port cannot be bound. */
struct discovery *disc_open(const struct disc_config *cfg, char *errbuf, size_t errcap);
int disc_fd(const struct discovery *d);
/* Reads the waiting datagrams; true if the roster changed. */
bool disc_read(struct discovery *d, int64_t now_ms);
/* One datagram heard from addr (what disc_read does with each); true if the roster changed. */
bool disc_take(struct discovery *d, const char *data, size_t len, const char *addr,
    int64_t now_ms);
/*
 * Sends our beacon when it is due and forgets silent senders. Returns true if the roster
 * changed; *next_ms is when to call again.
 */
bool disc_tick(struct discovery *d, const struct disc_self *self, int64_t now_ms,
    int64_t *next_ms);
/* Says "bye" (when announcing) and closes. */
void disc_close(struct discovery *d);

const struct beacon_roster *disc_roster(const struct discovery *d);
const struct disc_counts *disc_counts(const struct discovery *d);
/*
 * Server peers into out[0..max): the ones we joined first, then those no other address
 * impersonates, each group newest first, suspects last. Returns how many.
 */
size_t disc_servers(const struct discovery *d, const struct beacon_peer **out, size_t max);
/* User peers, sorted by nick, into out[0..max); returns how many. */
size_t disc_users(const struct discovery *d, const struct beacon_peer **out, size_t max);
/* The server heard at addr with TCP port, or NULL. */
const struct beacon_peer *disc_find_server(const struct discovery *d, const char *addr,
    int port);
/* Remembers p as a server the user joined: it keeps a place in a full roster. */
void disc_pin(struct discovery *d, const struct beacon_peer *p);
/* Name of the server with that id, or NULL when it is not heard. */
const char *disc_server_name(const struct discovery *d, uint64_t id);

#endif
