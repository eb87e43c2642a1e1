#!/bin/sh
# Files over DCC between two lanchat clients: the offer reads as a sentence, /accept brings
# the bytes into ~/Downloads (checked with cmp), a second copy gets a new name instead of
# overwriting, a broken transfer resumes, and an offer's hostile name lands as a plain file.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

mkdir -p "$WORK/ha" "$WORK/hb"
head -c 300000 /dev/urandom >"$WORK/blob.bin"
start_server 0
CLIENT_ENV="HOME='$WORK/ha'" client a alice "127.0.0.1:$PORT"
CLIENT_ENV="HOME='$WORK/hb'" client b bob "127.0.0.1:$PORT"
unset CLIENT_ENV
# wait_count WINDOW REGEX N: polls until N lines of the screen match.
wait_count() {
	_end=$(( $(now_ms) + 20000 ))
	until [ "$(screen "$1" | grep -Ec -- "$2")" -ge "$3" ]; do
		[ "$(now_ms)" -lt "$_end" ] || fail "$1: fewer than $3 lines matching '$2'"
		sleep 0.05
	done
}
wait_for a "#lan 2 users"

say a "/send bob $WORK/blob.bin"
# Said in the window of the conversation with bob, which opens for it.
wait_for a "^ 1:testsrv \[2:#lan\] 3:bob"
tmx send-keys -t =a: M-3
wait_for a "Offering blob\.bin \(300\.0 KB\) to bob"
wait_for b "^ 1:testsrv \[2:#lan\] 3:alice!"
tmx send-keys -t =b: M-3
wait_for b "alice offers blob\.bin \(300\.0 KB\): /accept alice to save it"
screen b | grep -q "DCC SEND" && fail "the offer shown as protocol"
say b "/accept alice"
wait_for b "Received blob\.bin from alice: 300\.0 KB in [0-9]+s, saved as" 20
cmp "$WORK/blob.bin" "$WORK/hb/Downloads/blob.bin" || fail "received bytes differ"
[ "$(stat -c %a "$WORK/hb/Downloads/blob.bin")" = 600 ] || fail "received file mode"
wait_for a "Sent blob\.bin to bob: 300\.0 KB"

# The same again: a new name, the first copy untouched.
say a "/send bob $WORK/blob.bin"
wait_count b "alice offers blob\.bin" 2
say b "/accept alice blob.bin"
wait_for b "blob \(1\)\.bin" 20
cmp "$WORK/blob.bin" "$WORK/hb/Downloads/blob (1).bin" || fail "second copy differs"

# A hostile offer from a raw client: a path and a hidden name. It lands as a plain file
# in ~/Downloads, and a broken transfer of it is resumed where it stopped.
python3 - "$PORT" "$WORK" <<'PY' &
import socket, struct, sys, time
port, work = int(sys.argv[1]), sys.argv[2]
data = bytes(range(256)) * 40
irc = socket.create_connection(("127.0.0.1", port), timeout=20)
buf = b""
def wait_for(token):
    global buf
    end = time.time() + 20
    while token not in buf:
        if time.time() > end:
            sys.exit("raw: no %r in %r" % (token, buf[-300:]))
        buf += irc.recv(4096)
irc.sendall(b"NICK mallory\r\nUSER m 0 * :m\r\n")
wait_for(b" 001 ")
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
p = ls.getsockname()[1]
offer = "PRIVMSG bob :\x01DCC SEND \"../../.profile x\" 2130706433 %d %d\x01\r\n" % (p, len(data))
irc.sendall(offer.encode())
# The first connection breaks after 1000 bytes; the file is offered again.
c, _ = ls.accept()
c.sendall(data[:1000])
# Its acknowledgements read first: closing with them unread would be a reset, not an end.
acks = b""
while len(acks) < 4 or struct.unpack("!I", acks[-4:])[0] != 1000:
    acks += c.recv(64)
c.close()
irc.sendall(offer.encode())
# /accept again: the resume asks for the rest from byte 1000.
wait_for(b"DCC RESUME")
line = buf[buf.index(b"DCC RESUME"):].split(b"\x01")[0].decode()
pos = int(line.split()[-1])
irc.sendall(("PRIVMSG bob :\x01DCC ACCEPT \"../../.profile x\" %d %d\x01\r\n" % (p, pos)).encode())
c, _ = ls.accept()
c.sendall(data[pos:])
got = b""
end = time.time() + 20
while len(got) < 4 or struct.unpack("!I", got[-4:])[0] != len(data):
    if time.time() > end:
        sys.exit("raw: no final ack")
    got += c.recv(64)
open(work + "/raw.done", "w").write("%d\n" % pos)
PY
raw=$!
LAN_PIDS="$LAN_PIDS $raw"
wait_for b "^ 1:testsrv 2:#lan \[3:alice\] 4:mallory!" 20
tmx send-keys -t =b: M-4
wait_for b "mallory offers _profile x \(10\.2 KB\): /accept mallory"
say b "/accept mallory"
wait_for b "Receiving _profile x from mallory failed after 1\.0 KB: the sender closed" 20
wait_count b "mallory offers _profile x" 2
say b "/accept mallory"
wait_for b "Asking mallory to go on with _profile x from 1\.0 KB"
wait_for b "Received _profile x from mallory" 20
wait "$raw" || fail "the raw sender failed"
[ "$(cat "$WORK/raw.done")" = 1000 ] || fail "resumed from $(cat "$WORK/raw.done")"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 40)' >"$WORK/want"
cmp "$WORK/want" "$WORK/hb/Downloads/_profile x" || fail "resumed file differs"
[ ! -e "$WORK/.profile x" ] && [ ! -e "$WORK/hb/.profile x" ] || fail "a name escaped"
echo "PASS"
