#!/bin/sh
# Rough edges found using the client as a newcomer would: bad options name the program, not
# its path; two clients started as "alice" keep their own nicks across a server restart;
# "/part #lan" then "/join #lan" at once rejoins; the wire view's footer uses the screen's
# arrows; a host name that never resolved is given up after a few tries.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

# Options: "lanchat: ..." whatever path it was started by.
for bad in --bogus -x "--nick"; do
	if "$LANCHAT" $bad >"$WORK/opt.out" 2>"$WORK/opt.err"; then fail "$bad accepted"; fi
	head -1 "$WORK/opt.err" | grep -Eq "^lanchat: (unknown option|option .* needs a value)" ||
		fail "$bad: $(head -1 "$WORK/opt.err")"
done

start_server 0
client a alice "127.0.0.1:$PORT"
wait_for a "^ lanchat +connected +alice @"
client b alice "127.0.0.1:$PORT"
wait_for b "^ lanchat +connected +alice_ @"

# The server restarts; the second client is back first. It asks for the nick it had.
# (The first one stops retrying until told, so the order is the test's, not the backoff's.)
stop_server
wait_for b "^ lanchat +reconnecting in"
wait_for a "^ lanchat +reconnecting in"
say a "/disconnect"
wait_for a "disconnected: disconnected by you"
start_server "$PORT"
say b "/connect 127.0.0.1:$PORT"
wait_for b "^ lanchat +connected +alice_ @" 20
say a "/connect 127.0.0.1:$PORT"
wait_for a "^ lanchat +connected +alice @" 20
screen b | head -1 | grep -Eq "connected +alice_ @" || fail "b took another nick"

# Part and join in one go, before the server has confirmed the part.
wait_for a "#lan 2 users"
# One write to the terminal: both lines are read before the server's answer.
tmx send-keys -t =a: -l "$(printf '/part #lan\r/join #lan\r')"
wait_for a "You left #lan"
wait_for a "#lan 2 users"
say a "back again"
wait_for b "<alice> back again"

# The wire view's footer.
tmx send-keys -t =a: F2
wait_for a "wire view: raw lines, ← received, → sent"
tmx send-keys -t =a: F2

# A name that does not resolve (refused by the resolver before any query leaves the
# machine) and never worked: given up, not retried forever.
bad=$(printf 'q%.0s' $(seq 1 64)).invalid
client c carol "$bad"
wait_for c "!!! Giving up on q+" 20
wait_for c "did not resolve in 3 tries"
wait_for c "^ lanchat +disconnected: cannot resolve"
echo "PASS"
