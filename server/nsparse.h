/*
 * nsparse: the pure part of the account commands: a NickServ command line ("IDENTIFY bob
 * secret", "CERT ADD") taken apart into a verb and its words, and the "account:password"
 * of PASS. No I/O, no accounts: nickserv.c runs what this returns.
 *
 * Words are separated by spaces; a password is one word (the last one), as NickServ
 * services have it. Verbs and CERT's subcommands are matched in any case.
 */
#ifndef LANCHAT_NSPARSE_H
#define LANCHAT_NSPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

enum ns_verb {
	NS_HELP,
	NS_REGISTER,  /* [password] */
	NS_IDENTIFY,  /* [account] password */
	NS_CERT_ADD,  /* [fingerprint]: the connection's own when none */
	NS_CERT_DEL,  /* fingerprint */
	NS_CERT_LIST, /* */
	NS_INFO,      /* [account] */
	NS_DROP,      /* account (the logged-in one, named again as a confirmation) */
	NS_SET_PASSWORD, /* password: a new one for the account logged in as */
};

enum ns_err {
	NS_OK,
	NS_EMPTY,        /* nothing but spaces */
	NS_UNKNOWN,      /* not a verb NickServ knows */
	NS_USAGE,        /* a known verb with the wrong words */
	NS_BAD_FP,       /* a fingerprint that is not 64 hex digits (colons allowed) */
	NS_BAD_ACCOUNT,  /* an account name that cannot be a nick */
	NS_TOO_LONG,     /* a password over PASSWORD_MAX */
};

struct ns_cmd {
	enum ns_verb verb;
	char account[NICK_LEN + 1];     /* "" when not given */
	char password[PASSWORD_MAX + 1]; /* "" when not given */
	char fp[TLS_FP_HEX + 1];         /* lowercase hex; "" when not given */
	char topic[16];                  /* HELP's word, if any */
};

/* Parses text (the message to NickServ). On an error, out->verb says which verb, if known. */
enum ns_err ns_parse(const char *text, struct ns_cmd *out);
/* The usage line of a verb ("IDENTIFY [account] password"). */
const char *ns_usage(enum ns_verb v);

/*
 * "account:password" (PASS): false when there is no colon, an empty side, a name that
 * cannot be a nick or a password over PASSWORD_MAX.
 */
bool ns_pass_split(const char *arg, char *account, size_t acap, char *password, size_t pcap);

#endif
