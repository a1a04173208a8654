#!/bin/bash
# seq-journey.sh - hop times and losses across capture points, against
# netem and editcap.  Client, proxy (socat, a TCP relay) and server in
# network namespaces; between the client and the proxy a router namespace
# whose two links netem delays by 20 ms each way (the delay sits between
# the client's and the proxy's captures: a capture on the delayed
# interface itself would see packets after the qdisc).  Then packets are
# removed from the captures with editcap at known frame numbers: each must
# be reported lost on the right hop, and no other packet.  Bad input: two
# captures with no packet in common, a path that changes (the proxy's
# capture split in two at a moment).  Needs root.
. "$(dirname "$0")/lib.sh"
need tcpdump
need curl
need socat
need python3
need tshark
need editcap
need ip
need tc
need ss
need seqdiag3

DELAY_MS=20
# netem's timer and the capture timestamps: the median transit lies
# within this of the delay (without netem, see below, 0.5 ms)
TOL_MS=3

id=$$
NC=ipgj-c-$id NR=ipgj-r-$id NP=ipgj-p-$id NS=ipgj-s-$id
PIDS="" TPIDS=""
cleanup() {
	for p in $PIDS $TPIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS $TPIDS; do wait "$p" 2>/dev/null; done
	for n in $NC $NR $NP $NS; do ip netns del "$n" 2>/dev/null; done
	[ -n "$SEQ_KEEP" ] && rm -rf "$SEQ_KEEP" && cp -r "$T" "$SEQ_KEEP"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if ! ip netns add "$NC" 2>"$T/nserr"; then
	echo "SKIP: cannot create network namespaces ($(cat "$T/nserr")):" \
	    "run as root or with CAP_SYS_ADMIN" >&2
	exit 77
fi
ip netns add "$NR" && ip netns add "$NP" && ip netns add "$NS" || exit 99
inns() { local n=$1; shift; ip netns exec "$n" "$@"; }
ip link add c0 netns "$NC" type veth peer name r0 netns "$NR" || exit 99
ip link add r1 netns "$NR" type veth peer name p0 netns "$NP" || exit 99
ip link add p1 netns "$NP" type veth peer name s0 netns "$NS" || exit 99
for n in $NC $NR $NP $NS; do
	inns "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	inns "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	inns "$n" ip link set lo up
done
inns "$NR" sysctl -qw net.ipv4.ip_forward=1
inns "$NC" ip addr add 10.201.1.1/24 dev c0
inns "$NR" ip addr add 10.201.1.254/24 dev r0
inns "$NR" ip addr add 10.201.3.254/24 dev r1
inns "$NP" ip addr add 10.201.3.2/24 dev p0
inns "$NP" ip addr add 10.201.2.1/24 dev p1
inns "$NS" ip addr add 10.201.2.2/24 dev s0
for l in "$NC c0" "$NR r0" "$NR r1" "$NP p0" "$NP p1" "$NS s0"; do
	set -- $l
	inns "$1" ip link set "$2" up
done
inns "$NC" ip route add default via 10.201.1.254
inns "$NP" ip route add 10.201.1.0/24 via 10.201.3.254
# the delay, both ways, on the router's two links.  A kernel without
# sch_netem (some VMs) cannot delay: the same delay is then put into the
# captures themselves (below), which the test says.
NETEM=1
if ! inns "$NR" tc qdisc add dev r0 root netem delay ${DELAY_MS}ms \
    2>"$T/tc.err" ||
   ! inns "$NR" tc qdisc add dev r1 root netem delay ${DELAY_MS}ms \
    2>>"$T/tc.err"; then
	NETEM=0
	TOL_MS=0.5	# the shift is exact; what is left is the real transit
	echo "note: netem is not available here ($(head -1 "$T/tc.err"));" \
	    "the ${DELAY_MS} ms are added to the captures' arrival times" \
	    "with editcap and mergecap instead" >&2
fi

mkdir -p "$T/www"
python3 -c 'import sys; sys.stdout.write("x" * 3000 + "\n")' >"$T/www/page.txt"
ip netns exec "$NS" python3 -m http.server 8080 --bind 10.201.2.2 \
    --directory "$T/www" >"$T/httpd.log" 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$NP" socat TCP-LISTEN:3128,bind=10.201.3.2,reuseaddr,fork \
    TCP:10.201.2.2:8080 2>"$T/socat.log" &
PIDS="$PIDS $!"

# the proxy on each of its interfaces (tcpdump -i any was seen to miss
# the last ACK of a connection), merged into one capture point below
ns_capture "$NC" c0 client
ns_capture "$NP" p0 proxy-c
ns_capture "$NP" p1 proxy-s
ns_capture "$NS" s0 server
for i in $(seq 50); do
	inns "$NS" curl -s -o /dev/null http://10.201.2.2:8080/ && break
	sleep 0.1
done
for i in 1 2 3 4; do
	inns "$NC" curl -s -o "$T/got.txt" http://10.201.3.2:3128/page.txt ||
	    fail "curl $i through the proxy failed"
done
check "the page came through the proxy" cmp -s "$T/got.txt" "$T/www/page.txt"
# let the connections close, and each link's two captures catch up
ns_settle "$NC $NP $NS" "client proxy-c" "server proxy-s"
for p in $TPIDS; do kill -INT "$p"; done
for p in $TPIDS; do wait "$p"; done
TPIDS=""
mergecap -w "$T/proxy.pcap" "$T/proxy-c.pcap" "$T/proxy-s.pcap" ||
    fail "mergecap proxy"
echo "packets captured:$(for n in client proxy-c proxy-s server; do
	printf ' %s %s' "$n" "$(tshark -r "$T/$n.pcap" 2>/dev/null | wc -l)"
done)"
# without netem: the delay in the captures, exactly: each packet from the
# other side of the router arrives DELAY_MS later than it did
delay_in() {	# CAPTURE SOURCE-ADDRESS
	tshark -r "$T/$1.pcap" -Y "ip.src==$2" -w "$T/$1.far.pcap" 2>/dev/null &&
	tshark -r "$T/$1.pcap" -Y "!(ip.src==$2)" -w "$T/$1.near.pcap" \
	    2>/dev/null &&
	editcap -t "$(awk "BEGIN { print $DELAY_MS / 1000 }")" "$T/$1.far.pcap" "$T/$1.late.pcap" >/dev/null &&
	mergecap -w "$T/$1.pcap" "$T/$1.late.pcap" "$T/$1.near.pcap" ||
	    fail "delaying $1.pcap"
}
if [ "$NETEM" = 0 ]; then
	delay_in client 10.201.3.2
	delay_in proxy 10.201.1.1
