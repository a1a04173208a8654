#!/bin/bash
# pictures.sh - graph pictures stay readable at real scale: on a database of
# thousands of hosts (the shared capture corpus when it is there, else
# committed captures rewritten by tcprewrite to many addresses), the
# default graph.png and graph.svg over HTTP are at most 3:1 and 4000 px,
# carry their caption (SVG text, PNG iTXt and pixels in the caption band)
# and draw min(hosts, cap) nodes; what a reduction hid adds up with what
# is shown to what an independent sqlite3 query counts; bad values of the
# reduction options are refused, naming them.
. "$(dirname "$0")/lib.sh"
need curl
need sqlite3
need python3
need tcprewrite
need dot

DB="$T/big.db"
many_hosts_db "$DB"
HOSTS=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT src FROM edges
    JOIN windows w ON w.id = window_id WHERE w.tier = 0 UNION
    SELECT dst FROM edges JOIN windows w ON w.id = window_id
    WHERE w.tier = 0)")
PAIRS=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT DISTINCT src, dst
    FROM edges JOIN windows w ON w.id = window_id WHERE w.tier = 0)")
PACKETS=$(sqlite3 "$DB" "SELECT sum(packets) FROM edges JOIN windows w
    ON w.id = window_id WHERE w.tier = 0")
echo "database: $HOSTS hosts, $PAIRS address pairs, $PACKETS packets"
check "the database has more hosts than a picture draws ($HOSTS)" \
    test "$HOSTS" -gt 150

serve_start "$DB"
get() {	# PATH OUT: status on stdout, headers in OUT.h
	curl -s -g -o "$2" -D "$2.h" -w '%{http_code}' "http://127.0.0.1:$P$1"
}

# The default pictures.
check "graph.png: 200" test "$(get /api/v1/graph.png "$T/g.png")" = 200
check "graph.svg: 200" test "$(get /api/v1/graph.svg "$T/g.svg")" = 200
python3 - "$T/g.png" "$T/g.svg" "$HOSTS" 100 <<'PY' || fail "the pictures"
import re, struct, sys, zlib
import xml.etree.ElementTree as ET

png, svg, hosts, cap = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
want = min(hosts, cap)
bad = []

# PNG: size, the caption chunk, and ink in the caption band
d = open(png, "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", d[16:24])
depth, ctype, interlace = d[24], d[25], d[28]
print("graph.png: %d x %d px" % (w, h))
if max(w, h) / min(w, h) > 3: bad.append("PNG %dx%d is wider than 3:1" % (w, h))
if max(w, h) > 4000: bad.append("PNG %dx%d is over 4000 px" % (w, h))
at, idat, text = 8, b"", None
while at < len(d):
    n, = struct.unpack(">I", d[at:at + 4]); kind = d[at + 4:at + 8]
    body = d[at + 8:at + 8 + n]
    if kind == b"IDAT": idat += body
    if kind == b"iTXt" and body.startswith(b"Description\0"):
        text = body.split(b"\0", 5)[-1].decode()
    at += 12 + n
if text is None or "showing %d of %d hosts" % (want, hosts) not in text:
    bad.append("PNG caption chunk: %r" % text)
# unfilter the first rows (8-bit RGB or RGBA, not interlaced)
if depth == 8 and ctype in (2, 6) and interlace == 0:
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    dark = 0
    for y in range(min(h, 90)):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            if max(line[x:x + 3]) < 100: dark += 1
        prev = line
    print("caption band: %d dark pixels" % dark)
    if dark < 200: bad.append("no caption text drawn in the top band (%d)" % dark)
else:
    bad.append("PNG of an unexpected kind: depth %d type %d" % (depth, ctype))

# SVG: size from the viewBox, caption text, the nodes drawn
t = ET.parse(svg).getroot()
ns = "{http://www.w3.org/2000/svg}"
vb = [float(x) for x in t.get("viewBox").split()]
sw, sh = vb[2], vb[3]
print("graph.svg: %.0f x %.0f" % (sw, sh))
if max(sw, sh) / min(sw, sh) > 3: bad.append("SVG %.0fx%.0f wider than 3:1" % (sw, sh))
if max(sw, sh) * 96 / 72 > 4000: bad.append("SVG %.0fx%.0f pt over 4000 px" % (sw, sh))
texts = " ".join((e.text or "") for e in t.iter(ns + "text"))
for want_text in ("UTC, weight = packets", "showing %d of %d hosts" % (want, hosts),
                  "edge width"):
    if want_text not in texts: bad.append("SVG text lacks %r" % want_text)
nodes = [g for g in t.iter(ns + "g") if g.get("class") == "node"]
if len(nodes) != want: bad.append("SVG draws %d nodes, not %d" % (len(nodes), want))
if bad:
    print("\n".join(bad)); sys.exit(1)
PY
check "graph.png says what it hid in X-Ipgraph-Note" grep -qi \
    "^x-ipgraph-note: showing 100 of $HOSTS hosts" "$T/g.png.h"

# What is shown and what is hidden add up (JSON), against sqlite3.
for q in "max_nodes=25" "max_nodes=25&other=yes" "top=7" "min_weight=50" \
    "max_nodes=60&min_weight=3&other=yes"; do
	check "edges.json?$q: 200" test "$(get "/api/v1/edges.json?$q" \
	    "$T/q.json")" = 200
	python3 - "$T/q.json" "$HOSTS" "$PAIRS" "$PACKETS" "$q" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1]))
