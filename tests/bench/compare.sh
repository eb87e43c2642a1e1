#!/bin/sh
# Side-by-side benchmark: lanchatd against Debian's ngircd and inspircd on loopback.
#
# usage: compare.sh BUILD_DIR        (what "make bench" runs)
#
# Every server gets a temporary configuration on a free loopback port with its flood and
# connection limits lifted as far as it allows, is pinned to CPU 0, and the generator to CPU 1.
# Each round starts every server fresh and runs every scenario against each of them in turn,
# the server order rotated from round to round; the table shows medians over rounds and
# lanchatd's ratio to each peer. Nothing here asserts anything: it measures.
#
# Environment (defaults in brackets):
#   BENCH_ROUNDS [3]            rounds
#   BENCH_SECS [5]              seconds of traffic per fanout/pingpong run
#   BENCH_SERVERS ["lanchatd ngircd inspircd"]
#   BENCH_SCENARIOS ["a b c d e f"] which scenarios to run (see the README's performance section)
#   BENCH_IDLE ["0 2000 8000"]  (e): scenario (a) beside this many idle registered clients
#   BENCH_IDLE_SETUP [120]      (e): seconds a server gets to register the idle pool
#   BENCH_IDLE_QUIET [10]       (e): seconds of silence before the traffic starts
#   BENCH_FIRST [1000]          (f): clients that each say one line after a silence
#   BENCH_QUIET [60]            (f): seconds of that silence
#   BENCH_LANCHATD [built here] the lanchatd binary to measure
#   BENCH_BASE                  another lanchatd binary (an older build, say), measured as
#                               server "base": BENCH_SERVERS="lanchatd base inspircd" gives
#                               before/after ratios from one run
#   BENCH_BASE_ARGS []          more flags for base ("--no-store" with BENCH_BASE=lanchatd
#                               puts history on and off side by side)
#   BENCH_STORM [5000]          idle clients in the capacity scenario
#   BENCH_STORM_SETUP [40]      seconds a server gets to register them
#   BENCH_BIG [10000]           clients lanchatd is asked to hold at once at the end (0 = skip)
#   BENCH_SYSCALLS [1]          count server syscalls in scenarios (a) and (b) with perf
#   BENCH_KEEP [0]              keep the working directory (configs, logs, raw results)
#   BENCH_TLS [0]               1: the same over TLS. Servers "lanchatd+tls" (--no-plain, its
#                               own key) and "inspircd+tls" (GnuTLS module, an ECDSA P-256
#                               certificate like lanchatd's); the generator speaks TLS to them.
#                               Defaults become servers "lanchatd+tls lanchatd inspircd+tls",
#                               scenarios "b c", no BENCH_BIG run, and ratios are of
#                               lanchatd+tls to each peer.
#   BENCH_LANCHATD_ARGS []      more lanchatd flags ("--no-history" measures without history)
#   BENCH_ACCT ["5000 200 20000"] accounts on lanchatd alone, at the end: N registrations and
#                               N SASL PLAIN logins with K at once, and NICKS nick changes to
#                               free and to owned nicks ("" = skip)
set -eu

build=${1:?usage: compare.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECS:-5}
TLS=${BENCH_TLS:-0}
if [ "$TLS" = 1 ]; then
	SERVERS=${BENCH_SERVERS:-"lanchatd+tls lanchatd inspircd+tls"}
	SCENARIOS=${BENCH_SCENARIOS:-"b c"}
	BIG=${BENCH_BIG:-0}
	BASE=lanchatd+tls
else
	SERVERS=${BENCH_SERVERS:-"lanchatd ngircd inspircd"}
	SCENARIOS=${BENCH_SCENARIOS:-"a b c d e f"}
	BIG=${BENCH_BIG:-10000}
	BASE=lanchatd
fi
IDLE=${BENCH_IDLE:-"0 2000 8000"}
IDLE_SETUP=${BENCH_IDLE_SETUP:-120}
IDLE_QUIET=${BENCH_IDLE_QUIET:-10}
FIRST=${BENCH_FIRST:-1000}
QUIET=${BENCH_QUIET:-60}
STORM=${BENCH_STORM:-5000}
STORM_SETUP=${BENCH_STORM_SETUP:-40}
SYSCALLS=${BENCH_SYSCALLS:-1}
KEEP=${BENCH_KEEP:-0}
LANCHATD_ARGS=${BENCH_LANCHATD_ARGS:-}
started=$(date +%s)

