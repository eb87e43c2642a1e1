/* bench_opts: lanchat-bench's command line: what to run, against what, for how long. */
#ifndef LANCHAT_BENCH_OPTS_H
#define LANCHAT_BENCH_OPTS_H

#include <stdbool.h>

enum {
	BENCH_HARD_CAP_S = 600,         /* no run lasts longer, whatever the flags say */
	BENCH_PAYLOAD_DEFAULT = 80,     /* bytes of message text, about one chat line */
	BENCH_PAYLOAD_MAX = 400,
	BENCH_NICK_MAX = 24,
	BENCH_FIRST_RATE_DEFAULT = 100, /* firstline: first lines a second, one client each */
	BENCH_FIRST_QUIET_DEFAULT = 60, /* firstline: seconds of silence before them */
};

enum bench_mode { MODE_FANOUT, MODE_PINGPONG, MODE_STORM, MODE_PLAIN, MODE_FIRSTLINE };

struct bench_opts {
	const char *host;
	const char *port;
	enum bench_mode mode;
	int clients;
	int senders;
	int idle;            /* extra registered clients that never say anything (second pool) */
	double quiet;        /* seconds everyone stays silent before the run (firstline: 60) */
	double rate;         /* total messages per second; 0 = use the window */
	int window;
	double duration;
	int concurrency;
	int pid;
	const char *channel;
	int size;
	double hold;
	double drain;
	double setup;
	const char *oper;    /* "name:password", sent by senders after registering */
	const char *umode;
	const char *nick;
	int wait_ms;
	bool join;           /* storm: join the channel too */
	bool tls;            /* every connection over TLS */
};

/* Parses argv into o (defaults first); exits with a usage message on anything wrong. */
void bench_opts_parse(struct bench_opts *o, int argc, char **argv);
const char *bench_mode_name(enum bench_mode m);

#endif
