/*
 * Unit tests for common/tlskey: the state directory, the key pair made on first use and
 * reused later, permission checks, and fingerprints (cross-checked with the openssl tool).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/tlskey.h"

static char root[256];

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "%s/tlskey-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(root) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
test_state_dir_xdg(void **state)
{
	char dir[TLS_PATH_LEN], err[512], want[TLS_PATH_LEN];
	(void)state;

	setenv("XDG_STATE_HOME", root, 1);
	assert_int_equal(tlskey_state_dir(NULL, "lanchatd", dir, sizeof dir, err, sizeof err), 0);
	snprintf(want, sizeof want, "%s/lanchatd", root);
	assert_string_equal(dir, want);
	assert_int_equal(mode_of(dir), 0700);

	/* A relative XDG_STATE_HOME is ignored, as the spec says: HOME is used instead. */
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", root, 1);
	assert_int_equal(tlskey_state_dir(NULL, "lanchat", dir, sizeof dir, err, sizeof err), 0);
	snprintf(want, sizeof want, "%s/.local/state/lanchat", root);
	assert_string_equal(dir, want);
	assert_int_equal(mode_of(dir), 0700);
}

static void
test_state_dir_uncreatable(void **state)
{
	char dir[TLS_PATH_LEN], err[512], file[TLS_PATH_LEN], given[TLS_PATH_LEN + 16];
	FILE *f;
	(void)state;

	/* A regular file where a parent directory should be. */
	snprintf(file, sizeof file, "%s/plainfile", root);
	assert_non_null(f = fopen(file, "w"));
	fclose(f);
	snprintf(given, sizeof given, "%s/sub/state", file);
	assert_int_equal(tlskey_state_dir(given, "x", dir, sizeof dir, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot create state directory"));
	assert_non_null(strstr(err, file));
	/* The file itself as the state directory. */
	assert_int_equal(tlskey_state_dir(file, "x", dir, sizeof dir, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot create state directory"));
}

/* The fingerprint the openssl tool prints, lowercased and without colons. */
static void
openssl_fp(const char *cert, char *out)
{
	char cmd[TLS_PATH_LEN + 64], line[256];
	size_t o = 0;
	FILE *p;

	snprintf(cmd, sizeof cmd, "openssl x509 -noout -fingerprint -sha256 -in '%s'", cert);
	assert_non_null(p = popen(cmd, "r"));
	assert_non_null(fgets(line, sizeof line, p));
	assert_int_equal(pclose(p), 0);
	const char *eq = strchr(line, '=');
	assert_non_null(eq);
	for (const char *c = eq + 1; *c && *c != '\n'; c++)
		if (*c != ':')
			out[o++] = (char)(*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c);
	out[o] = '\0';
}

static void
test_ensure_creates_then_reuses(void **state)
{
	char dir[TLS_PATH_LEN], err[512], fp[TLS_FP_HEX + 1];
	struct tlskey a, b;
	(void)state;

	snprintf(dir, sizeof dir, "%s/state", root);
	assert_int_equal(tlskey_state_dir(dir, "x", dir, sizeof dir, err, sizeof err), 0);
	if (tlskey_ensure(dir, "lanbox", &a, err, sizeof err) != 0)
		fail_msg("ensure: %s", err);
	assert_true(a.created);
	assert_int_equal(mode_of(a.key_path), 0600);
	assert_int_equal(mode_of(a.cert_path), 0600);
	assert_int_equal(strlen(a.fp), TLS_FP_HEX);
	openssl_fp(a.cert_path, fp);
	assert_string_equal(a.fp, fp);

	/* The second start finds the same pair. */
	if (tlskey_ensure(dir, "lanbox", &b, err, sizeof err) != 0)
		fail_msg("ensure again: %s", err);
	assert_false(b.created);
	assert_string_equal(a.fp, b.fp);

	/* The key is ECDSA P-256 and the certificate names the server. */
	char cmd[TLS_PATH_LEN + 64];
	snprintf(cmd, sizeof cmd, "openssl pkey -in '%s' -noout -text | grep -q 'prime256v1'",
	    a.key_path);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd,
	    "openssl x509 -in '%s' -noout -subject | grep -q 'CN *= *lanbox'", a.cert_path);
	assert_int_equal(system(cmd), 0);
}

static void
test_loose_key_refused(void **state)
{
	char dir[TLS_PATH_LEN], err[512];
	struct tlskey k;
	(void)state;

	snprintf(dir, sizeof dir, "%s/loose", root);
	assert_int_equal(tlskey_state_dir(dir, "x", dir, sizeof dir, err, sizeof err), 0);
	assert_int_equal(tlskey_ensure(dir, "lanbox", &k, err, sizeof err), 0);
	assert_int_equal(chmod(k.key_path, 0644), 0);
	assert_int_equal(tlskey_ensure(dir, "lanbox", &k, err, sizeof err), -1);
	assert_non_null(strstr(err, "mode 0644"));
	assert_non_null(strstr(err, "chmod 600"));
	/* The same check for a pair the admin names. */
	assert_int_equal(tlskey_use(k.cert_path, k.key_path, &k, err, sizeof err), -1);
	assert_non_null(strstr(err, "mode 0644"));
	assert_int_equal(chmod(k.key_path, 0600), 0);
	assert_int_equal(tlskey_use(k.cert_path, k.key_path, &k, err, sizeof err), 0);
}

static void
test_half_pair_refused(void **state)
{
	char dir[TLS_PATH_LEN], err[512];
	struct tlskey k;
	(void)state;

	snprintf(dir, sizeof dir, "%s/half", root);
	assert_int_equal(tlskey_state_dir(dir, "x", dir, sizeof dir, err, sizeof err), 0);
	assert_int_equal(tlskey_ensure(dir, "lanbox", &k, err, sizeof err), 0);
	assert_int_equal(unlink(k.cert_path), 0);
	assert_int_equal(tlskey_ensure(dir, "lanbox", &k, err, sizeof err), -1);
	assert_non_null(strstr(err, "remove it"));
	/* The key was not replaced behind the user's back. */
	assert_int_equal(access(k.key_path, F_OK), 0);
}

static void
test_missing_cert_file(void **state)
{
	char err[512], fp[TLS_FP_HEX + 1], path[TLS_PATH_LEN];
	FILE *f;
	(void)state;

	assert_int_equal(tlskey_fingerprint("/nonexistent/cert.pem", fp, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/cert.pem"));
	snprintf(path, sizeof path, "%s/garbage.pem", root);
	assert_non_null(f = fopen(path, "w"));
	fputs("not a certificate\n", f);
	fclose(f);
	assert_int_equal(tlskey_fingerprint(path, fp, err, sizeof err), -1);
	assert_int_equal(tlskey_fingerprint_pem("junk", 4, fp), -1);
}

static void
test_parse_fp(void **state)
{
	char fp[TLS_FP_HEX + 1];
	const char *hex = "AB12cd34ef56789001234567890abcdef0123456789abcdef0123456789abcde";
	char with[TLS_FP_HEX + 16];
	(void)state;

	assert_true(tlskey_parse_fp(hex, fp));
	assert_string_equal(fp, "ab12cd34ef56789001234567890abcdef0123456789abcdef0123456789abcde");
	snprintf(with, sizeof with, "SHA256:%s", hex);
	assert_true(tlskey_parse_fp(with, NULL));
	assert_false(tlskey_parse_fp("", NULL));
	assert_false(tlskey_parse_fp("SHA256:", NULL));
	assert_false(tlskey_parse_fp("ab12", NULL));
	with[10] = 'g';
	assert_false(tlskey_parse_fp(with, NULL));
	snprintf(with, sizeof with, "%s0", hex);
	assert_false(tlskey_parse_fp(with, NULL));
}

static void
test_self_signed_not_ca_verified(void **state)
{
	char dir[TLS_PATH_LEN], err[512], pem[8192];
	struct tlskey k;
	FILE *f;
	size_t n;
	(void)state;

	snprintf(dir, sizeof dir, "%s/ca", root);
	assert_int_equal(tlskey_state_dir(dir, "x", dir, sizeof dir, err, sizeof err), 0);
	assert_int_equal(tlskey_ensure(dir, "lanbox", &k, err, sizeof err), 0);
	assert_non_null(f = fopen(k.cert_path, "r"));
	n = fread(pem, 1, sizeof pem, f);
	fclose(f);
	assert_false(tlskey_ca_verifies(pem, n, "lanbox"));
	assert_false(tlskey_ca_verifies("junk", 4, "lanbox"));
	char fp[TLS_FP_HEX + 1];
	assert_int_equal(tlskey_fingerprint_pem(pem, n, fp), 0);
	assert_string_equal(fp, k.fp);
}

/* A certificate from a CA the system trusts (SSL_CERT_FILE stands in for the system's list)
 * verifies for its own name only. */
static void
test_ca_verified(void **state)
{
	char cmd[2048], ca[TLS_PATH_LEN], leaf[TLS_PATH_LEN], pem[8192];
	FILE *f;
	size_t n;
	(void)state;

	snprintf(ca, sizeof ca, "%s/ca.pem", root);
	snprintf(leaf, sizeof leaf, "%s/leaf.pem", root);
	snprintf(cmd, sizeof cmd,
	    "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-subj /CN=Test-CA -days 2 -keyout ca.key -out ca.pem "
	    "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign >/dev/null 2>&1 "
	    "&& openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=lanbox.test "
	    "-keyout leaf.key -out leaf.csr >/dev/null 2>&1 && printf "
	    "'subjectAltName=DNS:lanbox.test\\n' >ext && openssl x509 -req -in leaf.csr -CA ca.pem "
	    "-CAkey ca.key -CAcreateserial -days 2 -extfile ext -out leaf.pem >/dev/null 2>&1",
	    root);
	assert_int_equal(system(cmd), 0);
	assert_non_null(f = fopen(leaf, "r"));
	n = fread(pem, 1, sizeof pem, f);
	fclose(f);
	/* Not trusted until its CA is. */
	setenv("SSL_CERT_FILE", "/nonexistent", 1);
	assert_false(tlskey_ca_verifies(pem, n, "lanbox.test"));
	setenv("SSL_CERT_FILE", ca, 1);
	assert_true(tlskey_ca_verifies(pem, n, "lanbox.test"));
	assert_false(tlskey_ca_verifies(pem, n, "other.test"));
	unsetenv("SSL_CERT_FILE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_dir_xdg),
		cmocka_unit_test(test_state_dir_uncreatable),
		cmocka_unit_test(test_ensure_creates_then_reuses),
		cmocka_unit_test(test_loose_key_refused),
		cmocka_unit_test(test_half_pair_refused),
		cmocka_unit_test(test_missing_cert_file),
		cmocka_unit_test(test_parse_fp),
		cmocka_unit_test(test_self_signed_not_ca_verified),
		cmocka_unit_test(test_ca_verified),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
