/*
 * sasl: the pure part of SASL over IRC (AUTHENTICATE): a mechanism name, the client's
 * base64 message put together from its chunks, decoded, and a PLAIN message taken apart.
 * No I/O and no accounts: the caller checks the credentials and answers with 900-908.
 *
 * Chunks: a message is sent as AUTHENTICATE lines of SASL_CHUNK_LEN base64 bytes; a line
 * shorter than that ends it, and a message that is an exact multiple ends with "+" (as does
 * an empty one). "*" aborts. A message over SASL_MSG_MAX bytes is refused (905).
 * Base64 is decoded by OpenSSL (EVP_DecodeBlock), not here.
 */
#ifndef LANCHAT_SASL_H
#define LANCHAT_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

enum sasl_mech { SASL_NONE = 0, SASL_PLAIN, SASL_EXTERNAL };

/* The mechanisms offered, as the cap value and 908 list them. */
#define SASL_MECHS "PLAIN,EXTERNAL"

struct sasl {
	enum sasl_mech mech;
	size_t len;
	char b64[SASL_MSG_MAX + 1];
};

enum sasl_feed {
	SASL_MORE,     /* a full chunk: more follow */
	SASL_DONE,     /* the message is complete */
	SASL_ABORTED,  /* "*" */
	SASL_TOO_LONG, /* a chunk over SASL_CHUNK_LEN, or the message over SASL_MSG_MAX */
	SASL_BAD,      /* not base64 */
};

/* The mechanism named (any case), or SASL_NONE for one not offered. */
enum sasl_mech sasl_mech_parse(const char *name);
/* Starts a message for mech. */
void sasl_start(struct sasl *s, enum sasl_mech mech);
/* Adds one AUTHENTICATE parameter. */
enum sasl_feed sasl_feed(struct sasl *s, const char *chunk);
/*
 * Decodes the complete message into out (cap bytes; SASL_MSG_MAX * 3 / 4 is always enough)
 * and NUL-terminates it. Returns its length, or -1 when it is not valid base64.
 */
int sasl_decode(const struct sasl *s, char *out, size_t cap);

struct sasl_plain {
	char authzid[NICK_LEN + 1]; /* "" when not given */
	char authcid[NICK_LEN + 1];
	char passwd[PASSWORD_MAX + 1];
};
/*
 * Splits a decoded PLAIN message "authzid NUL authcid NUL passwd". False when it is not
 * three fields, a field is too long or empty (authcid, passwd), or authzid names someone
 * other than authcid (acting for another account is not offered).
 */
bool sasl_plain_split(const char *msg, size_t len, struct sasl_plain *out);

#endif
