#!/bin/sh
# /lan lists the people heard on the LAN with status, idle time and the server they are on;
# someone who quits vanishes at once (their bye), well before the silence expiry.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
BEACON_PORT=$(free_udp_port)

beacon_server labsrv
wait_server labsrv
lan_client a alice "127.0.0.1:$PORT"
wait_for a "^ lanchat +connected +alice"
say a "/lan"
wait_for a "People on the LAN: 0 besides you"
wait_for a "^ \* alice +available +[0-9]+s +labsrv +\(you\)"
lan_client b bob "127.0.0.1:$PORT"
# bob's first beacon may predate his connection; the next one names his server.
wait_for a "^   bob +available +[0-9]+s +labsrv +127\.0\.0\.1" 15
wait_for a "People on the LAN: 1 besides you"
wait_for a "LAN: 1 server, 1 p"
say b "/away lunch"
wait_for a "^   bob +away +[0-9]+s +labsrv" 15
say b "/quit"
wait_for b "CLIENT-EXITED"
# A missed beacon would take 3 intervals (15 s and more) to expire; the bye takes none.
wait_gone a "^   bob " 5
wait_for a "People on the LAN: 0 besides you"
tmx send-keys -t "=a:" F4
wait_gone a "People on the LAN"
echo "PASS"
