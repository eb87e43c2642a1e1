#!/bin/sh
# The config file: a mistake is refused with its file and line; a good one gives the nick,
# the time format, highlight words and a server (with its channels) connected to at start;
# /set shows a setting and changes it for the run, colours included.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

# Mistakes: the default file and --config FILE, each named with the line.
printf '[user]\nnick = carol\n\n[ui]\ncolour = red\n' >"$XDG_CONFIG_HOME/lanchat/config"
if "$LANCHAT" >"$WORK/out" 2>"$WORK/err"; then fail "a bad config was accepted"; fi
grep -qx "lanchat: $XDG_CONFIG_HOME/lanchat/config:5: unknown key colour in \[ui\]" "$WORK/err" ||
	fail "bad config: $(cat "$WORK/err")"
printf '[notify]\nbell = loud\n' >"$WORK/other.ini"
if "$LANCHAT" --config "$WORK/other.ini" 2>"$WORK/err"; then fail "bad --config accepted"; fi
grep -qx "lanchat: $WORK/other.ini:2: bell must be on or off, not loud" "$WORK/err" ||
	fail "bad --config: $(cat "$WORK/err")"
if "$LANCHAT" --config "$WORK/missing.ini" 2>"$WORK/err"; then fail "missing --config"; fi
grep -q "^lanchat: $WORK/missing.ini: No such file" "$WORK/err" || fail "$(cat "$WORK/err")"

start_server 0
cat >"$XDG_CONFIG_HOME/lanchat/config" <<CONF
[user]
nick = carol
[ui]
time_format = %H.%M
highlight = coffee
[server lab]
host = 127.0.0.1:$PORT
channels = #one #two
autoconnect = on
CONF
# No nick, no server on the command line: both come from the config.
tmx new-session -d -s a -x 100 -y 30 "'$LANCHAT' --no-beacon; echo CLIENT-EXITED; sleep 30" \; \
    set-option -g status off
wait_for a "^ lanchat +connected +carol @ testsrv \(127\.0\.0\.1:$PORT\)"
wait_for a "^ 1:testsrv 2:#one \[3:#two\]"
wait_for a "^[0-9]{2}\.[0-9]{2} -- You joined #two"
client b bob "127.0.0.1:$PORT"
wait_for b "\[2:#lan\]"
say b "/join #one"
wait_for b "\[3:#one\]"
say b "coffee is ready"
wait_for a "^ 1:testsrv 2:#one! \[3:#two\]"

# /set: one setting, a change for this run, and a bad value refused.
say a "/set ui.highlight"
wait_for a "ui\.highlight = coffee +│"
say a "/set ui.highlight tea"
wait_for a "ui\.highlight = tea \(for this run\)"
say a "/set notify.bell loud"
wait_for a "/set notify\.bell: bell must be on or off, not loud"
say a "/set"
wait_for a "  log\.enabled = on"
tmx send-keys -t =a: M-2 M-3
wait_for a "^ 1:testsrv 2:#one \[3:#two\]"
say b "coffee again"
wait_for a "^ 1:testsrv 2:#one\+ \[3:#two\]"
say b "tea now"
wait_for a "^ 1:testsrv 2:#one! \[3:#two\]"

# ui.colours applies at once: the bars lose their blue background, then get it back.
# blue_bars yes|no: waits until the screen, with its attributes, has (or has not) any.
blue_bars() {
	_end=$(( $(now_ms) + 10000 ))
	while :; do
		if tmx capture-pane -e -p -t =a: | grep -Eq '\[([0-9;]*;)?44(;[0-9;]*)?m'; then
			[ "$1" = yes ] && return 0
		else
			[ "$1" = no ] && return 0
		fi
		[ "$(now_ms)" -lt "$_end" ] || fail "blue bars: expected $1"
		sleep 0.05
	done
}
blue_bars yes
say a "/set ui.colours off"
wait_for a "ui\.colours = off \(for this run\)"
blue_bars no
say a "/set ui.colours on"
blue_bars yes
echo "PASS"