fi

NAMES="--name 10.201.1.1=client --name 10.201.3.2=proxy
    --name 10.201.2.1=proxy --name 10.201.2.2=server"
C=$T/client.pcap P=$T/proxy.pcap S=$T/server.pcap

# --- 1. hop times: the netem delay on the client's side, none behind -------
"$IPGRAPH" seq $NAMES --info full --format json "$C" "$P" "$S" \
    >"$T/all.json" 2>"$T/all.err" || fail "seq json: $(cat "$T/all.err")"
check "hop medians: client<->proxy = ${DELAY_MS} ms +- ${TOL_MS} ms, proxy<->server under 1 ms" \
    python3 - "$T/all.json" "$DELAY_MS" "$TOL_MS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
delay, tol = float(sys.argv[2]), float(sys.argv[3])
hops = {(h["from_point"], h["to_point"]): h for h in d["hops"]}
for k in [("client", "proxy"), ("proxy", "client")]:
    h = hops[k]
    assert abs(h["median_ms"] - delay) <= tol, (k, h)
    assert h["count"] >= 10, (k, h)
    assert h["median_ms"] <= h["p95_ms"] <= h["max_ms"], (k, h)
for k in [("proxy", "server"), ("server", "proxy")]:
    assert k in hops, (k, "no packet seen at both", sorted(hops))
    assert hops[k]["median_ms"] < 1, (k, hops[k])
assert set(hops) == {("client", "proxy"), ("proxy", "client"),
                     ("proxy", "server"), ("server", "proxy")}, hops
# the same clock everywhere: the estimates stay under a millisecond
for s in d["skew"]:
    assert abs(s["offset_ms"]) < 1, s
PY
# ground truth for the counts: tshark's packets of the client's side
# connection seen at both (by IP ID, seq and ack, which identify them)
check "hop counts: packets seen at both client and proxy, as tshark counts them" \
    python3 - "$T/all.json" "$C" "$P" <<'PY'
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
def keys(cap):
    out = subprocess.run(["tshark", "-r", cap, "-Y", "ip.addr==10.201.1.1",
                          "-T", "fields", "-e", "ip.src", "-e", "ip.id",
                          "-e", "tcp.seq_raw", "-e", "tcp.ack_raw",
                          "-e", "tcp.flags"],
                         capture_output=True, text=True, check=True).stdout
    return [tuple(l.split("\t")) for l in out.splitlines()]
