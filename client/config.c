#include "client/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/net.h"
#include "common/util.h"

void
cfg_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	str_copy(c->realname, "lanchat user", sizeof c->realname);
	str_copy(c->time_format, "%H:%M", sizeof c->time_format);
	c->colours = true;
	c->log = true;
	c->bell = true;
	c->dcc_max_size = DCC_MAX_SIZE_DEFAULT;
	c->dcc_timeout_s = DCC_OFFER_TIMEOUT_S;
}

static bool
fail(char *err, size_t cap, const char *fmt, const char *a, const char *b)
{
	snprintf(err, cap, fmt, a, b);
	return false;
}

static bool
parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, true;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

static bool
parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return false;
	*out = n;
	return true;
}

/* "123", "10K", "5M", "2G": bytes. */
static bool
parse_size(const char *v, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno != 0 || end == v || v[0] == '-')
		return false;
	unsigned shift = 0;
	if (*end != '\0') {
		const char *units = "KMGT";
		const char *u = strchr(units, toupper((unsigned char)*end));
		if (u == NULL || end[1] != '\0')
			return false;
		shift = 10 * (unsigned)(u - units + 1);
	}
	if (shift > 0 && n > (UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)n << shift;
	return *out > 0;
}

/* Words separated by spaces or commas, each checked by ok (if given). */
static int
split_words(const char *v, char *out, size_t width, int max, bool (*ok)(const char *))
{
	int n = 0;
	const char *p = v;
	while (*p != '\0') {
		p += strspn(p, " ,\t");
		size_t len = strcspn(p, " ,\t");
		if (len == 0)
			break;
		if (n == max || len >= width)
			return -1;
		char *w = out + (size_t)n * width;
		memcpy(w, p, len);
		w[len] = '\0';
		if (ok != NULL && !ok(w))
			return -1;
		n++;
		p += len;
	}
	return n;
}

static bool
set_user(struct config *c, const char *key, const char *v, char *err, size_t cap)
{
	if (strcmp(key, "nick") == 0) {
		if (!irc_valid_nick(v) || strlen(v) > NICK_LEN)
			return fail(err, cap, "not a valid nick: %s%s", v, "");
		str_copy(c->nick, v, sizeof c->nick);
	} else if (strcmp(key, "realname") == 0) {
		if (strlen(v) > REALNAME_LEN)
			return fail(err, cap, "realname is longer than %s%s characters", "64", "");
		str_copy(c->realname, v, sizeof c->realname);
	} else {
		return fail(err, cap, "unknown key %s in [%s]", key, "user");
	}
	return true;
}

static bool
set_ui(struct config *c, const char *key, const char *v, char *err, size_t cap)
{
	if (strcmp(key, "time_format") == 0) {
		char probe[STAMP_MAX * 2];
		struct tm tm = { .tm_hour = 23, .tm_min = 59, .tm_sec = 59, .tm_mday = 28,
			.tm_mon = 11, .tm_year = 126 };
		size_t n = strftime(probe, sizeof probe, v, &tm);
		if (strlen(v) > TIME_FORMAT_LEN || n == 0 || n > STAMP_MAX - 2 ||
		    strpbrk(probe, "\n\t\r") != NULL)
			return fail(err, cap, "time_format %s is not a short strftime format%s", v,
			    " (e.g. %H:%M)");
		str_copy(c->time_format, v, sizeof c->time_format);
	} else if (strcmp(key, "colours") == 0 || strcmp(key, "colors") == 0) {
		if (!parse_bool(v, &c->colours))
			return fail(err, cap, "%s must be on or off, not %s", key, v);
	} else if (strcmp(key, "highlight") == 0) {
		int n = split_words(v, c->highlight[0], sizeof c->highlight[0], HIGHLIGHT_WORDS_MAX,
		    NULL);
		if (n < 0)
			return fail(err, cap, "highlight: at most %s words of %s bytes each", "16",
			    "32");
		c->nhighlight = n;
	} else {
		return fail(err, cap, "unknown key %s in [%s]", key, "ui");
	}
	return true;
}

