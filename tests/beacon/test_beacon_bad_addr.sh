#!/bin/sh
# A --beacon-addr that is not a dotted IPv4 address is a usage error when the arguments are
# read (one line naming it, then the usage, exit 2) in lanchatd and in lanchat, whether
# beacons are on or not; a good one still passes. Nothing is sent: every run either stops at
# the arguments or at -h.
# usage: test_beacon_bad_addr.sh LANCHATD LANCHAT
set -u
LANCHATD=$1
LANCHAT=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect_usage_error ADDR PROG ARGS...: PROG ARGS must exit 2, name ADDR on the first line
# of stderr and print the usage after it.
expect_usage_error() {
	_addr=$1
	shift
	timeout 10 "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
	_rc=$?
	_name=$(basename "$1")
	[ "$_rc" -eq 2 ] || fail "$_name --beacon-addr '$_addr': exit $_rc, expected 2"
	head -n 1 "$WORK/err" | grep -F -q -- "$_addr" ||
		fail "$_name --beacon-addr '$_addr': first line does not name it: $(head -n 1 "$WORK/err")"
	[ "$(grep -c '^usage: ' "$WORK/err")" -eq 1 ] ||
		fail "$_name --beacon-addr '$_addr': no usage on stderr"
	[ "$(head -n 1 "$WORK/err" | grep -c '^usage: ')" -eq 0 ] ||
		fail "$_name --beacon-addr '$_addr': no error line before the usage"
	[ ! -s "$WORK/out" ] || fail "$_name --beacon-addr '$_addr': wrote to stdout"
}

for addr in 999.1.1.1 1.2.3 256.0.0.1 lan.example ::1 "" "127.0.0.1 "; do
	# Beacons on (the default) and off: the check does not depend on them.
	expect_usage_error "$addr" "$LANCHATD" -b 127.0.0.1 -p 0 --beacon-port 9 \
	    --beacon-addr "$addr"
	expect_usage_error "$addr" "$LANCHATD" -b 127.0.0.1 -p 0 --no-beacon --beacon-addr "$addr"
	# A good address first: the bad one is still caught.
	expect_usage_error "$addr" "$LANCHATD" -p 0 --no-beacon --beacon-addr 127.255.255.255 \
	    --beacon-addr "$addr"
	expect_usage_error "$addr" "$LANCHAT" --beacon-port 9 --beacon-addr "$addr"
	expect_usage_error "$addr" "$LANCHAT" --no-beacon --beacon-addr "$addr"
done

# A good address passes the arguments (-h then stops before anything starts).
for prog in "$LANCHATD" "$LANCHAT"; do
	timeout 10 "$prog" --no-beacon --beacon-addr 127.255.255.255 -h </dev/null \
	    >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$(basename "$prog") with a good --beacon-addr and -h: exit $rc"
	grep -q '^usage: ' "$WORK/out" || fail "$(basename "$prog") -h printed no usage"
done

[ "$fails" -eq 0 ] || exit 1
echo "PASS"
