/*
 * tlskey: the key and certificate a lanchat program presents over TLS, and where they live.
 *
 * Zero configuration, as SSH host keys: the first start makes an ECDSA P-256 key and a
 * self-signed certificate in a state directory (mode 0700), both files mode 0600, and later
 * starts reuse them. A key file that group or others may read, a state directory that cannot
 * be made, or half a pair on disk is an error the caller shows and stops on; nothing here
 * falls back to running without TLS.
 *
 * Fingerprints are the SHA-256 of the certificate's DER bytes, written as 64 lowercase hex
 * digits: the form beacons carry (fp=) and known_servers records, and what libtls's
 * tls_peer_cert_hash() gives after its "SHA256:" prefix.
 */
#ifndef LANCHAT_TLSKEY_H
#define LANCHAT_TLSKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

#define TLSKEY_CERT_FILE "cert.pem"
#define TLSKEY_KEY_FILE "key.pem"
#define TLSKEY_HASH_PREFIX "SHA256:"

struct tlskey {
	char cert_path[TLS_PATH_LEN];
	char key_path[TLS_PATH_LEN];
	char fp[TLS_FP_HEX + 1]; /* SHA-256 of the certificate, lowercase hex */
	bool created;            /* made by this call rather than found */
};

/*
 * The state directory: given if not NULL, else $XDG_STATE_HOME/app, else
 * $HOME/.local/state/app. Made (with missing parents, mode 0700) if absent. Returns 0, or -1
 * with a sentence in err.
 */
int tlskey_state_dir(const char *given, const char *app, char *out, size_t cap, char *err,
    size_t errcap);

/* 0 if path is a regular file only its owner may read or write; else -1 and why in err. */
int tlskey_check_private(const char *path, char *err, size_t errcap);

/*
 * The pair in dir: loaded if both files exist (the key's mode checked), made if neither
 * does, with cn as the certificate's common name and DNS name. Returns 0 or -1 with err.
 */
int tlskey_ensure(const char *dir, const char *cn, struct tlskey *k, char *err, size_t errcap);

/*
 * A pair the admin supplies (--tls-cert/--tls-key): the key's mode is checked and the
 * certificate's fingerprint taken. Returns 0 or -1 with err.
 */
int tlskey_use(const char *cert_path, const char *key_path, struct tlskey *k, char *err,
    size_t errcap);

/* SHA-256 of the first certificate in a PEM file, as hex into fp (TLS_FP_HEX + 1 bytes). */
int tlskey_fingerprint(const char *cert_path, char *fp, char *err, size_t errcap);

/* The same of PEM text in memory (the first certificate of a chain). */
int tlskey_fingerprint_pem(const void *pem, size_t len, char *fp);

/*
 * True if s is a fingerprint: TLS_FP_HEX hex digits, with or without the "SHA256:" prefix
 * libtls puts before them. The digits are copied, lowercased, into fp if it is not NULL.
 */
bool tlskey_parse_fp(const char *s, char *fp);

/*
 * Whether a peer's certificate chain (PEM, leaf first) verifies against the system's CAs
 * for host. Used to accept a real certificate without pinning it.
 */
bool tlskey_ca_verifies(const void *chain_pem, size_t len, const char *host);

#endif
