/*
 * lanchat: the terminal client. Flags, terminal set-up and restore, and the poll() loop over
 * the terminal, the server socket, the LAN beacon socket, a self-pipe for signals and the
 * session's timers.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
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

#include "client/args.h"
#include "client/commands.h"
#include "client/config.h"
#include "client/dcc.h"
#include "client/discovery.h"
#include "client/editor.h"
#include "client/lanplan.h"
#include "client/link.h"
#include "client/log.h"
#include "client/notify.h"
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
	/* Alt-Left and Alt-Right as xterm sends them, named here as terminfo has no name. */
	KEY_ALT_LEFT = KEY_MAX + 1,
	KEY_ALT_RIGHT = KEY_MAX + 2,
	/* What a terminal asked for focus reports sends as the focus comes and goes. */
	KEY_FOCUS_IN = KEY_MAX + 3,
	KEY_FOCUS_OUT = KEY_MAX + 4,
	CLOCK_TICK_MS = 1000   /* the status line shows seconds */
};

static struct {
	struct session s;
	struct editor ed;
	struct win_list wins;
	struct scrollback welcome, wire;
	unsigned shown_win;  /* the window whose input the editor holds */
	struct config cfg;
	bool logging;        /* log.enabled and no --no-log */
	bool no_log;         /* --no-log: no /set turns logging on this run */
	char log_root[LOG_PATH_MAX];
	struct notify notify;
	bool ring;           /* a notification wants the bell */
	struct log_find find;
	struct dcc *dcc;     /* files offered, coming and going */
	struct ui_view view;
	struct link link;    /* the server socket */
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
	uint64_t rejoined_id;       /* the server beacon that already triggered a reconnect */
} app = { .sigpipe = { -1, -1 },
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

/* ---- settings, logs and notifications ---- */

/* Logs are kept per server name: nothing is logged before a server has said its name. */
static const char *
log_server(void)
{
	return app.s.server_name;
}

static void
on_win_open(void *arg, struct win *w)
{
	(void)arg;
	if (app.logging)
		log_restore(app.log_root, log_server(), w);
}

static void
notify_line(const struct win *w, const struct sb_line *l)
{
	char sender[NICK_LEN * 4 + 8], store[NOTIFY_CMD_LEN + sizeof sender + 8 * IRC_LINE_MAX];
	char *argv[NOTIFY_ARGS_MAX + 1];

	if (app.cfg.bell)
		app.ring = true;
	if (app.cfg.notify_cmd[0] == '\0')
		return;
	if (l->nick_len > 0)
		snprintf(sender, sizeof sender, "%.*s", (int)l->nick_len, l->text + l->nick_off);
	else
		snprintf(sender, sizeof sender, "%s", w->name);
	if (notify_argv(app.cfg.notify_cmd, sender, l->text + l->body_off, store, sizeof store,
	    argv, NOTIFY_ARGS_MAX + 1) == 0 || !notify_run(argv))
		sess_info(&app.s, SB_ERROR, "notify.command could not be run: %s", strerror(errno));
}

/* Every line added to a window: into its log, and maybe a notification. */
static void
on_line(void *arg, const struct win *w, const struct sb_line *l, enum win_act act)
{
	(void)arg;
	if (app.logging)
		log_window_line(app.log_root, log_server(), w, l);
	bool shown = w == win_current(&app.wins) && !app.view.show_wire && !app.view.show_lan &&
	    !app.picker.open;
	if (notify_wanted(act, shown, app.notify.focused) && notify_allow(&app.notify, clock_ms()))
		notify_line(w, l);
}

/* The settings that live outside the config: at start and after each /set. */
static void
apply_config(void)
{
	str_copy(app.s.realname, app.cfg.realname, sizeof app.s.realname);
	memcpy(app.s.highlight, app.cfg.highlight, sizeof app.s.highlight);
	app.s.nhighlight = app.cfg.nhighlight;
	sb_set_time_format(app.cfg.time_format);
	app.logging = app.cfg.log && !app.no_log;
	ui_colours(app.cfg.colours);
}

/* ---- files (DCC) ---- */

static void
dcc_say(void *arg, const char *nick, bool attention, const char *text)
{
	(void)arg;
	sess_note(&app.s, nick, attention, text);
}

static void
dcc_send_ctcp(void *arg, const char *nick, const char *body)
{
	(void)arg;
	sess_send(&app.s, "PRIVMSG %s :\001%s\001", nick, body);
}

static void
on_dcc(void *arg, const char *nick, const char *ctcp)
{
	struct dcc_msg m;
	(void)arg;
	if (dcc_parse(ctcp, &m))
		dcc_ctcp(app.dcc, nick, &m, clock_ms());
	else
		sess_note(&app.s, nick, false, "A file offer that cannot be read was ignored");
}

static void
on_file_cmd(void *arg, const char *cmd, const char *args)
{
	char nick[NICK_LEN + 8];
	int64_t now = clock_ms();
	size_t n = strcspn(args, " ");
	const char *rest = args + n + strspn(args + n, " ");

	(void)arg;
	snprintf(nick, sizeof nick, "%.*s", (int)n, args);
	if (strcmp(cmd, "/send") == 0)
		dcc_send(app.dcc, nick, rest, link_local_ipv4(&app.link), now);
	else if (strcmp(cmd, "/accept") == 0)
		dcc_accept(app.dcc, nick, rest, link_local_ipv4(&app.link), now);
	else if (strcmp(cmd, "/decline") == 0)
		dcc_decline(app.dcc, nick, rest);
	else if (strcmp(cmd, "/cancel") == 0)
		dcc_cancel(app.dcc, atoi(args));
	else
		dcc_list(app.dcc, now);
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
	/* A server that offers TLS is joined over it, and must show the certificate its beacon
	 * names. */
	snprintf(port, sizeof port, "%u", (unsigned)(p->b.tls_port ? p->b.tls_port : p->b.port));
	bool up = app.s.state == SESS_CONNECTED || app.s.state == SESS_REGISTERING;
	bool same_port = app.link.peer_port == (int)p->b.port ||
	    (p->b.tls_port != 0 && app.link.peer_port == (int)p->b.tls_port);
	if (up && same_port && strcmp(app.link.peer, p->addr) == 0) {
		/* Choosing the server we are on keeps the connection (and the channels). */
		sess_info(&app.s, SB_INFO, "Already connected to %s at %s:%s", p->b.name, p->addr,
		    port);
		return;
	}
	if (up) {
		sess_send(&app.s, "QUIT :Changing server");
		link_flush_before_close(&app.link, &app.s);
	}
	/* The datagram's source address, never an address named inside it. */
	disc_pin(app.disc, p);
	sess_set_server(&app.s, p->addr, port);
	sess_set_tls(&app.s, p->b.tls_port != 0, p->b.fp);
	sess_info(&app.s, SB_INFO, "Connecting to %s at %s:%s%s", p->b.name, p->addr, port,
	    p->b.tls_port ? " over TLS" : "");
	sess_reset_backoff(&app.s);
	sess_allow_reconnect(&app.s);
	link_connect(&app.link, &app.s, now);
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
	if (app.disc == NULL || app.s.state != SESS_WAITING || app.link.down_since == 0)
		return;
	const char *addr = app.link.peer[0] != '\0' ? app.link.peer : app.s.host;
	int port = app.link.peer[0] != '\0' ? app.link.peer_port : atoi(app.s.port);
	const struct beacon_peer *p = disc_find_server(app.disc, addr, port);
	if (p == NULL || p->first_ms < app.link.down_since || p->b.id == app.rejoined_id)
		return;
	app.rejoined_id = p->b.id;
	sess_info(&app.s, SB_INFO, "%s is announcing itself again: reconnecting now", p->b.name);
	sess_reset_backoff(&app.s);
	link_connect(&app.link, &app.s, now);
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
		if (app.s.state == SESS_CONNECTED && app.link.peer[0] != '\0') {
			self.server_addr = app.link.peer;
			self.server_port = app.link.peer_port;
		}
		disc_tick(app.disc, &self, now, &app.disc_next);
	}
	if (app.s.state == SESS_CONNECTED) {
		app.link.down_since = 0;
		/* The server we are on keeps its place in the roster, whatever floods it. */
		if (app.link.peer[0] != '\0') {
			const struct beacon_peer *on = disc_find_server(app.disc, app.link.peer,
			    app.link.peer_port);
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
	sb_scroll_bottom(&win_current(&app.wins)->sb);
	switch (cmd_run(&app.s, line, now)) {
	case CMD_NONE:
		break;
	case CMD_QUIT:
		link_flush_before_close(&app.link, &app.s);
		app.quit = true;
		break;
	case CMD_DISCONNECT:
		link_flush_before_close(&app.link, &app.s);
		link_lose(&app.link, &app.s, "disconnected by you", now);
		break;
	case CMD_TRUST:
		if (link_trust_refused(&app.link, &app.s) != 0)
			break;
		/* connect again, now that the certificate is pinned */
		__attribute__((fallthrough));
	case CMD_CONNECT:
		link_flush_before_close(&app.link, &app.s);
		app.boot.active = false;
		app.picker.open = false;
		sess_allow_reconnect(&app.s);
		link_connect(&app.link, &app.s, now);
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
	case CMD_SET:
		apply_config();
		break;
	case CMD_FIND:
		log_find_next(&app.find, &app.s, win_current(&app.wins),
		    app.logging ? app.log_root : NULL, log_server());
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
	struct scrollback *sb = app.view.show_wire ? &app.wire : &win_current(&app.wins)->sb;

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
	case KEY_PPAGE:
		/* At the top of a window already: older lines from the server's history. */
		if (!app.view.show_wire && !app.view.show_lan && sb->top_shown)
			sess_hist_more(&app.s, app.wins.cur);
		sb_scroll(sb, ui_page_rows());
		break;
	case KEY_NPAGE: sb_scroll(sb, -ui_page_rows()); break;
	case KEY_F(2): app.view.show_wire = !app.view.show_wire; break;
	case KEY_F(3): app.view.welcome_hidden = !app.view.welcome_hidden; break;
	case KEY_F(4): app.view.show_lan = !app.view.show_lan; break;
	case KEY_ALT_LEFT: win_step(&app.wins, -1); break;
	case KEY_ALT_RIGHT: win_step(&app.wins, 1); break;
	case KEY_FOCUS_IN: app.notify.focused = true; break;
	case KEY_FOCUS_OUT: app.notify.focused = false; break;
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
	case 14: win_step(&app.wins, 1); break;        /* Ctrl-N */
	case 16: win_step(&app.wins, -1); break;       /* Ctrl-P */
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

/*
 * The editor holds the input of the window shown: when another window is shown (by a key,
 * a command or a JOIN), the line typed so far stays with the window it was typed in.
 */
static void
sync_input(void)
{
	struct win *now = win_current(&app.wins);
	if (now->id == app.shown_win)
		return;
	struct win *was = win_get(&app.wins, win_find_id(&app.wins, app.shown_win));
	if (was != NULL)
		ed_save(&app.ed, &was->input);
	else
		ed_clear(&app.ed);
	ed_restore(&app.ed, &now->input);
	app.shown_win = now->id;
}

/* Alt-key arrives as ESC and the key; a lone ESC (and Alt with anything else) does nothing. */
static void
key_alt(void)
{
	wint_t c;
	int r = get_wch(&c);

	if (r == OK && c >= '1' && c <= '9')
		win_select(&app.wins, (int)(c - '1'));
	else if (r == OK && c == '0')
		win_select(&app.wins, 9);
	else if (r == KEY_CODE_YES && c == KEY_LEFT)
		win_step(&app.wins, -1);
	else if (r == KEY_CODE_YES && c == KEY_RIGHT)
		win_step(&app.wins, 1);
	else if (r != ERR)
		unget_wch(c);
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
		else if (c == 27)
			key_alt();
		else
			key_char(c);
		sync_input();
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
			link_connect(&app.link, &app.s, now);
		dcc_tick(app.dcc, now);
		lan_pass(now);
		if (app.s.want_close && link_fd(&app.link) >= 0) {
			link_flush_before_close(&app.link, &app.s);
			link_lose(&app.link, &app.s, app.s.reason, now);
		}
		char err[256];
		if (link_flush(&app.link, &app.s, err, sizeof err) < 0)
			link_lose(&app.link, &app.s, err, now);
		sync_input();
		notify_reap();
		if (app.ring) {
			ui_bell();
			app.ring = false;
		}
		app.view.now = now;
		if (!dcc_progress(app.dcc, app.view.progress, sizeof app.view.progress, now))
			app.view.progress[0] = '\0';
		ui_draw(&app.view);

		struct pollfd p[4 + DCC_TRANSFERS_MAX] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = app.sigpipe[0], .events = POLLIN },
			{ .fd = app.disc != NULL ? disc_fd(app.disc) : -1, .events = POLLIN },
			{ .fd = link_fd(&app.link),
			    .events = link_events(&app.link, ob_pending(&app.s.out) > 0) },
		};
		size_t nd = dcc_pollfds(app.dcc, p + 4, DCC_TRANSFERS_MAX);
		int64_t wake = sess_next_deadline(&app.s);
		if (dcc_next_deadline(app.dcc) < wake)
			wake = dcc_next_deadline(app.dcc);
		if (app.disc != NULL && app.disc_next < wake)
			wake = app.disc_next;
		if (lanplan_boot_deadline(&app.boot) < wake)
			wake = lanplan_boot_deadline(&app.boot);
		int64_t tick = now + CLOCK_TICK_MS - now % CLOCK_TICK_MS;
		if (tick < wake)
			wake = tick;
		int timeout = wake <= now ? 0 : (int)(wake - now);
		/* Lines already framed (or decrypted) but not yet handled: come straight back. */
		if (link_pending(&app.link))
			timeout = 0;
		if (poll(p, 4 + nd, timeout) < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		now = clock_ms();
		/* Before keys and server lines, which may add or end transfers. */
		dcc_io(app.dcc, p + 4, nd, now);

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
		link_ready(&app.link, &app.s, p[3].revents, now);
	}
	if (link_fd(&app.link) >= 0) {
		if (app.s.state == SESS_CONNECTED && !app.s.user_quit)
			sess_send(&app.s, "QUIT :Leaving");
		link_flush_before_close(&app.link, &app.s);
		link_close(&app.link);
	}
	/* Says bye so that the others drop us at once rather than after the expiry. */
	disc_close(app.disc);
	app.disc = NULL;
}

/* Focus reports (xterm's mode 1004): on while we run, off when the terminal is given back. */
static void
focus_reports(bool on)
{
	fputs(on ? "\033[?1004h" : "\033[?1004l", stdout);
	fflush(stdout);
}

static void
restore_terminal(void)
{
	if (!app.hangup)
		focus_reports(false);
	ui_stop();
}

int
main(int argc, char **argv)
{
	struct args args;
	int rc = args_parse(&args, &app.dcfg, argc, argv);
	if (rc >= 0)
		return rc;
	char cpath[CFG_PATH_MAX], err[CFG_ERR_MAX];
	cfg_defaults(&app.cfg);
	if (args.config != NULL)
		str_copy(cpath, args.config, sizeof cpath);
	else
		cfg_default_path(cpath, sizeof cpath);
	if ((args.config != NULL && access(cpath, R_OK) != 0) ||
	    !cfg_load(&app.cfg, cpath, err, sizeof err)) {
		if (args.config != NULL && access(cpath, R_OK) != 0)
			snprintf(err, sizeof err, "%s: %s", cpath, strerror(errno));
		fprintf(stderr, "lanchat: %s\n", err);
		return 2;
	}
	/* A SERVER from the config by name, or its autoconnect one when none is given. */
	const struct cfg_server *sv = args.have_server ? cfg_server(&app.cfg, args.server_arg) :
	    cfg_autoconnect(&app.cfg);
	if (sv != NULL) {
		str_copy(args.host, sv->host, sizeof args.host);
		str_copy(args.port, sv->port, sizeof args.port);
		args.tls = args.tls || sv->tls;
		args.have_server = true;
	}
	const char *nick = args.nick != NULL ? args.nick :
	    app.cfg.nick[0] != '\0' ? app.cfg.nick : getenv("USER");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "lanchat: needs a terminal on stdin and stdout\n");
		return 2;
	}

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");

	win_init(&app.wins, SCROLLBACK_LINES);
	app.shown_win = win_current(&app.wins)->id;
	sb_init(&app.welcome, WELCOME_LINES);
	sb_init(&app.wire, WIRE_LINES);
	sess_init(&app.s, nick, args.channel != NULL ? args.channel : "#lan", &app.wins,
	    &app.welcome, &app.wire, (uint32_t)(getpid() ^ clock_ms()));
	if (args.have_server)
		sess_set_server(&app.s, args.host, args.port);
	sess_set_tls(&app.s, args.tls, NULL);
	if (sv != NULL && sv->nchannels > 0 && args.channel == NULL) {
		sess_autojoin_del(&app.s, "#lan");
		for (int i = 0; i < sv->nchannels; i++)
			sess_autojoin_add(&app.s, sv->channels[i]);
	}
	app.s.cfg = &app.cfg;
	app.dcc = dcc_new(&app.cfg, (struct dcc_host){ .say = dcc_say, .ctcp = dcc_send_ctcp });
	app.s.on_dcc = on_dcc;
	app.s.on_file_cmd = on_file_cmd;
	app.s.on_line = on_line;
	app.wins.on_open = on_win_open;
	log_default_root(app.log_root, sizeof app.log_root);
	app.no_log = args.no_log;
	apply_config();
	notify_init(&app.notify, clock_ms());
	ed_init(&app.ed);
	link_init(&app.link, &app.s);
	app.view.s = &app.s;
	app.view.ed = &app.ed;

	setup_signals();
	atexit(restore_terminal);
	ui_start(app.cfg.colours);
	define_key("\033[1;3D", KEY_ALT_LEFT);
	define_key("\033[1;3C", KEY_ALT_RIGHT);
	define_key("\033[I", KEY_FOCUS_IN);
	define_key("\033[O", KEY_FOCUS_OUT);
	focus_reports(true);
	sess_info(&app.s, SB_INFO, "lanchat %s: /help lists the commands, Ctrl-C quits",
	    LANCHAT_VERSION);
	app.last_key = clock_ms();
	open_discovery();
	app.view.disc = app.disc;
	app.view.picker = &app.picker;
	if (args.have_server) {
		link_connect(&app.link, &app.s, clock_ms());
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
		sess_set_server(&app.s, args.host, args.port);
		link_connect(&app.link, &app.s, clock_ms());
	}
	run();
	/*
	 * With the terminal gone there is nothing to restore and nobody to tell; leave at once
	 * rather than write to a dead terminal from exit handlers.
	 */
	if (app.hangup)
		_exit(0);
	ui_stop();

	link_free(&app.link);
	sess_free(&app.s);
	ed_free(&app.ed);
	dcc_free(app.dcc);
	win_free(&app.wins);
	sb_free(&app.welcome);
	sb_free(&app.wire);
	return 0;
}
