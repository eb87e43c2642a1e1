#include "server/motd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/sanitize.h"
#include "common/util.h"
#include "server/server.h"

const char *
motd_default_path(void)
{
	/* Where "cmake --install" put assets/motd.txt; never the source or build tree. */
	return LANCHAT_MOTD_INSTALLED;
}

void
motd_load(const char *path)
{
	char line[IRC_LINE_MAX];
	FILE *f;

	srv_motd_clear();
	if (path == NULL)
		path = motd_default_path();
	if ((f = fopen(path, "r")) == NULL) {
		log_warn("motd %s: %s; clients get 422 (no MOTD)", path, strerror(errno));
		return;
	}
	while (srv.motd_lines < MOTD_LINES_MAX && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		/* Lines go out as "372 nick :- text": leave room for that. */
		line[san_utf8_cut(line, strlen(line), IRC_LINE_BODY - 100)] = '\0';
		srv.motd[srv.motd_lines++] = xstrdup(line[0] ? line : " ");
	}
	fclose(f);
}
