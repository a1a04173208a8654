#!/usr/bin/env python3
"""Compare ipgraph's CSV export with tshark, per address pair and per port pair.

  pairs.py tshark CAPTURE            tshark's per-pair packets/bytes ("src dst packets bytes")
  pairs.py csv CSV                   the same totals from an `ipgraph export csv` file
  pairs.py compare PAIRS CSV         exit 1 (and list differences) unless they agree exactly
  pairs.py ports CONV CSV            compare TCP/UDP conversation frame counts (tshark -z conv)
                                     per direction; exit 1 on any difference
  pairs.py corpus ORACLE CSVDIR LIST compare every capture named in LIST (one per line:
                                     NAME and "ports" or "pairs-only") with ORACLE/NAME.pairs.txt
                                     and, for "ports", ORACLE/NAME.conv.txt; CSVDIR/NAME.csv is
                                     ipgraph's export; prints "N passed, N failed"

PAIRS is a file of "src dst packets bytes" lines (an oracle file, or `pairs.py tshark` output).
"""
import collections
import csv
import ipaddress
import re
import subprocess
import sys


def norm(a):
    return str(ipaddress.ip_address(a))


def tshark_pairs(path):
    """Outermost IP header of each frame, as tshark dissects it."""
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=f", "-e", "frame.len", "-e", "ip.src", "-e", "ip.dst",
           "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "frame.protocols"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    pk = collections.Counter()
    by = collections.Counter()
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 6:
            continue
        chain = f[5].split(":")
        i4 = chain.index("ip") if "ip" in chain else 1 << 30
        i6 = chain.index("ipv6") if "ipv6" in chain else 1 << 30
        if i4 < i6 and f[1] and f[2]:
            key = (norm(f[1]), norm(f[2]))
        elif i6 < i4 and f[3] and f[4]:
            key = (norm(f[3]), norm(f[4]))
        else:
            continue
        pk[key] += 1
        by[key] += int(f[0])
    return pk, by


def read_pairs(path):
    pk = collections.Counter()
    by = collections.Counter()
    with open(path) as fh:
        for line in fh:
            f = line.split()
            if len(f) != 4:
                continue
            key = (norm(f[0]), norm(f[1]))
            pk[key] += int(f[2])
            by[key] += int(f[3])
    return pk, by


def csv_rows(path):
    with open(path, newline="") as fh:
        rd = csv.DictReader(fh)
        want = ["window_start", "sensor", "proto", "src", "sport", "dst", "dport",
                "packets", "bytes", "first_seen", "last_seen", "tcp_flags",
                "sport_service", "dport_service"]
        if rd.fieldnames != want:
            sys.exit(f"{path}: header is {rd.fieldnames}, expected {want}")
        yield from rd


def csv_pairs(path):
    pk = collections.Counter()
    by = collections.Counter()
    for r in csv_rows(path):
        key = (norm(r["src"]), norm(r["dst"]))
        pk[key] += int(r["packets"])
        by[key] += int(r["bytes"])
    return pk, by


def compare(a, b, label_a, label_b):
    (ap, ab), (bp, bb) = a, b
    bad = sorted(k for k in set(ap) | set(bp) if ap[k] != bp[k] or ab[k] != bb[k])
    for k in bad[:8]:
        print(f"  {k[0]} -> {k[1]}: {label_a} {ap[k]} pkts {ab[k]} B, "
              f"{label_b} {bp[k]} pkts {bb[k]} B")
    print(f"pairs: {len(ap)} {label_a}, {len(bp)} {label_b}, {len(bad)} differ")
    return 1 if bad else 0


CONV_LINE = re.compile(r"^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+")


def split_endpoint(s):
    addr, _, port = s.rpartition(":")
    return norm(addr), int(port)


def conv_ports(path):
    """(proto, src, sport, dst, dport) -> frames, from tshark's TCP/UDP tables."""
    frames = collections.Counter()
    proto = None
    with open(path) as fh:
        for line in fh:
            if line.startswith("TCP Conversations"):
                proto = "tcp"
            elif line.startswith("UDP Conversations"):
                proto = "udp"
            elif line.startswith(("IPv4 Conversations", "IPv6 Conversations")):
                proto = None
            m = CONV_LINE.match(line)
            if not m or proto is None:
                continue
            a, ap = split_endpoint(m.group(1))
            b, bp = split_endpoint(m.group(2))
            # "<-" is B to A, "->" is A to B
            if int(m.group(3)):
                frames[(proto, b, bp, a, ap)] += int(m.group(3))
            if int(m.group(4)):
                frames[(proto, a, ap, b, bp)] += int(m.group(4))
    return frames


def csv_ports(path):
    frames = collections.Counter()
    for r in csv_rows(path):
        if r["proto"] in ("tcp", "udp"):
            frames[(r["proto"], norm(r["src"]), int(r["sport"]),
                    norm(r["dst"]), int(r["dport"]))] += int(r["packets"])
    return frames


def compare_ports(conv, csvfile, quiet=False):
    t, c = conv_ports(conv), csv_ports(csvfile)
    bad = sorted(k for k in set(t) | set(c) if t[k] != c[k])
    if not quiet:
        for k in bad[:8]:
            print(f"  {k}: tshark {t[k]}, ipgraph {c[k]}")
        print(f"port pairs: {len(t)} tshark, {len(c)} ipgraph, {len(bad)} differ")
    return 1 if bad else 0


def corpus(oracle, csvdir, listfile):
    passed = failed = 0
    with open(listfile) as fh:
        entries = [line.split() for line in fh if line.strip()]
    for name, mode in entries:
        csvfile = f"{csvdir}/{name}.csv"
        print(f"{name}:")
        rc = compare(read_pairs(f"{oracle}/{name}.pairs.txt"), csv_pairs(csvfile),
                     "tshark", "ipgraph")
        if mode == "ports":
            rc |= compare_ports(f"{oracle}/{name}.conv.txt", csvfile)
        if rc:
            failed += 1
            print(f"FAIL: {name}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "tshark":
        pk, by = tshark_pairs(argv[2])
        for k in sorted(pk):
            print(k[0], k[1], pk[k], by[k])
        return 0
    if len(argv) == 3 and argv[1] == "csv":
        pk, by = csv_pairs(argv[2])
        for k in sorted(pk):
            print(k[0], k[1], pk[k], by[k])
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        return compare(read_pairs(argv[2]), csv_pairs(argv[3]), "tshark", "ipgraph")
    if len(argv) == 4 and argv[1] == "ports":
        return compare_ports(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == "corpus":
        return corpus(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
