/*
 * libFuzzer target for the client's reading of channel modes (client/modes): the input is
 * "TOKEN\nMODESTRING ARG ARG ..." where TOKEN is an ISUPPORT token. Whatever it says, the
 * known modes stay letters with a prefix each, a split gives at most cap changes, every
 * parameter is one of the words given, and every sentence and refusal fits its buffer.
 */
#include <string.h>

#include "client/chanmodes.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], buf[256];
	const char *args[16];
	struct chm_info mi;
	struct chm_change ch[CHM_CHANGES_MAX];
	int nargs = 0;

	if (size >= sizeof in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	chm_info_default(&mi);
	char *nl = strchr(in, '\n');
	char *line = in;
	if (nl != NULL) {
		*nl = '\0';
		/* Several tokens, as a 005 line carries them. */
		for (char *save = NULL, *t = strtok_r(in, " ", &save); t; t = strtok_r(NULL, " ", &save))
			chm_info_token(&mi, t);
		line = nl + 1;
	}
	CHECK(strlen(mi.status_modes) == strlen(mi.status_chars));
	CHECK(strlen(mi.status_modes) <= CHM_PREFIX_MAX);
	CHECK(mi.per_line >= 1 && mi.per_line <= CHM_PER_LINE_MAX);

	char *save = NULL, *modestr = strtok_r(line, " ", &save);
	if (modestr == NULL)
		return 0;
	for (char *a = strtok_r(NULL, " ", &save); a != NULL && nargs < 16;
	     a = strtok_r(NULL, " ", &save))
		args[nargs++] = a;
	int n = chm_split(&mi, modestr, args, nargs, ch, CHM_CHANGES_MAX);
	CHECK(n >= 0 && n <= CHM_CHANGES_MAX);
	for (int i = 0; i < n; i++) {
		bool known = false;
		for (int k = 0; k < nargs; k++)
			known |= ch[i].arg == args[k];
		CHECK(ch[i].arg == NULL || known);
		CHECK(ch[i].status == 0 || strchr(mi.status_chars, ch[i].status) != NULL);
		chm_sentence(&ch[i], "who", "#chan", buf, sizeof buf);
		CHECK(strlen(buf) < sizeof buf);
	}
	for (int num = 470; num <= 483; num++)
		if (chm_refusal(num, modestr, line, buf, sizeof buf))
			CHECK(strlen(buf) < sizeof buf);
	return 0;
}