hosts, pairs, packets, q = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
f = d["found"]
assert (f["hosts"], f["edges"], f["packets"]) == (hosts, pairs, packets), (f, hosts, pairs, packets)
shown = [n for n in d["nodes"] if n["address"] != "other"]
links = d["links"]
assert d["packets"] == sum(l["packets"] for l in links), "packets do not add up"
opts = dict(kv.split("=") for kv in q.split("&"))
if "max_nodes" in opts: assert len(shown) <= int(opts["max_nodes"]), len(shown)
if "other" in opts:
    assert d["packets"] == packets, "with other, every packet is shown"
else:
    assert "other" not in [n["address"] for n in d["nodes"]]
    if "min_weight" in opts:
        assert all(l["value"] >= int(opts["min_weight"]) for l in links)
if "top" in opts: assert len(links) == int(opts["top"]), len(links)
assert d["hidden"] == (len(shown) < hosts or d["packets"] < packets or len(links) < pairs)
want = "showing %d of %d hosts, %d of %d edges" % (len(shown), hosts, len(links), pairs)
assert want in d["caption"], (want, d["caption"])
print("%s: %d hosts, %d edges, %d of %d packets" % (q, len(shown), len(links), d["packets"], packets))
PY
	    fail "edges.json?$q: shown and hidden do not add up"
done

# The command line: the same caption, and a note on stderr when a picture's
# own cap hid something.
"$IPGRAPH" export dot --db "$DB" -o "$T/cli.dot" 2>"$T/cli.err"
check "export dot: a note on stderr says what the cap hid" grep -q \
    "showing 100 of $HOSTS hosts" "$T/cli.err"
check "export dot: dot reads it" dot -Tsvg "$T/cli.dot" -o "$T/cli.svg"
"$IPGRAPH" export json --db "$DB" -o "$T/all.json" 2>"$T/json.err"
check "export json: no cap, no note" test ! -s "$T/json.err"
check "export json: every host" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(len(d['nodes']) != int(sys.argv[2]) or d['hidden'])" "$T/all.json" "$HOSTS"

