#!/bin/bash
# rdns.sh - reverse DNS names against dig.  A dnsmasq in a network
# namespace of the test's own answers PTR questions on its loopback; the
# names `ipgraph export --rdns`, `ipgraph serve --rdns` and ipgraphd
# ([names] reverse_dns) give the hosts they draw must be what `dig -x`
# gets from the same server, escaped as passive DNS names are, with
# name_source rdns.  A name from the traffic (DNS answers) wins over PTR;
# a server that never answers costs at most the time limit and leaves
# addresses; the cache is counted in /metrics.  Needs root.
. "$(dirname "$0")/lib.sh"
need dnsmasq
need dig
need python3
need curl
sensor_setup rd

DNS=127.0.0.1:5353 SILENT=127.0.0.1:5354
ip netns exec "$SND" ip addr add 10.54.0.1/24 dev "$A" &&
    ip netns exec "$SEN" ip addr add 10.54.0.2/24 dev "$B" &&
    ip netns exec "$SEN" ip addr add 10.54.0.3/24 dev "$B" &&
    ip netns exec "$SEN" ip addr add 10.54.0.4/24 dev "$B" &&
    ip netns exec "$SEN" ip addr add 10.54.0.5/24 dev "$B" &&
    ip netns exec "$SEN" ip link set lo up || {
	echo "FAIL: cannot address the link" >&2
	exit 1
}
DNSMASQ_PID="" SILENT_PID="" SERVE_PID=""
cleanup() {
	[ -n "$DNSMASQ_PID" ] && kill "$DNSMASQ_PID" 2>/dev/null
	[ -n "$SILENT_PID" ] && kill "$SILENT_PID" 2>/dev/null
	[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null
	sensor_cleanup
}
trap cleanup EXIT

# PTR records: plain names, one with a quote and capitals, an IPv6 one,
# and one for an address the traffic also names by a DNS answer.
# --bogus-priv: NXDOMAIN for the other private addresses (else REFUSED).
ip netns exec "$SEN" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
    --bogus-priv --bind-interfaces --listen-address=127.0.0.1 --port=5353 \
    --user=root --pid-file="$T/dnsmasq.pid" --log-facility="$T/dnsmasq.log" \
    --local-ttl=300 \
    --ptr-record=2.0.54.10.in-addr.arpa,two.rdns.example \
    --ptr-record='3.0.54.10.in-addr.arpa,Q"t.rdns.example' \
    --ptr-record=5.0.54.10.in-addr.arpa,ptr-five.rdns.example \
    --ptr-record=2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.5.d.f.ip6.arpa,six.rdns.example &
DNSMASQ_PID=$!
# A server that reads and never answers, counting what it was asked.
ip netns exec "$SEN" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5354))
n = 0
while True:
    s.recv(4096)
    n += 1
    open(sys.argv[1], "w").write("%d\n" % n)' "$T/silent.count" &
SILENT_PID=$!
for _ in $(seq 50); do
	ip netns exec "$SEN" dig +short +time=1 +tries=1 -p 5353 @127.0.0.1 \
	    -x 10.54.0.2 2>/dev/null | grep -q rdns && break
	sleep 0.1
done

# digx ADDRESS: what dig -x answers, written as ipgraph writes names
# (lower case; any byte but a letter, digit, '-', '_' or '.' as \DDD)
digx() {
	ip netns exec "$SEN" dig +short +time=2 +tries=1 -p 5353 @127.0.0.1 \
	    -x "$1" | python3 -c '
import re, sys
t = sys.stdin.read().strip()
if not t:
    sys.exit(0)
t = t.rstrip(".")
b = bytearray()
i = 0
while i < len(t):
    if t[i] == "\\" and re.match(r"\d{3}", t[i + 1:i + 4]):
        b.append(int(t[i + 1:i + 4])); i += 4
    elif t[i] == "\\":
        b += t[i + 1].encode(); i += 2
    else:
        b += t[i].encode(); i += 1
out = ""
for c in bytes(b).lower():
    ch = chr(c)
    out += ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "\\%03d" % c
print(out)'
}
for a in 10.54.0.2 10.54.0.3 10.54.0.4 10.54.0.5 fd54::2; do
	printf '%s %s\n' "$a" "$(digx "$a")"
done >"$T/dig.txt"
check "dig got the PTR names ($(tr '\n' ' ' <"$T/dig.txt"))" \
    test "$(awk 'NF == 2' "$T/dig.txt" | wc -l)" -eq 4
check "dig: the quote's name is escaped" grep -q '^10.54.0.3 q\\034t.rdns.example$' "$T/dig.txt"

# A capture: 10.54.0.1 talks to each address; a DNS answer from
# 10.54.0.53 tells 10.54.0.1 that 10.54.0.5 is passive.rdns.example.
python3 - "$T/t.pcap" <<'PY'
import socket, struct, sys
def ip4(src, dst, payload, proto=17):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0,
        64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst)) + payload
