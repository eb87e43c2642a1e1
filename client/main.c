/*
 * lanchat: the terminal client. Flags, terminal set-up and restore, and the poll() loop over
 * the terminal, the server socket, the LAN beacon socket, a self-pipe for signals and the
 * session's timers.
 */
#include <arpa/inet.h>
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/commands.h"
#include "client/discovery.h"
#include "client/editor.h"
#include "client/lanplan.h"
#include "client/scrollback.h"
#include "client/session.h"
#include "client/ui.h"
#include "common/ircmsg.h"
#include "common/limits.h"
#include "common/linebuf.h"
#include "common/net.h"
#include "common/util.h"

enum {
	KEYS_PER_PASS = 512,   /* keys handled before the screen is redrawn */
	READ_CHUNK_MAX = 64,   /* reads of the socket per pass */
	QUIT_FLUSH_MS = 500,   /* how long /quit waits for its QUIT to leave */
	CLOCK_TICK_MS = 1000   /* the status line shows seconds */
};

static struct {
	struct session s;
	struct editor ed;
	struct scrollback msgs, welcome, wire;
	struct ui_view view;
	struct linebuf lb;
	int fd;          /* server socket, -1 if none */
	int sigpipe[2];
	bool quit;
	bool hangup;     /* the terminal is gone: nothing to restore */

	/* The LAN: beacons heard and sent, start-up without a HOST, the server picker. */
	struct disc_config dcfg;
	struct discovery *disc;     /* NULL if the UDP port could not be bound */
	int64_t disc_next;          /* when disc_tick wants to run again */
	struct lanplan_boot boot;
	struct lanplan_picker picker;
	int64_t last_key;           /* for the idle status in our beacon */
	char peer[NET_ADDRSTR];     /* numeric address of the server we last reached */
	int peer_port;
	int64_t down_since;         /* when the link went down, 0 while it is up */
	uint64_t rejoined_id;       /* the server beacon that already triggered a reconnect */
} app = { .fd = -1, .sigpipe = { -1, -1 },
	.dcfg = { .port = BEACON_PORT_DEFAULT, .announce = true } };

static void
fatal(const char *fmt, ...)
{
	va_list ap;

	ui_stop();
	fputs("lanchat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	if (write(app.sigpipe[1], &b, 1) < 0) {
		/* The pipe is full: a wake-up is already pending. */
	}
	errno = saved;
}

static void
setup_signals(void)
{
	struct sigaction sa;

	if (pipe2(app.sigpipe, O_NONBLOCK | O_CLOEXEC) < 0)
		fatal("pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Installed before initscr, so curses leaves resizing to us. */
	sigaction(SIGWINCH, &sa, NULL);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lanchat [-n NICK] [-c CHANNEL] [--no-beacon] [--beacon-port PORT]\n"
	    "               [--beacon-addr ADDR]... [-h] [-V] [HOST[:PORT]]\n"
	    "  -n, --nick NICK        nick to use (default: $USER)\n"
	    "  -c, --channel CHANNEL  channel to join (default: #lan)\n"
	    "      --no-beacon        do not announce yourself on the LAN (still listens)\n"
	    "      --beacon-port PORT UDP port of presence beacons (default %d)\n"
	    "      --beacon-addr ADDR send beacons to ADDR instead of broadcasting (repeatable)\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          print the version\n"
	    "Without HOST, lanchat looks for servers on the LAN. PORT defaults to %d.\n",
	    BEACON_PORT_DEFAULT, SERVER_PORT_DEFAULT);
}

/* ---- the server connection ---- */

static void
close_socket(void)
{
	if (app.fd >= 0)
		close(app.fd);
	app.fd = -1;
	lb_init(&app.lb);
}

static void
lose(const char *reason, int64_t now)
{
	if (app.down_since == 0)
		app.down_since = now;
	close_socket();
	sess_lost(&app.s, reason, now);
}

static void
start_connect(int64_t now)
{
	char err[256] = "";

	close_socket();
	sess_connecting(&app.s, now);
	app.fd = net_connect(app.s.host, app.s.port, err, sizeof err);
	if (app.fd < 0)
		lose(err, now);
}

