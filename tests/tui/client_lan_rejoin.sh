#!/bin/sh
# The server goes away and the client backs off; when the server is back and announces
# itself, the client reconnects at once instead of waiting for its backoff timer.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
BEACON_PORT=$(free_udp_port)

beacon_server backsrv
wait_server backsrv
lan_client a alice "127.0.0.1:$PORT"
wait_for a "^ lanchat +connected +alice"
kill "$PID_backsrv"
wait "$PID_backsrv" 2>/dev/null || true
# Failed attempts double the delay; wait until the next try is at least 4 s away.
wait_for a "^ lanchat +reconnecting in ([4-9]|[1-9][0-9])s" 20
beacon_server backsrv "$PORT"
wait_server backsrv
wait_for a "backsrv is announcing itself again: reconnecting now" 3
wait_for a "^ lanchat +connected +alice" 3
echo "PASS"
