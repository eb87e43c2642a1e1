#!/bin/sh
# History in the client, against lanchatd's store: the server restarts (same state directory)
# while another user talks, and the client shows every line said during the outage, once,
# under one marker; a client started again shows its log and the server's history without a
# line twice; PgUp at the top of a window brings older lines until there are none.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

# talk NICK CHANNEL: an IRC client that joins CHANNEL, says each line of stdin there, waits
# until the server has handled them all (PING, PONG) and leaves.
talk() {
	python3 "$WORK/talk.py" "$PORT" "$1" "$2" || fail "talk $1 $2 failed"
}
cat >"$WORK/talk.py" <<'PY'
import socket, sys, time
port, nick, chan = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lines = ["NICK " + nick, "USER %s 0 * :%s" % (nick, nick), "JOIN " + chan]
lines += ["PRIVMSG %s :%s" % (chan, l.rstrip("\n")) for l in open(0)]
lines += ["PING :talked"]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(("\r\n".join(lines) + "\r\n").encode())
got, end = b"", time.time() + 10
while b"PONG" not in got:
    if time.time() > end:
        sys.exit("no PONG")
    data = s.recv(65536)
    if not data:
        sys.exit("closed: " + got.decode(errors="replace")[-300:])
    got += data
s.sendall(b"QUIT :done\r\n")
s.close()
PY

# once WINDOW REGEX: exactly one line of the screen matches.
once() {
	_n=$(screen "$1" | grep -Ec -- "$2" || true)
	[ "$_n" = 1 ] || fail "$1: '$2' is on $_n lines of the screen, not once"
}

# row WINDOW REGEX: the row of the first line that matches.
row() {
	screen "$1" | grep -En -- "$2" | head -1 | cut -d: -f1
}

# No TLS listener: a restart on a fixed port must not contend for another.
SRV="--state-dir $WORK/srv --flood 0 --no-tls"

start_server 0 $SRV
CLIENT_ROWS=40 client a alice "127.0.0.1:$PORT"
wait_for a "You joined #lan"
echo "before the restart" | talk bob "#lan"
wait_for a "<bob> before the restart"

# The server goes and the client retries. Meanwhile the server runs, with its store, where
# only bob reaches it (another port), and bob talks; then it is back where alice looks.
APORT=$PORT
stop_server
wait_for a "Cannot connect: .*reconnecting in" 30
start_server 0 $SRV
printf 'during the outage %s\n' 1 2 3 | talk bob "#lan"
stop_server
start_server "$APORT" $SRV
wait_for a "^ lanchat +connected +alice" 30
wait_for a "-- 3 messages while you were away --" 15
once a "messages while you were away"
once a "<bob> before the restart"
for i in 1 2 3; do once a "<bob> during the outage $i( |$)"; done
# The marker heads them, in order, above the join that came after them.
r0=$(row a "messages while you were away")
r1=$(row a "<bob> during the outage 1")
r3=$(row a "<bob> during the outage 3")
rj=$(row a "Connection lost: ")
[ "$rj" -lt "$r0" ] && [ "$r0" -lt "$r1" ] && [ "$r1" -lt "$r3" ] ||
	fail "out of order: loss $rj, marker $r0, first $r1, last $r3"
[ "$(screen a | tail -n +"$r3" | grep -c "You joined #lan")" -ge 1 ] ||
	fail "the rejoin is not below what was caught up"

# Started again: its log comes back and the server's history fills the window, each line once.
say a "/quit"
wait_for a "CLIENT-EXITED"
echo "while alice was gone" | talk bob "#lan"
CLIENT_ROWS=60 client a2 alice "127.0.0.1:$PORT"
wait_for a2 "<bob> while alice was gone"
wait_for a2 "#lan 1 user"
once a2 "<bob> before the restart"
for i in 1 2 3; do once a2 "<bob> during the outage $i( |$)"; done
once a2 "<bob> while alice was gone"
# The log holds what the catch-up brought, and nothing twice.
LOG=$(find "$XDG_DATA_HOME/lanchat/logs" -path "*#lan*" -name "*.log" | head -1)
[ -n "$LOG" ] || fail "no log of #lan"
[ "$(grep -c "<bob> during the outage 2" "$LOG")" = 1 ] ||
	fail "the log has 'during the outage 2' $(grep -c "during the outage 2" "$LOG") times"
[ "$(grep -c "<bob> before the restart" "$LOG")" = 1 ] || fail "the log repeats a line"

# PgUp: a channel joined for the first time holds its latest lines; at the top, PgUp fetches
# the page before, shows it, and the next reaches the start of the history.
seq 1 80 | sed 's/^/old /' | talk carol "#old"
client d dave -c "'#old'" "127.0.0.1:$PORT"
wait_for d "<carol> old 80( |$)"
tmx send-keys -t =d: PPage
wait_for d "<carol> old 3[0-9]( |$)"
screen d | grep -Eq "<carol> old [12]?[0-9]( |$)|nothing older" &&
	fail "lines older than the latest page were there before PgUp asked for them"
tmx send-keys -t =d: PPage
wait_for d "<carol> old 2[0-9]( |$)"
tmx send-keys -t =d: PPage
wait_for d "-- the server has nothing older --"
wait_for d "<carol> old 1( |$)"
once d "<carol> old 1( |$)"
once d "<carol> old 2( |$)"
echo "PASS"