static bool
set_misc(struct config *c, const char *sec, const char *key, const char *v, char *err,
    size_t cap)
{
	long n;
	if (strcmp(sec, "log") == 0 && strcmp(key, "enabled") == 0) {
		if (!parse_bool(v, &c->log))
			return fail(err, cap, "%s must be on or off, not %s", key, v);
	} else if (strcmp(sec, "notify") == 0 && strcmp(key, "bell") == 0) {
		if (!parse_bool(v, &c->bell))
			return fail(err, cap, "%s must be on or off, not %s", key, v);
	} else if (strcmp(sec, "notify") == 0 && strcmp(key, "command") == 0) {
		char words[NOTIFY_ARGS_MAX][NOTIFY_CMD_LEN + 1];
		if (strlen(v) > NOTIFY_CMD_LEN ||
		    split_words(v, words[0], sizeof words[0], NOTIFY_ARGS_MAX - 2, NULL) < 0)
			return fail(err, cap, "command is too long (%s bytes, %s words at most)",
			    "256", "14");
		str_copy(c->notify_cmd, v, sizeof c->notify_cmd);
	} else if (strcmp(sec, "dcc") == 0 && strcmp(key, "dir") == 0) {
		if (strlen(v) >= sizeof c->dcc_dir)
			return fail(err, cap, "dir is too long%s%s", "", "");
		str_copy(c->dcc_dir, v, sizeof c->dcc_dir);
	} else if (strcmp(sec, "dcc") == 0 && strcmp(key, "max_size") == 0) {
		if (!parse_size(v, &c->dcc_max_size))
			return fail(err, cap, "max_size %s is not a size (like 500M or 2G)%s", v, "");
	} else if (strcmp(sec, "dcc") == 0 && strcmp(key, "timeout") == 0) {
		if (!parse_long(v, 1, 86400, &n))
			return fail(err, cap, "timeout %s is not 1 to 86400 seconds%s", v, "");
		c->dcc_timeout_s = (int)n;
	} else if (strcmp(sec, "dcc") == 0 && strcmp(key, "ports") == 0) {
		char lo[16], hi[16];
		long a, b;
		const char *dash = strchr(v, '-');
		if (dash == NULL || (size_t)(dash - v) >= sizeof lo || strlen(dash + 1) >= sizeof hi)
			return fail(err, cap, "ports %s is not LOW-HIGH (like 40000-40100)%s", v, "");
		memcpy(lo, v, (size_t)(dash - v));
		lo[dash - v] = '\0';
		str_copy(hi, dash + 1, sizeof hi);
		if (!parse_long(lo, 1024, PORT_MAX, &a) || !parse_long(hi, a, PORT_MAX, &b))
			return fail(err, cap, "ports %s is not LOW-HIGH within 1024-65535%s", v, "");
		c->dcc_port_min = (int)a;
		c->dcc_port_max = (int)b;
	} else {
		return fail(err, cap, "unknown key %s in [%s]", key, sec);
	}
	return true;
}

static bool
chan_ok(const char *w)
{
	return irc_valid_channel(w);
}

static bool
set_server(struct config *c, const char *name, const char *key, const char *v, char *err,
    size_t cap)
{
	struct cfg_server *sv = (struct cfg_server *)cfg_server(c, name);
	if (sv == NULL) {
		if (c->nservers == CONFIG_SERVERS_MAX)
			return fail(err, cap, "more than %s [server] sections%s", "16", "");
		if (name[0] == '\0' || strlen(name) > CFG_NAME_LEN)
			return fail(err, cap, "a server section needs a name: [server NAME]%s%s", "",
			    "");
		sv = &c->servers[c->nservers++];
		memset(sv, 0, sizeof *sv);
		str_copy(sv->name, name, sizeof sv->name);
		str_copy(sv->host, name, sizeof sv->host);
		snprintf(sv->port, sizeof sv->port, "%d", SERVER_PORT_DEFAULT);
	}
	if (strcmp(key, "host") == 0) {
		const char *rb = strchr(v, ']'), *colon = strchr(v, ':');
		if (net_split_hostport(v, sv->host, sizeof sv->host, sv->port, sizeof sv->port,
		    sv->port) != 0)
			return fail(err, cap, "host %s is not HOST[:PORT]%s", v, "");
		/* [ADDR]:PORT or HOST:PORT; a bare IPv6 address has more than one colon. */
		sv->port_given = rb != NULL ? rb[1] == ':' : colon != NULL && colon == strrchr(v, ':');
	} else if (strcmp(key, "tls") == 0) {
		if (!parse_bool(v, &sv->tls))
			return fail(err, cap, "%s must be on or off, not %s", key, v);
		if (!sv->port_given)
			snprintf(sv->port, sizeof sv->port, "%d",
			    sv->tls ? TLS_PORT_DEFAULT : SERVER_PORT_DEFAULT);
	} else if (strcmp(key, "channels") == 0) {
		int n = split_words(v, sv->channels[0], sizeof sv->channels[0], CHANNELS_PER_CLIENT,
		    chan_ok);
		if (n < 0)
			return fail(err, cap, "channels %s: not a list of #channels%s", v, "");
		sv->nchannels = n;
	} else if (strcmp(key, "autoconnect") == 0) {
		if (!parse_bool(v, &sv->autoconnect))
			return fail(err, cap, "%s must be on or off, not %s", key, v);
	} else {
		return fail(err, cap, "unknown key %s in [server %s]", key, name);
	}
	return true;
}

