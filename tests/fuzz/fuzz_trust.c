/*
 * libFuzzer target for client/trust, the known_servers parser. Whatever parses is formatted,
 * parsed again and must give the same pins; a pin set afterwards must be found. Broken
 * promises abort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

#define FP "ab12cd34ef56789001234567890abcdef0123456789abcdef0123456789abcde"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trust t = { 0 }, again = { 0 };
	size_t len;
	char *text;

	if (trust_parse(&t, (const char *)data, size) != 0) {
		trust_free(&t);
		return 0;
	}
	text = trust_format(&t, &len);
	CHECK(strlen(text) == len);
	CHECK(trust_parse(&again, text, len) == 0);
	CHECK(again.n == t.n);
	for (size_t i = 0; i < t.n; i++) {
		CHECK((t.e[i].raw == NULL) == (again.e[i].raw == NULL));
		if (t.e[i].raw == NULL)
			CHECK(strcmp(t.e[i].key, again.e[i].key) == 0 &&
			    strcmp(t.e[i].fp, again.e[i].fp) == 0);
	}
	if (trust_set(&t, "fuzzhost", "6697", FP) == 0)
		CHECK(trust_check(&t, "FuzzHost", "6697", FP) == TRUST_MATCH);
	free(text);
	trust_free(&again);
	trust_free(&t);
	return 0;
}
