"""lanchatd over TLS, through real sockets: chat between a TLS IRC user, a plain-TCP plain
user and openssl s_client as a plain user; fingerprints; client certificates in WHOIS;
garbage and stalled handshakes; protocol versions; start-up errors; the key made once and
reused; an admin's own certificate; OPER only inside TLS from another address.

usage: test_tls_server.py LANCHATD SOURCE_DIR"""
import hashlib
import os
import re
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tlslib import (DEADLINE, Client, Fail, Server, cleanup, client_context,  # noqa: E402
                    closed_within, fail, workdir)

LANCHATD, SRC = sys.argv[1], sys.argv[2]
warnings.simplefilter("ignore", DeprecationWarning)  # asking for TLS 1.1 on purpose


def limit(name):
    with open(os.path.join(SRC, "common", "limits.h")) as f:
        m = re.search(r"\b%s = (\d+)" % name, f.read())
    return int(m.group(1))


HANDSHAKE_MS = limit("TLS_HANDSHAKE_TIMEOUT_MS")


def make_pair(work, name):
    cert, key = os.path.join(work, name + ".crt"), os.path.join(work, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name, "-days", "2",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    os.chmod(key, 0o600)
    with open(cert) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    return cert, key, hashlib.sha256(der).hexdigest()


def test_chat_and_fingerprints(work):
    srv = Server(LANCHATD, work)
    try:
        if not srv.fp or not srv.tls_port or not srv.plain_port:
            fail("start-up line lacks a listener or the fingerprint: " + srv.log)
        cert, key, cfp = make_pair(work, "alice")
        alice = Client(srv.tls_port, client_context(cert, key))
        if alice.peer_fp() != srv.fp:
            fail("certificate %s is not the one the start-up line names (%s)"
                 % (alice.peer_fp(), srv.fp))
        # The greeting is the first line after the handshake.
        first = alice.next_line()
        if first is None or "NOTICE * :*** Welcome to irc.test" not in first:
            fail("first line over TLS is not the greeting: %r" % first)
        alice.register("alice")
        alice.send("JOIN #lan")
        alice.expect(r" 366 alice #lan ", "alice's NAMES")

        plain = Client(srv.plain_port)
        plain.expect(r"Welcome to irc\.test", "the plain greeting")
        plain.send("hello from plain tcp")
        alice.expect(r"^:guest\d+!~plain@127\.0\.0\.1 PRIVMSG #lan :hello from plain tcp$",
                     "the plain user's line, over TLS")
        alice.send("PRIVMSG #lan :hi plain, from tls")
        plain.expect(r"<alice> hi plain, from tls", "alice's message in plain text")

        # Her certificate's fingerprint is kept: 276 to herself, 671 to everyone.
        alice.send("WHOIS alice")
        alice.expect(r" 671 alice alice :is using a secure connection", "671")
        alice.expect(r" 276 alice alice :has client certificate fingerprint %s$" % cfp, "276")
        bob = Client(srv.tls_port, client_context())
        bob.register("bob")
        bob.send("WHOIS alice")
        bob.expect(r" 671 bob alice ", "671 for another user")
        line = bob.expect(r" (276|318) bob alice ", "end of WHOIS")
        if " 276 " in line:
            fail("another user saw alice's certificate fingerprint: " + line)
        srv.expect_log(r"TLS #\d+ from 127\.0\.0\.1: TLSv1\.[23], client certificate "
                       r"SHA256:" + cfp, "the handshake log line")
        srv.stop()
    finally:
        srv.kill()


def test_s_client_plain_user(work):
    srv = Server(LANCHATD, work)
    sc = None
    try:
        irc = Client(srv.tls_port, client_context())
        irc.register("watcher")
        irc.send("JOIN #lan")
        irc.expect(r" 366 watcher #lan ", "NAMES")
        sc = subprocess.Popen(["openssl", "s_client", "-quiet", "-connect",
                               "127.0.0.1:%d" % srv.tls_port], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        out = Client.__new__(Client)
        out.sock, out.buf, out.seen = None, b"", []

        def read_sc(pattern, what):
            end = time.monotonic() + DEADLINE
            import select
            while True:
                while b"\n" in out.buf:
                    raw, out.buf = out.buf.split(b"\n", 1)
                    line = raw.rstrip(b"\r").decode("utf-8", "replace")
                    out.seen.append(line)
                    if re.search(pattern, line):
                        return line
                left = end - time.monotonic()
                if left <= 0 or not select.select([sc.stdout], [], [], left)[0]:
                    fail("s_client never showed %s; it showed:\n  %s"
                         % (what, "\n  ".join(out.seen)))
                chunk = os.read(sc.stdout.fileno(), 65536)
                if not chunk:
                    fail("s_client ended before " + what)
                out.buf += chunk

        read_sc(r"Welcome to irc\.test", "the greeting")
        sc.stdin.write(b"hi from s_client\n")
        sc.stdin.flush()
        irc.expect(r"^:guest\d+!~plain@127\.0\.0\.1 PRIVMSG #lan :hi from s_client$",
                   "s_client's line as a plain user")
        irc.send("PRIVMSG #lan :welcome, s_client")
        read_sc(r"<watcher> welcome, s_client", "the IRC user's reply")
        sc.stdin.close()
        srv.stop()
    finally:
        if sc is not None and sc.poll() is None:
            sc.kill()
            sc.wait()
        srv.kill()


def test_garbage_handshakes(work):
    """A handshake fuzz smoke: random bytes after connect cost one slot briefly, nothing
    else; a TLS user chats on throughout."""
    srv = Server(LANCHATD, work)
    try:
        user = Client(srv.tls_port, client_context())
        user.register("steady")
        seeds = [os.urandom(n) for n in (1, 5, 16, 300, 2048, 16384)]
        # A record header that claims a large handshake and then lies.
        seeds.append(b"\x16\x03\x01\x40\x00" + os.urandom(200))
        seeds.append(b"NICK plain\r\nUSER on the wrong port\r\n")
        for i in range(60):
            s = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=DEADLINE)
            s.sendall(seeds[i % len(seeds)] if i < len(seeds) else os.urandom(1 + i * 37))
            data = seeds[i % len(seeds)]
            # A complete garbage record is refused at once; a short one waits for more
            # bytes and is ended by the handshake timeout, which test_stalled covers.
            if len(data) >= 5 and data[0] != 0x16:
                if not closed_within(s, DEADLINE):
                    fail("a garbage handshake (%r...) was not closed" % data[:8])
            s.close()
            if i % 10 == 0:
                user.send("PING :round%d" % i)
                user.expect(r"PONG .*round%d" % i, "PONG during the garbage")
        srv.expect_log(r"TLS handshake failed", "a failed handshake logged")
        if srv.proc.poll() is not None:
            fail("lanchatd died under garbage handshakes")
        srv.stop()
    finally:
        srv.kill()


def test_stalled_handshake(work):
    srv = Server(LANCHATD, work)
    try:
        user = Client(srv.tls_port, client_context())
        user.register("steady")
        silent = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=DEADLINE)
        # Half a ClientHello, then nothing.
        half = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=DEADLINE)
        half.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        start = time.monotonic()
        # The loop is not blocked by either: the user is served at once.
        user.send("PING :during-stall")
        user.expect(r"PONG .*during-stall", "PONG while two handshakes stall")
        if time.monotonic() - start > HANDSHAKE_MS / 2000:
            fail("a stalled handshake held up the loop")
        limit_s = HANDSHAKE_MS / 1000 + 3
        for s, what in ((silent, "a silent connection"), (half, "half a ClientHello")):
            if not closed_within(s, limit_s):
                fail("%s was not closed within %.0f s" % (what, limit_s))
        srv.expect_log(r"TLS handshake timeout", "the timeout logged")
        srv.stop()
    finally:
        srv.kill()


