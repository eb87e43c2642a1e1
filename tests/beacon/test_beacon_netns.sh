#!/bin/bash
# Discovery across a real (virtual) link: two network namespaces joined by a veth pair,
# lanchatd in one broadcasting its beacons to the link's broadcast address, the client's
# discovery module in the other hearing it from the server's veth address, connecting to
# it, and dropping it on bye. The link and its addresses exist only inside the two
# namespaces, which are deleted on every exit path.
#
# Usage: test_beacon_netns.sh LANCHATD BEACON_LISTEN
# Exits 77 (skip) when not root or when namespaces or veth links cannot be made here.
set -u

lanchatd=$1
listen=$2
wait_s=15 # a beacon every 5 s (±20%): the first one, or the one after, must arrive

skip() { echo "skip: $*"; exit 77; }
fail() {
	echo "FAIL: $*"
	[ -f "$tmp/server.log" ] && { echo "--- lanchatd output:"; cat "$tmp/server.log"; }
	[ -f "$tmp/listen.err" ] && { echo "--- beacon_listen errors:"; cat "$tmp/listen.err"; }
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "not root"
command -v ip >/dev/null 2>&1 || skip "ip(8) (iproute2) is not installed"

tag=lcb$$
nsa=${tag}s
nsb=${tag}c
veth_s=${tag}s # interface names live inside the namespaces, so they may repeat them
veth_c=${tag}c
net=10.77.0
srv_addr=$net.1
cli_addr=$net.2
bcast=$net.3 # the /30's broadcast address

tmp=$(mktemp -d) || fail "mktemp"
srvpid=
lispid=
made=

cleanup() {
	[ -n "$srvpid" ] && kill -KILL "$srvpid" 2>/dev/null
	[ -n "$lispid" ] && kill -KILL "$lispid" 2>/dev/null
	exec 3<&- 2>/dev/null
	for ns in $made; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$nsa" 2>"$tmp/err" || skip "cannot create a network namespace: $(cat "$tmp/err")"
made=$nsa
ip netns add "$nsb" 2>"$tmp/err" || skip "cannot create a network namespace: $(cat "$tmp/err")"
made="$nsa $nsb"
# Both ends are created directly inside the namespaces: nothing appears on the host.
ip link add "$veth_s" netns "$nsa" type veth peer name "$veth_c" netns "$nsb" 2>"$tmp/err" ||
	skip "cannot create a veth pair: $(cat "$tmp/err")"
ip -n "$nsa" addr add "$srv_addr/30" broadcast "$bcast" dev "$veth_s" || fail "addr $nsa"
ip -n "$nsb" addr add "$cli_addr/30" broadcast "$bcast" dev "$veth_c" || fail "addr $nsb"
for ns in "$nsa" "$nsb"; do
	ip -n "$ns" link set lo up || fail "lo up in $ns"
done
ip -n "$nsa" link set "$veth_s" up || fail "veth up in $nsa"
ip -n "$nsb" link set "$veth_c" up || fail "veth up in $nsb"

# The listener first, so that the server's first beacon already finds it.
mkfifo "$tmp/listen" || fail "mkfifo"
ip netns exec "$nsb" "$listen" 0 $(((2 * wait_s + 10) * 1000)) >"$tmp/listen" \
	2>"$tmp/listen.err" &
lispid=$!
exec 3<"$tmp/listen"
read -r -t "$wait_s" word port <&3 || fail "beacon_listen did not start"
[ "$word" = ready ] && [ "$port" -gt 0 ] || fail "beacon_listen said '$word $port'"

ip netns exec "$nsa" "$lanchatd" -p 0 -b "$srv_addr" -n irc.netns \
	--beacon-addr "$bcast" --beacon-port "$port" >"$tmp/server.log" 2>&1 &
srvpid=$!

read -r -t "$wait_s" word name addr tcp <&3 || fail "no server beacon heard across the veth"
[ "$word" = server ] || fail "expected a server line, got '$word $name $addr $tcp'"
[ "$name" = irc.netns ] || fail "server name '$name', expected irc.netns"
[ "$addr" = "$srv_addr" ] || fail "beacon source $addr, expected the server's veth $srv_addr"
listening=$(sed -n 's/.*listening on \([^ ,]*\).*/\1/p' "$tmp/server.log" | head -n 1)
[ "$listening" = "$srv_addr:$tcp" ] ||
	fail "beacon says port $tcp, lanchatd says it listens on '$listening'"
echo "heard: $name at $addr port $tcp"

read -r -t "$wait_s" word line <&3 || fail "no welcome from $addr:$tcp"
[ "$word" = welcome ] || fail "expected a welcome line, got '$word $line'"
case $line in
*"Welcome to irc.netns"*"connected from $cli_addr"*) ;;
*) fail "unexpected first line from the server: $line" ;;
esac
echo "connected: $line"

kill -TERM "$srvpid"
read -r -t "$wait_s" word addr <&3 || fail "the server's bye was not heard"
[ "$word" = gone ] && [ "$addr" = "$srv_addr" ] ||
	fail "expected 'gone $srv_addr', got '$word $addr'"
wait "$srvpid"
st=$?
srvpid=
[ "$st" -eq 0 ] || fail "lanchatd exited with status $st after SIGTERM"
wait "$lispid"
st=$?
lispid=
[ "$st" -eq 0 ] || fail "beacon_listen exited with status $st"
echo "ok: discovered across namespaces, connected, dropped on bye"
