/*
 * config: the client's settings, read from an INI file (~/.config/lanchat/config, parsed by
 * libinih) and changed for one run by /set. Pure but for cfg_load, which reads the file.
 *
 *   [user]    nick, realname
 *   [ui]      time_format (strftime), colours (on/off), highlight (words besides our nick)
 *   [log]     enabled (on/off)
 *   [notify]  bell (on/off), command (a program and its arguments; the sender and the text
 *             are added as two more arguments; never run through a shell)
 *   [dcc]     dir, max_size (bytes, or with K/M/G), ports (LOW-HIGH), timeout (seconds)
 *   [server NAME]  host (HOST[:PORT]), channels (joined there), autoconnect (on/off)
 *
 * An unknown section or key, or a bad value, is an error naming the file and line.
 */
#ifndef LANCHAT_CONFIG_H
#define LANCHAT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"

enum { CFG_PATH_MAX = 1024, CFG_ERR_MAX = CFG_PATH_MAX + 256, CFG_NAME_LEN = 63 };

struct cfg_server {
	char name[CFG_NAME_LEN + 1];
	char host[256];
	char port[16];
	char channels[CHANNELS_PER_CLIENT][CHANNEL_LEN + 1];
	int nchannels;
	bool autoconnect;
	bool tls;        /* tls = yes: over TLS, port 6697 unless host names one */
	bool port_given; /* host named a port */
};

struct config {
	char nick[NICK_LEN + 1];         /* "" = $USER */
	char realname[REALNAME_LEN + 1];
	char time_format[TIME_FORMAT_LEN + 1];
	bool colours;
	char highlight[HIGHLIGHT_WORDS_MAX][HIGHLIGHT_WORD_LEN + 1];
	int nhighlight;
	bool log;
	bool bell;
	char notify_cmd[NOTIFY_CMD_LEN + 1]; /* "" = none */
	char dcc_dir[CFG_PATH_MAX];      /* "" = ~/Downloads */
	uint64_t dcc_max_size;
	int dcc_port_min, dcc_port_max;  /* 0 = any free port */
	int dcc_timeout_s;
	struct cfg_server servers[CONFIG_SERVERS_MAX];
	int nservers;
};

void cfg_defaults(struct config *c);
/*
 * Reads INI text. fname names it in errors: "FILE:LINE: what is wrong". Returns false (with
 * err set) on the first error; values read before it are kept.
 */
bool cfg_parse(struct config *c, const char *text, const char *fname, char *err, size_t cap);
/* Reads path; a missing file is no error (the defaults stand). */
bool cfg_load(struct config *c, const char *path, char *err, size_t cap);
/* $var/rest, or ~/fallback/rest when var is unset: an XDG base directory path. */
void cfg_xdg_path(char *buf, size_t cap, const char *var, const char *fallback,
    const char *rest);
/* The config file's path: $XDG_CONFIG_HOME/lanchat/config or ~/.config/lanchat/config. */
void cfg_default_path(char *buf, size_t cap);

/* "section.key" = value, as /set does it; false with err set for an unknown key or bad value. */
bool cfg_set(struct config *c, const char *key, const char *value, char *err, size_t cap);
/* The value of "section.key" as text, or false if there is no such key. */
bool cfg_get(const struct config *c, const char *key, char *buf, size_t cap);
/* The keys /set knows, NULL-terminated. */
extern const char *const cfg_keys[];

/* The [server NAME] section called name (case-insensitive), or NULL. */
const struct cfg_server *cfg_server(const struct config *c, const char *name);
/* The first server with autoconnect on, or NULL. */
const struct cfg_server *cfg_autoconnect(const struct config *c);

#endif
