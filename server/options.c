#include "server/options.h"

#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/ircmsg.h"
#include "common/lan.h"
#include "common/util.h"
#include "server/optcheck.h"

#ifndef LANCHAT_CONFIG_DEFAULT
#define LANCHAT_CONFIG_DEFAULT "/etc/lanchat/lanchatd.conf"
#endif

enum opt_kind {
	K_FLAG,   /* bool; no value on the command line, yes/no in a file */
	K_INT,    /* int in [min, max] */
	K_SIZE,   /* size_t in [min, max] */
	K_TEXT,   /* char[max] filled by check() */
	K_STR,    /* owned char *, NULL when empty */
	K_LIST,   /* const char *[max] of owned entries, count at count_off; repeatable */
	K_ACTION, /* command line only: help, version, config, check-config */
};

enum {
	F_RESTART = 1, /* cannot change while running */
	F_INVERT = 2,  /* a K_FLAG that clears its bool (no-beacon) */
	F_SECRET = 4,  /* a bad value is not repeated in errors: it may be a password */
};

typedef bool (*opt_check_fn)(const char *in, char *out, size_t cap, char *why, size_t wcap);

struct opt_def {
	const char *name; /* --name, and the key in a file */
	char shortopt;
	enum opt_kind kind;
	unsigned flags;
	size_t off;       /* of the value in struct opts */
	size_t count_off; /* K_LIST: of its count */
	long min, max;    /* K_INT/K_SIZE: range; K_TEXT: buffer size; K_LIST: entries */
	opt_check_fn check;
	const char *arg;  /* shown in the help; NULL for a flag */
	const char *help; /* "%s" in it, if any, becomes the default */
};

#define AT(field) offsetof(struct opts, field)
#define FIELD_SIZE(field) ((long)sizeof(((struct opts *)0)->field))

/*
 * The one list of lanchatd's settings. Order is the order of --help and --check-config.
 * A new flag is one line here (and a field in struct opts or struct srv_config).
 */
