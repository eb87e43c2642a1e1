/*
 * libFuzzer target for lanchatd's config file loading (server/options.c over libinih). The
 * input is a config file. Promises checked: the error count is never negative and the kept
 * messages are terminated and name the file; with no errors, every value written back out
 * as "key = value" loads again to the same settings. Broken promises abort.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/options.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opts o, again;
	struct opts_errors e;
	char *text = NULL;
	size_t len = 0;
	int n = opts_load_text(&o, "fuzz.conf", (const char *)data, size, NULL, &e);

	CHECK(n >= 0 && n == e.n);
	for (int i = 0; i < n && i < OPTS_ERRORS_KEPT; i++) {
		CHECK(memchr(e.text[i], '\0', sizeof e.text[i]) != NULL);
		CHECK(strncmp(e.text[i], "fuzz.conf", 9) == 0);
	}
	if (n == 0) {
		FILE *f = open_memstream(&text, &len);
		CHECK(f != NULL);
		opts_write(f, &o);
		fclose(f);
		CHECK(opts_load_text(&again, "again.conf", text, len, NULL, &e) == 0);
		for (int i = 0; i < opts_count(); i++) {
			char a[2048], b[2048];
			opts_format(&o, i, a, sizeof a);
			opts_format(&again, i, b, sizeof b);
			CHECK(strcmp(a, b) == 0);
		}
		opts_free(&again);
		free(text);
	}
	opts_free(&o);
	return 0;
}
