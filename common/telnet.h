/*
 * telnet: the plain-text side of a telnet client (telnet, PuTTY). Option negotiation
 * (IAC ...) is stripped from the byte stream and refused: DO gets WONT and WILL gets DONT,
 * so the client stays in its simple default mode. IAC IAC is a literal 0xFF byte. In
 * character mode a client sends BS (0x08) or DEL (0x7f) as typed, and telnet's EC
 * command likewise: each erases the character before it (a whole UTF-8 character), never
 * past the start of the line. No I/O, no allocation.
 */
#ifndef LANCHAT_TELNET_H
#define LANCHAT_TELNET_H

#include <stddef.h>

/* Zeroed is the initial state. */
struct telnet {
	unsigned char state; /* where inside an IAC sequence the stream stopped */
};

/* The longest answer a single call can produce per input byte. */
enum { TELNET_REPLY_PER_BYTE = 3 };

/*
 * buf[0..keep) is text already filtered (the current unfinished line, possibly after
 * finished ones); buf[keep..len) just arrived. Filters the new bytes in place and returns
 * the new length of buf, which is below keep if a backspace erased some of the old text.
 * Answers go to reply (cap bytes; answers that do not fit are dropped), their length to
 * *reply_len.
 */
size_t telnet_filter(struct telnet *t, char *buf, size_t keep, size_t len, char *reply,
    size_t cap, size_t *reply_len);

#endif