# The picture cache: a picture asked for again is the same bytes, from
# memory; requests for a picture being drawn wait for it (or get 503 when
# the queue is full), so it is laid out once; the cache holds its bound.
metric() {	# NAME: its value in /metrics
	curl -s "http://127.0.0.1:$P/metrics" | sed -n "s/^$1 //p"
}
serve_start "$DB"
check "cold graph.png: 200" test "$(get /api/v1/graph.png "$T/c1.png")" = 200
check "graph.png again: 200" test "$(get /api/v1/graph.png "$T/c2.png")" = 200
check "graph.png again: the same bytes" cmp -s "$T/c1.png" "$T/c2.png"
check "graph.png again: from the cache (1 hit, 1 miss)" test \
    "$(metric ipgraph_picture_cache_hits_total)/$(metric \
    ipgraph_picture_cache_misses_total)" = 1/1
pids=
for i in 1 2 3 4 5 6; do
	get '/api/v1/graph.svg?top=40' "$T/b$i.svg" >"$T/b$i.code" &
	pids="$pids $!"
done
wait $pids
ref=$(grep -lx 200 "$T"/b?.code | head -n 1)
check "burst: at least one 200" test -n "$ref"
ref=${ref%.code}.svg
for i in 1 2 3 4 5 6; do
	case $(cat "$T/b$i.code") in
	200)	check "burst $i: the same picture" cmp -s "$ref" "$T/b$i.svg";;
	503)	check "burst $i: 503 says when to come back" grep -qi \
		    '^retry-after: 1' "$T/b$i.svg.h";;
	*)	fail "burst $i: status $(cat "$T/b$i.code")";;
	esac
done
check "burst of one picture: laid out once (2 misses in all)" test \
    "$(metric ipgraph_picture_cache_misses_total)" = 2
serve_start "$DB" --picture-cache 300k
for n in $(seq 3 30); do
	get "/api/v1/graph.svg?top=$n" "$T/s.svg" >/dev/null
done
b=$(metric ipgraph_picture_cache_bytes)
check "a 300k cache holds at most 300k ($b)" test "$b" -le 307200
check "a 300k cache pushed pictures out" test \
    "$(metric ipgraph_picture_cache_evictions_total)" -gt 0
check "a 300k cache: bound in /metrics" test \
    "$(metric ipgraph_picture_cache_max_bytes)" = 307200
serve_start "$DB" --picture-cache 0
get /api/v1/graph.svg "$T/n1.svg" >/dev/null
get /api/v1/graph.svg "$T/n2.svg" >/dev/null
check "--picture-cache 0: nothing kept" test \
    "$(metric ipgraph_picture_cache_entries)/$(metric \
    ipgraph_picture_cache_hits_total)" = 0/0
check "--picture-cache 0: the same picture drawn twice" cmp -s "$T/n1.svg" \
    "$T/n2.svg"
expect_error 1 "^ipgraph: --picture-cache: '2G' is not a size" \
    "$IPGRAPH" serve --db "$DB" --picture-cache 2G

# A picture's whole answer is kept as well (asked again, the query is not
# read again), under the state of the database: what an import adds while
# the server runs is in the next answer, which is the command line's.
M="$T/memo.db"
"$IPGRAPH" import -q --db "$M" "$DATA/pcapplusplus-input.pcap" ||
    fail "import into memo.db"
serve_start "$M" --threads 1
get '/api/v1/graph.dot?top=5' "$T/m1.dot" >/dev/null
get '/api/v1/graph.dot?top=5' "$T/m2.dot" >/dev/null
check "a picture asked again: the same answer" cmp -s "$T/m1.dot" \
    "$T/m2.dot"
check "a picture asked again: the same note" test \
    "$(grep -i '^x-ipgraph-note' "$T/m1.dot.h")" = \
    "$(grep -i '^x-ipgraph-note' "$T/m2.dot.h")"
# the pictures drawn with cairo too (histogram, port ring): kept whole
for r in histogram.png histogram.svg ports.png ports.svg; do
	h0=$(metric ipgraph_picture_cache_hits_total)
	get "/api/v1/$r" "$T/k1.$r" >/dev/null
	get "/api/v1/$r" "$T/k2.$r" >/dev/null
	h1=$(metric ipgraph_picture_cache_hits_total)
	check "$r asked again: the same bytes" cmp -s "$T/k1.$r" "$T/k2.$r"
	check "$r asked again: from memory (hits $h0 -> $h1)" \
	    test "$h1" = $((h0 + 1))
