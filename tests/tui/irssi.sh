#!/bin/sh
# irssi, a real IRC client, against lanchatd: irssi runs inside a private tmux server with a
# throw-away HOME; a raw socket client sits in #lan next to it. Messages go both ways and
# every assertion is on what irssi draws (tmux capture-pane), polled with a deadline.
#
# usage: irssi.sh PATH-TO-LANCHATD
# Exit 0 pass, 1 fail, 77 skip (irssi, tmux or python3 missing).
set -eu

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 PATH-TO-LANCHATD" >&2
	exit 2
fi
for tool in irssi tmux python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed" >&2
		exit 77
	fi
done

exec python3 - "$1" <<'EOF'
import os, re, select, shutil, signal, socket, subprocess, sys, tempfile, time

LANCHATD = sys.argv[1]
DEADLINE = 10.0  # seconds for any single expectation
NICK = "irssiuser"
RAW = "rawbob"
tmux_sock = "lanchat-irssi-%d" % os.getpid()
work = tempfile.mkdtemp(prefix="lanchat-irssi.")
server = None


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", tmux_sock, "-f", "/dev/null", *args],
                          capture_output=True, text=True, check=check).stdout


def pane():
    return tmux("capture-pane", "-p", "-J", "-t", "irssi", check=False)


def wait_pane(pattern, what):
    """Polls the drawn screen until pattern (a regex) shows; fails with the screen."""
    end = time.monotonic() + DEADLINE
    while True:
        screen = pane()
        if re.search(pattern, screen, re.M):
            return screen
        if time.monotonic() > end:
            fail("irssi never showed %s (/%s/); screen:\n%s" % (what, pattern, screen))
        time.sleep(0.1)


