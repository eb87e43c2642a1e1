/* args: lanchat's command line. */
#ifndef LANCHAT_ARGS_H
#define LANCHAT_ARGS_H

#include <stdbool.h>

#include "client/discovery.h"
#include "client/session.h"

struct args {
	const char *nick;              /* -n, else $USER */
	const char *channel;           /* -c, else #lan */
	bool have_server;              /* HOST[:PORT] was given */
	char host[SESS_HOST_LEN + 1];
	char port[SESS_PORT_LEN + 1];
	const char *server_arg;        /* HOST[:PORT] as given (maybe a [server NAME] of the config) */
	bool tls;                      /* --tls or ircs:// */
	const char *config;            /* --config FILE, else the default path */
	bool no_log;                   /* --no-log */
};

/*
 * Parses argv into a and the beacon flags into dcfg. Returns -1 to go on, or the status to
 * exit with (0 after --help or --version, 2 after a usage error, already explained).
 */
int args_parse(struct args *a, struct disc_config *dcfg, int argc, char **argv);

#endif
