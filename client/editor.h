/*
 * editor: the input line as a state machine fed one key at a time (no curses inside).
 * UTF-8 text with a byte cursor that always sits on a character boundary, Emacs-style
 * kills, history and Tab completion from a list the caller supplies.
 */
#ifndef LANCHAT_EDITOR_H
#define LANCHAT_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"

enum ed_key {
	ED_LEFT,
	ED_RIGHT,
	ED_HOME,       /* Home, Ctrl-A */
	ED_END,        /* End, Ctrl-E */
	ED_BACKSPACE,
	ED_DELETE,
	ED_KILL_END,   /* Ctrl-K */
	ED_KILL_START, /* Ctrl-U */
	ED_KILL_WORD,  /* Ctrl-W */
	ED_HIST_PREV,  /* Up */
	ED_HIST_NEXT,  /* Down */
	ED_ENTER
};

enum ed_result {
	ED_OK,      /* handled, line may have changed */
	ED_SUBMIT,  /* Enter: the line is ready in ed_text() */
	ED_REFUSED  /* nothing to do (start of line, full buffer ...) */
};

struct editor {
	char buf[INPUT_MAX + 1];
	size_t len;
	size_t cur;                  /* byte offset of the cursor */
	char *hist[HISTORY_MAX];     /* oldest first */
	int nhist;
	int hpos;                    /* browsing position, nhist = not browsing */
	char *draft;                 /* the line being typed before browsing started */
	/* Tab completion in progress: the word started at comp_start, typed as comp_prefix. */
	bool completing;
	size_t comp_start;
	char comp_prefix[64];
	size_t comp_idx;
};

void ed_init(struct editor *ed);
void ed_free(struct editor *ed);
enum ed_result ed_key(struct editor *ed, enum ed_key key);
/* Inserts a Unicode code point at the cursor. Control characters are refused. */
enum ed_result ed_insert(struct editor *ed, uint32_t cp);
const char *ed_text(const struct editor *ed);
void ed_clear(struct editor *ed);
/* Remembers a submitted line (consecutive duplicates and empty lines are skipped). */
void ed_history_add(struct editor *ed, const char *line);

/*
 * Completes the word before the cursor from cands (case-insensitively), cycling through
 * the matches on repeated calls. A word at the start of the line gets suffix appended
 * (": " after a nick). Candidates that are not valid UTF-8, or hold a control character
 * or a space, are never offered. Returns ED_REFUSED when nothing matches.
 */
enum ed_result ed_complete(struct editor *ed, const char *const *cands, size_t n,
    const char *start_suffix);
/* The word being completed (or that would be): the bytes before the cursor back to a space. */
size_t ed_word_start(const struct editor *ed);

/*
 * Horizontal scrolling: the first byte to draw so the cursor stays visible in width
 * columns, and the cursor's column from there.
 */
size_t ed_view(const struct editor *ed, int width, int *cursor_col);

#endif
