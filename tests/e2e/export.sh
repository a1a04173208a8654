#!/bin/bash
# export.sh - every export format read by its real consumer (dot, circos,
# ploticus, Python's json and networkx, a Picviz grammar check), every
# filter against an independent oracle (export_oracle.py: rows read with
# Python's sqlite3, filtered with its ipaddress module), and bad input.
. "$(dirname "$0")/lib.sh"
need python3
need sqlite3
need dot
need circos
need ploticus
python3 -c 'import networkx' 2>/dev/null ||
    { echo "FAIL: python3-networkx is not installed (tests/setup.sh)" >&2; exit 1; }
ORACLE="python3 $top_srcdir/tests/e2e/export_oracle.py"
# Under LeakSanitizer: libgvc and fontconfig keep memory to the end.
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
X() { "$IPGRAPH" export "$@"; }

# Every committed capture, one sensor each: IPv4 and IPv6, many windows.
DB="$T/all.db"
for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	n=${f##*/}
	# --no-names: the oracles below key hosts by address
	"$IPGRAPH" import -q --no-names --db "$DB" --sensor "${n%.*}" "$f" 2>/dev/null
	[ $? -le 1 ] || fail "import of $n"
done
$ORACLE "$DB" >"$T/all.pairs"
npairs=$(wc -l <"$T/all.pairs")
nnodes=$(cut -d';' -f1,2 "$T/all.pairs" | tr ';' '\n' | sort -u | wc -l)
check "the corpus has pairs ($npairs) and nodes ($nnodes)" test "$npairs" -gt 20

# Names with quotes, backslashes, spaces and non-ASCII, for labels.
cat >"$T/names" <<'NAMES'
# test names
10.0.0.1 = router "one" \ backslash
2001:618:1:8000::5 = Zürich ✓ host
; a comment
172.16.133.0/24 = lab net
NAMES

# 1. DOT: dot accepts it; its nodes and edges are the query's.
X dot --db "$DB" >"$T/g.dot" || fail "export dot"
check "dot -Tsvg accepts the DOT" dot -Tsvg -o "$T/g.svg" "$T/g.dot"
dot -Tjson "$T/g.dot" >"$T/g.json" 2>/dev/null
read -r dn de < <(python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
print(len(g.get("objects", [])), len(g.get("edges", [])))' "$T/g.json")
check "dot reads $dn nodes (oracle $nnodes)" test "$dn" -eq "$nnodes"
check "dot reads $de edges (oracle $npairs)" test "$de" -eq "$npairs"
X dot --db "$DB" --names "$T/names" >"$T/n.dot" || fail "export dot --names"
check "dot -Tsvg accepts quoted, spaced, non-ASCII names" \
    dot -Tsvg -o "$T/n.svg" "$T/n.dot"
check "the SVG shows the names" grep -q 'Zürich ✓ host' "$T/n.svg"
check "the SVG shows quotes and backslash" \
    grep -q 'router &quot;one&quot; \\ backslash' "$T/n.svg"
X dot --db "$DB" >"$T/g2.dot"
check "DOT output is stable" cmp -s "$T/g.dot" "$T/g2.dot"

# 2. PNG and SVG through libgvc, every layout.
ispng() { python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR", "not a PNG"
w, h = struct.unpack(">II", d[16:24]); assert w > 0 and h > 0
assert d[-8:-4] == b"IEND", "no IEND"' "$1"; }
isxml() { python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$1"; }
for l in dot neato sfdp circo; do
	X png --db "$DB" --layout $l -o "$T/g-$l.png" || fail "png --layout $l"
	check "libgvc PNG ($l) is a valid PNG" ispng "$T/g-$l.png"
done
X svg --db "$DB" --names "$T/names" -o "$T/g.svg2" || fail "svg"
check "libgvc SVG parses as XML" isxml "$T/g.svg2"
check "libgvc SVG has one node group per node" test \
    "$(grep -c 'class="node"' "$T/g.svg2")" -eq "$nnodes"

# 3. Circos: the matrix's sums are the edge totals; the bundle draws.
X circos --db "$DB" --keep-senders --keep-receivers >"$T/m.tsv" ||
    fail "circos"
python3 - "$T/m.tsv" "$T/all.pairs" <<'PY' || fail "circos matrix sums"
import collections, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head, body = rows[0], rows[1:]
assert head[0] == "ip" and [r[0] for r in body] == head[1:], "square"
out, inn, want_out, want_in = (collections.Counter() for _ in range(4))
for i, r in enumerate(body):
    assert r[i + 1] == "-", "diagonal"
    for j, c in enumerate(r[1:]):
        if c != "-":
            out[r[0]] += int(c); inn[head[j + 1]] += int(c)
for l in open(sys.argv[2]):
    s, d, n = l.strip().split(";")
    if s != d:
        want_out[s] += int(n); want_in[d] += int(n)
assert out == want_out, (out, want_out)
assert inn == want_in, (inn, want_in)
PY
pass
X circos --db "$DB" >"$T/m2.tsv"
python3 - "$T/m2.tsv" "$T/all.pairs" <<'PY' || fail "circos keeps only two-way hosts by default"
import sys
hosts = open(sys.argv[1]).readline().rstrip("\n").split("\t")[1:]
src, dst = set(), set()
for l in open(sys.argv[2]):
    s, d, n = l.strip().split(";"); src.add(s); dst.add(d)
assert sorted(hosts) == sorted(src & dst), hosts
PY
pass
X circos-bundle --db "$DB" --top 15 -o "$T/bundle" || fail "circos-bundle"
(cd "$T" && circos -conf "$T/bundle/circos.conf" >"$T/circos.log" 2>&1) ||
    fail "circos failed: $(tail -20 "$T/circos.log")"
check "circos draws the bundle into a PNG" ispng "$T/bundle/circos.png"

# 4. MooWheel: the connection list is the edge list, weights included.
X moowheel --db "$DB" >"$T/w.json" || fail "moowheel"
python3 - "$T/w.json" "$T/all.pairs" <<'PY' || fail "moowheel connections"
import json, sys
w = json.load(open(sys.argv[1]))
ids = {n["id"] for n in w}
got = sorted("%s;%s;%d" % (n["id"], c[0], c[1]) for n in w for c in n["connections"])
want = sorted(l.strip() for l in open(sys.argv[2]))
assert got == want, (got, want)
assert all(c[0] in ids for n in w for c in n["connections"]), "dangling id"
PY
pass
X moowheel-html --db "$DB" --names "$T/names" >"$T/w.html" || fail "moowheel-html"
python3 - "$T/w.html" <<'PY' || fail "moowheel page carries the data"
import json, re, sys
from html.parser import HTMLParser
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script id="wheel-data" type="application/json">(.*?)</script>', page, re.S)
data = json.loads(m.group(1))
assert any(n["text"] == 'router "one" \\ backslash' for n in data) or \
    any(n["text"] == "lab net" for n in data), "names"
HTMLParser().feed(page)
PY
pass

# 5. JSON and GEXF: indices right, read by networkx as Gephi's format.
X json --db "$DB" >"$T/g.json2" || fail "json"
python3 - "$T/g.json2" "$T/all.pairs" <<'PY' || fail "json links"
import json, sys
g = json.load(open(sys.argv[1]))
n = g["nodes"]
assert [x["id"] for x in n] == list(range(len(n)))
got = sorted("%s;%s;%d" % (n[l["source"]]["name"], n[l["target"]]["name"], l["value"]) for l in g["links"])
assert got == sorted(l.strip() for l in open(sys.argv[2])), got
PY
pass
X gexf --db "$DB" --names "$T/names" -o "$T/g.gexf" || fail "gexf"
python3 - "$T/g.gexf" "$npairs" "$nnodes" <<'PY' || fail "networkx reads the GEXF"
import sys, networkx
g = networkx.read_gexf(sys.argv[1])
assert g.is_directed()
assert g.number_of_edges() == int(sys.argv[2]), g.number_of_edges()
assert g.number_of_nodes() == int(sys.argv[3]), g.number_of_nodes()
labels = {d["label"] for _, d in g.nodes(data=True)}
assert "Zürich ✓ host" in labels, labels
PY
pass

# 6. csv-pairs and rtgraph.
X csv-pairs --db "$DB" | sort >"$T/p.csv"
check "csv-pairs equals the oracle" cmp -s "$T/p.csv" <(sort "$T/all.pairs")
X rtgraph --db "$DB" >"$T/r.rtg"
und=$(python3 -c '
import sys
s = {tuple(sorted(l.split(";")[:2])) for l in open(sys.argv[1]) if l.split(";")[0] != l.split(";")[1]}
print(len(s))' "$T/all.pairs")
check "rtgraph: one edge line per undirected pair ($und)" test \
    "$(grep -c '^edge [^ ]* [^ ]*$' "$T/r.rtg")" -eq "$und"
check "rtgraph ends with quit" test "$(tail -1 "$T/r.rtg")" = quit

# 7. ploticus draws the scatter plot.
X ploticus --db "$DB" --names "$T/names" -o "$T/pl" || fail "ploticus export"
sh "$T/pl/run.sh" 2>"$T/pl.err" || fail "ploticus: $(cat "$T/pl.err")"
check "ploticus wrote a PNG" ispng "$T/pl/scatterplot.png"
check "ploticus data has one line per pair" \
    test "$(wc -l <"$T/pl/data.inc")" -eq "$npairs"
# More hosts than an axis shows (100; ploticus itself stops at 600 with
# "category list is full", exit 0): 900 clients of 40 servers.  The
# lightest fold into one "other" category, ploticus runs clean, the data
# still adds up to sqlite3's total, and the note is on stderr and in the
# script.
python3 - "$T/hosts.pcap" <<'PY' || fail "writing hosts.pcap"
import struct, sys
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(900):
        a, b = 0x0a000001 + i, 0xc0a80001 + i % 40
        for k in range(1 + i % 5):
            l4 = struct.pack(">HHHH", 1024 + i, 53, 8, 0)
            ip = struct.pack(">BBHHHBBHII", 0x45, 0, 28, i & 0xffff, 0, 64,
                             17, 0, a, b)
            f = b"\0\1\2\3\4\5\0\6\7\x08\x09\x0a\x08\x00" + ip + l4
            out.write(struct.pack("<IIII", 1232064000 + i // 100, k,
                                  len(f), len(f)) + f)
PY
"$IPGRAPH" import -q --db "$T/hosts.db" "$T/hosts.pcap" || fail "import hosts.pcap"
X ploticus --db "$T/hosts.db" -o "$T/plh" 2>"$T/plh.err" || fail "ploticus of 940 hosts"
check "ploticus export says what it folded" \
    grep -q '841 of 940 hosts beyond the 100 categories.*folded into "other: 841 hosts"' "$T/plh.err"
check "the script says it too" grep -q '^// 841 of 940 hosts' "$T/plh/scatterplot"
check "at most 100 categories" test "$(wc -l <"$T/plh/cat.inc")" -le 100
(cd "$T/plh" && ploticus -png -o scatterplot.png scatterplot) >"$T/plh.out" 2>&1
check "ploticus draws 940 hosts with exit 0" test $? = 0
check "ploticus warns of nothing ($(head -c 200 "$T/plh.out"))" test ! -s "$T/plh.out"
check "ploticus wrote the PNG" ispng "$T/plh/scatterplot.png"
sum=$(awk -F'\t' '!/^\/\// { s += $3 } END { print s }' "$T/plh/data.inc")
tot=$(sqlite3 "$T/hosts.db" "SELECT sum(packets) FROM edges")
check "the folded data adds up ($sum, sqlite3 $tot)" test "$sum" = "$tot"

# 8. Picviz: the grammar, and one line per window and pair.
cat >"$T/pcv.py" <<'PY'
# A recursive-descent check of the Picviz .pcv grammar: header, axes and
# data sections; axis types; key=value properties; quoted strings.
import re, sys
TOK = re.compile(r'\s*(?:(?P<s>"(?:[^"\\]|\\.)*")|(?P<w>[A-Za-z_][A-Za-z0-9_]*)|(?P<p>[{}\[\];,=]))')
def tokens(text):
    pos, out = 0, []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOK.match(text, pos)
        if not m:
            raise SystemExit("bad token at %r" % text[pos:pos + 30])
        out.append(m.group(m.lastgroup)); pos = m.end()
    return out
t = tokens(open(sys.argv[1], encoding="utf-8").read()); i = 0
def take(want=None):
    global i
    tok = t[i]; i += 1
    if want is not None and tok != want:
        raise SystemExit("expected %r, got %r" % (want, tok))
    return tok
def props():
    if t[i] != "[": return
    take("[")
    while True:
        take(); take("="); assert t[i][0] == '"', t[i]; take()
        if take() == "]": return
TYPES = {"timeline", "ipv4", "string", "integer", "short", "enum", "ln", "gold", "char", "years", "float"}
take("header"); take("{")
while t[i] != "}":
    take(); take("="); assert t[i][0] == '"'; take(); take(";")
take("}"); take("axes"); take("{"); axes = []
while t[i] != "}":
    ty = take(); assert ty in TYPES, ty; axes.append(take()); props(); take(";")
take("}"); take("data"); take("{"); lines = 0
while t[i] != "}":
    seen = []
    while True:
        seen.append(take()); take("="); v = take(); assert v[0] == '"', v
        if t[i] == ",": take(","); continue
        break
    assert seen == axes, seen
    props(); take(";"); lines += 1
take("}"); assert i == len(t), "trailing tokens"
print(lines)
PY
X picviz --db "$DB" >"$T/g.pcv" || fail "picviz"
pl=$(python3 "$T/pcv.py" "$T/g.pcv") || fail "picviz grammar: $pl"
ev=$($ORACLE "$DB" --events | wc -l)
check "picviz: one line per window and pair ($pl, oracle $ev)" test "$pl" = "$ev"
X picviz --db "$DB" --names "$T/names" >"$T/n.pcv"
check "picviz with names keeps the grammar" python3 "$T/pcv.py" "$T/n.pcv" \
    >/dev/null

# 9. Histogram and ports: real PNG and SVG; the histogram's bars are the
#    heaviest sender's heaviest peers.
X histogram --db "$DB" -o "$T/h.png" && check "histogram PNG" ispng "$T/h.png"
X histogram-svg --db "$DB" -o "$T/h.svg" && check "histogram SVG" isxml "$T/h.svg"
# Nothing drawn outside the picture: every glyph of the SVG (cairo draws
# text as glyph outlines placed by <use>) lies inside the viewBox, also
# with long names on rotated labels.  The title names the host and the
# metric, the subtitle the span in UTC (sqlite3's first and last packet
# of the rows drawn); the PNG carries the same lines (iTXt).
cat >"$T/hist.py" <<'PY'
import re, sqlite3, struct, sys, datetime
import xml.etree.ElementTree as ET
db, where, host, metric, svg, png = sys.argv[1:]
NS = "{http://www.w3.org/2000/svg}"
XL = "{http://www.w3.org/1999/xlink}href"
root = ET.parse(svg).getroot()
_, _, W, H = (float(v) for v in root.get("viewBox").split())
box = {}
for sym in root.iter(NS + "symbol"):
    nums = [float(v) for p in sym.iter(NS + "path")
            for v in re.findall(r"-?[0-9.]+(?:e-?[0-9]+)?", p.get("d", ""))]
    xs, ys = nums[0::2], nums[1::2]
    box[sym.get("id")] = (min(xs), min(ys), max(xs), max(ys)) if xs else None
n = 0
for u in root.iter(NS + "use"):
    b = box.get(u.get(XL)[1:])
    if b is None:
        continue
    x, y = float(u.get("x")), float(u.get("y"))
    assert 0 <= x + b[0] and x + b[2] <= W and 0 <= y + b[1] and y + b[3] <= H, \
        ("glyph outside the picture", u.attrib, b, W, H)
    n += 1
assert n > 50, n
title, desc = root.find(NS + "title").text, root.find(NS + "desc").text
assert host in title and metric.capitalize() + " sent by" in title, title
c = sqlite3.connect(db)
t0, t1 = c.execute("SELECT min(w.start * 1000000 + e.first_us),"
                   " max(w.start * 1000000 + e.last_us) FROM edges e JOIN windows w"
                   " ON w.id = e.window_id WHERE w.tier = 0 " + where).fetchone()
fmt = lambda us: datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
span = "%s to %s UTC" % (fmt(t0), fmt(t1))
assert desc.startswith(span), (desc, span)
d, i, txt = open(png, "rb").read(), 8, {}
while i < len(d):
    ln, = struct.unpack(">I", d[i:i + 4])
    if d[i + 4:i + 8] == b"iTXt":
        k, _, rest = d[i + 8:i + 8 + ln].partition(b"\0")
        txt[k.decode()] = rest[4:].decode()
    i += 12 + ln
assert txt == {"Title": title, "Description": desc}, (txt, title, desc)
PY
X histogram --db "$DB" -o "$T/h.png"
python3 "$T/hist.py" "$DB" "" "$(X histogram-csv --db "$DB" | sed -n '2s/^1,\([^,]*\),.*/\1/p')" \
    packets "$T/h.svg" "$T/h.png" && pass || fail "histogram: inside the picture, title and span"
awk -F';' '$1 == "192.168.1.139" { print $2 " = a rather long host name given to " $2 " in a names file" }' \
    "$T/all.pairs" >"$T/hnames"
HL="--src 192.168.1.139 --names $T/hnames --metric bytes"
X histogram --db "$DB" $HL -o "$T/hl.png" &&
    X histogram-svg --db "$DB" $HL -o "$T/hl.svg" ||
    fail "histogram with long names"
python3 "$T/hist.py" "$DB" "AND hex(e.src) = 'C0A8018B'" 192.168.1.139 bytes \
    "$T/hl.svg" "$T/hl.png" && pass ||
    fail "histogram with long rotated names: inside the picture, title and span"
X histogram-csv --db "$DB" >"$T/h.csv"
python3 - "$T/h.csv" "$T/all.pairs" <<'PY' || fail "histogram peers"
import collections, csv, sys
out = collections.Counter(); peers = collections.defaultdict(list)
for l in open(sys.argv[2]):
    s, d, n = l.strip().split(";"); out[s] += int(n); peers[s].append(int(n))
host = max(out, key=lambda h: out[h])
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(r["host"] == host for r in rows), (host, rows)
assert [int(r["weight"]) for r in rows] == sorted(peers[host], reverse=True)[:10]
PY
pass
X ports --db "$DB" -o "$T/p.png" && check "ports PNG" ispng "$T/p.png"
X ports-svg --db "$DB" -o "$T/p.svg" && check "ports SVG" isxml "$T/p.svg"
# The ports ring's legend (drawn, and in the file: SVG <desc>, PNG iTXt)
# against sqlite3 over the same rows: the TCP/UDP total, which the ribbons
# must carry whole however they are folded, the flows, hosts and ports.
# With many flows (a capture made here: 20000 one-packet flows) the
# ribbons fold, and what is drawn stays bounded by the picture: at most
# 1000 ribbons, and fewer drawn elements than a ribbon per flow would be.
cat >"$T/ports.py" <<'PY'
import html, re, sqlite3, struct, sys
db, metric, many, files = sys.argv[1], sys.argv[2], sys.argv[3] == "many", sys.argv[4:]
def legend(path):
    d = open(path, "rb").read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        m = re.search(r"<desc>(.*?)</desc>", d.decode(), re.S)
        return html.unescape(m.group(1)) if m else None
    i = 8
    while i < len(d):
        n, = struct.unpack(">I", d[i:i + 4])
        if d[i + 4:i + 8] == b"iTXt" and d[i + 8:i + 20] == b"Description\0":
            return d[i + 8:i + 8 + n].split(b"\0", 5)[5].decode()
        i += 12 + n
    return None
c = sqlite3.connect(db)
rows = ("FROM edges e JOIN windows w ON w.id = e.window_id"
        " WHERE w.tier = 0 AND e.proto IN (6, 17)")
total, = c.execute("SELECT sum(e.%s) %s" % (metric, rows)).fetchone()
flows, = c.execute("SELECT count(*) FROM (SELECT 1 %s GROUP BY e.src,"
                   " e.dst, e.proto, e.sport, e.dport)" % rows).fetchone()
hosts, = c.execute("SELECT count(*) FROM (SELECT e.src %s UNION"
                   " SELECT e.dst %s)" % (rows, rows)).fetchone()
ports, = c.execute("SELECT count(*) FROM (SELECT e.src, e.sport %s UNION"
                   " SELECT e.dst, e.dport %s)" % (rows, rows)).fetchone()
texts = [legend(f) for f in files]
assert texts[0] and all(t == texts[0] for t in texts), texts
t = texts[0]
m = re.search(r"TCP and UDP: (\d+) (\w+) in (\d+) flows, (\d+) hosts, (\d+) ports", t)
assert m, t
assert m.group(2) == metric, (m.group(2), metric)
got = tuple(int(m.group(k)) for k in (1, 3, 4, 5))
assert got == (total, flows, hosts, ports), (got, (total, flows, hosts, ports))
# The colour key: in the file, and drawn in the band under the ring.
for k in ("hosts (outer ring): an arc each, as wide as its %s in and out" % metric,
          "ports (inner ring): a host's ports take the colours in turn;"
          " light: %s into the port, dark: out of it" % metric,
          "ribbons: from a source port to a destination port, in the source"
          " port's dark colour"):
    assert k in t, (k, t)
assert ("grey: hosts, ports or ribbons too narrow" in t) == many, t
m = re.search(r"ribbons: (\d+) carrying (\d+) %s" % metric, t)
assert m and int(m.group(2)) == total, (t, total)
nrib = int(m.group(1))
if many:
    assert "grouped by" in t and "folded into runs" in t, t
    assert 0 < nrib <= 1000, nrib
    svg = open(files[-1]).read()
    drawn = svg.count("<path") + svg.count("<use")
    assert drawn <= 12500 and drawn < flows / 2, (drawn, flows)
else:
    assert nrib <= flows and "grouped by" not in t, t
PY
python3 "$T/ports.py" "$DB" packets few "$T/p.png" "$T/p.svg" &&
    pass || fail "ports legend (packets)"
# The key's swatches: the band under the ring holds every host colour.
python3 - "$T/p.png" <<'PY' && pass || fail "ports: the colour key is drawn"
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
w, h, depth, ctype = struct.unpack(">IIBB", d[16:26])
assert (w, h, depth, ctype) == (1100, 1180, 8, 6), (w, h, depth, ctype)
i, z = 8, b""
while i < len(d):
    n, = struct.unpack(">I", d[i:i + 4])
    if d[i + 4:i + 8] == b"IDAT":
        z += d[i + 8:i + 8 + n]
    i += 12 + n
raw, bpp, stride, prev, rows = zlib.decompress(z), 4, 4 * w, bytearray(4 * w), []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        p = a + b - c
        pr = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c
        line[x] = (line[x] + (0, a, b, (a + b) // 2, pr)[f]) & 255
    rows.append(line)
    prev = line
seen = {tuple(r[x:x + 3]) for r in rows[1100:] for x in range(0, stride, 4) if r[x + 3] == 255}
for rgb in (0xff9900, 0x0000ff, 0x00ff00, 0xff0000, 0xffff00, 0x9900ff, 0x6699ff):
    assert (rgb >> 16, rgb >> 8 & 255, rgb & 255) in seen, hex(rgb)
PY
X ports --db "$DB" --metric bytes -o "$T/pb.png" &&
    X ports-svg --db "$DB" --metric bytes -o "$T/pb.svg" &&
    python3 "$T/ports.py" "$DB" bytes few "$T/pb.png" "$T/pb.svg" &&
    pass || fail "ports legend (bytes)"
python3 - "$T/many.pcap" <<'PY' || fail "writing many.pcap"
import random, struct, sys
r = random.Random(1)
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(20000):
        a, b = 0x0a000000 + r.randrange(1, 400), 0xc0a80000 + r.randrange(1, 60)
        sp, dp = r.randrange(1024, 65536), r.choice([22, 53, 80, 123, 443])
        if i % 2:
            a, b, sp, dp = b, a, dp, sp
        pay = b"x" * r.randrange(0, 200)
        if i % 3:
            l4, proto = struct.pack(">HHIIBBHHH", sp, dp, i, 0, 0x50, 0x18,
                                    8192, 0, 0) + pay, 6
        else:
            l4, proto = struct.pack(">HHHH", sp, dp, 8 + len(pay), 0) + pay, 17
        ip = struct.pack(">BBHHHBBHII", 0x45, 0, 20 + len(l4), i & 0xffff,
                         0, 64, proto, 0, a, b)
        f = b"\0\1\2\3\4\5\0\6\7\x08\x09\x0a\x08\x00" + ip + l4
        out.write(struct.pack("<IIII", 1232064000 + i // 1000, i % 1000,
                              len(f), len(f)) + f)
PY
"$IPGRAPH" import -q --db "$T/many.db" "$T/many.pcap" || fail "import many.pcap"
X ports --db "$T/many.db" -o "$T/pm.png" &&
    X ports-svg --db "$T/many.db" -o "$T/pm.svg" || fail "ports of many flows"
check "ports SVG of many flows" isxml "$T/pm.svg"
python3 "$T/ports.py" "$T/many.db" packets many "$T/pm.png" "$T/pm.svg" &&
    pass || fail "ports of many flows: folded, bounded, totals kept"

# 10. Every filter against the oracle (csv-pairs carries the weights).
W0=$(sqlite3 "$DB" "SELECT min(start) FROM windows")
W1=$(sqlite3 "$DB" "SELECT max(start) FROM windows")
SENSOR=pcapplusplus-many_interfaces-1
filter() {	# DESCRIPTION "IPGRAPH OPTIONS" "ORACLE OPTIONS"
	X csv-pairs --db "$DB" $2 | sort >"$T/f.got" || { fail "$1: export"; return; }
	$ORACLE "$DB" $3 | sort >"$T/f.want"
	if ! cmp -s "$T/f.got" "$T/f.want"; then
		fail "$1: $(diff "$T/f.got" "$T/f.want" | head -5)"
	elif cmp -s "$T/f.got" "$T/all.pairs.sorted" && [ "$4" != same ]; then
		fail "$1: the filter changed nothing"
	elif [ ! -s "$T/f.got" ] && [ "$4" != empty ]; then
		fail "$1: the filter left nothing"
	else
		pass
	fi
}
sort "$T/all.pairs" >"$T/all.pairs.sorted"
filter "--from" "--from $W1" "--from $W1"
filter "--to" "--to $W0" "--to $W0"
filter "--from/--to inclusive" "--from $W1 --to $W1" "--from $W1 --to $W1"
filter "--src IPv4 CIDR" "--src 172.16.0.0/12" "--src 172.16.0.0/12"
filter "--src IPv6 CIDR" "--src 2001::/16" "--src 2001::/16"
filter "--dst IPv4 host" "--dst 10.0.0.1" "--dst 10.0.0.1"
filter "--dst IPv6 CIDR" "--dst 2001:618:1::/48" "--dst 2001:618:1::/48"
filter "--host IPv4 CIDR" "--host 192.168.0.0/16" "--host 192.168.0.0/16"
filter "--host IPv6 CIDR" "--host 2001:618::/32" "--host 2001:618::/32"
filter "--port" "--port 80" "--port 80"
filter "--proto" "--proto udp" "--proto 17"
filter "--sensor" "--sensor $SENSOR" "--sensor $SENSOR"
pa=$(head -1 "$T/all.pairs" | cut -d';' -f1)
pb=$(head -1 "$T/all.pairs" | cut -d';' -f2)
filter "--pair" "--pair $pa,$pb" "--pair $pa,$pb"
filter "--metric bytes" "--metric bytes" "--metric bytes"
filter "--group /24" "--group /24" "--group 24,128"
filter "--group /24,/64" "--group /24,/64" "--group 24,64"
filter "--names" "--names $T/names" "--names $T/names"
filter "an empty result" "--from 2099-01-01 --to 2099-01-02" \
    "--from 4070908800 --to 4070995200" empty
# --top: the N heaviest weights; --other keeps every packet.
X csv-pairs --db "$DB" --top 5 >"$T/t.csv"
check "--top 5 keeps 5 edges" test "$(wc -l <"$T/t.csv")" -eq 5
check "--top 5 keeps the 5 heaviest" test \
    "$(cut -d';' -f3 "$T/t.csv" | sort -n | tr '\n' ' ')" = \
    "$(cut -d';' -f3 "$T/all.pairs" | sort -n | tail -5 | tr '\n' ' ')"
X csv-pairs --db "$DB" --top 5 --other >"$T/o.csv"
check "--other keeps the total" test \
    "$(cut -d';' -f3 "$T/o.csv" | awk "{ s += \$1 } END { print s }")" = \
    "$(cut -d';' -f3 "$T/all.pairs" | awk "{ s += \$1 } END { print s }")"
check "--other adds the node other" grep -q '^other;' "$T/o.csv"
# The csv format filters the stored rows.
X csv --db "$DB" --host 2001:618::/32 --proto tcp >"$T/rows.csv"
check "csv rows obey the filters" test "$(tail -n +2 "$T/rows.csv" |
    awk -F, '$3 != "tcp" || ($4 !~ /^2001:618:/ && $6 !~ /^2001:618:/)' |
    wc -l)" -eq 0
check "csv rows are there" test "$(wc -l <"$T/rows.csv")" -gt 1

# 11. An empty result is an empty but valid file in every format.
E="--from 2099-01-01 --to 2099-01-02"
X dot --db "$DB" $E >"$T/e.dot" && check "empty DOT" dot -Tsvg -o /dev/null "$T/e.dot"
for f in png histogram ports; do
	X $f --db "$DB" $E -o "$T/e.$f" && check "empty $f" ispng "$T/e.$f"
done
for f in svg histogram-svg ports-svg gexf; do
	X $f --db "$DB" $E -o "$T/e.$f" && check "empty $f" isxml "$T/e.$f"
done
for f in moowheel json; do
	X $f --db "$DB" $E -o "$T/e.$f" &&
	    check "empty $f" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/e.$f"
done
X picviz --db "$DB" $E >"$T/e.pcv" && check "empty picviz" test "$(python3 "$T/pcv.py" "$T/e.pcv")" = 0
X circos --db "$DB" $E >"$T/e.tsv" && check "empty circos" test "$(cat "$T/e.tsv")" = ip
X csv-pairs --db "$DB" $E >"$T/e.csv" && check "empty csv-pairs" test ! -s "$T/e.csv"
X rtgraph --db "$DB" $E >"$T/e.rtg" && check "empty rtgraph" test "$(cat "$T/e.rtg")" = quit
X ploticus --db "$DB" $E -o "$T/epl" && check "empty ploticus runs" sh "$T/epl/run.sh"
X circos-bundle --db "$DB" $E -o "$T/eb" &&
    (cd "$T" && circos -conf "$T/eb/circos.conf" >/dev/null 2>&1) &&
    check "empty circos bundle draws" ispng "$T/eb/circos.png" ||
    fail "empty circos bundle"

# 12. Bad input: a clear message naming the option, a non-zero exit.
printf '10.0.0.1 = ok\n\n10.0.0.999 = bad\n' >"$T/badnames"
expect_error 2 "unknown format 'gif'" X gif --db "$DB"
expect_error 1 "^ipgraph: --src: '10.0.0.0/33' is not" X dot --db "$DB" --src 10.0.0.0/33
expect_error 1 "--host: '2001:db8::/129' is not" X dot --db "$DB" --host 2001:db8::/129
expect_error 1 "--from: bad time" X dot --db "$DB" --from 2009-02-30T25:00
expect_error 1 "--from is after --to" X json --db "$DB" --from 2010-01-01 --to 2009-01-01
expect_error 1 "--top: must be at least 1" X dot --db "$DB" --top 0
expect_error 1 "--names: $T/badnames:3: '10.0.0.999' is not" X dot --db "$DB" --names "$T/badnames"
expect_error 1 "--names: $T/nosuch: No such file" X dot --db "$DB" --names "$T/nosuch"
expect_error 1 "--pair: " X dot --db "$DB" --pair 10.0.0.1
expect_error 1 "--group: " X dot --db "$DB" --group /40,/200
expect_error 1 "--metric: 'weight'" X dot --db "$DB" --metric weight
expect_error 1 "--layout: 'spring'" X png --db "$DB" --layout spring
expect_error 1 "--top: does not apply to csv" X csv --db "$DB" --top 3
expect_error 2 "give a folder with -o DIR" X circos-bundle --db "$DB"
expect_error 1 "$T/no/dir/g.dot" X dot --db "$DB" -o "$T/no/dir/g.dot"
finish
