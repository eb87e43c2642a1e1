#!/bin/sh
# What the client shows, against a real lanchatd on ::1: an IPv6 server in brackets in the
# status line, "1 user" in the user list, bidi controls drawn as inert markers, a window
# per channel, WHOIS and LUSERS replies as lines in the messages pane, and no old server
# name after /connect to a host that cannot be resolved.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

: >"$WORK/server.log"
"$LANCHATD" -b '[::1]' -p 0 -n v6srv --no-beacon 2>"$WORK/server.log" &
SERVER_PID=$!
end=$(( $(now_ms) + 10000 ))
until grep -q "listening on" "$WORK/server.log" 2>/dev/null; do
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then
		echo "SKIP: no IPv6 loopback: $(cat "$WORK/server.log")"
		exit 77
	fi
	[ "$(now_ms)" -lt "$end" ] || fail "lanchatd did not start"
	sleep 0.05
done
PORT=$(grep -o 'listening on [^ ]*' "$WORK/server.log" | head -1 | sed 's/.*://')

client a alice "[::1]:$PORT"
wait_for a "connected .*alice @ v6srv \(\[::1\]:$PORT\)"
# Alone in the channel: singular, in the status line and in the user list.
wait_for a "#lan 1 user "
wait_for a " 1 user$"
screen a | grep -q "1 users" && fail "plural for one user"

client b bob "[::1]:$PORT"
wait_for a " 2 users$"
# U+202E would draw "txt.exe" as "exe.txt"; it arrives as a visible marker instead.
tmx send-keys -t =b: -l "$(printf 'evil\342\200\256txt.exe')"
tmx send-keys -t =b: Enter
wait_for a "<bob> evil<U\+202E>txt\.exe"

say a "/whois bob"
wait_for a "bob is ~bob@"
wait_for a "End of WHOIS for bob"
say a "/raw LUSERS"
wait_for a "-!- There are 2 users"

# Two channels: each in its own window.
say a "/join #dev"
say b "/join #dev"
wait_for a "^ 1:v6srv 2:#lan \[3:#dev\]"
wait_for a "^[0-9:]+ -- bob joined #dev"
say b "in dev"
wait_for a "<bob> in dev"

# A name that cannot be resolved, and cannot even be asked for: a 64-character label is
# refused by the resolver before any query leaves the machine.
bad=$(printf 'q%.0s' $(seq 1 64)).invalid
say a "/connect $bad"
wait_for a "qqq\.invalid"
screen a | head -1 | grep -q "v6srv" && fail "the old server name stays in the status line"
echo "PASS"
