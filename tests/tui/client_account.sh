#!/bin/sh
# lanchat and accounts on a real lanchatd: /register over TLS binds the nick to the client's
# own key (the status line says "logged in"), the next start logs in by itself with SASL
# EXTERNAL, /whois and the users pane show who is logged in, and a client started with -n on
# someone else's nick over plain TCP says so and takes another nick instead of fighting.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

tls_port() {
	sed -n 's/.* and TLS [^ ]*:\([0-9]*\) .*/\1/p' "$WORK/server.log" | head -1
}

start_server 0 --state-dir "$WORK/srv"
TLS_PORT=$(tls_port)
[ -n "$TLS_PORT" ] || fail "no TLS port in the start-up line"

client a alice "ircs://127.0.0.1:$TLS_PORT"
wait_for a "^ lanchat +connected +alice .*\\| TLS "
say a "/register"
wait_for a "alice is registered to you, and your certificate logs you in"
wait_for a "^ lanchat +connected +alice \\[logged in\\]"
grep -q "registered #[0-9]* account alice (certificate)" "$WORK/server.log" ||
	fail "the server did not register alice by certificate"

client b bob "127.0.0.1:$PORT"
wait_for b "^ lanchat +connected +bob "
wait_for b "#lan 2 users"
# bob's users pane marks alice as logged in; /whois says as whom.
wait_for b "│=alice"
say b "/whois alice"
wait_for b "alice is logged in as alice"

# The next start logs in with the key alone.
say a "/quit"
wait_for a "CLIENT-EXITED"
tmx kill-session -t "=a"
client a alice "ircs://127.0.0.1:$TLS_PORT"
wait_for a "^ lanchat +connected +alice \\[logged in\\]"
grep -q "login #[0-9]* alice as alice by SASL EXTERNAL" "$WORK/server.log" ||
	fail "the second start did not log in with SASL EXTERNAL"
say a "/quit"
wait_for a "CLIENT-EXITED"

# Over plain TCP there is no key to show: alice's nick is someone else's there.
client c alice "127.0.0.1:$PORT"
wait_for c "^ lanchat +connected +alice_ "
# Said where the greeting goes, the server window (Alt-1).
tmx send-keys -t "=c:" M-1
wait_for c "alice is registered to someone else's account here; using alice_"
echo "PASS: client_account"
