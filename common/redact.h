/*
 * redact: a line as a wire view, a trace or a log may show it, with any password it carries
 * replaced by "***". The lines that carry one: PASS; OPER (its second word); AUTHENTICATE
 * (anything but a mechanism name, "+" or "*"); REGISTER of draft/account-registration (all
 * after the account); NickServ's IDENTIFY, REGISTER, GHOST and the like and SET PASSWORD,
 * whether sent with PRIVMSG/NOTICE NickServ, NS or NICKSERV; and the same typed as plain-text
 * commands (/pass, /oper, /identify, /register, /msg NickServ ..., /ns ...). Pure and
 * bounded: tests and fuzz_line call it.
 */
#ifndef LANCHAT_REDACT_H
#define LANCHAT_REDACT_H

#include <stdbool.h>
#include <stddef.h>

/* What stands for a password that is not shown. */
#define REDACT_MARK "***"

/* Where the password in line (len bytes, no CR LF) starts, or len if it carries none. */
size_t redact_cut(const char *line, size_t len);

/*
 * Writes line (len bytes, no CR LF) to out with its password, if any, replaced by
 * REDACT_MARK; NUL-terminated, cut to cap - 1 bytes. Returns the length written. cap > 0.
 */
size_t redact_line(const char *line, size_t len, char *out, size_t cap);

/*
 * The same for the text of a message to NickServ ("IDENTIFY alice pw" shows as
 * "IDENTIFY ***"). Returns the length written.
 */
size_t redact_service_text(const char *text, size_t len, char *out, size_t cap);

/* True if target names the nick service (NickServ, NickServ@server), in any case. */
bool redact_is_service(const char *target, size_t len);

#endif
