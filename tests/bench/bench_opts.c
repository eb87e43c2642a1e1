#include "tests/bench/bench_opts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/bench_net.h"

static const char *const mode_names[] = { "fanout", "pingpong", "storm", "plain", "firstline" };

const char *
bench_mode_name(enum bench_mode m)
{
	return mode_names[m];
}

static void
usage(FILE *f)
{
	fputs("usage: lanchat-bench -p PORT [-H HOST] [-m fanout|pingpong|storm|plain|firstline]\n"
	    "         [-n CLIENTS] [-s SENDERS] [-r TOTAL_RATE | -w WINDOW] [-d SECS]\n"
	    "         [-c CONCURRENCY] [--idle N] [--quiet SECS] [--pid PID] [--channel NAME]\n"
	    "         [--size BYTES] [--hold SECS] [--drain SECS] [--setup SECS]\n"
	    "         [--oper NAME:PASS [--umode MODES]] [--nick PREFIX] [--join] [--wait MS]\n"
	    "         [--tls]\n"
	    "       lanchat-bench --free-port\n", f);
}

static void
bad(const char *fmt, const char *arg)
{
	fputs("lanchat-bench: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static double
num_arg(const char *name, const char *v, double lo, double hi)
{
	char *end;
	double d = strtod(v, &end);

	if (*v == '\0' || *end != '\0' || d < lo || d > hi) {
		fprintf(stderr, "lanchat-bench: bad %s '%s' (%g..%g)\n", name, v, lo, hi);
		usage(stderr);
		exit(2);
	}
	return d;
}

static enum bench_mode
mode_arg(const char *v)
{
	for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
		if (strcmp(v, mode_names[i]) == 0)
			return (enum bench_mode)i;
	bad("unknown mode '%s'", v);
	return MODE_FANOUT;
}

void
bench_opts_parse(struct bench_opts *o, int argc, char **argv)
{
	enum { O_PID = 256, O_CHANNEL, O_SIZE, O_HOLD, O_DRAIN, O_SETUP, O_OPER, O_UMODE,
	    O_NICK, O_JOIN, O_WAIT, O_FREE, O_IDLE, O_QUIET, O_TLS };
	static const struct option lo[] = {
		{"host", required_argument, NULL, 'H'}, {"port", required_argument, NULL, 'p'},
		{"mode", required_argument, NULL, 'm'}, {"clients", required_argument, NULL, 'n'},
		{"senders", required_argument, NULL, 's'}, {"rate", required_argument, NULL, 'r'},
		{"window", required_argument, NULL, 'w'}, {"duration", required_argument, NULL, 'd'},
		{"concurrency", required_argument, NULL, 'c'}, {"pid", required_argument, NULL, O_PID},
		{"channel", required_argument, NULL, O_CHANNEL},
		{"size", required_argument, NULL, O_SIZE}, {"hold", required_argument, NULL, O_HOLD},
		{"drain", required_argument, NULL, O_DRAIN},
		{"setup", required_argument, NULL, O_SETUP}, {"oper", required_argument, NULL, O_OPER},
		{"umode", required_argument, NULL, O_UMODE}, {"nick", required_argument, NULL, O_NICK},
		{"join", no_argument, NULL, O_JOIN}, {"wait", required_argument, NULL, O_WAIT},
		{"idle", required_argument, NULL, O_IDLE}, {"quiet", required_argument, NULL, O_QUIET},
		{"free-port", no_argument, NULL, O_FREE}, {"help", no_argument, NULL, 'h'},
		{"tls", no_argument, NULL, O_TLS},
		{NULL, 0, NULL, 0},
	};
	int ch;
	bool window_set = false;

	*o = (struct bench_opts){ .host = "127.0.0.1", .mode = MODE_FANOUT, .clients = 10,
		.senders = 1, .window = 10, .duration = 5, .concurrency = 50, .channel = "#bench",
		.size = BENCH_PAYLOAD_DEFAULT, .drain = 5, .setup = 60, .nick = "lb", .quiet = -1 };
	while ((ch = getopt_long(argc, argv, "H:p:m:n:s:r:w:d:c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'H': o->host = optarg; break;
		case 'p': o->port = optarg; num_arg("port", optarg, 1, 65535); break;
		case 'm': o->mode = mode_arg(optarg); break;
		case 'n': o->clients = (int)num_arg("clients", optarg, 1, 1000000); break;
		case 's': o->senders = (int)num_arg("senders", optarg, 1, 100000); break;
		case 'r': o->rate = num_arg("rate", optarg, 0, 1e8); break;
		case 'w': o->window = (int)num_arg("window", optarg, 1, 1000000); window_set = true; break;
		case 'd': o->duration = num_arg("duration", optarg, 0.01, BENCH_HARD_CAP_S); break;
		case 'c': o->concurrency = (int)num_arg("concurrency", optarg, 1, 1000000); break;
		case O_PID: o->pid = (int)num_arg("pid", optarg, 1, 1e9); break;
		case O_CHANNEL: o->channel = optarg; break;
		case O_SIZE: o->size = (int)num_arg("size", optarg, 0, BENCH_PAYLOAD_MAX); break;
		case O_HOLD: o->hold = num_arg("hold", optarg, 0, BENCH_HARD_CAP_S); break;
		case O_DRAIN: o->drain = num_arg("drain", optarg, 0, BENCH_HARD_CAP_S); break;
		case O_SETUP: o->setup = num_arg("setup", optarg, 0.1, BENCH_HARD_CAP_S); break;
		case O_OPER: o->oper = optarg; break;
		case O_UMODE: o->umode = optarg; break;
		case O_NICK: o->nick = optarg; break;
		case O_JOIN: o->join = true; break;
		case O_TLS: o->tls = true; break;
		case O_WAIT: o->wait_ms = (int)num_arg("wait", optarg, 0, 600000); break;
		case O_IDLE: o->idle = (int)num_arg("idle", optarg, 0, 1000000); break;
		case O_QUIET: o->quiet = num_arg("quiet", optarg, 0, BENCH_HARD_CAP_S / 2); break;
		case O_FREE: exit(bench_free_port());
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc || o->port == NULL) {
		usage(stderr);
		exit(2);
	}
	if (window_set && o->rate > 0)
		bad("%s", "-r and -w exclude each other");
	if (o->mode == MODE_PINGPONG)
		o->clients = o->senders = 2;
	if (o->mode == MODE_STORM)
		o->senders = 0;
	if (o->quiet < 0)
		o->quiet = o->mode == MODE_FIRSTLINE ? BENCH_FIRST_QUIET_DEFAULT : 0;
	if (o->mode == MODE_FIRSTLINE) {
		/* Client 0 listens; clients 1..n each say one line after the quiet time. */
		o->clients += 1;
		o->senders = o->clients;
		if (o->rate <= 0)
			o->rate = BENCH_FIRST_RATE_DEFAULT;
	}
	if (o->mode == MODE_PLAIN && o->clients < 2)
		bad("%s", "plain mode needs at least 2 clients");
	if (o->senders > o->clients)
		bad("%s", "more senders than clients");
	if (strlen(o->nick) + 8 > BENCH_NICK_MAX)
		bad("%s", "nick prefix too long");
}