/* Writes what is queued; returns -1 if the connection broke. */
static int
flush_out(void)
{
	struct outbuf *ob = &app.s.out;

	while (app.fd >= 0 && app.s.state != SESS_CONNECTING && ob_pending(ob) > 0) {
		ssize_t n = write(app.fd, ob_data(ob), ob_pending(ob));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		sess_count_io(&app.s, 0, (uint64_t)n);
		ob_consume(ob, (size_t)n, OUTBUF_KEEP);
	}
	return 0;
}

/* Gives a QUIT a short, bounded chance to reach the server before the socket closes. */
static void
flush_before_close(void)
{
	int64_t end = clock_ms() + QUIT_FLUSH_MS;
	while (app.fd >= 0 && ob_pending(&app.s.out) > 0 && app.s.state != SESS_CONNECTING) {
		int64_t left = end - clock_ms();
		if (left <= 0 || flush_out() < 0)
			break;
		struct pollfd p = { .fd = app.fd, .events = POLLOUT };
		if (ob_pending(&app.s.out) > 0 && poll(&p, 1, (int)left) <= 0)
			break;
	}
}

static void
finish_connect(int64_t now)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(app.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0) {
		char reason[SESS_HOST_LEN + SESS_PORT_LEN + 128], hp[SESS_HOST_LEN + SESS_PORT_LEN + 8];
		net_join_hostport(hp, sizeof hp, app.s.host, app.s.port);
		snprintf(reason, sizeof reason, "%s: %s", hp, strerror(err));
		lose(reason, now);
		return;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getpeername(app.fd, (struct sockaddr *)&ss, &sl) == 0) {
		net_addr_str((struct sockaddr *)&ss, app.peer, sizeof app.peer);
		app.peer_port = net_addr_port((struct sockaddr *)&ss);
	}
	sess_connected(&app.s, now);
}

/* Reads and handles up to LINES_PER_DRAW lines, so typing stays quick under a flood. */
static void
read_server(int64_t now)
{
	int lines = 0, reads = 0;
	bool eof = false;
	char reason[SESS_REASON_LEN] = "connection closed by server";

	while (lines < LINES_PER_DRAW && app.fd >= 0) {
		char *line;
		size_t len;
		enum lb_result r = lb_next(&app.lb, &line, &len);
		if (r == LB_LINE) {
			sess_feed(&app.s, line, now, time(NULL));
			lines++;
			continue;
		}
		if (r == LB_TOOLONG) {
			sb_add(&app.wire, time(NULL), SB_WIRE_IN, 0, NULL, NULL,
			    "(line longer than 512 bytes dropped)");
			continue;
		}
		if (eof || reads++ >= READ_CHUNK_MAX)
			break;
		size_t avail;
		char *space = lb_space(&app.lb, &avail);
		ssize_t n = read(app.fd, space, avail);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			snprintf(reason, sizeof reason, "%s", strerror(errno));
			eof = true;
			continue;
		}
		if (n == 0) {
			eof = true;
			continue;
		}
		sess_count_io(&app.s, (uint64_t)n, 0);
		lb_commit(&app.lb, (size_t)n);
	}
	if (eof && app.fd >= 0) {
		/* An ERROR line said why; keep that rather than the bare EOF. */
		lose(app.s.reason[0] && app.s.want_close ? app.s.reason : reason, now);
	}
}

/* ---- the LAN ---- */

static void
open_discovery(void)
{
	char err[256] = "";

	app.disc = disc_open(&app.dcfg, err, sizeof err);
	if (app.disc == NULL)
		sess_info(&app.s, SB_ERROR, "LAN discovery is off: %s", err);
	app.disc_next = clock_ms();
}

static size_t
servers_heard(const struct beacon_peer **out, size_t max)
{
	return app.disc != NULL ? disc_servers(app.disc, out, max) : 0;
}

