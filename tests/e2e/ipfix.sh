#!/bin/bash
# ipfix.sh - IPFIX out: ipgraph export ipfix (a file, and UDP to nfcapd)
# and ipgraphd's [ipfix] export, read back by real collectors: nfcapd and
# nfdump (Debian's nfdump) and ipfixDump (libfixbuf-tools).  What they
# decode must equal what ipgraph stored, edge by edge; every message at
# most 1400 bytes, sequence numbers right, one options record per window
# with its counters.  Loopback only (the daemon's in its namespace).
. "$(dirname "$0")/lib.sh"
need nfcapd
need nfdump
need ipfixDump
need python3
need sqlite3
CHK="python3 $top_srcdir/tests/e2e/ipfix_check.py"
export TZ=UTC		# nfdump prints times in the local zone

# windows DB: the raw windows' counters, as the options records carry them
windows() {
	sqlite3 -tabs "$1" "SELECT start, frames, bytes, cap_drop, cap_ifdrop,
	    overflow FROM windows WHERE tier = 0"
}

# nfcapd_start DIR PORT [ip netns exec NS]: nfcapd on 127.0.0.1:PORT
# writing into DIR, repeating what it receives to PORT+1.
nfcapd_start() {
	local dir=$1 port=$2
	shift 2
	mkdir -p "$dir"
	"$@" nfcapd -w "$dir" -b 127.0.0.1 -p "$port" -B 8000000 \
	    -R "127.0.0.1/$((port + 1))" >"$dir.log" 2>&1 &
	NFPID=$!
	"$@" $CHK recv $((port + 1)) "$dir.raw" &
	RCPID=$!
	for _ in $(seq 1 50); do
		grep -q "Startup" "$dir.log" && [ -e "$dir.raw" ] && return 0
		sleep 0.1
	done
	fail "nfcapd did not start: $(cat "$dir.log")"
}

nfcapd_stop() {
	sleep 0.5		# what is in flight on loopback
	kill "$NFPID" "$RCPID"
	wait "$NFPID" "$RCPID" 2>/dev/null
	NFPID="" RCPID=""
}
trap '[ -n "$NFPID" ] && kill "$NFPID" "$RCPID"; rm -rf "$T"' EXIT

PORT=$((20000 + $$ % 20000))
$CHK gen "$T/gen.pcap" 6000 || exit 99

# 1. ipgraph export ipfix -o FILE: ipfixDump decodes every message.
"$IPGRAPH" import -q --db "$T/db" --window 1 --sensor one "$T/gen.pcap" \
    "$DATA/pcapplusplus-ipv6-frag.pcap" || exit 99
"$IPGRAPH" import -q --db "$T/db" --window 1 --sensor two \
    "$DATA/pcapplusplus-input.pcap" "$DATA/pcapplusplus-one_http_stream_rst.pcap" ||
    exit 99
"$IPGRAPH" export csv --db "$T/db" >"$T/edges.csv" || exit 99
check "export ipfix -o FILE" "$IPGRAPH" export ipfix --db "$T/db" \
    -o "$T/out.ipfix"
ipfixDump --in "$T/out.ipfix" >"$T/dump.txt" 2>"$T/dump.err"
check "ipfixDump reads the file ($(head -c 200 "$T/dump.err"))" \
    test ! -s "$T/dump.err"
windows "$T/db" >"$T/windows.tsv"
check "file: message sizes, sequence numbers, edges and window records" \
    $CHK dump "$T/dump.txt" "$T/edges.csv" "$T/windows.tsv"
check "file: one observation domain per sensor" test \
    "$(grep -o 'observation domain id: [0-9]*' "$T/dump.txt" | sort -u |
    wc -l)" -eq 2
check "file: edges of both IP versions" grep -q 'tid: *257' "$T/dump.txt"

# 2. export ipfix --send HOST:PORT to nfcapd: nfdump's flows equal the
# stored edges.
nfcapd_start "$T/nf1" "$PORT"
check "export ipfix --send" "$IPGRAPH" export ipfix --db "$T/db" \
    --send "127.0.0.1:$PORT"
nfcapd_stop
nfdump -R "$T/nf1" -o json >"$T/nf1.json" 2>"$T/nf1.err"
check "nfdump reads what nfcapd stored ($(head -c 200 "$T/nf1.err"))" \
    test -s "$T/nf1.json"
