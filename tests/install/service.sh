#!/bin/sh
# The systemd unit as built: "systemd-analyze verify" must accept it and "systemd-analyze
# security --offline=yes" must rate its exposure at most MAX_EXPOSURE (printed, so the score
# shows in the test log). ExecStart is pointed at the built binary, which verify checks.
# usage: service.sh BUILD_DIR. Exits 77 (skipped) without systemd-analyze 250 or later.
set -eu
build=$(cd "$1" && pwd)
MAX_EXPOSURE=2.0
command -v systemd-analyze >/dev/null 2>&1 ||
	{ echo "SKIP: systemd-analyze not installed (Debian package systemd)"; exit 77; }
systemd-analyze security --help 2>/dev/null | grep -q -- '--offline' ||
	{ echo "SKIP: this systemd-analyze has no 'security --offline' (needs systemd 250)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lanchat-unit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

unit="$build/lanchatd.service"
[ -f "$unit" ] || fail "no $unit (configured from assets/lanchatd.service.in)"
grep -q '^ExecStart=/[^ ]*/lanchatd --state-dir \${STATE_DIRECTORY}$' "$unit" ||
	fail "ExecStart is not an absolute path to lanchatd given the unit's state directory"
sed "s|^ExecStart=[^ ]*|ExecStart=$build/server/lanchatd|" "$unit" >"$tmp/lanchatd.service"
# --man=no: the manual page is installed with the package, not on this machine.
systemd-analyze verify --man=no "$tmp/lanchatd.service" >"$tmp/verify" 2>&1 ||
	{ cat "$tmp/verify" >&2; fail "systemd-analyze verify"; }
[ ! -s "$tmp/verify" ] || { cat "$tmp/verify" >&2; fail "systemd-analyze verify had something to say"; }
systemd-analyze security --offline=yes "$tmp/lanchatd.service" >"$tmp/security" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for lanchatd.service: \([0-9.]*\).*/\1/p' "$tmp/security")
[ -n "$score" ] || { cat "$tmp/security" >&2; fail "no exposure level from systemd-analyze security"; }
echo "systemd-analyze security: exposure $score (0 best, 10 worst)"
grep '✗' "$tmp/security" | sed 's/  */ /g' || true
awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }' ||
	fail "exposure $score is above $MAX_EXPOSURE"
echo "PASS"
