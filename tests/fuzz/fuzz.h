/* What every libFuzzer target shares: its entry point, and CHECK, which aborts on a broken promise. */
#ifndef LANCHAT_FUZZ_H
#define LANCHAT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

#endif
