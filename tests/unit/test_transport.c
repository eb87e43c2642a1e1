/*
 * Unit tests for common/transport over real socket pairs: a TLS handshake driven by hand,
 * non-blocking on both ends, with fingerprints each way; bytes both ways; garbage and EOF;
 * the plain transport.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <tls.h>

#include "common/tlskey.h"
#include "common/transport.h"

static char root[256];
static struct tlskey srv_key, cli_key;

static int
setup(void **state)
{
	char dir[TLS_PATH_LEN], err[512];
	(void)state;

	/* libtls writes with write(): a peer gone raises SIGPIPE, which both programs ignore. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(root, sizeof root, "%s/transport-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(dir, sizeof dir, "%s/srv", root);
	if (tlskey_state_dir(dir, "x", dir, sizeof dir, err, sizeof err) != 0 ||
	    tlskey_ensure(dir, "server", &srv_key, err, sizeof err) != 0)
		return -1;
	snprintf(dir, sizeof dir, "%s/cli", root);
	if (tlskey_state_dir(dir, "x", dir, sizeof dir, err, sizeof err) != 0 ||
	    tlskey_ensure(dir, "client", &cli_key, err, sizeof err) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
}

/* Steps both handshakes until both are over; a bounded number of rounds. */
static void
handshake_both(struct transport *a, struct transport *b)
{
	enum tp_io ra = TP_WANT_READ, rb = TP_WANT_READ;

	for (int i = 0; i < 100 && (ra != TP_OK || rb != TP_OK); i++) {
		ra = tp_handshake(a);
		rb = tp_handshake(b);
		assert_true(ra == TP_OK || ra == TP_WANT_READ || ra == TP_WANT_WRITE);
		assert_true(rb == TP_OK || rb == TP_WANT_READ || rb == TP_WANT_WRITE);
	}
	assert_int_equal(ra, TP_OK);
	assert_int_equal(rb, TP_OK);
}

static void
test_tls_roundtrip(void **state)
{
	char err[256], buf[64];
	struct tls *server, *client;
	struct transport s, c;
	size_t n;
	int sv[2];
	(void)state;

	assert_non_null(server = tp_server_new(&srv_key, err, sizeof err));
	assert_non_null(client = tp_client_new(&cli_key, err, sizeof err));
	pair(sv);
	assert_int_equal(tp_accept(&s, server, sv[0]), 0);
	assert_int_equal(tp_connect(&c, client, sv[1], "server"), 0);
	assert_true(tp_is_tls(&s));
	/* Nothing to read before the handshake: the read drives it and wants the peer. */
	assert_int_equal(tp_read(&s, buf, sizeof buf, &n), TP_WANT_READ);
	handshake_both(&c, &s);

	/* Each side sees the other's certificate. */
	assert_non_null(c.peer_fp);
	assert_string_equal(c.peer_fp, srv_key.fp);
	assert_non_null(s.peer_fp);
	assert_string_equal(s.peer_fp, cli_key.fp);
	assert_true(strncmp(tp_version(&s), "TLSv1.", 6) == 0);

	size_t chain_len;
	const void *chain = tp_peer_chain(&c, &chain_len);
	char fp[TLS_FP_HEX + 1];
	assert_non_null(chain);
	assert_int_equal(tlskey_fingerprint_pem(chain, chain_len, fp), 0);
	assert_string_equal(fp, srv_key.fp);

	assert_int_equal(tp_write(&c, "NICK a\r\n", 8, &n), TP_OK);
	assert_int_equal(n, 8);
	enum tp_io r = TP_WANT_READ;
	for (int i = 0; i < 10 && r != TP_OK; i++)
		r = tp_read(&s, buf, sizeof buf, &n);
	assert_int_equal(r, TP_OK);
	assert_int_equal(n, 8);
	assert_memory_equal(buf, "NICK a\r\n", 8);

	/* A read into a buffer smaller than the record says more may be waiting inside. */
	assert_int_equal(tp_write(&s, "0123456789", 10, &n), TP_OK);
	r = TP_WANT_READ;
	for (int i = 0; i < 10 && r != TP_OK; i++)
		r = tp_read(&c, buf, 4, &n);
	assert_int_equal(r, TP_OK);
	assert_int_equal(n, 4);
	assert_true(c.pending);
	assert_int_equal(tp_read(&c, buf, sizeof buf, &n), TP_OK);
	assert_int_equal(n, 6);
	assert_false(c.pending);
	assert_int_equal(tp_read(&c, buf, sizeof buf, &n), TP_WANT_READ);

	/* The client goes: the server reads end of file (close_notify or the socket's). */
	tp_close(&c);
	r = TP_WANT_READ;
	for (int i = 0; i < 10 && r == TP_WANT_READ; i++)
		r = tp_read(&s, buf, sizeof buf, &n);
	assert_true(r == TP_EOF || r == TP_ERROR);
	tp_close(&s);
	tls_free(server);
}

