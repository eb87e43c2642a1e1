/* bench_net: where lanchat-bench may point its load (loopback only) and what it needs for it. */
#ifndef LANCHAT_BENCH_NET_H
#define LANCHAT_BENCH_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

enum { BENCH_WAIT_RETRY_MS = 20 }; /* --wait: pause between connection attempts */

/* Only 127.0.0.0/8 and ::1 (also as IPv4-mapped): the tool must never load a real network. */
bool bench_addr_is_loopback(const struct sockaddr *sa);
/*
 * Resolves host and port; every address must be loopback. Returns 0 with the first address,
 * or -1 with err set.
 */
int bench_resolve_loopback(const char *host, const char *port, struct sockaddr_storage *out,
    socklen_t *outlen, char *err, size_t errcap);
/* Each connection needs a descriptor: asks for need (plus a margin), as far as allowed. */
void bench_raise_nofile(int need);
/* Connects to addr until it accepts (0) or wait_ms pass (-1). */
int bench_wait_listening(const struct sockaddr_storage *addr, socklen_t len, int wait_ms);
/* Prints a free TCP port on 127.0.0.1 and returns 0, or returns 1 with a message. */
int bench_free_port(void);

#endif
