#!/usr/bin/env python3
# export_oracle.py - what an export should contain, computed independently
# of ipgraph: rows read straight from the SQLite file, filters applied with
# Python's ipaddress module.  Prints "src;dst;weight" lines, sorted.
#
#   export_oracle.py DB [--from EPOCH] [--to EPOCH] [--src CIDR] [--dst CIDR]
#       [--host CIDR] [--pair A,B] [--port N] [--proto N] [--sensor NAME]
#       [--metric packets|bytes] [--group N4,N6] [--names FILE]
#       [--events]        one line per (window, src, dst) instead
import argparse, collections, ipaddress, sqlite3, sys

p = argparse.ArgumentParser()
p.add_argument("db")
for o in ("from", "to", "port", "proto"):
    p.add_argument("--" + o, type=float if o in ("from", "to") else int)
for o in ("src", "dst", "host", "pair", "sensor", "group", "names"):
    p.add_argument("--" + o)
p.add_argument("--metric", default="packets")
p.add_argument("--events", action="store_true")
a = p.parse_args()

def net(s):
    return ipaddress.ip_network(s, strict=False)

def inside(addr, n):
    return addr.version == n.version and addr in n

names = {}
if a.names:
    for line in open(a.names, encoding="utf-8"):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        k, v = line.split("=", 1)
        names[net(k.strip())] = v.strip()

g4, g6 = 32, 128
if a.group:
    g4, g6 = (int(x.lstrip("/")) for x in a.group.split(","))

def node(addr):
    plen = g4 if addr.version == 4 else g6
    n = ipaddress.ip_network("%s/%d" % (addr, plen), strict=False)
    text = str(addr) if plen == addr.max_prefixlen else str(n)
    return names.get(n, text)

db = sqlite3.connect(a.db)
rows = db.execute(
    "SELECT w.start, w.seconds, s.name, e.proto, e.src, e.dst, e.sport,"
    " e.dport, e.packets, e.bytes FROM windows w JOIN sensors s"
    " ON s.id = w.sensor_id JOIN edges e ON e.window_id = w.id"
    " WHERE w.tier = 0")
agg = collections.Counter()
for start, secs, sensor, proto, src, dst, sport, dport, pk, by in rows:
    src, dst = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if a.__dict__["from"] is not None and (start + secs) <= a.__dict__["from"]:
        continue
    if a.to is not None and start > a.to:
        continue
    if a.src and not inside(src, net(a.src)):
        continue
    if a.dst and not inside(dst, net(a.dst)):
        continue
    if a.host and not (inside(src, net(a.host)) or inside(dst, net(a.host))):
        continue
    if a.pair:
        x, y = (net(v) for v in a.pair.split(","))
        if not ((inside(src, x) and inside(dst, y)) or
                (inside(src, y) and inside(dst, x))):
            continue
    if a.port is not None and a.port not in (sport, dport):
        continue
    if a.proto is not None and proto != a.proto:
        continue
    if a.sensor is not None and sensor != a.sensor:
        continue
    key = (node(src), node(dst))
    if a.events:
        key = (start,) + key
    agg[key] += by if a.metric == "bytes" else pk
def field(x):
    # CSV quoting as RFC 4180, with ';' the separator
    x = str(x)
    if any(c in x for c in ';"\r\n'):
        return '"' + x.replace('"', '""') + '"'
    return x
for k in sorted(agg, key=lambda k: [str(x) for x in k]):
    print(";".join(field(x) for x in k) + ";%d" % agg[k])
