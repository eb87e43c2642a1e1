"""Real IRC clients over TLS: irssi, weechat and catgirl (TLS-only; -t trusts the server's
saved certificate) each join #lan on lanchatd's TLS port inside a private tmux server,
beside our own lanchat (ircs://) and a plain-text user on the plain port. Messages go every
way and each assertion is on what a program draws (capture-pane) or what a socket reads,
polled against a deadline. Each logs in to an account registered beforehand through
NickServ: irssi and weechat with SASL PLAIN, catgirl with SASL EXTERNAL and a client
certificate of its own (-e -c -k).

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
                'chatnets = { lan = { type = "IRC"; sasl_mechanism = "PLAIN";\n'
                '  sasl_username = "%s"; sasl_password = "%s"; }; };\n'
                'channels = ( { name = "#lan"; chatnet = "lan"; autojoin = "yes"; } );\n'
                'settings = { core = { real_name = "Irssi"; user_name = "irssi"; nick = "%s"; };\n'
                '  "irc/core" = { cmd_queue_speed = "0"; cmds_max_at_once = "100"; }; };\n'
                % (srv.tls_port, nick, password(nick), nick))
    return "irssi --home=%s" % home, r"<[ @+]?%s> %s", r"%s .*has joined #lan"


def weechat_cmd(work, srv, nick):
    home = os.path.join(work, "weechat")
    os.makedirs(home)
    run = ("/set irc.server_default.nicks %s;"
           "/server add lan 127.0.0.1/%d -ssl -ssl_verify=off -autojoin=#lan"
           " -sasl_mechanism=plain -sasl_username=%s -sasl_password=%s;"
           "/connect lan" % (nick, srv.tls_port, nick, password(nick)))
    return "weechat -d %s -r '%s'" % (home, run), r"%s +\| %s", r"%s .*has joined #lan"


def catgirl_cmd(work, srv, nick):
    cert = os.path.join(srv.state_dir, "cert.pem")
    own, key = client_cert(work)
    return ("catgirl -h 127.0.0.1 -p %d -t %s -n %s -u %s -j '#lan' -e -c %s -k %s"
            % (srv.tls_port, cert, nick, nick, own, key), r"<%s> %s", r"%s arrives in #lan")


def password(nick):
    return "pw-" + nick


def client_cert(work):
    """A key and self-signed certificate for catgirl, made once; their paths."""
    cert, key = os.path.join(work, "catgirl.pem"), os.path.join(work, "catgirl.key")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=catgirl",
                        "-days", "2", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
    return cert, key


def cert_fp(path):
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", path],
                         check=True, capture_output=True, text=True).stdout
    return out.split("=", 1)[1].strip().replace(":", "").lower()


def register_account(srv, nick, work, with_cert):
    """Registers nick with a password over the plain port (this host: allowed), and the
    client certificate too when asked."""
    c = Client(srv.plain_port)
    c.expect(r"Welcome to irc\.test", "a greeting to register with")
    c.send("NICK " + nick)
    c.send("USER reg 0 * :Registering")
    c.expect(r" 001 ", "registration")
    c.send("PRIVMSG NickServ :REGISTER " + password(nick))
    c.expect(r"is registered to you", "NickServ registering " + nick)
    if with_cert:
        c.send("PRIVMSG NickServ :CERT ADD " + cert_fp(client_cert(work)[0]))
        c.expect(r"now logs you in", "the certificate added to " + nick)
    c.send("QUIT")
    c.expect(r"ERROR", "the registering client leaving")


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
        register_account(srv, nick, work, name == "catgirl")
        srv.expect_log(r"disconnect #\d+ %s " % nick, "the registering client gone")
        cmd, shown, joined = make(work, srv, nick)
        tmux("new-session", "-d", "-s", "irc", "-x", "160", "-y", "40",
             "%s %s; sleep 30" % (env, cmd))
        # It registered over TLS: the server logs its handshake and then its nick.
        # (Not the registration of the account's registering client, user ~reg.)
        line = srv.expect_log(r"register #\d+ %s!~(?!reg@)" % nick, name + " registering", 20)
        cid = re.search(r"#(\d+)", line).group(1)
        srv.expect_log(r"connect #%s from 127\.0\.0\.1 port \d+ over TLS" % cid,
                       name + "'s connection on the TLS port")
        srv.expect_log(r"TLS #%s from 127\.0\.0\.1: TLSv1\.[23]" % cid, name + "'s handshake")
        mech = "EXTERNAL" if name == "catgirl" else "PLAIN"
        srv.expect_log(r"login #%s \S+ as %s by SASL %s" % (cid, nick, mech),
                       name + " logging in with SASL " + mech)
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
