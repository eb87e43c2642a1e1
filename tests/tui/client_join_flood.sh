#!/bin/sh
# A hostile server announcing 150,000 members of one channel: the client keeps at most
# CLIENT_CHAN_MEMBERS_MAX of them (the user list says "> N users"), takes them in moments
# rather than minutes (adding one is O(1)), and answers keys throughout.
set -eu
. "$(dirname "$0")/client_lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

MAX=$(sed -n 's/.*CLIENT_CHAN_MEMBERS_MAX = \([0-9]*\).*/\1/p' \
    "$(dirname "$0")/../../common/limits.h")
[ -n "$MAX" ] || fail "CLIENT_CHAN_MEMBERS_MAX not found in limits.h"

python3 - "$WORK/port" "$WORK/typed" >"$WORK/fake.log" 2>&1 <<'PY' &
import os, socket, sys, time
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
open(sys.argv[1] + ".tmp", "w").write(str(ls.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
ls.settimeout(30)
s, _ = ls.accept()
s.settimeout(30)
buf = b""
while b"USER " not in buf:
    buf += s.recv(4096)
s.sendall(b":fake CAP * LS :\r\n:fake 001 alice :Welcome\r\n")
while b"JOIN #lan" not in buf:
    buf += s.recv(4096)
s.sendall(b":alice!~a@h JOIN #lan\r\n:fake 353 alice = #lan :alice\r\n"
          b":fake 366 alice #lan :End\r\n")
N = 150000
for i in range(0, N, 1000):
    s.sendall(b"".join(b":m%d!~m@h JOIN #lan\r\n" % j for j in range(i, i + 1000)))
s.sendall(b":m1!~m@h PRIVMSG #lan :join-flood-done\r\n")
# Stay connected (answering nothing) until the test has typed, at most 60 s.
end = time.time() + 60
while not os.path.exists(sys.argv[2]) and time.time() < end:
    time.sleep(0.1)
PY
fake=$!
LAN_PIDS="$fake"
end=$(( $(now_ms) + 10000 ))
until [ -s "$WORK/port" ]; do
	[ "$(now_ms)" -lt "$end" ] || fail "fake server did not start: $(cat "$WORK/fake.log")"
	sleep 0.05
done
client a alice "127.0.0.1:$(cat "$WORK/port")"
wait_for a "^ lanchat +connected .*#lan"
# Keys are taken while the JOINs pour in.
tmx send-keys -t =a: -l "typing "
wait_for a "^\[#lan\] typing ?$" 5
wait_for a "<m1> join-flood-done" 30
wait_for a "> $MAX users"
tmx send-keys -t =a: -l "still here"
wait_for a "^\[#lan\] typing still here$" 5
: >"$WORK/typed"
echo "PASS"