# (nfcapd 1.7 counts "Sequence Errors" where options records come between
# flows: it leaves them out of its count, RFC 7011 3.1 and ipfixDump
# do not.  The sequence numbers are checked on ipfixDump's reading.)
check "nfcapd took every packet (no bad packet)" \
    grep -q 'Packets: [1-9][0-9]*, .*Bad Packets: 0' "$T/nf1.log"
check "--send: nfdump's flows and totals per pair and protocol equal the stored edges" \
    $CHK nfdump "$T/nf1.json" "$T/edges.csv"
cat "$T/nf1.raw" >"$T/sent.ipfix"
ipfixDump --in "$T/sent.ipfix" >"$T/dump2.txt" 2>/dev/null
check "--send: what was sent equals the file" \
    $CHK dump "$T/dump2.txt" "$T/edges.csv" "$T/windows.tsv"
check "--send: templates sent again along the way" test \
    "$(grep -c 'tid:   256 (0x0100)    field count' "$T/dump2.txt")" -ge 2

# bad arguments are refused, naming the option
expect_error 1 "give -o FILE" "$IPGRAPH" export ipfix --db "$T/db"
expect_error 1 "--send: .*HOST:PORT" "$IPGRAPH" export ipfix --db "$T/db" \
    --send nowhere

# 3. ipgraphd [ipfix] export: replayed traffic, windows closed live, sent
# to nfcapd in the sensor's namespace.
need tcpreplay
sensor_setup ipfx
trap 'sensor_cleanup; [ -n "$NFPID" ] && kill "$NFPID" "$RCPID"' EXIT
ip -n "$SEN" link set lo up
# --check-config names a bad [ipfix] key, file and line
daemon_conf "$T/bad.conf" "$B" "[ipfix]\nexport = 127.0.0.1:\nlisten = nowhere:99"
expect_error 1 "bad.conf:[0-9]+: \[ipfix\] export: '127.0.0.1:': not HOST:PORT" \
    "$IPGRAPHD" --check-config -c "$T/bad.conf"
expect_error 1 "bad.conf:[0-9]+: \[ipfix\] listen: 'nowhere:99'" \
    "$IPGRAPHD" --check-config -c "$T/bad.conf"
daemon_conf "$T/d.conf" "$B" "[ipfix]\nexport = 127.0.0.1:$PORT\n" \
    "template_refresh = 1s\n[http]\nlisten = 127.0.0.1:$((PORT + 2))"
nfcapd_start "$T/nf2" "$PORT" ip netns exec "$SEN"
daemon_start "$T/d.conf" || finish
for c in "$T/gen.pcap" "$DATA/pcapplusplus-input.pcap"; do
	ip netns exec "$SND" tcpreplay -q --pps 2000 -i "$A" "$c" \
	    >"$T/replay" 2>&1 || fail "tcpreplay: $(tail -3 "$T/replay")"
done
sleep 1
ip netns exec "$SEN" curl -s "http://127.0.0.1:$((PORT + 2))/metrics" \
    >"$T/metrics"
daemon_stop "ipgraphd with [ipfix] export stops cleanly"
nfcapd_stop
"$IPGRAPH" export csv --db "$W/db" >"$T/d.csv"
windows "$W/db" >"$T/d.windows"
nfdump -R "$T/nf2" -o json >"$T/nf2.json" 2>/dev/null
check "daemon: nfdump's flows and totals per pair and protocol equal the daemon's database" \
    $CHK nfdump "$T/nf2.json" "$T/d.csv"
ipfixDump --in "$T/nf2.raw" >"$T/dump3.txt" 2>/dev/null
check "daemon: message sizes, sequence numbers, a loss record per window" \
    $CHK dump "$T/dump3.txt" "$T/d.csv" "$T/d.windows"
check "daemon: templates sent again on the timer" test \
    "$(grep -c 'tid:   258 (0x0102)    field count' "$T/dump3.txt")" -ge 2
check "daemon: /metrics counts the IPFIX messages" \
    grep -Eq '^ipgraph_ipfix_messages_total [1-9]' "$T/metrics"
check "daemon: no send refused" \
    grep -q '^ipgraph_ipfix_send_failed_total 0' "$T/metrics"
finish