def test_versions(work):
    srv = Server(LANCHATD, work)
    try:
        for v in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            ctx = client_context()
            ctx.minimum_version = ctx.maximum_version = v
            c = Client(srv.tls_port, ctx)
            if c.sock.version() != v.name.replace("_", "."):
                fail("asked for %s, got %s" % (v.name, c.sock.version()))
            c.expect(r"Welcome to irc\.test", "the greeting over " + v.name)
            c.close()
        # TLS 1.1 is refused by the server (the client side is made willing to speak it).
        ctx = client_context()
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        try:
            c = Client(srv.tls_port, ctx)
            fail("a TLS 1.1 handshake succeeded (%s)" % c.sock.version())
        except ssl.SSLError:
            pass
        srv.expect_log(r"TLS handshake failed: .*unsupported protocol", "the refusal of 1.1")
        srv.stop()
    finally:
        srv.kill()


def test_key_made_once(work):
    state = os.path.join(work, "made", "deeper", "state")
    a = Server(LANCHATD, work, state_dir=state)
    a.stop()
    if not re.search(r"made a new TLS key and certificate in %s" % re.escape(state), a.log):
        fail("the first start did not say it made a key: " + a.log)
    for name, mode in (("key.pem", 0o600), ("cert.pem", 0o600)):
        got = stat.S_IMODE(os.stat(os.path.join(state, name)).st_mode)
        if got != mode:
            fail("%s has mode %o, not %o" % (name, got, mode))
    if stat.S_IMODE(os.stat(state).st_mode) != 0o700:
        fail("the state directory is not 0700")
    b = Server(LANCHATD, work, state_dir=state)
    b.stop()
    if a.fp != b.fp or "made a new" in b.log:
        fail("the second start did not reuse the key: %s vs %s" % (a.fp, b.fp))
    # The fingerprint is the certificate's, as openssl computes it.
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                          os.path.join(state, "cert.pem")], capture_output=True, text=True)
    if out.stdout.split("=", 1)[1].strip().replace(":", "").lower() != a.fp:
        fail("the start-up fingerprint is not the certificate's: " + out.stdout)


