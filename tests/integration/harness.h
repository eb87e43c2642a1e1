/*
 * harness: runs the real lanchatd on an ephemeral loopback port and talks to it over TCP.
 *
 * Every wait has a deadline. A failed expectation fails the current cmocka test at the
 * caller's line and prints the lines that were seen, so a misbehaving server shows up as a
 * readable message rather than a hang. Servers and clients are tracked; th_teardown (a
 * cmocka teardown) closes what a test left open, stops its servers with SIGTERM and fails
 * if one of them did not exit with status 0.
 *
 * Patterns: a pattern starting with "re:" is a POSIX extended regular expression matched
 * against the line (without CR LF); any other pattern is a plain substring.
 */
#ifndef LANCHAT_TEST_HARNESS_H
#define LANCHAT_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
	TH_TIMEOUT = 5000,        /* ms: default wait for one reply */
	TH_START_TIMEOUT = 10000, /* ms: server start-up and shutdown (sanitiser builds are slow) */
	TH_LINE_MAX = 8192,       /* longest line kept from the server; longer ones are split */
	TH_HISTORY = 64,          /* lines remembered per client, shown when an expectation fails */
	TH_LOG_MAX = 4 << 20,     /* bytes of server output kept; the pipe is drained beyond it */
};

/* Every server the harness starts is named this way (-n), so replies are predictable. */
#define TH_SERVER_NAME "irc.test"
/* The host part of every prefix: clients connect over IPv4 loopback. */
#define TH_HOST "127.0.0.1"

struct th_server;
struct th_client;

/*
 * The server binary the harness starts. harness.c is built once; each group of tests links
 * harness_path.c built with its own LANCHATD_PATH (lanchatd, or a wrapper around it).
 */
extern const char *const th_lanchatd_path;

/*
 * Starts th_lanchatd_path -p 0 -b 127.0.0.1 -n irc.test --no-beacon, then the given extra
 * arguments (NULL-terminated), and waits for its "listening on" line.
 */
#define th_server_start(...) th_server_start_at(__FILE__, __LINE__, __VA_ARGS__)
struct th_server *th_server_start_at(const char *file, int line, const char *arg, ...);
int th_server_port(const struct th_server *srv);
pid_t th_server_pid(const struct th_server *srv);
/* Everything the server wrote to stderr (and stdout) so far. */
const char *th_server_log(struct th_server *srv);
/* Waits until the server's output matches pattern; fails the test otherwise. */
#define th_server_expect_log(srv, pat, ms) th_server_expect_log_at(__FILE__, __LINE__, srv, pat, ms)
void th_server_expect_log_at(const char *file, int line, struct th_server *srv,
    const char *pattern, int timeout_ms);
/*
 * Sends SIGTERM and waits for the exit. Returns the exit code, 128 + N if killed by signal N,
 * or -1 if it did not exit in time (it is then killed). The server is then stopped but its
 * log stays readable until th_teardown.
 */
int th_server_stop(struct th_server *srv, int timeout_ms);
/* The same with another signal (SIGINT, ...). */
int th_server_signal(struct th_server *srv, int sig, int timeout_ms);
/* Reads what the server wrote without blocking (the harness does this while waiting). */
void th_server_drain(struct th_server *srv);

/*
 * Runs lanchatd with exactly these arguments (no defaults added) until it exits; returns its
 * exit status as th_server_stop does and its combined output in *out (malloc'd).
 */
int th_run(char **out, int timeout_ms, const char *arg, ...);

/* Connects to the server over 127.0.0.1; rcvbuf > 0 shrinks SO_RCVBUF before connecting. */
#define th_connect(srv) th_connect_at(__FILE__, __LINE__, srv, 0)
#define th_connect_rcvbuf(srv, n) th_connect_at(__FILE__, __LINE__, srv, n)
struct th_client *th_connect_at(const char *file, int line, struct th_server *srv, int rcvbuf);
/* The same from a given local IPv4 address (a second loopback address plays another host). */
#define th_connect_from(srv, addr) th_connect_from_at(__FILE__, __LINE__, srv, 0, addr)
struct th_client *th_connect_from_at(
    const char *file, int line, struct th_server *srv, int rcvbuf, const char *from);
/* The TLS port from the server's "listening on ... and TLS ADDR:PORT" line, or -1. */
int th_server_tls_port(const struct th_server *srv);
/*
 * Connects over TLS through an openssl s_client child (killed when the client closes),
 * presenting the certificate and key in the given PEM files (cert NULL: none). The server's
 * certificate is not checked. The first line read is the server's greeting, after the
 * handshake.
 */
#define th_connect_tls(srv, cert, key) th_connect_tls_at(__FILE__, __LINE__, srv, cert, key)
struct th_client *th_connect_tls_at(const char *file, int line, struct th_server *srv,
    const char *cert, const char *key);
