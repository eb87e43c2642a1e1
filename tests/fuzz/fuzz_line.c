/*
 * libFuzzer target: arbitrary bytes through the line framer, then every line through the
 * IRC parser and the sanitiser, the path every byte from a client takes, and through the
 * redaction a traced line gets. Besides the
 * sanitizers, it checks the promises the modules' headers make and aborts if one breaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/limits.h"
#include "common/linebuf.h"
#include "common/redact.h"
#include "common/sanitize.h"
#include "tests/fuzz/fuzz.h"

/* Sanitised text must never contain a byte a terminal would act on. */
static void
check_inert(const char *s, size_t n, int flags)
{
	const unsigned char *p = (const unsigned char *)s;

	CHECK(strlen(s) == n);
	for (size_t i = 0; i < n;) {
		size_t k = san_utf8_len(p + i, n - i);
		CHECK(k != 0);
		if (p[i] < 0x20)
			CHECK(p[i] == '\t' && (flags & SAN_KEEP_TAB));
		CHECK(p[i] != 0x7f);
		CHECK(!(k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0));
		i += k;
	}
}

static void
sanitise(const char *s, size_t n, int flags)
{
	char out[IRC_LINE_MAX * 4 + 1];
	char small[17];
	size_t o;

	o = san_text(out, sizeof out, s, n, flags);
	CHECK(o < sizeof out);
	check_inert(out, o, flags);
	/* A small buffer exercises truncation on a character boundary. */
	o = san_text(small, sizeof small, s, n, flags);
	CHECK(o < sizeof small);
	check_inert(small, o, flags);
	CHECK(memcmp(small, out, o) == 0);
}

/* A redacted line is the line up to its cut, then the mark if there is a cut; never longer. */
static void
redact(const char *line, size_t len)
{
	char out[IRC_LINE_MAX + 8], small[9];
	size_t cut = redact_cut(line, len), n = redact_line(line, len, out, sizeof out);

	CHECK(cut <= len && memcmp(out, line, cut) == 0);
	if (cut == len)
		CHECK(n == len);
	else
		CHECK(n == cut + strlen(REDACT_MARK) && strcmp(out + cut, REDACT_MARK) == 0);
	n = redact_line(line, len, small, sizeof small);
	CHECK(n < sizeof small && strlen(small) == n && memcmp(small, out, n) == 0);
}

static void
handle_line(const char *line, size_t len)
{
	char copy[IRC_LINE_MAX + 1];
	struct irc_msg msg;

	CHECK(len > 0 && len <= IRC_LINE_BODY);
	CHECK(memchr(line, '\r', len) == NULL && memchr(line, '\n', len) == NULL);
	redact(line, len);
	sanitise(line, len, SAN_DEFAULT);
	sanitise(line, len, SAN_STRIP_FORMAT | SAN_KEEP_TAB);

	memcpy(copy, line, len);
	copy[len] = '\0';
	if (irc_parse(copy, &msg) != IRC_PARSE_OK)
		return;
	CHECK(msg.command != NULL && msg.command[0] != '\0');
	CHECK(msg.nparams >= 0 && msg.nparams <= IRC_PARAMS_MAX);
	if (msg.tags != NULL)
		sanitise(msg.tags, strlen(msg.tags), SAN_DEFAULT);
	if (msg.source != NULL) {
		char nick[NICK_LEN + 1];
		irc_source_nick(msg.source, nick, sizeof nick);
		(void)irc_valid_nick(nick);
	}
	for (int i = 0; i < msg.nparams; i++) {
		CHECK(msg.params[i] >= copy && msg.params[i] <= copy + len);
		sanitise(msg.params[i], strlen(msg.params[i]), SAN_STRIP_FORMAT);
		(void)irc_valid_channel(msg.params[i]);
		(void)irc_is_action(msg.params[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linebuf lb;
	size_t off = 0, step, rounds = 0;

	/* The first byte picks how the stream is chunked, as reads from a socket would. */
	step = size > 0 ? (size_t)(data[0] % 64) + 1 : 1;
	lb_init(&lb);
	while (off < size) {
		size_t want = size - off < step ? size - off : step;
		size_t took = lb_feed(&lb, (const char *)data + off, want);
		enum lb_result r;
		char *line;
		size_t len;

		off += took;
		while ((r = lb_next(&lb, &line, &len)) != LB_NONE) {
			if (r == LB_LINE)
				handle_line(line, len);
		}
		/* After draining, the framer must always accept more bytes. */
		if (took == 0) {
			size_t avail;
			lb_space(&lb, &avail);
			CHECK(avail > 0);
		}
		CHECK(++rounds <= 2 * size + 2);
	}
	return 0;
}
