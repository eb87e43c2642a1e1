#include "server/accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hmap.h"
#include "common/ircmsg.h"
#include "common/util.h"
#include "server/archive.h"
#include "server/conn.h"
#include "server/passwd.h"
#include "server/relay.h"
#include "server/server.h"
#include "server/store.h"

static struct {
	struct hmap fails; /* "a:ADDR" or "n:ACCOUNT" -> struct fail */
} acct;

struct fail {
	char key[HOST_LEN + NICK_LEN + 4];
	int count;
	int64_t since_ms; /* the first failure of the current window */
};

static const char *const result_texts[] = {
	[ACCT_OK] = "Done.",
	[ACCT_NO_STORE] = "This server keeps no accounts (it runs without a store).",
	[ACCT_STORE_ERROR] = "The account store failed; try again later.",
	[ACCT_NOT_SECURE] = ("Passwords are accepted only over TLS or from the server's own "
	                     "host: reconnect with TLS and try again."),
	[ACCT_RATE_LIMITED] = "Too many failed logins; wait a minute and try again.",
	[ACCT_BAD_CREDENTIALS] = "Invalid account or password.",
	[ACCT_NO_CERT] = "Your connection shows no TLS client certificate.",
	[ACCT_UNKNOWN_CERT] = "Your certificate belongs to no account.",
	[ACCT_EXISTS] = "That name is registered already.",
	[ACCT_BAD_NAME] = "An account name must be a valid nick.",
	[ACCT_NOT_LOGGED_IN] = "You are not logged in.",
	[ACCT_ALREADY_LOGGED_IN] = "You are logged in already.",
	[ACCT_NO_CREDENTIAL] = "Give a password, or connect over TLS with a client certificate.",
	[ACCT_CERT_TAKEN] = "That certificate belongs to an account already.",
	[ACCT_CERTS_FULL] = "That account has as many certificates as it may.",
	[ACCT_NO_SUCH_CERT] = "That certificate is not on your account.",
	[ACCT_WRONG_ACCOUNT] = "Name the account you are logged in as to drop it.",
};

const char *
acct_result_text(enum acct_result r)
{
	return (size_t)r < sizeof result_texts / sizeof result_texts[0] && result_texts[r]
	    ? result_texts[r]
	    : "Error.";
}

void
acct_free(void)
{
	size_t pos = 0;
	struct fail *f;
	while ((f = hmap_next(&acct.fails, &pos)) != NULL)
		free(f);
	hmap_free(&acct.fails);
	hmap_init(&acct.fails);
}

bool
acct_enabled(void)
{
	return srv.store != NULL;
}

bool
acct_password_allowed(const struct conn *c)
{
	return srv.cfg.allow_plain_passwords || tp_is_tls(&c->tp) || c->local;
}

/* ---- Failed logins ---- */

static struct fail *
fail_get(const char *key)
{
	struct fail *f = hmap_get(&acct.fails, key);
	if (f != NULL && srv.now_ms - f->since_ms >= LOGIN_FAIL_WINDOW_MS) {
		hmap_del(&acct.fails, f->key);
		free(f);
		f = NULL;
	}
	return f;
}

static bool
fail_blocked(const char *key)
{
	struct fail *f = fail_get(key);
	return f != NULL && f->count >= LOGIN_FAILS_MAX;
}

/* Drops every record whose window is over. */
static void
fail_sweep(void)
{
	size_t pos = 0;
	struct fail *f;
	while ((f = hmap_next(&acct.fails, &pos)) != NULL) {
		if (srv.now_ms - f->since_ms >= LOGIN_FAIL_WINDOW_MS) {
			hmap_del(&acct.fails, f->key);
			free(f);
			pos = 0; /* deleting moves entries: start over (bounded by the table) */
		}
	}
}

static void
fail_note(const char *key)
{
	struct fail *f = fail_get(key);

	if (f == NULL) {
		if (acct.fails.len >= LOGIN_FAIL_ENTRIES_MAX)
			fail_sweep();
		if (acct.fails.len >= LOGIN_FAIL_ENTRIES_MAX)
			return; /* every slot holds a live record: those keep limiting */
		f = xcalloc(1, sizeof *f);
		str_copy(f->key, key, sizeof f->key);
		f->since_ms = srv.now_ms;
		if (hmap_put(&acct.fails, f->key, f) < 0) {
			free(f);
			return;
		}
	}
	f->count++;
}

