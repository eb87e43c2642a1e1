#include "server/rehash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/archive.h"
#include "server/motd.h"
#include "server/oper.h"
#include "server/server.h"

enum { REHASH_HOOKS_MAX = 4, REHASH_NAMES_LEN = 512 };

static const struct opts_args *args;
static struct opts *cur;
static rehash_hook_fn hooks[REHASH_HOOKS_MAX];
static int nhooks;

void
rehash_add_hook(rehash_hook_fn fn)
{
	if (nhooks < REHASH_HOOKS_MAX)
		hooks[nhooks++] = fn;
}

static const char *
config_path(void)
{
	return opts_config_path(args, opts_default_config());
}

/* Loads into a new struct; on errors reports them through report() and returns NULL. */
static struct opts *
load(const char *path, void (*report)(const char *text))
{
	struct opts *o = xcalloc(1, sizeof *o);
	struct opts_errors e;
	char more[64];

	if (opts_load(o, path, args, &e) == 0)
		return o;
	for (int i = 0; i < e.n && i < OPTS_ERRORS_KEPT; i++)
		report(e.text[i]);
	if (e.n > OPTS_ERRORS_KEPT) {
		snprintf(more, sizeof more, "... and %d more errors", e.n - OPTS_ERRORS_KEPT);
		report(more);
	}
	opts_free(o);
	free(o);
	return NULL;
}

static void
to_stderr(const char *text)
{
	log_print(LOG_ERROR, "lanchatd: %s", text);
}

static void
to_log(const char *text)
{
	log_error("reload refused: %s", text);
}

static void
apply(struct opts *o)
{
	/* The strings srv.cfg points to are o's, which stay until the next reload. */
	srv.cfg = o->srv;
	log_set_level((enum log_level)opts_log_level(o));
	motd_load(o->srv.motd_path);
	arc_configure(&o->history);
	oper_configure(o->oper, o->noper);
}

const struct opts *
rehash_start(const struct opts_args *a)
{
	const char *path;

	args = a;
	path = config_path();
	if ((cur = load(path, to_stderr)) == NULL) {
		log_print(LOG_ERROR,
		    "lanchatd: not started: fix %s (lanchatd --check-config checks it)",
		    path ? path : "the flags");
		return NULL;
	}
	apply(cur);
	if (path != NULL)
		log_info("settings from %s", path);
	return cur;
}

bool
rehash_check(const struct opts_args *a)
{
	const char *path;
	struct opts *o;

	args = a;
	path = config_path();
	if ((o = load(path, to_stderr)) == NULL)
		return false;
	opts_write(stdout, o);
	fprintf(stderr, "lanchatd: %s: OK\n", path ? path : "no config file, flags");
	opts_free(o);
	free(o);
	return true;
}

bool
rehash_run(void)
{
	const char *path = config_path();
	char restart[REHASH_NAMES_LEN], changed[REHASH_NAMES_LEN], why[256];
	struct opts *next;

	log_info("reload: reading %s", path ? path : "no config file (defaults and flags)");
	if ((next = load(path, to_log)) == NULL) {
		log_error("reload refused: the running settings stay as they were");
		return false;
	}
	for (int i = 0; i < nhooks; i++) {
		if (!hooks[i](next, why, sizeof why)) {
			log_error("reload refused: %s", why);
			opts_free(next);
			free(next);
			return false;
		}
	}
	if (opts_settle(next, cur, restart, sizeof restart, changed, sizeof changed) > 0)
		log_warn("reload: %s changed; the running values stay until a restart", restart);
	apply(next);
	opts_free(cur);
	free(cur);
	cur = next;
	log_info("reload: done; MOTD re-read; changed: %s", changed[0] ? changed : "nothing else");
	return true;
}

const char *
rehash_config_name(void)
{
	const char *path = config_path();
	return path != NULL && path[0] != '\0' && strchr(path, ' ') == NULL ? path : "*";
}

void
rehash_stop(void)
{
	if (cur != NULL) {
		opts_free(cur);
		free(cur);
		cur = NULL;
	}
}
