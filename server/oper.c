#include "server/oper.h"

#include <crypt.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "common/util.h"
#include "server/passwd.h"

/* The last '$'-field of a complete hash, its length by kind: yescrypt and SHA-512. */
enum { YESCRYPT_SUM_LEN = 43, SHA512_SUM_LEN = 86 };

struct entry {
	char name[NICK_LEN + 1];
	const char *hash;
};

static struct entry entries[OPER_MAX];
static int nentries;

/* Failed attempts from one address: a token bucket that only failures drain. */
static struct fail {
	char host[HOST_LEN];
	double tokens;
	int64_t ms; /* when tokens was last brought up to date */
} fails[OPER_FAIL_HOSTS];
static int nfails;

void
oper_configure(const char *const *list, int n)
{
	nentries = 0;
	for (int i = 0; i < n && nentries < OPER_MAX; i++) {
		const char *colon = strchr(list[i], ':');
		size_t len = colon ? (size_t)(colon - list[i]) : 0;
		if (len == 0 || len > NICK_LEN)
			continue;
		memcpy(entries[nentries].name, list[i], len);
		entries[nentries].name[len] = '\0';
		entries[nentries].hash = colon + 1;
		nentries++;
	}
}

bool
oper_any(void)
{
	return nentries > 0;
}

void
oper_forget_failures(void)
{
	nfails = 0;
}

static struct fail *
fail_of(const char *host, int64_t now_ms)
{
	struct fail *f = NULL;
	for (int i = 0; i < nfails; i++)
		if (strcmp(fails[i].host, host) == 0)
			f = &fails[i];
	if (f != NULL) {
		f->tokens += (double)(now_ms - f->ms) / OPER_FAIL_INTERVAL_MS;
		if (f->tokens > OPER_FAIL_BURST)
			f->tokens = OPER_FAIL_BURST;
		f->ms = now_ms;
		return f;
	}
	if (nfails < OPER_FAIL_HOSTS) {
		f = &fails[nfails++];
	} else {
		/* Full: the address whose last failure is oldest makes room. */
		f = &fails[0];
		for (int i = 1; i < nfails; i++)
			if (fails[i].ms < f->ms)
				f = &fails[i];
	}
	str_copy(f->host, host, sizeof f->host);
	f->tokens = OPER_FAIL_BURST;
	f->ms = now_ms;
	return f;
}

enum oper_result
oper_check(
    const char *host, const char *name, const char *password, int64_t now_ms, int64_t *wait_ms)
{
	const struct entry *e = NULL;
	struct fail *f = fail_of(host, now_ms);
	bool ok;

	*wait_ms = 0;
	if (f->tokens < 1.0) {
		*wait_ms = (int64_t)((1.0 - f->tokens) * OPER_FAIL_INTERVAL_MS) + 1;
		return OPER_WAIT;
	}
	for (int i = 0; i < nentries && e == NULL; i++)
		if (strcmp(entries[i].name, name) == 0)
			e = &entries[i];
	if (nentries == 0 || strlen(password) > PASSWORD_MAX) {
		f->tokens -= 1.0;
		return OPER_WRONG;
	}
	/* An unknown name is hashed too, under a real entry's setting: the same cost. */
	ok = pw_verify(password, e != NULL ? e->hash : entries[0].hash) && e != NULL;
	if (ok)
		return OPER_OK;
	f->tokens -= 1.0;
	return OPER_WRONG;
}

static bool
hash_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    ch == '.' || ch == '/';
}

bool
oper_valid_hash(const char *hash, char *why, size_t wcap)
{
	size_t len = strlen(hash), want;
	const char *last = strrchr(hash, '$');
	int fields = 0;

	if (strncmp(hash, "$y$", 3) == 0) {
		want = YESCRYPT_SUM_LEN;
	} else if (strncmp(hash, "$6$", 3) == 0) {
		want = SHA512_SUM_LEN;
	} else {
		snprintf(why, wcap, "HASH must be a yescrypt ($y$...) or SHA-512 ($6$...) crypt(3) "
		                    "hash; lanchatd --hash-password makes one");
		return false;
	}
	for (const char *p = hash + 3; *p; p++) {
		if (*p == '$')
			fields++;
		else if (!hash_char(*p) && *p != '=')
			fields = -100;
	}
	if (len >= PASSWORD_HASH_MAX || fields < 1 || fields > 2 || strlen(last + 1) != want ||
	    crypt_checksalt(hash) != CRYPT_SALT_OK) {
		snprintf(why, wcap, "HASH is not a complete %s hash; lanchatd --hash-password makes one",
		    hash[1] == 'y' ? "yescrypt" : "SHA-512");
		return false;
	}
	return true;
}