static void
fail_keys(const struct conn *c, const char *name, char *addr, char *acc, size_t cap)
{
	snprintf(addr, cap, "a:%s", c->host);
	snprintf(acc, cap, "n:%s", name);
}

/* ---- Logging in ---- */

enum acct_result
acct_check_password(struct conn *c, const char *name, const char *password, char *out, size_t cap)
{
	char fold[NICK_LEN + 1], ka[sizeof((struct fail *)0)->key], kn[sizeof ka];
	struct store_account a;
	int found;

	if (!acct_enabled())
		return ACCT_NO_STORE;
	if (!acct_password_allowed(c)) {
		log_info("login #%u from %s refused: a password over plain TCP", c->id, c->host);
		return ACCT_NOT_SECURE;
	}
	irc_casefold(fold, name, sizeof fold);
	fail_keys(c, fold, ka, kn, sizeof ka);
	if (fail_blocked(ka) || fail_blocked(kn)) {
		log_info("login #%u as %s from %s refused: too many failures", c->id, fold, c->host);
		return ACCT_RATE_LIMITED;
	}
	found = store_account_get(srv.store, fold, &a);
	if (found < 0)
		return ACCT_STORE_ERROR;
	if (found == 0 || !pw_verify(password, a.hash)) {
		fail_note(ka);
		fail_note(kn);
		log_info("login #%u as %s from %s failed: %s", c->id, fold, c->host,
		    found == 0 ? "no such account" : "wrong password");
		return ACCT_BAD_CREDENTIALS;
	}
	str_copy(out, fold, cap);
	return ACCT_OK;
}

enum acct_result
acct_check_cert(struct conn *c, char *out, size_t cap)
{
	int r;

	if (!acct_enabled())
		return ACCT_NO_STORE;
	if (c->tp.peer_fp == NULL)
		return ACCT_NO_CERT;
	r = store_cert_owner(srv.store, c->tp.peer_fp, out, cap);
	if (r < 0)
		return ACCT_STORE_ERROR;
	if (r == 0) {
		log_info("login #%u from %s: certificate %.16s... belongs to no account", c->id,
		    c->host, c->tp.peer_fp);
		return ACCT_UNKNOWN_CERT;
	}
	return ACCT_OK;
}

struct conn *
acct_impostor(const struct conn *c, const char *name)
{
	struct conn *o = srv_find_nick(name);
	return o != NULL && o != c && strcmp(o->account, name) != 0 ? o : NULL;
}

struct delivery {
	struct conn *to;
	const char *batch;
	int n;
};

static void
deliver_kept(const struct store_msg *m, void *arg)
{
	struct delivery *d = arg;
	char nick[NICK_LEN + 1];

	irc_source_nick(m->sender, nick, sizeof nick);
	struct relay_event ev = { .kind = EV_PRIVMSG,
		.from_prefix = m->sender,
		.from_nick = nick,
		.account = m->account,
		.target = d->to->nick,
		.text = m->text,
		.msgid = m->msgid,
		.ms = m->ms };
	relay_offline(&ev, d->to, d->batch);
	d->n++;
}

void
acct_deliver_kept(struct conn *c)
{
	char ref[16];
	struct delivery d = { .to = c };

	if (!acct_enabled() || !c->registered || c->account[0] == '\0')
		return;
	d.batch = relay_batch_open(c, ref, sizeof ref, "chathistory", c->nick);
	int n = store_offline_each(srv.store, c->account, deliver_kept, &d);
	relay_batch_close(c, d.batch);
	if (n > 0) {
		conn_notice(c, "%d private message%s arrived while you were away.", n,
		    n == 1 ? "" : "s");
		store_offline_clear(srv.store, c->account);
		log_info("delivered #%u %s: %d kept message%s", c->id, c->account, n,
		    n == 1 ? "" : "s");
	}
}

void
acct_set(struct conn *c, const char *name, const char *how)
{
	str_copy(c->account, name, sizeof c->account);
	store_account_seen(srv.store, name, srv.now_ms);
	log_info("login #%u %s as %s by %s from %s", c->id, conn_nick(c), name, how, c->host);
	if (c->claim_due_ms != 0 && irc_casecmp(c->nick, name) == 0)
		c->claim_due_ms = 0;
}

/* ---- Registering and managing ---- */

