/* fuzz_check: what every libFuzzer target here uses to turn a broken promise into a crash. */
#ifndef LANCHAT_FUZZ_CHECK_H
#define LANCHAT_FUZZ_CHECK_H

#include <stdlib.h>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

#endif
