/*
 * accounts: who a connection is, beyond its nick. Logging in (by password or by the TLS
 * client certificate's fingerprint), registering, certificates, the limits on failed
 * logins, nick ownership, and private messages kept for an account whose owner is away.
 * Shared by every way in: SASL and draft/account-registration (commands.c), NickServ
 * (nickserv.c), PASS, and the plain dialect's /register and /identify.
 *
 * An account is named after the nick it protects (casefolded), and owns that nick: someone
 * else may take it while the owner is away, but is told at once and renamed to a guest
 * nick after the grace period (--nick-grace) unless they log in as its owner; an owner who
 * logs in while someone holds the nick gets it back. This costs a store lookup when a nick
 * is taken (NICK, registration), nothing per message.
 *
 * Passwords are hashed (passwd.h), never stored or logged as they are, and accepted only
 * over TLS or from this host (conn_is_local) unless --allow-plain-passwords. Failed logins
 * are limited per address and per account (LOGIN_FAILS_MAX in LOGIN_FAIL_WINDOW_MS).
 * Without a store (--no-store) there are no accounts: everything answers ACCT_NO_STORE.
 * Settings come from srv.cfg (allow_plain_passwords, nick_grace_s), which a reload updates.
 */
#ifndef LANCHAT_ACCOUNTS_H
#define LANCHAT_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn;

enum acct_result {
	ACCT_OK,
	ACCT_NO_STORE,          /* --no-store: no accounts */
	ACCT_STORE_ERROR,
	ACCT_NOT_SECURE,        /* a password over plain TCP from another host */
	ACCT_RATE_LIMITED,      /* too many failed logins lately */
	ACCT_BAD_CREDENTIALS,   /* no such account, or a wrong password: never said which */
	ACCT_NO_CERT,           /* needs a TLS client certificate, and there is none */
	ACCT_UNKNOWN_CERT,      /* the certificate belongs to no account */
	ACCT_EXISTS,            /* registering a name that is taken */
	ACCT_BAD_NAME,          /* not a valid nick */
	ACCT_NOT_LOGGED_IN,
	ACCT_ALREADY_LOGGED_IN,
	ACCT_NO_CREDENTIAL,     /* registering with neither a password nor a certificate */
	ACCT_CERT_TAKEN,        /* the fingerprint belongs to an account already */
	ACCT_CERTS_FULL,        /* ACCOUNT_CERTS_MAX reached */
	ACCT_NO_SUCH_CERT,
	ACCT_WRONG_ACCOUNT,     /* DROP naming another account than the one logged in */
};

/* A sentence for r, as NickServ and plain users are told. */
const char *acct_result_text(enum acct_result r);

/* Forgets the failed-login records (shutdown). */
void acct_free(void);

/* Are there accounts (a store)? */
bool acct_enabled(void);
/* May c send a password (TLS, this host, or --allow-plain-passwords)? */
bool acct_password_allowed(const struct conn *c);

/*
 * Checks account name and password for c: the transport, the failure limits, then the hash.
 * A failure is counted and logged (without the password). ACCT_OK: c may log in as name
 * (copied into out, casefolded, cap >= NICK_LEN + 1).
 */
enum acct_result acct_check_password(
    struct conn *c, const char *name, const char *password, char *out, size_t cap);
/* The account c's TLS client certificate belongs to, into out. */
enum acct_result acct_check_cert(struct conn *c, char *out, size_t cap);

/*
 * Records that c is logged in as name (already checked; how is "PLAIN", "EXTERNAL",
 * "NickServ" ... for the log). act_login (actions.h) announces it.
 */
void acct_set(struct conn *c, const char *name, const char *how);
/* Once c is registered and logged in: the private messages kept for it, then forgotten. */
void acct_deliver_kept(struct conn *c);
/* Whoever other than c holds nick name without being logged in as it, or NULL. */
struct conn *acct_impostor(const struct conn *c, const char *name);

/*
 * Registers name (c's nick when NULL) with password (NULL or "": certificate only) and c's
 * certificate if it has one; c is then logged in as it (acct_set), for the caller to
 * announce with act_login. c must not be logged in.
 */
enum acct_result acct_register(struct conn *c, const char *name, const char *password);

/* A new password for the account c is logged in as (over TLS or from this host). */
enum acct_result acct_set_password(struct conn *c, const char *password);
/* Certificates of the account c is logged in as; fp NULL: c's own. */
enum acct_result acct_cert_add(struct conn *c, const char *fp);
enum acct_result acct_cert_del(struct conn *c, const char *fp);
typedef void (*acct_str_fn)(const char *s, void *arg);
enum acct_result acct_cert_list(struct conn *c, acct_str_fn fn, void *arg);
/* Drops the account c is logged in as (name repeats it); c is logged out. */
enum acct_result acct_drop(struct conn *c, const char *name);

/* About an account: 1 with times filled, 0 none, -1 on error. */
int acct_info(const char *name, int64_t *created_ms, int64_t *seen_ms, bool *has_password,
    int *ncerts);

/*
 * Nick ownership. acct_nick_taken: c (registered) has just taken its nick; if another
 * account owns it, c is told and its grace period starts (the store is asked: this is the
 * cost of ownership, paid on NICK and registration only). acct_claim_expired: the grace
 * period is over (c is told; the caller renames it).
 */
void acct_nick_taken(struct conn *c);
int64_t acct_next_due(const struct conn *c);
bool acct_claim_expired(struct conn *c);

enum acct_offline {
	ACCT_OFFLINE_NONE, /* target is no account: nobody to keep it for */
	ACCT_OFFLINE_KEPT,
	ACCT_OFFLINE_FULL, /* OFFLINE_PER_RECIPIENT waiting already */
};
/* A PRIVMSG from c to nick, whose owner is not here: kept for them when nick is an account. */
enum acct_offline acct_offline_keep(struct conn *c, const char *nick, const char *text);

#endif