static const struct opt_def defs[] = {
	{ "config", 0, K_ACTION, 0, 0, 0, 0, 0, NULL, "FILE",
	    "read settings from FILE (flags given here win);\n"
	    "by default " LANCHAT_CONFIG_DEFAULT "\nif it exists" },
	{ "check-config", 0, K_ACTION, 0, 0, 0, 0, 0, NULL, "[FILE]",
	    "check the config file (FILE or the one above), print\n"
	    "the settings that result and exit 0, or 1 with errors" },
	{ "bind", 'b', K_STR, F_RESTART, AT(srv.bind), 0, 0, 0, NULL, "ADDR",
	    "listen on ADDR only (default: all addresses)" },
	{ "port", 'p', K_TEXT, F_RESTART, AT(srv.port), 0, 0, FIELD_SIZE(srv.port), optcheck_port,
	    "PORT", "TCP port (default %s; 0 picks a free one)" },
	{ "name", 'n', K_TEXT, F_RESTART, AT(srv.name), 0, 0, FIELD_SIZE(srv.name), optcheck_name,
	    "NAME", "server name (default: the host name)" },
	{ "channel", 'c', K_TEXT, 0, AT(srv.channel), 0, 0, FIELD_SIZE(srv.channel),
	    optcheck_channel, "NAME", "channel plain-text users join (default %s)" },
	{ "motd", 0, K_STR, 0, AT(srv.motd_path), 0, 0, 0, NULL, "FILE",
	    "message of the day (default: the installed motd.txt)" },
	{ "max-clients", 0, K_INT, 0, AT(srv.max_clients), 0, 1, MAX_CLIENTS_CEILING, NULL, "N",
	    "connections at once (default %s)" },
	{ "max-per-host", 0, K_INT, 0, AT(srv.max_per_host), 0, 0, MAX_CLIENTS_CEILING, NULL, "N",
	    "connections from one address (default %s; 0: no limit)" },
	{ "sendq", 0, K_SIZE, 0, AT(srv.sendq), 0, SENDQ_MIN, SENDQ_MAX, NULL, "BYTES",
	    "unsent output per client before it is dropped\n(default %s)" },
	{ "flood", 0, K_INT, 0, AT(srv.flood_rate), 0, 0, FLOOD_RATE_MAX, NULL, "N",
	    "lines per second per client after a short burst\n(default %s; 0 turns flood "
	    "control off)" },
	{ "timeout", 0, K_INT, 0, AT(srv.timeout_s), 0, 1, TIMEOUT_MAX_S, NULL, "SECS",
	    "idle time before PING; twice that drops the client\n(default %s)" },
	{ "tls-port", 0, K_TEXT, F_RESTART, AT(srv.tls_port), 0, 0, FIELD_SIZE(srv.tls_port),
	    optcheck_port, "PORT", "TLS port (default %s; 0 picks a free one, as does\n--port 0)" },
	{ "no-tls", 0, K_FLAG, F_RESTART | F_INVERT, AT(srv.tls), 0, 0, 0, NULL, NULL,
	    "no TLS listener" },
	{ "no-plain", 0, K_FLAG, F_RESTART | F_INVERT, AT(srv.plain), 0, 0, 0, NULL, NULL,
	    "TLS only: no listener for plain text and plain IRC" },
	{ "tls-cert", 0, K_STR, 0, AT(srv.tls_cert), 0, 0, 0, NULL, "FILE",
	    "certificate to present (PEM; with tls-key); a\nreload re-reads the pair" },
	{ "tls-key", 0, K_STR, 0, AT(srv.tls_key), 0, 0, 0, NULL, "FILE",
	    "its private key (PEM, mode 0600)" },
	{ "oper", 0, K_LIST, F_SECRET, AT(oper), AT(noper), 0, OPER_MAX, optcheck_oper, "NAME:HASH",
	    "a server operator and the crypt(3) hash of their\npassword (repeatable)" },
	{ "hash-password", 0, K_ACTION, 0, 0, 0, 0, 0, NULL, NULL,
	    "read a password on standard input, print its hash\nfor --oper and exit" },
	{ "no-beacon", 0, K_FLAG, F_RESTART | F_INVERT, AT(srv.beacon), 0, 0, 0, NULL, NULL,
	    "do not announce this server on the LAN" },
	{ "beacon-port", 0, K_INT, F_RESTART, AT(beacon.port), 0, 1, PORT_MAX, NULL, "PORT",
	    "UDP port for presence beacons (default %s)" },
	{ "beacon-addr", 0, K_LIST, F_RESTART, AT(beacon.dest), AT(beacon.ndest), 0,
	    ANNOUNCE_DEST_MAX, optcheck_ipv4, "ADDR",
	    "send beacons to ADDR instead of broadcasting\n"
	    "(repeatable; a unicast ADDR reaches one program on\nthat host)" },
	{ "dashboard", 0, K_FLAG, F_RESTART, AT(dashboard), 0, 0, 0, NULL, NULL,
	    "live view of the connections on this terminal" },
	{ "state-dir", 0, K_TEXT, F_RESTART, AT(srv.state_dir), 0, 0, FIELD_SIZE(srv.state_dir),
	    optcheck_dir, "DIR",
	    "where the server keeps its state, the history and\n"
	    "its TLS key and certificate (default\n"
	    "$XDG_STATE_HOME/lanchatd or ~/.local/state/lanchatd)" },
	{ "no-store", 0, K_FLAG, F_RESTART, AT(no_store), 0, 0, 0, NULL, NULL,
	    "keep nothing on disk (no history)" },
	{ "no-history", 0, K_FLAG, F_RESTART | F_INVERT, AT(history.history), 0, 0, 0, NULL, NULL,
	    "keep no history of what is said" },
	{ "history-days", 0, K_INT, 0, AT(history.days), 0, 0, HISTORY_DAYS_MAX, NULL, "N",
	    "prune history older than N days (default %s; 0: never)" },
	{ "history-replay", 0, K_INT, 0, AT(history.replay), 0, 0, HISTORY_REPLAY_MAX, NULL, "N",
	    "lines replayed on JOIN to clients without\nchathistory (default %s; 0: none)" },
	{ "history-private", 0, K_FLAG, 0, AT(history.private_history), 0, 0, 0, NULL, "on|off",
	    "keep private messages between two logged-in\naccounts, for them alone (default on)" },
	{ "allow-plain-passwords", 0, K_FLAG, 0, AT(srv.allow_plain_passwords), 0, 0, 0, NULL,
	    NULL, "accept passwords over plain TCP from other hosts\n(default: only over TLS or "
	    "from this host)" },
	{ "nick-grace", 0, K_INT, 0, AT(srv.nick_grace_s), 0, 0, NICK_GRACE_MAX_S, NULL, "SECS",
	    "how long someone may keep a registered nick that\nis not theirs (default %s)" },
	{ "verbose", 'v', K_FLAG, 0, AT(verbose), 0, 0, 0, NULL, NULL, "log more" },
	{ "quiet", 'q', K_FLAG, 0, AT(quiet), 0, 0, 0, NULL, NULL,
	    "log only warnings and errors (verbose wins over it)" },
	{ "help", 'h', K_ACTION, 0, 0, 0, 0, 0, NULL, NULL, "this help" },
	{ "version", 'V', K_ACTION, 0, 0, 0, 0, 0, NULL, NULL, "print the version" },
};