enum acct_result
acct_register(struct conn *c, const char *name, const char *password)
{
	char fold[NICK_LEN + 1], hash[PASSWORD_HASH_MAX];
	bool with_pw = password != NULL && password[0] != '\0';
	int r;

	if (!acct_enabled())
		return ACCT_NO_STORE;
	if (c->account[0] != '\0')
		return ACCT_ALREADY_LOGGED_IN;
	if (name == NULL)
		name = c->nick;
	if (name[0] == '\0' || strlen(name) > NICK_LEN || !irc_valid_nick(name))
		return ACCT_BAD_NAME;
	if (with_pw && !acct_password_allowed(c))
		return ACCT_NOT_SECURE;
	if (!with_pw && c->tp.peer_fp == NULL)
		return ACCT_NO_CREDENTIAL;
	irc_casefold(fold, name, sizeof fold);
	if (c->tp.peer_fp != NULL) {
		char owner[NICK_LEN + 1];
		r = store_cert_owner(srv.store, c->tp.peer_fp, owner, sizeof owner);
		if (r < 0)
			return ACCT_STORE_ERROR;
		if (r == 1 && !with_pw)
			return ACCT_CERT_TAKEN;
	}
	struct store_account a;
	r = store_account_get(srv.store, fold, &a);
	if (r != 0)
		return r < 0 ? ACCT_STORE_ERROR : ACCT_EXISTS;
	if (with_pw && pw_hash(password, hash, sizeof hash) < 0)
		return ACCT_STORE_ERROR;
	r = store_account_add(srv.store, fold, with_pw ? hash : NULL, srv.now_ms);
	if (r < 0)
		return ACCT_STORE_ERROR;
	if (r == 1)
		return ACCT_EXISTS;
	/* A certificate that is someone else's already is simply not added. */
	if (c->tp.peer_fp != NULL)
		store_cert_add(srv.store, fold, c->tp.peer_fp, srv.now_ms);
	log_info("registered #%u account %s (%s%s) from %s", c->id, fold,
	    with_pw ? "password" : "", c->tp.peer_fp ? (with_pw ? ", certificate" : "certificate") : "",
	    c->host);
	str_copy(c->account, fold, sizeof c->account); /* the caller announces the login */
	return ACCT_OK;
}

enum acct_result
acct_set_password(struct conn *c, const char *password)
{
	char hash[PASSWORD_HASH_MAX];

	if (!acct_enabled())
		return ACCT_NO_STORE;
	if (c->account[0] == '\0')
		return ACCT_NOT_LOGGED_IN;
	if (!acct_password_allowed(c))
		return ACCT_NOT_SECURE;
	if (pw_hash(password, hash, sizeof hash) < 0 ||
	    store_account_set_hash(srv.store, c->account, hash) < 0)
		return ACCT_STORE_ERROR;
	log_info("account %s: password set by #%u", c->account, c->id);
	return ACCT_OK;
}

enum acct_result
acct_cert_add(struct conn *c, const char *fp)
{
	if (!acct_enabled())
		return ACCT_NO_STORE;
	if (c->account[0] == '\0')
		return ACCT_NOT_LOGGED_IN;
	if (fp == NULL && (fp = c->tp.peer_fp) == NULL)
		return ACCT_NO_CERT;
	switch (store_cert_add(srv.store, c->account, fp, srv.now_ms)) {
	case 0:
		log_info("account %s: certificate %.16s... added by #%u", c->account, fp, c->id);
		return ACCT_OK;
	case 1:
		return ACCT_CERT_TAKEN;
	case 2:
		return ACCT_CERTS_FULL;
	default:
		return ACCT_STORE_ERROR;
	}
}

enum acct_result
acct_cert_del(struct conn *c, const char *fp)
{
	if (!acct_enabled())
		return ACCT_NO_STORE;
	if (c->account[0] == '\0')
		return ACCT_NOT_LOGGED_IN;
	switch (store_cert_del(srv.store, c->account, fp)) {
	case 0:
		return ACCT_OK;
	case 1:
		return ACCT_NO_SUCH_CERT;
	default:
		return ACCT_STORE_ERROR;
	}
}

enum acct_result
acct_cert_list(struct conn *c, acct_str_fn fn, void *arg)
{
	if (!acct_enabled())
		return ACCT_NO_STORE;
	if (c->account[0] == '\0')
		return ACCT_NOT_LOGGED_IN;
	return store_cert_each(srv.store, c->account, fn, arg) < 0 ? ACCT_STORE_ERROR : ACCT_OK;
}

