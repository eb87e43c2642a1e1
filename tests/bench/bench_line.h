/*
 * bench_line: the little parsing lanchat-bench does on every received line, kept cheap
 * because it runs millions of times a second.
 */
#ifndef LANCHAT_BENCH_LINE_H
#define LANCHAT_BENCH_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One unsigned decimal after optional spaces; *pp moves past it. */
uint64_t bl_decimal(const char **pp);
/* The command of a line, after an optional ":source " (*src, *srclen: the source or NULL). */
const char *bl_command(const char *line, const char **src, size_t *srclen);
/* Is the source nick or nick!user@host? */
bool bl_source_is(const char *src, size_t srclen, const char *nick);

#endif
