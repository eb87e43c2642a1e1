/*
 * libFuzzer target: arbitrary bytes as the parameters of a channel MODE line through the
 * mode parser, the relayed line it yields and its sentence, and as masks matched against
 * a prefix. Besides the sanitizers, it checks the promises server/modes.h makes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "server/modes.h"
#include "tests/fuzz/fuzz.h"

enum { WORDS_MAX = IRC_PARAMS_MAX };

static void
check_req(const struct mode_req *r)
{
	int with_param = 0;

	CHECK(r->n >= 0 && r->n <= MODE_CHANGES_MAX);
	for (int i = 0; i < r->n; i++) {
		enum mode_class cls = mode_class_of(r->v[i].letter);
		CHECK(cls != MODE_CLASS_NONE);
		/* Lists and member statuses always carry their parameter, flags never. */
		if (cls == MODE_CLASS_LIST || cls == MODE_CLASS_MEMBER)
			CHECK(r->v[i].arg != NULL && r->v[i].arg[0] != '\0');
		if (cls == MODE_CLASS_FLAG)
			CHECK(r->v[i].arg == NULL);
		with_param += r->v[i].arg != NULL;
	}
	CHECK(with_param <= CHAN_MODES_PER_LINE);
	for (const char *u = r->unknown; *u; u++)
		CHECK(mode_class_of(*u) == MODE_CLASS_NONE && *u != '+' && *u != '-');
	CHECK(strlen(r->lists) <= 3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[IRC_LINE_MAX + 1], copy[IRC_LINE_MAX + 1], *words[WORDS_MAX], *save = NULL;
	char line[IRC_LINE_MAX], sentence[IRC_LINE_MAX * 2], mask[CHAN_MASK_LEN + 1];
	struct mode_req req, again;
	int n = 0;

	if (size > IRC_LINE_BODY || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memcpy(copy, text, size + 1);
	for (char *w = strtok_r(copy, " ", &save); w != NULL && n < WORDS_MAX;
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	if (n > 0) {
		mode_parse(words[0], n - 1, (const char *const *)words + 1, &req);
		check_req(&req);
		/* The relayed line parses back to the same changes. */
		size_t len = mode_join(req.v, req.n, line, sizeof line);
		CHECK(len == strlen(line) && len < sizeof line);
		if (req.n > 0) {
			char back[IRC_LINE_MAX], *bw[WORDS_MAX], *bs = NULL;
			int bn = 0;
			memcpy(back, line, len + 1);
			for (char *w = strtok_r(back, " ", &bs); w != NULL && bn < WORDS_MAX;
			     w = strtok_r(NULL, " ", &bs))
				bw[bn++] = w;
			mode_parse(bw[0], bn - 1, (const char *const *)bw + 1, &again);
			CHECK(again.n == req.n);
			for (int i = 0; i < req.n; i++)
				CHECK(again.v[i].letter == req.v[i].letter &&
				    again.v[i].plus == req.v[i].plus);
		}
		mode_describe(line, "#lan", sentence, sizeof sentence);
		CHECK(strlen(sentence) < sizeof sentence);
	}
	mode_describe(text, "#fuzz", sentence, sizeof sentence);
	CHECK(mode_flags_parse(text) == mode_flags_parse(text)); /* no state */
	/* The first word as a mask, matched against the rest (and itself once normal). */
	if (n > 0 && mode_mask_normal(words[0], mask, sizeof mask)) {
		CHECK(strlen(mask) <= CHAN_MASK_LEN);
		CHECK(strchr(mask, '!') != NULL && strchr(mask, '@') != NULL);
		if (strpbrk(mask, "*?") == NULL)
			CHECK(mode_mask_match(mask, mask));
		for (int i = 1; i < n; i++)
			(void)mode_mask_match(mask, words[i]);
	}
	if (n >= 2)
		(void)mode_mask_match(words[0], words[1]);
	return 0;
}
