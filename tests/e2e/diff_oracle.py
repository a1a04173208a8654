#!/usr/bin/env python3
"""Spans for the diff test, and the diff computed independently of ipgraph.

  diff_oracle.py shift IN OUT START STEP [KEEP] [REPEAT]
      copy the little-endian pcap IN to OUT with packet i placed at
      START + i * STEP seconds (START in epoch seconds); KEEP N keeps every
      Nth packet only (1: all); REPEAT R writes each packet R times
      (1 ms apart)
  diff_oracle.py check BASE.csv SPAN.csv DIFF.json RATIO
      aggregate two `ipgraph export csv` files per (src, dst), mark every
      edge and host new, gone, grown, shrunk or same (README, "Diff") and
      compare with ipgraph's json export of the diff; exit 1 on any
      difference, printing the counts per change
  diff_oracle.py pairs BASE.csv SPAN.csv PAIRS RATIO
      the same against `export csv-pairs` (src;dst;w;base;change)
  diff_oracle.py table BASE.csv SPAN.csv TABLE RATIO
      the same counts against the summary table of `ipgraph diff`
  diff_oracle.py synth OUT START WINDOWS EDGES
      write an Ethernet pcap of WINDOWS minutes from START (epoch seconds)
      with EDGES UDP packets a minute, each between its own pair of
      addresses (a database that grows by the minute)
  diff_oracle.py firstseen NEW.csv CSV... [--keep N] [--since S --until U]
      the first time of every (sensor, proto, src, dst, dport) over the
      `export csv` files (overflow edges aside), the newest N only with
      --keep, those in [S, U] (epoch seconds) only with --since; compare
      with `ipgraph new` output NEW.csv; exit 1 on any difference
"""
import collections
import csv
import ipaddress
import json
import struct
import sys


def shift(inp, out, start, step, keep=1, repeat=1):
    with open(inp, "rb") as f:
        data = f.read()
    if data[:4] != b"\xd4\xc3\xb2\xa1":
        sys.exit("%s: not a little-endian microsecond pcap" % inp)
    res = [data[:24]]
    off, i, n = 24, 0, 0
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        body = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if i % keep == 0:
            for r in range(repeat):
                t = start + n * step + r * 0.001
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                res.append(struct.pack("<IIII", sec, usec, incl, orig) + body)
            n += 1
        i += 1
    with open(out, "wb") as f:
        f.write(b"".join(res))


def edges(path):
    pk = collections.Counter()
    by = collections.Counter()
    with open(path) as f:
        for row in csv.DictReader(f):
            k = (str(ipaddress.ip_address(row["src"])),
                 str(ipaddress.ip_address(row["dst"])))
            pk[k] += int(row["packets"])
            by[k] += int(row["bytes"])
    return pk, by


def change(w, b, ratio):
    if b == 0:
        return "new" if w > 0 else "same"
    if w == 0:
        return "gone"
    if w >= b * ratio:
        return "grown"
    if w * ratio <= b:
        return "shrunk"
    return "same"


def expected(base_csv, span_csv, ratio):
    bp, bb = edges(base_csv)
    sp, sb = edges(span_csv)
    out = {}
    for k in set(bp) | set(sp):
        out[k] = (change(sp[k], bp[k], ratio), sp[k], sb[k], bp[k], bb[k])
    hosts_w = collections.Counter()
    hosts_b = collections.Counter()
    for (s, d), v in out.items():
        for h in (s, d):
            hosts_w[h] += v[1]
            hosts_b[h] += v[3]
    hosts = {h: change(hosts_w[h], hosts_b[h], ratio)
             for h in set(hosts_w) | set(hosts_b)}
    return out, hosts


def counts(d):
    c = collections.Counter(v if isinstance(v, str) else v[0]
                            for v in d.values())
    return {k: c[k] for k in ("new", "gone", "grown", "shrunk", "same")}


def check(base_csv, span_csv, diff_json, ratio):
    want, want_hosts = expected(base_csv, span_csv, ratio)
    with open(diff_json) as f:
        doc = json.load(f)
    addr = [n["address"] for n in doc["nodes"]]
    got = {}
    for l in doc["links"]:
        got[(addr[l["source"]], addr[l["target"]])] = (
            l["change"], l["packets"], l["bytes"], l["base_packets"],
            l["base_bytes"])
    got_hosts = {n["address"]: n["change"] for n in doc["nodes"]}
    bad = 0
    for k in sorted(set(want) | set(got)):
        if want.get(k) != got.get(k):
            print("edge %s -> %s: want %s, got %s" % (k[0], k[1],
                  want.get(k), got.get(k)))
            bad += 1
    for h in sorted(set(want_hosts) | set(got_hosts)):
        if want_hosts.get(h) != got_hosts.get(h):
            print("host %s: want %s, got %s" % (h, want_hosts.get(h),
                  got_hosts.get(h)))
            bad += 1
    c = counts(want)
    for k, v in c.items():
        if doc["baseline"][k] != v:
            print("baseline.%s: want %d, got %d" % (k, v, doc["baseline"][k]))
            bad += 1
    print("edges %s; hosts %s" % (c, counts(want_hosts)))
    return 1 if bad else 0


