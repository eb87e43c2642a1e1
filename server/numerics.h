/*
 * numerics: the errors the server reports, as data. Actions return an enum num_error; the
 * IRC dialect renders it as a numeric reply with the text from one table (num_reply), the
 * plain dialect as a sentence of its own (plain.c). The values are the RFC 1459/2812 codes.
 */
#ifndef LANCHAT_NUMERICS_H
#define LANCHAT_NUMERICS_H

#include <stddef.h>

struct conn;

enum num_error {
	NUM_OK = 0,
	NUM_NO_SUCH_NICK = 401,
	NUM_NO_SUCH_CHANNEL = 403,
	NUM_CANNOT_SEND_TO_CHAN = 404,
	NUM_TOO_MANY_CHANNELS = 405,
	NUM_TOO_MANY_TARGETS = 407,
	NUM_NO_ORIGIN = 409,
	NUM_INVALID_CAP_CMD = 410,
	NUM_NO_RECIPIENT = 411,
	NUM_NO_TEXT_TO_SEND = 412,
	NUM_INPUT_TOO_LONG = 417,
	NUM_UNKNOWN_COMMAND = 421,
	NUM_NO_MOTD = 422,
	NUM_NO_NICKNAME_GIVEN = 431,
	NUM_ERRONEUS_NICKNAME = 432,
	NUM_NICKNAME_IN_USE = 433,
	NUM_USER_NOT_IN_CHANNEL = 441,
	NUM_NOT_ON_CHANNEL = 442,
	NUM_USER_ON_CHANNEL = 443,
	NUM_NOT_REGISTERED = 451,
	NUM_NEED_MORE_PARAMS = 461,
	NUM_ALREADY_REGISTERED = 462,
	NUM_KEY_SET = 467,
	NUM_CHANNEL_IS_FULL = 471,
	NUM_UNKNOWN_MODE = 472,
	NUM_INVITE_ONLY_CHAN = 473,
	NUM_BANNED_FROM_CHAN = 474,
	NUM_BAD_CHANNEL_KEY = 475,
	NUM_BAN_LIST_FULL = 478,
	NUM_BAD_CHAN_NAME = 479,
	NUM_CHANOP_PRIVS_NEEDED = 482,
	NUM_UMODE_UNKNOWN_FLAG = 501,
	NUM_USERS_DONT_MATCH = 502,
	NUM_INVALID_MODE_PARAM = 696,
	/* Not errors and no numerics: a private message kept for an absent account's owner. */
	NUM_OFFLINE_KEPT = 1000,
	NUM_OFFLINE_FULL = 1001,
};

/* The text IRC puts after the colon ("No such nick/channel"); NULL for NUM_OK. */
const char *num_text(enum num_error e);

/*
 * A parameter echoed in an error reply must be one word, or the reply gains parameters:
 * "NICK :a b" is answered about "a", and an empty one as "*". Returns buf or "*".
 */
const char *num_word(const char *p, char *buf, size_t cap);

/* ":server NNN nick PARAM :text", PARAM made one word; without PARAM when it is NULL. */
void num_reply(struct conn *c, enum num_error e, const char *param);

#endif
