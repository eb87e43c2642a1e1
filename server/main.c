/* lanchatd: flags, signals, start-up and shutdown of the LAN chat server. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <tls.h>

#include "common/net.h"
#include "common/tlskey.h"
#include "common/transport.h"
#include "common/util.h"
#include "server/announce.h"
#include "server/archive.h"
#include "server/conn.h"
#include "server/dashboard.h"
#include "server/loop.h"
#include "server/options.h"
#include "server/passwd.h"
#include "server/rehash.h"
#include "server/server.h"
#include "server/store.h"

static int wake_pipe[2] = { -1, -1 };
static volatile sig_atomic_t reload_wanted;

/* Creates dir and any missing parents; the last one for this user only. */
static int
make_dirs(char *dir)
{
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(dir, 0755);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/*
 * Opens the store in the state directory. A store that cannot be used stops the start-up,
 * except one held by another lanchatd in the default directory (several servers on one
 * machine for a demo): that one runs without, and says so.
 */
static void
open_store(const struct opts *opts)
{
	char path[STATE_DIR_LEN + 32], err[STORE_ERR_LEN], def[STATE_DIR_LEN];

	if (opts->no_store)
		return;
	if (srv.cfg.state_dir[0] == '\0') {
		log_warn(
		    "no state directory (no $XDG_STATE_HOME or $HOME): running without history");
		return;
	}
	if (make_dirs(srv.cfg.state_dir) != 0) {
		log_print(LOG_ERROR, "lanchatd: cannot create the state directory %s: %s",
		    srv.cfg.state_dir, strerror(errno));
		exit(1);
	}
	snprintf(path, sizeof path, "%s/lanchatd.db", srv.cfg.state_dir);
	srv.store = store_open(path, err, sizeof err);
	if (srv.store != NULL)
		return;
	opts_default_state_dir(def, sizeof def);
	if (errno == EBUSY && strcmp(srv.cfg.state_dir, def) == 0) {
		log_warn(
		    "%s; running without history (--state-dir gives this server its own)", err);
		return;
	}
	log_print(LOG_ERROR, "lanchatd: %s", err);
	exit(1);
}

static void
on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGHUP)
		reload_wanted = 1;
	else
		srv.quit = 1;
	if (write(wake_pipe[1], "x", 1) < 0) {
		/* The pipe is full, so a wake-up is already pending. */
	}
	errno = saved;
}

static void
setup_signals(void)
{
	struct sigaction sa;

	if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		perror("lanchatd: pipe");
		exit(1);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * SIGHUP re-reads the config file (systemctl reload). A terminal that closes sends it
	 * too: the server then goes on serving; stop it with SIGTERM.
	 */
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Their default action kills: a stray "kill -USR1" must not take everyone off. */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
}

/* The loop woke up for a signal: a reload is done here, between two passes. */
static void
on_wake(void)
{
	if (reload_wanted) {
		reload_wanted = 0;
		rehash_run();
	}
}

static void
raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("cannot raise the descriptor limit: %s", strerror(errno));
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)srv.cfg.max_clients + 16 > rl.rlim_cur)
		log_warn("--max-clients %d is above what %llu descriptors allow",
		    srv.cfg.max_clients, (unsigned long long)rl.rlim_cur);
}

/*
 * A TLS context presenting the key and certificate cfg names (or the state directory's pair,
 * made on first use). The state directory and the name come from the running settings: they
 * change only with a restart. NULL with err set.
 */
static struct tls *
load_tls(const struct srv_config *cfg, char *fp, char *err, size_t errcap)
{
	char dir[TLS_PATH_LEN];
	struct tlskey k;
	struct tls *ctx;

	if (cfg->tls_cert != NULL) {
		if (tlskey_use(cfg->tls_cert, cfg->tls_key, &k, err, errcap) != 0)
			return NULL;
	} else {
		if (tlskey_state_dir(srv.cfg.state_dir[0] ? srv.cfg.state_dir : NULL, "lanchatd",
		        dir, sizeof dir, err, errcap) != 0 ||
		    tlskey_ensure(dir, srv.cfg.name, &k, err, errcap) != 0)
			return NULL;
		if (k.created)
			log_warn("made a new TLS key and certificate in %s (SHA256:%s)", dir, k.fp);
	}
	if ((ctx = tp_server_new(&k, err, errcap)) == NULL)
		return NULL;
	str_copy(fp, k.fp, TLS_FP_HEX + 1);
	return ctx;
}