def pairs(base_csv, span_csv, path, ratio):
    want, _ = expected(base_csv, span_csv, ratio)
    want = {k: (v[1], v[3], v[0]) for k, v in want.items()}
    got = {}
    with open(path) as f:
        for line in f:
            s, d, w, b, c = line.rstrip("\n").split(";")
            got[(s, d)] = (int(w), int(b), c)
    if want != got:
        print("csv-pairs: want %s\ngot %s" % (sorted(want.items()),
              sorted(got.items())))
        return 1
    return 0


def table(base_csv, span_csv, path, ratio):
    want, want_hosts = expected(base_csv, span_csv, ratio)
    ce, ch = counts(want), counts(want_hosts)
    got = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 5 and w[0] in ce and w[1].isdigit():
                got[w[0]] = (int(w[1]), int(w[2]), int(w[3]), int(w[4]))
    bad = 0
    for k in ce:
        bw = sum(v[3] for v in want.values() if v[0] == k)
        sw = sum(v[1] for v in want.values() if v[0] == k)
        if got.get(k) != (ce[k], ch[k], bw, sw):
            print("table %s: want %s, got %s" % (k, (ce[k], ch[k], bw, sw),
                  got.get(k)))
            bad += 1
    return 1 if bad else 0


def iso_us(t):
    """2020-01-01T00:00:00.500000Z to microseconds."""
    d, frac = t.rstrip("Z").split(".")
    import calendar
    import time
    return calendar.timegm(time.strptime(d, "%Y-%m-%dT%H:%M:%S")) * 1000000 + int(frac)


def firstseen(args):
    new_csv, rest = args[0], args[1:]
    keep = since = until = None
    csvs = []
    i = 0
    while i < len(rest):
        if rest[i] == "--keep":
            keep = int(rest[i + 1])
            i += 2
        elif rest[i] == "--since":
            since, until = int(rest[i + 1]) * 1000000, int(rest[i + 3]) * 1000000
            i += 4
        else:
            csvs.append(rest[i])
            i += 1
    first = {}
    for path in csvs:
        with open(path) as f:
            for r in csv.DictReader(f):
                src = str(ipaddress.ip_address(r["src"]))
                dst = str(ipaddress.ip_address(r["dst"]))
                if (r["sport"] == "0" and r["dport"] == "0" and
                        ipaddress.ip_address(src).is_unspecified and
                        ipaddress.ip_address(dst).is_unspecified):
                    continue
                k = (r["sensor"], r["proto"], src, dst, r["dport"])
                t = iso_us(r["first_seen"])
                if k not in first or t < first[k]:
                    first[k] = t
    rows = sorted((t, k) for k, t in first.items())
    if keep is not None:
        rows = rows[len(rows) - keep:] if keep < len(rows) else rows
    if since is not None:
        rows = [(t, k) for t, k in rows if since <= t <= until]
    want = sorted((t,) + k for t, k in rows)
    got = []
    with open(new_csv) as f:
        for r in csv.DictReader(f):
            got.append((iso_us(r["first_seen"]), r["sensor"], r["proto"],
                        str(ipaddress.ip_address(r["src"])),
                        str(ipaddress.ip_address(r["dst"])), r["dport"]))
    got.sort()
    if want != got:
        print("first-seen: want %d rows, got %d" % (len(want), len(got)))
        for x in sorted(set(want) - set(got))[:10]:
            print("  missing", x)
        for x in sorted(set(got) - set(want))[:10]:
            print("  extra  ", x)
        return 1
    print("first-seen: %d rows equal" % len(want))
    return 0


def synth(out, start, windows, edges):
    res = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
    k = 0
    for w in range(windows):
        for e in range(edges):
            k += 1
            src = bytes([10, (k >> 16) & 255, (k >> 8) & 255, k & 255])
            dst = bytes([172, 16 + (k >> 16) % 16, (k >> 8) & 255, k & 255])
            udp = struct.pack(">HHHH", 1024 + k % 60000, 53, 8 + 4, 0) + b"test"
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k & 65535,
                             0, 64, 17, 0, src, dst)
            frame = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + ip + udp
            t = start + w * 60 + e * 50.0 / edges
            sec = int(t)
            res.append(struct.pack("<IIII", sec, int((t - sec) * 1e6),
                                   len(frame), len(frame)) + frame)
    with open(out, "wb") as f:
        f.write(b"".join(res))


def main():
    a = sys.argv[1:]
    if len(a) == 5 and a[0] == "synth":
        synth(a[1], int(a[2]), int(a[3]), int(a[4]))
        return 0
    if len(a) >= 2 and a[0] == "firstseen":
        return firstseen(a[1:])
    if len(a) >= 5 and a[0] == "shift":
        shift(a[1], a[2], float(a[3]), float(a[4]),
              int(a[5]) if len(a) > 5 else 1, int(a[6]) if len(a) > 6 else 1)
        return 0
    if len(a) == 5 and a[0] == "check":
        return check(a[1], a[2], a[3], float(a[4]))
    if len(a) == 5 and a[0] == "pairs":
        return pairs(a[1], a[2], a[3], float(a[4]))
    if len(a) == 5 and a[0] == "table":
        return table(a[1], a[2], a[3], float(a[4]))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
