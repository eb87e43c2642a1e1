#!/usr/bin/env python3
"""End-to-end test of `lanchatd --dashboard` in a private tmux server.

Starts the real server on -p 0 inside a fixed-size tmux window, connects an IRC client and a
plain-text client over loopback, and checks what the screen shows: both rows with nicks, modes
and counters that grow; a closed row with its (sanitised) reason; the detail view with the wire
trace; a resize; `k` + `y` disconnecting a client (which reads ERROR); `q` asking first, `n`
keeping the server up, then `q` + `y` stopping it with exit status 0. Every wait polls with a deadline; nothing sleeps as synchronisation.
Exits 77 (skipped) when tmux is not installed.

usage: dash_tmux.py PATH/TO/lanchatd
"""
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

DEADLINE_S = 15.0  # any single expectation
POLL_S = 0.05      # between two looks at the screen or a file
WIDTH, HEIGHT = 200, 50


class Fail(Exception):
    pass


def wait_for(what, fn, timeout=DEADLINE_S):
    """Polls fn until it returns something truthy; fails with `what` at the deadline."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        last = fn()
        if last:
            return last
        time.sleep(POLL_S)
    raise Fail("timed out waiting for " + what)


class Tmux:
    def __init__(self, sock):
        self.sock = sock

    def run(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args),
                              check=check, capture_output=True, text=True, timeout=10)

    def screen(self):
        r = self.run("capture-pane", "-p", "-t", "dash", check=False)
        return r.stdout if r.returncode == 0 else ""

    def keys(self, *keys):
        self.run("send-keys", "-t", "dash", *keys)


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
        self.sock.settimeout(POLL_S)
        self.buf = b""
        self.lines = []

    def send(self, text):
        self.sock.sendall(text.encode() if isinstance(text, str) else text)

    def pump(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        except OSError:
            data = b""
        if not data:
            self.eof = True
            return
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.lines.append(line.rstrip(b"\r").decode("utf-8", "replace"))

    def expect(self, what, pred):
        def look():
            self.pump()
            for ln in self.lines:
                if pred(ln):
                    return ln
            return None
        return wait_for(what, look)

    def count(self, pred):
        self.pump()
        return sum(1 for ln in self.lines if pred(ln))

    def close(self):
        self.sock.close()


def table(screen):
    """Rows of the connections table as dicts keyed by column title."""
    lines = screen.split("\n")
    for i, ln in enumerate(lines):
        if re.match(r"^\s*ID\S*(\s+[A-Z][A-Z-]*\S*)+\s*$", ln):
            titles = [t.rstrip("\u25be*") for t in ln.split()]
            rows = []
            for row in lines[i + 1:]:
                if not re.match(r"^\s*\d+\s", row):
                    break
                cells = row.split()
                n = len(titles) - 1
                d = dict(zip(titles[:n], cells[:n]))
                d[titles[n]] = " ".join(cells[n:])
                rows.append(d)
            return rows
    return []


def row_for(screen, nick):
    for r in table(screen):
        if r.get("NICK") == nick:
            return r
    return None


def num(cell):
    """A counter cell back to a number (12.3k -> 12300)."""
    m = re.match(r"^([\d.]+)([kM]?)$", cell)
    if not m:
        raise Fail("not a counter: %r" % cell)
    return float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6}[m.group(2)]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    server = os.path.abspath(sys.argv[1])
    if shutil.which("tmux") is None:
        print("tmux not installed: skipped")
        return 77

    tmp = tempfile.mkdtemp(prefix="lanchat-dash.")
    errlog = os.path.join(tmp, "stderr")
    rcfile = os.path.join(tmp, "rc")
    tmux = Tmux("lcdash%d" % os.getpid())
    # stderr goes to a file: its "listening on" line is the readiness signal and gives the
    # port; the screen (stdout) is the dashboard.
    cmd = ("env LANG=C.UTF-8 LC_ALL=C.UTF-8 '%s' --dashboard -p 0 -b 127.0.0.1 --no-beacon "
           "--flood 0 --state-dir '%s/state' 2>'%s'; echo $? >'%s.tmp' && mv '%s.tmp' '%s'"
           % (server, tmp, errlog, rcfile, rcfile, rcfile))
    clients = []
    try:
        tmux.run("new-session", "-d", "-s", "dash", "-x", str(WIDTH), "-y", str(HEIGHT),
                 "sh", "-c", cmd)
        tmux.run("set-option", "-t", "dash", "remain-on-exit", "on", check=False)

        def port_from_log():
            try:
                with open(errlog) as f:
                    m = re.search(r"listening on \S*:(\d+)", f.read())
                    return m and int(m.group(1))
            except FileNotFoundError:
                return None
        port = wait_for("the listening line on stderr", port_from_log)
        wait_for("the header to show 127.0.0.1:%d" % port,
                 lambda: "listening on 127.0.0.1:%d" % port in tmux.screen())

        irc = Client(port)
        clients.append(irc)
        irc.send("NICK dashirc\r\nUSER d 0 * :Dash Test\r\nJOIN #lan\r\n")
        irc.expect("001 for dashirc", lambda l: " 001 dashirc " in l)
        irc.expect("JOIN echo", lambda l: "JOIN" in l and "#lan" in l)

        # The plain client's first line is a message, with escapes the screen must not obey.
        plain = Client(port)
        clients.append(plain)
        plain.send("hello there\r\n")
        seen = irc.expect("the plain user's first line", lambda l: "PRIVMSG #lan :hello" in l)
        guest = re.match(r"^:([^!]+)!", seen).group(1)

        def both_rows():
            s = tmux.screen()
            a, b = row_for(s, "dashirc"), row_for(s, guest)
            return a and b and (a, b)
        a, b = wait_for("rows for dashirc and %s" % guest, both_rows)
        # Both have just spoken: hot, polled every pass; the pass rate is shown beside them.
        wait_for("the header to count 2 hot and 0 cold connections and show passes/s",
                 lambda: re.search(r"clients 2 now \(2 hot, 0 cold\).*passes \S+/s",
                                   tmux.screen()))
        if a["MODE"] != "irc" or b["MODE"] != "plain":
            raise Fail("modes: %r %r" % (a, b))
        if a["CHANNELS"] != "#lan" or b["CHANNELS"] != "#lan":
            raise Fail("channels: %r %r" % (a, b))

        # A TLS client is marked in the table; the header names the certificate.
        log = open(errlog).read()
        tls_port = int(re.search(r" and TLS \S*:(\d+)", log).group(1))
        fp = re.search(r"certificate SHA256:([0-9a-f]{64})", log).group(1)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        sec = Client.__new__(Client)
        sec.sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", tls_port),
                                                           timeout=DEADLINE_S))
        sec.sock.settimeout(POLL_S)
        sec.buf, sec.lines = b"", []
        clients.append(sec)
        sec.send("NICK dashtls\r\nUSER t 0 * :TLS\r\n")
        sec.expect("001 for dashtls", lambda l: " 001 dashtls " in l)
        r = wait_for("a row for dashtls", lambda: row_for(tmux.screen(), "dashtls"))
        if r["MODE"] != "irc+tls":
            raise Fail("TLS row: %r" % r)
        # The first member of a channel is its operator, marked as IRC clients mark it.
        sec.send("JOIN #ops\r\n")
        sec.expect("JOIN #ops echo", lambda l: "JOIN" in l and "#ops" in l)
        wait_for("dashtls marked as operator of #ops",
                 lambda: (row_for(tmux.screen(), "dashtls") or {}).get("CHANNELS") == "@#ops")
        wait_for("the certificate in the header",
                 lambda: "TLS on port %d" % tls_port in tmux.screen() and
                 ("SHA256:" + fp[:20]) in tmux.screen())

        # The trace keeps only the last few lines: this one comes after the plain user's MOTD.
        plain.send("again \x1b[2J\x1b]0;pwned\x07 there\r\n")
        irc.expect("the plain user's second line", lambda l: "PRIVMSG #lan :again" in l)

        # A password for NickServ: its answer says the line was handled.
        irc.send("PRIVMSG NickServ :IDENTIFY dashirc hunter2\r\n")
        irc.expect("NickServ's answer", lambda l: l.startswith(":NickServ!"))

        # Detail view of the selected (first, by id) connection: its wire lines, as sent,
        # but never the password.
        tmux.keys("Home", "Enter")
        det = wait_for("the detail view of dashirc",
                       lambda: re.search(r"Connection #\d+\s+dashirc\s+\(irc, online\)",
                                         tmux.screen())
                       and "< PRIVMSG NickServ :IDENTIFY ***" in tmux.screen() and tmux.screen())
        if "hunter2" in det:
            raise Fail("a password in the trace:\n" + det)
        tmux.keys("Down")
        # A redraw reaches tmux in pieces: wait for the whole line, then look at that screen.
        def detail():
            s = tmux.screen()
            return ("Connection #" in s and guest in s
                    and ("< again ^[[2J^[]0;pwned^G there" in s or "\x1b" in s) and s)
        det = wait_for("the detail view of %s with its sanitised trace" % guest, detail)
        if "\x1b" in det:
            raise Fail("trace not sanitised:\n" + det)
        tmux.keys("Escape")
        a, b = wait_for("the table again with both rows", both_rows)
        lin0, plain_out0 = num(a["L-IN"]), num(b["L-OUT"])
        for i in range(5):
            irc.send("PRIVMSG #lan :counting %d\r\n" % i)
        wait_for("5 lines at the plain client",
                 lambda: plain.count(lambda l: "counting" in l) >= 5)

        def grown():
            s = tmux.screen()
            a, b = row_for(s, "dashirc"), row_for(s, guest)
            return (a and b and num(a["L-IN"]) >= lin0 + 5
                    and num(b["L-OUT"]) >= plain_out0 + 5)
        wait_for("L-IN of dashirc and L-OUT of %s to grow by 5" % guest, grown)
        # The rate shown is the last one-second sample: a burst long gone reads 0.0, so keep
        # lines coming while looking (the server runs with --flood 0).
        def rate_shown():
            irc.send("PRIVMSG #lan :keeping the rate up\r\n")
            return re.search(r"in\s+[1-9][\d.]*k? msg/s", tmux.screen())
        wait_for("a message rate in the header", rate_shown)
        # The store's line: the channel's lines were committed, none failed.
        wait_for("the store's commits in the header",
                 lambda: re.search(r"store\s+commits [1-9]\d*\s.*errors 0", tmux.screen()))

        # s moves the sort to the next column (marked in the header), S back again.
        tmux.keys("s")
        wait_for("the table sorted by address",
                 lambda: re.search(r"ADDRESS\u25be", tmux.screen())
                 and "s sort (ADDRESS)" in tmux.screen())
        tmux.keys("S")
        wait_for("the table sorted by id again", lambda: re.search(r"ID\u25be", tmux.screen()))

        # Silent past COLD_AFTER_MS (5 s) with nothing to send, all three become cold.
        wait_for("the header to count every connection cold",
                 lambda: "clients 3 now (0 hot, 3 cold)" in tmux.screen())

        # A client leaves: its row lingers, closed, with its reason made inert.
        plain.send("/quit so long\x1b[31m red\r\n")
        wait_for("%s closed with its reason" % guest,
                 lambda: (row_for(tmux.screen(), guest) or {}).get("STATE") == "closed"
                 and "Quit: so long^[[31m red" in row_for(tmux.screen(), guest)["CHANNELS"])
        irc.expect("the QUIT relay", lambda l: "QUIT" in l and "so long" in l)

        # Narrow and short: the table keeps ID, NICK and MODE and never wraps.
        tmux.run("resize-window", "-t", "dash", "-x", "60", "-y", "16")

        def narrow():
            s = tmux.screen()
            lines = s.split("\n")
            return (row_for(s, "dashirc") and all(len(ln) <= 60 for ln in lines)
                    and "listening on" in lines[0] and "ADDRESS" not in s and s)
        wait_for("the table redrawn 60 columns wide", narrow)
        tmux.run("resize-window", "-t", "dash", "-x", str(WIDTH), "-y", str(HEIGHT))
        wait_for("the full table again",
                 lambda: "B-OUT" in tmux.screen() and row_for(tmux.screen(), "dashirc"))

        # k asks first; y disconnects the selected client, which is told why.
        tmux.keys("Home", "k")
        wait_for("the confirmation prompt",
                 lambda: re.search(r"Disconnect #\d+ dashirc from 127\.0\.0\.1 port \d+\? \(y/n\)",
                                   tmux.screen()))
        tmux.keys("y")
        irc.expect("ERROR at the disconnected client",
                   lambda l: l.startswith("ERROR :Closing link:") and "operator" in l)
        wait_for("dashirc closed by the operator",
                 lambda: (row_for(tmux.screen(), "dashirc") or {}).get("STATE") == "closed"
                 and "Disconnected by the operator"
                 in row_for(tmux.screen(), "dashirc")["CHANNELS"])
        wait_for("the operator's action in the event log",
                 lambda: "operator disconnected" in tmux.screen())

        # q stops the server the way SIGTERM does: clients hear it, exit status 0.
        last = Client(port)
        clients.append(last)
        last.expect("the welcome", lambda l: "Welcome" in l)
        # q asks first, as k does: any key but y keeps the server running for everyone.
        tmux.keys("q")
        wait_for("the stop confirmation prompt",
                 lambda: re.search(r"Stop the server and disconnect all \d+ connections?\? "
                                   r"\(y/n\)", tmux.screen()))
        tmux.keys("n")
        wait_for("the refusal in the status line", lambda: "Not stopped" in tmux.screen())
        probe = Client(port)
        clients.append(probe)
        probe.expect("a welcome after the refused stop", lambda l: "Welcome" in l)
        if last.count(lambda l: "shutting down" in l.lower()):
            raise Fail("q followed by n stopped the server")
        tmux.keys("q")
        wait_for("the stop confirmation prompt again",
                 lambda: "Stop the server and disconnect all" in tmux.screen())
        tmux.keys("y")
        last.expect("the shutdown notice", lambda l: "shutting down" in l.lower())

        def exit_code():
            try:
                with open(rcfile) as f:
                    return f.read().strip() or None
            except FileNotFoundError:
                return None
        rc = wait_for("lanchatd to exit", exit_code)
        if rc != "0":
            raise Fail("lanchatd exited with %s; stderr:\n%s" % (rc, open(errlog).read()))
        print("ok: dashboard end-to-end on port %d" % port)
        return 0
    except Fail as e:
        print("FAIL: %s\n--- screen ---\n%s" % (e, tmux.screen()), file=sys.stderr)
        try:
            print("--- stderr ---\n" + open(errlog).read(), file=sys.stderr)
        except OSError:
            pass
        return 1
    finally:
        for c in clients:
            c.close()
        tmux.run("kill-server", check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
