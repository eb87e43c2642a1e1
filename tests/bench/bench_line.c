#include "tests/bench/bench_line.h"

#include <string.h>

/* strtoul's locale and errno handling made the generator, not the server, set the pace. */
uint64_t
bl_decimal(const char **pp)
{
	const char *p = *pp;
	uint64_t v = 0;

	while (*p == ' ')
		p++;
	while ((unsigned char)(*p - '0') < 10)
		v = v * 10 + (uint64_t)(*p++ - '0');
	*pp = p;
	return v;
}

const char *
bl_command(const char *line, const char **src, size_t *srclen)
{
	const char *sp;

	*src = NULL;
	*srclen = 0;
	if (line[0] != ':')
		return line;
	if ((sp = strchr(line, ' ')) == NULL)
		return "";
	*src = line + 1;
	*srclen = (size_t)(sp - line - 1);
	while (*sp == ' ')
		sp++;
	return sp;
}

bool
bl_source_is(const char *src, size_t srclen, const char *nick)
{
	size_t nl = strlen(nick);

	return src != NULL && srclen >= nl && strncmp(src, nick, nl) == 0 &&
	    (srclen == nl || src[nl] == '!');
}
