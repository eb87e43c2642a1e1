/*
 * dcc: files over the LAN with DCC SEND, both ways, as irssi and weechat do it. An offer we
 * make listens on one port (dcc.ports, or any) for one connection, on the address of our
 * connection to the server; an offer we accept connects to the address it names, or, offered
 * passively (port 0 and a token), listens in the same way and answers with where. Received
 * files go to dcc.dir (~/Downloads) under a safe name, written as NAME.part and renamed
 * without overwriting anything when whole; a .part left by a broken transfer is resumed
 * (DCC RESUME/ACCEPT). Bounded: dcc.max_size, dcc.timeout for an offer nobody takes,
 * DCC_STALL_S without progress, DCC_TRANSFERS_MAX at once.
 *
 * The rest of the client is reached through struct dcc_host: lines for the user and CTCP
 * messages to send. Sockets and files are polled through dcc_pollfds and dcc_io.
 */
#ifndef LANCHAT_DCC_H
#define LANCHAT_DCC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/config.h"
#include "client/dcc_proto.h"

struct dcc_host {
	/* A sentence for the user, in the window of nick; attention: it wants an answer. */
	void (*say)(void *arg, const char *nick, bool attention, const char *text);
	/* Sends a CTCP message (the text between the \001s) to nick. */
	void (*ctcp)(void *arg, const char *nick, const char *body);
	void *arg;
};

struct dcc;

struct dcc *dcc_new(const struct config *cfg, struct dcc_host host);
void dcc_free(struct dcc *d);

/* A DCC message from nick (parsed from a CTCP PRIVMSG). */
void dcc_ctcp(struct dcc *d, const char *nick, const struct dcc_msg *m, int64_t now);
/* /send NICK FILE, listening on local_ip (IPv4, host order: our side of the server link). */
void dcc_send(struct dcc *d, const char *nick, const char *path, uint32_t local_ip,
    int64_t now);
/*
 * /accept NICK [NAME] and /decline NICK [NAME]: the newest matching offer. A passive offer
 * is answered by listening on local_ip (as dcc_send).
 */
void dcc_accept(struct dcc *d, const char *nick, const char *name, uint32_t local_ip,
    int64_t now);
void dcc_decline(struct dcc *d, const char *nick, const char *name);
/* /cancel ID, /transfers. */
void dcc_cancel(struct dcc *d, int id);
void dcc_list(struct dcc *d, int64_t now);

/* The descriptors to poll (at most max); dcc_io handles what poll returned for them. */
size_t dcc_pollfds(struct dcc *d, struct pollfd *p, size_t max);
void dcc_io(struct dcc *d, const struct pollfd *p, size_t n, int64_t now);
/* Timeouts; dcc_next_deadline says when dcc_tick has something to do. */
void dcc_tick(struct dcc *d, int64_t now);
int64_t dcc_next_deadline(const struct dcc *d);
/* A progress bar with rate and time left for the busiest transfer; false if none. */
bool dcc_progress(const struct dcc *d, char *buf, size_t cap, int64_t now);

#endif