/* Leaves whatever server we are on and connects to the one that beacon came from. */
static void
connect_peer(const struct beacon_peer *p, int64_t now)
{
	char port[SESS_PORT_LEN + 1];

	app.boot.active = false;
	app.picker.open = false;
	if (app.s.state == SESS_CONNECTED || app.s.state == SESS_REGISTERING) {
		sess_send(&app.s, "QUIT :Changing server");
		flush_before_close();
	}
	/* The datagram's source address, never an address named inside it. */
	snprintf(port, sizeof port, "%u", (unsigned)p->b.port);
	disc_pin(app.disc, p);
	sess_set_server(&app.s, p->addr, port);
	sess_info(&app.s, SB_INFO, "Connecting to %s at %s:%s", p->b.name, p->addr, port);
	sess_reset_backoff(&app.s);
	sess_allow_reconnect(&app.s);
	start_connect(now);
}

static void
list_servers(int64_t now)
{
	const struct beacon_peer *srv[LANPLAN_PICK_MAX];
	size_t n = servers_heard(srv, LANPLAN_PICK_MAX);
	char line[512];

	if (app.disc == NULL) {
		sess_info(&app.s, SB_ERROR, "LAN discovery is off: connect with /connect HOST[:PORT]");
		return;
	}
	if (n == 0) {
		sess_info(&app.s, SB_INFO, "No lanchat server heard on the LAN right now "
		    "(still listening on udp port %d)", app.dcfg.port);
		return;
	}
	sess_info(&app.s, SB_INFO, "Servers heard on the LAN (%zu):", n);
	for (size_t i = 0; i < n; i++) {
		lanplan_server_line(line, sizeof line, srv[i], now);
		sess_info(&app.s, SB_INFO, "  %s", line);
	}
	lanplan_picker_open(&app.picker);
	lanplan_picker_sync(&app.picker, srv, n);
}

static void
tell_none(void)
{
	sess_info(&app.s, SB_ERROR, "No lanchat server was found on the LAN (udp port %d).",
	    app.dcfg.port);
	sess_info(&app.s, SB_INFO, "Start one with 'lanchatd' on any machine here, or connect "
	    "by address: /connect HOST[:PORT] (or run 'lanchat HOST').");
	sess_info(&app.s, SB_INFO, "Still listening: a server that appears is joined by itself; "
	    "/servers shows what is heard.");
	sess_set_reason(&app.s, "no server found on the LAN yet");
}

static void
boot_step(int64_t now)
{
	const struct beacon_peer *srv[LANPLAN_PICK_MAX];
	size_t n = servers_heard(srv, LANPLAN_PICK_MAX);

	switch (lanplan_boot_step(&app.boot, n, now)) {
	case LANPLAN_BOOT_WAIT:
		break;
	case LANPLAN_BOOT_NONE:
		tell_none();
		break;
	case LANPLAN_BOOT_CONNECT:
		if (lanplan_auto_join_ok(disc_roster(app.disc), srv, n)) {
			connect_peer(srv[0], now);
			break;
		}
		sess_info(&app.s, SB_ERROR, "%s at %s claims the id of another server: "
		    "not joined by itself", srv[0]->b.name, srv[0]->addr);
		/* fall through - the user decides */
	case LANPLAN_BOOT_PICK:
		sess_info(&app.s, SB_INFO, "%zu servers heard on the LAN: choose one", n);
		lanplan_picker_open(&app.picker);
		lanplan_picker_sync(&app.picker, srv, n);
		break;
	}
}

static void
pick(enum lanplan_pick_key k, int64_t now)
{
	switch (lanplan_picker_key(&app.picker, k)) {
	case LANPLAN_PICK_OPEN:
		break;
	case LANPLAN_PICK_CHOSEN: {
		const struct beacon_peer *p = app.disc == NULL
		    ? NULL
		    : beacon_roster_find_at(disc_roster(app.disc),
		          lanplan_picker_selected(&app.picker),
		          lanplan_picker_selected_addr(&app.picker));
		if (p != NULL)
			connect_peer(p, now);
		break;
	}
	case LANPLAN_PICK_CANCELLED:
		if (app.s.state == SESS_IDLE)
			sess_info(&app.s, SB_INFO, "No server chosen: /servers to choose, "
			    "/connect HOST[:PORT] to connect by address");
		break;
	}
}

