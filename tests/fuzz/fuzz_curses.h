/*
 * Curses for fuzz targets: the real drawing code writes to /dev/null, at whatever terminal
 * size the input asks for. Included by the targets that draw; not a module of the programs.
 */
#ifndef LANCHAT_FUZZ_CURSES_H
#define LANCHAT_FUZZ_CURSES_H

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <curses.h>

/* Points stdin and stdout at /dev/null (libFuzzer reports on stderr) for initscr(). */
static inline void
fuzz_curses_quiet(void)
{
	int fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		abort();
	dup2(fd, 0);
	dup2(fd, 1);
	if (fd > 1)
		close(fd);
	setenv("TERM", "xterm-256color", 1);
}

/* A terminal size from two input bytes: 1..64 rows, 1..220 columns. */
static inline void
fuzz_curses_size(unsigned char r, unsigned char c)
{
	resizeterm(1 + r % 64, 1 + c % 220);
}

#endif