enum acct_result
acct_drop(struct conn *c, const char *name)
{
	char fold[NICK_LEN + 1];

	if (!acct_enabled())
		return ACCT_NO_STORE;
	if (c->account[0] == '\0')
		return ACCT_NOT_LOGGED_IN;
	irc_casefold(fold, name, sizeof fold);
	if (strcmp(fold, c->account) != 0)
		return ACCT_WRONG_ACCOUNT;
	if (store_account_del(srv.store, fold) < 0)
		return ACCT_STORE_ERROR;
	log_info("dropped account %s by #%u", fold, c->id);
	c->account[0] = '\0';
	relay_account(c);
	return ACCT_OK;
}

static void
count_one(const char *s, void *arg)
{
	(void)s;
	++*(int *)arg;
}

int
acct_info(const char *name, int64_t *created_ms, int64_t *seen_ms, bool *has_password,
    int *ncerts)
{
	char fold[NICK_LEN + 1];
	struct store_account a;
	int r;

	if (!acct_enabled())
		return 0;
	irc_casefold(fold, name, sizeof fold);
	r = store_account_get(srv.store, fold, &a);
	if (r != 1)
		return r;
	*created_ms = a.created_ms;
	*seen_ms = a.seen_ms;
	*has_password = a.hash != NULL;
	*ncerts = 0;
	return store_cert_each(srv.store, fold, count_one, ncerts) < 0 ? -1 : 1;
}

/* ---- Nick ownership ---- */

/* Is nick an account other than c's? */
static bool
owned_by_other(const struct conn *c, const char *nick)
{
	char fold[NICK_LEN + 1];
	struct store_account a;

	if (!acct_enabled())
		return false;
	irc_casefold(fold, nick, sizeof fold);
	if (strcmp(fold, c->account) == 0)
		return false;
	return store_account_get(srv.store, fold, &a) == 1;
}

void
acct_nick_taken(struct conn *c)
{
	int64_t due;

	c->claim_due_ms = 0;
	if (!c->registered || !owned_by_other(c, c->nick))
		return;
	due = srv.now_ms + (int64_t)srv.cfg.nick_grace_s * 1000;
	c->claim_due_ms = due > 0 ? due : 1;
	log_info("nick %s: #%u is not its owner; renamed in %d s unless they log in", c->nick,
	    c->id, srv.cfg.nick_grace_s);
	conn_notice_from(c, "NickServ",
	    "%s is a registered nick. Log in within %d seconds (/msg NickServ IDENTIFY "
	    "password) or you will be renamed.",
	    c->nick, srv.cfg.nick_grace_s);
	tq_set_earlier(&srv.deadlines, &c->deadline, c->claim_due_ms);
}

int64_t
acct_next_due(const struct conn *c)
{
	return c->claim_due_ms != 0 ? c->claim_due_ms : INT64_MAX;
}

bool
acct_claim_expired(struct conn *c)
{
	if (c->claim_due_ms == 0 || srv.now_ms < c->claim_due_ms)
		return false;
	c->claim_due_ms = 0;
	log_info("nick %s: #%u did not log in; renamed", c->nick, c->id);
	conn_notice_from(c, "NickServ", "You did not log in as %s; you are renamed.", c->nick);
	return true;
}

/* ---- Messages kept for an account ---- */

enum acct_offline
acct_offline_keep(struct conn *c, const char *nick, const char *text)
{
	char fold[NICK_LEN + 1], pfx[CONN_PREFIX_LEN];
	struct store_account a;
	struct relay_event ev = { .kind = EV_PRIVMSG };

	if (!acct_enabled() || strlen(nick) > NICK_LEN)
		return ACCT_OFFLINE_NONE;
	irc_casefold(fold, nick, sizeof fold);
	if (store_account_get(srv.store, fold, &a) != 1)
		return ACCT_OFFLINE_NONE;
	conn_prefix(c, pfx, sizeof pfx);
	arc_stamp(&ev);
	struct store_msg m = { .msgid = ev.msgid,
		.ms = ev.ms,
		.target = fold,
		.kind = "PRIVMSG",
		.sender = pfx,
		.account = c->account[0] ? c->account : NULL,
		.text = text };
	switch (store_offline_add(srv.store, fold, &m)) {
	case 0:
		return ACCT_OFFLINE_KEPT;
	case 1:
		return ACCT_OFFLINE_FULL;
	default:
		return ACCT_OFFLINE_NONE;
	}
}