def test_startup_errors(work):
    state = os.path.join(work, "loose")
    a = Server(LANCHATD, work, state_dir=state)
    a.stop()
    os.chmod(os.path.join(state, "key.pem"), 0o644)
    b = Server(LANCHATD, work, state_dir=state, expect_start=False)
    if b.wait_exit() != 1 or "chmod 600" not in b.log or "listening on" in b.log:
        fail("a key readable by others did not stop the start: " + b.log)

    blocker = os.path.join(work, "afile")
    open(blocker, "w").close()
    c = Server(LANCHATD, work, state_dir=os.path.join(blocker, "state"), expect_start=False)
    if c.wait_exit() != 1 or "cannot create state directory" not in c.log:
        fail("an uncreatable state directory did not stop the start: " + c.log)

    for extra, what in ((["--tls-cert", blocker], "--tls-cert alone"),
                        (["--no-tls", "--no-plain"], "nothing to listen on")):
        d = Server(LANCHATD, work, extra=extra, expect_start=False)
        if d.wait_exit() != 2 or "usage:" not in d.log:
            fail("%s is not a usage error: %s" % (what, d.log))

    # A certificate and a key that do not belong together.
    cert, _, _ = make_pair(work, "one")
    _, key, _ = make_pair(work, "two")
    e = Server(LANCHATD, work, extra=["--tls-cert", cert, "--tls-key", key], expect_start=False)
    if e.wait_exit() != 1 or "listening on" in e.log:
        fail("a mismatched pair did not stop the start: " + e.log)


def test_admin_certificate_and_modes(work):
    cert, key, fp = make_pair(work, "lan.example")
    srv = Server(LANCHATD, work, extra=["--tls-cert", cert, "--tls-key", key, "--no-plain"])
    try:
        if srv.fp != fp or srv.plain_port is not None or "(TLS only" not in srv.log:
            fail("--tls-cert/--no-plain start-up line is wrong: " + srv.log)
        c = Client(srv.tls_port, client_context())
        if c.peer_fp() != fp:
            fail("the server did not present the given certificate")
        c.register("carol")
        srv.stop()
    finally:
        srv.kill()
    plain = Server(LANCHATD, work, extra=["--no-tls"])
    try:
        if plain.tls_port is not None or plain.fp is not None or "TLS" in plain.log:
            fail("--no-tls still mentions TLS: " + plain.log)
        plain.stop()
    finally:
        plain.kill()


