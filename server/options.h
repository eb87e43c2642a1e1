/*
 * options: lanchatd's settings, described once in a table that both the command line
 * (getopt_long) and the config file (read with libinih) use, so every flag is also a key of
 * the same name and a flag added to the table gets its key, its help line and its place in
 * --check-config for free.
 *
 * Settings come from three layers: the defaults, then the config file, then the command
 * line, which wins. A config file is "key = value" lines with "#" or ";" comments; there are
 * no sections. Repeatable keys (oper, beacon-addr) are given once per line; flags take yes
 * or no. Unknown keys, bad values, keys given twice, sections and overlong lines are errors
 * that name the file and the line.
 *
 * Pure apart from reading the file: nothing is logged, nothing exits; errors come back as
 * text for the caller to print or log.
 */
#ifndef LANCHAT_OPTIONS_H
#define LANCHAT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "server/announce.h"
#include "server/archive.h"
#include "server/server.h"

/* Everything the flags and keys set. Strings are owned (opts_free frees them). */
struct opts {
	struct srv_config srv;
	struct announce_config beacon; /* port and dest; enabled comes from srv.beacon */
	struct arc_config history;     /* --no-history, --history-days, --history-replay */
	bool no_store;                 /* keep nothing on disk */
	bool dashboard;
	bool verbose;
	bool quiet;
	const char *oper[OPER_MAX]; /* "NAME:HASH": server operators, kept for OPER */
	int noper;
};

/* One setting from the command line. */
struct opts_arg {
	int def;           /* index in the table */
	const char *value; /* NULL for a flag; points into argv */
};

/* What the command line asked for, checked but not yet applied (see opts_load). */
struct opts_args {
	const char *config;     /* --config FILE, or NULL */
	bool check;             /* --check-config [FILE] */
	const char *check_file; /* its FILE, which wins over --config */
	int n;                  /* settings given, in order */
	struct opts_arg *items;
};

enum opts_action { OPTS_RUN, OPTS_HELP, OPTS_VERSION, OPTS_CHECK, OPTS_HASH, OPTS_BAD };

/* Errors kept from one load; n counts them all, the first OPTS_ERRORS_KEPT are kept. */
struct opts_errors {
	int n;
	char text[OPTS_ERRORS_KEPT][OPTS_ERROR_LEN];
};

/*
 * Parses argv with getopt_long (optind is reset, so it may be called again). Every value is
 * checked now; OPTS_BAD puts the reason in why. Free a->items with opts_args_free.
 */
enum opts_action opts_parse_args(struct opts_args *a, int argc, char **argv, char *why, size_t cap);
void opts_args_free(struct opts_args *a);

/*
 * The config file to read: --config, else the default path when a file is there, else NULL.
 * default_path is normally opts_default_config().
 */
const char *opts_config_path(const struct opts_args *a, const char *default_path);
const char *opts_default_config(void);

/* o = defaults. */
void opts_init(struct opts *o);
void opts_free(struct opts *o);
/*
 * o = defaults, then the file at path (NULL: none), then a's flags. Returns the number of
 * errors; o is complete either way, but should not be used when there were any.
 */
int opts_load(struct opts *o, const char *path, const struct opts_args *a, struct opts_errors *e);
/* The same with the file's text given (tests and the fuzzer); name is used in errors. */
int opts_load_text(struct opts *o, const char *name, const char *text, size_t len,
    const struct opts_args *a, struct opts_errors *e);

/*
 * Where the state is kept when --state-dir is not given: $XDG_STATE_HOME/lanchatd, or
 * ~/.local/state/lanchatd; "" when there is neither.
 */
void opts_default_state_dir(char *buf, size_t cap);

/* The log level -v and -q ask for (enum log_level). */
int opts_log_level(const struct opts *o);

/* The help text, generated from the table, with every default filled in. */
void opts_usage(FILE *f);
/* Every setting as a config file would say it (what --check-config prints). */
void opts_write(FILE *f, const struct opts *o);

/* Keys in the table and their properties, for tests and the reload. */
int opts_count(void);
const char *opts_key(int i);
bool opts_key_is_setting(int i); /* false for --help, --config and the like */
/* Value of key i in o as the file would spell it (lists: entries joined by ", "). */
void opts_format(const struct opts *o, int i, char *buf, size_t cap);

/*
 * After a reload: settings that cannot change while running (listening sockets, beacons,
 * the server's name, the store) and differ between cur and next are put back to cur's value in next;
 * their keys are listed in names. Then the keys that still differ are listed in changed.
 * Returns how many needed a restart.
 */
int opts_settle(
    struct opts *next, struct opts *cur, char *names, size_t ncap, char *changed, size_t ccap);

#endif