enum { NDEFS = (int)(sizeof defs / sizeof defs[0]) };

static void say(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
}

/* ---- Values in struct opts ---- */

static void *
field(const struct opts *o, const struct opt_def *d)
{
	return (char *)o + d->off;
}

static int *
list_count(const struct opts *o, const struct opt_def *d)
{
	return (int *)(void *)((char *)o + d->count_off);
}

static void
list_clear(struct opts *o, const struct opt_def *d)
{
	const char **v = field(o, d);
	int *n = list_count(o, d);
	for (int i = 0; i < *n; i++)
		free((char *)v[i]);
	*n = 0;
}

/* Sets d from text (NULL: a flag given with no value). */
static bool
set_value(struct opts *o, const struct opt_def *d, const char *in, char *why, size_t wcap)
{
	char buf[OPTS_ERROR_LEN];
	long v;
	bool b = true;

	switch (d->kind) {
	case K_FLAG:
		if (in != NULL && !optcheck_bool(in, &b)) {
			say(why, wcap, "expected yes or no");
			return false;
		}
		*(bool *)field(o, d) = (d->flags & F_INVERT) ? !b : b;
		return true;
	case K_INT:
	case K_SIZE:
		if (!optcheck_long(in, d->min, d->max, &v)) {
			say(why, wcap, "expected a number from %ld to %ld", d->min, d->max);
			return false;
		}
		if (d->kind == K_INT)
			*(int *)field(o, d) = (int)v;
		else
			*(size_t *)field(o, d) = (size_t)v;
		return true;
	case K_TEXT:
		return d->check(in, field(o, d), (size_t)d->max, why, wcap);
	case K_STR: {
		char **p = field(o, d);
		free(*p);
		*p = in[0] ? xstrdup(in) : NULL;
		return true;
	}
	case K_LIST: {
		const char **vals = field(o, d);
		int *n = list_count(o, d);
		if (*n >= d->max) {
			say(why, wcap, "at most %ld entries", d->max);
			return false;
		}
		if (!d->check(in, buf, sizeof buf, why, wcap))
			return false;
		vals[(*n)++] = xstrdup(buf);
		return true;
	}
	case K_ACTION:
		break;
	}
	return false;
}

