#include "client/notify.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void
notify_init(struct notify *n, int64_t now)
{
	memset(n, 0, sizeof *n);
	n->tokens = NOTIFY_BURST;
	n->refilled_at = now;
	n->focused = true;
}

bool
notify_wanted(enum win_act act, bool shown, bool focused)
{
	return (act == WIN_ACT_HIGHLIGHT || act == WIN_ACT_PRIVATE) && (!shown || !focused);
}

bool
notify_allow(struct notify *n, int64_t now)
{
	if (now > n->refilled_at) {
		n->tokens += (double)(now - n->refilled_at) / NOTIFY_MIN_GAP_MS;
		if (n->tokens > NOTIFY_BURST)
			n->tokens = NOTIFY_BURST;
		n->refilled_at = now;
	}
	if (n->tokens < 1) {
		n->dropped++;
		return false;
	}
	n->tokens -= 1;
	n->sent++;
	return true;
}

int
notify_argv(const char *cmd, const char *sender, const char *text, char *store, size_t cap,
    char **argv, int max)
{
	size_t o = 0;
	int n = 0;
	const char *p = cmd;

	while (*p != '\0') {
		p += strspn(p, " \t");
		size_t len = strcspn(p, " \t");
		if (len == 0)
			break;
		/* Room for this word, the sender, the text and the closing NULL. */
		if (n + 4 > max || o + len + 1 > cap)
			return 0;
		memcpy(store + o, p, len);
		store[o + len] = '\0';
		argv[n++] = store + o;
		o += len + 1;
		p += len;
	}
	if (n == 0)
		return 0;
	const char *extra[2] = { sender, text };
	for (int i = 0; i < 2; i++) {
		size_t len = strlen(extra[i]);
		if (o + len + 1 > cap)
			return 0;
		memcpy(store + o, extra[i], len + 1);
		argv[n++] = store + o;
		o += len + 1;
	}
	argv[n] = NULL;
	return n;
}

bool
notify_run(char *const *argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		/* Away from our terminal: its own session, no input, output discarded. */
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		setsid();
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	return true;
}

void
notify_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0) {
	}
}