say() {
	printf '%s\n' "$*" >&2
}

# --- packages and binaries --------------------------------------------------------------------
sh "$root/tests/install-deps.sh" bench
# The generator lives in the test tree, which a plain build leaves out; build it next door.
bdir="$build-bench"
cmake -S "$root" -B "$bdir" -DLANCHAT_TESTS=ON >/dev/null
cmake --build "$bdir" -j2 --target lanchatd lanchat-bench lanchat-acct-bench >/dev/null
lanchatd=${BENCH_LANCHATD:-"$bdir/server/lanchatd"}
base=${BENCH_BASE:-}
bench="$bdir/tests/bench/lanchat-bench"
[ -x "$lanchatd" ] && [ -x "$bench" ] || { say "compare: build failed"; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
results="$tmp/results"
: >"$results"
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ "$KEEP" = 1 ]; then
		say "compare: working files kept in $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A peer that crashes leaves no core dump in the working tree.
ulimit -c 0 2>/dev/null || true
# Every connection is a descriptor on both sides: take what the hard limit allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
[ "$nofile" = unlimited ] && nofile=1048576
maxclients=$((nofile - 64))

if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
	pin_server="taskset -c 0"
	pin_bench="taskset -c 1"
else
	say "compare: fewer than 2 CPUs or no taskset: server and generator are not pinned"
	pin_server=""
	pin_bench=""
fi

perf_ok=0
if [ "$SYSCALLS" = 1 ] && command -v perf >/dev/null 2>&1 &&
	perf stat -e raw_syscalls:sys_enter -x, -o /dev/null -- true >/dev/null 2>&1; then
	perf_ok=1
fi

# --- configurations ---------------------------------------------------------------------------
write_ngircd_conf() {
	cat >"$tmp/ngircd.conf" <<EOF
[Global]
	Name = bench.ngircd
	Info = lanchat benchmark peer
	AdminInfo1 = bench
	AdminInfo2 = bench
	AdminEMail = bench@localhost
	Listen = 127.0.0.1
	Ports = $1
	MotdPhrase = bench
	PidFile = $tmp/ngircd.pid
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 20
	MaxPenaltyTime = 0
	PingTimeout = 600
	PongTimeout = 600
[Options]
	DNS = no
	Ident = no
	PAM = no
	OperCanUseMode = yes
[Operator]
	Name = bench
	Password = bench
EOF
}

write_inspircd_conf() {
	cat >"$tmp/inspircd.conf" <<EOF
<server name="bench.inspircd" description="lanchat benchmark peer" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="$1" type="clients">
<power diepass="bench" restartpass="bench">
<connect name="main" allow="*" timeout="60" pingfreq="600" maxchans="50"
	hardsendq="16M" softsendq="16M" recvq="1M" threshold="2000000000"
	commandrate="2000000000" fakelag="no" localmax="$maxclients" globalmax="$maxclients"
	maxconnwarn="no" resolvehostnames="no" useident="no" limit="$maxclients">
<class name="all" commands="*" privs="*" usermodes="*" chanmodes="*">
<type name="Bench" classes="all">
<oper name="bench" password="bench" host="*@*" type="Bench">
<files motd="$tmp/motd.txt">
<channels users="50" opers="60">
<pid file="$tmp/inspircd.pid">
<performance netbuffersize="65536" somaxconn="4096" softlimit="$maxclients"
	clonesonconnect="no" quietbursts="yes">
${2:-}
<options prefixquit="Quit: " syntaxhints="no" announcets="yes">
<security userstats="Pu" maxtargets="20">
<limits maxnick="30" maxchan="60" maxident="10" maxhost="64" maxquit="300" maxreal="130"
	maxaway="200" maxkick="300" maxmodes="20" maxtopic="300">
EOF
	echo bench >"$tmp/motd.txt"
}

