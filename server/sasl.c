#include "server/sasl.h"

#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

#include "common/ircmsg.h"

enum sasl_mech
sasl_mech_parse(const char *name)
{
	if (strcasecmp(name, "PLAIN") == 0)
		return SASL_PLAIN;
	if (strcasecmp(name, "EXTERNAL") == 0)
		return SASL_EXTERNAL;
	return SASL_NONE;
}

void
sasl_start(struct sasl *s, enum sasl_mech mech)
{
	s->mech = mech;
	s->len = 0;
	s->b64[0] = '\0';
}

enum sasl_feed
sasl_feed(struct sasl *s, const char *chunk)
{
	size_t n = strlen(chunk);

	if (strcmp(chunk, "*") == 0)
		return SASL_ABORTED;
	if (strcmp(chunk, "+") == 0)
		return SASL_DONE;
	if (n > SASL_CHUNK_LEN || s->len + n > SASL_MSG_MAX)
		return SASL_TOO_LONG;
	if (strspn(chunk, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != n)
		return SASL_BAD;
	memcpy(s->b64 + s->len, chunk, n);
	s->len += n;
	s->b64[s->len] = '\0';
	return n == SASL_CHUNK_LEN ? SASL_MORE : SASL_DONE;
}

int
sasl_decode(const struct sasl *s, char *out, size_t cap)
{
	size_t pad = 0;
	int n;

	if (s->len == 0) {
		if (cap > 0)
			out[0] = '\0';
		return 0;
	}
	/* EVP_DecodeBlock wants whole quads and counts padding as zero bytes. */
	if (s->len % 4 != 0 || s->len / 4 * 3 + 1 > cap)
		return -1;
	/* '=' only as the last one or two characters. */
	if (strchr(s->b64, '=') != NULL && strchr(s->b64, '=') < s->b64 + s->len - 2)
		return -1;
	if (s->b64[s->len - 1] == '=')
		pad = s->b64[s->len - 2] == '=' ? 2 : 1;
	if (pad == 1 && s->b64[s->len - 2] == '=')
		return -1;
	n = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)s->b64, (int)s->len);
	if (n < 0 || (size_t)n < pad)
		return -1;
	n -= (int)pad;
	out[n] = '\0';
	return n;
}

/* Copies the field at *p (up to a NUL or end) into buf; false when it does not fit. */
static bool
field(const char **p, const char *end, char *buf, size_t cap)
{
	const char *z = memchr(*p, '\0', (size_t)(end - *p));
	size_t n = z != NULL ? (size_t)(z - *p) : (size_t)(end - *p);

	if (n >= cap)
		return false;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p += n + (z != NULL);
	return true;
}

bool
sasl_plain_split(const char *msg, size_t len, struct sasl_plain *out)
{
	const char *p = msg, *end = msg + len;
	const char *z1 = memchr(msg, '\0', len);

	memset(out, 0, sizeof *out);
	if (z1 == NULL || memchr(z1 + 1, '\0', (size_t)(end - z1 - 1)) == NULL)
		return false;
	if (!field(&p, end, out->authzid, sizeof out->authzid) ||
	    !field(&p, end, out->authcid, sizeof out->authcid) ||
	    !field(&p, end, out->passwd, sizeof out->passwd))
		return false;
	if (p != end || out->authcid[0] == '\0' || out->passwd[0] == '\0')
		return false;
	return out->authzid[0] == '\0' || irc_casecmp(out->authzid, out->authcid) == 0;
}
