#!/bin/sh
# Beacon spoofing: a rogue on 127.0.0.2 repeats a real server's beacons with its id, the
# name "rogue" and seq=2^64-1, and a third address (127.0.0.3) sends a bye for that id.
# lanchat with no address joins neither by itself: the picker shows the real server and,
# marked SUSPECT, the rogue; the bye removes nothing; Enter on the real one connects to it
# (over TLS, which its beacon offers).
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
BEACON_PORT=$(free_udp_port)

beacon_server srvone
wait_server srvone
python3 - "$BEACON_PORT" "$WORK/spoofed" "$WORK/done" >"$WORK/rogue.log" 2>&1 <<'PY' &
import os, re, socket, sys, time
port = int(sys.argv[1])
ls = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
ls.bind(("", port))
ls.settimeout(0.2)
def sender(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind((addr, 0))
    return s
rogue, byer = sender("127.0.0.2"), sender("127.0.0.3")
end = time.time() + 60
while time.time() < end and not os.path.exists(sys.argv[3]):
    try:
        data, src = ls.recvfrom(2048)
    except socket.timeout:
        continue
    m = re.match(rb"LANCHAT/1 server id=([0-9a-f]+) ", data)
    if src[0] != "127.0.0.1" or m is None:
        continue
    fake = re.sub(rb"seq=[0-9]+", b"seq=18446744073709551615", data)
    fake = re.sub(rb"name=[^ ]+", b"name=rogue", fake)
    rogue.sendto(fake, ("127.255.255.255", port))
    byer.sendto(b"LANCHAT/1 bye id=" + m.group(1) + b" seq=18446744073709551615",
                ("127.255.255.255", port))
    open(sys.argv[2], "a").write("spoofed\n")
PY
LAN_PIDS="$LAN_PIDS $!"

# The rogue is ready once it has copied one periodic beacon (they come every 4 to 6 s).
end=$(( $(now_ms) + 15000 ))
until [ -s "$WORK/spoofed" ]; do
	[ "$(now_ms)" -lt "$end" ] || fail "the rogue copied nothing: $(cat "$WORK/rogue.log")"
	sleep 0.05
done

lan_client a alice
wait_for a "Servers on the LAN: Up/Down choose, Enter connects" 15
wait_for a "^ > +srvone +127\.0\.0\.1:$PORT "
wait_for a "^   +rogue +127\.0\.0\.2:$PORT .*SUSPECT"
wait_for a "SUSPECT: another address sent this id first"
if screen a | grep -q "Connecting to rogue"; then fail "joined the rogue by itself"; fi
# The real server's beacons keep coming (a whole interval and more), and still count.
wait_for a "^ > +srvone +127\.0\.0\.1:$PORT +0/[0-9]+ +[0-9]s" 15
tmx send-keys -t "=a:" Enter
# The real server's beacon offers TLS: it is joined over TLS, with the certificate it names.
wait_for a "^ lanchat +connected +alice @ srvone \(127\.0\.0\.1:$TLS_PORT\) \| TLS " 10
: >"$WORK/done"
echo "PASS"
