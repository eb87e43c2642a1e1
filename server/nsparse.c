#include "server/nsparse.h"

#include <string.h>
#include <strings.h>

#include "common/ircmsg.h"
#include "common/tlskey.h"
#include "common/util.h"

enum { WORD_MAX = PASSWORD_MAX + 2 }; /* a word one byte too long is still seen as such */

struct words {
	int n;
	bool too_long; /* some word did not fit */
	char w[NICKSERV_ARGS_MAX + 1][WORD_MAX];
};

/* Splits at spaces into at most NICKSERV_ARGS_MAX + 1 words (the +1 shows "too many"). */
static void
split(const char *s, struct words *ws)
{
	ws->n = 0;
	ws->too_long = false;
	while (ws->n < NICKSERV_ARGS_MAX + 1) {
		s += strspn(s, " ");
		if (*s == '\0')
			break;
		size_t n = strcspn(s, " ");
		if (n >= WORD_MAX) {
			ws->too_long = true;
			n = WORD_MAX - 1;
		}
		memcpy(ws->w[ws->n], s, n);
		ws->w[ws->n][n] = '\0';
		ws->n++;
		s += strcspn(s, " ");
	}
}

static const struct {
	const char *name;
	enum ns_verb verb;
	const char *usage;
} verbs[] = {
	{ "HELP", NS_HELP, "HELP [command]" },
	{ "REGISTER", NS_REGISTER, "REGISTER [password]" },
	{ "IDENTIFY", NS_IDENTIFY, "IDENTIFY [account] password" },
	{ "LOGIN", NS_IDENTIFY, "IDENTIFY [account] password" },
	{ "CERT", NS_CERT_ADD, "CERT ADD [fingerprint] | CERT DEL fingerprint | CERT LIST" },
	{ "INFO", NS_INFO, "INFO [account]" },
	{ "DROP", NS_DROP, "DROP account" },
	{ "SET", NS_SET_PASSWORD, "SET PASSWORD password" },
};
enum { NVERBS = sizeof verbs / sizeof verbs[0] };

const char *
ns_usage(enum ns_verb v)
{
	if (v == NS_CERT_DEL || v == NS_CERT_LIST)
		v = NS_CERT_ADD;
	for (int i = 0; i < NVERBS; i++)
		if (verbs[i].verb == v)
			return verbs[i].usage;
	return "HELP";
}

/* "SHA256:", colons and case are all accepted; the result is 64 lowercase hex digits. */
static bool
parse_fp(const char *s, char *fp)
{
	char hex[TLS_FP_HEX + 1];
	size_t n = 0;

	if (strncasecmp(s, "SHA256:", 7) == 0)
		s += 7;
	for (; *s != '\0'; s++) {
		if (*s == ':')
			continue;
		if (n == TLS_FP_HEX)
			return false;
		hex[n++] = *s;
	}
	hex[n] = '\0';
	return tlskey_parse_fp(hex, fp);
}

static enum ns_err
set_account(struct ns_cmd *out, const char *name)
{
	if (strlen(name) > NICK_LEN || !irc_valid_nick(name))
		return NS_BAD_ACCOUNT;
	str_copy(out->account, name, sizeof out->account);
	return NS_OK;
}

static enum ns_err
set_password(struct ns_cmd *out, const char *pw)
{
	if (strlen(pw) > PASSWORD_MAX)
		return NS_TOO_LONG;
	str_copy(out->password, pw, sizeof out->password);
	return NS_OK;
}

enum ns_err
ns_parse(const char *text, struct ns_cmd *out)
{
	struct words ws;
	int i, nargs;

	memset(out, 0, sizeof *out);
	split(text, &ws);
	if (ws.n == 0)
		return NS_EMPTY;
	for (i = 0; i < NVERBS; i++)
		if (strcasecmp(ws.w[0], verbs[i].name) == 0)
			break;
	if (i == NVERBS)
		return NS_UNKNOWN;
	out->verb = verbs[i].verb;
	nargs = ws.n - 1;
	if (ws.too_long)
		return out->verb == NS_REGISTER || out->verb == NS_IDENTIFY ||
		        out->verb == NS_SET_PASSWORD
		    ? NS_TOO_LONG
		    : NS_USAGE;
	switch (out->verb) {
	case NS_HELP:
		if (nargs > 1)
			return NS_USAGE;
		if (nargs == 1)
			str_copy(out->topic, ws.w[1], sizeof out->topic);
		return NS_OK;
	case NS_REGISTER:
		/* Some clients send "REGISTER password email": the e-mail is not used. */
		if (nargs > 2)
			return NS_USAGE;
		return nargs >= 1 ? set_password(out, ws.w[1]) : NS_OK;
	case NS_IDENTIFY:
		if (nargs == 1)
			return set_password(out, ws.w[1]);
		if (nargs != 2)
			return NS_USAGE;
		if (set_account(out, ws.w[1]) != NS_OK)
			return NS_BAD_ACCOUNT;
		return set_password(out, ws.w[2]);
	case NS_CERT_ADD:
		if (nargs < 1 || nargs > 2)
			return NS_USAGE;
		if (strcasecmp(ws.w[1], "LIST") == 0) {
			out->verb = NS_CERT_LIST;
			return nargs == 1 ? NS_OK : NS_USAGE;
		}
		if (strcasecmp(ws.w[1], "DEL") == 0)
			out->verb = NS_CERT_DEL;
		else if (strcasecmp(ws.w[1], "ADD") != 0)
			return NS_USAGE;
		if (nargs == 1)
			return out->verb == NS_CERT_DEL ? NS_USAGE : NS_OK;
		return parse_fp(ws.w[2], out->fp) ? NS_OK : NS_BAD_FP;
	case NS_INFO:
		if (nargs > 1)
			return NS_USAGE;
		return nargs == 1 ? set_account(out, ws.w[1]) : NS_OK;
	case NS_DROP:
		if (nargs != 1)
			return NS_USAGE;
		return set_account(out, ws.w[1]);
	case NS_SET_PASSWORD:
		if (nargs != 2 || strcasecmp(ws.w[1], "PASSWORD") != 0)
			return NS_USAGE;
		return set_password(out, ws.w[2]);
	default:
		return NS_UNKNOWN;
	}
}

bool
ns_pass_split(const char *arg, char *account, size_t acap, char *password, size_t pcap)
{
	const char *colon = strchr(arg, ':');
	size_t n;

	if (colon == NULL)
		return false;
	n = (size_t)(colon - arg);
	if (n == 0 || n > NICK_LEN || n >= acap || colon[1] == '\0' ||
	    strlen(colon + 1) > PASSWORD_MAX || strlen(colon + 1) >= pcap)
		return false;
	memcpy(account, arg, n);
	account[n] = '\0';
	if (!irc_valid_nick(account))
		return false;
	str_copy(password, colon + 1, pcap);
	return true;
}