int th_fd(const struct th_client *c);
/* The nick given to th_register (or th_set_nick), "" before. */
const char *th_nick(const struct th_client *c);
void th_set_nick(struct th_client *c, const char *nick);

/* Sends every byte (failing the test on error or after TH_TIMEOUT). */
#define th_send(c, data, len) th_send_at(__FILE__, __LINE__, c, data, len)
void th_send_at(const char *file, int line, struct th_client *c, const void *data, size_t len);
/* Formats one line and sends it with CR LF appended. */
#define th_sendf(c, ...) th_sendf_at(__FILE__, __LINE__, c, __VA_ARGS__)
void th_sendf_at(const char *file, int line, struct th_client *c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Writes what the socket takes right now; returns bytes written, or -1 on error. */
ssize_t th_try_send(struct th_client *c, const void *data, size_t len);

/*
 * Reads lines until one matches pattern and returns it (valid until the next read on this
 * client). Fails the test on timeout or end of stream, listing the lines seen meanwhile.
 */
#define th_expect(c, pat, ms) th_expect_at(__FILE__, __LINE__, c, pat, NULL, ms)
/* Like th_expect, but fails if a line matching forbidden arrives first. */
#define th_expect_before(c, pat, forbidden, ms) \
	th_expect_at(__FILE__, __LINE__, c, pat, forbidden, ms)
const char *th_expect_at(const char *file, int line, struct th_client *c, const char *pattern,
    const char *forbidden, int timeout_ms);
/*
 * Next line, waiting up to timeout_ms; NULL on timeout or end of stream (see th_eof).
 * The line is valid until the next read on this client.
 */
const char *th_read_line(struct th_client *c, int timeout_ms);
/* Bytes in the line last returned (it may hold NUL bytes, making strlen shorter). */
size_t th_line_len(const struct th_client *c);
/* Has the server closed (or reset) this connection? */
bool th_eof(const struct th_client *c);
/* Reads and discards until the server closes the connection; fails if it does not. */
#define th_expect_closed(c, ms) th_expect_closed_at(__FILE__, __LINE__, c, ms)
void th_expect_closed_at(const char *file, int line, struct th_client *c, int timeout_ms);

/* Marks the current position; th_seen reports whether a line read since then matched. */
unsigned long th_mark(const struct th_client *c);
bool th_seen(const struct th_client *c, unsigned long mark, const char *pattern);

/*
 * PING with a unique token and wait for its PONG: every line sent before has been handled.
 * th_sync_without also fails if a line matching forbidden arrives before the PONG.
 */
#define th_sync(c) th_sync_at(__FILE__, __LINE__, c, NULL)
#define th_sync_without(c, forbidden) th_sync_at(__FILE__, __LINE__, c, forbidden)
void th_sync_at(const char *file, int line, struct th_client *c, const char *forbidden);

/* NICK + USER (user = nick, realname "Real <nick>"), then waits for 001 and 376 or 422. */
#define th_register(c, nick) th_register_at(__FILE__, __LINE__, c, nick)
void th_register_at(const char *file, int line, struct th_client *c, const char *nick);
/* Connects and registers in one step. */
#define th_user(srv, nick) th_user_at(__FILE__, __LINE__, srv, nick)
struct th_client *th_user_at(const char *file, int line, struct th_server *srv, const char *nick);
/*
 * Connects n clients and registers them all at once as PREFIX000, PREFIX001, ...; waits for
 * each one's 001 (the rest of its welcome is left unread).
 */
#define th_crowd(srv, c, n, prefix) th_crowd_at(__FILE__, __LINE__, srv, c, n, prefix)
void th_crowd_at(const char *file, int line, struct th_server *srv, struct th_client **c, int n,
    const char *prefix);
/* JOIN and wait for 366 (end of NAMES) for that channel. */
#define th_join(c, chan) th_join_at(__FILE__, __LINE__, c, chan)
void th_join_at(const char *file, int line, struct th_client *c, const char *chan);

/* "nick!~nick@127.0.0.1", the prefix the server shows for a th_register'ed client. */
const char *th_prefix(const struct th_client *c);
/* Escapes a literal string for use inside a "re:" pattern (static buffer, one at a time). */
const char *th_re_quote(const char *s);

/* Closes the connection normally, or with an RST (SO_LINGER 0) mid-stream. */
void th_close(struct th_client *c);
void th_reset(struct th_client *c);

/* cmocka teardown: closes every client and stops every server; fails on a bad exit. */
int th_teardown(void **state);

/* Fails the current test with a formatted message at the caller's position. */
#define th_fail(...) th_fail_at(__FILE__, __LINE__, __VA_ARGS__)
void th_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* Milliseconds of CLOCK_MONOTONIC. */
long long th_now_ms(void);

#endif