done
"$IPGRAPH" import -q --db "$M" "$DATA/pcapplusplus-one_http_stream_rst.pcap" \
    "$DATA/gopacket-le-test200.pcapng" || fail "a second import into memo.db"
"$IPGRAPH" export dot --db "$M" --top 5 -o "$T/m3.cli.dot" 2>/dev/null
get '/api/v1/graph.dot?top=5' "$T/m3.dot" >/dev/null
check "after an import: another answer" test -n "$(cmp "$T/m1.dot" \
    "$T/m3.dot" 2>&1)"
check "after an import: the command line's answer" cmp -s "$T/m3.dot" \
    "$T/m3.cli.dot"
get /api/v1/ports.svg "$T/k3.ports.svg" >/dev/null
check "after an import: another port ring" test -n "$(cmp \
    "$T/k1.ports.svg" "$T/k3.ports.svg" 2>&1)"

# A picture whose minute windows hold more rows than max_rows is drawn
# from the hour windows when the tier was left to the server, and says
# so; data formats and an asked tier stay exact (the 422).
H="$T/hours.db"
"$IPGRAPH" import -q --db "$H" "$DATA/pcapplusplus-ipv4-options.pcap" ||
    fail "import into hours.db"
edge_rows() {	# TIER: edge rows of the windows of that tier
	sqlite3 "$H" "SELECT count(*) FROM edges e JOIN windows w
	    ON w.id = e.window_id WHERE w.tier = $1"
}
raw=$(edge_rows 0)
hour=$(edge_rows 1)
check "hours.db: fewer edge rows in hours ($hour) than minutes ($raw)" \
    test "$hour" -gt 0 -a "$hour" -lt "$raw"
serve_start "$H" --max-rows "$hour"
code=$(get /api/v1/ports.svg "$T/h1.svg")
check "port ring over max_rows in minutes: drawn from the hours ($code)" \
    test "$code" = 200
check "... with a note saying so" grep -qi \
    '^x-ipgraph-note: drawn from the hour windows.*max_rows' "$T/h1.svg.h"
get '/api/v1/ports.svg?tier=hour' "$T/h2.svg" >/dev/null
check "... the picture tier=hour gives" cmp -s "$T/h1.svg" "$T/h2.svg"
check "tier=raw asked: 422" test \
    "$(get '/api/v1/ports.svg?tier=raw' "$T/h3")" = 422
check "edges.json stays exact: 422" test \
    "$(get /api/v1/edges.json "$T/h4")" = 422
serve_start "$H" --max-rows "$((hour - 1))"
check "over max_rows in the hours too: 422" test \
    "$(get /api/v1/ports.svg "$T/h5")" = 422
check "... naming the limit" grep -q 'max_rows' "$T/h5"

# Bad values, named.
expect_error 1 '^ipgraph: --max-nodes: must be at least 1' \
    "$IPGRAPH" export dot --db "$DB" --max-nodes 0
expect_error 1 "^ipgraph: --min-weight: '-3' is not a weight" \
    "$IPGRAPH" export dot --db "$DB" --min-weight -3
check "HTTP max_nodes=0: 400" test "$(get '/api/v1/graph.dot?max_nodes=0' \
    "$T/e")" = 400
check "the 400 names max_nodes" grep -q '"parameter": "max_nodes"' "$T/e"
check "HTTP min_weight=x: 400" test "$(get '/api/v1/graph.dot?min_weight=x' \
    "$T/e")" = 400
check "edges.csv refuses max_nodes (stored rows)" test \
    "$(get '/api/v1/edges.csv?max_nodes=3' "$T/e")" = 400
finish