/*
 * The link is down and a beacon of the server we were on is heard again, from a process
 * that appeared after we lost it: it is back, so connect now rather than at retry_at.
 */
static void
rejoin_on_beacon(int64_t now)
{
	if (app.disc == NULL || app.s.state != SESS_WAITING || app.down_since == 0)
		return;
	const char *addr = app.peer[0] != '\0' ? app.peer : app.s.host;
	int port = app.peer[0] != '\0' ? app.peer_port : atoi(app.s.port);
	const struct beacon_peer *p = disc_find_server(app.disc, addr, port);
	if (p == NULL || p->first_ms < app.down_since || p->b.id == app.rejoined_id)
		return;
	app.rejoined_id = p->b.id;
	sess_info(&app.s, SB_INFO, "%s is announcing itself again: reconnecting now", p->b.name);
	sess_reset_backoff(&app.s);
	start_connect(now);
}

static void
lan_pass(int64_t now)
{
	if (app.disc == NULL)
		return;
	if (now >= app.disc_next) {
		struct disc_self self = { .nick = app.s.state == SESS_CONNECTED ? app.s.nick :
			app.s.want_nick };
		self.status = lanplan_self_status(app.s.away, app.last_key, now, &self.idle_s);
		if (app.s.state == SESS_CONNECTED && app.peer[0] != '\0') {
			self.server_addr = app.peer;
			self.server_port = app.peer_port;
		}
		disc_tick(app.disc, &self, now, &app.disc_next);
	}
	if (app.s.state == SESS_CONNECTED) {
		app.down_since = 0;
		/* The server we are on keeps its place in the roster, whatever floods it. */
		if (app.peer[0] != '\0') {
			const struct beacon_peer *on = disc_find_server(app.disc, app.peer,
			    app.peer_port);
			if (on != NULL)
				disc_pin(app.disc, on);
		}
	}
	rejoin_on_beacon(now);
	boot_step(now);
	if (app.picker.open) {
		const struct beacon_peer *srv[LANPLAN_PICK_MAX];
		lanplan_picker_sync(&app.picker, srv, servers_heard(srv, LANPLAN_PICK_MAX));
	}
	app.view.self.nick = app.s.state == SESS_CONNECTED ? app.s.nick : app.s.want_nick;
	app.view.self.status = lanplan_self_status(app.s.away, app.last_key, now,
	    &app.view.self.idle_s);
	app.view.self.server = app.s.state != SESS_CONNECTED ? NULL :
	    app.s.server_name[0] != '\0' ? app.s.server_name : app.s.host;
}

/* ---- keys ---- */

static void
submit(int64_t now)
{
	char line[INPUT_MAX + 1];

	str_copy(line, ed_text(&app.ed), sizeof line);
	ed_history_add(&app.ed, line);
	ed_clear(&app.ed);
	sb_scroll_bottom(&app.msgs);
	switch (cmd_run(&app.s, line, now)) {
	case CMD_NONE:
		break;
	case CMD_QUIT:
		flush_before_close();
		app.quit = true;
		break;
	case CMD_DISCONNECT:
		flush_before_close();
		lose("disconnected by you", now);
		break;
	case CMD_CONNECT:
		flush_before_close();
		app.boot.active = false;
		app.picker.open = false;
		sess_allow_reconnect(&app.s);
		start_connect(now);
		break;
	case CMD_SERVERS:
		list_servers(now);
		break;
	case CMD_LAN:
		app.view.show_lan = !app.view.show_lan;
		break;
	case CMD_WIRE:
		app.view.show_wire = !app.view.show_wire;
		break;
	case CMD_WELCOME:
		app.view.welcome_hidden = !app.view.welcome_hidden;
		break;
	}
}

