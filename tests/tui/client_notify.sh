#!/bin/sh
# Notifications: a highlight or private message not in view (another window, or the
# terminal without focus) rings the bell and runs notify.command with the sender and the
# text as arguments, never through a shell; one in view rings nothing; a flood is limited.
set -eu
. "$(dirname "$0")/client_lib.sh"
[ -x "$LANCHATD" ] || { echo "SKIP: no lanchatd"; exit 77; }

printf '#!/bin/sh\nprintf "%%s|%%s\\n" "$1" "$2" >>"%s/notified"\n' "$WORK" >"$WORK/notify.sh"
printf '[notify]\ncommand = sh %s/notify.sh\n' "$WORK" >"$XDG_CONFIG_HOME/lanchat/config"
: >"$WORK/notified"
bell() { tmx display-message -p -t "=$1:" '#{window_bell_flag}'; }
count() { wc -l <"$WORK/notified" | tr -d ' '; }

start_server 0
client a alice "127.0.0.1:$PORT"
client b bob "127.0.0.1:$PORT"
wait_for a "#lan 2 users"

# In view and focused: shown, nothing else.
say b "alice: in plain view"
wait_for a "<bob> alice: in plain view"
[ "$(bell a)" = 0 ] || fail "the bell rang for a line in view"
say b "/msg alice first private"
wait_for a "3:bob\*"
# The private line came after the highlight: by now both have been judged.
[ "$(count)" = 1 ] || fail "notified for a line in view: $(cat "$WORK/notified")"
grep -qx 'bob|first private' "$WORK/notified" || fail "$(cat "$WORK/notified")"
[ "$(bell a)" = 1 ] || fail "no bell for a private message"

# Shell syntax in the text is only text.
say b "/msg alice \$(touch $WORK/pwned) \`touch $WORK/pwned\`"
end=$(( $(now_ms) + 10000 ))
until [ "$(count)" -ge 2 ]; do
	[ "$(now_ms)" -lt "$end" ] || fail "second notification missing"
	sleep 0.05
done
grep -qxF "bob|\$(touch $WORK/pwned) \`touch $WORK/pwned\`" "$WORK/notified" ||
	fail "text changed: $(cat "$WORK/notified")"
[ ! -e "$WORK/pwned" ] || fail "the text went through a shell"

# The terminal loses the focus (as a terminal with focus reports says it): a highlight in
# the window shown notifies too.
tmx send-keys -t =a: -l "$(printf '\033[O')"
say b "alice: are you there?"
end=$(( $(now_ms) + 10000 ))
until grep -q 'bob|alice: are you there?' "$WORK/notified"; do
	[ "$(now_ms)" -lt "$end" ] || fail "no notification without focus: $(cat "$WORK/notified")"
	sleep 0.05
done

# A flood: the burst is used up, so most of these are not announced one by one.
for i in 1 2 3 4 5 6; do say b "/msg alice flood $i"; done
tmx send-keys -t =a: -l "$(printf '\033[I')"
tmx send-keys -t =a: M-3
wait_for a "\*bob\* flood 6"
end=$(( $(now_ms) + 5000 ))
while pgrep -f "$WORK/notify.sh" >/dev/null 2>&1 && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
n=$(count)
[ "$n" -le 5 ] || fail "$n notifications for 9 lines: not rate-limited"
echo "PASS"