class Raw:
    """A line-based IRC client on a plain socket; every read has a deadline."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.buf = b""
        self.seen = []

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def expect(self, pattern, what):
        end = time.monotonic() + DEADLINE
        while True:
            while b"\n" in self.buf:
                raw, self.buf = self.buf.split(b"\n", 1)
                line = raw.rstrip(b"\r").decode("utf-8", "replace")
                self.seen.append(line)
                if re.search(pattern, line):
                    return line
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                fail("raw client never got %s (/%s/); last lines:\n  %s"
                     % (what, pattern, "\n  ".join(self.seen[-20:])))
            data = self.sock.recv(65536)
            if not data:
                fail("server closed the raw client while waiting for " + what)
            self.buf += data


def start_server():
    global server
    # #lan as an ordinary channel (plain users go elsewhere), so its first member is an op.
    server = subprocess.Popen([LANCHATD, "-p", "0", "-b", "127.0.0.1", "-n", "irc.test",
                               "--no-beacon", "-c", "#guests"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    end = time.monotonic() + DEADLINE
    out = b""
    # Warnings (no installed MOTD, say) may come first: wait for the line itself.
    while not re.search(rb"listening on \S*:(\d+)", out):
        left = end - time.monotonic()
        if left <= 0 or not select.select([server.stderr], [], [], left)[0]:
            fail("lanchatd did not start: %r" % out)
        chunk = os.read(server.stderr.fileno(), 4096)
        if not chunk:
            fail("lanchatd exited at start: %r" % out)
        out += chunk
    m = re.search(rb"listening on \S*:(\d+)", out)
    if not m:
        fail("no port in %r" % out)
    return int(m.group(1))


def write_config(home):
    os.makedirs(os.path.join(home, ".irssi"))
    with open(os.path.join(home, ".irssi", "config"), "w") as f:
        f.write('settings = {\n'
                '  core = { real_name = "Irssi Tester"; user_name = "irssi"; nick = "%s"; };\n'
                '  "fe-common/core" = { autocreate_query_level = "none"; };\n'
                # irssi paces its own commands; nothing here needs that, so no waiting on it
                '  "irc/core" = { cmd_queue_speed = "0"; cmds_max_at_once = "100"; };\n'
                '};\n' % NICK)


def main():
    port = start_server()
    raw = Raw(port)
    raw.send("NICK " + RAW)
    raw.send("USER %s 0 * :Raw Bob" % RAW)
    raw.expect(r"^:irc\.test 001 %s " % RAW, "001")
    raw.send("JOIN #lan")
    raw.expect(r"^:irc\.test 366 %s #lan " % RAW, "end of NAMES")

    home = os.path.join(work, "home")
    write_config(home)
    env = "HOME=%s LANG=C.UTF-8 LC_ALL=C.UTF-8" % home
    tmux("new-session", "-d", "-s", "irssi", "-x", "160", "-y", "40",
         "env %s irssi --home=%s/.irssi -c 127.0.0.1 -p %d -n %s"
         % (env, home, port, NICK))
    # irssi shows the server's greeting and 001 text once it is registered.
    wait_pane(r"Welcome to the lanchat network", "the 001 welcome")

    tmux("send-keys", "-t", "irssi", "/join #lan", "Enter")
    raw.expect(r"^:%s!~?[^@ ]+@127\.0\.0\.1 JOIN :?#lan$" % NICK, "irssi's JOIN")
    wait_pane(r"%s.*has joined #lan" % NICK, "its own join")

    raw.send("PRIVMSG #lan :hello irssi from raw")
    wait_pane(r"<[ @+]?%s> hello irssi from raw" % RAW, "the raw client's message")

    tmux("send-keys", "-t", "irssi", "-l", "hello raw from irssi")
    tmux("send-keys", "-t", "irssi", "Enter")
    raw.expect(r"^:%s!~?[^@ ]+@127\.0\.0\.1 PRIVMSG #lan :hello raw from irssi$" % NICK,
               "irssi's message")
    wait_pane(r"<[ @+]?%s> hello raw from irssi" % NICK, "its own message")

    raw.send("PRIVMSG #lan :\x01ACTION waves at irssi\x01")
    wait_pane(r"\* %s waves at irssi" % RAW, "the action")

    raw.send("TOPIC #lan :topic from raw")
    wait_pane(r"%s changed the topic of #lan to: topic from raw" % RAW, "the topic change")

    raw.send("NICK rawrob")
    wait_pane(r"%s is now known as rawrob" % RAW, "the nick change")

    # Channel operators. The raw client made #lan, so it holds ops; it gives irssi ops, and
    # irssi sets a key and kicks it: both sides see each step.
    raw.send("MODE #lan +o " + NICK)
    wait_pane(r"mode/#lan \[\+o %s\] by rawrob" % NICK, "ops given to irssi")
    tmux("send-keys", "-t", "irssi", "/mode #lan +k sesame", "Enter")
    raw.expect(r"^:%s!\S+ MODE #lan \+k sesame$" % NICK, "irssi's key")
    wait_pane(r"mode/#lan \[\+k sesame\] by %s" % NICK, "its own key change")
    tmux("send-keys", "-t", "irssi", "/kick rawrob spamming the room", "Enter")
    raw.expect(r"^:%s!\S+ KICK #lan rawrob :spamming the room$" % NICK, "irssi's KICK")
    wait_pane(r"rawrob was kicked from #lan by %s \[spamming the room\]" % NICK, "the kick")
    raw.send("JOIN #lan")
    raw.expect(r"^:irc\.test 475 rawrob #lan :Cannot join channel \(\+k\)$", "the key refused")
    raw.send("JOIN #lan sesame")
    raw.expect(r"^:irc\.test 366 rawrob #lan ", "JOIN with the key")
    wait_pane(r"rawrob .*has joined #lan", "the raw client back")
    # And the other way round: irssi gives ops back and is kicked.
    tmux("send-keys", "-t", "irssi", "/op rawrob", "Enter")
    raw.expect(r"^:%s!\S+ MODE #lan \+o rawrob$" % NICK, "ops back")
    raw.send("KICK #lan %s :your turn" % NICK)
    wait_pane(r"(%s was|You have been|You were) kicked from #lan by rawrob \[your turn\]" % NICK,
              "irssi kicked")
    tmux("send-keys", "-t", "irssi", "/join #lan sesame", "Enter")
    raw.expect(r"^:%s!\S+ JOIN :?#lan$" % NICK, "irssi back in #lan")

    tmux("send-keys", "-t", "irssi", "/quit leaving now", "Enter")
    raw.expect(r"^:%s!\S+ QUIT :.*leaving now" % NICK, "irssi's QUIT")

    server.send_signal(signal.SIGTERM)
    try:
        rc = server.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        fail("lanchatd did not exit after SIGTERM")
    if rc != 0:
        fail("lanchatd exited with %d" % rc)
    print("PASS: irssi and a raw client talked through lanchatd")


try:
    main()
finally:
    subprocess.run(["tmux", "-L", tmux_sock, "kill-server"], capture_output=True)
    if server is not None and server.poll() is None:
        server.kill()
        server.wait()
    shutil.rmtree(work, ignore_errors=True)
EOF