# inspircd over TLS: its GnuTLS module with a certificate of the kind lanchatd makes.
inspircd_tls_conf() {
	if [ ! -f "$tmp/inspircd-cert.pem" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-subj /CN=bench.inspircd -keyout "$tmp/inspircd-key.pem" \
			-out "$tmp/inspircd-cert.pem" >/dev/null 2>&1
		chmod 644 "$tmp/inspircd-key.pem"
	fi
	printf '%s\n' '<module name="ssl_gnutls">' \
		"<sslprofile name=\"Clients\" provider=\"gnutls\" certfile=\"$tmp/inspircd-cert.pem\"" \
		"	keyfile=\"$tmp/inspircd-key.pem\" requestclientcert=\"no\">"
}

# Shell variables cannot hold '+': lanchatd+tls keeps its pid in lanchatd_tls_pid.
var() {
	printf '%s' "$1" | tr '+' '_'
}

# TLS_FLAG NAME: "--tls" for the generator when NAME is a server over TLS.
tls_flag() {
	case $1 in
	*+tls) printf '%s' --tls ;;
	esac
}

# --- servers ----------------------------------------------------------------------------------
# start_server NAME: starts it fresh on a free port, sets NAME_pid and NAME_port.
start_server() {
	name=$1
	port=$("$bench" --free-port)
	case $name in
	lanchatd | base)
		bin=$lanchatd
		# History is kept (each start its own store) but not replayed on JOIN: replayed lines
		# would count as deliveries. A base binary from before the store takes neither flag.
		extra="--state-dir $tmp/$name-state-$port --history-replay 0 $LANCHATD_ARGS"
		if [ "$name" = base ]; then
			[ -x "$base" ] || { say "compare: server base needs BENCH_BASE=LANCHATD"; exit 2; }
			bin=$base
			# The same footing as lanchatd where base has a store: its own, no replay.
			extra=
			if "$bin" --help 2>/dev/null | grep -q -- '--history-replay'; then
				extra="--state-dir $tmp/$name-state-$port --history-replay 0"
			fi
			extra="$extra ${BENCH_BASE_ARGS:-}"
		fi
		# Plain only; a build from before TLS has no such flag (and no TLS listener).
		if "$bin" --help 2>/dev/null | grep -q -- '--no-tls'; then
			extra="$extra --no-tls"
		fi
		# shellcheck disable=SC2086
		$pin_server "$bin" -b 127.0.0.1 -p "$port" -n "bench.$name" --flood 0 \
			--max-clients "$maxclients" --max-per-host 0 --timeout 600 --no-beacon -q $extra \
			>>"$tmp/$name.log" 2>&1 &
		;;
	lanchatd+tls)
		# shellcheck disable=SC2086
		$pin_server "$lanchatd" -b 127.0.0.1 --tls-port "$port" --no-plain \
			--state-dir "$tmp/lanchatd-tls-state-$port" --history-replay 0 -n bench.lanchatd \
			--flood 0 --max-clients "$maxclients" --max-per-host 0 --timeout 600 --no-beacon \
			-q $LANCHATD_ARGS >>"$tmp/lanchatd+tls.log" 2>&1 &
		;;
	inspircd+tls)
		write_inspircd_conf "$port" "$(inspircd_tls_conf)"
		sed -i 's|type="clients">|type="clients" sslprofile="Clients">|' "$tmp/inspircd.conf"
		$pin_server inspircd --nofork --runasroot --config="$tmp/inspircd.conf" \
			>>"$tmp/inspircd.log" 2>&1 &
		;;
	ngircd)
		write_ngircd_conf "$port"
		$pin_server ngircd -n -f "$tmp/ngircd.conf" >>"$tmp/ngircd.log" 2>&1 &
		;;
	inspircd)
		write_inspircd_conf "$port"
		$pin_server inspircd --nofork --runasroot --config="$tmp/inspircd.conf" \
			>>"$tmp/inspircd.log" 2>&1 &
		;;
	*)
		say "compare: unknown server $name"
		exit 2
		;;
	esac
	pid=$!
	pids="$pids $pid"
	eval "$(var "$name")_pid=$pid $(var "$name")_port=$port"
	# Ready when one client can register (bounded by --wait and --setup).
	# shellcheck disable=SC2046
	if ! "$bench" -p "$port" -m storm -n 1 --wait 10000 --setup 10 --nick ready \
		$(tls_flag "$name") >/dev/null 2>>"$tmp/$name.log"; then
		say "compare: $name did not come up (log: $tmp/$name.log)"
		exit 1
	fi
}

stop_server() {
	eval "pid=\${$(var "$1")_pid}"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pids=$(printf '%s\n' $pids | grep -vx "$pid" | tr '\n' ' ' || true)
}

