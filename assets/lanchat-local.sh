#!/bin/sh
# Starts lanchatd on this machine and the lanchat client on it; stops the server when the
# client exits. Usage: lanchat-local.sh [BUILD_DIR] [PORT] (PORT 0 picks a free one).
# LANCHATD_FLAGS and LANCHAT_FLAGS add options to the server and the client (tests use them
# to keep everything on loopback: -b 127.0.0.1 --no-beacon).
set -eu
build=${1:-build}
port=${2:-6667}
here=$(dirname "$0")
log=$(mktemp "${TMPDIR:-/tmp}/lanchatd.XXXXXX")
# A server from the build tree has no installed motd.txt: give it the one beside this script.
# shellcheck disable=SC2086 # the flag lists are meant to be split
"$build/server/lanchatd" -p "$port" --motd "$here/motd.txt" ${LANCHATD_FLAGS:-} 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"' EXIT
trap 'exit 1' INT TERM HUP
# Wait for the server's "listening" line rather than sleeping for a guessed time.
i=0
until grep -q "listening on" "$log" 2>/dev/null; do
	if ! kill -0 "$pid" 2>/dev/null; then
		cat "$log" >&2
		exit 1
	fi
	i=$((i + 1))
	[ "$i" -lt 200 ] || { echo "lanchatd did not start" >&2; exit 1; }
	sleep 0.05
done
# The port actually bound: the digits after the last ':' of the first ADDR:PORT.
port=$(grep -o 'listening on [^ ]*' "$log" | head -1 | sed 's/.*://')
# Over TLS when the server offers it, as it does unless told --no-tls.
tls=$(sed -n 's/.* and TLS [^ ]*:\([0-9]*\) .*/\1/p' "$log" | head -1)
target="127.0.0.1:$port"
[ -n "$tls" ] && target="ircs://127.0.0.1:$tls"
if [ -x "$build/client/lanchat" ]; then
	# shellcheck disable=SC2086
	"$build/client/lanchat" ${LANCHAT_FLAGS:-} "$target"
else
	echo "lanchatd running on port $port (Ctrl-C stops it)"
	wait "$pid"
fi
