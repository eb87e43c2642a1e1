"""Shared pieces of the TLS tests: a real lanchatd with its own state directory, and line
clients over plain TCP or TLS (Python's ssl module, OpenSSL underneath). Every wait has a
deadline; nothing sleeps to synchronise."""
import os
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

DEADLINE = 10.0  # seconds for any single expectation


class Fail(Exception):
    pass


def fail(msg):
    raise Fail(msg)


def wait_for(cond, what, deadline=DEADLINE, step=0.05):
    """Polls cond() until it returns something true; fails after deadline seconds."""
    end = time.monotonic() + deadline
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            fail("timed out waiting for " + what)
        time.sleep(step)


class Server:
    """lanchatd -p 0 -b 127.0.0.1 -n irc.test --no-beacon with extra flags; its stderr is
    collected into self.log."""

    def __init__(self, lanchatd, work, extra=(), state_dir=None, expect_start=True):
        self.state_dir = state_dir or os.path.join(work, "state")
        args = [lanchatd, "-p", "0", "-b", "127.0.0.1", "-n", "irc.test", "--no-beacon",
                "--state-dir", self.state_dir, *extra]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.log = ""
        self.plain_port = self.tls_port = None
        self.fp = None
        if not expect_start:
            return
        line = self.expect_log(r"listening on [^\n]*\n", "the start-up line")
        m = re.search(r"listening on (\S+):(\d+)", line)
        if " and TLS " in line:
            self.plain_port = int(m.group(2))
            self.tls_port = int(re.search(r" and TLS \S+:(\d+)", line).group(1))
        elif "(TLS only" in line:
            self.tls_port = int(m.group(2))
        else:
            self.plain_port = int(m.group(2))
        f = re.search(r"certificate SHA256:([0-9a-f]{64})", line)
        self.fp = f.group(1) if f else None

    def drain(self, timeout=0.0):
        if self.proc.stderr is None:
            return False
        r = select.select([self.proc.stderr], [], [], timeout)[0]
        if not r:
            return False
        chunk = os.read(self.proc.stderr.fileno(), 65536)
        if not chunk:
            return False
        self.log += chunk.decode("utf-8", "replace")
        return True

    def expect_log(self, pattern, what, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while True:
            m = re.search(pattern, self.log)
            if m:
                return m.group(0)
            left = end - time.monotonic()
            if left <= 0:
                fail("lanchatd never logged %s (/%s/); log:\n%s" % (what, pattern, self.log))
            if not self.drain(min(left, 0.2)) and self.proc.poll() is not None:
                self.drain()
                if not re.search(pattern, self.log):
                    fail("lanchatd exited (%s) before %s; log:\n%s"
                         % (self.proc.returncode, what, self.log))

    def wait_exit(self, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while self.proc.poll() is None:
            if time.monotonic() > end:
                fail("lanchatd did not exit; log:\n" + self.log)
            self.drain(0.1)
        while self.drain():
            pass
        return self.proc.returncode

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            rc = self.wait_exit()
            if rc != 0:
                fail("lanchatd exited with %d; log:\n%s" % (rc, self.log))

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def client_context(cert=None, key=None):
    """A TLS client context that pins nothing (the tests compare fingerprints themselves)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


class Client:
    """A line client on 127.0.0.1:port, over TLS when ctx is given, from the address source
    (another loopback address, as another machine would be) when given."""

    def __init__(self, port, ctx=None, source=None):
        raw = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE,
                                       source_address=(source, 0) if source else None)
        self.sock = ctx.wrap_socket(raw) if ctx else raw
        self.buf = b""
        self.seen = []

    def peer_fp(self):
        import hashlib
        return hashlib.sha256(self.sock.getpeercert(binary_form=True)).hexdigest()

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def next_line(self, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()
            if left <= 0 or (not pending and not select.select([self.sock], [], [], left)[0]):
                return None
            try:
                data = self.sock.recv(65536)
            except (ConnectionError, ssl.SSLError):
                data = b""
            if not data:
                return None
            self.buf += data
        raw, self.buf = self.buf.split(b"\n", 1)
        line = raw.rstrip(b"\r").decode("utf-8", "replace")
        self.seen.append(line)
        return line

    def expect(self, pattern, what, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while True:
            line = self.next_line(max(0.0, end - time.monotonic()))
            if line is None:
                fail("never got %s (/%s/); last lines:\n  %s"
                     % (what, pattern, "\n  ".join(self.seen[-20:])))
            if re.search(pattern, line):
                return line

    def register(self, nick):
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        self.expect(r"^:irc\.test 001 %s " % nick, "001 for " + nick)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def closed_within(sock, deadline):
    """True if the peer closes sock (EOF or reset) within deadline seconds."""
    end = time.monotonic() + deadline
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return False
        if select.select([sock], [], [], left)[0]:
            try:
                if not sock.recv(65536):
                    return True
            except (ConnectionError, OSError):
                return True


def workdir(name):
    return tempfile.mkdtemp(prefix="lanchat-%s." % name)


def cleanup(work, *servers):
    for s in servers:
        if s is not None:
            s.kill()
    shutil.rmtree(work, ignore_errors=True)
