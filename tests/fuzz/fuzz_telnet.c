/*
 * libFuzzer target: arbitrary bytes, in reads of varied size, through the telnet filter and
 * into the line framer in its splitting mode, as a plain connection's input goes. Checks
 * the promises of both headers besides what the sanitizers catch.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/linebuf.h"
#include "common/telnet.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linebuf lb;
	struct telnet t = { 0 };
	size_t off = 0, step;
	unsigned rounds = 0;

	/* The first byte picks how the stream is chunked, as reads from a socket would. */
	step = size > 0 ? (size_t)(data[0] % 64) + 1 : 1;
	lb_init(&lb);
	lb.split = true;
	while (off < size) {
		char reply[TELNET_REPLY_PER_BYTE * IRC_LINE_MAX], *line;
		size_t avail, rlen, len;
		char *p = lb_space(&lb, &avail);
		size_t keep = lb_pending(&lb), want = size - off < step ? size - off : step;

		if (want > avail)
			want = avail;
		memcpy(p, data + off, want);
		off += want;
		lb_commit(&lb, want);
		char *base = p - keep; /* lb_space left the pending bytes just before p */
		size_t total = telnet_filter(&t, base, keep, keep + want, reply, sizeof reply, &rlen);
		CHECK(total <= keep + want);
		CHECK(rlen % 3 == 0 && rlen <= TELNET_REPLY_PER_BYTE * want);
		for (size_t i = 0; i < rlen; i += 3)
			CHECK((uint8_t)reply[i] == 0xff &&
			    ((uint8_t)reply[i + 1] == 0xfc || (uint8_t)reply[i + 1] == 0xfe));
		/* Backspaces never survive the filter. */
		for (size_t i = keep < total ? keep : total; i < total; i++)
			CHECK(base[i] != 0x08 && base[i] != 0x7f);
		lb_truncate(&lb, total);
		CHECK(lb_pending(&lb) == total);
		while (lb_next(&lb, &line, &len) == LB_LINE) {
			CHECK(len > 0 && len <= IRC_LINE_BODY && strlen(line) == len);
		}
		CHECK(++rounds <= 4 * size + 4);
	}
	return 0;
}