static void
test_tls_no_client_cert(void **state)
{
	char err[256];
	struct tls *server, *client;
	struct transport s, c;
	int sv[2];
	(void)state;

	assert_non_null(server = tp_server_new(&srv_key, err, sizeof err));
	assert_non_null(client = tp_client_new(NULL, err, sizeof err));
	pair(sv);
	assert_int_equal(tp_accept(&s, server, sv[0]), 0);
	assert_int_equal(tp_connect(&c, client, sv[1], "server"), 0);
	handshake_both(&c, &s);
	assert_null(s.peer_fp);
	assert_non_null(c.peer_fp);
	tp_close(&c);
	tp_close(&s);
	tls_free(server);
}

static void
test_tls_garbage(void **state)
{
	char err[256], junk[300];
	struct tls *server;
	struct transport s;
	int sv[2];
	(void)state;

	assert_non_null(server = tp_server_new(&srv_key, err, sizeof err));
	pair(sv);
	assert_int_equal(tp_accept(&s, server, sv[0]), 0);
	/* An IRC client that forgot it is on the TLS port. */
	snprintf(junk, sizeof junk, "NICK alice\r\nUSER a 0 * :A\r\n");
	assert_true(write(sv[1], junk, strlen(junk)) > 0);
	assert_int_equal(tp_handshake(&s), TP_ERROR);
	assert_true(strlen(tp_error(&s)) > 0);
	tp_close(&s);
	close(sv[1]);
	tls_free(server);
}

static void
test_tls_bad_key(void **state)
{
	char err[256];
	struct tlskey k = srv_key;
	(void)state;

	snprintf(k.key_path, sizeof k.key_path, "%s/nonexistent.pem", root);
	assert_null(tp_server_new(&k, err, sizeof err));
	assert_non_null(strstr(err, "nonexistent.pem"));
	/* A key that is not the certificate's. */
	k = srv_key;
	memcpy(k.key_path, cli_key.key_path, sizeof k.key_path);
	assert_null(tp_server_new(&k, err, sizeof err));
}

static void
test_plain(void **state)
{
	struct transport a, b;
	char buf[16];
	size_t n;
	int sv[2];
	(void)state;

	pair(sv);
	tp_plain(&a, sv[0]);
	tp_plain(&b, sv[1]);
	assert_false(tp_is_tls(&a));
	assert_string_equal(tp_version(&a), "plain");
	assert_int_equal(tp_handshake(&a), TP_OK);
	assert_int_equal(tp_read(&a, buf, sizeof buf, &n), TP_WANT_READ);
	assert_int_equal(tp_write(&b, "hi\n", 3, &n), TP_OK);
	assert_int_equal(tp_read(&a, buf, sizeof buf, &n), TP_OK);
	assert_int_equal(n, 3);
	tp_close(&b);
	assert_int_equal(tp_read(&a, buf, sizeof buf, &n), TP_EOF);
	tp_close(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls_roundtrip),
		cmocka_unit_test(test_tls_no_client_cert),
		cmocka_unit_test(test_tls_garbage),
		cmocka_unit_test(test_tls_bad_key),
		cmocka_unit_test(test_plain),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