static void
complete(void)
{
	if (cmd_complete(&app.s, &app.ed) == ED_REFUSED)
		ui_bell();
}

/* While the picker is open it takes the keys (Ctrl-C still quits). */
static bool
picker_key(bool code, wint_t c)
{
	static const struct {
		bool code;
		wint_t c;
		enum lanplan_pick_key k;
	} map[] = {
		{ true, KEY_UP, LANPLAN_KEY_UP }, { true, KEY_DOWN, LANPLAN_KEY_DOWN },
		{ true, KEY_HOME, LANPLAN_KEY_HOME }, { true, KEY_END, LANPLAN_KEY_END },
		{ true, KEY_ENTER, LANPLAN_KEY_ENTER }, { false, '\r', LANPLAN_KEY_ENTER },
		{ false, '\n', LANPLAN_KEY_ENTER }, { false, 'k', LANPLAN_KEY_UP },
		{ false, 'j', LANPLAN_KEY_DOWN }, { false, 27, LANPLAN_KEY_CANCEL },
		{ false, 'q', LANPLAN_KEY_CANCEL },
	};

	if (!app.picker.open || (!code && c == 3))
		return false;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].code == code && map[i].c == c)
			pick(map[i].k, clock_ms());
	return true;
}

static void
key_code(int k)
{
	struct scrollback *sb = app.view.show_wire ? &app.wire : &app.msgs;

	switch (k) {
	case KEY_LEFT: ed_key(&app.ed, ED_LEFT); break;
	case KEY_RIGHT: ed_key(&app.ed, ED_RIGHT); break;
	case KEY_HOME: ed_key(&app.ed, ED_HOME); break;
	case KEY_END: ed_key(&app.ed, ED_END); break;
	case KEY_BACKSPACE: ed_key(&app.ed, ED_BACKSPACE); break;
	case KEY_DC: ed_key(&app.ed, ED_DELETE); break;
	case KEY_UP: ed_key(&app.ed, ED_HIST_PREV); break;
	case KEY_DOWN: ed_key(&app.ed, ED_HIST_NEXT); break;
	case KEY_ENTER: submit(clock_ms()); break;
	case KEY_PPAGE: sb_scroll(sb, ui_page_rows()); break;
	case KEY_NPAGE: sb_scroll(sb, -ui_page_rows()); break;
	case KEY_F(2): app.view.show_wire = !app.view.show_wire; break;
	case KEY_F(3): app.view.welcome_hidden = !app.view.welcome_hidden; break;
	case KEY_F(4): app.view.show_lan = !app.view.show_lan; break;
	default: break;
	}
}

static void
key_char(wint_t c)
{
	switch (c) {
	case 1: ed_key(&app.ed, ED_HOME); break;       /* Ctrl-A */
	case 3: app.quit = true; break;                /* Ctrl-C */
	case 5: ed_key(&app.ed, ED_END); break;        /* Ctrl-E */
	case 8:                                        /* Ctrl-H */
	case 127: ed_key(&app.ed, ED_BACKSPACE); break;
	case '\t': complete(); break;
	case 11: ed_key(&app.ed, ED_KILL_END); break;  /* Ctrl-K */
	case 12: clearok(curscr, TRUE); break;         /* Ctrl-L */
	case 14: sess_cycle(&app.s, 1); break;         /* Ctrl-N */
	case 16: sess_cycle(&app.s, -1); break;        /* Ctrl-P */
	case '\n':
	case '\r': submit(clock_ms()); break;
	case 21: ed_key(&app.ed, ED_KILL_START); break; /* Ctrl-U */
	case 23: ed_key(&app.ed, ED_KILL_WORD); break;  /* Ctrl-W */
	default:
		if (c >= 0x20)
			ed_insert(&app.ed, (uint32_t)c);
		break;
	}
}

static void
read_keys(void)
{
	wint_t c;

	for (int i = 0; i < KEYS_PER_PASS && !app.quit; i++) {
		int r = get_wch(&c);
		if (r == ERR)
			break;
		app.last_key = clock_ms();
		if (picker_key(r == KEY_CODE_YES, c))
			continue;
		if (r == KEY_CODE_YES)
			key_code((int)c);
		else
			key_char(c);
	}
}

