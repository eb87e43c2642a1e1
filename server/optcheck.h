/*
 * optcheck: checks of single setting values (numbers, yes/no, ports, the server's name,
 * channels, addresses, operators), as the option table in options.c uses them. Each check
 * either writes the value as it is kept into out (cap bytes) and returns true, or says why
 * not in why (wcap bytes) and returns false. Pure: no I/O, nothing logged.
 */
#ifndef LANCHAT_OPTCHECK_H
#define LANCHAT_OPTCHECK_H

#include <stdbool.h>
#include <stddef.h>

/* A decimal number in [min, max], the whole of in. */
bool optcheck_long(const char *in, long min, long max, long *v);
/* yes/true/on/1 or no/false/off/0, any case. */
bool optcheck_bool(const char *in, bool *v);
/* A character allowed in a server name (and an operator's name). */
bool optcheck_name_char(char ch);

bool optcheck_port(const char *in, char *out, size_t cap, char *why, size_t wcap);
bool optcheck_name(const char *in, char *out, size_t cap, char *why, size_t wcap);
/* A channel name; the leading "#" may be left out. */
bool optcheck_channel(const char *in, char *out, size_t cap, char *why, size_t wcap);
bool optcheck_ipv4(const char *in, char *out, size_t cap, char *why, size_t wcap);
/* NAME:HASH, HASH a crypt(3) string. */
bool optcheck_oper(const char *in, char *out, size_t cap, char *why, size_t wcap);
/* A path of 1 to cap - 1 bytes. */
bool optcheck_dir(const char *in, char *out, size_t cap, char *why, size_t wcap);

#endif
