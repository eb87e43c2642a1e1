/*
 * libFuzzer target: the server's per-connection path, in process. Several clients' byte
 * streams go through real sockets (socketpairs) into the real loop: read -> framing ->
 * dialect -> commands or plain -> actions -> relay -> flush, with the housekeeping tick
 * (plain detection, registration and PING timeouts, flood) run on a clock the input moves,
 * and reaping at the end of every pass. No store is opened, as with --no-store.
 *
 * The input is a list of records; the low bits of a record's first byte pick a client:
 *   op 0: the next byte is a length; that many bytes are sent by the client
 *   op 1: one loop pass
 *   op 2: the clock moves on by the next byte times 100 ms, then one pass
 *   op 3: the client shuts its sending side (EOF), then one pass
 * After every pass: the user, invisible, nick and channel counts agree with the
 * connections, and nothing a plain-text user received carries a control character. At the
 * end every connection is closed and reaped: the registries are empty and the counters in
 * srv.stats add up to what the connections counted (leaks are LeakSanitizer's).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/util.h"
#include "server/archive.h"
#include "server/channel.h"
#include "server/conn.h"
#include "server/loop.h"
#include "server/server.h"

enum {
	CLIENTS = 4,
	CLOCK_STEP_MS = 100,
	FINAL_PASSES = 8,
	READ_CHUNK = 64 * 1024,
};

struct slot {
	int fd;            /* the client's end */
	struct conn *conn; /* the server's end, NULL once reaped */
	bool plain;        /* the server took this client for a plain-text user */
	int iac;           /* where the client is in a telnet command the server sent */
};

static struct slot slots[CLIENTS];
static int64_t fake_now;
static uint64_t closed_lines_in, closed_bytes_in, closed_bytes_out;

static int64_t
fake_clock(void)
{
	return ++fake_now; /* a millisecond per look, so bounded waits always end */
}

static void
on_close(const struct conn *c)
{
	for (int i = 0; i < CLIENTS; i++) {
		if (slots[i].conn == c) {
			slots[i].plain = c->mode == CONN_PLAIN;
			slots[i].conn = NULL;
		}
	}
	closed_lines_in += c->lines_in;
	closed_bytes_in += c->bytes_in;
	closed_bytes_out += c->bytes_out;
}

/*
 * Bytes a plain-text user must never receive: C0 controls but CR, LF and TAB; DEL; C1.
 * Telnet commands (IAC, 0xFF, which UTF-8 text never holds) are protocol, not text: the
 * server refuses the options a telnet client offers, and those replies are skipped.
 */
static void
check_plain_bytes(struct slot *s, const unsigned char *p, size_t n)
{
	enum { IAC = 0xff, WILL = 0xfb, DONT = 0xfe };

	for (size_t i = 0; i < n; i++) {
		if (s->iac == 1) {
			s->iac = p[i] >= WILL && p[i] <= DONT ? 2 : 0;
			continue;
		}
		if (s->iac == 2 || p[i] == IAC) {
			s->iac = s->iac == 2 ? 0 : 1;
			continue;
		}
		bool bad = (p[i] < 0x20 && p[i] != '\r' && p[i] != '\n' && p[i] != '\t') ||
		    p[i] == 0x7f || (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f);
		if (bad) {
			fprintf(stderr, "control byte 0x%02x sent to a plain user: \"%.*s\"\n", p[i],
			    (int)(n - i < 80 ? n - i : 80), (const char *)p + i);
			abort();
		}
	}
}

