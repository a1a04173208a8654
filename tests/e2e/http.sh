#!/bin/bash
# http.sh - `ipgraph serve` on an imported corpus, on loopback ports it
# picks itself, queried with curl: every route checked by its real
# consumer (dot, circos, seqdiag3, Python's json, xml and tarfile, the
# CLI's own export for byte equality), every bad input, the token, TLS
# with a certificate made here, path traversal, ETag and gzip, limits.
. "$(dirname "$0")/lib.sh"
need curl
need python3
need dot
need circos
need seqdiag3
need openssl
need sqlite3
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$IPGRAPH_KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
[ -n "$IPGRAPH_KEEP" ] && echo "temporary files: $T"

DB="$T/all.db"
for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	n=${f##*/}
	"$IPGRAPH" import -q --db "$DB" --sensor "${n%.*}" "$f" 2>/dev/null
	[ $? -le 1 ] || fail "import of $n"
done

# serve [OPTIONS...]: start `ipgraph serve` on free loopback ports (IPv4
# and IPv6); sets P (IPv4 port), P6, U (base URL).
serve() {
	stop_serve
	: >"$T/log"
	"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --listen '[::1]:0' \
	    "$@" >>"$T/log" 2>&1 &
	SPID=$!
	for _ in $(seq 1 50); do
		grep -q "serving" "$T/log" && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	P=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/log")
	P6=$(sed -n 's/.*listening on \[::1\]:\([0-9]*\).*/\1/p' "$T/log")
	U="http://127.0.0.1:$P"
	[ -n "$P" ] && [ -n "$P6" ] ||
	    { fail "serve did not start: $(cat "$T/log")"; return 1; }
}
stop_serve() {
	if [ -n "$SPID" ]; then
		kill "$SPID" 2>/dev/null
		wait "$SPID"
		local rc=$?
		[ "$rc" -eq 0 ] || fail "serve exited $rc on SIGTERM: $(tail -5 "$T/log")"
	fi
	SPID=""
}

# get PATH OUT [CURL ARGS...]: fetch; the status code goes to stdout, the
# headers to OUT.h.
get() {
	local path=$1 out=$2
	shift 2
	curl -s -g -o "$out" -D "$out.h" -w '%{http_code}' "$@" "$U$path"
}
hdr() { sed -n "s/^$1: *//Ip" "$2.h" | tr -d '\r' | head -1; }
isjson() { python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"; }
isxml() { python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$1"; }
# ispng FILE BYTES: a whole PNG (signature, IHDR, IEND) of BYTES bytes
ispng() { python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
assert len(d) == int(sys.argv[2]), "%d bytes, Content-Length %s" % (len(d), sys.argv[2])
assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR", "not a PNG"
w, h = struct.unpack(">II", d[16:24]); assert w > 0 and h > 0
assert d[-8:-4] == b"IEND", "no IEND"' "$1" "$2"; }
# jerr FILE PARAM: FILE must be a JSON error body naming PARAM ("null"
# for none); checked in one batch by jerr_check (Python starts slowly).
JERR=0
jerr() {
	JERR=$((JERR + 1))
	cp "$1" "$T/jerr.$JERR"
	printf '%s %s\n' "$T/jerr.$JERR" "$2" >>"$T/jerr.list"
}
jerr_check() {
	python3 - "$T/jerr.list" <<'PY' || fail "JSON error bodies (above)"
import json, sys
bad = 0
for line in open(sys.argv[1]):
    f, want = line.split()
    want = None if want == "null" else want
    try:
        d = json.load(open(f))
        assert isinstance(d.get("error"), str) and d["error"], d
        assert d.get("parameter", "missing") == want, (d, want)
    except Exception as e:
        print("FAIL: %s: %s" % (f, e), file=sys.stderr)
        bad += 1
sys.exit(bad != 0)
PY
	CHECKS=$((CHECKS + JERR))
}

serve
# 1. Every route, its type, and its consumer.
F="from=2000-01-01&to=now"
for r in graph.dot graph.svg graph.png circos circos.tar.gz moowheel.json \
    edges.csv edges.json seq.diag seq.mmd seq.svg windows stats; do
	code=$(get "/api/v1/$r?$([ "$r" = stats ] || echo "$F")" "$T/r.$r")
	check "$r answers 200 (got $code: $(head -c 200 "$T/r.$r" | tr -d "\0"))" \
	    test "$code" = 200
done
check "graph.dot is DOT" test "$(hdr content-type "$T/r.graph.dot")" = \
    "text/vnd.graphviz; charset=utf-8"
check "graph.dot has a Content-Disposition" \
    grep -qi '^content-disposition: attachment; filename="graph.dot"' \
    "$T/r.graph.dot.h"
check "dot -Tsvg accepts graph.dot" dot -Tsvg -o "$T/d.svg" "$T/r.graph.dot"
"$IPGRAPH" export dot --db "$DB" --from 2000-01-01 --to now >"$T/cli.dot"
check "graph.dot equals ipgraph export dot" cmp -s "$T/cli.dot" \
    "$T/r.graph.dot"
check "graph.svg is image/svg+xml" test \
    "$(hdr content-type "$T/r.graph.svg")" = image/svg+xml
check "graph.svg parses as XML" isxml "$T/r.graph.svg"
check "graph.png is image/png" test "$(hdr content-type "$T/r.graph.png")" \
    = image/png
check "graph.png is a whole PNG of its Content-Length" ispng \
    "$T/r.graph.png" "$(hdr content-length "$T/r.graph.png")"
"$IPGRAPH" export circos --db "$DB" --from 2000-01-01 --to now >"$T/cli.tsv"
check "circos equals ipgraph export circos" cmp -s "$T/cli.tsv" \
    "$T/r.circos"
check "moowheel.json parses" isjson "$T/r.moowheel.json"
check "edges.json parses" isjson "$T/r.edges.json"
"$IPGRAPH" export json --db "$DB" --from 2000-01-01 --to now >"$T/cli.json"
check "edges.json equals ipgraph export json" cmp -s "$T/cli.json" \
    "$T/r.edges.json"
check "windows parses" isjson "$T/r.windows"
get /api/v1/windows "$T/w" >/dev/null
nw=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["count"])' "$T/w")
sw=$(sqlite3 "$DB" "SELECT count(*) FROM windows WHERE tier = 0")
check "windows lists every raw window ($nw, sqlite3 $sw)" test "$nw" = "$sw"
check "stats parses" isjson "$T/r.stats"
check "seq.diag is accepted by seqdiag3" seqdiag3 -Tsvg -o "$T/s.svg" \
    "$T/r.seq.diag"
check "seq.mmd is a Mermaid sequence diagram" grep -q '^sequenceDiagram' \
    "$T/r.seq.mmd"
check "seq.svg parses as XML" isxml "$T/r.seq.svg"
# API answers in gzip when asked: the same bytes once gunzip'd, text only,
# never when refused (q=0), never for PNG, tar.gz or short answers.
for r in graph.dot graph.svg edges.json edges.csv moowheel.json seq.svg; do
	code=$(get "/api/v1/$r?$F" "$T/z.$r" -H 'Accept-Encoding: br, gzip')
	check "$r in gzip answers 200 (got $code)" test "$code" = 200
	check "$r says Content-Encoding: gzip" test \
	    "$(hdr content-encoding "$T/z.$r")" = gzip
	check "$r says Vary: Accept-Encoding" grep -qi \
	    '^vary: accept-encoding' "$T/z.$r.h"
	check "$r in gzip is smaller" test "$(stat -c %s "$T/z.$r")" -lt \
	    "$(stat -c %s "$T/r.$r")"
	gzip -dc <"$T/z.$r" >"$T/z.$r.out" 2>/dev/null
	check "$r gunzip'd is the plain answer" cmp -s "$T/z.$r.out" \
	    "$T/r.$r"
	get "/api/v1/$r?$F" "$T/q.$r" -H 'Accept-Encoding: gzip;q=0' \
	    >/dev/null
	check "$r with gzip;q=0 is not compressed" test -z \
	    "$(hdr content-encoding "$T/q.$r")"
done
for r in graph.png circos.tar.gz; do
	get "/api/v1/$r?$F" "$T/z.$r" -H 'Accept-Encoding: gzip' >/dev/null
	check "$r is never gzipped again" test -z \
	    "$(hdr content-encoding "$T/z.$r")"
done
check "graph.png is the same bytes asked for gzip" cmp -s "$T/z.graph.png" \
    "$T/r.graph.png"
check "circos.tar.gz asked for gzip is one gzip layer" sh -c \
    'gzip -dc <"$1" | tar -tf - >/dev/null' sh "$T/z.circos.tar.gz"
get /healthz "$T/z.healthz" -H 'Accept-Encoding: gzip' >/dev/null
check "a short answer (/healthz) is sent as it is" test -z \
    "$(hdr content-encoding "$T/z.healthz")"
check "seq.* says it is drawn from edges" grep -qi '^x-ipgraph-note: drawn from stored edges' "$T/r.seq.svg.h"
# seq.svg of every stored edge (47 hosts): at most 12 lifelines and one
# "others" lane, at most 4000 px wide, and a top line (the SVG <title>)
# whose arrows, packets, bytes and hosts are sqlite3's own counts.
code=$(get /api/v1/seq.svg "$T/all.seq.svg")
check "seq.svg of everything answers 200 (got $code)" test "$code" = 200
python3 - "$DB" "$T/all.seq.svg" <<'PY' && pass || fail "seq.svg: lanes, width, counts"
import re, sqlite3, sys
import xml.etree.ElementTree as ET
db, path = sys.argv[1:]
root = ET.parse(path).getroot()
ns = "{http://www.w3.org/2000/svg}"
w = float(root.get("viewBox").split()[2])
assert w <= 4000, "seq.svg is %g px wide" % w
boxes = sum(1 for p in root.iter(ns + "path")
            if "fill:rgb(93%,95%,100%)" in p.get("style", ""))
title = root.find(ns + "title").text
m = re.match(r"(\d+) arrows \(one per edge per window, at its first packet\), "
             r"(\d+) packets, (\d+) bytes; (\d+) hosts: the 12 with the most "
             r"bytes drawn, (\d+) in \"others\"; times UTC", title)
assert m, title
c = sqlite3.connect(db)
rows = "FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0"
n, pk, by = c.execute("SELECT count(*), sum(packets), sum(e.bytes) " + rows).fetchone()
hosts, = c.execute("SELECT count(*) FROM (SELECT src %s UNION SELECT dst %s)"
                   % (rows, rows)).fetchone()
got = tuple(int(x) for x in m.groups())
assert got == (n, pk, by, hosts, hosts - 12), (got, (n, pk, by, hosts))
assert boxes == 13, "%d lifelines, want 12 and others" % boxes
PY

# The Circos bundle: the CLI's folder, file for file, and circos draws it.
code=$(get "/api/v1/circos.tar.gz?top=15" "$T/b.tgz")
check "circos.tar.gz?top=15 answers 200" test "$code" = 200
mkdir "$T/bx"
check "circos.tar.gz unpacks" tar -xzf "$T/b.tgz" -C "$T/bx"
"$IPGRAPH" export circos-bundle --db "$DB" --top 15 -o "$T/bc" 2>/dev/null
check "the bundle equals ipgraph export circos-bundle" \
    diff -r "$T/bc" "$T/bx/ipgraph-circos"
(cd "$T/bx" && circos -conf "$T/bx/ipgraph-circos/circos.conf" \
    >"$T/circos.log" 2>&1) || fail "circos on the bundle: $(tail -5 "$T/circos.log")"
check "circos draws the downloaded bundle" test -s "$T/bx/ipgraph-circos/circos.png"

# CSV equals the CLI's for the same filters (and over IPv6).
for q in "" "host=172.16.0.0/12" "proto=udp&from=2000-01-01" "port=80" \
    "src=2001:618::/32" "sensor=pcapplusplus-input"; do
	args=$(echo "$q" | tr '&' '\n' | sed -n 's/^\([a-z]*\)=\(.*\)$/--\1 \2/p')
	# shellcheck disable=SC2086
	"$IPGRAPH" export csv --db "$DB" $args >"$T/cli.csv"
	code=$(get "/api/v1/edges.csv?$q" "$T/h.csv")
	check "edges.csv?$q: 200 ($code)" test "$code" = 200
	check "edges.csv?$q equals ipgraph export csv" cmp -s "$T/cli.csv" \
	    "$T/h.csv"
done
check "edges.csv over IPv6" test "$(curl -s -g "http://[::1]:$P6/api/v1/edges.csv" |
    md5sum)" = "$("$IPGRAPH" export csv --db "$DB" | md5sum)"
check "top=3 keeps three edges" test "$(curl -s "$U/api/v1/edges.json?top=3" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["links"]))')" = 3
code=$(get "/api/v1/graph.dot?metric=bytes&top=2" "$T/m.dot")
check "metric=bytes&top=2: dot accepts it" dot -Tsvg -o /dev/null "$T/m.dot"
code=$(get "/api/v1/graph.dot" "$T/h.dot" -I)
check "HEAD works ($code)" test "$code" = 200

# 2. /metrics, /healthz, live without a capture.
get /metrics "$T/metrics" >/dev/null
check "/metrics is Prometheus text" grep -q '^ipgraph_http_requests_total{route="/api/v1/graph.dot",code="200"} [0-9]' "$T/metrics"
python3 - "$T/metrics" <<'PY' || fail "/metrics does not parse as exposition text"
import re, sys
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# HELP ") or line.startswith("# TYPE "):
        continue
    assert re.match(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [0-9.eE+-]+$', line), line
PY
code=$(get /healthz "$T/hz")
check "/healthz 200 ($code)" test "$code" = 200
code=$(get /api/v1/live "$T/live")
check "live without capture is a 404 with a reason ($code)" test "$code" = 404
jerr "$T/live" null

# 3. Bad input: 4xx, a JSON body naming the parameter.
bad() {
	local want=$1 param=$2 path=$3 code
	shift 3
	code=$(get "$path" "$T/bad" "$@")
	check "$path: $want (got $code)" test "$code" = "$want"
	jerr "$T/bad" "$param"
}
bad 400 bogus "/api/v1/graph.dot?bogus=1"
bad 400 host "/api/v1/graph.dot?host=10.0.0.300"
bad 400 src "/api/v1/edges.json?src=10.0.0.0/33"
bad 400 dst "/api/v1/edges.json?dst=2001:db8::/129"
bad 400 from "/api/v1/edges.json?from=now&to=-1h"
bad 400 from "/api/v1/edges.json?from=yesterday-ish"
bad 400 top "/api/v1/graph.dot?top=ten"
bad 400 top "/api/v1/graph.dot?top=0"
bad 400 port "/api/v1/graph.dot?port=70000"
bad 400 proto "/api/v1/graph.dot?proto=ipx"
bad 400 metric "/api/v1/graph.dot?metric=flows"
bad 400 layout "/api/v1/graph.png?layout=spring"
bad 400 top "/api/v1/edges.csv?top=3"
bad 400 bogus "/api/v1/windows?bogus=1"
bad 400 x "/api/v1/stats?x=1"
bad 404 null "/api/v1/graph.gif"
bad 404 null "/api/v2/graph.dot"
bad 405 null "/api/v1/graph.dot" -X POST -d x=1
bad 405 null "/api/v1/graph.dot" -X DELETE
check "405 says Allow: GET, HEAD" test "$(hdr allow "$T/bad")" = "GET, HEAD"
long=$(head -c 9000 /dev/zero | tr '\0' a)
bad 414 null "/api/v1/graph.dot?sensor=$long"
bad 431 null "/api/v1/graph.dot" -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' b)" \
    -H "X-Big2: $(head -c 9000 /dev/zero | tr '\0' c)"
check "the server lives on after bad input" test \
    "$(get /api/v1/edges.json "$T/ok")" = 200
# a client that hangs up mid-response costs nothing
for _ in 1 2 3 4 5; do
	curl -s "$U/api/v1/graph.svg" | head -c 10 >/dev/null
	curl -s --max-time 0.01 "$U/api/v1/graph.png" >/dev/null
done
check "the server lives on after clients hung up" test \
    "$(get /api/v1/graph.dot "$T/ok")" = 200

# 4. Static files: types, ETag, Last-Modified, gzip, no escape.
W="$T/www"
mkdir -p "$W/sub" "$T/outside"
printf '<!doctype html><title>t</title>%0500d\n' 0 >"$W/index.html"
printf 'body { color: black; }\n' >"$W/sub/a.css"
printf 'secret\n' >"$T/outside/secret.txt"
ln -s "$T/outside/secret.txt" "$W/link.txt"
serve --www "$W"
code=$(get / "$T/idx")
check "/ serves index.html ($code)" cmp -s "$W/index.html" "$T/idx"
check "index.html is text/html" test "$(hdr content-type "$T/idx")" = \
    "text/html; charset=utf-8"
check "text/css for .css" test "$(get /sub/a.css "$T/css")" = 200 -a \
    "$(hdr content-type "$T/css")" = "text/css; charset=utf-8"
etag=$(hdr etag "$T/idx")
lm=$(hdr last-modified "$T/idx")
check "an ETag ($etag) and Last-Modified ($lm)" test -n "$etag" -a -n "$lm"
check "If-None-Match gives 304" test \
    "$(get / "$T/n" -H "If-None-Match: $etag")" = 304
check "If-Modified-Since gives 304" test \
    "$(get / "$T/n" -H "If-Modified-Since: $lm")" = 304
code=$(get /index.html "$T/gz" -H 'Accept-Encoding: gzip')
check "gzip when accepted" test "$(hdr content-encoding "$T/gz")" = gzip
check "the gzip body is the file" test "$(gunzip -c <"$T/gz" | md5sum)" = \
    "$(md5sum <"$W/index.html")"
check "no gzip when refused" test -z "$(get /index.html "$T/nz" \
    -H 'Accept-Encoding: gzip;q=0' >/dev/null; hdr content-encoding "$T/nz")"
for p in "/../outside/secret.txt" "/sub/../../outside/secret.txt" \
    "/%2e%2e/outside/secret.txt" "/..%2foutside%2fsecret.txt" \
    "/sub/%2e%2e/%2e%2e/outside/secret.txt" "//etc/passwd" \
    "/link.txt" "/..%5c..%5cetc%5cpasswd" "/sub/..%00/x"; do
	code=$(get "$p" "$T/trav" --path-as-is)
	check "$p: refused ($code)" test "$code" = 404 -o "$code" = 400
	check "$p: nothing leaks" sh -c "! grep -q -e '^secret' -e root: '$T/trav'"
done
check "no CORS header by default" test -z "$(hdr access-control-allow-origin "$T/ok")"

# 5. Limits: rows scanned, nodes drawn; CORS when configured.
serve --max-rows 5
code=$(get /api/v1/edges.json "$T/lim")
check "over max_rows: 422 ($code)" test "$code" = 422
check "the 422 names the limit and how to narrow" grep -q 'max_rows.*narrow' "$T/lim"
jerr "$T/lim" from
code=$(get "/api/v1/edges.csv" "$T/lim2")
check "edges.csv over max_rows: 422 ($code)" test "$code" = 422
jerr "$T/lim2" from
check "a small query passes under the limit" test \
    "$(get "/api/v1/edges.json?sensor=pcap4j-PppPacketTest" "$T/lim3")" = 200
for s in seq.svg seq.json seq.mmd seq.diag; do
	code=$(get "/api/v1/$s" "$T/lim4")
	check "$s over max_rows: 422 ($code)" test "$code" = 422
	check "... naming the limit and how to narrow" \
	    grep -q 'max_rows.*narrow' "$T/lim4"
	jerr "$T/lim4" from
	check "$s: a small query passes under the limit" test \
	    "$(get "/api/v1/$s?sensor=pcap4j-PppPacketTest" "$T/lim5")" = 200
done
serve --max-nodes 4 --cors https://dash.example
code=$(get "/api/v1/graph.svg" "$T/cap")
note=$(hdr x-ipgraph-note "$T/cap")
check "a capped picture says so ($code, $note)" sh -c "[ $code = 200 ] && echo '$note' | grep -q '^showing 4 of [0-9]* hosts'"
code=$(get "/api/v1/graph.svg?max_nodes=50" "$T/cap")
note=$(hdr x-ipgraph-note "$T/cap")
check "asking for more than the server draws says so ($code, $note)" sh -c "[ $code = 200 ] && echo '$note' | grep -q 'this server draws at most 4 hosts'"
get /api/v1/stats "$T/c" >/dev/null
check "CORS origin when configured" test \
    "$(hdr access-control-allow-origin "$T/c")" = https://dash.example
check "CORS preflight" test "$(get /api/v1/graph.dot "$T/pf" -X OPTIONS)" = 204

# 6. The token: 401 without or wrong, 200 with; never logged.
TOKEN="t0k-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
echo "$TOKEN" >"$T/token"
serve --token-file "$T/token" --threads 2
check "no token: 401" test "$(get /api/v1/edges.json "$T/t")" = 401
jerr "$T/t" null
check "401 asks for Bearer" grep -qi '^www-authenticate: bearer' "$T/t.h"
check "wrong token: 401" test "$(get /api/v1/edges.json "$T/t" \
    -H "Authorization: Bearer ${TOKEN}x")" = 401
check "short token: 401" test "$(get /api/v1/edges.json "$T/t" \
    -H "Authorization: Bearer ${TOKEN%?}")" = 401
check "/metrics needs it too" test "$(get /metrics "$T/t")" = 401
check "right token: 200" test "$(get /api/v1/edges.json "$T/t" \
    -H "Authorization: Bearer $TOKEN")" = 200
check "right token on /metrics: 200" test "$(get /metrics "$T/t" \
    -H "Authorization: Bearer $TOKEN")" = 200
check "/healthz needs no token" test "$(get /healthz "$T/t")" = 200
stop_serve
check "the token is never logged" sh -c "! grep -q '$TOKEN' '$T/log'"

# 7. TLS with a self-signed certificate made here.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" \
    -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
    fail "openssl could not make a certificate"
serve --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
U="https://127.0.0.1:$P"
check "https with the test CA: 200" test "$(get /api/v1/edges.json "$T/tls" \
    --cacert "$T/cert.pem")" = 200
check "the TLS body parses" isjson "$T/tls"
check "https over IPv6" test "$(curl -s -g -o /dev/null -w '%{http_code}' \
    --cacert "$T/cert.pem" "https://[::1]:$P6/healthz")" = 200
check "an unknown certificate is refused by curl" sh -c \
    "! curl -s -o /dev/null '$U/healthz'"
check "plain HTTP on the TLS port gets no answer" sh -c \
    "! curl -s --max-time 3 -o /dev/null -w '%{http_code}' 'http://127.0.0.1:$P/healthz' | grep -q 200"
stop_serve

jerr_check

# 8. Startup errors name what is wrong.
expect_error 1 "listen: 'nonsense' is not" "$IPGRAPH" serve --db "$DB" --listen nonsense
expect_error 1 "no such database" "$IPGRAPH" serve --db "$T/none.db"
expect_error 1 "token_file.*/missing" "$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --token-file "$T/missing"
expect_error 1 "tls_cert and tls_key go together" "$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem"

finish
