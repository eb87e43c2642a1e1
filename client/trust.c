#include "client/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/net.h"
#include "common/tlskey.h"
#include "common/util.h"

static void
make_key(char *key, size_t cap, const char *host, const char *port)
{
	char h[TRUST_KEY_LEN];
	size_t i;

	for (i = 0; host[i] && i + 1 < sizeof h; i++)
		h[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] - 'A' + 'a' : host[i]);
	h[i] = '\0';
	net_join_hostport(key, cap, h, port);
}

static struct trust_entry *
grow(struct trust *t)
{
	if (t->n >= KNOWN_SERVERS_MAX)
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct trust_entry *e = realloc(t->e, cap * sizeof *e);
		if (e == NULL)
			return NULL;
		t->e = e;
		t->cap = cap;
	}
	memset(&t->e[t->n], 0, sizeof t->e[t->n]);
	return &t->e[t->n++];
}

/* A key is host:port with no space or control character, port all digits. */
static bool
valid_key(const char *s, size_t n)
{
	const char *colon = NULL;

	if (n == 0 || n >= TRUST_KEY_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
		if (s[i] == ':')
			colon = s + i;
	}
	if (colon == NULL || colon == s || colon + 1 == s + n)
		return false;
	for (const char *p = colon + 1; p < s + n; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static int
parse_line(struct trust *t, const char *s, size_t n)
{
	struct trust_entry *e = grow(t);
	const char *sp = memchr(s, ' ', n);
	char fp[TLS_FP_HEX + 16];
	size_t kn = sp != NULL ? (size_t)(sp - s) : n, fn;

	if (e == NULL)
		return -1;
	if (n > 0 && n <= KNOWN_LINE_MAX && s[0] != '#' && sp != NULL && valid_key(s, kn)) {
		fn = n - kn - 1;
		if (fn < sizeof fp) {
			memcpy(fp, sp + 1, fn);
			fp[fn] = '\0';
			if (tlskey_parse_fp(fp, e->fp)) {
				memcpy(e->key, s, kn);
				e->key[kn] = '\0';
				/* Hosts compare without case, as the store writes them. */
				char *colon = strrchr(e->key, ':');
				for (char *p = e->key; p < colon; p++)
					if (*p >= 'A' && *p <= 'Z')
						*p = (char)(*p - 'A' + 'a');
				return 0;
			}
		}
	}
	/* A comment, blank line or something unreadable: kept as it is. */
	if ((e->raw = malloc(n + 1)) == NULL) {
		t->n--;
		return -1;
	}
	memcpy(e->raw, s, n);
	e->raw[n] = '\0';
	if (n > 0 && s[0] != '#')
		t->bad++;
	return 0;
}

int
trust_parse(struct trust *t, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		/* All of a line's trailing CRs go, so what is written back reads the same. */
		while (n > 0 && p[n - 1] == '\r')
			n--;
		/* A NUL inside a line would cut it short when written back: not ours. */
		if (memchr(p, '\0', n) != NULL) {
			t->bad++;
		} else if (parse_line(t, p, n) != 0) {
			return -1;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

static struct trust_entry *
find(const struct trust *t, const char *host, const char *port)
{
	char key[TRUST_KEY_LEN];

	make_key(key, sizeof key, host, port);
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].raw == NULL && strcmp(t->e[i].key, key) == 0)
			return &t->e[i];
	return NULL;
}

const char *
trust_lookup(const struct trust *t, const char *host, const char *port)
{
	const struct trust_entry *e = find(t, host, port);
	return e != NULL ? e->fp : NULL;
}

enum trust_verdict
trust_check(const struct trust *t, const char *host, const char *port, const char *fp)
{
	const char *pinned = trust_lookup(t, host, port);
	if (pinned == NULL)
		return TRUST_NEW;
	return strcmp(pinned, fp) == 0 ? TRUST_MATCH : TRUST_CHANGED;
}

enum trust_decision
trust_decide(const struct trust *t, const char *host, const char *port, const char *fp,
    const char *expect_fp, bool ca_ok)
{
	if (expect_fp != NULL && expect_fp[0] != '\0' && strcmp(expect_fp, fp) != 0)
		return TRUST_REFUSE_BEACON;
	if (ca_ok)
		return TRUST_ACCEPT_CA;
	switch (trust_check(t, host, port, fp)) {
	case TRUST_MATCH:
		return TRUST_ACCEPT;
	case TRUST_NEW:
		return TRUST_ACCEPT_NEW;
	case TRUST_CHANGED:
		break;
	}
	return TRUST_REFUSE_CHANGED;
}

int
trust_set(struct trust *t, const char *host, const char *port, const char *fp)
{
	struct trust_entry *e = find(t, host, port);
	char norm[TLS_FP_HEX + 1];

	if (!tlskey_parse_fp(fp, norm))
		return -1;
	if (e == NULL) {
		if ((e = grow(t)) == NULL)
			return -1;
		make_key(e->key, sizeof e->key, host, port);
	}
	memcpy(e->fp, norm, sizeof norm);
	return 0;
}

char *
trust_format(const struct trust *t, size_t *len)
{
	size_t cap = 1, o = 0;
	char *s;

	for (size_t i = 0; i < t->n; i++)
		cap += (t->e[i].raw ? strlen(t->e[i].raw) : strlen(t->e[i].key) + TLS_FP_HEX + 16) + 1;
	s = xmalloc(cap);
	for (size_t i = 0; i < t->n; i++) {
		const struct trust_entry *e = &t->e[i];
		if (e->raw != NULL)
			o += (size_t)snprintf(s + o, cap - o, "%s\n", e->raw);
		else
			o += (size_t)snprintf(
			    s + o, cap - o, "%s " TLSKEY_HASH_PREFIX "%s\n", e->key, e->fp);
	}
	s[o] = '\0';
	*len = o;
	return s;
}

void
trust_free(struct trust *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->e[i].raw);
	free(t->e);
	memset(t, 0, sizeof *t);
}

int
trust_load(struct trust *t, const char *dir, char *err, size_t errcap)
{
	char path[TLS_PATH_LEN + 32], *text;
	struct stat st;
	FILE *f;
	int rc;

	memset(t, 0, sizeof *t);
	snprintf(path, sizeof path, "%s/%s", dir, TRUST_FILE);
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 ||
	    (size_t)st.st_size > (size_t)KNOWN_SERVERS_MAX * KNOWN_LINE_MAX) {
		snprintf(err, errcap, "%s: too large to be a list of servers", path);
		fclose(f);
		return -1;
	}
	text = xmalloc((size_t)st.st_size + 1);
	size_t n = fread(text, 1, (size_t)st.st_size, f);
	fclose(f);
	rc = trust_parse(t, text, n);
	free(text);
	if (rc != 0) {
		snprintf(err, errcap, "%s: more than %d lines", path, KNOWN_SERVERS_MAX);
		trust_free(t);
	}
	return rc;
}

int
trust_save(const struct trust *t, const char *dir, char *err, size_t errcap)
{
	char path[TLS_PATH_LEN + 32], tmp[TLS_PATH_LEN + 40];
	size_t len;
	char *text = trust_format(t, &len);
	int fd, ok;

	snprintf(path, sizeof path, "%s/%s", dir, TRUST_FILE);
	snprintf(tmp, sizeof tmp, "%s.new", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ok = fd >= 0;
	for (size_t o = 0; ok && o < len;) {
		ssize_t n = write(fd, text + o, len - o);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		o += ok ? (size_t)n : 0;
	}
	ok = ok && fsync(fd) == 0;
	if (fd >= 0)
		ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

const char *
trust_short_fp(const char *fp, int n, char *buf, size_t cap)
{
	snprintf(buf, cap, "%.*s..", n, fp);
	return buf;
}
