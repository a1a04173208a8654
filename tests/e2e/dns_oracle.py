#!/usr/bin/env python3
"""dns_oracle.py - the names a capture's DNS answers give, read by tshark.

Usage: dns_oracle.py CAPTURE

Prints "address name" lines, sorted and unique: for every DNS response
over UDP without error in the capture's outermost IP header, the A and
AAAA answers (class IN) whose owner is the question's name or reached from
it by the CNAME answers (named by the question), or, with no question
(multicast DNS), each A and AAAA answer under its own name.  tshark's
JSON dissection gives each answer record's name, type, class and data.
Names are written as ipgraph writes them: lower case, bytes other than
letters, digits, '-' and '_' (and the dots between labels) as \\DDD.
Prints "TCP" alone when the capture holds DNS responses over TCP (tshark
reassembles them, ipgraph reads the first segment only).
"""
import json
import subprocess
import sys


def esc(name):
    """tshark writes control bytes as \\DDD already: kept as they are."""
    out = []
    for label in name.split("."):
        s = ""
        raw = label.encode("utf-8")
        i = 0
        while i < len(raw):
            b = raw[i]
            i += 1
            if b == 0x5c and raw[i:i + 3].isdigit():
                s += "\\" + raw[i:i + 3].decode()
                i += 3
                continue
            c = chr(b).lower()
            if c.isascii() and (c.isalnum() or c in "-_"):
                s += c
            else:
                s += "\\%03d" % (b if not chr(b).isupper() else b + 32)
        out.append(s)
    return ".".join(out)


def as_list(v):
    return v if isinstance(v, list) else [v]


def main():
    tcp = subprocess.run(
        ["tshark", "-r", sys.argv[1], "-n", "-Y",
         "tcp.srcport == 53 && dns.flags.response == 1"],
        capture_output=True, text=True, check=True).stdout
    if tcp.strip():
        print("TCP")
        return
    out = subprocess.run(
        ["tshark", "-r", sys.argv[1], "-n", "-T", "json",
         "--no-duplicate-keys", "-J", "dns mdns ip ipv6 udp", "-Y",
         "(udp.srcport == 53 || udp.srcport == 5353) && "
         "dns.flags.response == 1 && dns.flags.rcode == 0 && "
         "dns.flags.opcode == 0 && !_ws.malformed && !icmp && !icmpv6"],
        capture_output=True, text=True, check=True).stdout
    pairs = set()
    for pkt in json.loads(out or "[]"):
        layers = pkt["_source"]["layers"]
        # only DNS in the outermost IP header: one IP layer, one UDP
        ips = sum(len(as_list(layers[k])) for k in ("ip", "ipv6")
                  if k in layers)
        if ips != 1 or len(as_list(layers.get("udp", []))) != 1:
            continue
        for dns in as_list(layers.get("dns", layers.get("mdns", []))):
            nq = int(dns.get("dns.count.queries", "0"))
            if nq > 1:
                continue
            recs = []
            for rrs in as_list(dns.get("Answers", {})):
                if not isinstance(rrs, dict):
                    continue
                for v in rrs.values():
                    for r in as_list(v):
                        if not isinstance(r, dict):
                            continue
                        t = int(r.get("dns.resp.type", "0"))
                        c = int(r.get("dns.resp.class", "0"), 0) & 0x7fff
                        d = r.get("dns.a") or r.get("dns.aaaa") or \
                            r.get("dns.cname")
                        recs.append((r.get("dns.resp.name", "").lower(),
                                     t, d, c))
            if nq == 1:
                qs = [q for qd in as_list(dns.get("Queries", {}))
                      if isinstance(qd, dict) for v in qd.values()
                      for q in as_list(v)
                      if isinstance(q, dict) and "dns.qry.name" in q]
                if not qs:
                    continue
                chain = [qs[0]["dns.qry.name"].lower()]
                grew = True
                while grew and len(chain) <= 16:
                    grew = False
                    for n, t, d, c in recs:
                        if t == 5 and c == 1 and d and n in chain and \
                                d.lower() not in chain and len(chain) <= 16:
                            chain.append(d.lower())
                            grew = True
                for n, t, d, c in recs:
                    if t in (1, 28) and c == 1 and d and n in chain:
                        pairs.add("%s %s" % (d, esc(chain[0])))
            else:
                for n, t, d, c in recs:
                    if t in (1, 28) and c == 1 and d:
                        pairs.add("%s %s" % (d, esc(n)))
    for p in sorted(pairs):
        print(p)


main()
