/*
 * trust: known_servers, the certificates this client has pinned, as SSH's known_hosts.
 *
 * One line per server:
 *
 *	HOST:PORT SHA256:HEX
 *
 * HOST:PORT as net_join_hostport writes it ("[::1]:6697" for IPv6), the host lowercased;
 * HEX is the certificate's SHA-256 (TLS_FP_HEX digits, either case read, lowercase written;
 * the "SHA256:" prefix is optional when read). Blank lines and lines starting with '#' are
 * comments. A line that does not parse is kept as it is and written back unchanged, so a
 * hand edit gone wrong is never lost; it pins nothing.
 *
 * Parsing and formatting are pure (the fuzz target calls trust_parse); trust_load and
 * trust_save are the only I/O.
 */
#ifndef LANCHAT_TRUST_H
#define LANCHAT_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

#define TRUST_FILE "known_servers"

enum { TRUST_KEY_LEN = 300 };

struct trust_entry {
	char *raw; /* a line kept verbatim (comment or unparsable), else NULL */
	char key[TRUST_KEY_LEN];
	char fp[TLS_FP_HEX + 1];
};

struct trust {
	struct trust_entry *e;
	size_t n, cap;
	size_t bad; /* lines that did not parse */
};

enum trust_verdict {
	TRUST_NEW,     /* nothing pinned for this host and port */
	TRUST_MATCH,   /* the pinned fingerprint */
	TRUST_CHANGED  /* something else is pinned: refuse */
};

/* Reads text (not NUL-terminated) into an empty store. -1 if over KNOWN_SERVERS_MAX lines. */
int trust_parse(struct trust *t, const char *text, size_t len);
/* What is pinned for host and port, or NULL. */
const char *trust_lookup(const struct trust *t, const char *host, const char *port);
enum trust_verdict trust_check(const struct trust *t, const char *host, const char *port,
    const char *fp);
/* Pins fp for host and port, replacing what was there. -1 if fp is not a fingerprint or the
 * store is full. */
int trust_set(struct trust *t, const char *host, const char *port, const char *fp);
/* The file's text (malloc'd, NUL-terminated); *len its length. */
char *trust_format(const struct trust *t, size_t *len);
void trust_free(struct trust *t);

/* known_servers in dir: a missing file is an empty store. 0, or -1 with err. */
int trust_load(struct trust *t, const char *dir, char *err, size_t errcap);
/* Writes it whole (mode 0600) and renames it into place. 0, or -1 with err. */
int trust_save(const struct trust *t, const char *dir, char *err, size_t errcap);

enum trust_decision {
	TRUST_ACCEPT,        /* pinned and matching */
	TRUST_ACCEPT_NEW,    /* first use: the caller pins it and says so */
	TRUST_ACCEPT_CA,     /* verifies against the system's CAs for the host: not pinned */
	TRUST_REFUSE_CHANGED,/* something else is pinned for this host and port */
	TRUST_REFUSE_BEACON  /* a beacon promised another certificate for this server */
};
/*
 * What to do with the certificate fp a server at host:port presented. expect_fp is what a
 * beacon said (NULL or "" if none); ca_ok whether the chain verified for host. A beacon that
 * disagrees is refused first: a server on the LAN is announcing a certificate not its own.
 */
enum trust_decision trust_decide(const struct trust *t, const char *host, const char *port,
    const char *fp, const char *expect_fp, bool ca_ok);

/* "ab12cd34..." for showing: the first n hex digits of fp and "..", in buf. */
const char *trust_short_fp(const char *fp, int n, char *buf, size_t cap);

#endif
