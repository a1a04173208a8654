#!/usr/bin/env python3
# seqcheck.py - checks for seq.sh, independent of ipgraph's own code:
#   merge MMD NAMEMAP CAPTURE...  the Mermaid rows are tshark's packets of
#                                 the captures, each once per crossing,
#                                 seen where tshark saw them, in order
#   mermaid MMD                   the subset of Mermaid's sequenceDiagram
#                                 grammar we emit, parsed strictly
#   svg FILE / png FILE           well-formed XML / a real PNG
#   text FILE                     the text view's lifelines line up
#   tocsv CAPTURE                 Wireshark's default columns as CSV,
#                                 absolute UTC times (packetseq's input)
#   lens SEQJSON CAPTURE          seq.json's messages are the capture's
#                                 TCP packets: each Len= is tshark's
#                                 tcp.len, in order
import collections
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

ENT = {"#59;": ";", "#35;": "#", "#lt;": "<", "#gt;": ">", "#quot;": '"',
       "#amp;": "&"}


def unescape(s):
    for k, v in ENT.items():
        s = s.replace(k, v)
    return s


def tshark(cap, fields, yfilter=None):
    cmd = ["tshark", "-r", cap, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=f"]
    if yfilter:
        cmd += ["-Y", yfilter]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return [line.split("\t") for line in out.stdout.splitlines()]


def parse_mermaid(path):
    """Participants and rows; raises on anything outside the grammar."""
    lines = open(path, encoding="utf-8").read().split("\n")
    assert lines[0] == "sequenceDiagram", "first line: %r" % lines[0]
    assert lines[-1] == "", "no final newline"
    parts, rows = {}, []
    part_re = re.compile(r"^    participant (P[0-9]+) as ([^;#<>\"&\n]+)$")
    note_re = re.compile(r"^    Note over (P[0-9]+)(?:,(P[0-9]+))?: "
                         r"([^;#<>\"&\n]*(?:#[a-z0-9]+;[^;#<>\"&\n]*)*)$")
    msg_re = re.compile(r"^    (P[0-9]+)(?:->>|-x)(P[0-9]+): ([^;#<>\"&\n]*"
                        r"(?:#[a-z0-9]+;[^;#<>\"&\n]*)*)<br/>@(.+)$")
    for n, line in enumerate(lines[1:-1], 2):
        m = part_re.match(line)
        if m:
            assert not rows, "line %d: participant after messages" % n
            assert m.group(1) not in parts, "line %d: declared twice" % n
            parts[m.group(1)] = unescape(m.group(2))
            continue
        m = note_re.match(line)
        if m:
            assert m.group(1) in parts and m.group(2 if m.group(2) else 1) \
                in parts, "line %d: a note over an undeclared participant" % n
            continue
        m = msg_re.match(line)
        assert m, "line %d: not a participant or a message: %r" % (n, line)
        assert m.group(1) in parts and m.group(2) in parts, \
            "line %d: undeclared participant" % n
        assert re.fullmatch(r"([^;#<>\"&]|#[a-z0-9]+;)*", m.group(4)), \
            "line %d: unescaped text after <br/>" % n
        rows.append((parts[m.group(1)], parts[m.group(2)],
                     unescape(m.group(3)), unescape(m.group(4))))
    return parts, rows


ROW_TCP = re.compile(r"^(\d\d:\d\d:\d\d\.\d{6}) (\d+) > (\d+) \[[^]]*\] .*"
                     r"\(seq (\d+), ack (\d+), IP ID 0x([0-9a-f]+), \d+ bytes\)$")
ROW_ICMP = re.compile(r"^(\d\d:\d\d:\d\d\.\d{6}) ICMP .*\(type (\d+), code "
                      r"(\d+)\) \(IP ID 0x([0-9a-f]+), \d+ bytes\)$")


def row_key(src, dst, text):
    m = ROW_TCP.match(text)
    if m:
        return m.group(1), (src, dst, 6, int(m.group(2)), int(m.group(3)),
                            int(m.group(4)), int(m.group(5)),
                            int(m.group(6), 16))
    m = ROW_ICMP.match(text)
    if m:
        return m.group(1), (src, dst, 1, int(m.group(2)), int(m.group(3)),
                            0, 0, int(m.group(4), 16))
    raise AssertionError("row not understood: %r" % text)


def cmd_merge(mmd, namemap, caps):
    names = dict(kv.split("=", 1) for kv in namemap.split(","))
    _, rows = parse_mermaid(mmd)
    # what tshark sees, per capture, in frame order
    fields = ["ip.src", "ip.dst", "ip.proto", "tcp.srcport", "tcp.dstport",
              "tcp.seq_raw", "tcp.ack_raw", "ip.id", "icmp.type",
              "icmp.code"]
    expect = collections.Counter()
    order = {}
    for cap in caps:
        point = os.path.basename(cap).rsplit(".", 1)[0]
        seen = collections.Counter()
        order[point] = []
        for f in tshark(cap, fields, "ip"):
            src, dst, proto = names.get(f[0], f[0]), names.get(f[1], f[1]), int(f[2])
            if proto == 6:
                key = (src, dst, 6, int(f[3]), int(f[4]), int(f[5]),
                       int(f[6]), int(f[7], 16))
            elif proto == 1:
                key = (src, dst, 1, int(f[8]), int(f[9]), 0, 0, int(f[7], 16))
            else:
                raise AssertionError("%s: unexpected protocol %d" % (cap, proto))
            order[point].append((key, seen[key]))
            seen[key] += 1
        for (key, rank) in order[point]:
            expect[(key, rank, point)] += 1
    # the same packet at several points: the k-th sighting at each
    groups = collections.defaultdict(set)
    for (key, rank, point) in expect:
        groups[(key, rank)].add(point)
    want = collections.Counter((key, frozenset(pts))
                               for (key, rank), pts in groups.items())
    got = collections.Counter()
    last = ""
    ranks = collections.Counter()
    firsts = collections.defaultdict(list)
    for src, dst, text, seen in rows:
        tm, key = row_key(src, dst, text)
        assert tm >= last, "rows out of time order at %s" % tm
        last = tm
        pts = [p.strip() for p in re.sub(r" \+[0-9.]+ m?s$", "", seen).split(",")]
        got[(key, frozenset(pts))] += 1
        firsts[pts[0]].append((key, ranks[key]))
        ranks[key] += 1
    if got != want:
        missing = want - got
        extra = got - want
        raise AssertionError("diagram differs from tshark: %d missing %s, "
                             "%d extra %s" % (sum(missing.values()),
                                              list(missing)[:3],
                                              sum(extra.values()),
                                              list(extra)[:3]))
    # rows first seen at a point come in that capture's own order
    for point, seq in firsts.items():
        pos = {kr: i for i, kr in enumerate(order[point])}
        idx = [pos[kr] for kr in seq if kr in pos]
        assert idx == sorted(idx), "%s: rows out of capture order" % point
    assert len(rows) > 10, "too few rows: %d" % len(rows)


def cmd_text(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    head = lines[1]
    cols = [m.start() for m in re.finditer(r"(?<=  )\S", head)]
    for line in lines[2:]:
        if line.startswith("# "):    # hop times and notes, under the rows
            continue
        assert re.match(r"^\d\d:\d\d:\d\d\.\d{6}  ", line), line
        # each lifeline column holds a lifeline or an arrow end
        for c in [17] + cols[:-1]:
            assert line[c] in "|<>-", "column %d of %r" % (c, line)


def cmd_tocsv(cap):
    cols = ["No.", "Time", "Source", "Destination", "Protocol", "Length",
            "Info"]
    out = ['"' + '","'.join(cols) + '"']
    cmd = ["tshark", "-r", cap, "-t", "ud", "-T", "fields", "-E",
           "separator=,", "-E", "quote=d"]
    for c in cols:
        cmd += ["-e", "_ws.col." + c]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    out += res.stdout.splitlines()
    sys.stdout.write("\n".join(out) + "\n")


def cmd_lens(seqjson, cap):
    import json
    d = json.load(open(seqjson))
    got = [int(re.search(r" Len=(\d+)", m["summary"]).group(1))
           for m in d["messages"]]
    want = [int(r[0]) for r in tshark(cap, ["tcp.len"], "tcp")]
    assert got == want, (got, want)


def main():
    what = sys.argv[1]
    if what == "merge":
        cmd_merge(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif what == "mermaid":
        parts, rows = parse_mermaid(sys.argv[2])
        assert parts and rows
    elif what == "svg":
        root = ET.parse(sys.argv[2]).getroot()
        assert root.tag.endswith("svg"), root.tag
    elif what == "png":
        data = open(sys.argv[2], "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
        w, h = struct.unpack(">II", data[16:24])
        assert w > 100 and h > 100, (w, h)
    elif what == "text":
        cmd_text(sys.argv[2])
    elif what == "tocsv":
        cmd_tocsv(sys.argv[2])
    elif what == "lens":
        cmd_lens(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown check " + what)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("seqcheck: %s" % e, file=sys.stderr)
        sys.exit(1)
