# Shared helpers for the client's tmux end-to-end tests (sourced, not run).
# Each test runs its own tmux server (-L) with fixed-size windows and polls capture-pane
# against a deadline rather than sleeping for a guessed time.

LANCHAT=${1:?usage: $0 LANCHAT LANCHATD}
LANCHATD=${2:-}
export LANG=C.UTF-8 LC_ALL=C.UTF-8

command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux not installed"; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lanchat-tui.XXXXXX")
# Keys, certificates and known_servers of every program a test starts stay in the test.
export XDG_STATE_HOME="$WORK/state"
# The client's config and logs live in the test's own directory, never the user's.
export XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data"
mkdir -p "$XDG_CONFIG_HOME/lanchat"
SOCK="lanchat-test-$$-$(basename "$0" .sh)"
SERVER_PID=""
LAN_PIDS=""

tmx() {
	tmux -L "$SOCK" -u -f /dev/null "$@"
}

# Clients still running get SIGTERM and a moment to leave while their terminal still
# exists (a client losing its terminal under a sanitiser build can hang in the leak check).
stop_clients() {
	_pids=""
	for _s in $(tmx list-sessions -F '#{session_name}' 2>/dev/null); do
		_sh=$(tmx display-message -p -t "=$_s:" '#{pane_pid}' 2>/dev/null || true)
		[ -n "$_sh" ] || continue
		for _p in $(pgrep -P "$_sh" -x lanchat 2>/dev/null); do
			kill -TERM "$_p" 2>/dev/null && _pids="$_pids $_p"
		done
	done
	_end=$(( $(now_ms) + 5000 ))
	for _p in $_pids; do
		while kill -0 "$_p" 2>/dev/null && [ "$(now_ms)" -lt "$_end" ]; do
			sleep 0.05
		done
		kill -KILL "$_p" 2>/dev/null || true
	done
}

cleanup() {
	stop_clients
	tmx kill-server 2>/dev/null || true
	for _p in $SERVER_PID $LAN_PIDS; do
		kill "$_p" 2>/dev/null || true
		wait "$_p" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*" >&2
	for w in $(tmx list-windows -a -F '#{session_name}' 2>/dev/null); do
		echo "---- screen of $w ----" >&2
		tmx capture-pane -p -t "=$w:" >&2 2>/dev/null || true
	done
	[ -f "$WORK/server.log" ] && { echo "---- server log ----" >&2; tail -20 "$WORK/server.log" >&2; }
	exit 1
}

now_ms() {
	date +%s%3N
}

# wait_for WINDOW REGEX [SECONDS]: polls the screen until a line matches.
wait_for() {
	_end=$(( $(now_ms) + ${3:-10} * 1000 ))
	while :; do
		if tmx capture-pane -p -t "=$1:" 2>/dev/null | grep -Eq -- "$2"; then
			return 0
		fi
		[ "$(now_ms)" -lt "$_end" ] || fail "$1: no line matching '$2' on the screen"
		sleep 0.05
	done
}

# wait_gone WINDOW REGEX [SECONDS]: polls until no line matches.
wait_gone() {
	_end=$(( $(now_ms) + ${3:-10} * 1000 ))
	while tmx capture-pane -p -t "=$1:" 2>/dev/null | grep -Eq -- "$2"; do
		[ "$(now_ms)" -lt "$_end" ] || fail "$1: '$2' still on the screen"
		sleep 0.05
	done
}

screen() {
	tmx capture-pane -p -t "=$1:"
}

# wait_cursor WINDOW ROW [SECONDS]: polls until the cursor is on ROW. A redraw reaches tmux
# in pieces, and the cursor goes back to the input line only at its end.
wait_cursor() {
	_end=$(( $(now_ms) + ${3:-10} * 1000 ))
	until [ "$(tmx display-message -p -t "=$1:" '#{cursor_y}' 2>/dev/null)" = "$2" ]; do
		[ "$(now_ms)" -lt "$_end" ] ||
			fail "$1: cursor on row $(tmx display-message -p -t "=$1:" '#{cursor_y}'), not $2"
		sleep 0.05
	done
}

# tls_port_args ARGS...: "--tls-port 0" unless ARGS choose the TLS listener themselves. A
# server given a plain port (a restart on the same one) would otherwise take TLS on 6697,
# which two tests running side by side cannot both have.
tls_port_args() {
	case " $* " in
	*" --tls-port "* | *" --no-tls "* | *" --no-plain "*) ;;
	*) printf '%s' "--tls-port 0" ;;
	esac
}

# start_server [PORT] [ARGS...]: lanchatd on loopback; sets PORT and SERVER_PID.
start_server() {
	_port=${1:-0}
	shift 2>/dev/null || true
	: >"$WORK/server.log"
	# shellcheck disable=SC2046
	"$LANCHATD" -b 127.0.0.1 -p "$_port" -n testsrv --no-beacon $(tls_port_args "$@") "$@" \
	    2>"$WORK/server.log" &
	SERVER_PID=$!
	_end=$(( $(now_ms) + 10000 ))
	until grep -q "listening on" "$WORK/server.log" 2>/dev/null; do
		kill -0 "$SERVER_PID" 2>/dev/null || fail "lanchatd exited: $(cat "$WORK/server.log")"
		[ "$(now_ms)" -lt "$_end" ] || fail "lanchatd did not start"
		sleep 0.05
	done
	PORT=$(grep -o 'listening on [^ ]*' "$WORK/server.log" | head -1 | sed 's/.*://')
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}

