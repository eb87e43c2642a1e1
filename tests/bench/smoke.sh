#!/bin/bash
# Smoke test of lanchat-bench against a real lanchatd: a tiny fanout (alone and beside an idle
# pool), a pingpong, a plain-line and a first-line run must all complete with zero loss and
# print their figures. Nothing here asserts on speed.
# usage: smoke.sh LANCHATD LANCHAT_BENCH
set -u
server=$1
bench=$2
dir=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

mkfifo "$dir/err"
# No replay on JOIN: a later mode's clients would count the last one's lines as deliveries.
"$server" -p 0 -b 127.0.0.1 --flood 0 --max-per-host 0 --no-beacon --history-replay 0 \
	--state-dir "$dir/state" 2>"$dir/err" &
pid=$!
exec 3<"$dir/err"
port=""
# The "listening on" line is the readiness signal; read -t bounds the wait.
while IFS= read -r -t 10 line <&3; do
	case $line in
	*"listening on "*)
		addr=${line#*listening on }
		addr=${addr%% *}
		port=${addr##*:}
		break ;;
	esac
done
[ -n "$port" ] || fail "lanchatd did not print its listening line"
# Keep draining the server's log so it never blocks on a full pipe.
cat <&3 >/dev/null &
exec 3<&-

check() {
	name=$1
	shift
	out=$("$bench" -p "$port" --pid "$pid" --drain 5 "$@") || fail "$name: exit status $?"
	printf '%s\n' "$out"
	result=$(printf '%s\n' "$out" | grep '^RESULT ') || fail "$name: no RESULT line"
	for key in dps p50_us p99_us max_us cpu_pct rss_kb; do
		printf '%s\n' "$result" | grep -Eq " $key=[0-9.]+( |\$)" || fail "$name: no $key figure"
	done
	printf '%s\n' "$result" | grep -q ' lost=0 ' || fail "$name: messages were lost"
	printf '%s\n' "$result" | grep -q ' ooo=0 ' || fail "$name: messages out of order"
	printf '%s\n' "$result" | grep -Eq ' delivered=[1-9][0-9]* ' || fail "$name: nothing delivered"
}

check fanout -m fanout -n 8 -s 2 -w 4 -d 1
check rate -m fanout -n 6 -s 3 -r 300 -d 1 --nick rt
check pingpong -m pingpong -d 1 --nick pp
check plain -m plain -n 4 -s 2 -w 4 -d 1
check idle -m fanout -n 6 -s 2 -r 300 -d 1 --idle 60 --nick id
printf '%s\n' "$result" | grep -q ' idle_alive=60 ' || fail "idle: the idle pool was not kept"
# A short silence stands in for the minute make bench uses.
check firstline -m firstline -n 30 -r 100 --quiet 1 --nick fl
printf '%s\n' "$result" | grep -q ' delivered=30 ' || fail "firstline: not every first line arrived"
# A non-loopback target must be refused before any connection is made.
"$bench" -H 192.0.2.1 -p "$port" -d 1 2>/dev/null
[ $? -eq 2 ] || fail "non-loopback target was not refused"
echo "PASS"
