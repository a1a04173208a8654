#!/bin/bash
# seq.sh - `ipgraph seq` on real captures of one exchange taken at three
# points (client, proxy, server) in network namespaces, checked against
# tshark; the formats against their consumers (seqdiag3, an XML parser, a
# Mermaid grammar check); clock skew; CSV exports; bad input.
. "$(dirname "$0")/lib.sh"
need tcpdump
need curl
need socat
need python3
need tshark
need editcap
need seqdiag3
need ip
need ss
need mergecap

SEQDATA="$top_srcdir/tests/data/seq"
# Under the sanitizers: fontconfig, under cairo's text, keeps its caches
# for the life of the process; not our leaks.
printf 'leak:libfontconfig.so\nleak:libcairo.so\n' >"$T/lsan.supp"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$T/lsan.supp"
CHECK="python3 $top_srcdir/tests/e2e/seqcheck.py"

# --- 1. three namespaces: client - proxy - server ---------------------------
# Private addresses inside the namespaces only; nothing leaves them.
id=$$
NC=ipgseq-c-$id NP=ipgseq-p-$id NS=ipgseq-s-$id
PIDS="" TPIDS=""
# Every program is started as `ip netns exec NS PROGRAM &` straight from
# this shell (ip execs the program), so $! is the program itself.
cleanup() {
	for p in $PIDS $TPIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS $TPIDS; do wait "$p" 2>/dev/null; done
	for n in $NC $NP $NS; do ip netns del "$n" 2>/dev/null; done
	# SEQ_KEEP=DIR keeps the captures and outputs for a look
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
ip netns add "$NP" && ip netns add "$NS" || exit 99
ip link add c0 netns "$NC" type veth peer name p0 netns "$NP" || exit 99
ip link add p1 netns "$NP" type veth peer name s0 netns "$NS" || exit 99
inns() { local n=$1; shift; ip netns exec "$n" "$@"; }
for n in $NC $NP $NS; do
	# no IPv6 router or neighbour chatter in the captures
	inns "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	inns "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	inns "$n" ip link set lo up
done
inns "$NC" ip addr add 10.200.1.1/24 dev c0
inns "$NP" ip addr add 10.200.1.2/24 dev p0
inns "$NP" ip addr add 10.200.2.1/24 dev p1
inns "$NS" ip addr add 10.200.2.2/24 dev s0
inns "$NC" ip link set c0 up
inns "$NP" ip link set p0 up
inns "$NP" ip link set p1 up
inns "$NS" ip link set s0 up

# The page served holds a quote and "No", both of which broke packetseq.
mkdir -p "$T/www"
printf 'Not "found" here, No. 1\n' >"$T/www/hello.txt"
ip netns exec "$NS" python3 -m http.server 8080 --bind 10.200.2.2 \
    --directory "$T/www" >"$T/httpd.log" 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$NP" socat TCP-LISTEN:3128,bind=10.200.1.2,reuseaddr,fork \
    TCP:10.200.2.2:8080 2>"$T/socat.log" &
PIDS="$PIDS $!"

TPIDS=""
# the proxy on each of its interfaces, merged into one capture point
# below: tcpdump -i any was seen to end a packet or two short
ns_capture "$NC" c0 client
ns_capture "$NP" p0 proxy-c
ns_capture "$NP" p1 proxy-s
ns_capture "$NS" s0 server
# the server is up once it answers (curl retries while it starts)
for i in $(seq 50); do
	inns "$NS" curl -s -o /dev/null http://10.200.2.2:8080/ && break
	sleep 0.1
done
# drop the readiness probe from the captures' point of view: it ran
# inside the server's namespace on lo, which no capture listens to.
inns "$NC" curl -s -o "$T/got.txt" http://10.200.1.2:3128/hello.txt ||
    fail "curl through the proxy failed"
check "the page came through the proxy" cmp -s "$T/got.txt" "$T/www/hello.txt"
inns "$NC" ping -c 1 -W 2 10.200.1.2 >/dev/null || fail "ping failed"
# let the connections close, and each link's two captures catch up
ns_settle "$NC $NP $NS" "client proxy-c" "server proxy-s"
for p in $TPIDS; do kill -INT "$p"; done
for p in $TPIDS; do wait "$p"; done
TPIDS=""
mergecap -w "$T/proxy.pcap" "$T/proxy-c.pcap" "$T/proxy-s.pcap" ||
    fail "mergecap failed"
for f in client proxy server; do
	n=$(tshark -r "$T/$f.pcap" 2>/dev/null | wc -l)
	check "$f.pcap has packets ($n)" test "$n" -gt 5
done

NAMES="--name 10.200.1.1=client --name 10.200.1.2=proxy
    --name 10.200.2.1=proxy --name 10.200.2.2=server"
CAPS="$T/client.pcap $T/proxy.pcap $T/server.pcap"

# --- 2. every packet, in order, once per crossing, with the names -----------
# seqcheck.py works out from tshark's dissection of each capture which
# packets there are and where each was seen, and compares with the
# Mermaid output (at --info full, which carries the raw seq/ack/IP ID).
"$IPGRAPH" seq $NAMES --info full --format mermaid -o "$T/m.mmd" $CAPS \
    2>"$T/seq.err" || fail "seq mermaid failed: $(cat "$T/seq.err")"
check "merged diagram = tshark's packets, once per crossing, in order" \
    $CHECK merge "$T/m.mmd" 10.200.1.1=client,10.200.1.2=proxy,10.200.2.1=proxy,10.200.2.2=server \
    "$T/client.pcap" "$T/proxy.pcap" "$T/server.pcap"
check "the Mermaid text parses" $CHECK mermaid "$T/m.mmd"
check "the participants are exactly client, proxy, server" \
    test "$(sed -n 's/^    participant P[0-9]* as //p' "$T/m.mmd" | tr '\n' ' ')" = \
    "client proxy server "
check "the skew estimate is reported" grep -q "clock of .*proxy.pcap: .* corrected" "$T/seq.err"
check "same host, same clock: estimates under 1 ms" python3 - "$T/seq.err" <<'PY'
import re, sys
offs = [float(m) for m in re.findall(r"clock of \S+: ([-+][0-9.]+) s", open(sys.argv[1]).read())]
assert offs and all(abs(o) < 0.001 for o in offs), offs
PY

# --- 3. formats against their consumers -------------------------------------
"$IPGRAPH" seq $NAMES -o "$T/m.diag" $CAPS 2>/dev/null || fail "seq .diag failed"
rows=$(grep -c '^  "' "$T/m.diag")
check "one seqdiag edge per arrow" test "$rows" -eq "$(grep -Ec -- '->>|-x' "$T/m.mmd")"
check "seqdiag3 renders our .diag" seqdiag3 -Tpng -o "$T/m-seqdiag.png" "$T/m.diag"
check "seqdiag3 made a PNG" $CHECK png "$T/m-seqdiag.png"
"$IPGRAPH" seq $NAMES --format svg -o "$T/m.svg" $CAPS 2>/dev/null || fail "seq svg failed"
check "the SVG is well-formed XML" $CHECK svg "$T/m.svg"
"$IPGRAPH" seq $NAMES -o "$T/m.png" $CAPS 2>/dev/null || fail "seq png failed"
check "the PNG is a PNG" $CHECK png "$T/m.png"
"$IPGRAPH" seq $NAMES --format text $CAPS >"$T/m.txt" 2>/dev/null || fail "seq text failed"
check "text: one row per arrow" test "$(grep -c '^[0-9][0-9]:' "$T/m.txt")" -eq "$rows"
check "text: rows are aligned" $CHECK text "$T/m.txt"
"$IPGRAPH" seq $NAMES --limit 5 --format svg -o "$T/cut.svg" $CAPS 2>/dev/null
check "a cut SVG is well-formed XML" $CHECK svg "$T/cut.svg"

# --- 4. clock skew ----------------------------------------------------------
# The proxy's clock an hour and a bit ahead: the estimate must find it and
# the diagram must come out as with the true clocks.
mkdir -p "$T/skew"
editcap -t 3600.25 "$T/proxy.pcap" "$T/skew/proxy.pcap" >/dev/null ||
    fail "editcap failed"
cp "$T/client.pcap" "$T/server.pcap" "$T/skew/"
"$IPGRAPH" seq $NAMES --format text "$T/skew/client.pcap" \
    "$T/skew/proxy.pcap" "$T/skew/server.pcap" >"$T/skew.txt" 2>"$T/skew.err"
# the estimate moves by exactly the shift (to the microsecond printed)
check "skewed proxy clock: estimated 3600.25 s further ahead" \
    python3 - "$T/seq.err" "$T/skew.err" <<'PY'
import re, sys
est = [float(re.search(r"clock of \S*proxy.pcap: ([-+][0-9.]+) s",
                       open(f).read()).group(1)) for f in sys.argv[1:]]
assert abs(est[1] - est[0] - 3600.25) < 2e-6, est
PY
check "skewed proxy clock: a note says it was off by more than the exchange" \
    grep -q "^# note: the clock of proxy was 3600.25[0-9] s off, more than the exchange lasts" \
    "$T/skew.txt"
check "skewed proxy clock: the same diagram as with true clocks" \
    cmp -s "$T/m.txt" <(grep -v "^# note: the clock of proxy" "$T/skew.txt")
"$IPGRAPH" seq $NAMES --no-skew --format text "$T/skew/client.pcap" \
    "$T/skew/proxy.pcap" "$T/skew/server.pcap" >"$T/noskew.txt" 2>"$T/noskew.err"
differ() { ! cmp -s "$1" "$2"; }
check "--no-skew keeps the clocks (a different diagram)" \
    differ "$T/m.txt" "$T/noskew.txt"
check "--no-skew is reported" grep -q "not corrected (--no-skew)" "$T/noskew.err"

# --- 5. filters, per-capture names -------------------------------------------
"$IPGRAPH" seq --filter "icmp" --format mermaid "$T/client.pcap" \
    "$T/proxy.pcap" >"$T/icmp.mmd" 2>/dev/null
n=$(tshark -r "$T/client.pcap" -Y icmp 2>/dev/null | wc -l)
check "--filter icmp: the $n ICMP packets, once each" \
    test "$(grep -c -- '->>' "$T/icmp.mmd")" -eq "$n"
sport=$(tshark -r "$T/client.pcap" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' \
    -T fields -e tcp.srcport 2>/dev/null | head -1)
"$IPGRAPH" seq --flow "10.200.1.1:$sport-10.200.1.2:3128" --format mermaid \
    "$T/client.pcap" "$T/proxy.pcap" >"$T/flow.mmd" 2>/dev/null
n=$(tshark -r "$T/client.pcap" -Y "tcp.port==$sport" 2>/dev/null | wc -l)
check "--flow: the $n packets of the client's connection" \
    test "$(grep -c -- '->>' "$T/flow.mmd")" -eq "$n"
"$IPGRAPH" seq --name "$T/proxy.pcap:10.200.2.1=proxy-inside" \
    --name 10.200.2.1=proxy --format mermaid $CAPS >"$T/per.mmd" 2>/dev/null
check "a per-capture name wins where it applies" \
    grep -q "participant P[0-9]* as proxy-inside" "$T/per.mmd"
printf '# hosts\n10.200.1.1 = the client\n10.200.2.2 = srv "x"\n' \
    >"$T/names.conf"
"$IPGRAPH" seq --names "$T/names.conf" -o "$T/q.diag" $CAPS 2>/dev/null
check "names with spaces and quotes are quoted in .diag" \
    grep -q '"srv \\"x\\""' "$T/q.diag"
check "seqdiag3 renders names with quotes" seqdiag3 -Tsvg -o "$T/q.svg" "$T/q.diag"

# --- 6. CSV exports (packetseq's input) -------------------------------------
# Real: Wireshark's columns for each capture, made by tshark, UTC dates.
for f in client proxy; do
	$CHECK tocsv "$T/$f.pcap" >"$T/$f.csv" || fail "tocsv $f"
done
"$IPGRAPH" seq $NAMES --format mermaid "$T/client.csv" "$T/proxy.csv" \
    >"$T/csv.mmd" 2>"$T/csv.err" || fail "seq on CSV: $(cat "$T/csv.err")"
"$IPGRAPH" seq $NAMES --format mermaid "$T/client.pcap" "$T/proxy.pcap" \
    >"$T/pc.mmd" 2>/dev/null
check "CSV exports: as many arrows as from the captures" \
    test "$(grep -c -- '->>' "$T/csv.mmd")" -eq "$(grep -c -- '->>' "$T/pc.mmd")"
# packetseq's README case: the same conversation named per file, a/b in
# client.csv and b/c in proxy.csv; every packet is seen at both, and both
# namings must reach the diagram (the second point's were dropped).
"$IPGRAPH" seq --name client:10.200.1.1=Client \
    --name client:10.200.1.2=Proxy --name proxy:10.200.1.1=Proxy \
    --name proxy:10.200.1.2=Server --format mermaid \
    "$T/client.csv" "$T/proxy.csv" >"$T/pern.mmd" 2>"$T/pern.err" ||
    fail "per-file names: $(cat "$T/pern.err")"
check "per-file names: Client, Proxy and Server are the first lifelines" \
    test "$(sed -n 's/^    participant P[0-2] as //p' "$T/pern.mmd" | tr '\n' ' ')" = \
    "Client Proxy Server "
check "per-file names: Client to Proxy and Proxy to Server arrows" sh -c \
    "grep -q '^    P0->>P1: ' '$T/pern.mmd' && grep -q '^    P1->>P2: ' '$T/pern.mmd'"
check "per-file names: a note says why a packet is drawn twice" grep -q \
    "note: .* drawn once per point's names, because the names differ (Client to Proxy at client, Proxy to Server at proxy)" \
    "$T/pern.err"
# Hand-made: packetseq's known bugs must not happen.
"$IPGRAPH" seq --name 10.0.0.20=Srv --name "10.0.0.1=Cli \"one\"" \
    -o "$T/bugs.diag" "$SEQDATA/bugs.csv" 2>"$T/bugs.err" ||
    fail "seq on bugs.csv: $(cat "$T/bugs.err")"
data_rows=$(($(wc -l <"$SEQDATA/bugs.csv") - 1))
check "no row lost (rows with 'No', 'Notify' kept: $data_rows)" \
    test "$(grep -c '^  "' "$T/bugs.diag")" -eq "$data_rows"
check "no prefix collision: 10.0.0.200 is not renamed" \
    grep -q '"Srv" -> "10.0.0.200"' "$T/bugs.diag"
check "commas in Info are kept" grep -q 'Server Hello, Change Cipher Spec' "$T/bugs.diag"
check "a quote in Info is escaped" grep -q 'say \\"hi\\"' "$T/bugs.diag"
check "seqdiag3 renders the hand-made CSV" seqdiag3 -Tpng -o "$T/bugs.png" "$T/bugs.diag"

# --- 7. bad input ------------------------------------------------------------
expect_error 1 "client.pcap: no packet of this capture matches --flow.*leave it out" \
    "$IPGRAPH" seq --flow 10.9.9.9:1-10.9.9.8:2 "$T/client.pcap"
expect_error 1 "server.pcap: no packet of this capture matches --flow" \
    "$IPGRAPH" seq --flow "10.200.1.1:$sport-10.200.1.2:3128" \
    "$T/client.pcap" "$T/server.pcap"
editcap -t 86400 "$T/server.pcap" "$T/server-late.pcap" >/dev/null
expect_error 1 "(client|server-late).*overlap no other capture in time.*(client|server-late).*same time" \
    "$IPGRAPH" seq "$T/client.pcap" "$T/server-late.pcap"
expect_error 1 "relative.csv:2: the time '0.000000' is not a date and time of day.*Time Display Format" \
    "$IPGRAPH" seq "$SEQDATA/relative.csv"
printf '10.0.0.1 = a\nnot-an-address = b\n' >"$T/bad.names"
expect_error 1 "bad.names:2: .*not-an-address" \
    "$IPGRAPH" seq --names "$T/bad.names" "$T/client.pcap"
expect_error 1 "--filter 'no such': " \
    "$IPGRAPH" seq --filter "no such" "$T/client.pcap"
expect_error 1 "bugs.csv: a CSV export cannot take --filter" \
    "$IPGRAPH" seq --filter tcp "$SEQDATA/bugs.csv"
expect_error 1 "--name x=y: 'x' is neither an address" \
    "$IPGRAPH" seq --name x=y "$T/client.pcap"
printf 'hello\n' >"$T/junk.txt"
expect_error 1 "junk.txt: not a Wireshark CSV export" \
    "$IPGRAPH" seq "$T/junk.txt"
expect_error 2 "no capture given" "$IPGRAPH" seq
# never a prompt without a terminal: unnamed hosts keep their address
"$IPGRAPH" seq --format mermaid "$T/client.pcap" </dev/null >"$T/anon.mmd" 2>&1
check "no terminal, no prompt: addresses stay" \
    grep -q "participant P0 as 10.200.1.1" "$T/anon.mmd"

finish
