#!/bin/sh
# A beacon names one certificate and the server at its address presents another: someone
# on the LAN is announcing a server that is not what it claims. The client refuses before
# sending anything and says why, with both fingerprints. Here a second server (its own key)
# is announced by a forged beacon carrying the first server's fingerprint.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
BEACON_PORT=$(free_udp_port)

# The real server's fingerprint, as its own start-up line gives it.
start_server 0 --state-dir "$WORK/real"
FP_REAL=$(sed -n 's/.*certificate SHA256:\([0-9a-f]*\).*/\1/p' "$WORK/server.log")
stop_server
# The impostor: another key, no beacon of its own.
start_server 0 --state-dir "$WORK/impostor"
FP_IMP=$(sed -n 's/.*certificate SHA256:\([0-9a-f]*\).*/\1/p' "$WORK/server.log")
TLS_PORT=$(sed -n 's/.* and TLS [^ ]*:\([0-9]*\) .*/\1/p' "$WORK/server.log")
[ "$FP_REAL" != "$FP_IMP" ] || fail "two state directories gave one key"

# Beacons claiming the real fingerprint for the impostor's ports, twice a second for 20 s.
python3 - "$BEACON_PORT" "$PORT" "$TLS_PORT" "$FP_REAL" <<'PY' &
import socket, sys, time
bport, port, tls, fp = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for seq in range(1, 41):
    s.sendto(("LANCHAT/1 server id=5eedf00d5eedf00d seq=%d name=realsrv port=%s users=0 "
              "max=10 uptime=1 ver=0.1.0 tls=%s fp=%s" % (seq, port, tls, fp)).encode(),
             ("127.255.255.255", int(bport)))
    time.sleep(0.5)
PY
LAN_PIDS="$LAN_PIDS $!"

lan_client a alice
wait_for a "Connecting to realsrv at 127\.0\.0\.1:$TLS_PORT over TLS" 15
wait_for a "a server on the LAN is announcing itself with a certificate" 10
wait_for a "SHA256:$(printf %.16s "$FP_REAL")"
wait_for a "SHA256:$(printf %.16s "$FP_IMP")"
wait_for a "^ lanchat +disconnected: a beacon named another certificate"
grep -q "register .*alice" "$WORK/server.log" && fail "alice registered with the impostor"
# Nothing was pinned for a server that was refused.
if [ -f "$XDG_STATE_HOME/lanchat/known_servers" ] &&
    grep -q ":$TLS_PORT " "$XDG_STATE_HOME/lanchat/known_servers"; then
	fail "the refused certificate was pinned"
fi
echo "PASS"