def test_reload_certificate(work):
    """SIGHUP reads the certificate and key again: new connections get a renewed pair, the
    old ones keep theirs; a pair that cannot be used refuses the reload and the running
    certificate stays."""
    cert, key = os.path.join(work, "live.crt"), os.path.join(work, "live.key")
    a_cert, a_key, a_fp = make_pair(work, "first")
    b_cert, b_key, b_fp = make_pair(work, "second")
    shutil.copy(a_cert, cert)
    shutil.copy(a_key, key)
    os.chmod(key, 0o600)
    conf = os.path.join(work, "lanchatd.conf")
    with open(conf, "w") as f:
        f.write("tls-cert = %s\ntls-key = %s\n" % (cert, key))
    srv = Server(LANCHATD, work, extra=["--config", conf])
    try:
        if srv.fp != a_fp:
            fail("the start-up line names %s, not the configured %s" % (srv.fp, a_fp))
        old = Client(srv.tls_port, client_context())
        old.register("olduser")
        shutil.copy(b_cert, cert)
        shutil.copy(b_key, key)
        srv.proc.send_signal(signal.SIGHUP)
        srv.expect_log(r"reload: done", "the reload of a renewed pair")
        c = Client(srv.tls_port, client_context())
        if c.peer_fp() != b_fp:
            fail("after the reload a new connection got %s, not %s" % (c.peer_fp(), b_fp))
        c.close()
        # The connection made before the reload goes on.
        old.send("PING :still")
        old.expect(r"PONG .*still", "PONG on the connection from before the reload")
        with open(cert, "w") as f:
            f.write("not a certificate\n")
        srv.proc.send_signal(signal.SIGHUP)
        srv.expect_log(r"reload refused: TLS: [^\n]*the running certificate stays",
                       "the refusal of a bad certificate")
        d = Client(srv.tls_port, client_context())
        if d.peer_fp() != b_fp:
            fail("a refused reload changed the certificate to " + d.peer_fp())
        d.register("after")
        d.close()
        old.close()
        srv.stop()
    finally:
        srv.kill()


def test_oper_needs_tls_from_elsewhere(work):
    """An operator password crosses the network only inside TLS: OPER over plain text is
    refused from another address (127.0.0.2 plays another machine) and accepted over TLS."""
    made = subprocess.run([LANCHATD, "--hash-password"], input=b"rootpw\n",
                          capture_output=True, timeout=DEADLINE)
    if made.returncode != 0 or not made.stdout.startswith(b"$y$"):
        fail("--hash-password: %r" % (made,))
    srv = Server(LANCHATD, work, extra=["--oper", "root:" + made.stdout.decode().strip()])
    try:
        plain = Client(srv.plain_port, source="127.0.0.2")
        plain.register("far")
        plain.send("OPER root rootpw")
        plain.expect(r" 491 far :OPER is refused over plain text from another machine: "
                     r"reconnect with TLS \(port %d\)" % srv.tls_port, "491 over plain text")
        plain.send("MODE far")
        plain.expect(r" 221 far \+$", "no +o after the refusal")
        srv.expect_log(r"OPER refused on a plain connection from 127\.0\.0\.2", "the log line")
        tls = Client(srv.tls_port, client_context(), source="127.0.0.2")
        tls.register("secure")
        tls.send("OPER root rootpw")
        tls.expect(r" 381 secure :You are now an IRC operator", "381 over TLS")
        tls.expect(r"^:secure!~secure@127\.0\.0\.2 MODE secure :\+o$", "the +o")
        if "rootpw" in srv.log:
            fail("the password is in the log: " + srv.log)
        srv.stop()
    finally:
        srv.kill()


def main():
    tests = [test_chat_and_fingerprints, test_s_client_plain_user, test_garbage_handshakes,
             test_stalled_handshake, test_versions, test_key_made_once, test_startup_errors,
             test_admin_certificate_and_modes, test_reload_certificate,
             test_oper_needs_tls_from_elsewhere]
    only = os.environ.get("TLS_TEST")
    failed = 0
    for t in tests:
        if only and t.__name__ != only:
            continue
        work = workdir("tls")
        try:
            t(work)
            print("PASS", t.__name__)
        except Fail as e:
            failed += 1
            print("FAIL", t.__name__ + ":", e)
        finally:
            cleanup(work)
    sys.exit(1 if failed else 0)


main()
