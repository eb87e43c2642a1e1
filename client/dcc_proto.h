/*
 * dcc_proto: the words of DCC file transfer inside CTCP, without I/O. The offer
 * "DCC SEND name ip port size" (ip an IPv4 address as one decimal number, a name with spaces
 * in double quotes), and the resume handshake "DCC RESUME name port position" answered by
 * "DCC ACCEPT name port position", as irssi and weechat speak them. A passive offer
 * ("DCC SEND name ip 0 size token") asks the receiver to listen: the answer is the same offer
 * with the receiver's address, port and the token. Also what a file offered by someone else
 * may be called here: no path, no hidden file, nothing invisible.
 */
#ifndef LANCHAT_DCC_PROTO_H
#define LANCHAT_DCC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { DCC_NAME_MAX = 255 };

enum dcc_kind { DCC_SEND, DCC_RESUME, DCC_ACCEPT };

struct dcc_msg {
	enum dcc_kind kind;
	char name[DCC_NAME_MAX + 1]; /* as offered: not yet safe as a file name */
	uint32_t ip;                 /* DCC_SEND: host byte order */
	uint16_t port;               /* 0 in a SEND: a passive offer */
	uint64_t size;               /* DCC_SEND: bytes offered (0: unknown) */
	uint64_t pos;                /* DCC_RESUME, DCC_ACCEPT: where to go on from */
	bool passive;                /* a SEND with port 0: the receiver listens */
	bool has_token;              /* a token follows (passive offers and their answers) */
	uint32_t token;
};

/*
 * Parses the body of a CTCP message (the text between the \001s, "DCC SEND ..."). Returns
 * false for anything else or anything malformed.
 */
bool dcc_parse(const char *ctcp, struct dcc_msg *out);
/*
 * The body of a CTCP offer for name (quoted if it has spaces), with the token of a passive
 * offer after it when token is not NULL; false if it does not fit.
 */
bool dcc_format_send(char *buf, size_t cap, const char *name, uint32_t ip, uint16_t port,
    uint64_t size, const uint32_t *token);
/*
 * A file name safe to create from an offered one: the part after the last '/' or '\',
 * control characters and other invisible ones replaced, a leading '.' replaced (no hidden
 * files), at most DCC_NAME_MAX bytes of whole characters; "" becomes "file".
 */
void dcc_safe_name(char *dst, size_t cap, const char *offered);
/* "2.1 MB", "512 B": sizes as the user reads them. */
void dcc_human_size(char *buf, size_t cap, uint64_t n);

#endif
