#!/bin/sh
# Logs: every window's lines go to logs/SERVER/TARGET/YYYY-MM-DD.log under XDG_DATA_HOME,
# sanitised, 0600; a restarted client shows a window's last lines again, dimmed; --no-log
# writes nothing, whatever /set changes.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

# The server replays no history on JOIN here: this test is about the client's own log, and
# a replay would put the same lines below the join as well.
start_server 0 --history-replay 0
client a alice "127.0.0.1:$PORT"
# bob keeps his logs apart: two clients sharing a data directory share their logs.
CLIENT_ENV="XDG_DATA_HOME='$WORK/bob-data'" client b bob "127.0.0.1:$PORT"
wait_for a "#lan 2 users"
say b "before the restart"
# An escape sequence in a message, from a raw socket (our client cannot type one).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
buf = b""
def wait_for(token):
    global buf
    end = time.time() + 10
    while token not in buf:
        if time.time() > end:
            sys.exit("raw client: no " + token.decode())
        buf += s.recv(4096)
s.sendall(b"NICK eve\r\nUSER eve 0 * :eve\r\n")
wait_for(b" 001 ")
s.sendall(b"JOIN #lan\r\nPRIVMSG #lan :colour \x1b[31mred\r\nQUIT :done\r\n")
wait_for(b"ERROR")
PY
wait_for a "eve quit"
say b "/msg alice just for you"
wait_for a "3:bob\*"
say a "/quit"
wait_for a "CLIENT-EXITED"

day=$(date +%Y-%m-%d)
lan="$XDG_DATA_HOME/lanchat/logs/testsrv/#lan/$day.log"
[ -f "$lan" ] || fail "no $lan: $(find "$XDG_DATA_HOME" -type f)"
grep -Eq "^[0-9]{2}:[0-9]{2}:[0-9]{2} <bob> before the restart$" "$lan" || fail "$(cat "$lan")"
grep -q "<eve> colour \^\[\[31mred" "$lan" || fail "escape not made inert: $(cat "$lan")"
if grep -q "$(printf '\033')" "$lan"; then fail "an escape byte reached the log"; fi
grep -q "<alice>\|You joined #lan" "$lan" || fail "our own lines missing: $(cat "$lan")"
grep -q "\*bob\* just for you" "$XDG_DATA_HOME/lanchat/logs/testsrv/bob/$day.log" ||
	fail "no query log"
[ "$(stat -c %a "$lan")" = 600 ] || fail "log mode $(stat -c %a "$lan")"
[ "$(stat -c %a "$XDG_DATA_HOME/lanchat/logs")" = 700 ] || fail "log dir mode"

# Back again: the #lan window opens with its last lines, dimmed, above the new ones.
tmx kill-session -t =a
client a alice "127.0.0.1:$PORT"
wait_for a "#lan 2 users"
wait_for a "<bob> before the restart"
screen a | grep -n "before the restart\|You joined #lan" | tail -2 | head -1 |
	grep -q "before the restart" || fail "restored line not above the join"
tmx capture-pane -e -p -t =a: | grep "before the restart" | grep -q "$(printf '\033')\[2m" ||
	fail "restored line not dim"

# --no-log: nothing written anywhere.
tmx new-session -d -s c -x 100 -y 30 "XDG_DATA_HOME='$WORK/nolog' '$LANCHAT' -n carol --no-beacon --no-log 127.0.0.1:$PORT; sleep 30"
wait_for c "#lan 3 users"
unset CLIENT_ENV
# A /set of anything else does not turn the logs back on for the run.
say c "/set ui.highlight tea"
wait_for c "ui\.highlight = tea \(for this run\)"
say b "carol hears this"
wait_for c "<bob> carol hears this"
[ ! -e "$WORK/nolog" ] || fail "--no-log wrote $(find "$WORK/nolog")"
echo "PASS"
