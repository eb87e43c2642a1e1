/*
 * commands: what the user types. A line starting with '/' runs a command from a table;
 * anything else is said to the current channel. Pure: it works on the session and returns
 * what the caller (main.c) must do with sockets or the screen.
 */
#ifndef LANCHAT_COMMANDS_H
#define LANCHAT_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "client/editor.h"
#include "client/session.h"

enum cmd_action {
	CMD_NONE,
	CMD_QUIT,       /* QUIT is queued: flush, then exit */
	CMD_CONNECT,    /* (re)connect now to the session's host and port */
	CMD_DISCONNECT, /* QUIT is queued: flush, then close and stay idle */
	CMD_WIRE,       /* toggle the wire view */
	CMD_WELCOME,    /* toggle the welcome pane */
	CMD_SERVERS,    /* list the servers heard on the LAN, offer the picker */
	CMD_LAN,        /* toggle the view of people on the LAN */
	CMD_SET,        /* a setting changed: apply the config again */
	CMD_FIND,       /* show the next match of s->find in the window (or its log) */
	CMD_TRUST       /* pin the refused certificate and connect again */
};

enum cmd_action cmd_run(struct session *s, const char *line, int64_t now);

/* Command names ("/join" ...) for Tab completion. */
extern const char *const cmd_names[];
extern const size_t cmd_count;

/*
 * Tab in the input line: completes a command name at the start of a "/" line, else a nick
 * of the current channel (not ours) or a channel name. ED_REFUSED when nothing matches.
 */
enum ed_result cmd_complete(struct session *s, struct editor *ed);

#endif
