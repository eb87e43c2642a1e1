/* optcheck: checks of single setting values, for the option table. Pure: no I/O. */
#include "server/optcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/ircmsg.h"
#include "common/lan.h"
#include "common/limits.h"
#include "common/util.h"
#include "server/oper.h"

bool
optcheck_long(const char *in, long min, long max, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(in, &end, 10);
	return errno == 0 && end != in && *end == '\0' && *v >= min && *v <= max;
}

bool
optcheck_port(const char *in, char *out, size_t cap, char *why, size_t wcap)
{
	long v;
	if (!optcheck_long(in, 0, PORT_MAX, &v)) {
		snprintf(why, wcap, "expected a port number from 0 to %d", PORT_MAX);
		return false;
	}
	snprintf(out, cap, "%ld", v);
	return true;
}

bool
optcheck_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    ch == '.' || ch == '-' || ch == '_';
}

bool
optcheck_name(const char *in, char *out, size_t cap, char *why, size_t wcap)
{
	bool ok = *in != '\0' && strlen(in) <= SERVER_NAME_LEN;
	for (const char *p = in; ok && *p; p++)
		ok = optcheck_name_char(*p);
	if (!ok) {
		snprintf(why, wcap, "letters, digits, '.', '-', '_'; at most %d", SERVER_NAME_LEN);
		return false;
	}
	str_copy(out, in, cap);
	return true;
}

bool
optcheck_channel(const char *in, char *out, size_t cap, char *why, size_t wcap)
{
	char buf[CHANNEL_LEN + 2];
	if (strlen(in) >= CHANNEL_LEN) {
		snprintf(why, wcap, "at most %d characters", CHANNEL_LEN - 1);
		return false;
	}
	snprintf(buf, sizeof buf, "%s%s", in[0] == '#' ? "" : "#", in);
	if (!irc_valid_channel(buf)) {
		snprintf(why, wcap, "not a channel name");
		return false;
	}
	str_copy(out, buf, cap);
	return true;
}

bool
optcheck_ipv4(const char *in, char *out, size_t cap, char *why, size_t wcap)
{
	if (!lan_valid_addr(in)) {
		snprintf(why, wcap, "expected dotted IPv4");
		return false;
	}
	str_copy(out, in, cap);
	return true;
}

bool
optcheck_oper(const char *in, char *out, size_t cap, char *why, size_t wcap)
{
	const char *colon = strchr(in, ':');
	size_t nlen = colon ? (size_t)(colon - in) : 0;
	bool ok = colon != NULL && nlen > 0 && nlen <= NICK_LEN;
	for (size_t i = 0; ok && i < nlen; i++)
		ok = optcheck_name_char(in[i]);
	if (!ok) {
		snprintf(why, wcap, "expected NAME:HASH, NAME of 1 to %d letters, digits, '.', '-', '_'",
		    NICK_LEN);
		return false;
	}
	if (!oper_valid_hash(colon + 1, why, wcap))
		return false;
	str_copy(out, in, cap);
	return true;
}

bool
optcheck_bool(const char *in, bool *v)
{
	static const char *yes[] = { "yes", "true", "on", "1" },
	                  *no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(in, yes[i]) == 0)
			return *v = true, true;
		if (strcasecmp(in, no[i]) == 0)
			return *v = false, true;
	}
	return false;
}

bool
optcheck_dir(const char *in, char *out, size_t cap, char *why, size_t wcap)
{
	if (in[0] == '\0' || strlen(in) >= cap) {
		snprintf(why, wcap, "expected a path of 1 to %zu bytes", cap - 1);
		return false;
	}
	str_copy(out, in, cap);
	return true;
}
