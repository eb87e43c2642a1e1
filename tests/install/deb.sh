#!/bin/sh
# The Debian package: configured for /usr and built with CPack as "make deb" does, in a
# scratch directory; its control data checked (conffile, dependencies, maintainer scripts
# that start nothing), unpacked with dpkg -x into a throwaway root, its files checked, and
# the unpacked lanchatd made to check the config file it ships.
# usage: deb.sh SOURCE_DIR [CMAKE_FLAGS...]. Exits 77 (skipped) without dpkg-deb and cpack.
set -eu
src=$(cd "$1" && pwd)
shift
for tool in cpack dpkg-deb dpkg-shlibdeps file; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "SKIP: $tool not installed (Debian packages cmake, dpkg-dev, file)"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lanchat-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake -S "$src" -B "$tmp/build" -DCMAKE_INSTALL_PREFIX=/usr -DLANCHAT_TESTS=OFF "$@" \
    >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; fail "configure"; }
cmake --build "$tmp/build" -j2 >"$tmp/log" 2>&1 || { tail -40 "$tmp/log" >&2; fail "build"; }
(cd "$tmp/build" && cpack -G DEB) >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; fail "cpack"; }
set -- "$tmp"/build/lanchat_*.deb
[ -f "$1" ] || fail "no .deb in the build directory"
deb=$1
echo "built $(basename "$deb")"

dpkg-deb -f "$deb" Package | grep -qx lanchat || fail "package name"
dpkg-deb -f "$deb" Depends | grep -q 'libinih1' || fail "no libinih1 in Depends"
dpkg-deb -e "$deb" "$tmp/control"
grep -qx /etc/lanchat/lanchatd.conf "$tmp/control/conffiles" || fail "the config is not a conffile"
for script in postinst prerm postrm; do
	[ -x "$tmp/control/$script" ] || fail "no executable $script"
	sh -n "$tmp/control/$script" || fail "$script does not parse"
done
# Nothing is started or enabled on install or upgrade.
! grep -Eq '^[[:space:]]*(systemctl|deb-systemd-invoke|deb-systemd-helper|invoke-rc.d)[^#]*(start|enable|unmask)' \
    "$tmp/control/postinst" || fail "postinst starts or enables something"

dpkg -x "$deb" "$tmp/root"
for f in usr/bin/lanchatd usr/bin/lanchat; do
	[ -x "$tmp/root/$f" ] || fail "no $f"
done
for f in usr/share/man/man8/lanchatd.8 usr/share/man/man1/lanchat.1 \
    usr/share/lanchat/motd.txt usr/share/doc/lanchat/examples/lanchatd.conf \
    etc/lanchat/lanchatd.conf usr/lib/systemd/system/lanchatd.service; do
	[ -f "$tmp/root/$f" ] || fail "no $f"
done
grep -qx 'ExecStart=/usr/bin/lanchatd --state-dir ${STATE_DIRECTORY}' \
    "$tmp/root/usr/lib/systemd/system/lanchatd.service" ||
	fail "the unit does not start /usr/bin/lanchatd with its state directory"
! dpkg-deb -c "$deb" | grep -q "$src" || fail "the package holds a path of the source tree"

lanchatd="$tmp/root/usr/bin/lanchatd"
"$lanchatd" --help | grep -q 'by default /etc/lanchat/lanchatd.conf$' ||
	fail "the packaged lanchatd does not read /etc/lanchat/lanchatd.conf"
"$lanchatd" --check-config "$tmp/root/etc/lanchat/lanchatd.conf" >"$tmp/check" 2>&1 ||
	{ cat "$tmp/check" >&2; fail "--check-config on the packaged config"; }
grep -q ': OK$' "$tmp/check" || fail "no OK from --check-config"
echo "PASS"
