/*
 * chanmodes: channel modes as the client reads them. What a server supports comes from its
 * ISUPPORT tokens (PREFIX, CHANMODES, MODES), with RFC 2811 defaults until then; a MODE
 * line is split into single changes (which take a parameter depends on those tokens), and
 * each change, and each refusal a server sends when joining or changing a channel
 * (471-477, 482), is put as a sentence a person reads, saying what happened or what to do.
 * Pure: no I/O, no session; every string from the network is only copied or quoted.
 */
#ifndef LANCHAT_CLIENT_CHANMODES_H
#define LANCHAT_CLIENT_CHANMODES_H

#include <stdbool.h>
#include <stddef.h>

enum {
	CHM_PREFIX_MAX = 8, /* status modes (PREFIX=(qaohv)~&@%+) kept */
	CHM_SET_LEN = 32,   /* letters kept per CHANMODES class */
	CHM_CHANGES_MAX = 32, /* changes read from one MODE line */
	CHM_PER_LINE_DEFAULT = 3, /* MODES= when the server does not say (RFC 2812) */
	CHM_PER_LINE_MAX = 20,
};

struct chm_info {
	char status_modes[CHM_PREFIX_MAX + 1]; /* "ov": modes that give a member a prefix */
	char status_chars[CHM_PREFIX_MAX + 1]; /* "@+": the prefixes, in the same order */
	char list[CHM_SET_LEN + 1];   /* CHANMODES A: lists (b e I), always a parameter */
	char always[CHM_SET_LEN + 1]; /* B: a parameter both ways (k) */
	char on_set[CHM_SET_LEN + 1]; /* C: a parameter when set (l) */
	int per_line;                   /* MODES=: changes with a parameter per MODE line */
};

struct chm_change {
	bool plus;
	char mode;
	const char *arg; /* NULL when the mode takes none (or the line lacked it) */
	char status;     /* the member prefix ('@', '+') when mode is a status mode, else 0 */
};

void chm_info_default(struct chm_info *mi);
/* Takes one ISUPPORT token ("PREFIX=(ov)@+", "CHANMODES=beI,k,l,imnst", "MODES=4"); others
 * are ignored, as are malformed ones. */
void chm_info_token(struct chm_info *mi, const char *token);
/* The prefix of status mode letter m ('o' -> '@'), or 0. */
char chm_status_char(const struct chm_info *mi, char m);

/*
 * Splits "+ov-k" with its arguments into changes (at most cap). A change whose parameter
 * is missing is kept with arg NULL. Returns how many.
 */
int chm_split(const struct chm_info *mi, const char *modestr, const char *const *args,
    int nargs, struct chm_change *out, int cap);

/* One change as a sentence: "alice gave bob channel operator status". who is the actor. */
void chm_sentence(
    const struct chm_change *ch, const char *who, const char *chan, char *buf, size_t cap);

/*
 * A refusal about a channel (471-477, 482) as a sentence that says what to do; false when
 * num is none of them. chan is the channel (or mode letter, for 472), text the server's.
 */
bool chm_refusal(int num, const char *chan, const char *text, char *buf, size_t cap);

#endif
