#!/usr/bin/env python3
"""Check what GET /api/v1/feed gave against the database and tshark.

  feed_check.py exact FEED          every row once: one database name in the
                                    cursors, each window's rows numbered
                                    1..n without a gap or a repeat, windows
                                    in write order
  feed_check.py same FEED DB [TIER [SENSOR]]  the latest version of every
                                    row (a window written again is read
                                    again) equals the rows of the database's
                                    edges table (of SENSOR's windows alone),
                                    as the sqlite3 program reads them
  feed_check.py tshark FEED CAPTURE...  packets and bytes per address pair
                                    of those rows equal tshark's count of the
                                    captures

FEED is the rows of every page, one JSON document a line, in the order read.
"""
import collections
import datetime
import ipaddress
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pairs  # noqa: E402

TIERS = {"raw": 0, "hour": 1, "day": 2}


def us(iso):
    """'2013-02-26T22:02:36.757054Z' to microseconds since 1970."""
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ")
    t = t.replace(tzinfo=datetime.timezone.utc)
    return (int(t.timestamp()) * 1000000) + t.microsecond


def cursor(c):
    store, _, rest = c.rpartition("-")
    seq, _, k = rest.partition(".")
    return store, int(seq), int(k)


def rows(path):
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError as e:
                sys.exit(f"{path}:{n}: not JSON ({e}): {line[:200]}")


def key(r):
    return (us(r["window_start"]), r["sensor"], r["proto"],
            str(ipaddress.ip_address(r["src"])), r["sport"],
            str(ipaddress.ip_address(r["dst"])), r["dport"])


def value(r):
    return (r["packets"], r["bytes"], us(r["first_seen"]),
            us(r["last_seen"]), r["tcp_flags"])


def latest(path):
    """The rows of each window's last write: a window read again replaces
    what was read of it before."""
    best = {}
    for r in rows(path):
        _, seq, _ = cursor(r["cursor"])
        win = (us(r["window_start"]), r["sensor"])
        if win not in best or best[win][0] < seq:
            best[win] = (seq, {})
        if best[win][0] == seq:
            best[win][1][key(r)] = value(r)
    out = {}
    for _, rs in best.values():
        out.update(rs)
    return out


def exact(path):
    stores, seen, order, bad = set(), collections.defaultdict(list), [], 0
    for r in rows(path):
        store, seq, k = cursor(r["cursor"])
        stores.add(store)
        if not order or order[-1] != seq:
            order.append(seq)
        seen[seq].append(k)
    if len(stores) > 1:
        print(f"cursors of {len(stores)} databases: {sorted(stores)}")
        bad += 1
    if order != sorted(set(order)):
        print("windows not in write order (or one read in two pieces "
              "apart)")
        bad += 1
    for seq, ks in seen.items():
        if ks != list(range(1, len(ks) + 1)):
            print(f"write {seq}: rows numbered {ks[:20]}..., not 1..{len(ks)}")
            bad += 1
    n = sum(len(k) for k in seen.values())
    print(f"feed: {n} rows of {len(seen)} window writes, {bad} problems")
    return 1 if bad else 0


def db_rows(db, tier):
    sql = ("SELECT w.start, s.name, e.proto, hex(e.src), e.sport,"
           " hex(e.dst), e.dport, e.packets, e.bytes,"
           " w.start * 1000000 + e.first_us, w.start * 1000000 + e.last_us,"
           " e.tcp_flags FROM edges e JOIN windows w ON w.id = e.window_id"
           f" JOIN sensors s ON s.id = w.sensor_id WHERE w.tier = {tier}")
    out = subprocess.run(["sqlite3", "-readonly", "-separator", "\t", db, sql],
                         capture_output=True, text=True, check=True).stdout
    # the names decode.c gives (the CSV export's), numbers for the rest
    names = {1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6", 132: "sctp"}
    got = {}
    for line in out.splitlines():
        f = line.split("\t")
        p = int(f[2])
        k = (int(f[0]) * 1000000, f[1], names.get(p, str(p)),
             str(ipaddress.ip_address(bytes.fromhex(f[3]))), int(f[4]),
             str(ipaddress.ip_address(bytes.fromhex(f[5]))), int(f[6]))
        got[k] = tuple(int(x) for x in f[7:12])
    return got


def same(path, db, tier, sensor=None):
    a, b = latest(path), db_rows(db, TIERS[tier])
    if sensor is not None:
        b = {k: v for k, v in b.items() if k[1] == sensor}
    diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    for k in diff[:8]:
        print(f"  {k}: feed {a.get(k)}, database {b.get(k)}")
    print(f"rows: {len(a)} from the feed, {len(b)} in the database, "
          f"{len(diff)} differ")
    return 1 if diff or not b else 0


def tshark(path, caps):
    pk, by = collections.Counter(), collections.Counter()
    for k, v in latest(path).items():
        pk[(k[3], k[5])] += v[0]
        by[(k[3], k[5])] += v[1]
    tp, tb = collections.Counter(), collections.Counter()
    for c in caps:
        p, b = pairs.tshark_pairs(c)
        tp.update(p)
        tb.update(b)
    return pairs.compare((pk, by), (tp, tb), "feed", "tshark")


def main(argv):
    if len(argv) >= 2 and argv[0] == "exact":
        return exact(argv[1])
    if len(argv) in (3, 4, 5) and argv[0] == "same":
        return same(argv[1], argv[2], argv[3] if len(argv) >= 4 else "raw",
                    argv[4] if len(argv) == 5 else None)
    if len(argv) >= 3 and argv[0] == "tshark":
        return tshark(argv[1], argv[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
