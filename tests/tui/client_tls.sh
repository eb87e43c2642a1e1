#!/bin/sh
# lanchat over TLS: ircs:// pins the certificate on first use (said once in the welcome,
# recorded in known_servers), the status line shows "TLS" and the fingerprint's start, a
# plain user chats with it, the wire view says its lines were encrypted, the client presents
# its own certificate (0600), reconnects over TLS, refuses a changed certificate with a
# warning and nothing sent, and /trust accepts the new one.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

tls_port() {
	sed -n 's/.* and TLS [^ ]*:\([0-9]*\) .*/\1/p' "$WORK/server.log" | head -1
}
fingerprint() {
	sed -n 's/.*certificate SHA256:\([0-9a-f]*\).*/\1/p' "$WORK/server.log" | head -1
}
mode_of() {
	stat -c %a "$1"
}

start_server 0 --state-dir "$WORK/srv1"
TLS_PORT=$(tls_port)
FP=$(fingerprint)
SHORT=$(printf %.8s "$FP")
[ -n "$TLS_PORT" ] && [ ${#FP} -eq 64 ] || fail "no TLS port or fingerprint in the start-up line"

client a alice "ircs://127.0.0.1:$TLS_PORT"
wait_for a "^ lanchat +connected +alice .*\\| TLS $SHORT\\.\\."
# The welcome, with that line, is atop the server window (Alt-1); then back to #lan (Alt-2).
tmx send-keys -t "=a:" M-1
wait_for a "new server certificate"
wait_for a "SHA256:$FP trusted on first"
tmx send-keys -t "=a:" M-2
wait_for a "^ 1:testsrv \\[2:#lan\\]"
grep -qx "127.0.0.1:$TLS_PORT SHA256:$FP" "$XDG_STATE_HOME/lanchat/known_servers" ||
	fail "known_servers does not pin the server: $(cat "$XDG_STATE_HOME/lanchat/known_servers")"
[ "$(mode_of "$XDG_STATE_HOME/lanchat/known_servers")" = 600 ] || fail "known_servers not 0600"
[ "$(mode_of "$XDG_STATE_HOME/lanchat/key.pem")" = 600 ] || fail "client key not 0600"
# The client presented its own certificate, and the server kept its fingerprint.
CFP=$(openssl x509 -noout -fingerprint -sha256 -in "$XDG_STATE_HOME/lanchat/cert.pem" |
	sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
grep -q "client certificate SHA256:$CFP" "$WORK/server.log" ||
	fail "the server did not see the client's certificate $CFP"

client b bob "127.0.0.1:$PORT"
wait_for b "^ lanchat +connected +bob .*\\| plain"
wait_for a "#lan 2 users"
say a "secret hello from alice"
wait_for b "<alice> secret hello from alice"
say b "hello back over plain"
wait_for a "<bob> hello back over plain"

tmx send-keys -t "=a:" F2
wait_for a "decrypted: on the wire they were TLS-encrypted"
wait_for a "PRIVMSG #lan :secret hello from alice"
tmx send-keys -t "=a:" F2

# The same server back on the same ports with the same key: reconnected over TLS, silently.
stop_server
wait_for a "^ lanchat +reconnecting in [0-9]+s"
start_server "$PORT" --tls-port "$TLS_PORT" --state-dir "$WORK/srv1"
wait_for a "^ lanchat +connected +alice .*\\| TLS $SHORT\\.\\." 20
wait_for a "#lan 2 users" 20

# Another key on that address: refused, with both fingerprints, and nothing sent.
stop_server
wait_for a "^ lanchat +reconnecting in [0-9]+s"
start_server "$PORT" --tls-port "$TLS_PORT" --state-dir "$WORK/srv2"
FP2=$(fingerprint)
[ "$FP2" != "$FP" ] || fail "the second server has the first one's key"
wait_for a "CERTIFICATE HAS CHANGED" 20
wait_for a "pinned: +SHA256:$FP"
wait_for a "presented: SHA256:$FP2"
wait_for a "^ lanchat +disconnected: the server's certificate has changed"
grep -q "register .*alice" "$WORK/server.log" && fail "alice registered with the impostor"
grep -q "client certificate" "$WORK/server.log" ||
	fail "the refused handshake did not reach the server at all"

# Checked with the admin: /trust pins it and connects.
say a "/trust"
wait_for a "^ lanchat +connected +alice .*\\| TLS $(printf %.8s "$FP2")\\.\\." 20
grep -qx "127.0.0.1:$TLS_PORT SHA256:$FP2" "$XDG_STATE_HOME/lanchat/known_servers" ||
	fail "/trust did not replace the pin"
[ "$(grep -c "127.0.0.1:$TLS_PORT " "$XDG_STATE_HOME/lanchat/known_servers")" = 1 ] ||
	fail "known_servers has two pins for one server"
echo "PASS"
