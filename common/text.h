/*
 * text: measuring and cutting UTF-8 text for display and for the wire, one set of rules for
 * every module: decode a character, its width in columns (wcwidth, as the locale says),
 * the width of a string, how much of it fits in N columns, and where to split a long text
 * into pieces at a space. Pure: no I/O, no allocation. Cutting at a byte limit without
 * splitting a character is san_utf8_cut (sanitize.h), which this module uses.
 */
#ifndef LANCHAT_TEXT_H
#define LANCHAT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the character at s (avail bytes): returns its length (1..4) and sets *cp, or
 * returns 0 with *cp = U+FFFD when the bytes are no valid UTF-8 character.
 */
size_t text_decode(const char *s, size_t avail, unsigned *cp);

/*
 * Columns the character at s takes (its length, at least 1, in *adv); -1 when it cannot be
 * measured (invalid UTF-8, or wcwidth does not know it).
 */
int text_char_width(const char *s, size_t avail, size_t *adv);

/* Columns of s[0..len); characters that cannot be measured count as one. */
int text_width(const char *s, size_t len);

/* Bytes of the longest start of s[0..len) made of whole characters within cols columns. */
size_t text_fit(const char *s, size_t len, int cols);

/* s[0..len) without a last character that a cut left incomplete. */
size_t text_whole(const char *s, size_t len);

/*
 * Where to end the first piece of s[0..len) when pieces may be at most max bytes: len when
 * it all fits; else the last space after byte floor and at most max (the space starts the
 * next piece), or, with none there, max backed up to a character boundary.
 */
size_t text_split(const char *s, size_t len, size_t max, size_t floor);

/* A byte count in at most five characters, never rounded up: 512B, 1.5K, 12M, 3.0G. */
void text_fmt_bytes(char *buf, size_t cap, uint64_t n);

#endif