ticks() {
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# Waits (at most 5 s) until the server stops using CPU, so the next run starts on a quiet
# machine: disconnecting thousands of clients keeps a server busy for a while.
quiesce() {
	eval "pid=\${$(var "$1")_pid}"
	n=0
	while [ $n -lt 50 ]; do
		a=$(ticks "$pid")
		sleep 0.1
		[ "$(ticks "$pid")" = "$a" ] && return 0
		n=$((n + 1))
	done
}

# want SCENARIO: whether BENCH_SCENARIOS asks for it.
want() {
	case " $SCENARIOS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# run NAME SCENARIO ROUND ARGS...: one generator run; its RESULT line goes to the results.
run() {
	name=$1 scen=$2 round=$3
	shift 3
	eval "pid=\${$(var "$name")_pid} port=\${$(var "$name")_port}"
	extra=$(tls_flag "$name")
	if [ "$name" = ngircd ] && [ "$scen" != c ] && [ "$scen" != f ]; then
		# ngircd lifts its flood protection only for operators with user mode +F.
		extra="$extra --oper bench:bench --umode +F"
	fi
	perfout="$tmp/perf.$name.$scen.$round"
	perfpid=""
	if { [ "$scen" = a ] || [ "$scen" = b ] || [ "${scen#e}" != "$scen" ]; } &&
		[ "$perf_ok" = 1 ]; then
		perf stat -e raw_syscalls:sys_enter -x, -o "$perfout" -p "$pid" >/dev/null 2>&1 &
		perfpid=$!
	fi
	# shellcheck disable=SC2086
	out=$($pin_bench "$bench" -p "$port" --pid "$pid" --nick "$scen$round" $extra "$@" \
		2>>"$tmp/bench.err") || true
	if [ -n "$perfpid" ]; then
		kill -INT "$perfpid" 2>/dev/null || true
		wait "$perfpid" 2>/dev/null || true
	fi
	line=$(printf '%s\n' "$out" | grep '^RESULT ' || true)
	if [ -z "$line" ]; then
		say "  $name ($scen): no result (see $tmp/bench.err)"
		line="RESULT failed=1"
	fi
	sc=""
	if [ -f "$perfout" ]; then
		calls=$(awk -F, '/raw_syscalls:sys_enter/ { print $1 }' "$perfout")
		del=$(printf '%s\n' "$line" | sed -n 's/.* delivered=\([0-9]*\).*/\1/p')
		if [ -n "$calls" ] && [ -n "$del" ] && [ "$del" -gt 0 ]; then
			sc=$(awk -v c="$calls" -v d="$del" 'BEGIN { printf "%.4f", c / d }')
			line="$line syscalls=$calls sc_per_del=$sc"
		fi
	fi
	# Server CPU time per delivery barely depends on how busy the rest of the machine is.
	cpd=$(printf '%s\n' "$line" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "=")
		f[kv[1]] = kv[2] } } END { if (f["dps"] > 0 && f["cpu_pct"] >= 0)
		printf "%.3f", f["cpu_pct"] * 1e4 / f["dps"] }')
	[ -n "$cpd" ] && line="$line cpu_us_per_del=$cpd"
	printf '%s %s %s %s\n' "$name" "$scen" "$round" "${line#RESULT }" >>"$results"
	say "  round $round ($scen) $name: $(printf '%s\n' "$line" | cut -c8-200)"
	quiesce "$name"
}

