#!/usr/bin/env python3
# Captures seed corpora for fuzz_client and fuzz_lan from a real lanchatd on loopback: the
# bytes an IRC client receives while two users chat, the same interleaved with typed keys,
# resizes and clock steps, and the beacons the server sends on a UDP port of its own.
# usage: capture_seeds.py LANCHATD CLIENT_CORPUS_DIR LAN_CORPUS_DIR
# (A one-off tool, not a test: its pauses only let the server relay before it reads.)
import os, socket, subprocess, sys, time, re
lanchatd, outdir_c, outdir_l = sys.argv[1], sys.argv[2], sys.argv[3]
# A beacon port of our own, on loopback broadcast only.
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
u.bind(("", 0)); bport = u.getsockname()[1]
p = subprocess.Popen([lanchatd, "-b", "127.0.0.1", "-p", "0", "-n", "lanbox",
                      "--beacon-addr", "127.255.255.255", "--beacon-port", str(bport)],
                     stderr=subprocess.PIPE)
line = p.stderr.readline().decode()
port = int(re.search(r"listening on [^ ]*:(\d+)", line).group(1))
def conn():
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(0.5); return s
def drain(s, t=0.6):
    out = b""; end = time.time() + t
    while time.time() < end:
        try:
            d = s.recv(65536)
            if not d: break
            out += d
        except socket.timeout:
            pass
    return out
a, b = conn(), conn()
a.sendall(b"CAP LS 302\r\nNICK alice\r\nUSER alice 0 * :Alice\r\nCAP REQ :server-time echo-message\r\nCAP END\r\n")
b.sendall(b"NICK bob\r\nUSER bob 0 * :Bob\r\n")
time.sleep(0.3)
a.sendall(b"JOIN #lan\r\n"); b.sendall(b"JOIN #lan,#dev\r\n")
time.sleep(0.3)
b.sendall(b"PRIVMSG #lan :morning all, \xe4\xb8\x96\xe7\x95\x8c says hi\r\nPRIVMSG #lan :\x01ACTION waves\x01\r\n"
          b"TOPIC #lan :Friday demo at 4pm\r\nPRIVMSG alice :\x01VERSION\x01\r\nPRIVMSG alice :\x01PING 123\x01\r\n"
          b"PRIVMSG alice :private hello\r\nNICK bobby\r\nAWAY :lunch\r\nPRIVMSG #lan :\x1b[2Jescape \xff\xfe bad\r\n")
a.sendall(b"WHO #lan\r\nWHOIS bobby\r\nLIST\r\nNAMES #lan\r\nPRIVMSG #lan :hi bobby\r\nPING :lanchat-lag\r\nMODE #lan\r\nJOIN #dev\r\nPART #dev :bye\r\n")
time.sleep(0.3)
b.sendall(b"QUIT :gone home\r\n")
got = drain(a, 1.0)
beacons = []
u.settimeout(0.2)
# A lanchat-style user beacon makes the server answer at once.
u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
u.sendto(b"LANCHAT/1 user id=91aa03c4e2f05b10 seq=1 nick=alice status=available idle=0 server=-", ("127.255.255.255", bport))
end = time.time() + 7
while time.time() < end and len(beacons) < 4:
    try:
        d, src = u.recvfrom(2048)
        beacons.append(d)
    except socket.timeout:
        pass
p.terminate(); p.wait()
try:
    while True:
        d, src = u.recvfrom(2048); beacons.append(d)
except Exception:
    pass
lines = [l for l in got.split(b"\n") if l]
open(os.path.join(outdir_c, "session_irc"), "wb").write(b"\n".join(lines) + b"\n")
# The same session with the user typing: keys (0x01), resizes (0x02), time (0x03).
keys = [b"\x01hi all\r", b"\x01/join dev\r", b"\x01/msg bob\tsecret\r", b"\x01b\t\t\r",
        b"\x01/whois bo\t\r", b"\x01/me waves\r", b"\x01/topic new\x01\x0bdemo\r",
        b"\x01/join " + b"a" * 60 + b"\r", b"\x01/nick caz\r", b"\x01\x09\x09/wire\r",
        b"\x01/part\r", b"\x01/quit bye\r"]
mixed = []
for i, l in enumerate(lines):
    mixed.append(l)
    if i % 6 == 5 and keys:
        mixed.append(keys.pop(0))
    if i % 9 == 8:
        mixed.append(bytes([2, (i * 7) % 64, (i * 13) % 220, i % 8]))
    if i % 11 == 10:
        mixed.append(b"\x03\x1e")
mixed += keys + [b"\x03\x3cl", b"\x03\x05c"] + lines[:5]
open(os.path.join(outdir_c, "session_typed"), "wb").write(b"\n".join(mixed) + b"\n")
open(os.path.join(outdir_c, "keys_only"), "wb").write(b"\n".join(keys_all for keys_all in [
    b"\x01/join #lan\r", b"\x01/help\r", b"\x01\x02\x03\x04\x05\x06\x07\x08text\r", b"\x02\x05\x14\x07",
    b"\x01/connect [::1]:7000\r", b"\x01/raw PRIVMSG #lan :" + b"x" * 600 + b"\r"]) + b"\n")
# LAN: real server beacons from several addresses (first byte), clock steps (second).
real = [d for d in beacons if d.startswith(b"LANCHAT/1 server")]
bye = [d for d in beacons if d.startswith(b"LANCHAT/1 bye")]
out = []
for i, d in enumerate(real * 3):
    out.append(bytes([0, 30]) + d)
    out.append(bytes([0x12 + i, 1]) + re.sub(rb"seq=\d+", b"seq=18446744073709551615", d))
out.append(bytes([0xff, 1, 4, 0, 20, 80]))
out += [bytes([0x21, 2]) + d for d in bye] + [bytes([0, 2]) + d for d in bye]
open(os.path.join(outdir_l, "real_and_rogue"), "wb").write(b"\n".join(out) + b"\n")
flood = [bytes([0, 1]) + real[0]] if real else []
for i in range(1, 255):
    flood.append(bytes([i, 0]) + b"LANCHAT/1 server id=%016x seq=1 name=flood%d port=6667 users=0 max=10 uptime=1 ver=0.1.0" % (i, i))
flood.append(bytes([0xff, 1, 1, 4, 30, 100]))
open(os.path.join(outdir_l, "flood"), "wb").write(b"\n".join(flood) + b"\n")
people = [bytes([i, 3]) + b"LANCHAT/1 user id=%016x seq=%d nick=u%d status=%s idle=%d server=%s" % (
    0x500 + i, i, i, [b"available", b"away", b"idle"][i % 3], i * 10,
    (real[0].split(b"id=")[1].split(b" ")[0] if real else b"-")) for i in range(1, 20)]
open(os.path.join(outdir_l, "people"), "wb").write(b"\n".join(([bytes([0, 1]) + real[0]] if real else []) + people) + b"\n")
print(len(lines), "server lines;", len(beacons), "beacons")
