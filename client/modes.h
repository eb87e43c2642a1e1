/*
 * modes: channel modes as the client reads them. What a server supports comes from its
 * ISUPPORT tokens (PREFIX, CHANMODES, MODES), with RFC 2811 defaults until then; a MODE
 * line is split into single changes (which take a parameter depends on those tokens), and
 * each change, and each refusal a server sends when joining or changing a channel
 * (471-477, 482), is put as a sentence a person reads, saying what happened or what to do.
 * Pure: no I/O, no session; every string from the network is only copied or quoted.
 */
#ifndef LANCHAT_CLIENT_MODES_H
#define LANCHAT_CLIENT_MODES_H

#include <stdbool.h>
#include <stddef.h>

enum {
	MODES_PREFIX_MAX = 8, /* status modes (PREFIX=(qaohv)~&@%+) kept */
	MODES_SET_LEN = 32,   /* letters kept per CHANMODES class */
	MODES_CHANGES_MAX = 32, /* changes read from one MODE line */
	MODES_PER_LINE_DEFAULT = 3, /* MODES= when the server does not say (RFC 2812) */
	MODES_PER_LINE_MAX = 20,
};

struct modes_info {
	char status_modes[MODES_PREFIX_MAX + 1]; /* "ov": modes that give a member a prefix */
	char status_chars[MODES_PREFIX_MAX + 1]; /* "@+": the prefixes, in the same order */
	char list[MODES_SET_LEN + 1];   /* CHANMODES A: lists (b e I), always a parameter */
	char always[MODES_SET_LEN + 1]; /* B: a parameter both ways (k) */
	char on_set[MODES_SET_LEN + 1]; /* C: a parameter when set (l) */
	int per_line;                   /* MODES=: changes with a parameter per MODE line */
};

struct modes_change {
	bool plus;
	char mode;
	const char *arg; /* NULL when the mode takes none (or the line lacked it) */
	char status;     /* the member prefix ('@', '+') when mode is a status mode, else 0 */
};

void modes_info_default(struct modes_info *mi);
/* Takes one ISUPPORT token ("PREFIX=(ov)@+", "CHANMODES=beI,k,l,imnst", "MODES=4"); others
 * are ignored, as are malformed ones. */
void modes_info_token(struct modes_info *mi, const char *token);
/* The prefix of status mode letter m ('o' -> '@'), or 0. */
char modes_status_char(const struct modes_info *mi, char m);

/*
 * Splits "+ov-k" with its arguments into changes (at most cap). A change whose parameter
 * is missing is kept with arg NULL. Returns how many.
 */
int modes_split(const struct modes_info *mi, const char *modestr, const char *const *args,
    int nargs, struct modes_change *out, int cap);

/* One change as a sentence: "alice gave bob channel operator status". who is the actor. */
void modes_sentence(
    const struct modes_change *ch, const char *who, const char *chan, char *buf, size_t cap);

/*
 * A refusal about a channel (471-477, 482) as a sentence that says what to do; false when
 * num is none of them. chan is the channel (or mode letter, for 472), text the server's.
 */
bool modes_refusal(int num, const char *chan, const char *text, char *buf, size_t cap);

#endif
