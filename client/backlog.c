#include "client/backlog.h"

#include <string.h>

#include "common/util.h"

void
backlog_init(struct backlog *b)
{
	memset(b, 0, sizeof *b);
	seen_init(&b->seen, CLIENT_MSGIDS_SEEN);
}

void
backlog_free(struct backlog *b)
{
	seen_free(&b->seen);
}

void
backlog_note(struct win *w, const char *msgid, int64_t ms)
{
	struct win_hist *h = &w->hist;

	if (ms <= 0)
		return;
	if (ms >= h->newest_ms) {
		h->newest_ms = ms;
		str_copy(
		    h->newest, strlen(msgid) <= CLIENT_MSGID_MAX ? msgid : "", sizeof h->newest);
	}
	if (h->oldest_ms == 0 || ms < h->oldest_ms) {
		h->oldest_ms = ms;
		str_copy(
		    h->oldest, strlen(msgid) <= CLIENT_MSGID_MAX ? msgid : "", sizeof h->oldest);
	}
}