/* One key of one section: the single place the ini file and /set both go through. */
static bool
apply(struct config *c, const char *sec, const char *key, const char *v, char *err, size_t cap)
{
	if (strcmp(sec, "user") == 0)
		return set_user(c, key, v, err, cap);
	if (strcmp(sec, "ui") == 0)
		return set_ui(c, key, v, err, cap);
	if (strcmp(sec, "log") == 0 || strcmp(sec, "notify") == 0 || strcmp(sec, "dcc") == 0)
		return set_misc(c, sec, key, v, err, cap);
	if (strncmp(sec, "server", 6) == 0 && (sec[6] == ' ' || sec[6] == '\0'))
		return set_server(c, sec + 6 + strspn(sec + 6, " \""), key, v, err, cap);
	if (sec[0] == '\0')
		return fail(err, cap, "%s is outside any [section]%s", key, "");
	return fail(err, cap, "unknown section [%s]%s", sec, "");
}

struct parse_ctx {
	struct config *c;
	char msg[CFG_ERR_MAX];
	bool failed;
};

static int
on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *p = user;
	char sec[CFG_NAME_LEN + 16];
	if (p->failed)
		return 1; /* only the first error is reported */
	/* [server "lab"] as well as [server lab]. */
	str_copy(sec, section, sizeof sec);
	size_t n = strlen(sec);
	if (n > 0 && sec[n - 1] == '"')
		sec[n - 1] = '\0';
	if (!apply(p->c, sec, name, value, p->msg, sizeof p->msg)) {
		p->failed = true;
		return 0;
	}
	return 1;
}

bool
cfg_parse(struct config *c, const char *text, const char *fname, char *err, size_t cap)
{
	struct parse_ctx p = { .c = c };
	int line = ini_parse_string(text, on_pair, &p);
	if (line == 0)
		return true;
	if (line < 0)
		snprintf(err, cap, "%s: cannot be read", fname);
	else if (p.failed)
		snprintf(err, cap, "%s:%d: %s", fname, line, p.msg);
	else
		snprintf(err, cap, "%s:%d: not a [section] or a key = value line", fname, line);
	return false;
}

bool
cfg_load(struct config *c, const char *path, char *err, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return true;
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		return false;
	}
	char *text = xmalloc(CONFIG_BYTES_MAX + 1);
	size_t n = fread(text, 1, CONFIG_BYTES_MAX + 1, f);
	bool bad = ferror(f) != 0;
	fclose(f);
	bool ok = false;
	if (bad)
		snprintf(err, cap, "%s: cannot be read", path);
	else if (n > CONFIG_BYTES_MAX)
		snprintf(err, cap, "%s: larger than %d bytes", path, CONFIG_BYTES_MAX);
	else if (memchr(text, '\0', n) != NULL)
		snprintf(err, cap, "%s: not a text file", path);
	else {
		text[n] = '\0';
		ok = cfg_parse(c, text, path, err, cap);
	}
	free(text);
	return ok;
}

