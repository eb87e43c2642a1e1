/*
 * libFuzzer target for the DCC words inside CTCP (client/dcc_proto): whatever parses as an
 * offer must format back to an offer that parses to the same thing, and every input made
 * into a file name must come out as a plain name: no path, nothing hidden, bounded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/dcc_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], name[DCC_NAME_MAX + 1], again[1100];
	struct dcc_msg m, m2;

	if (size >= sizeof in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';

	dcc_safe_name(name, sizeof name, in);
	CHECK(name[0] != '\0' && name[0] != '.' && name[0] != '-');
	CHECK(strchr(name, '/') == NULL && strchr(name, '\\') == NULL);
	CHECK(strlen(name) <= DCC_NAME_MAX);
	for (const char *p = name; *p != '\0'; p++)
		CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);

	if (!dcc_parse(in, &m))
		return 0;
	CHECK(m.name[0] != '\0' && strlen(m.name) <= DCC_NAME_MAX);
	if (m.kind == DCC_SEND &&
	    dcc_format_send(again, sizeof again, m.name, m.ip, m.port, m.size,
	        m.has_token ? &m.token : NULL)) {
		CHECK(dcc_parse(again, &m2));
		CHECK(m2.kind == DCC_SEND && strcmp(m.name, m2.name) == 0);
		CHECK(m.ip == m2.ip && m.port == m2.port && m.size == m2.size);
		CHECK(m.passive == m2.passive && m.has_token == m2.has_token && m.token == m2.token);
	}
	return 0;
}
