#!/bin/sh
# "cmake --install" into a throwaway root, then the installed lanchatd run as an installed
# server would be: at its configured prefix (a bind mount in a private mount namespace), with
# the source and build trees hidden under empty tmpfs mounts. It must serve the installed
# MOTD (marked here, so no other copy can pass for it), and a missing default MOTD must be a
# logged warning with 422 for clients.
# usage: install_tree.sh BUILD_DIR SOURCE_DIR. Exits 77 (skipped) without mount namespaces.
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
if ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP: cannot make a mount namespace here (needs root or user namespaces)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lanchat-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ -n "$prefix" ] || fail "no CMAKE_INSTALL_PREFIX in $build/CMakeCache.txt"
DESTDIR="$tmp/root" cmake --install "$build" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "cmake --install failed"; }
root="$tmp/root$prefix"
[ -x "$root/bin/lanchatd" ] || fail "no bin/lanchatd under $prefix"
for f in bin/lanchat share/lanchat/motd.txt share/man/man8/lanchatd.8 share/man/man1/lanchat.1 \
    share/doc/lanchat/examples/lanchatd.conf lib/systemd/system/lanchatd.service; do
	[ -e "$root/$f" ] || fail "no $f under $prefix"
done
grep -qx "ExecStart=$prefix/bin/lanchatd --state-dir \${STATE_DIRECTORY}" \
    "$root/lib/systemd/system/lanchatd.service" ||
	fail "the installed unit does not start $prefix/bin/lanchatd with its state directory"
# The config file itself goes where GNUInstallDirs puts SYSCONFDIR for this prefix.
case $prefix in
/usr) sysconf=/etc ;;
/opt/*) sysconf=/etc$prefix ;;
*) sysconf=$prefix/etc ;;
esac
[ -f "$tmp/root$sysconf/lanchat/lanchatd.conf" ] || fail "no $sysconf/lanchat/lanchatd.conf"
marker="installed motd $$"
echo "$marker" >>"$root/share/lanchat/motd.txt"
cp "$src/tests/install/irc_motd.py" "$tmp/"

# Runs the installed server with the trees hidden; prints its MOTD, then its log.
run_installed() {
	unshare -m --propagation private sh -s "$prefix" "$root" "$src" "$build" "$tmp" <<'NS'
set -eu
prefix=$1 root=$2 src=$3 build=$4 tmp=$5
cd "$tmp" # the working directory is about to be hidden
mkdir -p "$prefix"
mount --bind "$root" "$prefix"
mount -t tmpfs none "$src"
case "$build" in "$src"/*) ;; *) mount -t tmpfs none "$build" ;; esac
[ ! -e "$src/assets/motd.txt" ] || { echo "source tree still visible" >&2; exit 1; }
"$prefix/bin/lanchatd" -p 0 -b 127.0.0.1 --no-beacon 2>"$tmp/log" &
pid=$!
i=0
until grep -q "listening on" "$tmp/log"; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/log" >&2; exit 1; }
	i=$((i + 1)); [ "$i" -lt 400 ] || { echo "no listening line" >&2; exit 1; }
	sleep 0.05
done
port=$(grep -o 'listening on [^ ]*' "$tmp/log" | head -1 | sed 's/.*://')
rc=0
python3 "$tmp/irc_motd.py" "$port" >"$tmp/motd" || rc=1
kill -TERM "$pid"
wait "$pid" || rc=1
exit $rc
NS
}

run_installed || fail "the installed server did not run"
grep -qxF "$marker" "$tmp/motd" || { cat "$tmp/motd" "$tmp/log" >&2; fail "installed MOTD not served"; }
! grep -q "motd" "$tmp/log" || { cat "$tmp/log" >&2; fail "a MOTD warning although it is installed"; }
case "$sysconf" in
"$prefix"/*)
	# Visible inside the namespace only when it lies under the prefix.
	grep -q "settings from $sysconf/lanchat/lanchatd.conf" "$tmp/log" ||
		{ cat "$tmp/log" >&2; fail "the installed config file was not read"; } ;;
esac
echo "ok: installed server serves $prefix/share/lanchat/motd.txt with the trees hidden"

rm "$root/share/lanchat/motd.txt"
run_installed || fail "the installed server did not run without its MOTD"
[ "$(cat "$tmp/motd")" = "422" ] || { cat "$tmp/motd" >&2; fail "expected 422 without a MOTD"; }
grep -q "warn: motd $prefix/share/lanchat/motd.txt: No such file" "$tmp/log" ||
	{ cat "$tmp/log" >&2; fail "no warning for the missing default MOTD"; }
echo "ok: a missing default MOTD is a warning and 422"
echo "PASS"
