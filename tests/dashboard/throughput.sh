#!/bin/sh
# Relay throughput with and without --dashboard (not a ctest entry: a measurement).
# Runs lanchatd in a private tmux server (as a terminal user would), drives it with
# lanchat-bench (30 clients, 10 senders) and prints deliveries/s and the server's CPU time
# per delivery, alternating headless and dashboard runs so that drift hits both alike.
# usage: throughput.sh LANCHATD LANCHAT-BENCH [ROUNDS] [BENCH LOAD FLAGS, default "-w 32"]
set -eu
D=$1 B=$2 ROUNDS=${3:-3} LOAD=${4:--w 32}
command -v tmux >/dev/null || { echo "throughput.sh: needs tmux" >&2; exit 1; }

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks

run() {
	mode=$1 flag=""
	[ "$mode" = dashboard ] && flag=--dashboard
	t=$(mktemp -d) s=lcthr$$
	tmux -L "$s" -f /dev/null new-session -d -s b -x 200 -y 50 \
	    "exec env LANG=C.UTF-8 '$D' $flag -p 0 -b 127.0.0.1 --no-beacon --flood 0 --max-per-host 0 2>'$t/err'"
	i=0
	until grep -q listening "$t/err" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && { tmux -L "$s" kill-server; echo "no server" >&2; exit 1; }
		sleep 0.05
	done
	port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$t/err" | head -1)
	pid=$(tmux -L "$s" list-panes -t b -F '#{pane_pid}')
	a=$(cpu "$pid")
	# shellcheck disable=SC2086
	r=$("$B" -p "$port" -m fanout -n 30 -s 10 $LOAD -d 6 2>/dev/null | grep RESULT)
	b=$(cpu "$pid")
	tmux -L "$s" kill-server
	rm -rf "$t"
	dps=$(echo "$r" | sed -n 's/.* dps=\([0-9]*\).*/\1/p')
	del=$(echo "$r" | sed -n 's/.* delivered=\([0-9]*\).*/\1/p')
	tck=$(getconf CLK_TCK)
	echo "$mode dps=$dps lost=$(echo "$r" | sed -n 's/.* lost=\([0-9]*\).*/\1/p')" \
	    "server_us_per_delivery=$(awk -v c=$((b - a)) -v d="$del" -v t="$tck" \
	    'BEGIN { printf "%.3f", d ? c / t * 1e6 / d : 0 }')"
}

n=0
while [ $n -lt "$ROUNDS" ]; do
	if [ $((n % 2)) -eq 0 ]; then run headless; run dashboard; else run dashboard; run headless; fi
	n=$((n + 1))
done