# --- the rounds -------------------------------------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "compare: servers: $SERVERS; $ROUNDS rounds of $SECS s; descriptors: $nofile"
i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	# Rotate the server order by one each round.
	set -- $SERVERS
	k=1
	while [ $k -lt $i ] && [ $# -gt 1 ]; do
		first=$1
		shift
		set -- "$@" "$first"
		k=$((k + 1))
	done
	order="$*"
	say "compare: round $i of $ROUNDS, order: $order"
	for srv in $order; do
		start_server "$srv"
	done
	# (c) first, while every server is fresh: idle clients registering 200 at a time.
	for srv in $order; do
		want c || break
		run "$srv" c "$i" -m storm -n "$STORM" -c 200 --setup "$STORM_SETUP"
	done
	# Fresh servers again: thousands of connections come and gone change a server's heap
	# (glibc raises its trim threshold after freeing a large block), which would flatter or
	# penalise whatever runs next.
	for srv in $order; do
		stop_server "$srv"
		start_server "$srv"
	done
	for srv in $order; do
		want a || break
		run "$srv" a "$i" -m fanout -n 50 -s 5 -r 2000 -d "$SECS"
	done
	for srv in $order; do
		want b || break
		run "$srv" b "$i" -m fanout -n 100 -s 10 -w 20 -d "$SECS"
	done
	for srv in $order; do
		want d || break
		run "$srv" d "$i" -m pingpong -d "$SECS"
	done
	# (e) is (a) again beside a second pool of idle registered clients; (f) the first line
	# from clients that have been silent for a while.
	for idle_n in $IDLE; do
		for srv in $order; do
			want e || break
			run "$srv" "e$idle_n" "$i" -m fanout -n 50 -s 5 -r 2000 -d "$SECS" \
				--idle "$idle_n" -c 200 --setup "$IDLE_SETUP" --quiet "$IDLE_QUIET"
		done
	done
	# ngircd listens with a backlog of 10 and resets what overflows it: connect 50 at a time.
	for srv in $order; do
		want f || break
		run "$srv" f "$i" -m firstline -n "$FIRST" -c 50 --quiet "$QUIET" \
			--setup "$IDLE_SETUP"
	done
	for srv in $order; do
		stop_server "$srv"
	done
done

big_line=""
case " $SERVERS " in
*" lanchatd "*)
	if [ "$BIG" -gt 0 ]; then
		say "compare: lanchatd holding $BIG clients"
		start_server lanchatd
		out=$($pin_bench "$bench" -p "$lanchatd_port" --pid "$lanchatd_pid" -m storm \
			-n "$BIG" -c 200 --setup "$STORM_SETUP" --hold 3 --nick big 2>>"$tmp/bench.err") ||
			true
		big_line=$(printf '%s\n' "$out" | grep '^RESULT ' || true)
		stop_server lanchatd
	fi
	;;
esac

# --- the table --------------------------------------------------------------------------------
echo
echo "lanchat benchmark: $(uname -srm); $(nproc) CPUs: $(sed -n 's/^model name[^:]*: //p' \
	/proc/cpuinfo | head -n 1)"
echo "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)" \
	"(anything above 0 competes with the pinned processes)"
echo "command: BENCH_TLS=$TLS BENCH_ROUNDS=$ROUNDS BENCH_SECS=$SECS BENCH_STORM=$STORM" \
	"BENCH_SCENARIOS=\"$SCENARIOS\" BENCH_IDLE=\"$IDLE\" BENCH_QUIET=$QUIET sh tests/bench/compare.sh $build"
echo "servers: lanchatd $("$lanchatd" -V 2>&1 | head -n 1 | awk '{ print $NF }')," \
	"ngircd $(dpkg-query -W -f='${Version}' ngircd 2>/dev/null)," \
	"inspircd $(dpkg-query -W -f='${Version}' inspircd 2>/dev/null); medians of $ROUNDS rounds;" \
	"ratio = $BASE / peer"
echo
awk -v servers="$SERVERS" -v storm="$STORM" -v basesrv="$BASE" -v idles="$IDLE" \
	-v first="$FIRST" -v quiet="$QUIET" '
