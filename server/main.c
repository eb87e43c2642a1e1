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
#include <time.h>
#include <unistd.h>

#include "common/ircmsg.h"
#include "common/net.h"
#include "common/sanitize.h"
#include "common/util.h"
#include "server/announce.h"
#include "server/conn.h"
#include "server/dashboard.h"
#include "server/loop.h"
#include "server/server.h"

static int wake_pipe[2] = { -1, -1 };
static bool opt_dashboard;
static struct announce_config beacon_cfg = { .enabled = true, .port = BEACON_PORT_DEFAULT };

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
	    "  -v, --verbose          log more\n"
	    "  -q, --quiet            log only warnings and errors\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          print the version\n",
	    SERVER_PORT_DEFAULT, MAX_CLIENTS_DEFAULT, MAX_PER_HOST_DEFAULT, SENDQ_DEFAULT,
	    FLOOD_BURST, FLOOD_RATE_DEFAULT, PING_INTERVAL_DEFAULT, BEACON_PORT_DEFAULT);
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
		OPT_BEACON_ADDR
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
	beacon_cfg.enabled = srv.cfg.beacon;
	announce_start(&beacon_cfg, net_addr_port_of(srv.listen_fds[0]));
	loop_run(wake_pipe[0]);
	announce_stop();

	for (int i = 0; i < srv.nlisten; i++)
		close(srv.listen_fds[i]);
	srv_free();
	log_info("stopped");
	return 0;
}
