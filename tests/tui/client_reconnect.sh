#!/bin/sh
# The server goes away: both clients say so at once, reconnect by themselves when it is
# back on the same port, rejoin the channel, keep their scrollback and chat again.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

start_server 0
client a alice "127.0.0.1:$PORT"
client b bob "127.0.0.1:$PORT"
wait_for a "#lan 2 users"
say a "before the restart"
wait_for b "<alice> before the restart"

stop_server
wait_for a "^ lanchat +reconnecting in [0-9]+s"
wait_for b "^ lanchat +reconnecting in [0-9]+s"
wait_for a "Connection lost: .*reconnecting in"

start_server "$PORT"
wait_for a "^ lanchat +connected +alice" 20
wait_for b "^ lanchat +connected +bob" 20
wait_for a "#lan 2 users" 20
# The scrollback survived the reconnect.
wait_for b "<alice> before the restart"
say b "after the restart"
wait_for a "<bob> after the restart"
echo "PASS"