static void
resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui_resize();
}

/* A hung-up terminal reports POLLHUP; a plain "kill -HUP" leaves it working. */
static bool
terminal_gone(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void
read_signals(void)
{
	unsigned char b[16];
	ssize_t n;

	while ((n = read(app.sigpipe[0], b, sizeof b)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (b[i] == SIGWINCH) {
				resize();
			} else {
				app.quit = true;
				if (b[i] == SIGHUP && terminal_gone())
					app.hangup = true;
			}
		}
	}
}

/* ---- the loop ---- */

static void
run(void)
{
	while (!app.quit) {
		int64_t now = clock_ms();

		if (sess_tick(&app.s, now))
			start_connect(now);
		lan_pass(now);
		if (app.s.want_close && app.fd >= 0) {
			flush_before_close();
			lose(app.s.reason, now);
		}
		if (flush_out() < 0)
			lose(strerror(errno), now);
		if (sess_take_bell(&app.s))
			ui_bell();
		app.view.now = now;
		ui_draw(&app.view);

		struct pollfd p[4] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = app.sigpipe[0], .events = POLLIN },
			{ .fd = app.disc != NULL ? disc_fd(app.disc) : -1, .events = POLLIN },
			{ .fd = app.fd, .events = 0 },
		};
		if (app.fd >= 0) {
			p[3].events = POLLIN;
			if (app.s.state == SESS_CONNECTING || ob_pending(&app.s.out) > 0)
				p[3].events |= POLLOUT;
		}
		int64_t wake = sess_next_deadline(&app.s);
		if (app.disc != NULL && app.disc_next < wake)
			wake = app.disc_next;
		if (lanplan_boot_deadline(&app.boot) < wake)
			wake = lanplan_boot_deadline(&app.boot);
		int64_t tick = now + CLOCK_TICK_MS - now % CLOCK_TICK_MS;
		if (tick < wake)
			wake = tick;
		int timeout = wake <= now ? 0 : (int)(wake - now);
		/* Lines already framed but not yet handled: come straight back for them. */
		if (app.fd >= 0 && lb_ready(&app.lb))
			timeout = 0;
		if (poll(p, app.fd >= 0 ? 4 : 3, timeout) < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		now = clock_ms();

		if (p[1].revents & POLLIN)
			read_signals();
		if (app.disc != NULL && (p[2].revents & POLLIN))
			disc_read(app.disc, now);
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			app.hangup = true;
			app.quit = true;
		} else if (p[0].revents & POLLIN) {
			read_keys();
		}
		if (app.fd >= 0 && app.s.state == SESS_CONNECTING &&
		    (p[3].revents & (POLLOUT | POLLERR | POLLHUP)))
			finish_connect(now);
		else if (app.fd >= 0 && ((p[3].revents & (POLLIN | POLLERR | POLLHUP)) ||
		    lb_ready(&app.lb)))
			read_server(now);
	}
	if (app.fd >= 0) {
		if (app.s.state == SESS_CONNECTED && !app.s.user_quit)
			sess_send(&app.s, "QUIT :Leaving");
		flush_before_close();
		close_socket();
	}
	/* Says bye so that the others drop us at once rather than after the expiry. */
	disc_close(app.disc);
	app.disc = NULL;
}

