#!/bin/sh
# Installs, with apt-get, whatever the build (and with "test", the test suite) needs and this
# machine lacks. Quiet and quick when everything is already there.
set -eu

want="cmake make gcc pkg-config libncurses-dev libsqlite3-dev libinih-dev libtls-dev libssl-dev libcrypt-dev"
case "${1:-build}" in
build) ;;
test) want="$want libcmocka-dev tmux clang libclang-rt-dev irssi weechat-curses ngircd python3 iproute2 procps dpkg-dev file openssl catgirl" ;;
deb) want="$want dpkg-dev file" ;;
bench) want="$want libcmocka-dev ngircd inspircd linux-perf strace" ;;
*) echo "usage: $0 [build|test|deb|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing packages:$missing (and no apt-get here); install them and retry" >&2
	exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
