#include "common/telnet.h"

#include <stdbool.h>

enum {
	T_SE = 240, T_EC = 247, T_SB = 250, T_WILL = 251, T_WONT = 252, T_DO = 253,
	T_DONT = 254, T_IAC = 255
};

/* Where in a sequence the stream is. */
enum { S_DATA = 0, S_IAC, S_WILL, S_WONT, S_DO, S_DONT, S_SB, S_SB_IAC };

/* Erases the character before out (back to a line end at most); returns the new end. */
static size_t
erase(const char *buf, size_t out)
{
	if (out == 0 || buf[out - 1] == '\n' || buf[out - 1] == '\r')
		return out;
	out--;
	/* Continuation bytes belong to the character that started before them. */
	for (int k = 0; k < 3 && out > 0 && ((unsigned char)buf[out] & 0xc0) == 0x80 &&
	    ((unsigned char)buf[out - 1] & 0x80) != 0;
	    k++)
		out--;
	return out;
}

static void
answer(char *reply, size_t cap, size_t *n, unsigned char verb, unsigned char opt)
{
	if (*n + 3 > cap)
		return;
	reply[(*n)++] = (char)T_IAC;
	reply[(*n)++] = (char)verb;
	reply[(*n)++] = (char)opt;
}

size_t
telnet_filter(struct telnet *t, char *buf, size_t keep, size_t len, char *reply, size_t cap,
    size_t *reply_len)
{
	size_t out = keep;

	*reply_len = 0;
	for (size_t i = keep; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		switch (t->state) {
		case S_DATA:
			if (c == T_IAC)
				t->state = S_IAC;
			else if (c == 0x08 || c == 0x7f)
				out = erase(buf, out);
			else
				buf[out++] = (char)c;
			break;
		case S_IAC:
			t->state = S_DATA;
			if (c == T_IAC)
				buf[out++] = (char)c; /* an escaped 0xFF */
			else if (c == T_EC)
				out = erase(buf, out);
			else if (c == T_SB)
				t->state = S_SB;
			else if (c >= T_WILL && c <= T_DONT)
				t->state = (unsigned char)(S_WILL + (c - T_WILL));
			/* NOP, GA, AYT and the rest mean nothing here. */
			break;
		case S_WILL:
			answer(reply, cap, reply_len, T_DONT, c);
			t->state = S_DATA;
			break;
		case S_DO:
			answer(reply, cap, reply_len, T_WONT, c);
			t->state = S_DATA;
			break;
		case S_WONT:
		case S_DONT:
			/* Agreeing to a refusal needs no answer; answering would start a loop. */
			t->state = S_DATA;
			break;
		case S_SB:
			if (c == T_IAC)
				t->state = S_SB_IAC;
			break;
		case S_SB_IAC:
			t->state = c == T_SE ? S_DATA : S_SB;
			break;
		default:
			t->state = S_DATA;
			break;
		}
	}
	return out;
}
