#!/bin/sh
# CTCP reflection: someone sends PRIVMSG #lan,#lan,#lan,#lan :\1PING <400 bytes>\1 ten
# times a second. The lanchat client answers within its bounds (CTCP_CHANNEL_EVERY_MS for
# a channel request), stays connected (no Excess Flood), and the attacker counts the replies.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

limit() {
	sed -n "s/.*\\b$1 = \\([0-9]*\\).*/\\1/p" "$(dirname "$0")/../../common/limits.h"
}
CHAN_EVERY=$(limit CTCP_CHANNEL_EVERY_MS)
[ -n "$CHAN_EVERY" ] || fail "CTCP_CHANNEL_EVERY_MS not found in limits.h"

start_server 0
client a alice "127.0.0.1:$PORT"
wait_for a "You joined #lan"

python3 - "$PORT" "$CHAN_EVERY" >"$WORK/eve.log" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
chan_every = int(sys.argv[2]) / 1000.0
buf = b""
def wait_for(token):
    global buf
    end = time.time() + 30
    while token not in buf:
        if time.time() > end:
            sys.exit("eve: no " + token.decode())
        buf += s.recv(65536)
s.sendall(b"NICK eve\r\nUSER e 0 * :e\r\n")
wait_for(b" 001 ")
s.sendall(b"JOIN #lan\r\n")
wait_for(b" 366 ")
buf = b""
line = b"PRIVMSG #lan,#lan,#lan,#lan :\x01PING " + b"x" * 400 + b"\x01\r\n"
start = time.time()
for i in range(50):
    # Ten lines a second, on a schedule rather than after fixed pauses.
    while time.time() < start + i / 10.0:
        time.sleep(0.01)
    s.sendall(line)
s.sendall(b"PRIVMSG #lan :ctcp-flood-done\r\n")
# alice says something after seeing that line: every reply of hers is before it.
wait_for(b"PRIVMSG #lan :seen-the-end")
# The server paces a flooder (a line to four targets costs four), so alice may see the
# requests over longer than they took to send: her window is until her last line.
elapsed = time.time() - start
replies = buf.count(b"NOTICE eve :\x01PING ")
bound = 1 + int(elapsed / chan_every)
print("replies %d bound %d elapsed %.1f" % (replies, bound, elapsed))
if replies < 1 or replies > bound:
    sys.exit("eve: %d replies, expected 1..%d" % (replies, bound))
s.sendall(b"QUIT :done\r\n")
PY
eve=$!
wait_for a "<eve> ctcp-flood-done" 40
say a "seen-the-end"
wait $eve || fail "$(cat "$WORK/eve.log")"
cat "$WORK/eve.log"
wait_for a "^ lanchat +connected +alice"
grep -q "alice.*Excess Flood\|Excess Flood.*alice" "$WORK/server.log" && fail "alice was dropped for flooding"
echo "PASS"
