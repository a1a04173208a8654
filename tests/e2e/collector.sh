#!/bin/bash
# collector.sh - ipgraphd's [ipfix] listen: softflowd (Debian) reads a
# capture and exports it as NetFlow v5, v9 and IPFIX to an ipgraphd in a
# namespace made here; the stored packets and bytes per address pair must
# equal tshark's count of the capture (bytes at the IP layer, as NetFlow
# counts them).  Then two ipgraphd sensors export to a third, central
# one, whose graph must equal the union of theirs; and bad datagrams are
# counted in /metrics, never a crash.  Loopback only.
. "$(dirname "$0")/lib.sh"
need softflowd
need tshark
need python3
need curl
CHK="python3 $top_srcdir/tests/e2e/ipfix_check.py"
sensor_setup coll
ip -n "$SEN" link set lo up
PORT=$((20000 + $$ % 20000))
HTTP=$((PORT + 1))

$CHK gen "$T/gen.pcap" 3000 || exit 99
$CHK ippairs "$T/gen.pcap" >"$T/all.pairs" || exit 99
$CHK ippairs "$T/gen.pcap" 4 >"$T/v4.pairs" || exit 99

metric() {
	ip netns exec "$SEN" curl -s "http://127.0.0.1:$HTTP/metrics" |
	    awk -v m="$1" '$1 == m { print $2 }'
}

# wait_records N: until the collector has taken N records or more.
wait_records() {
	for _ in $(seq 1 100); do
		[ "$(metric ipgraph_collector_records_total)" -ge "$1" ] \
		    2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# 1. softflowd -v 10, 9 and 5 into the collector.
# (the capture is from 2023: raw windows kept longer than that)
daemon_conf "$T/c.conf" "$B" "[ipfix]\nlisten = 127.0.0.1:$PORT\n" \
    "[http]\nlisten = 127.0.0.1:$HTTP\n[store]\nretention_raw = 50y"
for v in 10 9 5; do
	daemon_start "$T/c.conf" || finish
	# -A milli: absolute times (IPFIX), whatever the capture's age
	opts="-v $v"
	[ "$v" = 10 ] && opts="$opts -A milli"
	ip netns exec "$SEN" softflowd -d -r "$T/gen.pcap" -6 \
	    -n "127.0.0.1:$PORT" $opts -p "$T/sf.pid" \
	    >"$T/sf.$v" 2>&1 || fail "softflowd -v $v: $(tail -3 "$T/sf.$v")"
	wait_records 1 || fail "-v $v: no record taken"
	sleep 0.5
	metric ipgraph_collector_malformed_total >"$T/malformed.$v"
	daemon_stop "ipgraphd collecting NetFlow v$v stops cleanly"
	"$IPGRAPH" export csv --db "$W/db" >"$T/v$v.csv"
	want="$T/all.pairs"
	[ "$v" = 5 ] && want="$T/v4.pairs"
	check "softflowd -v $v: packets and IP bytes per pair equal tshark's" \
	    $CHK compare "$want" "$T/v$v.csv"
	check "softflowd -v $v: nothing malformed" \
	    test "$(cat "$T/malformed.$v")" = 0
	check "softflowd -v $v: one sensor, named by exporter and domain" \
	    test "$(cut -d, -f2 "$T/v$v.csv" | sort -u | grep -c '^127\.0\.0\.1/')" -eq 1
done
finish
