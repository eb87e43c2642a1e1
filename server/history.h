/*
 * history: the pure part of message history: message ids, and the CHATHISTORY command's
 * arguments parsed into a query. No I/O, no store: the caller runs the query (store.h) and
 * renders errors (hist_err_code) as FAIL lines.
 *
 * A msgid is MSGID_LEN lowercase hex digits of a 64-bit value: the server time in
 * milliseconds shifted left by HIST_SEQ_BITS, plus a sequence within that millisecond. Values
 * only grow (a clock that steps back keeps counting from the last value), so ids sort in the
 * order messages were stored, and seeding the generator with the last stored id keeps
 * them unique across restarts. The time in an id is where the store looks for its line.
 */
#ifndef LANCHAT_HISTORY_H
#define LANCHAT_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/limits.h"

enum { HIST_SEQ_BITS = 12 };

struct hist_idgen {
	uint64_t last; /* the last value handed out */
};

/* Starts the generator above the id max (the last one stored, or NULL when none). */
void hist_idgen_seed(struct hist_idgen *g, const char *max);
/* Writes the next id (MSGID_LEN digits and a NUL) into out for a message at now_ms. */
void hist_msgid_next(struct hist_idgen *g, int64_t now_ms, char out[MSGID_LEN + 1]);
/* Is s shaped like an id this server hands out? */
bool hist_msgid_valid(const char *s);
/* The time (ms) a valid id was handed out for; how the store finds the line. */
int64_t hist_msgid_time(const char *msgid);

enum hist_sub {
	HIST_LATEST,
	HIST_BEFORE,
	HIST_AFTER,
	HIST_AROUND,
	HIST_BETWEEN,
	HIST_TARGETS,
};

enum hist_ref_kind { HIST_REF_NONE, HIST_REF_TIME, HIST_REF_MSGID };

/* A message reference: "*", "timestamp=..." or "msgid=...". */
struct hist_ref {
	enum hist_ref_kind kind;
	int64_t ms;                /* HIST_REF_TIME */
	char msgid[MSGID_LEN + 1]; /* HIST_REF_MSGID */
};

struct hist_query {
	enum hist_sub sub;
	const char *target;   /* points into the arguments; NULL for TARGETS */
	struct hist_ref a, b; /* b only for BETWEEN and TARGETS */
	int limit;            /* 1 .. CHATHISTORY_MAX (or CHATHISTORY_TARGETS_MAX) */
};

enum hist_err {
	HIST_OK = 0,
	HIST_ERR_NEED_MORE_PARAMS, /* too few arguments */
	HIST_ERR_UNKNOWN_COMMAND,  /* not one of the six subcommands */
	HIST_ERR_INVALID_PARAMS,   /* a reference or limit that does not parse, or too many */
	HIST_ERR_INVALID_TARGET,   /* the target is not a channel or nick */
};

/*
 * Parses the parameters of "CHATHISTORY <sub> ..." (argv[0] is the subcommand). On error,
 * *bad (when not NULL) points at the offending argument, or is NULL when none is to blame.
 * A limit above the maximum is lowered to it, as the specification allows; 0 or junk is an
 * error. References are not looked up: a msgid that is well formed but unknown is the
 * store's business.
 */
enum hist_err hist_parse(int argc, char **argv, struct hist_query *q, const char **bad);
/* The FAIL code for an error ("NEED_MORE_PARAMS", ...). */
const char *hist_err_code(enum hist_err e);
const char *hist_sub_name(enum hist_sub s);

#endif
