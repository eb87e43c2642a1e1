#!/bin/sh
# Running a channel from the lanchat client, against Debian's ngIRCd (channel operators and
# modes as IRC servers have them) and, with CHANOPS_SERVER=lanchatd, against our own: the
# users pane shows @ and + with operators first; /op /deop /voice /mode /kick /ban /unban
# /invite and /join KEY send what they should; mode changes, kicks and refusals (482, 475,
# 474, 473) read as sentences; a kicked client says by whom and why and does not rejoin by
# itself.
set -eu
. "$(dirname "$0")/client_lib.sh"
case ${CHANOPS_SERVER:-ngircd} in
lanchatd) start_server 0 --no-tls ;;
ngircd) start_ngircd ;;
*) fail "CHANOPS_SERVER: lanchatd or ngircd, not '$CHANOPS_SERVER'" ;;
esac

# Nick order would put amy first: the users pane must put the operator zed above her.
client a zed "127.0.0.1:$PORT"
wait_for a "You joined #lan" 15
say a "/join #ops"
wait_for a "You joined #ops"
client b amy "127.0.0.1:$PORT"
wait_for b "You joined #lan" 15
say b "/join #ops"
wait_for a "amy joined #ops"
wait_for a "│@zed"
users_order() {
	screen a | sed -n 's/.*│\([ @+]\)\(zed\|amy\) *$/\1\2/p' | tr '\n' ' '
}
wait_users() {
	_end=$(( $(now_ms) + 10000 ))
	until [ "$(users_order)" = "$1" ]; do
		[ "$(now_ms)" -lt "$_end" ] || fail "users pane reads '$(users_order)', not '$1'"
		sleep 0.05
	done
}
wait_users "@zed  amy "
# wait_count WINDOW TEXT N: polls until TEXT is on N lines of the screen.
wait_count() {
	_end=$(( $(now_ms) + 10000 ))
	until [ "$(screen "$1" | grep -c -- "$2")" = "$3" ]; do
		[ "$(now_ms)" -lt "$_end" ] || fail "$1: '$2' is on $(screen "$1" | grep -c -- "$2") lines, not $3"
		sleep 0.05
	done
}

say a "/voice amy"
wait_for b "zed gave you a voice in #ops \(\+\)"
wait_for a "You gave amy a voice in #ops \(\+\)"
wait_users "@zed +amy "
say a "/op amy"
wait_for b "zed gave you channel operator status in #ops"
wait_users "@amy @zed "
say a "/deop amy"
wait_for b "zed took channel operator status from you in"
# The voice stays when the operator status goes.
wait_users "@zed +amy "

# lanchatd makes channels +nt, ngIRCd without t: take the lock off first (a no-op there).
say a "/mode -t"
say a "/mode +t"
wait_for b "zed set the topic lock on #ops"
say b "/mode +m"
wait_for b "You are not an operator of #ops: only its"
say a "/mode +k sesame"
wait_for b "zed set a key on #ops: joining takes /join"

# Kicked: by whom and why; the client does not go back by itself.
say a "/kick amy spamming the channel"
wait_for b "You were kicked from #ops by zed \(spamming the"
wait_for a "You kicked amy from #ops \(spamming the channel\)"
say b "/whois zed"
wait_for b "zed is ~?zed@"
[ "$(screen a | grep -c 'amy joined #ops')" = 1 ] || fail "amy rejoined #ops by herself"
say b "/join #ops"
wait_for b "#ops needs a key: /join #ops KEY"
say b "/join #ops sesame"
wait_count a "amy joined #ops" 2

say a "/ban amy"
wait_for b "zed banned amy!\*@\* from #ops"
say a "/kick amy"
wait_count b "You were kicked from #ops by zed" 2
say b "/join #ops sesame"
wait_for b "You are banned from #ops: ask one of its"
say a "/unban amy"
wait_for a "You lifted the ban on amy!\*@\* in #ops"
say a "/mode +i"
wait_for a "You made #ops invite-only"
say b "/join #ops sesame"
wait_for b "#ops is invite-only: ask one of its operators to"
say a "/invite amy"
wait_for b "zed invites you to #ops: /join #ops to go"
say b "/join #ops sesame"
wait_count a "amy joined #ops" 3
wait_users "@zed  amy "
echo "PASS"