/*
 * Reload: the certificate and key are read again (a renewed pair, or other files named).
 * One that cannot be used refuses the whole reload, and the running pair stays. Connections
 * already made keep the session they have; new ones get the new certificate.
 */
static bool
reload_tls(const struct opts *next, char *why, size_t cap)
{
	char fp[TLS_FP_HEX + 1], err[TLS_PATH_LEN + 256];
	struct tls *ctx;

	if (srv.tls == NULL)
		return true; /* no TLS listener: nothing presents a certificate */
	if ((ctx = load_tls(&next->srv, fp, err, sizeof err)) == NULL) {
		snprintf(why, cap, "TLS: %s; the running certificate stays", err);
		return false;
	}
	tls_free(srv.tls);
	srv.tls = ctx;
	if (strcmp(fp, srv.tls_fp) != 0)
		log_warn(
		    "reload: the TLS certificate is now SHA256:%s (was SHA256:%s)", fp, srv.tls_fp);
	str_copy(srv.tls_fp, fp, sizeof srv.tls_fp);
	return true;
}

/* Opens one kind of listener; appends its fds and their "ADDR:PORT" list to desc. */
static int
open_listeners(const char *port, bool tls, char *desc, size_t cap, char *err, size_t errcap)
{
	char addr[NET_ADDRSTR + 8];
	int n = net_listen(srv.cfg.bind, port, srv.listen_fds + srv.nlisten, err, errcap);
	size_t o = strlen(desc);

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		srv.listen_tls[srv.nlisten + i] = tls;
		net_local_str(srv.listen_fds[srv.nlisten + i], addr, sizeof addr);
		o += (size_t)snprintf(desc + o, o < cap ? cap - o : 0, "%s%s", o ? " " : "", addr);
	}
	if (tls)
		srv.tls_port = net_addr_port_of(srv.listen_fds[srv.nlisten]);
	srv.nlisten += n;
	return 0;
}

/*
 * --hash-password: a password from standard input (not echoed when it is a terminal, asked
 * twice there) to a yescrypt hash on standard output, for --oper NAME:HASH.
 */
static int
hash_password(void)
{
	char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2], hash[PASSWORD_HASH_MAX];
	struct termios saved, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	bool ok = true;
	size_t n;

	if (tty) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		fputs("Password: ", stderr);
	}
	ok = fgets(pw, sizeof pw, stdin) != NULL;
	if (ok && tty) {
		fputs("\nAgain: ", stderr);
		ok = fgets(again, sizeof again, stdin) != NULL;
		ok = ok && strcmp(pw, again) == 0;
		explicit_bzero(again, sizeof again);
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputs("\n", stderr);
	}
	n = ok ? strcspn(pw, "\r\n") : 0;
	if (ok && pw[n] == '\0' && n > PASSWORD_MAX)
		ok = false; /* no line end within the buffer: too long */
	pw[n] = '\0';
	if (!ok || n == 0) {
		if (ok)
			fprintf(stderr, "lanchatd: an empty password is not allowed\n");
		else if (tty)
			fprintf(stderr, "lanchatd: the two passwords differ, or none was typed\n");
		else
			fprintf(stderr, "lanchatd: expected one line of at most %d bytes on standard input\n",
			    PASSWORD_MAX);
		explicit_bzero(pw, sizeof pw);
		return 1;
	}
	ok = pw_hash(pw, hash, sizeof hash) == 0;
	explicit_bzero(pw, sizeof pw);
	if (!ok) {
		fprintf(stderr, "lanchatd: cannot hash the password (no random bytes?)\n");
		return 1;
	}
	printf("%s\n", hash);
	return 0;
}