void
opts_format(const struct opts *o, int i, char *buf, size_t cap)
{
	const struct opt_def *d = &defs[i];
	size_t len = 0;

	buf[0] = '\0';
	switch (d->kind) {
	case K_FLAG: {
		bool b = *(const bool *)field(o, d);
		str_copy(buf, ((d->flags & F_INVERT) ? !b : b) ? "yes" : "no", cap);
		break;
	}
	case K_INT:
		snprintf(buf, cap, "%d", *(const int *)field(o, d));
		break;
	case K_SIZE:
		snprintf(buf, cap, "%zu", *(const size_t *)field(o, d));
		break;
	case K_TEXT:
		str_copy(buf, field(o, d), cap);
		break;
	case K_STR: {
		const char *s = *(const char **)field(o, d);
		str_copy(buf, s ? s : "", cap);
		break;
	}
	case K_LIST: {
		const char **vals = field(o, d);
		for (int k = 0; k < *list_count(o, d) && len < cap; k++)
			len +=
			    (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", vals[k]);
		break;
	}
	case K_ACTION:
		break;
	}
}

/* ---- Defaults ---- */

static void
default_name(char *buf, size_t cap)
{
	char host[256] = "";
	size_t o = 0;
	if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
		str_copy(host, "lanchat", sizeof host);
	/* A server name goes into every prefix: keep it to characters IRC allows there. */
	for (const char *p = host; *p && o + 1 < cap && o < SERVER_NAME_LEN; p++)
		if (optcheck_name_char(*p))
			buf[o++] = *p;
	buf[o] = '\0';
	if (o == 0)
		str_copy(buf, "lanchat", cap);
}

void
opts_default_state_dir(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n = 0;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, cap, "%s/lanchatd", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, cap, "%s/.local/state/lanchatd", home);
	if (n <= 0 || (size_t)n >= cap)
		buf[0] = '\0';
}

void
opts_init(struct opts *o)
{
	memset(o, 0, sizeof *o);
	snprintf(o->srv.port, sizeof o->srv.port, "%d", SERVER_PORT_DEFAULT);
	default_name(o->srv.name, sizeof o->srv.name);
	str_copy(o->srv.channel, "#lan", sizeof o->srv.channel);
	o->srv.max_clients = MAX_CLIENTS_DEFAULT;
	o->srv.max_per_host = MAX_PER_HOST_DEFAULT;
	o->srv.sendq = SENDQ_DEFAULT;
	o->srv.flood_rate = FLOOD_RATE_DEFAULT;
	o->srv.timeout_s = PING_INTERVAL_DEFAULT;
	o->srv.beacon = true;
	o->srv.plain = o->srv.tls = true;
	snprintf(o->srv.tls_port, sizeof o->srv.tls_port, "%d", TLS_PORT_DEFAULT);
	o->beacon.port = BEACON_PORT_DEFAULT;
	opts_default_state_dir(o->srv.state_dir, sizeof o->srv.state_dir);
	o->history.history = true;
	o->history.days = HISTORY_DAYS_DEFAULT;
	o->history.replay = HISTORY_REPLAY_DEFAULT;
	o->history.private_history = true;
	o->srv.nick_grace_s = NICK_GRACE_DEFAULT_S;
}

void
opts_free(struct opts *o)
{
	for (int i = 0; i < NDEFS; i++) {
		if (defs[i].kind == K_STR) {
			char **p = field(o, &defs[i]);
			free(*p);
			*p = NULL;
		} else if (defs[i].kind == K_LIST) {
			list_clear(o, &defs[i]);
		}
	}
}

int
opts_log_level(const struct opts *o)
{
	return o->verbose ? LOG_DEBUG : o->quiet ? LOG_WARN : LOG_INFO;
}

/* ---- The command line ---- */

enum { LONG_BASE = 256 };

static int
getopt_has_arg(const struct opt_def *d)
{
	/* --check-config takes its FILE as --check-config=FILE or as the next word. */
	if (strcmp(d->name, "check-config") == 0)
		return optional_argument;
	return d->arg != NULL ? required_argument : no_argument;
}

