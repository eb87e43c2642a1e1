/* ircmsg: parse and format one IRC line; ASCII casemapping; name checks. No I/O. */
#ifndef LANCHAT_IRCMSG_H
#define LANCHAT_IRCMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/limits.h"

struct irc_msg {
	char *tags;                  /* tag section without '@', or NULL */
	char *source;                /* prefix without ':', or NULL */
	char *command;               /* never NULL after a successful parse */
	int nparams;
	char *params[IRC_PARAMS_MAX];
};

enum irc_parse_err {
	IRC_PARSE_OK = 0,
	IRC_PARSE_EMPTY,      /* nothing but spaces */
	IRC_PARSE_NO_COMMAND, /* tags or source but no command */
	IRC_PARSE_BAD_COMMAND /* command is not letters or three digits */
};

/*
 * Splits line (NUL-terminated, no CR/LF) in place. Pointers in msg point into line.
 * More than IRC_PARAMS_MAX parameters: the rest is folded into the last one, as RFC 2812 says.
 */
enum irc_parse_err irc_parse(char *line, struct irc_msg *msg);

/* The nick part of a "nick!user@host" source, copied into buf. */
void irc_source_nick(const char *source, char *buf, size_t cap);

/* ASCII casemapping (advertised as CASEMAPPING=ascii). */
char irc_tolower(char c);
void irc_casefold(char *dst, const char *src, size_t cap);
int irc_casecmp(const char *a, const char *b);
void irc_upper(char *s);

bool irc_valid_nick(const char *nick);
bool irc_valid_channel(const char *name);
bool irc_is_channel(const char *name);

/*
 * The value of tag key in a tag section (without the '@'), unescaped as IRCv3 message-tags
 * says (\: ; \s space, \\ backslash, \r \n; other escapes lose the backslash), into buf.
 * A tag without a value reads as "". False when the tag is absent or its value does not
 * fit cap whole (a cut msgid would name another message).
 */
bool irc_tag_get(const char *tags, const char *key, char *buf, size_t cap);
/* Seconds since the epoch from the time= of a tag section (server-time), or -1. */
time_t irc_tag_time(const char *tags);
/* The same in milliseconds (the fraction kept when it is well formed), or -1. */
int64_t irc_tag_time_ms(const char *tags);
/* "2026-11-25T19:44:02.123Z" for the server-time tag. Returns bytes written. */
size_t irc_format_time(char *buf, size_t cap, const struct timespec *ts);
/*
 * The reverse, for milliseconds since the epoch: "YYYY-MM-DDThh:mm:ss[.fff]Z" exactly (more
 * fraction digits are allowed and cut to milliseconds). Returns false on anything else,
 * including out-of-range fields and years before 1970 or after 9999.
 */
bool irc_parse_time(const char *s, int64_t *ms);
size_t irc_format_time_ms(char *buf, size_t cap, int64_t ms);

/* Is the text a CTCP request/reply ("\001ACTION ...\001"), and is it ACTION? */
bool irc_is_ctcp(const char *text);
bool irc_is_action(const char *text);

#endif