function median(key,   n, i, j, t, v) {
	n = cnt[key]
	if (n == 0)
		return ""
	for (i = 1; i <= n; i++)
		v[i] = val[key, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function fmt(x) {
	if (x == "")
		return "-"
	if (x >= 1000)
		return sprintf("%.0f", x)
	return sprintf("%.4g", x)
}
{
	for (f = 4; f <= NF; f++) {
		split($f, kv, "=")
		key = $1 SUBSEP $2 SUBSEP kv[1]
		val[key, ++cnt[key]] = kv[2] + 0
	}
}
function row(title, scen, metric, better,   s, m, line, i, base, r, any) {
	line = sprintf("%-40s %-6s", title, better)
	any = 0
	for (i = 1; i <= ns; i++) {
		m[i] = median(srv[i] SUBSEP scen SUBSEP metric)
		line = line sprintf(" %12s", fmt(m[i]))
		any = any || m[i] != ""
	}
	# Scenarios left out with BENCH_SCENARIOS leave no empty rows.
	if (!any)
		return
	if (srv[1] == basesrv)
		for (i = 2; i <= ns; i++) {
			r = (m[1] != "" && m[i] != "" && m[i] > 0) ? sprintf("%.2f", m[1] / m[i]) : "-"
			line = line sprintf(" %11s", r)
		}
	print line
}
END {
	ns = split(servers, srv, " ")
	# The base (lanchatd, or lanchatd+tls) first so that the ratios read base / peer.
	for (i = 1; i <= ns; i++)
		if (srv[i] == basesrv && i != 1) {
			t = srv[1]; srv[1] = srv[i]; srv[i] = t
		}
	head = sprintf("%-40s %-6s", "metric", "better")
	for (i = 1; i <= ns; i++)
		head = head sprintf(" %12s", srv[i])
	if (srv[1] == basesrv)
		for (i = 2; i <= ns; i++)
			head = head sprintf(" %11s", "vs " srv[i])
	print head
	row("(a) steady 50c/5s/2000 msg/s: p50 us", "a", "p50_us", "lower")
	row("(a) p99 us", "a", "p99_us", "lower")
	row("(a) max us", "a", "max_us", "lower")
	row("(a) server CPU %", "a", "cpu_pct", "lower")
	row("(a) server CPU us per delivery", "a", "cpu_us_per_del", "lower")
	row("(a) syscalls per delivery", "a", "sc_per_del", "lower")
	row("(a) lost", "a", "lost", "lower")
	row("(b) saturation 100c/10s/w20: del/s", "b", "dps", "higher")
	row("(b) p50 us", "b", "p50_us", "lower")
	row("(b) p99 us", "b", "p99_us", "lower")
	row("(b) server CPU %", "b", "cpu_pct", "lower")
	row("(b) server CPU us per delivery", "b", "cpu_us_per_del", "lower")
	row("(b) syscalls per delivery", "b", "sc_per_del", "lower")
	row("(b) lost", "b", "lost", "lower")
	row("(c) capacity " storm " idle: registered", "c", "registered", "higher")
	row("(c) ms to register all", "c", "reg_ms", "lower")
	row("(c) server RSS bytes per conn", "c", "rss_per_conn", "lower")
	row("(c) server CPU us per conn", "c", "cpu_us_per_conn", "lower")
	row("(d) pingpong one-way p50 us", "d", "p50_us", "lower")
	row("(d) p99 us", "d", "p99_us", "lower")
	row("(d) messages/s", "d", "dps", "higher")
	ni = split(idles, idle, " ")
	for (k = 1; k <= ni; k++) {
		e = "e" idle[k]
		row("(e) (a) + " idle[k] " idle: p50 us", e, "p50_us", "lower")
		row("(e) (a) + " idle[k] " idle: p99 us", e, "p99_us", "lower")
		row("(e) (a) + " idle[k] " idle: max us", e, "max_us", "lower")
		row("(e) (a) + " idle[k] " idle: server CPU %", e, "cpu_pct", "lower")
		row("(e) (a) + " idle[k] " idle: CPU us/delivery", e, "cpu_us_per_del", "lower")
		row("(e) (a) + " idle[k] " idle: syscalls/del", e, "sc_per_del", "lower")
		row("(e) (a) + " idle[k] " idle: lost", e, "lost", "lower")
		row("(e) (a) + " idle[k] " idle: idle kept", e, "idle_alive", "higher")
	}
	row("(f) first line, " first " after " quiet "s: p50 us", "f", "p50_us", "lower")
	row("(f) p99 us", "f", "p99_us", "lower")
	row("(f) max us", "f", "max_us", "lower")
	row("(f) lost", "f", "lost", "lower")
	row("(f) first lines sent", "f", "sent", "higher")
}' "$results"
if [ -n "$big_line" ]; then
	echo
	echo "lanchatd holding $BIG clients: ${big_line#RESULT }"
fi
echo
if want c; then
	echo "(c) counts only clients registered within $STORM_SETUP s; 'ms to register all' is then"
	echo "the time to the last one that made it."
fi
ACCT=${BENCH_ACCT-"5000 200 20000"}
if [ -n "$ACCT" ] && [ "$TLS" != 1 ]; then
	echo
	echo "lanchatd accounts (N K NICKS = $ACCT):"
	# shellcheck disable=SC2086
	sh "$root/tests/bench/acct-bench.sh" "$lanchatd" "$bdir/tests/bench/lanchat-acct-bench" \
		$ACCT || echo "accounts: the run failed"
fi
echo "Wall time: $(($(date +%s) - started)) s."
if [ "$KEEP" = 1 ]; then
	cp "$results" "$tmp/results.txt"
fi
