#!/bin/bash
# dns.sh - passive DNS against tshark.  A dnsmasq in the sensor's network
# namespace answers dig in the sender's (A, AAAA, a CNAME chain, over UDP
# and TCP) while tcpdump records the link and ipgraphd captures it: the
# names ipgraph stores from the capture file, and the ones ipgraphd stored
# live, must equal what tshark reads from the same capture (dns.qry.name
# with dns.a and dns.aaaa of every answer).  The graph labels the
# resolver's address by the name it was told (name_source dns), a names
# file still wins (config).  Hostile answers made by hand (compression
# loops, pointers past the end, a cut record, a name with a quote and
# control bytes) yield no name or an escaped one, in every format.
# Needs root.
. "$(dirname "$0")/lib.sh"
need tcpdump
need dnsmasq
need dig
need tshark
need python3
need sqlite3
need curl
need openssl
sensor_setup dn

SRV=10.53.0.2 CLI=10.53.0.1
ip netns exec "$SND" ip addr add "$CLI/24" dev "$A" &&
    ip netns exec "$SEN" ip addr add "$SRV/24" dev "$B" &&
    ip netns exec "$SEN" ip addr add 10.53.0.3/24 dev "$B" &&
    ip netns exec "$SEN" ip addr add 10.53.0.4/24 dev "$B" &&
    ip netns exec "$SEN" ip link set lo up || {
	echo "FAIL: cannot address the link" >&2
	exit 1
}
DNSMASQ_PID="" TCPDUMP_PID="" TLS_PID="" WEB_PID=""
cleanup() {
	[ -n "$DNSMASQ_PID" ] && kill "$DNSMASQ_PID" 2>/dev/null
	[ -n "$TLS_PID" ] && kill "$TLS_PID" 2>/dev/null
	[ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null
	[ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null
	sensor_cleanup
}
trap cleanup EXIT

ip netns exec "$SEN" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
    --bind-interfaces --listen-address="$SRV" --port=53 --user=root \
    --pid-file="$T/dnsmasq.pid" --log-facility="$T/dnsmasq.log" \
    --local-ttl=300 \
    --host-record=www.test.example,"$SRV",fd00::53 \
    --host-record=db.test.example,10.53.0.77 \
    --cname=alias.test.example,www.test.example \
    --cname=deep.test.example,alias.test.example &
DNSMASQ_PID=$!
ip netns exec "$SEN" tcpdump -Z root --immediate-mode -i "$B" -n -U \
    -s 0 -w "$T/dns.pcap" ip 2>"$T/tcpdump.log" &
TCPDUMP_PID=$!
daemon_conf "$T/d.conf" "$B"
sed -i 's/^\[capture\]$/[capture]\nnames_max = 1000/' "$T/d.conf"
daemon_start "$T/d.conf" || exit 1
for _ in $(seq 50); do
	grep -q "listening on" "$T/tcpdump.log" 2>/dev/null &&
	    ip netns exec "$SND" dig +short +time=1 +tries=1 @"$SRV" \
	    db.test.example >/dev/null 2>&1 && break
	sleep 0.1
done

ask() {
	ip netns exec "$SND" dig +time=2 +tries=2 @"$SRV" "$@" >>"$T/dig.out" 2>&1
}
ask www.test.example A
ask www.test.example AAAA
ask alias.test.example A
ask deep.test.example A
ask +tcp db.test.example A
ask nothere.test.example A		# NXDOMAIN: no name
check "dig got the CNAME chain" grep -q "deep.test.example.*CNAME" "$T/dig.out"
# A TLS server (a certificate for a made-up name) and a web server on
# addresses no DNS answer names: the client's first segment names them
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
    -subj /CN=secure.test.example >/dev/null 2>&1 || fail "openssl req"
ip netns exec "$SEN" openssl s_server -quiet -www -accept 10.53.0.3:4433 \
    -cert "$T/cert.pem" -key "$T/key.pem" >/dev/null 2>&1 &
TLS_PID=$!
mkdir -p "$T/www" && echo hello >"$T/www/index.html"
ip netns exec "$SEN" python3 -m http.server -b 10.53.0.4 -d "$T/www" 8000 \
    >/dev/null 2>&1 &
WEB_PID=$!
for _ in $(seq 50); do
	ip netns exec "$SND" curl -sk -o /dev/null --max-time 1 \
	    --resolve secure.test.example:4433:10.53.0.3 \
	    https://secure.test.example:4433/ &&
	ip netns exec "$SND" curl -s -o /dev/null --max-time 1 \
	    --resolve Plain.Test.Example:8000:10.53.0.4 \
	    http://Plain.Test.Example:8000/ && break
	sleep 0.1
done
# traffic to the named address, so the graph has a node for it
ip netns exec "$SND" ping -c 2 -i 0.2 -W 1 "$SRV" >/dev/null 2>&1
sleep 3		# two windows of 2 s: the live windows close
daemon_stop "ipgraphd stops cleanly"
sleep 0.5
kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null; TCPDUMP_PID=""

# What tshark reads: (address, question name) of every answer
tshark -r "$T/dns.pcap" -Y 'dns.flags.response == 1 && dns.flags.rcode == 0' \
    -T fields -E separator=/t -e dns.qry.name -e dns.a -e dns.aaaa \
    2>/dev/null | python3 -c '
import sys
out = set()
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    for col in f[1:]:
        for a in filter(None, col.split(",")):
            out.add("%s %s" % (a, f[0].lower()))
print("\n".join(sorted(out)))' >"$T/want"
check "tshark saw the answers" test "$(wc -l <"$T/want")" -ge 5

names_pairs() {	# SOURCE, CSV of ipgraph names on stdin: "address name"
	python3 -c '
import csv, sys
r = csv.DictReader(sys.stdin)
print("\n".join(sorted({"%s %s" % (x["address"], x["name"]) for x in r
    if x["source"] == sys.argv[1]})))' "$1"
}
"$IPGRAPH" import --quiet --db "$T/imp.db" "$T/dns.pcap" ||
    fail "import of the capture"
"$IPGRAPH" names --db "$T/imp.db" >"$T/imp.csv" || fail "ipgraph names"
names_pairs dns <"$T/imp.csv" >"$T/got-import"
check "imported names equal tshark's ($(diff "$T/want" "$T/got-import" | tr '\n' ' '))" \
    cmp -s "$T/want" "$T/got-import"
"$IPGRAPH" names --db "$W/db" >"$T/live.csv" || fail "ipgraph names (live)"
"$IPGRAPH" export json --db "$T/imp.db" >"$T/g.json" || fail "export json"
names_pairs dns <"$T/live.csv" >"$T/got-live"
check "ipgraphd's names equal tshark's ($(diff "$T/want" "$T/got-live" | tr '\n' ' '))" \
    cmp -s "$T/want" "$T/got-live"
# TLS SNI and HTTP Host, against tshark's
for kind in sni:tls.handshake.extensions_server_name http:http.host; do
	tshark -r "$T/dns.pcap" -n -d tcp.port==4433,tls -d tcp.port==8000,http \
	    -Y "${kind#*:}" -T fields -e ip.dst -e "${kind#*:}" 2>/dev/null |
	    awk '{ sub(/:[0-9]+$/, "", $2); print $1, tolower($2) }' |
	    sort -u >"$T/want-${kind%%:*}"
	names_pairs "${kind%%:*}" <"$T/imp.csv" >"$T/got-${kind%%:*}"
	check "${kind%%:*} names equal tshark's ($(tr '\n' ' ' <"$T/want-${kind%%:*}"))" \
	    test -s "$T/want-${kind%%:*}" -a "$(cat "$T/want-${kind%%:*}")" = \
	    "$(cat "$T/got-${kind%%:*}")"
	names_pairs "${kind%%:*}" <"$T/live.csv" >"$T/got-live-${kind%%:*}"
	check "ipgraphd's ${kind%%:*} names equal tshark's" \
	    cmp -s "$T/want-${kind%%:*}" "$T/got-live-${kind%%:*}"
done
check "json labels 10.53.0.3 by its SNI" python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
n = [x for x in g["nodes"] if x["address"] == "10.53.0.3"]
sys.exit(not (n and n[0]["name"] == "secure.test.example" and
    n[0]["name_source"] == "sni"))' "$T/g.json"
"$IPGRAPH" import --quiet --no-names --db "$T/none.db" "$T/dns.pcap"
check "import --no-names keeps no names" \
    test "$("$IPGRAPH" names --db "$T/none.db" | wc -l)" -eq 1
check "the client is the one that asked" \
    test "$(grep ',dns$' "$T/imp.csv" | cut -d, -f3 | sort -u)" = "$CLI"
check "the TTL is kept" grep -q ",$SRV,www.test.example,300,dns$" "$T/imp.csv"
check "--host selects" test "$("$IPGRAPH" names --db "$T/imp.db" \
    --host 10.53.0.77 | sed 1d | cut -d, -f5 | sort -u)" = db.test.example

# The graph names the resolver by the last name its client was told
last=$(grep ",$SRV," "$T/imp.csv" | tail -1 | cut -d, -f5)
"$IPGRAPH" export json --db "$T/imp.db" >"$T/g.json" || fail "export json"
check "json labels $SRV '$last' from dns" python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
n = [x for x in g["nodes"] if x["address"] == sys.argv[2]]
sys.exit(not (n and n[0]["name"] == sys.argv[3] and
    n[0]["name_source"] == "dns"))' "$T/g.json" "$SRV" "$last"
"$IPGRAPH" export gexf --db "$T/imp.db" >"$T/g.gexf"
check "gexf carries name_source" grep -q 'label="'"$last"'".*value="dns"' "$T/g.gexf"
printf '%s = resolver\n' "$SRV" >"$T/names.txt"
"$IPGRAPH" export json --db "$T/imp.db" --names "$T/names.txt" >"$T/g2.json"
check "a names file wins (config)" python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
n = [x for x in g["nodes"] if x["address"] == sys.argv[2]][0]
sys.exit(not (n["name"] == "resolver" and n["name_source"] == "config"))' \
    "$T/g2.json" "$SRV"
# the live database labels the same way
"$IPGRAPH" export dot --db "$W/db" >"$T/live.dot"
check "ipgraphd's graph is labelled" grep -q "\"$SRV\" \[label=\"[a-z.]*test.example\"" "$T/live.dot"

# A flood of unique names: the table stays at its cap, the rest counted
kill "$DNSMASQ_PID"; wait "$DNSMASQ_PID" 2>/dev/null
recs="" qs=""
for i in $(seq 1 40); do
	recs="$recs --host-record=f$i.flood.example,10.53.1.$i"
	qs="$qs f$i.flood.example"
done
# shellcheck disable=SC2086
ip netns exec "$SEN" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
    --bind-interfaces --listen-address="$SRV" --port=53 --user=root \
    --pid-file="$T/dnsmasq2.pid" --log-facility="$T/dnsmasq2.log" $recs &
DNSMASQ_PID=$!
daemon_conf "$T/d2.conf" "$B" '[http]\nlisten = 127.0.0.1:8080'
sed -i 's/^\[capture\]$/[capture]\nnames_max = 8/' "$T/d2.conf"
daemon_start "$T/d2.conf" || exit 1
for _ in $(seq 50); do
	ip netns exec "$SND" dig +short +time=1 +tries=1 @"$SRV" \
	    f1.flood.example >/dev/null 2>&1 && break
	sleep 0.1
done
# shellcheck disable=SC2086
ip netns exec "$SND" dig +short +time=2 +tries=2 @"$SRV" $qs >"$T/flood.out" 2>&1
check "dnsmasq answered the flood" test "$(grep -c '^10\.53\.1\.' "$T/flood.out")" -eq 40
metric() {
	ip netns exec "$SEN" curl -s http://127.0.0.1:8080/metrics |
	    awk -v m="$1" '$1 == m { print $2 }'
}
for _ in $(seq 30); do
	[ "$(metric ipgraph_dns_answers_total)" = 41 ] && break
	sleep 0.1
done
check "/metrics: 41 answers read ($(metric ipgraph_dns_answers_total))" \
    test "$(metric ipgraph_dns_answers_total)" = 41
check "/metrics: the table holds its cap of 8 ($(metric ipgraph_dns_names))" \
    test "$(metric ipgraph_dns_names)" = 8
check "/metrics: 32 pushed out ($(metric ipgraph_dns_names_overflow_total))" \
    test "$(metric ipgraph_dns_names_overflow_total)" = 32
check "/metrics: memory stated" test "$(metric ipgraph_dns_names_memory_bytes)" -gt 0
daemon_stop "ipgraphd stops after the flood"

# Hostile answers, by hand: only the well-formed ones give names
python3 - "$T/bad.pcap" <<'PY'
import struct, sys
def name(s):
    return b"".join(bytes([len(l)]) + l for l in s) + b"\0"
def hdr(an, qd=1):
    return struct.pack(">HHHHHH", 7, 0x8180, qd, an, 0, 0)
q = name([b"ok", b"example"]) + struct.pack(">HH", 1, 1)
def a(addr, ptr=b"\xc0\x0c", ttl=60):
    return ptr + struct.pack(">HHIH", 1, 1, ttl, 4) + bytes(addr)
msgs = [
    hdr(1) + q + a([192, 0, 2, 1]),                          # ok.example
    hdr(1) + q + a([192, 0, 2, 2], ptr=b"\xc0\x30"),         # pointer forward
    hdr(1) + q + a([192, 0, 2, 3], ptr=b"\xff\xff"),         # past the end
    hdr(1) + name([b"lp"])[:-1] + b"\xc0\x0c" + struct.pack(">HH", 1, 1)
        + a([192, 0, 2, 4]),                                 # loop to itself
    (hdr(1) + q + a([192, 0, 2, 5]))[:-2],                   # cut short
    hdr(1) + name([b'q"t\x01\n', b"example"]) + struct.pack(">HH", 1, 1)
        + a([192, 0, 2, 6]),                                 # quote, controls
]
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 228))
for i, m in enumerate(msgs):
    udp = struct.pack(">HHHH", 53, 40000, 8 + len(m), 0) + m
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17,
        0, bytes([192, 0, 2, 53]), bytes([10, 9, 9, 9])) + udp
    out.write(struct.pack("<IIII", 1700000000 + i, 0, len(ip), len(ip)) + ip)
    # and a packet to each answer, so the graph has the node
    ip2 = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 28, i, 0, 64, 17, 0,
        bytes([10, 9, 9, 9]), bytes([192, 0, 2, 1 + i])) + \
        struct.pack(">HHHH", 40000, 80, 8, 0)
    out.write(struct.pack("<IIII", 1700000000 + i, 1, len(ip2), len(ip2)) + ip2)
