#!/bin/sh
# Runs lanchat-acct-bench against a fresh lanchatd (its own store, flood and per-host limits
# off, as every "make bench" server runs) and prints its figures.
# usage: acct-bench.sh LANCHATD ACCT_BENCH [N [K [NICKS]]]
set -eu
lanchatd=$1
bench=$2
shift 2
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
"$lanchatd" -p 0 -b 127.0.0.1 --no-tls --no-beacon ${ACCT_BENCH_LOG:--q} --flood 0 --max-per-host 0 \
	--max-clients 4096 --state-dir "$dir" 2>"$dir/log" &
pid=$!
port=""
for _ in $(seq 100); do
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$dir/log" | head -1)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { echo "acct-bench: lanchatd did not start: $(cat "$dir/log")" >&2; exit 1; }
"$bench" 127.0.0.1 "$port" "$@" || { tail -20 "$dir/log" >&2; exit 1; }