both = set(keys(sys.argv[2])) & set(keys(sys.argv[3]))
up = sum(1 for k in both if k[0] == "10.201.1.1")
hops = {(h["from_point"], h["to_point"]): h["count"] for h in d["hops"]}
assert hops[("client", "proxy")] == up, (hops, up)
assert hops[("proxy", "client")] == len(both) - up, (hops, len(both) - up)
PY
# JSON times are ISO 8601 UTC with microseconds; each seen list in order
check "JSON: times ISO 8601 UTC with microseconds" python3 - "$T/all.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
assert d["messages"], d
for m in d["messages"]:
    assert iso.match(m["time"]), m
    assert m["seen"] and all(iso.match(s["time"]) for s in m["seen"]), m
    assert m["time"] == min(s["time"] for s in m["seen"]), m
PY

# --- 2. losses: frames removed with editcap at known frame numbers ----------
# frames (by tshark's frame number) chosen from the middle of each capture:
# two of the client's data packets from the proxy's capture (lost between
# client and proxy), one of the proxy's data packets towards the client
# from the client's capture (between proxy and client), one of the proxy's
# packets towards the server from the server's capture (between proxy and
# server); and one packet the proxy sent the server removed from the
# proxy's own capture: seen at the server, so it arrived: not lost.
pick() {	# CAPTURE FILTER K: the K-th frame number matching FILTER
	tshark -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null |
	    sed -n "${3}p"
}
p1=$(pick "$P" "ip.src==10.201.1.1 && tcp.len>0" 2)
p2=$(pick "$P" "ip.src==10.201.1.1 && tcp.len==0 && tcp.flags.ack==1 && tcp.flags.syn==0 && tcp.flags.fin==0" 5)
p3=$(pick "$P" "ip.src==10.201.2.1 && tcp.len>0" 3)
c1=$(pick "$C" "ip.src==10.201.3.2 && tcp.len>0" 4)
s1=$(pick "$S" "ip.src==10.201.2.1 && tcp.len==0 && tcp.flags.ack==1 && tcp.flags.syn==0 && tcp.flags.fin==0" 4)
for v in p1 p2 p3 c1 s1; do
	[ -n "${!v}" ] || fail "no frame to remove for $v"
done
# what identifies each removed packet: IP ID, raw seq and ack
ident() {	# CAPTURE FRAME
	tshark -r "$1" -Y "frame.number==$2" -T fields -e ip.id -e tcp.seq_raw \
	    -e tcp.ack_raw 2>/dev/null | awk '{ printf "%s,%s,%s", $1, $2, $3 }'
}
{
	echo "$(ident "$P" "$p1") client proxy"
	echo "$(ident "$P" "$p2") client proxy"
	echo "$(ident "$C" "$c1") proxy client"
	echo "$(ident "$S" "$s1") proxy server"
} >"$T/expected"
arrived="$(ident "$P" "$p3")"
mkdir "$T/cut"
editcap "$P" "$T/cut/proxy.pcap" "$p1" "$p2" "$p3" >/dev/null || fail "editcap proxy"
editcap "$C" "$T/cut/client.pcap" "$c1" >/dev/null || fail "editcap client"
editcap "$S" "$T/cut/server.pcap" "$s1" >/dev/null || fail "editcap server"
check "editcap removed 3, 1 and 1 frames" test \
    "$(( $(tshark -r "$P" 2>/dev/null | wc -l) - $(tshark -r "$T/cut/proxy.pcap" 2>/dev/null | wc -l) ))$(( $(tshark -r "$C" 2>/dev/null | wc -l) - $(tshark -r "$T/cut/client.pcap" 2>/dev/null | wc -l) ))" = 31
CUT="$T/cut/client.pcap $T/cut/proxy.pcap $T/cut/server.pcap"
"$IPGRAPH" seq $NAMES --info full --format json $CUT >"$T/cut.json" \
    2>"$T/cut.err" || fail "seq json on the cut captures: $(cat "$T/cut.err")"
