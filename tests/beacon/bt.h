/*
 * bt: UDP helpers for the beacon integration tests, on top of the shared harness
 * (tests/integration/harness.h). Every wait is a poll() with a deadline; a failed
 * expectation fails the current cmocka test at the caller's line with what was received.
 *
 * Beacons only ever go to the loopback broadcast address BT_BCAST on a port the test bound
 * first, so parallel tests never hear each other and nothing leaves the machine.
 */
#ifndef LANCHAT_TEST_BT_H
#define LANCHAT_TEST_BT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/beacon.h"
#include "harness.h"

#define BT_BCAST "127.255.255.255"

enum {
	/* Longest gap between two server beacons, plus slack for a loaded machine. */
	BT_BEACON_WAIT = BEACON_INTERVAL_MS * (100 + BEACON_JITTER_PCT) / 100 + 1500,
	BT_DGRAM_MAX = 65536,
};

/*
 * A UDP socket bound to port (0: a free one) on every address with SO_REUSEADDR and
 * SO_REUSEPORT, as every beacon listener binds; *bound gets the port. Closed by bt_teardown.
 */
#define bt_listen(port, bound) bt_listen_at(__FILE__, __LINE__, port, bound)
int bt_listen_at(const char *file, int line, int port, int *bound);

/* Sends one datagram to BT_BCAST:port from a fresh socket. */
#define bt_send(port, data, len) bt_send_at(__FILE__, __LINE__, port, data, len)
void bt_send_at(const char *file, int line, int port, const void *data, size_t len);

/*
 * Next datagram on fd before the deadline (th_now_ms() based): its bytes (truncated to cap),
 * its length as received and its source address. False on timeout.
 */
bool bt_recv(int fd, long long deadline, char *buf, size_t cap, size_t *len, char *addr,
    size_t acap);

/*
 * Reads datagrams until one decodes as a beacon of this kind (and this id, unless id is 0)
 * and returns it in *b, with its source address in addr (may be NULL). Fails the test after
 * timeout_ms, listing what arrived meanwhile.
 */
#define bt_expect(fd, kind, id, b, addr, ms) \
	bt_expect_at(__FILE__, __LINE__, fd, kind, id, b, addr, ms)
void bt_expect_at(const char *file, int line, int fd, enum beacon_kind kind, uint64_t id,
    struct beacon *b, char *addr, int timeout_ms);

/* Starts lanchatd (through the harness) beaconing to BT_BCAST:port, plus extra arguments. */
#define bt_server(port, ...) bt_server_at(__FILE__, __LINE__, port, __VA_ARGS__)
struct th_server *bt_server_at(const char *file, int line, int port, const char *arg, ...);

/*
 * Bytes waiting in the receive queue of pid's UDP socket bound to port, from /proc/net/udp;
 * -1 if pid has no such socket.
 */
long bt_rx_queue(pid_t pid, int port);

/* The datagrams no lanchat beacon may be: each with the decoder's verdict on it. */
struct bt_junk {
	const char *what;
	const char *data; /* NULL: fill len bytes of 'A' */
	size_t len;
	int err;
};
extern const struct bt_junk bt_junk[];
extern const size_t bt_njunk;
/* Sends bt_junk[i] to BT_BCAST:port. */
void bt_send_junk(size_t i, int port);

/* cmocka teardown: closes the sockets of bt_listen, then th_teardown. */
int bt_teardown(void **state);

#endif