void
cfg_xdg_path(char *buf, size_t cap, const char *var, const char *fallback, const char *rest)
{
	const char *xdg = getenv(var), *home = getenv("HOME");
	/* The XDG rules: a relative value is invalid and ignored. */
	if (xdg != NULL && xdg[0] == '/')
		snprintf(buf, cap, "%s/%s", xdg, rest);
	else
		snprintf(buf, cap, "%s/%s/%s", home != NULL ? home : ".", fallback, rest);
}

void
cfg_default_path(char *buf, size_t cap)
{
	cfg_xdg_path(buf, cap, "XDG_CONFIG_HOME", ".config", "lanchat/config");
}

const char *const cfg_keys[] = {
	"user.nick", "user.realname", "ui.time_format", "ui.colours", "ui.highlight",
	"log.enabled", "notify.bell", "notify.command", "dcc.dir", "dcc.max_size", "dcc.ports",
	"dcc.timeout", NULL,
};

static bool
known_key(const char *key)
{
	for (size_t i = 0; cfg_keys[i] != NULL; i++)
		if (strcmp(cfg_keys[i], key) == 0)
			return true;
	return false;
}

bool
cfg_set(struct config *c, const char *key, const char *value, char *err, size_t cap)
{
	char sec[16];
	const char *dot = strchr(key, '.');
	if (!known_key(key) || dot == NULL || (size_t)(dot - key) >= sizeof sec)
		return fail(err, cap, "no setting %s (/set lists them)%s", key, "");
	memcpy(sec, key, (size_t)(dot - key));
	sec[dot - key] = '\0';
	/* Tried on a copy: a bad value leaves the setting as it was. */
	struct config *tmp = xmalloc(sizeof *tmp);
	*tmp = *c;
	bool ok = apply(tmp, sec, dot + 1, value, err, cap);
	if (ok)
		*c = *tmp;
	free(tmp);
	return ok;
}

static const char *
onoff(bool b)
{
	return b ? "on" : "off";
}

bool
cfg_get(const struct config *c, const char *key, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (strcmp(key, "user.nick") == 0)
		snprintf(buf, cap, "%s", c->nick);
	else if (strcmp(key, "user.realname") == 0)
		snprintf(buf, cap, "%s", c->realname);
	else if (strcmp(key, "ui.time_format") == 0)
		snprintf(buf, cap, "%s", c->time_format);
	else if (strcmp(key, "ui.colours") == 0)
		snprintf(buf, cap, "%s", onoff(c->colours));
	else if (strcmp(key, "ui.highlight") == 0)
		for (int i = 0; i < c->nhighlight; i++)
			snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? " " : "",
			    c->highlight[i]);
	else if (strcmp(key, "log.enabled") == 0)
		snprintf(buf, cap, "%s", onoff(c->log));
	else if (strcmp(key, "notify.bell") == 0)
		snprintf(buf, cap, "%s", onoff(c->bell));
	else if (strcmp(key, "notify.command") == 0)
		snprintf(buf, cap, "%s", c->notify_cmd);
	else if (strcmp(key, "dcc.dir") == 0)
		snprintf(buf, cap, "%s", c->dcc_dir[0] ? c->dcc_dir : "~/Downloads");
	else if (strcmp(key, "dcc.max_size") == 0)
		snprintf(buf, cap, "%llu", (unsigned long long)c->dcc_max_size);
	else if (strcmp(key, "dcc.ports") == 0 && c->dcc_port_min > 0)
		snprintf(buf, cap, "%d-%d", c->dcc_port_min, c->dcc_port_max);
	else if (strcmp(key, "dcc.ports") == 0)
		snprintf(buf, cap, "any");
	else if (strcmp(key, "dcc.timeout") == 0)
		snprintf(buf, cap, "%d", c->dcc_timeout_s);
	else
		return false;
	return true;
}

const struct cfg_server *
cfg_server(const struct config *c, const char *name)
{
	for (int i = 0; i < c->nservers; i++)
		if (strcasecmp(c->servers[i].name, name) == 0)
			return &c->servers[i];
	return NULL;
}

const struct cfg_server *
cfg_autoconnect(const struct config *c)
{
	for (int i = 0; i < c->nservers; i++)
		if (c->servers[i].autoconnect)
			return &c->servers[i];
	return NULL;
}
