#!/usr/bin/env python3
"""ipfix_check.py - what collectors made of ipgraph's IPFIX, against ipgraph.

  ipfix_check.py nfdump NFDUMP.json EDGES.csv
      nfdump -o json's flows equal the stored edges (ipgraph export csv):
      the same (window, addresses, ports, protocol) with the same packets
      and bytes, so the totals per address pair and protocol agree too.
  ipfix_check.py dump IPFIXDUMP.txt EDGES.csv WINDOWS.tsv
      ipfixDump's decoding of the messages: each message at most 1400
      bytes, sequence numbers equal to the data records sent before it in
      its observation domain, one edge record per stored edge and one
      options record per window carrying that window's frames, bytes,
      kernel and interface drops and overflow (WINDOWS.tsv: sqlite3 -tabs
      "start frames bytes cap_drop cap_ifdrop overflow").
  ipfix_check.py gen FILE N
      write an Ethernet pcap of N packets on about N/3 edges (IPv4 TCP and
      UDP, IPv6 UDP, ICMP) over 5 seconds: enough edges for many messages.
  ipfix_check.py ippairs CAPTURE [4]
      tshark's packets and IP-layer bytes (IPv4 total length, IPv6 payload
      length + 40: what NetFlow counts) per address pair ("src dst packets
      bytes"); 4: IPv4 only (NetFlow v5 carries nothing else).
  ipfix_check.py compare PAIRS EDGES.csv
      the stored packets and bytes per address pair equal PAIRS.
  ipfix_check.py union CENTRAL.csv SENSOR.csv...
      the central collector's edges (whatever their sensor names) equal
      the sum of the sensors' own, edge by edge in each window.
  ipfix_check.py bad PORT
      send malformed datagrams to 127.0.0.1:PORT (see collector.sh).
  ipfix_check.py recv PORT FILE
      append every UDP datagram to 127.0.0.1:PORT to FILE until killed.
Exit 0 when they agree, else 1 with what differs.
"""
import csv
import ipaddress
import json
import re
import random
import socket
import struct
import sys
import time
from collections import Counter
from datetime import datetime, timezone

PROTOS = {"icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50,
          "ah": 51, "icmpv6": 58, "ipv6-icmp": 58, "sctp": 132}


def iso_s(text):
    text = text.rstrip("Z").replace("T", " ")
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S"
    return int(datetime.strptime(text, fmt).replace(
        tzinfo=timezone.utc).timestamp())


def proto_num(p):
    return int(p) if p.isdigit() else PROTOS[p.lower()]


def edges_csv(path):
    out = Counter()
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            key = (iso_s(r["window_start"]),
                   str(ipaddress.ip_address(r["src"])), int(r["sport"]),
                   str(ipaddress.ip_address(r["dst"])), int(r["dport"]),
                   proto_num(r["proto"]))
            out[key + ("p",)] += int(r["packets"])
            out[key + ("b",)] += int(r["bytes"])
    return out


def compare(name_a, a, name_b, b):
    bad = [k for k in set(a) | set(b) if a[k] != b[k]]
    for k in sorted(bad, key=str)[:10]:
        print("%s: %s %d, %s %d" % (k, name_a, a[k], name_b, b[k]))
    return not bad


