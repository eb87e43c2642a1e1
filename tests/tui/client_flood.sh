#!/bin/sh
# A flood of incoming messages does not make typing lag: keys typed during the flood show
# on the input line at once, and every message still arrives.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

start_server 0 --flood 0 --sendq 4194304
client a alice "127.0.0.1:$PORT"
wait_for a "You joined #lan"

python3 - "$PORT" "$WORK/typed" >"$WORK/flood.log" 2>&1 <<'PY' &
import os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
def wait_for(token):
    buf = b""
    end = time.time() + 10
    while token not in buf:
        if time.time() > end:
            sys.exit("flooder: no " + token.decode())
        buf += s.recv(4096)
s.sendall(b"NICK flooder\r\nUSER f 0 * :f\r\n")
wait_for(b" 001 ")
s.sendall(b"JOIN #lan\r\n")
wait_for(b" 366 ")
# Keep a stream of 5000 lines a second going for at least 3 s and until the typing below is
# done (it creates the file), however slow the machine, but never more than 30 s (unbounded,
# it would only measure the server's SendQ limit).
n = 0
start = time.time()
while time.time() < start + 3 or (not os.path.exists(sys.argv[2]) and time.time() < start + 30):
    s.sendall(b"".join(b"PRIVMSG #lan :flood line %d of a long stream of text\r\n" % (n + i)
                       for i in range(100)))
    n += 100
    time.sleep(0.02)
s.sendall(b"PRIVMSG #lan :flood-finished\r\nQUIT :done\r\n")
wait_for(b"ERROR")
PY
flooder=$!
# The flooder is a fresh python3 that must start, register and join first.
wait_for a "flood line [0-9]+ of a long stream" 30
# Typed keys show on the input line within a second while lines keep arriving.
for word in typing under flood; do
	tmx send-keys -t =a: -l "$word "
	wait_for a "^\[#lan\] .*$word ?$" 1
	kill -0 $flooder 2>/dev/null || fail "the flood ended before the typing did"
done
: >"$WORK/typed"
wait $flooder || fail "flooder: $(cat "$WORK/flood.log")"
wait_for a "<flooder> flood-finished" 30
wait_for a "^ lanchat +connected +alice"
tmx send-keys -t =a: Enter
wait_for a "<alice> typing under flood( |$)"
echo "PASS"
