/*
 * libFuzzer target: arbitrary bytes through the account parsers. The first byte picks one:
 * AUTHENTICATE chunks (one per line, fed to server/sasl.h, then decoded and, for PLAIN,
 * taken apart), a NickServ command line (server/nsparse.h), or PASS's account:password.
 * Besides the sanitizers, it checks the promises those headers make.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/limits.h"
#include "server/nsparse.h"
#include "server/sasl.h"
#include "tests/fuzz/fuzz.h"

enum { FUZZ_MAX = 4 * SASL_MSG_MAX };

static void
fuzz_chunks(const char *text, size_t len)
{
	static struct sasl s;
	char line[FUZZ_MAX + 1], out[SASL_MSG_MAX];
	const char *p = text, *end = text + len;
	enum sasl_feed r = SASL_MORE;

	sasl_start(&s, (len & 1) ? SASL_PLAIN : SASL_EXTERNAL);
	while (p < end && r == SASL_MORE) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		memcpy(line, p, n);
		line[n] = '\0';
		r = sasl_feed(&s, line);
		CHECK(s.len <= SASL_MSG_MAX && strlen(s.b64) == s.len);
		/* A chunk of exactly SASL_CHUNK_LEN good bytes asks for more, a shorter one ends. */
		if (r == SASL_MORE)
			CHECK(strlen(line) == SASL_CHUNK_LEN);
		p += n + (nl != NULL);
	}
	if (r != SASL_DONE)
		return;
	int got = sasl_decode(&s, out, sizeof out);
	CHECK(got >= -1 && got <= (int)(s.len / 4 * 3));
	if (got < 0)
		return;
	CHECK(out[got] == '\0');
	struct sasl_plain pl;
	if (sasl_plain_split(out, (size_t)got, &pl)) {
		CHECK(pl.authcid[0] != '\0' && pl.passwd[0] != '\0');
		CHECK(strlen(pl.authcid) <= NICK_LEN && strlen(pl.passwd) <= PASSWORD_MAX);
		CHECK(pl.authzid[0] == '\0' || irc_casecmp(pl.authzid, pl.authcid) == 0);
	}
}

static void
fuzz_nickserv(const char *text)
{
	struct ns_cmd cmd;
	enum ns_err e = ns_parse(text, &cmd);

	CHECK(ns_usage(cmd.verb) != NULL);
	if (e != NS_OK)
		return;
	CHECK(strlen(cmd.password) <= PASSWORD_MAX);
	CHECK(cmd.account[0] == '\0' || irc_valid_nick(cmd.account));
	if (cmd.fp[0] != '\0') {
		CHECK(strlen(cmd.fp) == TLS_FP_HEX);
		CHECK(strspn(cmd.fp, "0123456789abcdef") == TLS_FP_HEX);
	}
	if (cmd.verb == NS_IDENTIFY)
		CHECK(cmd.password[0] != '\0');
	if (cmd.verb == NS_CERT_DEL)
		CHECK(cmd.fp[0] != '\0');
}

static void
fuzz_pass(const char *text)
{
	char account[NICK_LEN + 1], pw[PASSWORD_MAX + 1];

	if (ns_pass_split(text, account, sizeof account, pw, sizeof pw)) {
		CHECK(irc_valid_nick(account) && pw[0] != '\0');
		CHECK(strlen(account) + 1 + strlen(pw) == strlen(text));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[FUZZ_MAX + 1];

	if (size < 1 || size - 1 > FUZZ_MAX)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		fuzz_chunks(text, size - 1);
		break;
	case 1:
		if (strlen(text) == size - 1)
			fuzz_nickserv(text);
		break;
	default:
		if (strlen(text) == size - 1)
			fuzz_pass(text);
		break;
	}
	return 0;
}