def nfdump(args):
    flows = json.load(open(args[0]))
    got = Counter()
    for f in flows:
        if f.get("type") != "FLOW":
            continue
        src = f.get("src4_addr") or f.get("src6_addr")
        dst = f.get("dst4_addr") or f.get("dst6_addr")
        # nfdump prints the time in the local zone: the tests run in UTC
        if f["proto"] in (1, 58):	# ipgraph keeps type and code as ports
            ports = (f.get("icmp_type", 0), f.get("icmp_code", 0))
        else:
            ports = (f["src_port"], f["dst_port"])
        key = (iso_s(f["first"]), str(ipaddress.ip_address(src)),
               ports[0], str(ipaddress.ip_address(dst)), ports[1],
               f["proto"])
        got[key + ("p",)] += f["in_packets"]
        got[key + ("b",)] += f["in_bytes"]
    want = edges_csv(args[1])
    if not want:
        print("no stored edge to compare")
        return 1
    if not compare("nfdump", got, "ipgraph", want):
        return 1
    pairs_a, pairs_b = Counter(), Counter()
    for src, m in ((got, pairs_a), (want, pairs_b)):
        for k, v in src.items():
            m[(k[1], k[3], k[5], k[6])] += v
    if not compare("nfdump", pairs_a, "ipgraph", pairs_b):
        return 1
    print("%d edges, %d address pairs and protocols agree" %
          (len(want) // 2, len(pairs_b) // 2))
    return 0


def dump(args):
    text = open(args[0]).read()
    msgs = text.split("--- Message Header ---")[1:]
    seq = {}
    edges = 0
    losses = {}
    ok = True
    for m in msgs:
        dom = int(re.search(r"observation domain id: (\d+)", m).group(1))
        length = int(re.search(r"message length: (\d+)", m).group(1))
        sn = int(re.search(r"sequence number: (\d+)", m).group(1))
        if length > 1400:
            print("message of %d bytes" % length)
            ok = False
        if sn != seq.get(dom, 0):
            print("domain %d: sequence number %d, expected %d" %
                  (dom, sn, seq.get(dom, 0)))
            ok = False
        recs = re.split(r"--- data record \d+ ---", m)[1:]
        seq[dom] = (seq.get(dom, 0) + len(recs)) % 2**32
        for r in recs:
            tid = int(re.search(r"tid:\s+(\d+)", r).group(1))
            if tid in (256, 257):
                edges += 1
                continue
            if tid != 258:
                print("a data record of template %d" % tid)
                ok = False
                continue
            vals = dict(re.findall(r"\(\d+\)(?: \(S\))?\s+(\w+) : (.*)", r))
            start = iso_s(vals["flowStartMilliseconds"].strip())
            losses[start] = tuple(int(vals[k]) for k in (
                "packetTotalCount", "octetTotalCount",
                "ignoredPacketTotalCount", "droppedPacketTotalCount",
                "notSentPacketTotalCount"))
    want_edges = sum(1 for _ in open(args[1])) - 1
    if edges != want_edges:
        print("%d edge records, %d stored edges" % (edges, want_edges))
        ok = False
    want = {}
    for line in open(args[2]):
        v = [int(x) for x in line.split()]
        want[v[0]] = tuple(v[1:])
    if losses != want:
        print("options records %s, windows %s" %
              (sorted(losses.items())[:5], sorted(want.items())[:5]))
        ok = False
    if ok:
        print("%d messages, %d edge records, %d window records agree" %
              (len(msgs), edges, len(losses)))
    return 0 if ok else 1


def gen(args):
    rnd = random.Random(17)
    n = int(args[1])
    t0 = 1700000000.0
    with open(args[0], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            e = rnd.randrange(max(1, n // 3))
            kind = e % 4
            sport, dport = 1024 + e % 50000, (53, 80, 443, 0)[kind]
            if kind == 2:
                src = bytes([0x20, 1, 0xd, 0xb8] + [0] * 10 + [e >> 8 & 255, e & 255])
                dst = bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [kind + 1])
                pay = b"x" * (e % 200)
                l4 = struct.pack(">HHHH", sport, dport, 8 + len(pay), 0) + pay
                ip = struct.pack(">IHBB", 0x60000000, len(l4), 17, 64) + src + dst + l4
                et = 0x86dd
            else:
                src = bytes([10, 1, e >> 8 & 255, e & 255])
                dst = bytes([192, 0, 2, 1 + kind])
                if kind == 0:
                    pay = b"y" * (e % 300)
                    l4 = struct.pack(">HHHH", sport, dport, 8 + len(pay), 0) + pay
                    pr = 17
                elif kind == 1:
                    l4 = struct.pack(">HHIIBBHHH", sport, dport, i, 0, 0x50,
                                     0x02 if i % 7 == 0 else 0x18, 1024, 0, 0)
                    l4 += b"z" * (e % 100)
                    pr = 6
                else:
                    l4 = struct.pack(">BBHHH", 8, 0, 0, e & 0xffff, i & 0xffff)
                    pr = 1
                ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), i & 0xffff,
                                 0, 64, pr, 0, src, dst) + l4
                et = 0x0800
            frame = b"\x02\0\0\0\0\1\x02\0\0\0\0\2" + struct.pack(">H", et) + ip
            t = t0 + 5.0 * i / n
            f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6),
                                len(frame), len(frame)) + frame)
    return 0


