#include "server/passwd.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/util.h"

int
pw_hash(const char *password, char *out, size_t cap)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	int rc = -1;

	/* NULL random bytes: libxcrypt draws them from the system's source itself. */
	if (crypt_gensalt_rn("$y$", PASSWORD_HASH_COST, NULL, 0, salt, sizeof salt) == NULL)
		return -1;
	cd = xcalloc(1, sizeof *cd);
	h = crypt_r(password, salt, cd);
	if (h != NULL && h[0] == '$' && strlen(h) < cap) {
		memcpy(out, h, strlen(h) + 1);
		rc = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

bool
pw_verify(const char *password, const char *hash)
{
	struct crypt_data *cd;
	const char *h;
	bool ok;

	if (hash == NULL || hash[0] != '$')
		return false;
	cd = xcalloc(1, sizeof *cd);
	h = crypt_r(password, hash, cd);
	ok = h != NULL && h[0] == '$' && strlen(h) == strlen(hash) &&
	    CRYPTO_memcmp(h, hash, strlen(hash)) == 0;
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return ok;
}
