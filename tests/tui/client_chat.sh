#!/bin/sh
# Two clients on a real lanchatd: status line, the welcome atop the server window, user
# list, messages both ways, an action, a private message in its own window, and nick
# completion.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

start_server 0
client a alice "127.0.0.1:$PORT"
client b bob "127.0.0.1:$PORT"

# Status pane: state word, nick, server, channel and its user count.
wait_for a "^ lanchat +connected +alice @ testsrv \(127\.0\.0\.1:$PORT\)"
wait_for b "connected +bob @ testsrv"
wait_for a "#lan 2 users"
# The server window (Alt-1) starts with the welcome: the greeting notice and 001.
tmx send-keys -t =a: M-1
wait_for a "welcome from testsrv"
wait_for a "-testsrv- \*\*\* Welcome to testsrv, you are connected from 127\.0\.0\.1"
wait_for a "Welcome to .*alice"
tmx send-keys -t =a: M-2
wait_for a "^ 1:testsrv \[2:#lan\]"
# The user list shows both.
wait_for a "│ *bob *$"
wait_for a "│ *alice *$"

say b "hello alice, 世界 from bob"
wait_for a "^[0-9]{2}:[0-9]{2} <bob> hello alice, 世界 from bob"
say a "hi bob"
wait_for b "<alice> hi bob"
wait_for a "<alice> hi bob"
say a "/me waves"
wait_for b "\* alice waves"
say b "/msg alice a secret"
# A window of its own, marked in the bar as private, on both sides.
wait_for a "^ 1:testsrv \[2:#lan\] 3:bob\*"
tmx send-keys -t =a: M-3
wait_for a "\*bob\* a secret"
tmx send-keys -t =b: M-3
wait_for b "-> \*alice\* a secret"
tmx send-keys -t =a: M-2
tmx send-keys -t =b: M-2
wait_for b "^ 1:testsrv \[2:#lan\] 3:alice"

# Tab completes a nick at the start of the line with ": ".
tmx send-keys -t =a: -l "bo"
tmx send-keys -t =a: Tab
wait_for a "^\[#lan\] bob: ?$"
tmx send-keys -t =a: -l "done"
tmx send-keys -t =a: Enter
wait_for b "<alice> bob: done"

# Lag is measured and shown.
wait_for a "lag [0-9]+ms"

# The welcome folds with F3 and comes back.
tmx send-keys -t =a: M-1
wait_for a "^v welcome from testsrv \(F3 hides\)"
tmx send-keys -t =a: F3
wait_for a "^> welcome from testsrv: [0-9]+ lines \(F3 shows\)"
tmx send-keys -t =a: F3
wait_for a "^v welcome from testsrv \(F3 hides\)"
tmx send-keys -t =a: M-2

# Wire view shows raw lines with arrows.
tmx send-keys -t =a: F2
wait_for a "wire view"
wait_for a "→ PRIVMSG #lan :bob: done"
say b "seen on the wire"
# With its msgid and time tags the line may wrap before its text.
wait_for a "← (@[^ ]+ )?:bob![^ ]+ PRIVMSG #lan( :seen on the wire)?$"
wait_for a "(PRIVMSG #lan |^ +):seen on the wire$"
tmx send-keys -t =a: F2
wait_gone a "wire view"

say a "/quit bye"
wait_for b "alice quit"
wait_for a "CLIENT-EXITED"
[ "$(cat "$WORK/a.rc")" = 0 ] || fail "exit status $(cat "$WORK/a.rc")"
echo "PASS"
