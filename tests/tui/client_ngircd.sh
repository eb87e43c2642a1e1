#!/bin/sh
# Our client against Debian's ngIRCd on loopback: registration, welcome pane with the MOTD,
# messages both ways, nick collision (nick_), and /quit.
set -eu
. "$(dirname "$0")/client_lib.sh"
NGIRCD=$(command -v ngircd 2>/dev/null || true)
[ -n "$NGIRCD" ] || [ ! -x /usr/sbin/ngircd ] || NGIRCD=/usr/sbin/ngircd
[ -n "$NGIRCD" ] || { echo "SKIP: ngircd not installed"; exit 77; }

# ngIRCd reads its port from the configuration: try a few pseudo-random high ports.
tries=0
while :; do
	tries=$((tries + 1))
	[ "$tries" -le 8 ] || fail "ngircd would not start"
	PORT=$(( 20000 + ($$ * 13 + tries * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') ) % 40000 ))
	cat >"$WORK/ngircd.conf" <<CONF
[Global]
Name = irc.test.lan
Info = lanchat client test
Listen = 127.0.0.1
Ports = $PORT
MotdPhrase = Hello from the ngircd test MOTD
[Limits]
MaxConnectionsIP = 0
[Options]
PAM = no
Ident = no
DNS = no
CONF
	: >"$WORK/server.log"
	"$NGIRCD" -n -f "$WORK/ngircd.conf" >"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
	end=$(( $(now_ms) + 10000 ))
	while ! grep -q "Now listening on" "$WORK/server.log"; do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		[ "$(now_ms)" -lt "$end" ] || break
		sleep 0.05
	done
	grep -q "Now listening on" "$WORK/server.log" && break
	stop_server
done

client a alice "127.0.0.1:$PORT"
wait_for a "^ lanchat +connected +alice @ irc\.test\.lan" 15
wait_for a "Welcome to the Internet Relay Network alice"
wait_for a "You joined #lan"
# The whole MOTD is in the server window.
tmx send-keys -t =a: M-1
wait_for a "Hello from the ngircd test MOTD"
tmx send-keys -t =a: M-2
client b alice "127.0.0.1:$PORT"
# The nick is taken: the second client becomes alice_.
wait_for b "connected +alice_ @ irc\.test\.lan" 15
wait_for b "Nick alice is taken, trying alice_"
wait_for a "#lan 2 users" 15
say b "hello from the twin"
wait_for a "<alice_> hello from the twin"
say a "hi twin"
wait_for b "<alice> hi twin"
# No history here: every line once, and nothing asked that ngIRCd does not offer.
[ "$(screen a | grep -c "<alice_> hello from the twin")" = 1 ] || fail "a line shown twice"
tmx send-keys -t =a: F2
wait_for a "wire view"
# The top of the wire view: the JOIN and the NAMES that follow it are on the screen, so a
# request for history (sent when the JOIN comes back) would be too.
for _ in 1 2 3 4; do tmx send-keys -t =a: PPage; done
wait_for a "→ CAP LS 302"
wait_for a "← :alice!.* JOIN :?#lan"
wait_for a "← .* 353 alice = #lan"
screen a | grep -q "CHATHISTORY" && fail "CHATHISTORY sent to a server without it"
tmx send-keys -t =a: F2
wait_gone a "wire view"
wait_for a "lag [0-9]+ms"
# A 482 (not a channel operator) is shown in that channel's window, and switches nothing.
say b "/raw MODE #lan +m"
wait_for b "#lan: You are not channel operator|#lan: .*operator"
screen b | grep -q "Now talking" && fail "a 482 said 'Now talking'"
screen b | grep -Eq "^ 1:irc\.test\.lan \[2:#lan\]" || fail "the window shown changed"
say b "/quit gone"
wait_for a "alice_ quit"
wait_for b "CLIENT-EXITED"
[ "$(cat "$WORK/b.rc")" = 0 ] || fail "/quit: exit status $(cat "$WORK/b.rc")"
echo "PASS"
