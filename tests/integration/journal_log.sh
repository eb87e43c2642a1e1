#!/bin/sh
# Logs for the journal: with JOURNAL_STREAM naming lanchatd's stderr (as systemd sets it),
# every line starts with a "<N>" syslog priority and carries no time stamp of its own; with
# the variable inherited but stderr sent elsewhere, or unset, lines keep their time stamps.
# usage: journal_log.sh PATH/TO/lanchatd
set -eu
lanchatd=$1
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lanchat-journal.XXXXXX")
pid=""
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; echo "--- log:" >&2; cat "$tmp/log" >&2; exit 1; }

# Starts lanchatd with stderr appended to $tmp/log and JOURNAL_STREAM=$1, makes one client
# connect and leave, stops it, and waits for its exit.
run() {
	: >"$tmp/log"
	JOURNAL_STREAM=$1 "$lanchatd" -p 0 -b 127.0.0.1 --no-beacon --no-tls --motd /nonexistent/motd \
	    2>>"$tmp/log" &
	pid=$!
	i=0
	until grep -q "listening on" "$tmp/log"; do
		kill -0 "$pid" 2>/dev/null || fail "lanchatd exited at start"
		i=$((i + 1)); [ "$i" -lt 400 ] || fail "no listening line"
		sleep 0.05
	done
	port=$(grep -o 'listening on [^ ]*' "$tmp/log" | head -1 | sed 's/.*://')
	python3 - "$port" <<'PY' || fail "client"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.recv(1024)          # the greeting
s.sendall(b"QUIT\r\n")
while s.recv(1024):   # until the server closes
    pass
PY
	i=0
	until grep -q "disconnect" "$tmp/log"; do
		i=$((i + 1)); [ "$i" -lt 400 ] || fail "no disconnect line"
		sleep 0.05
	done
	kill -TERM "$pid"
	wait "$pid" || fail "exit status $?"
	pid=""
}

: >"$tmp/log"
stream="$(stat -c %d "$tmp/log"):$(stat -c %i "$tmp/log")"
run "$stream"
grep -qx '<6>lanchatd: listening on 127\.0\.0\.1:[0-9]* as .*' "$tmp/log" || fail "listening line"
grep -qx '<4>motd /nonexistent/motd: No such file or directory; clients get 422 (no MOTD)' \
    "$tmp/log" || fail "warning with priority 4"
grep -q '^<6>connect #1 from 127\.0\.0\.1' "$tmp/log" || fail "connect line with priority 6"
grep -q '^<6>stopped$' "$tmp/log" || fail "stopped line"
! grep -v '^<[0-7]>' "$tmp/log" | grep -q . || fail "a line without a priority"
! grep -q '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:' "$tmp/log" || fail "a time stamp"
echo "ok: journal lines"

# Inherited but not our stderr (another file): the usual time-stamped lines.
: >"$tmp/other"
run "$(stat -c %d "$tmp/other"):$(stat -c %i "$tmp/other")"
grep -q '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]* warn: motd /nonexistent' "$tmp/log" ||
	fail "time-stamped warning when stderr is not the journal"
! grep -q '^<[0-7]>' "$tmp/log" || fail "priorities when stderr is not the journal"
run ""
grep -q '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]* info: connect #1' "$tmp/log" ||
	fail "time-stamped lines without JOURNAL_STREAM"
echo "PASS"
