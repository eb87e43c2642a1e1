#include "common/tlskey.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "common/util.h"

static int
fail(char *err, size_t errcap, const char *fmt, const char *a, const char *b)
{
	snprintf(err, errcap, fmt, a, b);
	return -1;
}

/* mkdir -p with mode 0700 for every directory it makes. */
static int
make_dirs(const char *path, char *err, size_t errcap)
{
	char buf[TLS_PATH_LEN];
	struct stat st;

	if (str_copy(buf, path, sizeof buf) >= sizeof buf)
		return fail(err, errcap, "state directory %s: path too long%s", path, "");
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return fail(err, errcap, "cannot create state directory %s: %s", buf,
			    strerror(errno));
		*p = c;
		if (c == '\0')
			break;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return fail(err, errcap, "cannot create state directory %s: %s", path,
		    "something else is in the way");
	if (access(path, W_OK | X_OK) != 0)
		return fail(err, errcap, "state directory %s is not writable: %s", path,
		    strerror(errno));
	return 0;
}

int
tlskey_state_dir(const char *given, const char *app, char *out, size_t cap, char *err,
    size_t errcap)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char path[TLS_PATH_LEN];
	int n;

	/* The XDG spec says a relative value is to be ignored. */
	if (given != NULL)
		n = snprintf(path, sizeof path, "%s", given);
	else if (xdg != NULL && xdg[0] == '/')
		n = snprintf(path, sizeof path, "%s/%s", xdg, app);
	else if (home != NULL && home[0] == '/')
		n = snprintf(path, sizeof path, "%s/.local/state/%s", home, app);
	else
		return fail(err, errcap, "no state directory: set HOME or XDG_STATE_HOME, or give "
		                         "--state-dir%s%s",
		    "", "");
	if (n <= 0 || (size_t)n >= sizeof path || (size_t)n >= cap)
		return fail(err, errcap, "state directory %s: path too long or empty%s",
		    given ? given : app, "");
	memcpy(out, path, (size_t)n + 1); /* given may be out itself */
	return make_dirs(out, err, errcap);
}