def ip6(src, dst, payload):
    return struct.pack(">IHBB16s16s", 6 << 28, len(payload), 17, 64,
        socket.inet_pton(socket.AF_INET6, src),
        socket.inet_pton(socket.AF_INET6, dst)) + payload
def udp(sport, dport, data=b""):
    return struct.pack(">HHHH", sport, dport, 8 + len(data), 0) + data
def name(s):
    return b"".join(bytes([len(l)]) + l.encode() for l in s.split(".")) + b"\0"
dns = (struct.pack(">HHHHHH", 9, 0x8180, 1, 1, 0, 0) +
    name("passive.rdns.example") + struct.pack(">HH", 1, 1) +
    b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) +
    socket.inet_aton("10.54.0.5"))
pkts = [ip4("10.54.0.53", "10.54.0.1", udp(53, 40000, dns))]
for d in ("10.54.0.2", "10.54.0.3", "10.54.0.4", "10.54.0.5"):
    pkts.append(ip4("10.54.0.1", d, udp(40000, 9)))
pkts.append(ip6("fd54::1", "fd54::2", udp(40000, 9)))
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
for i, p in enumerate(pkts):
    out.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)) + p)
PY
"$IPGRAPH" import --quiet --db "$T/t.db" "$T/t.pcap" || fail "import"

# node_names FILE: "address name source" of each json node
node_names() {
	python3 -c '
import json, sys
for n in json.load(open(sys.argv[1]))["nodes"]:
    print(n["address"], n.get("name", "-"), n.get("name_source", "-"))' "$1" | sort
}
# want: the PTR names dig got, the DNS answer's name for 10.54.0.5, and
# nothing for 10.54.0.4 (NXDOMAIN) and the resolver 10.54.0.53
awk '$1 == "10.54.0.4" || $1 == "10.54.0.5" { next }
    { print $1, $2, "rdns" }' "$T/dig.txt" >"$T/want"
{
	echo "10.54.0.1 10.54.0.1 -"
	echo "10.54.0.4 10.54.0.4 -"
	echo "10.54.0.5 passive.rdns.example dns"
	echo "10.54.0.53 10.54.0.53 -"
	echo "fd54::1 fd54::1 -"
} >>"$T/want"
sort -o "$T/want" "$T/want"

ip netns exec "$SEN" "$IPGRAPH" export json --db "$T/t.db" --rdns \
    --rdns-server "$DNS" >"$T/g.json" 2>"$T/g.err" ||
    fail "export json --rdns: $(cat "$T/g.err")"
node_names "$T/g.json" >"$T/got"
check "export json --rdns: PTR names as dig's, DNS wins ($(diff "$T/want" "$T/got" | tr '\n' ' '))" \
    cmp -s "$T/want" "$T/got"
check "export json --rdns: nothing on stderr ($(head -c 300 "$T/g.err"))" \
    test ! -s "$T/g.err"
check "json is valid with the quote's name" python3 -c \
    'import json, sys; json.load(open(sys.argv[1]))' "$T/g.json"
ip netns exec "$SEN" "$IPGRAPH" export dot --db "$T/t.db" --rdns-server "$DNS" \
    >"$T/g.dot" 2>"$T/dot.err" || fail "export dot --rdns: $(cat "$T/dot.err")"
check "dot: 10.54.0.2 labelled by its PTR name" \
    grep -q '"10.54.0.2" \[label="two.rdns.example"' "$T/g.dot"
check "dot: fd54::2 labelled by its PTR name" \
    grep -q '"fd54::2" \[label="six.rdns.example"' "$T/g.dot"
check "dot: the passive DNS name wins" \
    grep -q '"10.54.0.5" \[label="passive.rdns.example"' "$T/g.dot"
for f in dot json; do
	check "$f: no raw quote from a PTR name" \
	    python3 -c 'import sys; sys.exit(b"q\"t" in open(sys.argv[1], "rb").read().lower())' "$T/g.$f"
done
ip netns exec "$SEN" "$IPGRAPH" export gexf --db "$T/t.db" --rdns-server "$DNS" \
    >"$T/g.gexf" || fail "export gexf --rdns"
check "gexf carries name_source rdns" grep -q 'label="two.rdns.example".*value="rdns"' "$T/g.gexf"
printf '10.54.0.2 = from-file\n' >"$T/names.txt"
ip netns exec "$SEN" "$IPGRAPH" export json --db "$T/t.db" --rdns-server "$DNS" \
    --names "$T/names.txt" >"$T/g2.json" || fail "export json --names --rdns"
check "a names file wins over PTR" grep -q '^10.54.0.2 from-file config$' \
    <(node_names "$T/g2.json")
ip netns exec "$SEN" "$IPGRAPH" export json --db "$T/t.db" >"$T/off.json"
check "without --rdns no PTR name" test "$(node_names "$T/off.json" |
    grep -c ' rdns$')" -eq 0
expect_error 1 'rdns-server.*not an address' \
    "$IPGRAPH" export json --db "$T/t.db" --rdns-server nowhere
expect_error 1 'rdns.*does not apply to csv' \
    "$IPGRAPH" export csv --db "$T/t.db" --rdns

