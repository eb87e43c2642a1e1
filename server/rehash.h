/*
 * rehash: the settings in force. They are loaded at start-up (defaults, then the config
 * file, then the flags) and again on SIGHUP, or REHASH from a server operator, without
 * dropping anyone: a new config file with errors is refused and the running settings kept;
 * settings that cannot change while running (ports, bind address, server name, beacons,
 * the dashboard, the state directory and whether history is kept) are reported as needing a restart and keep their running value.
 */
#ifndef LANCHAT_REHASH_H
#define LANCHAT_REHASH_H

#include <stdbool.h>
#include <stddef.h>

#include "server/options.h"

/*
 * Loads the settings for a (which must outlive the server) into srv.cfg, sets the log
 * level and reads the MOTD. Errors go to stderr; NULL means do not start.
 */
const struct opts *rehash_start(const struct opts_args *a);
/* --check-config: loads as above, prints the result or the errors; true if it is valid. */
bool rehash_check(const struct opts_args *a);
/*
 * Re-reads the config file and the MOTD and applies what may change while running. Logs
 * what changed, what needs a restart, or why the new file was refused (then returns false).
 * Called on SIGHUP, and by REHASH from a server operator.
 */
bool rehash_run(void);
/* The config file reloads read, as one word for a reply ("*" when there is none). */
const char *rehash_config_name(void);
/* Frees the settings. */
void rehash_stop(void);

/*
 * A reload step of another module, run with the new settings before they are applied.
 * Returning false (with why) refuses the whole reload; the hook then keeps its old state.
 * The TLS certificate and key are meant to be re-read through one of these.
 */
typedef bool (*rehash_hook_fn)(const struct opts *next, char *why, size_t cap);
void rehash_add_hook(rehash_hook_fn fn);

#endif
