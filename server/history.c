#include "server/history.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/ircmsg.h"

static uint64_t
msgid_value(const char *id)
{
	uint64_t v = 0;
	for (const char *p = id; *p; p++)
		v = v << 4 | (uint64_t)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
	return v;
}

void
hist_idgen_seed(struct hist_idgen *g, const char *max)
{
	g->last = max != NULL && hist_msgid_valid(max) ? msgid_value(max) : 0;
}

int64_t
hist_msgid_time(const char *msgid)
{
	return (int64_t)(msgid_value(msgid) >> HIST_SEQ_BITS);
}

void
hist_msgid_next(struct hist_idgen *g, int64_t now_ms, char out[MSGID_LEN + 1])
{
	uint64_t v = now_ms > 0 ? (uint64_t)now_ms << HIST_SEQ_BITS : 0;

	if (v <= g->last)
		v = g->last + 1;
	g->last = v;
	snprintf(out, MSGID_LEN + 1, "%016llx", (unsigned long long)v);
}

bool
hist_msgid_valid(const char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == MSGID_LEN;
}

static const char *const sub_names[] = {
	[HIST_LATEST] = "LATEST",
	[HIST_BEFORE] = "BEFORE",
	[HIST_AFTER] = "AFTER",
	[HIST_AROUND] = "AROUND",
	[HIST_BETWEEN] = "BETWEEN",
	[HIST_TARGETS] = "TARGETS",
};

const char *
hist_sub_name(enum hist_sub s)
{
	return sub_names[s];
}

const char *
hist_err_code(enum hist_err e)
{
	switch (e) {
	case HIST_OK:
		return "OK";
	case HIST_ERR_NEED_MORE_PARAMS:
		return "NEED_MORE_PARAMS";
	case HIST_ERR_UNKNOWN_COMMAND:
		return "UNKNOWN_COMMAND";
	case HIST_ERR_INVALID_PARAMS:
		return "INVALID_PARAMS";
	case HIST_ERR_INVALID_TARGET:
		return "INVALID_TARGET";
	}
	return "INVALID_PARAMS";
}

/* "*" (when star is allowed), "timestamp=..." or "msgid=...". */
static bool
parse_ref(const char *s, bool star, bool msgid_ok, struct hist_ref *r)
{
	memset(r, 0, sizeof *r);
	if (star && strcmp(s, "*") == 0) {
		r->kind = HIST_REF_NONE;
		return true;
	}
	if (strncmp(s, "timestamp=", 10) == 0) {
		r->kind = HIST_REF_TIME;
		return irc_parse_time(s + 10, &r->ms);
	}
	if (msgid_ok && strncmp(s, "msgid=", 6) == 0 && hist_msgid_valid(s + 6)) {
		r->kind = HIST_REF_MSGID;
		memcpy(r->msgid, s + 6, MSGID_LEN + 1);
		return true;
	}
	return false;
}

/* A positive decimal count; above max it is lowered to max. */
static bool
parse_limit(const char *s, int max, int *out)
{
	long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 9 || strspn(s, "0123456789") != n)
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	if (v == 0)
		return false;
	*out = v > max ? max : (int)v;
	return true;
}

enum hist_err
hist_parse(int argc, char **argv, struct hist_query *q, const char **bad)
{
	int need, i = 1;
	const char *dummy;

	if (bad == NULL)
		bad = &dummy;
	*bad = NULL;
	memset(q, 0, sizeof *q);
	if (argc < 1)
		return HIST_ERR_NEED_MORE_PARAMS;
	size_t nsubs = sizeof sub_names / sizeof sub_names[0];
	size_t s = 0;
	while (s < nsubs && strcasecmp(argv[0], sub_names[s]) != 0)
		s++;
	if (s == nsubs) {
		*bad = argv[0];
		return HIST_ERR_UNKNOWN_COMMAND;
	}
	q->sub = (enum hist_sub)s;
	need = q->sub == HIST_BETWEEN ? 5 : 4;
	if (argc < need)
		return HIST_ERR_NEED_MORE_PARAMS;
	if (argc > need) {
		*bad = argv[need];
		return HIST_ERR_INVALID_PARAMS;
	}
	if (q->sub != HIST_TARGETS) {
		q->target = argv[i++];
		if (!irc_valid_channel(q->target) && !irc_valid_nick(q->target)) {
			*bad = q->target;
			return HIST_ERR_INVALID_TARGET;
		}
	}
	bool time_only = q->sub == HIST_TARGETS;
	if (!parse_ref(argv[i], q->sub == HIST_LATEST, !time_only, &q->a)) {
		*bad = argv[i];
		return HIST_ERR_INVALID_PARAMS;
	}
	i++;
	if (q->sub == HIST_BETWEEN || q->sub == HIST_TARGETS) {
		if (!parse_ref(argv[i], false, !time_only, &q->b)) {
			*bad = argv[i];
			return HIST_ERR_INVALID_PARAMS;
		}
		i++;
	}
	int max = q->sub == HIST_TARGETS ? CHATHISTORY_TARGETS_MAX : CHATHISTORY_MAX;
	if (!parse_limit(argv[i], max, &q->limit)) {
		*bad = argv[i];
		return HIST_ERR_INVALID_PARAMS;
	}
	return HIST_OK;
}
