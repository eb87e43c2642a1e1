/* announce: the server's LANCHAT/1 presence beacons on UDP (see common/beacon.h). */
#ifndef LANCHAT_ANNOUNCE_H
#define LANCHAT_ANNOUNCE_H

#include <stdbool.h>

enum { ANNOUNCE_DEST_MAX = 16 };

struct announce_config {
	bool enabled;
	int port;                            /* UDP port beacons go to and are heard on */
	const char *dest[ANNOUNCE_DEST_MAX]; /* --beacon-addr values; none = broadcast */
	int ndest;
};

/* Opens the socket, sends the first beacon and arms the timer. Failure only logs. */
void announce_start(const struct announce_config *cfg, int tcp_port);
/* Sends "bye" so listeners drop this server at once. */
void announce_stop(void);

#endif