/* What the command line asked for instead of running: help, version, a config check. */
static int
run_action(enum opts_action act, const struct opts_args *args, const char *err)
{
	switch (act) {
	case OPTS_BAD:
		fprintf(stderr, "lanchatd: %s\n", err);
		opts_usage(stderr);
		return 2;
	case OPTS_HELP:
		opts_usage(stdout);
		return 0;
	case OPTS_VERSION:
		printf("lanchatd %s\n", LANCHAT_VERSION);
		return 0;
	case OPTS_CHECK:
		return rehash_check(args) ? 0 : 1;
	case OPTS_HASH:
		return hash_password();
	case OPTS_RUN:
		break;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char err[TLS_PATH_LEN + 256], plain_desc[120] = "", tls_desc[120] = "";
	struct opts_args args;
	const struct opts *opts;
	struct announce_config beacon;

	log_detect_journal();
	enum opts_action act = opts_parse_args(&args, argc, argv, err, sizeof err);
	if (act != OPTS_RUN) {
		int rc = run_action(act, &args, err);
		opts_args_free(&args);
		return rc;
	}
	if ((opts = rehash_start(&args)) == NULL) {
		opts_args_free(&args);
		return 1;
	}
	/*
	 * Output buffers are freed as soon as they drain, so idle clients cost little. Under
	 * load that means a few large blocks freed and reallocated every pass: without this,
	 * glibc returns the heap top to the kernel each time and faults it back in.
	 */
	mallopt(M_TRIM_THRESHOLD, HEAP_TRIM_THRESHOLD);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	srv_init();
	raise_fd_limit();
	setup_signals();

	/* Never a silent fallback to plain text: a TLS set-up that fails stops the server. */
	if (srv.cfg.tls && (srv.tls = load_tls(&srv.cfg, srv.tls_fp, err, sizeof err)) == NULL) {
		log_print(LOG_ERROR, "lanchatd: %s", err);
		return 1;
	}
	/* After the key: the state directory is made 0700 by whichever comes first. */
	open_store(opts);
	if ((srv.cfg.plain &&
	        open_listeners(
	            srv.cfg.port, false, plain_desc, sizeof plain_desc, err, sizeof err) != 0) ||
	    (srv.cfg.tls &&
	        open_listeners(
	            srv.cfg.tls_port, true, tls_desc, sizeof tls_desc, err, sizeof err) != 0)) {
		log_print(LOG_ERROR, "lanchatd: %s", err);
		return 1;
	}
	rehash_add_hook(reload_tls);
	if (!srv.cfg.tls)
		str_copy(srv.listen_desc, plain_desc, sizeof srv.listen_desc);
	else if (!srv.cfg.plain)
		snprintf(srv.listen_desc, sizeof srv.listen_desc, "%s (TLS only)", tls_desc);
	else
		snprintf(
		    srv.listen_desc, sizeof srv.listen_desc, "%s and TLS %s", plain_desc, tls_desc);
	/* Always printed, even with -q: scripts and tests wait for this line. The first
	 * ADDR:PORT is the plain listener's (the TLS one's with --no-plain). */
	log_print(LOG_INFO, "lanchatd: listening on %s as %s, channel %s%s%s", srv.listen_desc,
	    srv.cfg.name, srv.cfg.channel, srv.tls ? ", certificate SHA256:" : "",
	    srv.tls ? srv.tls_fp : "");

	if (opts->dashboard)
		dashboard_start();
	srv.now_ms = clock_ms();
	arc_init(&opts->history);
	loop_before_flush = arc_pass_end;
	beacon = opts->beacon;
	beacon.enabled = srv.cfg.beacon;
	announce_start(&beacon, net_addr_port_of(srv.listen_fds[0]));
	loop_on_wake = on_wake;
	loop_run(wake_pipe[0]);
	announce_stop();
	store_close(srv.store);
	srv.store = NULL;

	for (int i = 0; i < srv.nlisten; i++)
		close(srv.listen_fds[i]);
	if (srv.tls != NULL)
		tls_free(srv.tls);
	srv_free();
	log_info("stopped");
	rehash_stop();
	opts_args_free(&args);
	return 0;
}
