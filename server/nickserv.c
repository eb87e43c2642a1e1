#include "server/nickserv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/util.h"
#include "server/accounts.h"
#include "server/actions.h"
#include "server/conn.h"
#include "server/nsparse.h"

static const char *const help[] = {
	"NickServ keeps your nick yours. Commands:",
	"REGISTER [password]          register your current nick (over TLS, your client",
	"                             certificate logs you in; a password works anywhere)",
	"IDENTIFY [account] password  log in",
	"CERT ADD [fingerprint]       let a certificate (yours by default) log you in",
	"CERT DEL fingerprint         no longer",
	"CERT LIST                    the certificates of your account",
	"INFO [account]               about an account",
	"SET PASSWORD password        a new password for your account",
	"DROP account                 delete your account (name it again to confirm)",
	"Passwords travel only over TLS or from the server's own host.",
};

bool
nickserv_is(const char *name)
{
	return irc_casecmp(name, NICKSERV_NICK) == 0;
}

static void
say(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct conn *c, const char *fmt, ...)
{
	char buf[IRC_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	conn_notice_from(c, NICKSERV_NICK, "%s", buf);
}

static void
result(struct conn *c, enum acct_result r)
{
	say(c, "%s", acct_result_text(r));
}

static void
list_cert(const char *fp, void *arg)
{
	say(arg, "  SHA256:%s", fp);
}

static void
info(struct conn *c, const char *name)
{
	int64_t created, seen;
	bool pw;
	int certs;
	char when[32], last[32];
	struct tm tm;
	time_t t;

	if (name[0] == '\0')
		name = c->account[0] ? c->account : c->nick;
	int r = acct_info(name, &created, &seen, &pw, &certs);
	if (r <= 0) {
		say(c, r < 0 ? "%s" : "%s is not registered.",
		    r < 0 ? acct_result_text(ACCT_STORE_ERROR) : name);
		return;
	}
	t = (time_t)(created / 1000);
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	t = (time_t)(seen / 1000);
	localtime_r(&t, &tm);
	strftime(last, sizeof last, "%Y-%m-%d %H:%M", &tm);
	say(c, "%s: registered %s, last seen %s, %s, %d certificate%s.", name, when,
	    seen > 0 ? last : "never", pw ? "with a password" : "no password", certs,
	    certs == 1 ? "" : "s");
}

void
nickserv_line(struct conn *c, const char *text)
{
	struct ns_cmd cmd;
	enum ns_err e = ns_parse(text, &cmd);
	enum acct_result r;
	char name[NICK_LEN + 1];

	switch (e) {
	case NS_OK:
		break;
	case NS_EMPTY:
	case NS_UNKNOWN:
		say(c, "Unknown command; HELP lists them.");
		return;
	case NS_BAD_FP:
		say(c, "A fingerprint is 64 hex digits (SHA-256), colons allowed.");
		return;
	case NS_BAD_ACCOUNT:
		result(c, ACCT_BAD_NAME);
		return;
	case NS_TOO_LONG:
		say(c, "That password is too long (at most %d bytes).", PASSWORD_MAX);
		return;
	case NS_USAGE:
		say(c, "Usage: %s", ns_usage(cmd.verb));
		return;
	}
	switch (cmd.verb) {
	case NS_HELP:
		for (size_t i = 0; i < sizeof help / sizeof help[0]; i++)
			say(c, "%s", help[i]);
		break;
	case NS_REGISTER:
		r = acct_register(c, NULL, cmd.password);
		if (r != ACCT_OK) {
			result(c, r);
			break;
		}
		say(c, "%s is registered to you%s.", c->account,
		    c->tp.peer_fp ? ", and your certificate logs you in" : "");
		act_login(c, c->account, "NickServ REGISTER");
		break;
	case NS_IDENTIFY:
		if (c->account[0] != '\0') {
			result(c, ACCT_ALREADY_LOGGED_IN);
			break;
		}
		r = acct_check_password(c, cmd.account[0] ? cmd.account : c->nick, cmd.password,
		    name, sizeof name);
		if (r != ACCT_OK)
			result(c, r);
		else
			act_login(c, name, "NickServ");
		break;
	case NS_CERT_ADD:
		r = acct_cert_add(c, cmd.fp[0] ? cmd.fp : NULL);
		if (r == ACCT_OK)
			say(c, "Certificate SHA256:%s now logs you in as %s.",
			    cmd.fp[0] ? cmd.fp : c->tp.peer_fp, c->account);
		else
			result(c, r);
		break;
	case NS_CERT_DEL:
		r = acct_cert_del(c, cmd.fp);
		result(c, r);
		break;
	case NS_CERT_LIST:
		say(c, "Certificates of %s:", c->account[0] ? c->account : "(none)");
		r = acct_cert_list(c, list_cert, c);
		if (r != ACCT_OK)
			result(c, r);
		break;
	case NS_INFO:
		info(c, cmd.account);
		break;
	case NS_SET_PASSWORD:
		r = acct_set_password(c, cmd.password);
		if (r == ACCT_OK)
			say(c, "The password of %s is set.", c->account);
		else
			result(c, r);
		break;
	case NS_DROP:
		r = acct_drop(c, cmd.account);
		if (r == ACCT_OK)
			say(c, "Account %s is dropped.", cmd.account);
		else
			result(c, r);
		break;
	}
	explicit_bzero(cmd.password, sizeof cmd.password);
}