# start_ngircd: Debian's ngIRCd on a loopback port of its own (it reads the port from its
# configuration, so a few pseudo-random high ports are tried); sets PORT and SERVER_PID.
# Exits 77 (skip) when ngircd is not installed.
start_ngircd() {
	NGIRCD=$(command -v ngircd 2>/dev/null || true)
	[ -n "$NGIRCD" ] || [ ! -x /usr/sbin/ngircd ] || NGIRCD=/usr/sbin/ngircd
	[ -n "$NGIRCD" ] || { echo "SKIP: ngircd not installed"; exit 77; }
	_tries=0
	while :; do
		_tries=$((_tries + 1))
		[ "$_tries" -le 8 ] || fail "ngircd would not start"
		PORT=$(( 20000 + ($$ * 13 + _tries * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') ) % 40000 ))
		cat >"$WORK/ngircd.conf" <<CONF
[Global]
Name = irc.test.lan
Info = lanchat client test
Listen = 127.0.0.1
Ports = $PORT
MotdPhrase = Hello from the ngircd test MOTD
[Limits]
MaxConnectionsIP = 0
[Options]
PAM = no
Ident = no
DNS = no
CONF
		: >"$WORK/server.log"
		"$NGIRCD" -n -f "$WORK/ngircd.conf" >"$WORK/server.log" 2>&1 &
		SERVER_PID=$!
		_end=$(( $(now_ms) + 10000 ))
		while ! grep -q "Now listening on" "$WORK/server.log"; do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			[ "$(now_ms)" -lt "$_end" ] || break
			sleep 0.05
		done
		grep -q "Now listening on" "$WORK/server.log" && break
		stop_server
	done
}

# client NAME NICK [ARGS...]: a client in its own 100x30 window (CLIENT_ROWS rows if set); the
# shell around it records the exit status and the terminal modes once it is gone. CLIENT_ENV,
# if set, is put in front of the command (VAR=value ...).
client() {
	_name=$1
	_nick=$2
	shift 2
	_cmd="${CLIENT_ENV:-} '$LANCHAT' -n $_nick --no-beacon $*; echo \$? >'$WORK/$_name.rc'; stty -a >'$WORK/$_name.stty'; echo CLIENT-EXITED; sleep 30"
	tmx new-session -d -s "$_name" -x 100 -y "${CLIENT_ROWS:-30}" "$_cmd" \; set-option -g status off
}

say() {
	tmx send-keys -t "=$1:" -l "$2"
	tmx send-keys -t "=$1:" Enter
}

# ---- LAN discovery: beacons only ever go to 127.255.255.255 on a port of the test's own ----

# free_udp_port: prints a UDP port nobody has bound right now.
free_udp_port() {
	command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 0)); print(s.getsockname()[1])'
}

# beacon_server NAME [PORT]: a lanchatd that beacons to 127.255.255.255:$BEACON_PORT. Returns at
# once; wait_server NAME waits for its "listening" line and sets PORT.
beacon_server() {
	"$LANCHATD" -b 127.0.0.1 -p "${2:-0}" --tls-port 0 -n "$1" --beacon-addr 127.255.255.255 \
	    --beacon-port "$BEACON_PORT" 2>"$WORK/$1.log" &
	LAN_PIDS="$LAN_PIDS $!"
	eval "PID_$1=$!"
}

wait_server() {
	_end=$(( $(now_ms) + 10000 ))
	until grep -q "listening on" "$WORK/$1.log" 2>/dev/null; do
		[ "$(now_ms)" -lt "$_end" ] || fail "lanchatd $1 did not start: $(cat "$WORK/$1.log")"
		sleep 0.05
	done
	PORT=$(grep -o 'listening on [^ ]*' "$WORK/$1.log" | head -1 | sed 's/.*://')
	# Beacons carry it: clients that find a server by beacon join over TLS.
	TLS_PORT=$(sed -n 's/.* and TLS [^ ]*:\([0-9]*\) .*/\1/p' "$WORK/$1.log" | head -1)
}

# lan_client NAME NICK [ARGS...]: like client, but hearing and sending beacons on the test's
# port (127.255.255.255 only) instead of --no-beacon.
lan_client() {
	_name=$1
	_nick=$2
	shift 2
	_cmd="'$LANCHAT' -n $_nick --beacon-addr 127.255.255.255 --beacon-port $BEACON_PORT $*; echo \$? >'$WORK/$_name.rc'; echo CLIENT-EXITED; sleep 30"
	tmx new-session -d -s "$_name" -x 100 -y 30 "$_cmd" \; set-option -g status off
}