static void
restore_terminal(void)
{
	ui_stop();
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nick", required_argument, NULL, 'n' },
		{ "channel", required_argument, NULL, 'c' },
		{ "no-beacon", no_argument, NULL, 'B' },
		{ "beacon-port", required_argument, NULL, 'P' },
		{ "beacon-addr", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *nick = getenv("USER"), *channel = "#lan";
	char host[SESS_HOST_LEN + 1] = "127.0.0.1", port[SESS_PORT_LEN + 1];
	struct in_addr ignored;
	char *end;
	long num;
	int c;

	snprintf(port, sizeof port, "%d", SERVER_PORT_DEFAULT);
	while ((c = getopt_long(argc, argv, "n:c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			nick = optarg;
			if (!irc_valid_nick(nick)) {
				fprintf(stderr, "lanchat: not a valid nick: %s\n", nick);
				return 2;
			}
			break;
		case 'c':
			channel = optarg;
			if (!irc_valid_channel(channel)) {
				fprintf(stderr, "lanchat: not a valid channel: %s\n", channel);
				return 2;
			}
			break;
		case 'B':
			app.dcfg.announce = false;
			break;
		case 'P':
			errno = 0;
			num = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || num < 1 || num > PORT_MAX) {
				fprintf(stderr, "lanchat: not a UDP port: %s\n", optarg);
				return 2;
			}
			app.dcfg.port = (int)num;
			break;
		case 'A':
			if (inet_pton(AF_INET, optarg, &ignored) != 1) {
				fprintf(stderr, "lanchat: not an IPv4 address: %s\n", optarg);
				usage(stderr);
				return 2;
			}
			if (app.dcfg.ndest == DISC_DEST_MAX) {
				fprintf(stderr, "lanchat: at most %d --beacon-addr\n", DISC_DEST_MAX);
				return 2;
			}
			app.dcfg.dest[app.dcfg.ndest++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("lanchat %s\n", LANCHAT_VERSION);
			return 0;
		default:
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
		int rc = net_split_hostport(argv[optind], host, sizeof host, port, sizeof port, port);
		if (rc == NET_SPLIT_BADPORT) {
			fprintf(stderr, "lanchat: port %s is out of range (1-65535)\n", port);
			usage(stderr);
			return 2;
		}
		if (rc < 0) {
			fprintf(stderr, "lanchat: cannot read %s as HOST[:PORT] "
			    "(an IPv6 address with a port: [ADDR]:PORT)\n", argv[optind]);
			usage(stderr);
			return 2;
		}
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "lanchat: needs a terminal on stdin and stdout\n");
		return 2;
	}

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");

	sb_init(&app.msgs, SCROLLBACK_LINES);
	sb_init(&app.welcome, MOTD_LINES_MAX + 32);
	sb_init(&app.wire, WIRE_LINES);
	sess_init(&app.s, nick, channel, &app.msgs, &app.welcome, &app.wire,
	    (uint32_t)(getpid() ^ clock_ms()));
	if (optind < argc)
		sess_set_server(&app.s, host, port);
	ed_init(&app.ed);
	lb_init(&app.lb);
	app.view.s = &app.s;
	app.view.ed = &app.ed;

	setup_signals();
	atexit(restore_terminal);
	ui_start();
	sess_info(&app.s, SB_INFO, "lanchat %s: /help lists the commands, Ctrl-C quits",
	    LANCHAT_VERSION);
	app.last_key = clock_ms();
	open_discovery();
	app.view.disc = app.disc;
	app.view.picker = &app.picker;
	if (optind < argc) {
		start_connect(clock_ms());
	} else if (app.disc != NULL) {
		sess_info(&app.s, SB_INFO, "Looking for lanchat servers on the LAN "
		    "(udp port %d)...", app.dcfg.port);
		sess_set_reason(&app.s, "looking for a server on the LAN");
		sess_clear_server(&app.s);
		lanplan_boot_start(&app.boot, clock_ms());
		if (!app.dcfg.announce)
			lanplan_boot_quiet(&app.boot);
	} else {
		/* Nothing to listen with: the old default, a server on this machine. */
		sess_set_server(&app.s, host, port);
		start_connect(clock_ms());
	}
	run();
	/*
	 * With the terminal gone there is nothing to restore and nobody to tell; leave at once
	 * rather than write to a dead terminal from exit handlers.
	 */
	if (app.hangup)
		_exit(0);
	ui_stop();

	sess_free(&app.s);
	ed_free(&app.ed);
	sb_free(&app.msgs);
	sb_free(&app.welcome);
	sb_free(&app.wire);
	return 0;
}
