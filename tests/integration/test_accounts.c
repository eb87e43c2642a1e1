/*
 * Accounts against the real lanchatd: registering, logging in each way (SASL PLAIN and
 * EXTERNAL, NickServ, PASS, draft/account-registration, plain /identify), wrong passwords,
 * passwords refused over plain TCP from another host, the failed-login limit, nick
 * ownership (an impostor renamed after the grace period, the owner taking the nick back),
 * private messages kept for an absent owner, account-tag, extended-join, account-notify,
 * WHOIS 330, private history for two accounts only, and the database across a restart and
 * a kill -9 in the middle of registrations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "common/limits.h"
#include "common/tlskey.h"
#include "harness.h"

/* The harness plays another host from this loopback address (the server listens on .1). */
#define OTHER_HOST "127.0.0.2"

enum { KILL_CLIENTS = 12 };

static char statedir[256];
static char certdir[300];

static int
setup(void **state)
{
	(void)state;
	snprintf(statedir, sizeof statedir, "%s/lanchat-acct-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(statedir) == NULL)
		return -1;
	snprintf(certdir, sizeof certdir, "%s/client", statedir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];
	int rc = th_teardown(state);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", statedir);
	return system(cmd) == 0 ? rc : -1;
}

static struct th_server *
start(const char *a1, const char *a2)
{
	return th_server_start("--state-dir", statedir, "--tls-port", "0", a1, a2, NULL);
}

/* SASL PLAIN's message for account and password, base64. */
static const char *
plain_b64(const char *account, const char *password)
{
	static char out[512];
	unsigned char raw[256];
	size_t n = 0;

	raw[n++] = '\0';
	memcpy(raw + n, account, strlen(account));
	n += strlen(account);
	raw[n++] = '\0';
	memcpy(raw + n, password, strlen(password));
	n += strlen(password);
	EVP_EncodeBlock((unsigned char *)out, raw, (int)n);
	return out;
}

/* Registers nick over c (connected), first asking for sasl (and more caps). */
static void
sasl_begin(struct th_client *c, const char *nick, const char *caps)
{
	th_sendf(c, "CAP LS 302");
	th_sendf(c, "NICK %s", nick);
	th_sendf(c, "USER %s 0 * :Real %s", nick, nick);
	th_sendf(c, "CAP REQ :%s", caps);
	th_expect(c, "re:CAP .* ACK", TH_TIMEOUT);
	th_set_nick(c, nick);
}

static void
finish_registration(struct th_client *c)
{
	th_sendf(c, "CAP END");
	th_expect(c, " 001 ", TH_TIMEOUT);
	th_expect(c, "re: (376|422) ", TH_TIMEOUT);
}

/* A client logged in with SASL PLAIN and registered as nick. */
static struct th_client *
plain_login(struct th_server *srv, const char *nick, const char *account, const char *pw,
    const char *caps)
{
	struct th_client *c = th_connect(srv);
	sasl_begin(c, nick, caps);
	th_sendf(c, "AUTHENTICATE PLAIN");
	th_expect(c, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(c, "AUTHENTICATE %s", plain_b64(account, pw));
	th_expect(c, " 900 ", TH_TIMEOUT);
	th_expect(c, " 903 ", TH_TIMEOUT);
	finish_registration(c);
	th_set_nick(c, nick);
	return c;
}

/* Registers account nick with password pw through NickServ, then leaves. */
static void
register_account(struct th_server *srv, const char *nick, const char *pw)
{
	struct th_client *c = th_user(srv, nick);
	th_sendf(c, "PRIVMSG NickServ :REGISTER %s", pw);
	th_expect(c, "re:^:NickServ!.* NOTICE .* is registered to you", TH_TIMEOUT);
	th_expect(c, "re: 900 .*:You are now logged in as ", TH_TIMEOUT);
	th_sendf(c, "QUIT");
	th_expect_closed(c, TH_TIMEOUT);
	th_close(c);
}

static void
test_register_and_log_in_each_way(void **state)
{
	(void)state;
	struct th_server *srv = start(NULL, NULL);
	register_account(srv, "bob", "hunter2");

	/* SASL PLAIN. */
	struct th_client *c = plain_login(srv, "bob", "bob", "hunter2", "sasl");
	th_sendf(c, "QUIT");
	th_expect_closed(c, TH_TIMEOUT);
	th_close(c);

	/* NickServ IDENTIFY, with and without the account named. */
	c = th_user(srv, "bob");
	th_expect(c, "re:NickServ.*bob is a registered nick", TH_TIMEOUT);
	th_sendf(c, "PRIVMSG NickServ :IDENTIFY hunter2");
	th_expect(c, "re: 900 bob .* bob :You are now logged in as bob", TH_TIMEOUT);
	th_close(c);
	c = th_user(srv, "someone");
	th_sendf(c, "PRIVMSG NickServ :IDENTIFY bob hunter2");
	th_expect(c, "re: 900 someone .* bob :You are now logged in as bob", TH_TIMEOUT);
	th_close(c);

	/* PASS account:password before registration. */
	c = th_connect(srv);
	th_sendf(c, "PASS bob:hunter2");
	th_sendf(c, "NICK bob");
	th_sendf(c, "USER bob 0 * :Bob");
	th_expect(c, "re: 900 .* bob :You are now logged in as bob", TH_TIMEOUT);
	th_expect(c, " 001 bob ", TH_TIMEOUT);
	/* WHOIS shows the account. */
	th_sendf(c, "WHOIS bob");
	th_expect(c, "re: 330 bob bob bob :is logged in as", TH_TIMEOUT);
	th_close(c);

	/* draft/account-registration, then a plain-text user's /identify. */
	c = th_connect(srv);
	sasl_begin(c, "carol", "draft/account-registration");
	th_sendf(c, "REGISTER * * s3cret");
	th_expect(c, "REGISTER SUCCESS carol", TH_TIMEOUT);
	th_expect(c, " 900 ", TH_TIMEOUT);
	th_sendf(c, "REGISTER carol * other");
	th_expect(c, "re:FAIL REGISTER (ALREADY_AUTHENTICATED|ACCOUNT_EXISTS) carol", TH_TIMEOUT);
	th_sendf(c, "VERIFY carol 123");
	th_expect(c, "FAIL VERIFY INVALID_CODE carol", TH_TIMEOUT);
	finish_registration(c);
	th_close(c);

	struct th_client *p = th_connect(srv);
	th_expect(p, "Welcome to", TH_TIMEOUT);
	th_sendf(p, "/identify carol s3cret");
	th_expect(p, "You are now logged in as carol.", TH_TIMEOUT);
	th_sendf(p, "/identify carol s3cret");
	th_expect(p, "-NickServ- You are logged in already.", TH_TIMEOUT);
	th_close(p);
	th_server_expect_log(srv, "login #", TH_TIMEOUT);
}

static void
test_wrong_password(void **state)
{
	(void)state;
	struct th_server *srv = start(NULL, NULL);
	register_account(srv, "bob", "hunter2");

	struct th_client *c = th_connect(srv);
	sasl_begin(c, "bob", "sasl");
	th_sendf(c, "AUTHENTICATE PLAIN");
	th_expect(c, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(c, "AUTHENTICATE %s", plain_b64("bob", "wrong"));
	th_expect_before(c, " 904 ", " 900 ", TH_TIMEOUT);
	/* An unknown account fails the same way: nobody learns which accounts exist. */
	th_sendf(c, "AUTHENTICATE PLAIN");
	th_expect(c, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(c, "AUTHENTICATE %s", plain_b64("nobody", "wrong"));
	th_expect_before(c, " 904 ", " 900 ", TH_TIMEOUT);
	/* Aborted, and an unknown mechanism. */
	th_sendf(c, "AUTHENTICATE PLAIN");
	th_expect(c, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(c, "AUTHENTICATE *");
	th_expect(c, " 906 ", TH_TIMEOUT);
	th_sendf(c, "AUTHENTICATE SCRAM-SHA-256");
	th_expect(c, "re: 908 .* PLAIN,EXTERNAL :are available SASL mechanisms", TH_TIMEOUT);
	finish_registration(c);
	th_sendf(c, "PRIVMSG NickServ :IDENTIFY nope");
	th_expect(c, "Invalid account or password.", TH_TIMEOUT);
	th_sync_without(c, " 900 ");

	/* PASS with a wrong password registers the client, logged out. */
	struct th_client *d = th_connect(srv);
	th_sendf(d, "PASS bob:nope");
	th_sendf(d, "NICK dave");
	th_sendf(d, "USER dave 0 * :Dave");
	th_expect_before(d, " 001 dave ", " 900 ", TH_TIMEOUT);

	/* The password itself is never in the log. */
	th_sync(d);
	th_server_expect_log(srv, "wrong password", TH_TIMEOUT);
	assert_null(strstr(th_server_log(srv), "hunter2"));
	assert_null(strstr(th_server_log(srv), "nope"));
}

static void
test_plain_tcp_password_refused(void **state)
{
	(void)state;
	struct th_server *srv = start(NULL, NULL);
	register_account(srv, "bob", "hunter2");

	/* From "another host": SASL PLAIN, NickServ, PASS and REGISTER are all refused. */
	struct th_client *c = th_connect_from(srv, OTHER_HOST);
	sasl_begin(c, "bob", "sasl");
	th_sendf(c, "AUTHENTICATE PLAIN");
	th_expect_before(c, "re:NOTICE .*only over TLS", "AUTHENTICATE +", TH_TIMEOUT);
	th_expect(c, " 904 ", TH_TIMEOUT);
	finish_registration(c);
	th_sendf(c, "PRIVMSG NickServ :IDENTIFY bob hunter2");
	th_expect(c, "re:NickServ.*only over TLS", TH_TIMEOUT);
	th_sendf(c, "NICK erin");
	th_sendf(c, "PRIVMSG NickServ :REGISTER pw");
	th_expect(c, "re:NickServ.*only over TLS", TH_TIMEOUT);
	th_sync_without(c, " 900 ");

	struct th_client *d = th_connect_from(srv, OTHER_HOST);
	th_sendf(d, "PASS bob:hunter2");
	th_sendf(d, "NICK dave");
	th_sendf(d, "USER dave 0 * :Dave");
	th_expect_before(d, "re:NOTICE .*only over TLS", " 001 ", TH_TIMEOUT);
	th_expect_before(d, " 001 ", " 900 ", TH_TIMEOUT);
	th_server_expect_log(srv, "refused: a password over plain TCP", TH_TIMEOUT);

	/* Over TLS from the same address family it works. */
	struct th_client *t = th_connect_tls(srv, NULL, NULL);
	th_expect(t, "Welcome to", TH_TIMEOUT);
	th_sendf(t, "NICK tess");
	th_sendf(t, "USER tess 0 * :Tess");
	th_expect(t, " 001 tess ", TH_TIMEOUT);
	th_sendf(t, "PRIVMSG NickServ :IDENTIFY bob hunter2");
	th_expect(t, " 900 ", TH_TIMEOUT);
	th_server_stop(srv, TH_START_TIMEOUT);

	/* --allow-plain-passwords lets them through. */
	srv = start("--allow-plain-passwords", NULL);
	c = th_connect_from(srv, OTHER_HOST);
	th_sendf(c, "NICK bob");
	th_sendf(c, "USER bob 0 * :Bob");
	th_expect(c, " 001 ", TH_TIMEOUT);
	th_sendf(c, "PRIVMSG NickServ :IDENTIFY hunter2");
	th_expect(c, " 900 ", TH_TIMEOUT);
}

static void
test_rate_limit(void **state)
{
	(void)state;
	struct th_server *srv = start(NULL, NULL);
	register_account(srv, "bob", "hunter2");

	struct th_client *c = th_user(srv, "mallory");
	for (int i = 0; i < LOGIN_FAILS_MAX; i++) {
		th_sendf(c, "PRIVMSG NickServ :IDENTIFY bob guess%d", i);
		th_expect(c, "Invalid account or password.", TH_TIMEOUT);
	}
	/* Past the limit even the right password is refused, unchecked. */
	th_sendf(c, "PRIVMSG NickServ :IDENTIFY bob hunter2");
	th_expect_before(c, "Too many failed logins", " 900 ", TH_TIMEOUT);
	/* The account is limited from every address... */
	struct th_client *t = th_connect_tls(srv, NULL, NULL);
	th_expect(t, "Welcome to", TH_TIMEOUT);
	th_sendf(t, "NICK tess");
	th_sendf(t, "USER tess 0 * :Tess");
	th_expect(t, " 001 tess ", TH_TIMEOUT);
	th_sendf(t, "PRIVMSG NickServ :IDENTIFY bob hunter2");
	th_expect_before(t, "Too many failed logins", " 900 ", TH_TIMEOUT);
	/* ... and the address for every account. */
	register_account(srv, "carol", "pw");
	th_sendf(c, "PRIVMSG NickServ :IDENTIFY carol pw");
	th_expect_before(c, "Too many failed logins", " 900 ", TH_TIMEOUT);
	th_server_expect_log(srv, "too many failures", TH_TIMEOUT);
}

/* The client certificate in certdir (made once), its files and fingerprint in k. */
static void
client_cert(struct tlskey *k)
{
	char err[256];
	mkdir(certdir, 0700);
	if (tlskey_ensure(certdir, "tester", k, err, sizeof err) != 0)
		th_fail("client certificate: %s", err);
}

static void
test_sasl_external(void **state)
{
	(void)state;
	struct tlskey k;
	struct th_server *srv = start(NULL, NULL);

	client_cert(&k);
	const char *cert = k.cert_path, *key = k.key_path, *fp = k.fp;
	/* Registering over TLS with no password binds the nick to the certificate. */
	struct th_client *c = th_connect_tls(srv, cert, key);
	th_sendf(c, "NICK keyed");
	th_sendf(c, "USER keyed 0 * :Keyed");
	th_expect(c, " 001 keyed ", TH_TIMEOUT);
	th_sendf(c, "PRIVMSG NickServ :REGISTER");
	th_expect(c, "and your certificate logs you in", TH_TIMEOUT);
	th_sendf(c, "PRIVMSG NickServ :CERT LIST");
	th_expect(c, fp, TH_TIMEOUT);
	/* A password for other clients, and WHO's r flag for a logged-in user. */
	th_sendf(c, "PRIVMSG NickServ :SET PASSWORD other1");
	th_expect(c, "The password of keyed is set.", TH_TIMEOUT);
	th_sendf(c, "WHO keyed");
	th_expect(c, "re: 352 keyed \\* ~keyed [^ ]+ [^ ]+ keyed Hr :0 ", TH_TIMEOUT);
	th_sendf(c, "QUIT");
	th_expect_closed(c, TH_TIMEOUT);
	th_close(c);

	/* SASL EXTERNAL logs in with the certificate alone. */
	c = th_connect_tls(srv, cert, key);
	sasl_begin(c, "whoever", "sasl");
	th_sendf(c, "AUTHENTICATE EXTERNAL");
	th_expect(c, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(c, "AUTHENTICATE +");
	th_expect(c, "re: 900 .* keyed :You are now logged in as keyed", TH_TIMEOUT);
	th_expect(c, " 903 ", TH_TIMEOUT);
	th_sendf(c, "AUTHENTICATE EXTERNAL");
	th_expect(c, " 907 ", TH_TIMEOUT);
	finish_registration(c);
	th_close(c);

	/* Without a certificate EXTERNAL fails. */
	c = th_connect_tls(srv, NULL, NULL);
	sasl_begin(c, "other", "sasl");
	th_sendf(c, "AUTHENTICATE EXTERNAL");
	th_expect(c, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(c, "AUTHENTICATE +");
	th_expect_before(c, " 904 ", " 900 ", TH_TIMEOUT);
	th_close(c);
	th_server_expect_log(srv, "by SASL EXTERNAL", TH_TIMEOUT);
	/* The password works from a client without the key. */
	plain_login(srv, "keyed", "keyed", "other1", "sasl");
}

static void
test_impostor_renamed_after_grace(void **state)
{
	(void)state;
	struct th_server *srv = start("--nick-grace", "1");
	register_account(srv, "bob", "hunter2");

	struct th_client *w = th_user(srv, "watcher");
	th_join(w, "#lan");
	struct th_client *m = th_user(srv, "mallory");
	th_join(m, "#lan");
	th_sendf(m, "NICK bob");
	th_expect(m, "re:^:mallory!.* NICK :bob", TH_TIMEOUT);
	th_expect(m, "re:NickServ.*bob is a registered nick. Log in within 1 seconds", TH_TIMEOUT);
	/* A private message to bob now is kept for bob, not shown to the impostor. */
	th_sendf(w, "PRIVMSG bob :for the real bob");
	th_expect(w, "is not here; your message is kept", TH_TIMEOUT);
	th_expect(m, "re:^:bob!.* NICK :guest[0-9]+", 3 * TH_TIMEOUT);
	th_expect(w, "re:^:bob!.* NICK :guest[0-9]+", TH_TIMEOUT);
	th_sync_without(m, "for the real bob");

	/* Logging in within the grace period keeps the nick. */
	th_sendf(m, "NICK bob");
	th_expect(m, "bob is a registered nick", TH_TIMEOUT);
	th_sendf(m, "PRIVMSG NickServ :IDENTIFY hunter2");
	th_expect(m, " 900 ", TH_TIMEOUT);
	th_expect(m, "for the real bob", TH_TIMEOUT);
	/* Well past the grace period (a second ping round after it) bob is still bob. */
	th_sendf(w, "PRIVMSG NickServ :HELP");
	th_expect(w, "NickServ keeps your nick yours", TH_TIMEOUT);
	th_server_expect_log(srv, "did not log in; renamed", TH_TIMEOUT);
}

static void
test_owner_reclaims(void **state)
{
	(void)state;
	struct th_server *srv = start(NULL, NULL); /* the default grace: a minute */
	register_account(srv, "bob", "hunter2");

	struct th_client *m = th_user(srv, "bob");
	th_expect(m, "bob is a registered nick", TH_TIMEOUT);
	/* The owner logs in with SASL while the impostor holds the nick: 433, then it is theirs. */
	struct th_client *o = th_connect(srv);
	th_sendf(o, "CAP LS 302");
	th_sendf(o, "NICK bob");
	th_expect(o, " 433 ", TH_TIMEOUT);
	th_sendf(o, "NICK bob_");
	th_sendf(o, "USER bob 0 * :Bob");
	th_sendf(o, "CAP REQ :sasl");
	th_expect(o, "re:CAP .* ACK", TH_TIMEOUT);
	th_sendf(o, "AUTHENTICATE PLAIN");
	th_expect(o, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(o, "AUTHENTICATE %s", plain_b64("bob", "hunter2"));
	th_expect(o, " 903 ", TH_TIMEOUT);
	th_expect(m, "re:^:bob!.* NICK :guest[0-9]+", TH_TIMEOUT);
	finish_registration(o);
	th_sendf(o, "WHOIS bob");
	th_expect(o, "re: 311 bob bob ~bob ", TH_TIMEOUT);

	/* And a logged-in owner's NICK takes it back at once, too. */
	struct th_client *m2 = th_user(srv, "carol");
	th_sendf(o, "NICK other");
	th_expect(o, "NICK :other", TH_TIMEOUT);
	th_sendf(m2, "NICK bob");
	th_expect(m2, "bob is a registered nick", TH_TIMEOUT);
	th_sendf(o, "NICK bob");
	th_expect(m2, "re:^:bob!.* NICK :guest[0-9]+", TH_TIMEOUT);
	th_expect(o, "re:^:other!.* NICK :bob", TH_TIMEOUT);
	/* NickServ itself cannot be taken. */
	th_sendf(m2, "NICK NickServ");
	th_expect(m2, " 433 ", TH_TIMEOUT);
}

static void
test_offline_messages(void **state)
{
	(void)state;
	struct th_server *srv = start("--flood", "0");
	register_account(srv, "bob", "hunter2");

	struct th_client *a = th_user(srv, "alice");
	th_sendf(a, "PRIVMSG bob :are you coming at four?");
	th_expect(a, "re:NOTICE alice :bob is not here; your message is kept", TH_TIMEOUT);
	th_sendf(a, "PRIVMSG bob :second");
	th_expect(a, "is not here", TH_TIMEOUT);
	/* A nick that is nobody's account is still 401. */
	th_sendf(a, "PRIVMSG nobody :hello");
	th_expect(a, " 401 alice nobody ", TH_TIMEOUT);

	/* With server-time and batch: the original time in a tag, inside a batch. */
	struct th_client *b = th_connect(srv);
	sasl_begin(b, "bob", "sasl server-time batch");
	th_sendf(b, "AUTHENTICATE PLAIN");
	th_expect(b, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(b, "AUTHENTICATE %s", plain_b64("bob", "hunter2"));
	th_expect(b, " 903 ", TH_TIMEOUT);
	th_sendf(b, "CAP END");
	th_expect(b, "re:BATCH \\+[^ ]+ chathistory bob", TH_TIMEOUT);
	th_expect(b, "re:^@time=[0-9T:.-]+Z;batch=[^ ]+ :alice![^ ]+ PRIVMSG bob :are you coming at "
	             "four\\?$", TH_TIMEOUT);
	th_expect(b, "PRIVMSG bob :second", TH_TIMEOUT);
	th_expect(b, "re:BATCH -", TH_TIMEOUT);
	th_expect(b, "2 private messages arrived while you were away.", TH_TIMEOUT);
	th_sendf(b, "QUIT");
	th_expect_closed(b, TH_TIMEOUT);
	th_close(b);

	/* Delivered once: the next login finds none. A plain user sees them in words. */
	th_sendf(a, "PRIVMSG bob :third");
	th_expect(a, "is not here", TH_TIMEOUT);
	struct th_client *p = th_connect(srv);
	th_expect(p, "Welcome to", TH_TIMEOUT);
	th_sendf(p, "/identify bob hunter2");
	th_expect_before(p, "re:^\\[[0-9]{2}:[0-9]{2}\\] \\*alice\\* \\(while you were away\\) third$",
	    "are you coming", TH_TIMEOUT);

	/* The box is bounded. */
	th_close(p);
	th_sync(a);
	for (int i = 0; i <= OFFLINE_PER_RECIPIENT; i++)
		th_sendf(a, "PRIVMSG bob :m%d", i);
	th_expect(a, "has 100 messages waiting already; yours was not kept", 3 * TH_TIMEOUT);
}

static void
test_account_caps_and_private_history(void **state)
{
	(void)state;
	struct th_server *srv = start(NULL, NULL);
	register_account(srv, "bob", "hunter2");
	register_account(srv, "alice", "pw");

	struct th_client *w = th_connect(srv);
	sasl_begin(w, "watch", "account-tag extended-join account-notify");
	finish_registration(w);
	th_join(w, "#lan");
	struct th_client *b = plain_login(srv, "bob", "bob", "hunter2", "sasl");
	th_join(b, "#lan");
	th_expect(w, "re:^@account=bob :bob!~bob@127.0.0.1 JOIN #lan bob :Real bob$", TH_TIMEOUT);
	th_sendf(b, "PRIVMSG #lan :hi all");
	th_expect(w, "re:^@account=bob :bob!.* PRIVMSG #lan :hi all$", TH_TIMEOUT);
	struct th_client *g = th_user(srv, "guest");
	th_join(g, "#lan");
	th_expect(w, "re:^:guest!.* JOIN #lan \\* :Real guest$", TH_TIMEOUT);
	th_sendf(g, "PRIVMSG NickServ :IDENTIFY alice pw");
	th_expect(w, "re:^:guest!.* ACCOUNT alice$", TH_TIMEOUT);

	/* Private messages between two accounts: in the history of those two only. */
	th_sendf(b, "PRIVMSG guest :just between us");
	th_sync(b);
	struct th_client *h = th_connect(srv);
	sasl_begin(h, "alice2", "sasl draft/chathistory batch server-time");
	th_sendf(h, "AUTHENTICATE PLAIN");
	th_expect(h, "AUTHENTICATE +", TH_TIMEOUT);
	th_sendf(h, "AUTHENTICATE %s", plain_b64("alice", "pw"));
	th_expect(h, " 903 ", TH_TIMEOUT);
	finish_registration(h);
	th_sendf(h, "CHATHISTORY LATEST bob * 10");
	th_expect(h, "re:PRIVMSG [^ ]+ :just between us$", TH_TIMEOUT);
	th_expect(h, "BATCH -", TH_TIMEOUT);
	/* Someone else asking about bob sees nothing. */
	struct th_client *x = th_connect(srv);
	sasl_begin(x, "eve", "draft/chathistory batch");
	finish_registration(x);
	th_sendf(x, "CHATHISTORY LATEST bob * 10");
	th_expect_before(x, "BATCH -", "just between us", TH_TIMEOUT);
}

static void
test_database_survives_restart_and_kill(void **state)
{
	(void)state;
	struct th_server *srv = start(NULL, NULL);
	struct th_client *c[KILL_CLIENTS];
	char path[400];
	sqlite3 *db;
	sqlite3_stmt *q;

	register_account(srv, "bob", "hunter2");
	th_server_stop(srv, TH_START_TIMEOUT);
	srv = start(NULL, NULL);
	plain_login(srv, "bob", "bob", "hunter2", "sasl");

	/* Registrations in flight when the server is killed. */
	for (int i = 0; i < KILL_CLIENTS; i++) {
		char nick[16];
		snprintf(nick, sizeof nick, "user%02d", i);
		c[i] = th_user(srv, nick);
	}
	for (int i = 0; i < KILL_CLIENTS; i++)
		th_sendf(c[i], "PRIVMSG NickServ :REGISTER pw%02d", i);
	th_expect(c[0], "is registered to you", TH_TIMEOUT);
	assert_int_equal(th_server_signal(srv, SIGKILL, TH_START_TIMEOUT), 128 + SIGKILL);

	snprintf(path, sizeof path, "%s/lanchatd.db", statedir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
	sqlite3_close(db);

	/* Every account the server confirmed is there after the restart. */
	srv = start(NULL, NULL);
	plain_login(srv, "bob", "bob", "hunter2", "sasl");
	plain_login(srv, "user00", "user00", "pw00", "sasl");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_and_log_in_each_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_tcp_password_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sasl_external, setup, teardown),
		cmocka_unit_test_setup_teardown(test_impostor_renamed_after_grace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_reclaims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_account_caps_and_private_history, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_database_survives_restart_and_kill, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
