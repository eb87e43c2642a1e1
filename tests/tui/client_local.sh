#!/bin/sh
# The "make run" script: starts a server and the client on it, and stops the server when
# the client exits.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
script="$(dirname "$0")/../../assets/lanchat-local.sh"

# The script expects BUILD/server/lanchatd and BUILD/client/lanchat.
mkdir -p "$WORK/build/server" "$WORK/build/client"
abs() {
	echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}
ln -s "$(abs "$LANCHATD")" "$WORK/build/server/lanchatd"
ln -s "$(abs "$LANCHAT")" "$WORK/build/client/lanchat"
tmx new-session -d -s l -x 100 -y 30 \
    "USER=localuser LANCHATD_FLAGS='-b 127.0.0.1 --no-beacon' LANCHAT_FLAGS=--no-beacon \
    sh '$script' '$WORK/build' 0; echo LOCAL-EXITED; sleep 30" \; \
    set-option -g status off
# Private by default: the client joins the server's TLS port.
wait_for l "^ lanchat +connected +localuser @ [^ ]+ \(127\.0\.0\.1:[0-9]+\) \| TLS "
port=$(screen l | head -1 | sed -n 's/.*(127\.0\.0\.1:\([0-9]*\)).*/\1/p')
[ -n "$port" ] || fail "no port on the status line"
say l "/quit"
wait_for l "LOCAL-EXITED"
# The server went with the client: its port now refuses connections.
# Waits (bounded) until nothing listens on port $1 any more.
port_closed() {
	python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 5
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
    except ConnectionRefusedError:
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
PY
}
port_closed "$port" || fail "lanchatd still listening on $port"

# The terminal closes under it: everything in it gets SIGHUP, which lanchatd takes as
# "reload" and survives; the script's trap must still stop it.
tmx new-session -d -s h -x 100 -y 30 \
    "USER=localuser LANCHATD_FLAGS='-b 127.0.0.1 --no-beacon' LANCHAT_FLAGS=--no-beacon \
    sh '$script' '$WORK/build' 0"
wait_for h "^ lanchat +connected +localuser @ [^ ]+ \(127\.0\.0\.1:[0-9]+\)"
port=$(screen h | head -1 | sed -n 's/.*(127\.0\.0\.1:\([0-9]*\)).*/\1/p')
[ -n "$port" ] || fail "no port on the status line (second run)"
tmx kill-session -t h
port_closed "$port" || fail "lanchatd still listening on $port after its terminal closed"
echo "PASS"
