/* lanchatd: flags, signals, start-up and shutdown of the LAN chat server. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/ircmsg.h"
#include "common/net.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/announce.h"
#include "server/archive.h"
#include "server/conn.h"
#include "server/dashboard.h"
#include "server/loop.h"
#include "server/server.h"
#include "server/store.h"

static int wake_pipe[2] = { -1, -1 };
static bool opt_dashboard;
static struct announce_config beacon_cfg = { .enabled = true, .port = BEACON_PORT_DEFAULT };
static struct arc_config history_cfg = { .history = true,
	.days = HISTORY_DAYS_DEFAULT,
	.replay = HISTORY_REPLAY_DEFAULT };
static bool opt_no_store;
static bool state_dir_given;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lanchatd [options]\n"
	    "  -b, --bind ADDR        listen on ADDR only (default: every address, IPv4 and IPv6)\n"
	    "  -p, --port PORT        TCP port (default %d; 0 picks a free one)\n"
	    "  -n, --name NAME        server name (default: the host name)\n"
	    "  -c, --channel NAME     channel plain-text users join (default #lan)\n"
	    "      --motd FILE        message of the day (default: the installed motd.txt)\n"
	    "      --max-clients N    connections at once (default %d)\n"
	    "      --max-per-host N   connections from one address (default %d; 0: no limit)\n"
	    "      --sendq BYTES      unsent output per client before it is dropped (default %d)\n"
	    "      --flood N          lines per second per client after a burst of %d\n"
	    "                         (default %d; 0 turns flood control off)\n"
	    "      --timeout SECS     idle time before PING; twice that drops the client (default "
	    "%d)\n"
	    "      --no-beacon        do not announce this server on the LAN\n"
	    "      --dashboard        live view of the connections on this terminal\n"
	    "      --beacon-port PORT UDP port for presence beacons (default %d)\n"
	    "      --beacon-addr ADDR send beacons to ADDR instead of broadcasting (repeatable;\n"
	    "                         a unicast ADDR reaches one program on that host)\n"
	    "      --state-dir DIR    where the server keeps its state (default\n"
	    "                         $XDG_STATE_HOME/lanchatd or ~/.local/state/lanchatd)\n"
	    "      --no-store         keep nothing on disk (no history)\n"
	    "      --no-history       keep no history of what is said\n"
	    "      --history-days N   prune history older than N days (default %d; 0: never)\n"
	    "      --history-replay N lines replayed on JOIN to clients without chathistory\n"
	    "                         (default %d; 0: none)\n"
	    "  -v, --verbose          log more\n"
	    "  -q, --quiet            log only warnings and errors\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          print the version\n",
	    SERVER_PORT_DEFAULT, MAX_CLIENTS_DEFAULT, MAX_PER_HOST_DEFAULT, SENDQ_DEFAULT, FLOOD_BURST,
	    FLOOD_RATE_DEFAULT, PING_INTERVAL_DEFAULT, BEACON_PORT_DEFAULT, HISTORY_DAYS_DEFAULT,
	    HISTORY_REPLAY_DEFAULT);
}

static void
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "lanchatd: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	usage(stderr);
	exit(2);
}

static long
parse_num(const char *arg, const char *what, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
		char msg[160];
		snprintf(msg, sizeof msg, "bad %s '%%s' (expected %ld to %ld)", what, min, max);
		bad_usage(msg, arg);
	}
	return v;
}

static void
default_name(char *buf, size_t cap)
{
	char host[256] = "";
	size_t o = 0;
	if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
		str_copy(host, "lanchat", sizeof host);
	/* A server name goes into every prefix: keep it to characters IRC allows there. */
	for (const char *p = host; *p && o + 1 < cap; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_')
			buf[o++] = *p;
	buf[o] = '\0';
	if (o == 0)
		str_copy(buf, "lanchat", cap);
}