check "every removed packet is lost on its hop, and no other packet" \
    python3 - "$T/cut.json" "$T/expected" "$arrived" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
want = {}
for line in open(sys.argv[2]):
    k, a, b = line.split()
    ipid, seq, ack = k.split(",")
    want[(int(ipid, 16), int(seq), int(ack))] = [a, b]
got = {}
for m in d["messages"]:
    if m["lost_between"] is None:
        continue
    x = re.search(r"\(seq (\d+), ack (\d+), IP ID 0x([0-9a-f]+), ", m["summary"])
    got[(int(x.group(3), 16), int(x.group(1)), int(x.group(2)))] = m["lost_between"]
assert got == want, ("reported", got, "removed", want)
assert d["lost"] == len(want), d["lost"]
ipid, seq, ack = sys.argv[3].split(",")
arrived = (int(ipid, 16), int(seq), int(ack))
assert arrived not in got, "a packet seen at the server reported lost"
PY
# the same losses in every format
"$IPGRAPH" seq $NAMES --format text $CUT >"$T/cut.txt" 2>/dev/null
check "text: 4 rows marked lost, and the count under them" sh -c \
    "test \$(grep -c ' !! lost between ' '$T/cut.txt') -eq 4 &&
     grep -q '^# lost: 4 packets' '$T/cut.txt' &&
     grep -q '^# hop client to proxy: ' '$T/cut.txt'"
"$IPGRAPH" seq $NAMES --format mermaid $CUT >"$T/cut.mmd" 2>/dev/null
check "Mermaid: 4 crossed arrows, each with its note" sh -c \
    "test \$(grep -c -- '^    P[0-9]*-xP[0-9]*: ' '$T/cut.mmd') -eq 4 &&
     test \$(grep -c 'Note over .*: lost between ' '$T/cut.mmd') -eq 4"
check "Mermaid: the notes keep to the grammar" \
    python3 "$top_srcdir/tests/e2e/seqcheck.py" mermaid "$T/cut.mmd"
"$IPGRAPH" seq $NAMES -o "$T/cut.diag" $CUT 2>/dev/null
check "seqdiag: 4 failed edges with their notes" test \
    "$(grep -c 'failed, note = "lost between ' "$T/cut.diag")" -eq 4
check "seqdiag3 draws the failed edges and the hop separators" \
    seqdiag3 -Tpng -o "$T/cut-seqdiag.png" "$T/cut.diag"
"$IPGRAPH" seq $NAMES --format svg -o "$T/cut.svg" $CUT 2>/dev/null
check "SVG: a caption with the hops and the losses" python3 - "$T/cut.svg" <<'PY'
import sys, xml.dom.minidom
xml.dom.minidom.parse(sys.argv[1])
PY
"$IPGRAPH" seq $NAMES -o "$T/cut.png" $CUT 2>/dev/null
check "PNG written" test -s "$T/cut.png"

# --- 3. bad input: clear notes, never a number -------------------------------
"$IPGRAPH" seq $NAMES --format json "$C" "$S" >"$T/none.json" 2>"$T/none.err"
check "no packet in common: no hop, no loss, and a note" python3 - "$T/none.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["hops"] == [] and d["lost"] == 0, d["hops"]
assert all(m["lost_between"] is None for m in d["messages"])
assert any("no packet was seen at two capture points" in n for n in d["notes"]), d["notes"]
PY
check "no packet in common: said on stderr" grep -q \
    "note: no packet was seen at two capture points" "$T/none.err"
# the proxy's capture split at the third request: client-side packets
# are seen at client and proxy-a, then at client and proxy-b
split=$(pick "$P" "ip.src==10.201.1.1 && tcp.flags.syn==1" 3)
mkdir "$T/split"
editcap -r "$P" "$T/split/proxy-a.pcap" "1-$((split - 1))" >/dev/null
editcap "$P" "$T/split/proxy-b.pcap" "1-$((split - 1))" >/dev/null
"$IPGRAPH" seq $NAMES --format json "$C" "$T/split/proxy-a.pcap" \
    "$T/split/proxy-b.pcap" >"$T/split.json" 2>"$T/split.err"
check "a path that changes: a note, and no loss judged on it" python3 - "$T/split.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
notes = [n for n in d["notes"] if "changed at" in n]
assert any("packets from 10.201.1.1 to 10.201.3.2" in n for n in notes), d["notes"]
assert d["lost"] == 0, d["lost"]
PY

finish
