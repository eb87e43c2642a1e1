/*
 * evtext: what a server line says in a window, as words: events (joins, parts, quits, nick
 * and topic changes, kicks, modes), WHOIS and LIST replies as sentences, actions and
 * mentions. One wording for lines as they come and lines from history. Pure: no state, no
 * I/O; the caller sanitises nothing here, the scrollback does.
 */
#ifndef LANCHAT_EVTEXT_H
#define LANCHAT_EVTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ircmsg.h"

/* Parameters from..last of m joined with spaces (numerics shown as they come). */
void evtext_params(const struct irc_msg *m, int from, char *buf, size_t cap);
/*
 * What nick (us, if self) did with m, when m is a JOIN, PART, KICK, QUIT, NICK, TOPIC or
 * MODE: "bob joined #lan", "You left #dev (bye)"...; false for any other command.
 */
bool evtext_event(const struct irc_msg *m, const char *nick, bool self, char *buf, size_t cap);
/*
 * A WHOIS or LIST reply (numeric num) as a sentence ("bob is in #lan #dev"): 1 with it in
 * buf, 0 for a reply that says nothing worth a line (the list's header), -1 for another
 * numeric.
 */
int evtext_reply(const struct irc_msg *m, int num, char *buf, size_t cap);
/* Does text mention word as a word of its own (ASCII letters and digits around it)? */
bool evtext_mentions(const char *text, const char *word);
/* Strips "\001ACTION " and its closing \001 from an action; false (unchanged) if not one. */
bool evtext_strip_action(char *text);

#endif
