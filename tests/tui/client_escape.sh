#!/bin/sh
# A raw socket client sends terminal escape sequences, C1 controls and invalid UTF-8 in a
# message, a topic and a notice: the client's screen stays intact and shows them inert.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

# #lan is an ordinary channel here (plain users go to #guests): evil makes it and holds its
# ops, so its topic goes through; alice joins second.
start_server 0 -c "#guests"

python3 - "$PORT" "$WORK/evil.ready" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
def send(b):
    s.sendall(b + b"\r\n")
def wait_for(token):
    buf = b""
    end = time.time() + 10
    while token not in buf:
        if time.time() > end:
            sys.exit("raw client: no " + token.decode())
        buf += s.recv(4096)
send(b"NICK evil")
send(b"USER evil 0 * :evil")
wait_for(b" 001 ")
send(b"JOIN #lan")
wait_for(b" 366 ")
open(sys.argv[2], "w").close()
wait_for(b":alice!")
send(b"PRIVMSG #lan :A\x1b]0;PWNED\x07B\x1b[2J\x1b[HC\xc2\x9b31mD\xff\xfeE\x7fF\x0eG end-of-evil")
send(b"TOPIC #lan :\x1b[31mred topic\x1b[0m")
send(b"NOTICE #lan :\x1bc reset?")
send(b"QUIT :done")
wait_for(b"ERROR")
PY
EVIL=$!
_end=$(( $(now_ms) + 10000 ))
until [ -e "$WORK/evil.ready" ]; do
	[ "$(now_ms)" -lt "$_end" ] || fail "the raw client never joined #lan"
	sleep 0.05
done
client a alice "127.0.0.1:$PORT"
wait_for a "connected +alice"
wait_for a "You joined #lan"
title_before=$(tmx display-message -p -t =a: '#{pane_title}')
wait "$EVIL" || fail "the raw client failed"

wait_for a "evil quit"
# Everything arrived, visible and inert.
wait_for a "<evil> A\^\[\]0;PWNED\^GB\^\[\[2J\^\[\[HC<9b>31mD�+E\^\?F\^NG end-of-evil"
wait_for a "^ 1:testsrv \[2:#lan\] \| \^\[\[31mred topic\^\[\[0m"
wait_for a "-evil- \^\[c reset\?"
# The screen was neither cleared nor scrolled: the status line and earlier lines are there.
screen a | head -1 | grep -q "^ lanchat  connected  alice" || fail "status line gone"
screen a | grep -q "You joined #lan" || fail "earlier lines were wiped"
# The title did not change and the cursor is still on the input line.
title_after=$(tmx display-message -p -t =a: '#{pane_title}')
[ "$title_before" = "$title_after" ] || fail "pane title changed to '$title_after'"
case "$title_after" in *PWNED*) fail "title set by a message" ;; esac
wait_cursor a 29
say a "still typing"
wait_for a "<alice> still typing"
echo "PASS"