# A server that never answers: the export ends by its time limit, with
# addresses; the questions did reach the server.
start=$(date +%s%N)
ip netns exec "$SEN" "$IPGRAPH" export json --db "$T/t.db" \
    --rdns-server "$SILENT" --rdns-timeout 500 >"$T/s.json" 2>"$T/s.err" ||
    fail "export with a silent server: $(cat "$T/s.err")"
ms=$((($(date +%s%N) - start) / 1000000))
check "silent server: asked ($(cat "$T/silent.count" 2>/dev/null))" \
    test "$(cat "$T/silent.count" 2>/dev/null || echo 0)" -ge 1
# generous: evdns alone would wait 2 s twice; the limit is 0.5 s
check "silent server: the export took ${ms} ms, within the limit" \
    test "$ms" -lt 3000
check "silent server: stderr says so ($(head -c 200 "$T/s.err"))" \
    grep -q 'not answered within 500 ms' "$T/s.err"
check "silent server: no PTR names" test "$(node_names "$T/s.json" |
    grep -c ' rdns$')" -eq 0
check "silent server: the DNS answer's name stays" \
    grep -q '^10.54.0.5 passive.rdns.example dns$' <(node_names "$T/s.json")

# ipgraph serve --rdns: edges.json over HTTP
: >"$T/serve.log"
ip netns exec "$SEN" "$IPGRAPH" serve --db "$T/t.db" --listen 127.0.0.1:0 \
    --rdns --rdns-server "$DNS" --services /dev/null >>"$T/serve.log" 2>&1 &
SERVE_PID=$!
wait_file "$T/serve.log" "serving" || fail "serve did not start: $(cat "$T/serve.log")"
P=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.log")
ip netns exec "$SEN" curl -s "http://127.0.0.1:$P/api/v1/edges.json" >"$T/h.json"
node_names "$T/h.json" >"$T/got-serve"
check "serve --rdns: the same names ($(diff "$T/want" "$T/got-serve" | tr '\n' ' '))" \
    cmp -s "$T/want" "$T/got-serve"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null; SERVE_PID=""

# ipgraphd: [names] reverse_dns, live traffic, graph.dot over HTTP
printf '[names]\nreverse_dns_server = not-an-address\n' >"$T/bad.conf"
expect_error 1 'bad.conf:2: \[names\] reverse_dns_server' \
    ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/bad.conf"
sensor_http
daemon_conf "$T/d.conf" "$B" '[names]\nreverse_dns = on' \
    "reverse_dns_server = $DNS" 'reverse_dns_timeout = 2000' \
    'reverse_dns_cache = 64'
daemon_start "$T/d.conf" || exit 1
for d in 10.54.0.2 10.54.0.3 10.54.0.4; do
	ip netns exec "$SND" ping -c 1 -W 1 "$d" >/dev/null 2>&1
done
# the windows of 2 s close and are written: wait for all three hosts
for i in $(seq 1 60); do
	get "/api/v1/graph.dot?host=10.54.0.0/24" >"$T/d.dot"
	grep -q '"10.54.0.2"' "$T/d.dot" && grep -q '"10.54.0.3"' "$T/d.dot" &&
	    grep -q '"10.54.0.4"' "$T/d.dot" && break
	sleep 0.5
done
check "ipgraphd: 10.54.0.2 labelled by its PTR name" \
    grep -q '"10.54.0.2" \[label="two.rdns.example"' "$T/d.dot"
check "ipgraphd: the quote's name escaped as dig's" \
    grep -q '"10.54.0.3" \[label="q\\\\034t.rdns.example"' "$T/d.dot"
check "ipgraphd: no name for NXDOMAIN" \
    grep -q '"10.54.0.4" \[label="10.54.0.4"' "$T/d.dot"
hits=$(metric ipgraph_rdns_hits_total)
misses=$(metric ipgraph_rdns_misses_total)
get "/api/v1/graph.dot?host=10.54.0.0/24" >"$T/d2.dot"
check "ipgraphd: the second answer is the same" cmp -s "$T/d.dot" "$T/d2.dot"
check "/metrics: names asked ($misses)" test "${misses:-0}" -ge 4
check "/metrics: the second request from the cache ($hits -> $(metric ipgraph_rdns_hits_total))" \
    test "$(metric ipgraph_rdns_hits_total)" -ge $((hits + 4))
check "/metrics: misses unchanged" test "$(metric ipgraph_rdns_misses_total)" = "$misses"
check "/metrics: cache entries ($(metric ipgraph_rdns_cache_entries))" \
    test "$(metric ipgraph_rdns_cache_entries)" = "$misses"
check "/metrics: cache bytes" test "$(metric ipgraph_rdns_cache_bytes)" -gt 0
check "/metrics: the cap" test "$(metric ipgraph_rdns_cache_max_entries)" = 64
check "/metrics: no timeouts" test "$(metric ipgraph_rdns_timeouts_total)" = 0
daemon_stop "ipgraphd stops cleanly"
finish
