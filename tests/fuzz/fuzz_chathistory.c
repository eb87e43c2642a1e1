/*
 * libFuzzer target: arbitrary bytes as the parameters of a CHATHISTORY line, through the
 * IRC parser and the CHATHISTORY argument parser, and as a server-time stamp. Besides the
 * sanitizers, it checks the promises server/history.h and irc_parse_time make.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/limits.h"
#include "server/history.h"
#include "tests/fuzz/fuzz.h"

static void
check_ref(const struct hist_ref *r, bool time_only)
{
	char buf[32];
	int64_t back;

	switch (r->kind) {
	case HIST_REF_NONE:
		break;
	case HIST_REF_TIME:
		/* A parsed time prints and parses back to itself. */
		CHECK(r->ms >= 0);
		irc_format_time_ms(buf, sizeof buf, r->ms);
		CHECK(irc_parse_time(buf, &back) && back == r->ms);
		break;
	case HIST_REF_MSGID:
		CHECK(!time_only);
		CHECK(hist_msgid_valid(r->msgid));
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[IRC_LINE_MAX + 16];
	struct irc_msg msg;
	struct hist_query q;
	const char *bad;
	int64_t ms;

	if (size > IRC_LINE_BODY || memchr(data, '\0', size) != NULL)
		return 0;
	/* As a stamp on its own. */
	memcpy(line, data, size);
	line[size] = '\0';
	if (irc_parse_time(line, &ms)) {
		CHECK(ms >= 0);
		char buf[32];
		int64_t back;
		irc_format_time_ms(buf, sizeof buf, ms);
		CHECK(irc_parse_time(buf, &back) && back == ms);
	}
	/* As the parameters of a CHATHISTORY command. */
	memcpy(line, "CHATHISTORY ", 12);
	memcpy(line + 12, data, size);
	line[12 + size] = '\0';
	if (irc_parse(line, &msg) != IRC_PARSE_OK)
		return 0;
	enum hist_err e = hist_parse(msg.nparams, msg.params, &q, &bad);
	CHECK(hist_err_code(e) != NULL);
	if (e != HIST_OK) {
		/* The blamed argument is one of the given ones. */
		if (bad != NULL) {
			bool found = false;
			for (int i = 0; i < msg.nparams; i++)
				found |= bad == msg.params[i];
			CHECK(found);
		}
		return 0;
	}
	CHECK(q.limit >= 1);
	CHECK(q.limit <= (q.sub == HIST_TARGETS ? CHATHISTORY_TARGETS_MAX : CHATHISTORY_MAX));
	CHECK(hist_sub_name(q.sub) != NULL);
	if (q.sub == HIST_TARGETS) {
		CHECK(q.target == NULL);
		CHECK(q.a.kind == HIST_REF_TIME && q.b.kind == HIST_REF_TIME);
	} else {
		CHECK(irc_valid_channel(q.target) || irc_valid_nick(q.target));
		CHECK(q.a.kind != HIST_REF_NONE || q.sub == HIST_LATEST);
	}
	check_ref(&q.a, q.sub == HIST_TARGETS);
	check_ref(&q.b, q.sub == HIST_TARGETS);

	/* Ids handed out for clocks taken from the input only grow. */
	struct hist_idgen g;
	char prev[MSGID_LEN + 1] = "", id[MSGID_LEN + 1];
	hist_idgen_seed(&g, NULL);
	for (size_t i = 0; i < size && i < 64; i++) {
		hist_msgid_next(&g, (int64_t)data[i] << (i % 40), id);
		CHECK(hist_msgid_valid(id));
		CHECK(strcmp(id, prev) > 0);
		memcpy(prev, id, sizeof id);
	}
	return 0;
}
