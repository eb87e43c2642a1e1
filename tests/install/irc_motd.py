#!/usr/bin/env python3
"""Registers on a lanchatd at 127.0.0.1:PORT and prints the MOTD it sends, one line each,
or "422" when it has none. Every read has a deadline.

usage: irc_motd.py PORT
"""
import socket
import sys
import time

DEADLINE_S = 10.0


def main():
    port = int(sys.argv[1])
    s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
    s.sendall(b"NICK probe\r\nUSER probe 0 * :probe\r\n")
    buf, end, motd = b"", time.monotonic() + DEADLINE_S, []
    while time.monotonic() < end:
        data = s.recv(4096)
        if not data:
            break
        buf += data
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            parts = line.decode("utf-8", "replace").split(" ", 3)
            if len(parts) < 2:
                continue
            if parts[1] == "372":
                motd.append(parts[3].split(":- ", 1)[-1])
            elif parts[1] == "376":
                print("\n".join(motd))
                return 0
            elif parts[1] == "422":
                print("422")
                return 0
    print("no end of MOTD", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