static void
drain_clients(void)
{
	static unsigned char buf[READ_CHUNK];

	for (int i = 0; i < CLIENTS; i++) {
		ssize_t n;
		if (slots[i].conn != NULL)
			slots[i].plain = slots[i].conn->mode == CONN_PLAIN;
		while ((n = read(slots[i].fd, buf, sizeof buf)) > 0)
			if (slots[i].plain)
				check_plain_bytes(&slots[i], buf, (size_t)n);
	}
}

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "invariant broken: %s\n", #cond);                  \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void
check_counts(void)
{
	size_t users = 0, invisible = 0, nicks = 0, pos = 0;
	struct channel *ch;

	for (size_t i = 0; i < srv.nconns; i++) {
		struct conn *c = srv.conns[i];
		CHECK(c->idx == i);
		CHECK(!c->dead); /* reaped at the end of the pass */
		users += c->registered;
		invisible += c->registered && c->invisible;
		if (c->nickfold[0] != '\0') {
			nicks++;
			CHECK(hmap_get(&srv.nicks, c->nickfold) == c);
		}
		for (int k = 0; k < c->nchans; k++) {
			bool member = false;
			for (size_t m = 0; m < c->chans[k]->nmembers; m++)
				member |= c->chans[k]->members[m] == c;
			CHECK(member);
		}
	}
	CHECK(srv.nusers == users);
	CHECK(srv.ninvisible == invisible);
	CHECK(srv.nicks.len == nicks);
	while ((ch = hmap_next(&srv.channels, &pos)) != NULL) {
		CHECK(ch->nmembers > 0);
		for (size_t m = 0; m < ch->nmembers; m++)
			CHECK(conn_in_channel(ch->members[m], ch));
	}
}

static void
one_pass(void)
{
	loop_once(0);
	drain_clients();
	check_counts();
}

static void
init_once(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	str_copy(srv.cfg.name, "fuzz.test", sizeof srv.cfg.name);
	str_copy(srv.cfg.channel, "#lan", sizeof srv.cfg.channel);
	srv.cfg.max_clients = MAX_CLIENTS_DEFAULT;
	srv.cfg.sendq = SENDQ_DEFAULT;
	srv.cfg.flood_rate = FLOOD_RATE_DEFAULT;
	srv.cfg.timeout_s = 2; /* short, so that the clock in the input reaches it */
	srv_init();
	/* No store is opened: the server as --no-store runs it (msgids, no history). */
	arc_init(&(struct arc_config){ .history = true });
	srv.motd[srv.motd_lines++] = xstrdup("Welcome to the fuzz.");
	srv.motd[srv.motd_lines++] = xstrdup("The MOTD is the operator's text, not a peer's.");
	loop_clock = fake_clock;
	loop_on_close = on_close;
	fake_now = 1000000;
	srv.now_ms = fake_now;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t lines0, bytes_in0, bytes_out0;
	size_t at = 0;

	init_once();
	lines0 = srv.stats.lines_in;
	bytes_in0 = srv.stats.bytes_in;
	bytes_out0 = srv.stats.bytes_out;
	closed_lines_in = closed_bytes_in = closed_bytes_out = 0;

	for (int i = 0; i < CLIENTS; i++) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(50000 + i) };
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
			abort();
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)(i % 2));
		slots[i] = (struct slot){ .fd = sv[1] };
		slots[i].conn = loop_adopt(sv[0], (struct sockaddr *)&sin, NULL);
	}

	while (at < size) {
		uint8_t hdr = data[at++];
		struct slot *s = &slots[hdr % CLIENTS];
		switch ((hdr / CLIENTS) % 4) {
		case 0: {
			size_t len = at < size ? data[at++] : 0;
			if (len > size - at)
				len = size - at;
			if (len > 0 && write(s->fd, data + at, len) < 0)
				; /* the server end is gone: nothing more to say */
			at += len;
			break;
		}
		case 1:
			one_pass();
			break;
		case 2:
			fake_now += (int64_t)(at < size ? data[at++] : 0) * CLOCK_STEP_MS;
			one_pass();
			break;
		default:
			shutdown(s->fd, SHUT_WR);
			one_pass();
			break;
		}
	}
	/* Let the tick run (plain detection, timeouts), then close everyone. */
	for (int k = 0; k < FINAL_PASSES; k++) {
		fake_now += TICK_MS;
		one_pass();
	}
	for (size_t i = 0; i < srv.nconns; i++)
		conn_kill(srv.conns[i], "end of input");
	one_pass();

	CHECK(srv.nconns == 0);
	CHECK(srv.nusers == 0 && srv.ninvisible == 0);
	CHECK(srv.nicks.len == 0 && srv.channels.len == 0);
	CHECK(srv.stats.lines_in - lines0 == closed_lines_in);
	CHECK(srv.stats.bytes_in - bytes_in0 == closed_bytes_in);
	CHECK(srv.stats.bytes_out - bytes_out0 == closed_bytes_out);
	for (int i = 0; i < CLIENTS; i++)
		close(slots[i].fd);
	return 0;
}
