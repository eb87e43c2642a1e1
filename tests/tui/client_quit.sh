#!/bin/sh
# Leaving: /quit, Ctrl-C and SIGTERM all exit with the terminal restored; no terminal at
# all is a clear error with exit status 2.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

rc=0
"$LANCHAT" 127.0.0.1:1 </dev/null >"$WORK/notty.out" 2>"$WORK/notty.err" || rc=$?
[ "$rc" = 2 ] || fail "no terminal: exit status $rc, want 2"
grep -q "terminal" "$WORK/notty.err" || fail "no terminal: no clear message"
rc=0
"$LANCHAT" --bogus >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "bad flag: exit status $rc, want 2"
"$LANCHAT" --version | grep -q "^lanchat [0-9]" || fail "--version"

start_server 0
client a alice "127.0.0.1:$PORT"
client b bob "127.0.0.1:$PORT"
client c carol "127.0.0.1:$PORT"
client w watcher "127.0.0.1:$PORT"
wait_for w "#lan 4 users"

sane() {
	grep -q -- " icanon" "$WORK/$1.stty" || fail "$1: terminal left without icanon"
	grep -q -- " echo " "$WORK/$1.stty" || fail "$1: terminal left without echo"
	# Back on the normal screen: the shell's own line is visible.
	wait_for "$1" "CLIENT-EXITED"
	screen "$1" | grep -q "^ lanchat " && fail "$1: the client screen is still up"
	return 0
}

say a "/quit see you"
wait_for w "alice quit \(.*see you.*\)"
wait_for a "CLIENT-EXITED"
[ "$(cat "$WORK/a.rc")" = 0 ] || fail "/quit: exit status $(cat "$WORK/a.rc")"
sane a

tmx send-keys -t =b: C-c
wait_for b "CLIENT-EXITED"
[ "$(cat "$WORK/b.rc")" = 0 ] || fail "Ctrl-C: exit status $(cat "$WORK/b.rc")"
sane b
wait_for w "bob quit"

shell=$(tmx display-message -p -t =c: '#{pane_pid}')
pid=$(pgrep -P "$shell" -x lanchat || true)
[ -n "$pid" ] || fail "cannot find carol's client"
kill -TERM "$pid"
wait_for c "CLIENT-EXITED"
[ "$(cat "$WORK/c.rc")" = 0 ] || fail "SIGTERM: exit status $(cat "$WORK/c.rc")"
sane c
wait_for w "carol quit"
# The terminal itself goes away (window closed): the client leaves too, at once.
client h hank "127.0.0.1:$PORT"
wait_for w "hank joined #lan"
shell=$(tmx display-message -p -t =h: '#{pane_pid}')
pid=$(pgrep -P "$shell" -x lanchat || true)
[ -n "$pid" ] || fail "cannot find hank's client"
tmx kill-session -t =h:
end=$(( $(now_ms) + 5000 ))
while ps -o stat= -p "$pid" 2>/dev/null | grep -qv Z; do
	[ "$(now_ms)" -lt "$end" ] || fail "client still running after its terminal closed"
	sleep 0.05
done
wait_for w "hank quit"
echo "PASS"
