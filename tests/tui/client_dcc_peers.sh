#!/bin/sh
# DCC with other people's clients: lanchat sends a file to irssi and to weechat, and
# receives one from each (and a passive offer from irssi); every file is compared byte for
# byte with what was sent.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }
command -v irssi >/dev/null 2>&1 || { echo "SKIP: irssi not installed"; exit 77; }
WEECHAT=$(command -v weechat 2>/dev/null || true)
[ -n "$WEECHAT" ] || { echo "SKIP: weechat (weechat-curses) not installed"; exit 77; }

mkdir -p "$WORK/ha" "$WORK/irssi" "$WORK/irssi-dl" "$WORK/wee" "$WORK/wee-dl"
head -c 200000 /dev/urandom >"$WORK/to-irssi.bin"
head -c 150000 /dev/urandom >"$WORK/from-irssi.bin"
head -c 250000 /dev/urandom >"$WORK/to-wee.bin"
head -c 120000 /dev/urandom >"$WORK/from-wee.bin"
head -c 90000 /dev/urandom >"$WORK/passive.bin"

# wait_file PATH SIZE: polls until the file is whole.
wait_file() {
	_end=$(( $(now_ms) + 20000 ))
	until [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ]; do
		[ "$(now_ms)" -lt "$_end" ] || fail "$1 never reached $2 bytes"
		sleep 0.05
	done
}

start_server 0
CLIENT_ENV="HOME='$WORK/ha'" client a alice "127.0.0.1:$PORT"
unset CLIENT_ENV
wait_for a "#lan 1 user"

# ---- irssi ----
tmx new-session -d -s irssi -x 160 -y 40 \
    "HOME='$WORK/irssi' irssi --home='$WORK/irssi/.irssi' -c 127.0.0.1 -p $PORT -n ibob"
wait_for irssi "Welcome to the lanchat network"
tmx send-keys -t =irssi: "/set dcc_download_path $WORK/irssi-dl" Enter
tmx send-keys -t =irssi: "/join #lan" Enter
wait_for a "#lan 2 users"

# lanchat -> irssi
say a "/send ibob $WORK/to-irssi.bin"
tmx send-keys -t =irssi: M-1
wait_for irssi "DCC SEND from alice .*to-irssi\.bin"
tmx send-keys -t =irssi: "/dcc get alice" Enter
wait_file "$WORK/irssi-dl/to-irssi.bin" 200000
cmp "$WORK/to-irssi.bin" "$WORK/irssi-dl/to-irssi.bin" || fail "irssi got other bytes"
tmx send-keys -t =a: M-3
wait_for a "Sent to-irssi\.bin to ibob: 200\.0 KB"

# irssi -> lanchat
tmx send-keys -t =irssi: "/dcc send alice $WORK/from-irssi.bin" Enter
wait_for a "ibob offers from-irssi\.bin \(150\.0 KB\): /accept ibob"
say a "/accept ibob"
wait_for a "Received from-irssi\.bin from ibob: 150\.0 KB" 20
cmp "$WORK/from-irssi.bin" "$WORK/ha/Downloads/from-irssi.bin" || fail "from irssi: other bytes"

# irssi -> lanchat, passive: irssi offers port 0 and a token, lanchat listens and answers.
tmx send-keys -t =irssi: "/dcc send -passive alice $WORK/passive.bin" Enter
wait_for a "ibob offers passive\.bin \(90\.0 KB\): /accept ibob"
say a "/accept ibob"
wait_for a "Received passive\.bin from ibob: 90\.0 KB" 20
cmp "$WORK/passive.bin" "$WORK/ha/Downloads/passive.bin" || fail "passive from irssi: other bytes"

# ---- weechat, in its own terminal ----
tmx new-session -d -s wee -x 160 -y 40 "'$WEECHAT' --dir '$WORK/wee' -r \
'/set xfer.file.download_path $WORK/wee-dl;/set xfer.file.auto_accept_files on;\
/server add lan 127.0.0.1/$PORT -notls -nicks=wbob;/connect lan'"
end=$(( $(now_ms) + 20000 ))
until grep -q "register .*wbob" "$WORK/server.log"; do
	[ "$(now_ms)" -lt "$end" ] || fail "weechat did not register"
	sleep 0.05
done

# lanchat -> weechat (told to accept files by itself)
say a "/send wbob $WORK/to-wee.bin"
# weechat puts the sender's nick in front of the name.
wait_file "$WORK/wee-dl/alice.to-wee.bin" 250000
cmp "$WORK/to-wee.bin" "$WORK/wee-dl/alice.to-wee.bin" || fail "weechat got other bytes"
tmx send-keys -t =a: M-4
wait_for a "Sent to-wee\.bin to wbob: 250\.0 KB" 20

# weechat -> lanchat
tmx send-keys -t =wee: "/dcc send alice $WORK/from-wee.bin" Enter
wait_for a "wbob offers from-wee\.bin \(120\.0 KB\): /accept wbob"
say a "/accept wbob"
wait_for a "Received from-wee\.bin from wbob: 120\.0 KB" 20
cmp "$WORK/from-wee.bin" "$WORK/ha/Downloads/from-wee.bin" || fail "from weechat: other bytes"

# Both leave before the test's directory goes (they write their settings as they quit).
for s in wee irssi; do
	tmx send-keys -t "=$s:" "/quit" Enter
	end=$(( $(now_ms) + 10000 ))
	while tmx has-session -t "=$s" 2>/dev/null; do
		[ "$(now_ms)" -lt "$end" ] || fail "$s did not quit"
		sleep 0.05
	done
done
echo "PASS"
