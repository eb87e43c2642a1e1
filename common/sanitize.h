/*
 * sanitize: untrusted network text -> text that is safe to put on a terminal.
 * C0 controls and DEL become caret forms (ESC -> "^[", DEL -> "^?"), C1 controls
 * (U+0080..U+009F) become "<9b>" style hex, invisible format characters that reorder or
 * hide text (bidi overrides, isolates and marks, zero-width spaces, BOM) become "<U+202E>"
 * style names, and invalid UTF-8 becomes U+FFFD.
 * No escape sequence survives, so text can never move the cursor or retitle the window.
 */
#ifndef LANCHAT_SANITIZE_H
#define LANCHAT_SANITIZE_H

#include <stddef.h>

enum san_flags {
	SAN_DEFAULT = 0,
	SAN_STRIP_FORMAT = 1 << 0, /* drop mIRC formatting (bold, colour, italics, reset ...) */
	SAN_KEEP_TAB = 1 << 1,     /* keep TAB as TAB rather than "^I" */
	/*
	 * Every run of spaces, tabs and Unicode spaces becomes one space, so that padding
	 * cannot push text to where a wrapped terminal line starts and pass it off as a line.
	 */
	SAN_ONE_SPACE = 1 << 2
};

/*
 * Writes a NUL-terminated safe copy of src[0..len) into dst (cap bytes, cap >= 1).
 * Output is cut on a character boundary when it does not fit. Returns bytes written.
 */
size_t san_text(char *dst, size_t cap, const char *src, size_t len, int flags);

/*
 * Where to cut s[0..len) to at most max bytes without splitting a UTF-8 character:
 * len itself when it fits, else max or a little less.
 */
size_t san_utf8_cut(const char *s, size_t len, size_t max);

/* Length of a valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated. */
size_t san_utf8_len(const unsigned char *s, size_t avail);

#endif
