#include "server/numerics.h"

#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "server/conn.h"

static const struct {
	enum num_error e;
	const char *text;
} texts[] = {
	{ NUM_NO_SUCH_NICK, "No such nick/channel" },
	{ NUM_NO_SUCH_CHANNEL, "No such channel" },
	{ NUM_CANNOT_SEND_TO_CHAN, "Cannot send to channel" },
	{ NUM_TOO_MANY_CHANNELS, "You have joined too many channels" },
	{ NUM_TOO_MANY_TARGETS, "Too many targets" },
	{ NUM_NO_ORIGIN, "No origin specified" },
	{ NUM_INVALID_CAP_CMD, "Invalid CAP command" },
	{ NUM_NO_RECIPIENT, "No recipient given" },
	{ NUM_NO_TEXT_TO_SEND, "No text to send" },
	{ NUM_INPUT_TOO_LONG, "Input line was too long" },
	{ NUM_UNKNOWN_COMMAND, "Unknown command" },
	{ NUM_NO_MOTD, "MOTD File is missing" },
	{ NUM_NO_NICKNAME_GIVEN, "No nickname given" },
	{ NUM_ERRONEUS_NICKNAME, "Erroneous nickname" },
	{ NUM_NICKNAME_IN_USE, "Nickname is already in use" },
	{ NUM_USER_NOT_IN_CHANNEL, "They aren't on that channel" },
	{ NUM_NOT_ON_CHANNEL, "You're not on that channel" },
	{ NUM_USER_ON_CHANNEL, "is already on channel" },
	{ NUM_NOT_REGISTERED, "You have not registered" },
	{ NUM_NEED_MORE_PARAMS, "Not enough parameters" },
	{ NUM_ALREADY_REGISTERED, "You may not reregister" },
	{ NUM_KEY_SET, "Channel key already set" },
	{ NUM_CHANNEL_IS_FULL, "Cannot join channel (+l)" },
	{ NUM_UNKNOWN_MODE, "is unknown mode char to me" },
	{ NUM_INVITE_ONLY_CHAN, "Cannot join channel (+i)" },
	{ NUM_BANNED_FROM_CHAN, "Cannot join channel (+b)" },
	{ NUM_BAD_CHANNEL_KEY, "Cannot join channel (+k)" },
	{ NUM_BAN_LIST_FULL, "Channel list is full" },
	{ NUM_BAD_CHAN_NAME, "Illegal channel name" },
	{ NUM_CHANOP_PRIVS_NEEDED, "You're not channel operator" },
	{ NUM_UMODE_UNKNOWN_FLAG, "Unknown MODE flag" },
	{ NUM_USERS_DONT_MATCH, "Can't change mode for other users" },
	{ NUM_INVALID_MODE_PARAM, "Invalid mode parameter" },
};

const char *
num_text(enum num_error e)
{
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i].e == e)
			return texts[i].text;
	return NULL;
}

const char *
num_word(const char *p, char *buf, size_t cap)
{
	size_t n = strcspn(p, " ");
	if (n == 0)
		return "*";
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

void
num_reply(struct conn *c, enum num_error e, const char *param)
{
	char code[8], w[IRC_LINE_MAX];
	const char *text = num_text(e);

	snprintf(code, sizeof code, "%03d", (int)e);
	if (text == NULL)
		text = "Error";
	if (param == NULL)
		conn_reply(c, code, ":%s", text);
	else
		conn_reply(c, code, "%s :%s", num_word(param, w, sizeof w), text);
}