static bool
valid_server_name(const char *s)
{
	if (*s == '\0' || strlen(s) > SERVER_NAME_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		        (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

static void
parse_args(int argc, char **argv)
{
	enum {
		OPT_MOTD = 256,
		OPT_MAX,
		OPT_PER_HOST,
		OPT_SENDQ,
		OPT_FLOOD,
		OPT_TIMEOUT,
		OPT_NO_BEACON,
		OPT_DASHBOARD,
		OPT_BEACON_PORT,
		OPT_BEACON_ADDR,
		OPT_STATE_DIR,
		OPT_NO_STORE,
		OPT_NO_HISTORY,
		OPT_HISTORY_DAYS,
		OPT_HISTORY_REPLAY,
	};
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "channel", required_argument, NULL, 'c' },
		{ "motd", required_argument, NULL, OPT_MOTD },
		{ "max-clients", required_argument, NULL, OPT_MAX },
		{ "max-per-host", required_argument, NULL, OPT_PER_HOST },
		{ "sendq", required_argument, NULL, OPT_SENDQ },
		{ "flood", required_argument, NULL, OPT_FLOOD },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "no-beacon", no_argument, NULL, OPT_NO_BEACON },
		{ "dashboard", no_argument, NULL, OPT_DASHBOARD },
		{ "beacon-port", required_argument, NULL, OPT_BEACON_PORT },
		{ "beacon-addr", required_argument, NULL, OPT_BEACON_ADDR },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "no-store", no_argument, NULL, OPT_NO_STORE },
		{ "no-history", no_argument, NULL, OPT_NO_HISTORY },
		{ "history-days", required_argument, NULL, OPT_HISTORY_DAYS },
		{ "history-replay", required_argument, NULL, OPT_HISTORY_REPLAY },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct srv_config *cfg = &srv.cfg;
	int ch;

	snprintf(cfg->port, sizeof cfg->port, "%d", SERVER_PORT_DEFAULT);
	default_name(cfg->name, sizeof cfg->name);
	str_copy(cfg->channel, "#lan", sizeof cfg->channel);
	cfg->max_clients = MAX_CLIENTS_DEFAULT;
	cfg->max_per_host = MAX_PER_HOST_DEFAULT;
	cfg->sendq = SENDQ_DEFAULT;
	cfg->flood_rate = FLOOD_RATE_DEFAULT;
	cfg->timeout_s = PING_INTERVAL_DEFAULT;
	cfg->beacon = true;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":b:p:n:c:vqhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			cfg->bind = optarg;
			break;
		case 'p':
			snprintf(cfg->port, sizeof cfg->port, "%ld",
			    parse_num(optarg, "port", 0, PORT_MAX));
			break;
		case 'n':
			if (!valid_server_name(optarg)) {
				char msg[128];
				snprintf(msg, sizeof msg,
				    "bad server name '%%s' (letters, digits, '.', '-', '_'; at "
				    "most %d)",
				    SERVER_NAME_LEN);
				bad_usage(msg, optarg);
			}
			str_copy(cfg->name, optarg, sizeof cfg->name);
			break;
		case 'c':
			if (optarg[0] != '#')
				snprintf(cfg->channel, sizeof cfg->channel, "#%s", optarg);
			else
				str_copy(cfg->channel, optarg, sizeof cfg->channel);
			if (!irc_valid_channel(cfg->channel) || strlen(optarg) >= CHANNEL_LEN)
				bad_usage("bad channel name '%s'", optarg);
			break;
		case OPT_MOTD:
			cfg->motd_path = optarg;
			break;
		case OPT_MAX:
			cfg->max_clients =
			    (int)parse_num(optarg, "client limit", 1, MAX_CLIENTS_CEILING);
			break;
		case OPT_PER_HOST:
			cfg->max_per_host =
			    (int)parse_num(optarg, "per-host limit", 0, MAX_CLIENTS_CEILING);
			break;
		case OPT_SENDQ:
			cfg->sendq = (size_t)parse_num(optarg, "SendQ", SENDQ_MIN, SENDQ_MAX);
			break;
		case OPT_FLOOD:
			cfg->flood_rate = (int)parse_num(optarg, "flood rate", 0, FLOOD_RATE_MAX);
			break;
		case OPT_TIMEOUT:
			cfg->timeout_s = (int)parse_num(optarg, "timeout", 1, TIMEOUT_MAX_S);
			break;
		case OPT_NO_BEACON:
			cfg->beacon = false;
			break;
		case OPT_DASHBOARD:
			opt_dashboard = true;
			break;
		case OPT_BEACON_PORT:
			beacon_cfg.port = (int)parse_num(optarg, "beacon port", 1, PORT_MAX);
			break;
		case OPT_BEACON_ADDR:
			if (!announce_valid_addr(optarg))
				bad_usage("bad beacon address '%s' (expected dotted IPv4)", optarg);
			if (beacon_cfg.ndest == ANNOUNCE_DEST_MAX) {
				char msg[128];
				snprintf(msg, sizeof msg,
				    "too many beacon addresses (at most %d), at '%%s'",
				    ANNOUNCE_DEST_MAX);
				bad_usage(msg, optarg);
			}
			beacon_cfg.dest[beacon_cfg.ndest++] = optarg;
			break;
		case OPT_STATE_DIR:
			if (optarg[0] == '\0' || strlen(optarg) >= sizeof cfg->state_dir)
				bad_usage("bad state directory '%s'", optarg);
			str_copy(cfg->state_dir, optarg, sizeof cfg->state_dir);
			state_dir_given = true;
			break;
		case OPT_NO_STORE:
			opt_no_store = true;
			break;
		case OPT_NO_HISTORY:
			history_cfg.history = false;
			break;
		case OPT_HISTORY_DAYS:
			history_cfg.days = (int)parse_num(optarg, "history days", 0, HISTORY_DAYS_MAX);
			break;
		case OPT_HISTORY_REPLAY:
			history_cfg.replay =
			    (int)parse_num(optarg, "history replay", 0, HISTORY_REPLAY_MAX);
			break;
		case 'v':
			log_set_level(LOG_DEBUG);
			break;
		case 'q':
			log_set_level(LOG_WARN);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("lanchatd %s\n", LANCHAT_VERSION);
			exit(0);
		case ':':
			bad_usage("option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);
}

static void
srv_load_motd(void)
{
	const char *path = srv.cfg.motd_path;
	char line[IRC_LINE_MAX];
	FILE *f;

	for (int i = 0; i < srv.motd_lines; i++)
		free(srv.motd[i]);
	srv.motd_lines = 0;
	if (path == NULL) {
		path = LANCHAT_MOTD_INSTALLED;
		if (access(path, R_OK) != 0)
			path = LANCHAT_MOTD_SOURCE;
	}
	if ((f = fopen(path, "r")) == NULL) {
		if (srv.cfg.motd_path != NULL)
			log_warn("motd %s: %s; clients get 422", path, strerror(errno));
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

/* $XDG_STATE_HOME/lanchatd, or ~/.local/state/lanchatd; "" when there is no home. */
static void
default_state_dir(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n = 0;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, cap, "%s/lanchatd", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, cap, "%s/.local/state/lanchatd", home);
	if (n <= 0 || (size_t)n >= cap)
		buf[0] = '\0';
}

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
open_store(void)
{
	char path[STATE_DIR_LEN + 32], err[STORE_ERR_LEN];

	if (opt_no_store)
		return;
	if (srv.cfg.state_dir[0] == '\0') {
		log_warn("no state directory (no $XDG_STATE_HOME or $HOME): running without history");
		return;
	}
	if (make_dirs(srv.cfg.state_dir) != 0) {
		fprintf(stderr, "lanchatd: cannot create the state directory %s: %s\n",
		    srv.cfg.state_dir, strerror(errno));
		exit(1);
	}
	snprintf(path, sizeof path, "%s/lanchatd.db", srv.cfg.state_dir);
	srv.store = store_open(path, err, sizeof err);
	if (srv.store != NULL)
		return;
	if (errno == EBUSY && !state_dir_given) {
		log_warn("%s; running without history (--state-dir gives this server its own)", err);
		return;
	}
	fprintf(stderr, "lanchatd: %s\n", err);
	exit(1);
}

static void
on_signal(int sig)
{
	int saved = errno;
	(void)sig;
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
	/* The terminal or SSH session went away: stop as cleanly as on SIGTERM. */
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Their default action kills: a stray "kill -USR1" must not take everyone off. */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
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

int
main(int argc, char **argv)
{
	char err[256], addr[NET_ADDRSTR + 8];
	size_t o = 0;

	parse_args(argc, argv);
	if (!state_dir_given)
		default_state_dir(srv.cfg.state_dir, sizeof srv.cfg.state_dir);
	/*
	 * Output buffers are freed as soon as they drain, so idle clients cost little. Under
	 * load that means a few large blocks freed and reallocated every pass: without this,
	 * glibc returns the heap top to the kernel each time and faults it back in.
	 */
	mallopt(M_TRIM_THRESHOLD, HEAP_TRIM_THRESHOLD);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	srv_init();
	srv_load_motd();
	raise_fd_limit();
	setup_signals();

	open_store();
	srv.nlisten = net_listen(srv.cfg.bind, srv.cfg.port, srv.listen_fds, err, sizeof err);
	if (srv.nlisten < 0) {
		fprintf(stderr, "lanchatd: %s\n", err);
		return 1;
	}
	for (int i = 0; i < srv.nlisten; i++) {
		net_local_str(srv.listen_fds[i], addr, sizeof addr);
		o += (size_t)snprintf(
		    srv.listen_desc + o, sizeof srv.listen_desc - o, "%s%s", i ? " " : "", addr);
		if (o >= sizeof srv.listen_desc)
			break;
	}
	/* Always printed, even with -q: scripts and tests wait for this line. */
	fprintf(stderr, "lanchatd: listening on %s as %s, channel %s\n", srv.listen_desc,
	    srv.cfg.name, srv.cfg.channel);
	fflush(stderr);

	if (opt_dashboard)
		dashboard_start();
	srv.now_ms = clock_ms();
	arc_init(&history_cfg);
	loop_before_flush = arc_pass_end;
	beacon_cfg.enabled = srv.cfg.beacon;
	announce_start(&beacon_cfg, net_addr_port_of(srv.listen_fds[0]));
	loop_run(wake_pipe[0]);
	announce_stop();
	store_close(srv.store);
	srv.store = NULL;

	for (int i = 0; i < srv.nlisten; i++)
		close(srv.listen_fds[i]);
	srv_free();
	log_info("stopped");
	return 0;
}
