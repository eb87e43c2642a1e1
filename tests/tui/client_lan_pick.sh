#!/bin/sh
# "lanchat" with no address and two servers: the picker lists both (name, address, users,
# age); Down and Enter connect to the second row's server, and only to it.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
BEACON_PORT=$(free_udp_port)

lan_client a alice
wait_for a "Looking for lanchat servers on the LAN"
# Started together, both announce themselves at once and are heard in the same decision.
beacon_server srvone
beacon_server srvtwo
wait_server srvone
PORT1=$PORT
TLS1=$TLS_PORT
wait_server srvtwo
PORT2=$PORT
TLS2=$TLS_PORT
wait_for a "Servers on the LAN: Up/Down choose, Enter connects" 15
wait_for a "^ > +srv(one|two) +127\.0\.0\.1:[0-9]+ +0/[0-9]+ +[0-9]+s"
wait_for a "^   +srv(one|two) +127\.0\.0\.1:[0-9]+ +0/[0-9]+ +[0-9]+s"
# The server on the second row, by name; its port comes from its own log.
second=$(screen a | sed -n 's/^   *\(srv[a-z]*\) .*/\1/p' | head -1)
[ -n "$second" ] || fail "no second row"
if [ "$second" = srvone ]; then want=$PORT1 tls=$TLS1; else want=$PORT2 tls=$TLS2; fi
screen a | grep -Eq "^   +$second +127\.0\.0\.1:$want " || fail "$second not at port $want"
tmx send-keys -t "=a:" Down
wait_for a "^ > +$second "
tmx send-keys -t "=a:" Enter
# Its beacon offers TLS: the client joins over it.
wait_for a "^ lanchat +connected +alice @ $second \(127\.0\.0\.1:$tls\) \| TLS " 10
wait_gone a "Servers on the LAN: Up/Down choose"
# Connected to that server only: it has one client, the other none.
grep -q "register .*alice" "$WORK/$second.log" || fail "$second did not register alice"
for s in srvone srvtwo; do
	[ "$s" = "$second" ] && continue
	if grep -q "register .*alice" "$WORK/$s.log"; then fail "alice also went to $s"; fi
done
echo "PASS"