enum opts_action
opts_parse_args(struct opts_args *a, int argc, char **argv, char *why, size_t cap)
{
	struct option longopts[NDEFS + 1];
	char shortopts[2 * NDEFS + 2] = ":";
	size_t ns = 1;
	struct opts scratch;
	enum opts_action act = OPTS_RUN;
	int ch;

	memset(a, 0, sizeof *a);
	a->items = xcalloc((size_t)argc + 1, sizeof *a->items);
	for (int i = 0; i < NDEFS; i++) {
		int has_arg = getopt_has_arg(&defs[i]);
		longopts[i] = (struct option){ defs[i].name, has_arg, NULL,
			defs[i].shortopt ? defs[i].shortopt : LONG_BASE + i };
		if (defs[i].shortopt) {
			shortopts[ns++] = defs[i].shortopt;
			if (has_arg == required_argument)
				shortopts[ns++] = ':';
		}
	}
	shortopts[ns] = '\0';
	longopts[NDEFS] = (struct option){ NULL, 0, NULL, 0 };

	/* Values are checked on a scratch copy: a bad one is a usage error before any file. */
	opts_init(&scratch);
	optind = 0; /* glibc: start over, so tests may parse several command lines */
	opterr = 0;
	while (act != OPTS_BAD && (ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int i = -1;
		if (ch >= LONG_BASE && ch < LONG_BASE + NDEFS)
			i = ch - LONG_BASE;
		for (int k = 0; i < 0 && k < NDEFS && ch < LONG_BASE; k++)
			if (defs[k].shortopt == ch && ch != 0)
				i = k;
		if (ch == ':') {
			say(why, cap, "option '%s' needs a value", argv[optind - 1]);
			act = OPTS_BAD;
		} else if (i < 0) {
			say(why, cap, "unknown option '%s'", argv[optind - 1]);
			act = OPTS_BAD;
		} else if (defs[i].kind == K_ACTION) {
			const char *n = defs[i].name;
			if (strcmp(n, "config") == 0) {
				a->config = optarg;
			} else if (strcmp(n, "check-config") == 0) {
				a->check = true;
				a->check_file = optarg;
			} else if (act == OPTS_RUN) {
				act = strcmp(n, "help") == 0          ? OPTS_HELP
				    : strcmp(n, "hash-password") == 0 ? OPTS_HASH
				                                      : OPTS_VERSION;
			}
		} else {
			char err[OPTS_ERROR_LEN];
			if (!set_value(&scratch, &defs[i], optarg, err, sizeof err)) {
				say(why, cap, "bad --%s '%s' (%s)", defs[i].name,
				    (defs[i].flags & F_SECRET) ? "..." : optarg, err);
				act = OPTS_BAD;
			} else {
				a->items[a->n++] = (struct opts_arg){ i, optarg };
			}
		}
	}
	/* Flags that contradict each other are usage errors before any file is read. */
	if (act == OPTS_RUN && !scratch.srv.plain && !scratch.srv.tls) {
		say(why, cap, "--no-plain and --no-tls leave nothing to listen on");
		act = OPTS_BAD;
	} else if (act == OPTS_RUN &&
	    (scratch.srv.tls_cert == NULL) != (scratch.srv.tls_key == NULL)) {
		say(why, cap, "--tls-cert and --tls-key go together");
		act = OPTS_BAD;
	}
	opts_free(&scratch);
	if (act == OPTS_RUN && a->check && a->check_file == NULL && optind == argc - 1)
		a->check_file = argv[optind++]; /* --check-config FILE */
	if (a->check_file != NULL)
		a->config = a->check_file;
	if (act != OPTS_BAD && optind < argc) {
		say(why, cap, "unexpected argument '%s'", argv[optind]);
		act = OPTS_BAD;
	}
	if (act == OPTS_RUN && a->check)
		act = OPTS_CHECK;
	return act;
}

void
opts_args_free(struct opts_args *a)
{
	free(a->items);
	a->items = NULL;
	a->n = 0;
}

const char *
opts_default_config(void)
{
	return LANCHAT_CONFIG_DEFAULT;
}

const char *
opts_config_path(const struct opts_args *a, const char *default_path)
{
	if (a->config != NULL)
		return a->config;
	if (default_path != NULL && access(default_path, F_OK) == 0)
		return default_path;
	return NULL;
}

/* ---- The config file ---- */

struct load {
	struct opts *o;
	struct opts_errors *e;
	const char *name;
	int line;            /* of the line last handed to inih */
	int first_key_error; /* line of the first error found in a key or value */
	int seen[NDEFS];     /* line where each key was set */
	FILE *f;             /* read from f, or from text */
	const char *text;
	size_t left;
};

static void error_at(struct load *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_error(struct opts_errors *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add_error(struct opts_errors *e, const char *fmt, ...)
{
	va_list ap;
	if (e->n < OPTS_ERRORS_KEPT) {
		va_start(ap, fmt);
		vsnprintf(e->text[e->n], sizeof e->text[0], fmt, ap);
		va_end(ap);
	}
	e->n++;
}

static void
error_at(struct load *l, const char *fmt, ...)
{
	char msg[OPTS_ERROR_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	add_error(l->e, "%s:%d: %s", l->name, l->line, msg);
}

static int
next_byte(struct load *l)
{
	if (l->f != NULL)
		return getc(l->f);
	if (l->left == 0)
		return EOF;
	l->left--;
	return (unsigned char)*l->text++;
}

/*
 * inih's reader: one whole line per call, so that l->line is the line the handler is
 * called for. Lines inih would cut, sections and NUL bytes are reported here and handed on
 * as empty lines.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct load *l = stream;
	size_t len = 0, max = (size_t)num - 3 < CONFIG_LINE_MAX ? (size_t)num - 3 : CONFIG_LINE_MAX;
	bool nul = false;
	int ch;

	while ((ch = next_byte(l)) != EOF && ch != '\n') {
		if (ch == '\0')
			nul = true;
		if (len <= max)
			str[len] = (char)ch;
		len++;
	}
	if (ch == EOF && len == 0)
		return NULL;
	l->line++;
	if (len > 0 && len <= max + 1 && str[len - 1] == '\r')
		len--;
	if (len > max) {
		error_at(l, "line longer than %zu bytes", max);
		len = 0;
	} else if (nul) {
		error_at(l, "NUL byte in the line");
		len = 0;
	} else {
		size_t k = strspn(str, " \t");
		str[len] = '\0';
		if (k < len && str[k] == '[') {
			error_at(l, "sections are not used: every key stands on its own");
			len = 0;
		} else if (k < len && str[k] != '#' && str[k] != ';' &&
		    strpbrk(str, "=:") == NULL) {
			/* inih would report only the first of these, as a bare line number. */
			error_at(l, "expected 'key = value'");
			len = 0;
		}
	}
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

static int
find_def(const char *name)
{
	for (int i = 0; i < NDEFS; i++)
		if (strcmp(defs[i].name, name) == 0)
			return i;
	return -1;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load *l = user;
	char why[OPTS_ERROR_LEN];
	int i = find_def(name);
	bool ok = false;

	(void)section; /* never set: read_line refuses section lines */
	if (i < 0) {
		error_at(l, "unknown key '%s'", name);
	} else if (defs[i].kind == K_ACTION) {
		error_at(l, "'%s' is given on the command line only", name);
	} else if (l->seen[i] != 0 && defs[i].kind != K_LIST) {
		error_at(l, "'%s' is already set on line %d", name, l->seen[i]);
	} else if (value[0] == ';') {
		/* "key=;x" holds ";x", but "key = ;x", as the file would be written, a comment. */
		error_at(l, "a value of '%s' may not start with ';' (it reads as a comment)", name);
	} else if (!set_value(l->o, &defs[i], value, why, sizeof why)) {
		if (defs[i].flags & F_SECRET)
			error_at(l, "bad %s (%s)", name, why);
		else
			error_at(l, "bad %s '%s' (%s)", name, value, why);
	} else {
		l->seen[i] = l->line;
		ok = true;
	}
	if (!ok && l->first_key_error == 0)
		l->first_key_error = l->line;
	return ok;
}

static void
apply_args(struct opts *o, const struct opts_args *a, struct opts_errors *e)
{
	bool cleared[NDEFS] = { false };
	char why[OPTS_ERROR_LEN];

	for (int k = 0; a != NULL && k < a->n; k++) {
		const struct opt_def *d = &defs[a->items[k].def];
		/* A repeatable flag on the command line replaces the file's entries. */
		if (d->kind == K_LIST && !cleared[a->items[k].def]) {
			list_clear(o, d);
			cleared[a->items[k].def] = true;
		}
		if (!set_value(o, d, a->items[k].value, why, sizeof why))
			add_error(e, "--%s: %s", d->name, why);
	}
}

/*
 * What the settings say together, once the file (named name; NULL if none) and the flags
 * are in. An error here names the file, as every error from reading one does.
 */
static void
finish(struct opts *o, const struct opts_args *a, bool tls_port_set, const char *name,
    struct opts_errors *e)
{
	const char *in = name != NULL ? name : "", *sep = name != NULL ? ": " : "";

	for (int k = 0; a != NULL && k < a->n; k++)
		tls_port_set |= strcmp(defs[a->items[k].def].name, "tls-port") == 0;
	/* "port = 0" asks for free ports: the TLS listener takes one too unless told otherwise. */
	if (!tls_port_set && strcmp(o->srv.port, "0") == 0)
		str_copy(o->srv.tls_port, "0", sizeof o->srv.tls_port);
	if (!o->srv.plain && !o->srv.tls)
		add_error(e, "%s%sno-plain and no-tls leave nothing to listen on", in, sep);
	if ((o->srv.tls_cert == NULL) != (o->srv.tls_key == NULL))
		add_error(e, "%s%stls-cert and tls-key go together", in, sep);
}

static int
load(struct load *l, const struct opts_args *a)
{
	int rc;

	/* A line starting with a blank would continue the previous value: refuse it instead. */
#ifdef LANCHAT_INI_RUNTIME_OPTIONS
	ini_allow_multiline = false;
#endif
	rc = ini_parse_stream(read_line, l, on_key, l);
	if (rc == -2)
		add_error(l->e, "out of memory reading the config file");
	else if (rc > 0 && (l->first_key_error == 0 || rc < l->first_key_error))
		add_error(l->e, "%s:%d: expected 'key = value'", l->name, rc);
	apply_args(l->o, a, l->e);
	finish(l->o, a, l->seen[find_def("tls-port")] != 0, l->name, l->e);
	return l->e->n;
}

int
opts_load(struct opts *o, const char *path, const struct opts_args *a, struct opts_errors *e)
{
	struct load l = { .o = o, .e = e, .name = path };
	int n;

	opts_init(o);
	e->n = 0;
	if (path == NULL) {
		apply_args(o, a, e);
		finish(o, a, false, NULL, e);
		return e->n;
	}
	if ((l.f = fopen(path, "r")) == NULL) {
		add_error(e, "%s: %s", path, strerror(errno));
		return e->n;
	}
	n = load(&l, a);
	if (ferror(l.f)) {
		add_error(e, "%s: read error", path);
		n = e->n;
	}
	fclose(l.f);
	return n;
}

int
opts_load_text(struct opts *o, const char *name, const char *text, size_t len,
    const struct opts_args *a, struct opts_errors *e)
{
	struct load l = { .o = o, .e = e, .name = name, .text = text, .left = len };
	opts_init(o);
	e->n = 0;
	return load(&l, a);
}

/* ---- Help, listing, reload ---- */

enum { HELP_COLUMN = 25 }; /* where the help texts start */

void
opts_usage(FILE *f)
{
	struct opts def;

	opts_init(&def);
	fprintf(f, "usage: lanchatd [options]\n");
	for (int i = 0; i < NDEFS; i++) {
		const struct opt_def *d = &defs[i];
		char left[64], val[128], help[512];
		const char *p, *nl;

		snprintf(left, sizeof left, "  %c%c%s--%s%s%s", d->shortopt ? '-' : ' ',
		    d->shortopt ? d->shortopt : ' ', d->shortopt ? ", " : "  ", d->name,
		    d->arg ? " " : "", d->arg ? d->arg : "");
		opts_format(&def, i, val, sizeof val);
		/* The one "%s" a help text may hold is its default. */
		p = strstr(d->help, "%s");
		if (p != NULL)
			snprintf(
			    help, sizeof help, "%.*s%s%s", (int)(p - d->help), d->help, val, p + 2);
		else
			str_copy(help, d->help, sizeof help);
		fprintf(f, "%-*s", HELP_COLUMN, left);
		if (strlen(left) >= HELP_COLUMN)
			fprintf(f, "\n%*s", HELP_COLUMN, "");
		for (p = help; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			fprintf(f, "%.*s\n%*s", (int)(nl - p), p, HELP_COLUMN, "");
		fprintf(f, "%s\n", p);
	}
	opts_free(&def);
}

void
opts_write(FILE *f, const struct opts *o)
{
	for (int i = 0; i < NDEFS; i++) {
		const struct opt_def *d = &defs[i];
		char val[OPTS_ERROR_LEN * 2];
		if (d->kind == K_ACTION)
			continue;
		if (d->kind == K_LIST) {
			const char **vals = field(o, d);
			int n = *list_count(o, d);
			if (n == 0)
				fprintf(f, "# %s: none\n", d->name);
			for (int k = 0; k < n; k++)
				fprintf(f, "%s = %s\n", d->name, vals[k]);
			continue;
		}
		opts_format(o, i, val, sizeof val);
		if (d->kind == K_TEXT && val[0] == '\0')
			fprintf(f, "# %s: none\n", d->name); /* no default state dir: no home */
		else
			fprintf(f, "%s = %s\n", d->name, val);
	}
}

int
opts_count(void)
{
	return NDEFS;
}

const char *
opts_key(int i)
{
	return defs[i].name;
}

bool
opts_key_is_setting(int i)
{
	return defs[i].kind != K_ACTION;
}

static size_t
field_size(const struct opt_def *d)
{
	switch (d->kind) {
	case K_FLAG:
		return sizeof(bool);
	case K_INT:
		return sizeof(int);
	case K_SIZE:
		return sizeof(size_t);
	case K_TEXT:
		return (size_t)d->max;
	case K_STR:
		return sizeof(char *);
	case K_LIST:
		return (size_t)d->max * sizeof(char *);
	case K_ACTION:
		break;
	}
	return 0;
}

static void
swap_bytes(void *a, void *b, size_t n)
{
	unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++) {
		unsigned char t = x[i];
		x[i] = y[i];
		y[i] = t;
	}
}

static void
append_name(char *buf, size_t cap, const char *name)
{
	size_t len = strlen(buf);
	if (len < cap)
		snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", name);
}

int
opts_settle(
    struct opts *next, struct opts *cur, char *names, size_t ncap, char *changed, size_t ccap)
{
	int restart = 0;

	names[0] = changed[0] = '\0';
	for (int i = 0; i < NDEFS; i++) {
		const struct opt_def *d = &defs[i];
		char a[OPTS_ERROR_LEN * 2], b[OPTS_ERROR_LEN * 2];
		if (d->kind == K_ACTION)
			continue;
		opts_format(cur, i, a, sizeof a);
		opts_format(next, i, b, sizeof b);
		if (strcmp(a, b) == 0)
			continue;
		if (!(d->flags & F_RESTART)) {
			append_name(changed, ccap, d->name);
			continue;
		}
		/* Ownership moves with the bytes: whatever cur holds afterwards is freed with it. */
		swap_bytes(field(next, d), field(cur, d), field_size(d));
		if (d->kind == K_LIST)
			swap_bytes(list_count(next, d), list_count(cur, d), sizeof(int));
		append_name(names, ncap, d->name);
		restart++;
	}
	return restart;
}
