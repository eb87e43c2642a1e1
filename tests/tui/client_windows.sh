#!/bin/sh
# Windows: the server window with the whole MOTD (scrollable, asked again with /motd), one
# window per channel and per private conversation (opened by a private message from either
# side), activity marks in the bar, Alt-1..9, Alt-Left/Right, Ctrl-N/Ctrl-P, /win N and
# /close, and each window's own scrollback, users pane and half-typed input.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

# A MOTD far taller than the screen.
i=1
while [ $i -le 60 ]; do echo "motd line $i of 60"; i=$((i + 1)); done >"$WORK/motd.txt"
start_server 0 --motd "$WORK/motd.txt"
client a alice "127.0.0.1:$PORT"
client b bob "127.0.0.1:$PORT"
wait_for a "#lan 2 users"
wait_for a "^ 1:testsrv \[2:#lan\]"

# The server window holds the whole MOTD: its end at the bottom, its start a few pages up.
tmx send-keys -t =a: M-1
wait_for a "^ \[1:testsrv\] 2:#lan"
wait_for a "motd line 60 of 60"
screen a | grep -q "more lines" && fail "the MOTD is cut"
tmx send-keys -t =a: PPage PPage PPage
wait_for a "v welcome from testsrv \(F3 hides\)"
wait_for a "motd line 1 of 60"
tmx send-keys -t =a: NPage NPage NPage NPage
wait_for a "motd line 60 of 60"
# /motd asks again, from any window: the server window shows the answer.
tmx send-keys -t =a: M-2
wait_for a "^ 1:testsrv \[2:#lan\]"
say a "/motd"
wait_for a "^ \[1:testsrv\] 2:#lan"
wait_for a "^[0-9:]+ -!- - motd line 60 of 60"
tmx send-keys -t =a: M-2
wait_for a "^ 1:testsrv \[2:#lan\]"
screen a | grep -q "motd line" && fail "the MOTD went to #lan"

# Two channels: each has its own window, lines and user list.
say a "/join #dev"
wait_for a "^ 1:testsrv 2:#lan \[3:#dev\]"
wait_for a "│ *1 user *$"
say b "in lan, nobody looks"
wait_for a "^ 1:testsrv 2:#lan\+ \[3:#dev\]"
screen a | grep -q "in lan, nobody looks" && fail "a #lan line shown in #dev"
say b "alice: a mention"
wait_for a "^ 1:testsrv 2:#lan! \[3:#dev\]"
# A private message opens a window, marked private, and does not take the screen.
say b "/msg alice psst"
wait_for a "^ 1:testsrv 2:#lan! \[3:#dev\] 4:bob\*"
wait_for b "^ 1:testsrv \[2:#lan\] 3:alice"

# Alt-2 shows #lan, its lines and its two users; the mark is gone.
tmx send-keys -t =a: M-2
wait_for a "^ 1:testsrv \[2:#lan\] 3:#dev 4:bob\*"
wait_for a "<bob> in lan, nobody looks"
wait_for a "│ *2 users *$"
# Half-typed input stays with its window.
tmx send-keys -t =a: -l "draft for lan"
tmx send-keys -t =a: C-n
wait_for a "^ 1:testsrv 2:#lan \[3:#dev\] 4:bob\*"
wait_for a "^\[#dev\] *$"
tmx send-keys -t =a: M-Right
wait_for a "^ 1:testsrv 2:#lan 3:#dev \[4:bob\]"
wait_for a "\*bob\* psst"
wait_for a "^\[bob\] *$"
say a "hello bob"
wait_for b "^ 1:testsrv \[2:#lan\] 3:alice\*"
tmx send-keys -t =b: M-3
wait_for b "<alice> hello bob|\*alice\* hello bob"
tmx send-keys -t =a: C-p M-Left
wait_for a "^ 1:testsrv \[2:#lan\] 3:#dev 4:bob"
wait_for a "^\[#lan\] draft for lan$"
tmx send-keys -t =a: C-u

# /win N and /close: closing a channel leaves it; the server window stays.
say a "/win 3"
wait_for a "^ 1:testsrv 2:#lan \[3:#dev\] 4:bob"
say a "/close"
wait_for a "^ 1:testsrv \[2:#lan\] 3:bob *($| )"
wait_for b "alice left #dev|^ 1:testsrv 2:#lan \[3:alice\]"
say a "/win 1"
say a "/close"
wait_for a "The server window stays open"
say a "/win 7"
wait_for a "No window 7"
echo "PASS"
