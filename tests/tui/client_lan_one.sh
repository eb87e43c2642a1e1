#!/bin/sh
# "lanchat" with no address and one server announcing itself: the client finds it and
# connects to the beacon's source address and announced TLS port by itself, over TLS, and
# checks the certificate against the beacon's fingerprint; choosing it again in /servers keeps
# the connection.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
BEACON_PORT=$(free_udp_port)

beacon_server onlysrv
wait_server onlysrv
lan_client a alice
wait_for a "Looking for lanchat servers on the LAN \(udp port $BEACON_PORT\)"
# Servers beacon every 5 s (+20%), the client decides 2 s after start or 1 s after hearing one.
FP=$(sed -n 's/.*certificate SHA256:\([0-9a-f]\{8\}\).*/\1/p' "$WORK/onlysrv.log")
wait_for a "^ lanchat +connected +alice @ onlysrv \(127\.0\.0\.1:$TLS_PORT\) \| TLS $FP\.\." 15
wait_for a "#lan 1 user"
tmx send-keys -t "=a:" M-1
wait_for a "Connecting to onlysrv at 127\.0\.0\.1:$TLS_PORT over TLS"
# The status line counts what is heard.
wait_for a "LAN: 1 server"
# /servers offers the picker over the messages; Esc leaves it and shows the listing.
say a "/servers"
wait_for a "^ > +onlysrv +127\.0\.0\.1:$PORT +[0-9]+/[0-9]+ +[0-9]+s"
tmx send-keys -t "=a:" Escape
wait_gone a "Servers on the LAN: Up/Down choose"
wait_for a "onlysrv  127\.0\.0\.1:$PORT  [0-9]+/[0-9]+ users  heard [0-9]+s ago"
# Choosing the server we are on keeps the connection rather than reconnecting to it.
say a "/servers"
wait_for a "^ > +onlysrv "
tmx send-keys -t "=a:" Enter
wait_for a "Already connected to onlysrv at 127\.0\.0\.1:$TLS_PORT"
[ "$(grep -c "connect #" "$WORK/onlysrv.log")" = 1 ] || fail "reconnected: $(cat "$WORK/onlysrv.log")"
echo "PASS"
