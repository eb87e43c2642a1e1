"""Real IRC clients over TLS: irssi, weechat and catgirl (TLS-only; -t trusts the server's
saved certificate) each join #lan on lanchatd's TLS port inside a private tmux server,
beside our own lanchat (ircs://) and a plain-text user on the plain port. Messages go every
way and each assertion is on what a program draws (capture-pane) or what a socket reads,
polled against a deadline.

usage: test_tls_clients.py LANCHATD LANCHAT
Exit 0 pass, 1 fail, 77 skip (tmux missing)."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tlslib import Client, Fail, Server, cleanup, fail, wait_for, workdir  # noqa: E402

LANCHATD, LANCHAT = sys.argv[1], sys.argv[2]
SOCK = None  # one tmux server per client: a server being killed may still hold its socket


def tmux(*args, check=True):
    r = subprocess.run(["tmux", "-L", SOCK, "-u", "-f", "/dev/null", *args],
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        fail("tmux %s: %s" % (args[0], r.stderr.strip()))
    return r.stdout


def pane(name):
    return tmux("capture-pane", "-p", "-J", "-t", "=%s:" % name, check=False)


def wait_pane(name, pattern, what, deadline=15.0):
    try:
        return wait_for(lambda: re.search(pattern, pane(name), re.M), what, deadline)
    except Fail:
        fail("%s never showed %s (/%s/); screen:\n%s" % (name, what, pattern, pane(name)))


def type_line(name, text):
    tmux("send-keys", "-t", "=%s:" % name, "-l", text)
    tmux("send-keys", "-t", "=%s:" % name, "Enter")


def irssi_cmd(work, srv, nick):
    home = os.path.join(work, "irssi")
    os.makedirs(home)
    with open(os.path.join(home, "config"), "w") as f:
        f.write('servers = ( { address = "127.0.0.1"; chatnet = "lan"; port = "%d";\n'
                '  use_tls = "yes"; tls_verify = "no"; autoconnect = "yes"; } );\n'
                'chatnets = { lan = { type = "IRC"; }; };\n'
                'channels = ( { name = "#lan"; chatnet = "lan"; autojoin = "yes"; } );\n'
                'settings = { core = { real_name = "Irssi"; user_name = "irssi"; nick = "%s"; };\n'
                '  "irc/core" = { cmd_queue_speed = "0"; cmds_max_at_once = "100"; }; };\n'
                % (srv.tls_port, nick))
    return "irssi --home=%s" % home, r"<[ @+]?%s> %s", r"%s .*has joined #lan"


def weechat_cmd(work, srv, nick):
    home = os.path.join(work, "weechat")
    os.makedirs(home)
    run = ("/set irc.server_default.nicks %s;"
           "/server add lan 127.0.0.1/%d -ssl -ssl_verify=off -autojoin=#lan;"
           "/connect lan" % (nick, srv.tls_port))
    return "weechat -d %s -r '%s'" % (home, run), r"%s +\| %s", r"%s .*has joined #lan"


def catgirl_cmd(work, srv, nick):
    cert = os.path.join(srv.state_dir, "cert.pem")
    return ("catgirl -h 127.0.0.1 -p %d -t %s -n %s -u %s -j '#lan'"
            % (srv.tls_port, cert, nick, nick), r"<%s> %s", r"%s arrives in #lan")


def one_client(name, make, work):
    global SOCK
    SOCK = "lanchat-tls-%s-%d" % (name, os.getpid())
    srv = Server(LANCHATD, work)
    try:
        plain = Client(srv.plain_port)
        plain.expect(r"Welcome to irc\.test", "the plain greeting")
        plain.send("/nick plainpat")
        plain.expect(r"now known as plainpat|You are now plainpat|plainpat", "the plain nick")

        env = "env HOME=%s XDG_STATE_HOME=%s/state TERM=screen-256color" % (work, work)
        tmux("new-session", "-d", "-s", "lc", "-x", "120", "-y", "30",
             "%s '%s' -n lanuser --no-beacon ircs://127.0.0.1:%d; sleep 30"
             % (env, LANCHAT, srv.tls_port))
        wait_pane("lc", r"^ lanchat +connected +lanuser .*\| TLS ", "lanchat over TLS")

        nick = name + "tls"
        cmd, shown, joined = make(work, srv, nick)
        tmux("new-session", "-d", "-s", "irc", "-x", "160", "-y", "40",
             "%s %s; sleep 30" % (env, cmd))
        # It registered over TLS: the server logs its handshake and then its nick.
        line = srv.expect_log(r"register #\d+ %s!" % nick, name + " registering", 20)
        cid = re.search(r"#(\d+)", line).group(1)
        srv.expect_log(r"connect #%s from 127\.0\.0\.1 port \d+ over TLS" % cid,
                       name + "'s connection on the TLS port")
        srv.expect_log(r"TLS #%s from 127\.0\.0\.1: TLSv1\.[23]" % cid, name + "'s handshake")
        plain.expect(r"\* %s joined #lan" % nick, name + " joining #lan", 20)
        # Typing waits until the client shows its own join, so #lan is its current window.
        if name == "irssi":
            type_line("irc", "/window goto #lan")  # irssi keeps its status window in front
        wait_pane("irc", joined % nick, name + " showing its join")

        type_line("irc", "hello everyone from " + name)
        plain.expect(r"<%s> hello everyone from %s" % (nick, name), name + "'s line, in plain")
        wait_pane("lc", r"<%s> hello everyone from %s" % (nick, name), name + "'s line in lanchat")

        plain.send("plain user says hi to " + name)
        wait_pane("irc", shown % ("plainpat", "plain user says hi to " + name),
                  "the plain user's line in " + name)
        type_line("lc", "lanchat says hi to " + name)
        wait_pane("irc", shown % ("lanuser", "lanchat says hi to " + name),
                  "lanchat's line in " + name)
        srv.stop()
    finally:
        tmux("kill-server", check=False)
        srv.kill()


def main():
    if shutil.which("tmux") is None:
        print("SKIP: tmux is not installed")
        sys.exit(77)
    clients = [("irssi", irssi_cmd), ("weechat", weechat_cmd), ("catgirl", catgirl_cmd)]
    only = os.environ.get("TLS_CLIENT")
    failed = 0
    for name, make in clients:
        if only and name != only:
            continue
        if shutil.which(name) is None:
            # tests/install-deps.sh test installs all three: missing is a failure.
            print("FAIL %s: not installed" % name)
            failed += 1
            continue
        work = workdir("tlsclients")
        try:
            one_client(name, make, work)
            print("PASS", name)
        except Fail as e:
            failed += 1
            print("FAIL", name + ":", e)
        finally:
            cleanup(work)
    sys.exit(1 if failed else 0)


main()