PY
"$IPGRAPH" import --quiet --db "$T/bad.db" "$T/bad.pcap" || fail "import of hostile DNS"
"$IPGRAPH" names --db "$T/bad.db" | sed 1d | cut -d, -f4,5 | sort >"$T/bad.got"
printf '%s\n' '192.0.2.1,ok.example' '192.0.2.6,q\034t\001\010.example' >"$T/bad.want"
check "hostile DNS: only whole answers, names escaped ($(tr '\n' ' ' <"$T/bad.got"))" \
    cmp -s "$T/bad.want" "$T/bad.got"
for f in dot json csv-pairs gexf svg; do
	"$IPGRAPH" export "$f" --db "$T/bad.db" >"$T/bad.$f" 2>"$T/bad.err" ||
	    fail "export $f of hostile names: $(cat "$T/bad.err")"
	check "$f: no raw quote or control byte from a name" \
	    python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(b"q\"t" in d or b"\x01" in d)' "$T/bad.$f"
done
check "json is valid with the hostile name" python3 -c \
    'import json, sys; json.load(open(sys.argv[1]))' "$T/bad.json"

# GET /api/v1/names: the rows of ipgraph names, with the same filters.
same_names() {	# JSON CSV: the same rows, in the same order
	python3 - "$1" "$2" <<'PY'
import csv, json, sys
j = json.load(open(sys.argv[1]))
a = [(r["time"], r["sensor"], r["client"], r["address"], r["name"],
      str(r["ttl"]), r["source"]) for r in j["names"]]
b = [tuple(r) for r in list(csv.reader(open(sys.argv[2])))[1:]]
print(f"{len(a)} from the API, {len(b)} from ipgraph names")
sys.exit(a != b or j["count"] != len(a) or not a)
PY
}
for db in imp bad; do
	serve_start "$T/$db.db"
	curl -s "http://127.0.0.1:$P/api/v1/names" >"$T/api-$db.json"
	"$IPGRAPH" names --db "$T/$db.db" >"$T/cli-$db.csv"
	check "/api/v1/names of $db.db equals ipgraph names" \
	    same_names "$T/api-$db.json" "$T/cli-$db.csv"
	[ $db = imp ] || { serve_stop; continue; }
	curl -s "http://127.0.0.1:$P/api/v1/names?host=10.53.0.77" >"$T/api-host.json"
	"$IPGRAPH" names --db "$T/$db.db" --host 10.53.0.77 >"$T/cli-host.csv"
	check "/api/v1/names?host= equals ipgraph names --host" \
	    same_names "$T/api-host.json" "$T/cli-host.csv"
	for bad in host=10.53.0.300 top=3 from=yesterdayish; do
		code=$(curl -s -o "$T/err" -w '%{http_code}' "http://127.0.0.1:$P/api/v1/names?$bad")
		check "names?$bad: 400 naming ${bad%%=*} ($code $(cat "$T/err"))" \
		    grep -q "\"parameter\": \"${bad%%=*}\"" "$T/err"
	done
	serve_stop
done
# more names than max_rows: a 422, not a list cut short
serve_start "$T/imp.db" --max-rows 3
code=$(curl -s -o "$T/err" -w '%{http_code}' "http://127.0.0.1:$P/api/v1/names")
check "names past --max-rows 3: 422 naming the limit ($code $(cat "$T/err"))" \
    test "$code" = 422 -a -n "$(grep -o 'max_rows' "$T/err")"
serve_stop
finish
