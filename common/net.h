/* net: socket helpers. Every socket is non-blocking and close-on-exec. */
#ifndef LANCHAT_NET_H
#define LANCHAT_NET_H

#include <stddef.h>
#include <sys/socket.h>

enum { NET_LISTEN_MAX = 4, NET_ADDRSTR = 64 };

/*
 * Listens on bind (NULL = every address, dual-stack; "[v6]" as well as "v6") and port ("0" = any free one).
 * Fills fds (at most NET_LISTEN_MAX); returns how many, or -1 with errbuf set.
 */
int net_listen(const char *bind, const char *port, int *fds, char *errbuf, size_t errcap);
/*
 * Starts a non-blocking connect; returns the fd, or with errbuf set NET_UNRESOLVED when host
 * does not resolve and -1 on any other failure.
 */
enum { NET_UNRESOLVED = -2 };
int net_connect(const char *host, const char *port, char *errbuf, size_t errcap);
/* "1.2.3.4" or "::1" (IPv4-mapped addresses shown as IPv4). */
void net_addr_str(const struct sockaddr *sa, char *buf, size_t cap);
int net_addr_port(const struct sockaddr *sa);
/* "[::1]:6667" for a host with a colon (IPv6), else "host:6667". */
void net_join_hostport(char *buf, size_t cap, const char *host, const char *port);
/* "[::1]:6667" or "1.2.3.4:6667" for the local address of fd. */
void net_local_str(int fd, char *buf, size_t cap);
/* The local port a socket is bound to, or 0. */
int net_addr_port_of(int fd);
void net_nodelay(int fd);
/* Probe an idle peer after idle_s, every interval_s, and give up after probes misses. */
void net_keepalive(int fd, int idle_s, int interval_s, int probes);
/*
 * Splits "host", "host:port", "[v6]:port", "[v6]" or a bare "v6addr" (more than one colon:
 * all host, defport); defport if no port is given. Returns 0, -1 if in is malformed, or
 * NET_SPLIT_BADPORT if the port is digits outside 1..65535.
 */
enum { NET_SPLIT_BADPORT = -2 };
int net_split_hostport(const char *in, char *host, size_t hcap, char *port, size_t pcap,
    const char *defport);

#endif
