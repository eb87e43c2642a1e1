/*
 * dialect: which language a connection speaks, decided in one place. Every connection is
 * greeted on accept (dialect_greet); its first line then makes it an IRC client or a plain
 * text user (dialect_judge, a pure function); so does PLAIN_DETECT_MS of silence (plain,
 * dialect_tick), while an overlong first line decides nothing. A guest who became plain by
 * silence and then registers as IRC before saying anything becomes an IRC client after all.
 * After that each line goes to the dialect's translator: commands.c for IRC, plain.c for
 * plain text.
 */
#ifndef LANCHAT_DIALECT_H
#define LANCHAT_DIALECT_H

#include <stdbool.h>

#include "server/conn.h"

/* What a line says about an undecided sender. */
enum dialect_kind {
	DIALECT_CHAT = 0,  /* anything a person might type */
	DIALECT_REGISTER,  /* an IRC client registering (CAP, PASS, NICK, USER) */
	DIALECT_IRC_OTHER, /* IRC, but no registration (PING, QUIT) */
};

/*
 * Judges a first line by its shape: tags, a ":source" or a registration command as clients
 * send it mean IRC; anything a person might type means chat. Does no I/O.
 */
enum dialect_kind dialect_judge(const char *line);

/* The line every new connection gets at once, in a form both kinds of reader can take. */
void dialect_greet(struct conn *c);
/* One complete line; the first decides the dialect. Returns its flood cost in lines. */
int dialect_line(struct conn *c, char *line);
/* A line longer than the input buffer arrived (and was dropped). */
void dialect_too_long(struct conn *c);
/* Once a tick: the silent-client timeout, then the dialect's own (registration, PING). */
void dialect_tick(struct conn *c);
/* The last line a connection gets when the server shuts down. */
void dialect_goodbye(struct conn *c);

#endif
