#!/usr/bin/env python3
"""slowloris.py - a slow client for http-hostile.sh: from each of several
loopback addresses, many connections to PORT that trickle one header line
every TICK seconds and never finish the request; one the server closes is
opened again at once.  After SECONDS all are closed and the counts are
printed as JSON: opened, closed (by the server), refused (connect failed).
"ready" goes to the file READY once the first round is open.

    slowloris.py PORT ADDRESSES PER_ADDRESS SECONDS TICK READY
"""

import json
import select
import socket
import sys
import time


def main():
    port = int(sys.argv[1])
    addrs = sys.argv[2].split(",")
    per = int(sys.argv[3])
    seconds = float(sys.argv[4])
    tick = float(sys.argv[5])
    ready = sys.argv[6]
    stats = {"opened": 0, "closed": 0, "refused": 0}
    socks = {}

    def open_one(addr):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.bind((addr, 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            stats["refused"] += 1
            s.close()
            return
        s.setblocking(False)
        socks[s] = addr
        stats["opened"] += 1

    for a in addrs:
        for _ in range(per):
            open_one(a)
    with open(ready, "w") as f:
        f.write("ready\n")
    end = time.monotonic() + seconds
    next_tick = time.monotonic() + tick
    pending = []
    n = 0
    while time.monotonic() < end:
        wait = max(0.0, next_tick - time.monotonic())
        r, _, _ = select.select(list(socks), [], [], wait)
        for s in r:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data == b"":
                pending.append(socks.pop(s))
                s.close()
                stats["closed"] += 1
        if time.monotonic() < next_tick:
            continue
        next_tick += tick
        n += 1
        for s in list(socks):
            try:
                s.send(b"X-Slow-%d: %d\r\n" % (n, n))
            except OSError:
                pending.append(socks.pop(s))
                s.close()
                stats["closed"] += 1
        # a slow client comes back, once a tick
        for addr in pending:
            open_one(addr)
        pending = []
    for s in socks:
        s.close()
    print(json.dumps(stats))


main()
