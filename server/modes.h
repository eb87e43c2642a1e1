/*
 * modes: channel mode strings without I/O. Parses "MODE #chan +ov-k bob carol key" into
 * the changes asked for, masks for the b/e/I lists (normalised and matched with * and ?),
 * the canonical line relayed for the changes that were applied, and the sentence a plain
 * text user reads for it. Knows which letters exist and which take a parameter; the
 * channel's state and who may change it are channel.c's and actions.c's.
 */
#ifndef LANCHAT_MODES_H
#define LANCHAT_MODES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

/* Channel flags without a parameter, as bits of struct channel's modes. */
enum mode_flag {
	MODE_FLAG_INVITE = 1 << 0,    /* i: join by INVITE (or an I exception) only */
	MODE_FLAG_MODERATED = 1 << 1, /* m: only voiced members and operators speak */
	MODE_FLAG_NO_OUTSIDE = 1 << 2, /* n: no messages from non-members */
	MODE_FLAG_SECRET = 1 << 3,    /* s: hidden from LIST, WHOIS and NAMES of outsiders */
	MODE_FLAG_TOPIC_LOCK = 1 << 4, /* t: only operators set the topic */
};
/* What a new channel starts with: +nt. */
enum { MODE_DEFAULTS = MODE_FLAG_NO_OUTSIDE | MODE_FLAG_TOPIC_LOCK };

/* How a letter behaves: a list (b e I), a key, a limit, a member status (o v), a flag. */
enum mode_class {
	MODE_CLASS_NONE = 0, /* not a channel mode here */
	MODE_CLASS_LIST,
	MODE_CLASS_KEY,
	MODE_CLASS_LIMIT,
	MODE_CLASS_MEMBER,
	MODE_CLASS_FLAG,
};

/* ISUPPORT's CHANMODES= and the channel modes of 004: exactly the letters below. */
#define MODE_CHANMODES "beI,k,l,imnst"
#define MODE_LETTERS "beIiklmnostv"

enum mode_class mode_class_of(char letter);
/* The enum mode_flag bit of a flag letter, 0 for any other. */
unsigned mode_flag_bit(char letter);
/* "+nt" and the like for flags (no parameters); "+" when none. */
void mode_flags_str(unsigned flags, char *buf, size_t cap);
/* The flags of a string like "+nt" (other letters ignored). */
unsigned mode_flags_parse(const char *s);

enum {
	MODE_CHANGES_MAX = 32, /* changes kept from one MODE line; the rest are dropped */
	MODE_UNKNOWN_MAX = 8,  /* unknown letters reported (472) from one line */
};

struct mode_change {
	char letter;
	bool plus;
	const char *arg; /* the parameter (points into the caller's args), or NULL */
};

struct mode_req {
	struct mode_change v[MODE_CHANGES_MAX];
	int n;
	char lists[4]; /* list letters asked for without a mask ("MODE #c b"), each once */
	int nlists;
	char unknown[MODE_UNKNOWN_MAX + 1]; /* letters that are no mode here, each once */
	char missing[MODE_UNKNOWN_MAX + 1]; /* letters that needed a parameter and had none */
};

/*
 * Parses a mode string and its parameters. Letters that take a parameter take the next
 * one; at most CHAN_MODES_PER_LINE of those are kept (ISUPPORT MODES=), later ones are
 * dropped with their parameters. A list letter without a parameter asks for the list; -k
 * takes a parameter when one is left and needs none; -l takes none.
 */
void mode_parse(const char *modes, int nargs, const char *const *args, struct mode_req *out);

/*
 * A ban-like mask in its full form: "bob" -> "bob!*@*", "bob!u" -> "bob!u@*",
 * "u@h" -> "*!u@h". False (out untouched) when it is empty, has a space or a control
 * character, starts with ':' or is longer than CHAN_MASK_LEN.
 */
bool mode_mask_normal(const char *in, char *out, size_t cap);
/* Does the glob mask (* any run, ? one character) match s, ignoring ASCII case? */
bool mode_mask_match(const char *mask, const char *s);

/* "+ov-k bob carol key": the changes as one MODE parameter string. Returns its length. */
size_t mode_join(const struct mode_change *v, int n, char *buf, size_t cap);

/*
 * A relayed mode string ("+o-t bob") as what plain text users read after the setter's
 * name: "gave channel operator status to bob, removed the topic lock on #lan".
 */
void mode_describe(const char *text, const char *channel, char *buf, size_t cap);

#endif