def ippairs(args):
    import subprocess
    out = subprocess.run(
        ["tshark", "-n", "-r", args[0], "-T", "fields", "-E", "separator=\t",
         "-E", "occurrence=f", "-e", "ip.src", "-e", "ip.dst", "-e", "ip.len",
         "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "ipv6.plen"],
        capture_output=True, text=True, check=True).stdout
    c = Counter()
    for line in out.splitlines():
        f = line.split("\t")
        if f[0]:
            key, b = (f[0], f[1]), int(f[2])
        elif len(args) < 2 and len(f) > 5 and f[3]:
            key, b = (f[3], f[4]), int(f[5]) + 40
        else:
            continue
        key = tuple(str(ipaddress.ip_address(a)) for a in key)
        c[key + ("p",)] += 1
        c[key + ("b",)] += b
    for k in sorted(c):
        if k[2] == "p":
            print(k[0], k[1], c[k], c[k[:2] + ("b",)])
    return 0


def compare_pairs(args):
    want = Counter()
    for line in open(args[0]):
        src, dst, p, b = line.split()
        want[(src, dst, "p")] += int(p)
        want[(src, dst, "b")] += int(b)
    got = Counter()
    with open(args[1], newline="") as f:
        for r in csv.DictReader(f):
            key = (str(ipaddress.ip_address(r["src"])),
                   str(ipaddress.ip_address(r["dst"])))
            got[key + ("p",)] += int(r["packets"])
            got[key + ("b",)] += int(r["bytes"])
    if not want:
        print("no pair to compare")
        return 1
    if not compare("ipgraph", got, "tshark", want):
        return 1
    print("%d address pairs agree" % (len(want) // 2))
    return 0


def union(args):
    got = edges_csv(args[0])
    want = Counter()
    for p in args[1:]:
        want.update(edges_csv(p))
    if not want:
        print("no sensor edge")
        return 1
    if not compare("central", got, "sensors", want):
        return 1
    print("%d edges of %d sensors agree" % (len(want) // 2, len(args) - 1))
    return 0


def bad(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dst = ("127.0.0.1", int(args[0]))

    def ipfix(sets, dom=7, length=None):
        body = b"".join(struct.pack(">HH", sid, len(b) + 4) + b
                        for sid, b in sets)
        n = 16 + len(body) if length is None else length
        return struct.pack(">HHIII", 10, n, 1700000000, 0, dom) + body
    tmpl = struct.pack(">HH", 300, 3) + struct.pack(">HHHHHH", 8, 4, 12, 4,
                                                    2, 4)
    rec = bytes([198, 51, 100, 1, 198, 51, 100, 2]) + struct.pack(">I", 5)
    sends = [
        b"\x00",                                     # truncated
        struct.pack(">HH", 10, 100),                 # header cut short
        struct.pack(">HHIII", 7, 16, 0, 0, 0),       # wrong version
        ipfix([(400, rec)]),                         # unknown template
        ipfix([(2, tmpl)], length=200),              # length past the end
        ipfix([(2, tmpl), (300, rec)]) [:-3],        # set past the message
        ipfix([(2, struct.pack(">HH", 300, 0))]),    # withdrawal
        ipfix([(300, rec)]),                         # ... then unknown
        ipfix([(2, struct.pack(">HH", 301, 70) + b"\0" * 280)]),  # 70 fields
        struct.pack(">HHIIIIBBH", 5, 30, 0, 0, 0, 0, 0, 0, 0),  # v5 cut
        ipfix([(2, tmpl), (300, rec)]),              # and a good one
    ]
    for d in sends:
        s.sendto(d, dst)
    return 0


def v5(args):
    """v5 PORT SRC N: N NetFlow v5 datagrams from SRC (an address on lo),
    one flow each (192.0.2.1:i -> 192.0.2.2:80, TCP, 1 packet, 100 bytes,
    a second ago), in bursts of 50; prints how many were sent."""
    port, src, n = int(args[0]), args[1], int(args[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    now = int(time.time())
    up = 1000000
    sent = 0
    for i in range(n):
        hdr = struct.pack(">HHIIIIBBH", 5, 1, up, now, 0, i, 0, 0, 0)
        rec = (bytes([192, 0, 2, 1, 192, 0, 2, 2]) + b"\0" * 8 +
               struct.pack(">IIII", 1, 100, up - 1000, up - 1000) +
               struct.pack(">HHBBBB", 1024 + i, 80, 0, 0x10, 6, 0) +
               b"\0" * 8)
        s.sendto(hdr + rec, ("127.0.0.1", port))
        sent += 1
        if sent % 50 == 0:
            time.sleep(0.002)
    print(sent)
    return 0


def recv(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("127.0.0.1", int(args[0])))
    with open(args[1], "ab") as f:
        while True:
            data = s.recv(65535)
            f.write(data)
            f.flush()


if __name__ == "__main__":
    sys.exit({"nfdump": nfdump, "dump": dump, "gen": gen, "recv": recv,
              "ippairs": ippairs, "compare": compare_pairs,
              "union": union, "bad": bad, "v5": v5}[sys.argv[1]](
        sys.argv[2:]))
