#!/bin/sh
# Resizing re-wraps the scrollback from data, hides the user list on a narrow terminal and
# brings it back when there is room again.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

start_server 0
client a alice "127.0.0.1:$PORT"
client b bob "127.0.0.1:$PORT"
wait_for a "#lan 2 users"
long="one two three four five six seven eight nine ten eleven"
say b "$long"
wait_for a "<bob> $long"
wait_for a "│ *bob *$"

tmx resize-window -t =a: -x 50 -y 20
# Narrow: no user list, the line wraps under its text (indented past "HH:MM <bob> ").
wait_gone a "│"
wait_for a "<bob> one two three four five six seven"
wait_for a "^            eight nine"
wait_cursor a 19
# Still usable at the new size.
say a "narrow now"
wait_for b "<alice> narrow now"

tmx resize-window -t =a: -x 100 -y 30
wait_for a "│ *bob *$"
wait_for a "<bob> $long"
wait_cursor a 29

# Tiny terminals must not crash the client.
tmx resize-window -t =a: -x 12 -y 4
tmx resize-window -t =a: -x 3 -y 2
tmx resize-window -t =a: -x 80 -y 24
wait_for a "^ lanchat  connected"
say a "survived"
wait_for b "<alice> survived"
echo "PASS"
