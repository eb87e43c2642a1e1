#!/bin/sh
# /find: the newest line with the text is brought into view and marked; /find again goes to
# the one before; past the window's oldest line, older matches come from its log.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

start_server 0
# A log from an earlier day, as an earlier run would have left it: the needle is further
# back than the lines a window shows again when it opens.
mkdir -p "$XDG_DATA_HOME/lanchat/logs/testsrv/#lan"
{
	echo "09:15:00 <bob> an ancient needle"
	for i in $(seq 10 40); do echo "09:16:$i <bob> hay $i"; done
} >"$XDG_DATA_HOME/lanchat/logs/testsrv/#lan/2020-01-02.log"
client a alice "127.0.0.1:$PORT"
client b bob "127.0.0.1:$PORT"
wait_for a "#lan 2 users"
wait_for a "<bob> hay 40"
say b "first needle here"
i=1
while [ $i -le 30 ]; do say b "filler $i"; i=$((i + 1)); done
say b "second needle here"
i=31
while [ $i -le 60 ]; do say b "filler $i"; i=$((i + 1)); done
wait_for a "<bob> filler 60"
screen a | grep -q "needle" && fail "a needle in view before /find"

say a "/find NEEDLE"
wait_for a "<bob> second needle here"
wait_for a "more below"
tmx capture-pane -e -p -t =a: | grep "second needle" | grep -q "$(printf '\033')\[[0-9;]*7m" ||
	fail "the match is not marked"
say a "/find"
wait_for a "<bob> first needle here"
# Past the oldest line: the log of an earlier day.
say a "/find"
wait_for a "\[2020-01-02\] <bob> an ancient needle"
wait_for a "1 older lines with \"NEEDLE\" from the log"
say a "/find"
wait_for a "No more lines with \"NEEDLE\" here"
echo "PASS"
