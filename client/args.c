/*
 * args: the command line. Parsed into a struct the rest of main.c reads; errors and --help
 * go to the terminal here, always as "lanchat: ...".
 */
#include "client/args.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/net.h"
#include "common/util.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lanchat [-n NICK] [-c CHANNEL] [--config FILE] [--no-log] [--tls]\n"
	    "               [--no-beacon] [--beacon-port PORT] [--beacon-addr ADDR]...\n"
	    "               [-h] [-V] [[ircs://]HOST[:PORT] | SERVER]\n"
	    "  -n, --nick NICK        nick (default: the config's user.nick, or $USER)\n"
	    "  -c, --channel CHANNEL  channel to join (default: #lan)\n"
	    "      --config FILE      settings (default: ~/.config/lanchat/config)\n"
	    "      --no-log           write no logs this run (~/.local/share/lanchat/logs)\n"
	    "      --tls              connect over TLS (as ircs://; port %d by default)\n"
	    "      --no-beacon        do not announce yourself on the LAN (still listens)\n"
	    "      --beacon-port PORT UDP port of presence beacons (default %d)\n"
	    "      --beacon-addr ADDR send beacons to ADDR, not by broadcast (repeatable)\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          print the version\n"
	    "Without HOST, lanchat connects to the config's autoconnect server or looks for\n"
	    "servers on the LAN; SERVER names a [server NAME] of the config.\n"
	    "PORT defaults to %d.\n",
	    TLS_PORT_DEFAULT, BEACON_PORT_DEFAULT, SERVER_PORT_DEFAULT);
}

int
args_parse(struct args *a, struct disc_config *dcfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nick", required_argument, NULL, 'n' },
		{ "channel", required_argument, NULL, 'c' },
		{ "no-beacon", no_argument, NULL, 'B' },
		{ "config", required_argument, NULL, 'C' },
		{ "no-log", no_argument, NULL, 'L' },
		{ "tls", no_argument, NULL, 'T' },
		{ "beacon-port", required_argument, NULL, 'P' },
		{ "beacon-addr", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct in_addr ignored;
	char *end;
	long num;
	int c;

	memset(a, 0, sizeof *a);
	str_copy(a->host, "127.0.0.1", sizeof a->host);
	snprintf(a->port, sizeof a->port, "%d", SERVER_PORT_DEFAULT);
	/* getopt's own messages name the path we were started by: say "lanchat:" instead. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			a->nick = optarg;
			if (!irc_valid_nick(optarg)) {
				fprintf(stderr, "lanchat: not a valid nick: %s\n", optarg);
				return 2;
			}
			break;
		case 'c':
			a->channel = optarg;
			if (!irc_valid_channel(optarg)) {
				fprintf(stderr, "lanchat: not a valid channel: %s\n", optarg);
				return 2;
			}
			break;
		case 'C':
			a->config = optarg;
			break;
		case 'L':
			a->no_log = true;
			break;
		case 'T':
			a->tls = true;
			break;
		case 'B':
			dcfg->announce = false;
			break;
		case 'P':
			errno = 0;
			num = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || num < 1 || num > PORT_MAX) {
				fprintf(stderr, "lanchat: not a UDP port: %s\n", optarg);
				return 2;
			}
			dcfg->port = (int)num;
			break;
		case 'A':
			if (inet_pton(AF_INET, optarg, &ignored) != 1) {
				fprintf(stderr, "lanchat: not an IPv4 address: %s\n", optarg);
				usage(stderr);
				return 2;
			}
			if (dcfg->ndest == DISC_DEST_MAX) {
				fprintf(stderr, "lanchat: at most %d --beacon-addr\n", DISC_DEST_MAX);
				return 2;
			}
			dcfg->dest[dcfg->ndest++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("lanchat %s\n", LANCHAT_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "lanchat: option %s needs a value\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		default:
			if (optopt != 0)
				fprintf(stderr, "lanchat: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "lanchat: unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "lanchat: one server at most\n");
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		int rc = sess_parse_server(argv[optind], a->host, sizeof a->host, a->port,
		    sizeof a->port, &a->tls);
		if (rc == NET_SPLIT_BADPORT) {
			fprintf(stderr, "lanchat: port %s is out of range (1-65535)\n", a->port);
			usage(stderr);
			return 2;
		}
		if (rc < 0) {
			fprintf(stderr, "lanchat: cannot read %s as [ircs://]HOST[:PORT] "
			    "(an IPv6 address with a port: [ADDR]:PORT)\n", argv[optind]);
			usage(stderr);
			return 2;
		}
		a->have_server = true;
		a->server_arg = argv[optind];
	} else if (a->tls) {
		snprintf(a->port, sizeof a->port, "%d", TLS_PORT_DEFAULT);
	}
	return -1;
}