int
tlskey_check_private(const char *path, char *err, size_t errcap)
{
	struct stat st;
	char mode[16];

	if (stat(path, &st) != 0)
		return fail(err, errcap, "key file %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(err, errcap, "key file %s is not a regular file%s", path, "");
	if (st.st_mode & 077) {
		snprintf(mode, sizeof mode, "%04o", (unsigned)(st.st_mode & 07777));
		snprintf(err, errcap,
		    "key file %s has mode %s: others may read the private key; run "
		    "'chmod 600 %s' (or remove it to make a new one)",
		    path, mode, path);
		return -1;
	}
	return 0;
}

static void
hex(const unsigned char *d, unsigned n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
cert_fp(X509 *x, char *fp)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (X509_digest(x, EVP_sha256(), md, &n) != 1 || n * 2 != TLS_FP_HEX)
		return -1;
	hex(md, n, fp);
	return 0;
}

int
tlskey_fingerprint_pem(const void *pem, size_t len, char *fp)
{
	BIO *bio;
	X509 *x;
	int rc;

	if (len > INT32_MAX || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return -1;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (x == NULL)
		return -1;
	rc = cert_fp(x, fp);
	X509_free(x);
	return rc;
}

int
tlskey_fingerprint(const char *cert_path, char *fp, char *err, size_t errcap)
{
	FILE *f = fopen(cert_path, "r");
	X509 *x;
	int rc;

	if (f == NULL)
		return fail(err, errcap, "certificate %s: %s", cert_path, strerror(errno));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		return fail(err, errcap, "certificate %s: no PEM certificate in it%s", cert_path,
		    "");
	rc = cert_fp(x, fp);
	X509_free(x);
	if (rc != 0)
		return fail(err, errcap, "certificate %s: cannot hash it%s", cert_path, "");
	return 0;
}

bool
tlskey_parse_fp(const char *s, char *fp)
{
	size_t plen = sizeof TLSKEY_HASH_PREFIX - 1;

	if (strncmp(s, TLSKEY_HASH_PREFIX, plen) == 0)
		s += plen;
	if (strlen(s) != TLS_FP_HEX)
		return false;
	for (int i = 0; i < TLS_FP_HEX; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
		if (fp != NULL)
			fp[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	if (fp != NULL)
		fp[TLS_FP_HEX] = '\0';
	return true;
}

/* Writes with PEM writer w into a new file made 0600 before a byte of the key is in it. */
static int
write_private(const char *path, int (*w)(FILE *, void *), void *obj)
{
	char tmp[TLS_PATH_LEN + 8];
	int fd;
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.new", path) >= sizeof tmp)
		return -1;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	int ok = w(f, obj) == 1;
	ok &= fflush(f) == 0 && fsync(fd) == 0;
	ok &= fclose(f) == 0;
	/* Renamed into place whole, so a crash never leaves half a key behind. */
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
write_key(FILE *f, void *k)
{
	return PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
}

static int
write_cert(FILE *f, void *x)
{
	return PEM_write_X509(f, x);
}

static X509 *
self_signed(EVP_PKEY *key, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	unsigned char serial[16];
	BIGNUM *bn;
	char san[300];

	if (x == NULL || RAND_bytes(serial, sizeof serial) != 1)
		goto bad;
	serial[0] &= 0x7f; /* a positive serial number */
	if ((bn = BN_bin2bn(serial, sizeof serial, NULL)) == NULL)
		goto bad;
	int ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	name = X509_get_subject_name(x);
	ok = ok && X509_set_version(x, 2) == 1 &&
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
	    X509_gmtime_adj(X509_getm_notAfter(x), (long)TLS_CERT_DAYS * 86400) != NULL &&
	    X509_set_pubkey(x, key) == 1 &&
	    X509_NAME_add_entry_by_txt(
	        name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) == 1 &&
	    X509_set_issuer_name(x, name) == 1;
	if (!ok)
		goto bad;
	snprintf(san, sizeof san, "DNS:%s", cn);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san)) == NULL)
		goto bad;
	ok = X509_add_ext(x, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	if (!ok || X509_sign(x, key, EVP_sha256()) == 0)
		goto bad;
	return x;
bad:
	X509_free(x);
	return NULL;
}

static int
create_pair(struct tlskey *k, const char *cn, char *err, size_t errcap)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = key != NULL ? self_signed(key, cn) : NULL;
	int rc = -1;

	if (x == NULL)
		fail(err, errcap, "cannot make a TLS key and certificate%s%s", "", "");
	else if (write_private(k->key_path, write_key, key) != 0)
		fail(err, errcap, "cannot write key file %s: %s", k->key_path, strerror(errno));
	else if (write_private(k->cert_path, write_cert, x) != 0) {
		fail(err, errcap, "cannot write certificate %s: %s", k->cert_path,
		    strerror(errno));
		unlink(k->key_path);
	} else if (cert_fp(x, k->fp) != 0)
		fail(err, errcap, "cannot hash the new certificate%s%s", "", "");
	else
		rc = 0;
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

int
tlskey_use(const char *cert_path, const char *key_path, struct tlskey *k, char *err,
    size_t errcap)
{
	struct tlskey n = { 0 }; /* the paths may point into *k */

	if (str_copy(n.cert_path, cert_path, sizeof n.cert_path) >= sizeof n.cert_path ||
	    str_copy(n.key_path, key_path, sizeof n.key_path) >= sizeof n.key_path)
		return fail(err, errcap, "key or certificate path too long: %s%s", key_path, "");
	*k = n;
	if (tlskey_check_private(k->key_path, err, errcap) != 0)
		return -1;
	return tlskey_fingerprint(k->cert_path, k->fp, err, errcap);
}

static int ensure_locked(const char *dir, const char *cn, struct tlskey *k, char *err,
    size_t errcap);

/*
 * Two programs starting together on one state directory must not both make a pair (each
 * would rename its own key and certificate over the other's, leaving a mismatched pair):
 * the first to take the lock makes it, the other then finds it.
 */
int
tlskey_ensure(const char *dir, const char *cn, struct tlskey *k, char *err, size_t errcap)
{
	char lock[TLS_PATH_LEN];
	int fd, rc;

	if ((size_t)snprintf(lock, sizeof lock, "%s/.lock", dir) >= sizeof lock)
		return fail(err, errcap, "state directory %s: path too long%s", dir, "");
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(err, errcap, "cannot lock %s: %s", lock, strerror(errno));
	while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
		;
	rc = ensure_locked(dir, cn, k, err, errcap);
	close(fd); /* and with it the lock */
	return rc;
}

static int
ensure_locked(const char *dir, const char *cn, struct tlskey *k, char *err, size_t errcap)
{
	char cert[TLS_PATH_LEN], key[TLS_PATH_LEN];
	bool have_cert, have_key;

	if ((size_t)snprintf(cert, sizeof cert, "%s/%s", dir, TLSKEY_CERT_FILE) >= sizeof cert ||
	    (size_t)snprintf(key, sizeof key, "%s/%s", dir, TLSKEY_KEY_FILE) >= sizeof key)
		return fail(err, errcap, "state directory %s: path too long%s", dir, "");
	have_cert = access(cert, F_OK) == 0;
	have_key = access(key, F_OK) == 0;
	if (have_cert && have_key)
		return tlskey_use(cert, key, k, err, errcap);
	if (have_cert != have_key)
		return fail(err, errcap,
		    "%s is there but %s is not; remove it to make a new key and certificate",
		    have_cert ? cert : key, have_cert ? key : cert);
	memset(k, 0, sizeof *k);
	str_copy(k->cert_path, cert, sizeof k->cert_path);
	str_copy(k->key_path, key, sizeof k->key_path);
	if (create_pair(k, cn, err, errcap) != 0)
		return -1;
	k->created = true;
	return 0;
}

bool
tlskey_ca_verifies(const void *chain_pem, size_t len, const char *host)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	BIO *bio = len <= INT32_MAX ? BIO_new_mem_buf(chain_pem, (int)len) : NULL;
	X509 *leaf = NULL, *x;
	bool ok = false;

	if (chain == NULL || store == NULL || ctx == NULL || bio == NULL)
		goto out;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (leaf == NULL)
			leaf = x;
		else if (!sk_X509_push(chain, x))
			X509_free(x);
	}
	if (leaf == NULL || X509_STORE_set_default_paths(store) != 1 ||
	    X509_STORE_CTX_init(ctx, store, leaf, chain) != 1)
		goto out;
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	if (X509_VERIFY_PARAM_set1_host(param, host, 0) != 1)
		goto out;
	ok = X509_verify_cert(ctx) == 1;
out:
	BIO_free(bio);
	X509_free(leaf);
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}
