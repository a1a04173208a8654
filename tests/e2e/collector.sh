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
need tcpreplay
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

# 2. Bad input: counted, never a crash; a good datagram after it is kept.
daemon_start "$T/c.conf" || finish
ip netns exec "$SEN" $CHK bad "$PORT" || fail "sending the bad datagrams"
wait_records 1 || fail "bad input: the good datagram was not taken"
for m in malformed:6 bad_version:1 unknown_template:2 withdrawn:1 \
    records:1; do
	got=$(metric "ipgraph_collector_${m%%:*}_total")
	check "bad input: ${m%%:*} counted ${m#*:} (got $got)" \
	    test "$got" = "${m#*:}"
done
check "bad input: the daemon still answers" \
    ip netns exec "$SEN" curl -sf "http://127.0.0.1:$HTTP/healthz" -o /dev/null
daemon_stop "ipgraphd stops cleanly after bad input"
"$IPGRAPH" export csv --db "$W/db" >"$T/bad.csv"
check "bad input: the good flow is stored" \
    grep -q ',198\.51\.100\.1,0,198\.51\.100\.2,0,5,' "$T/bad.csv"

# 2b. A flood from one exporter: past [ipfix] max_rate its datagrams are
# dropped, counted (in all and in the log, naming it), and every datagram
# is either stored or counted; another exporter loses nothing.
daemon_conf "$T/r.conf" "$B" "[ipfix]\nlisten = 127.0.0.1:$PORT\nmax_rate = 100\n" \
    "[http]\nlisten = 127.0.0.1:$HTTP"
daemon_start "$T/r.conf" || finish
sent=$(ip netns exec "$SEN" $CHK v5 "$PORT" 127.0.0.2 3000) ||
    fail "sending the flood"
ip netns exec "$SEN" $CHK v5 "$PORT" 127.0.0.3 5 >/dev/null ||
    fail "sending the other exporter's datagrams"
# until every datagram the kernel kept is read (/metrics is a snapshot
# the daemon takes each second)
for _ in $(seq 1 30); do
	n=$(metric ipgraph_collector_datagrams_total)
	sleep 1.5
	[ "${n:-0}" -gt 0 ] &&
	    [ "$n" = "$(metric ipgraph_collector_datagrams_total)" ] && break
done
given=$(metric ipgraph_collector_datagrams_total)
limited=$(metric ipgraph_collector_rate_limited_total)
daemon_stop "ipgraphd stops cleanly after a flood"
"$IPGRAPH" export csv --db "$W/db" >"$T/flood.csv"
kept=$(grep -c '^[^,]*,127\.0\.0\.2/' "$T/flood.csv")
other=$(grep -c '^[^,]*,127\.0\.0\.3/' "$T/flood.csv")
echo "flood: $sent sent, $given read, $kept stored, $limited rate-limited"
check "flood: most of it dropped by the rate ($limited of $given)" \
    test "$limited" -gt $((given / 2))
check "flood: every datagram read is stored or counted" \
    test $((kept + limited + other)) -eq "$given"
check "flood: the other exporter's 5 flows are all stored" test "$other" -eq 5
check "flood: the log names the flooding exporter" grep -q \
    "exporter 127\.0\.0\.2/[0-9]* sends over \[ipfix\] max_rate (100 " "$T/log"
check "flood: the other exporter is not named" \
    sh -c "! grep -q 'exporter 127\.0\.0\.3/.*max_rate' '$T/log'"

# 3. Two sensors export to a central ipgraphd: a live one (ipgraphd on the
# veth, [ipfix] export) and one from a database (ipgraph export ipfix
# --send); the central's edges equal the sum of theirs, window by window.
CEN="$T/central"
mkdir -p "$CEN"
chown nobody "$CEN"
{
	printf '[daemon]\nuser = nobody\nsensor = central\n'
	printf '[capture]\ninterfaces = lo\nfilter = udp port 9\n'
	printf '[window]\nseconds = 2\ngrace = 1\n'
	printf '[store]\npath = %s/db\nretention_raw = 50y\n' "$CEN"
	printf '[http]\nlisten = 127.0.0.1:%s\n' "$HTTP"
	printf '[ipfix]\nlisten = 127.0.0.1:%s\n' "$PORT"
} >"$T/central.conf"
ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/central.conf" >"$T/central.log" 2>&1 &
CPID=$!
trap 'kill -9 $CPID 2>/dev/null; sensor_cleanup' EXIT
for _ in $(seq 1 50); do
	grep -q "capturing on" "$T/central.log" && break
	sleep 0.1
done
daemon_conf "$T/s1.conf" "$B" "[ipfix]\nexport = 127.0.0.1:$PORT\n" \
    "[http]\nlisten = 127.0.0.1:$((PORT + 2))"
daemon_start "$T/s1.conf" || finish
ip netns exec "$SND" tcpreplay -q --pps 2000 -i "$A" \
    "$DATA/pcapplusplus-input.pcap" >"$T/replay" 2>&1 ||
    fail "tcpreplay: $(tail -3 "$T/replay")"
ip netns exec "$SND" tcpreplay -q --pps 2000 -i "$A" "$T/gen.pcap" \
    >"$T/replay" 2>&1 || fail "tcpreplay: $(tail -3 "$T/replay")"
daemon_stop "sensor 1 stops cleanly"
"$IPGRAPH" import -q --db "$T/s2.db" --window 2 --sensor two \
    "$DATA/pcapplusplus-one_http_stream_rst.pcap" "$T/gen.pcap" || exit 99
ip netns exec "$SEN" "$IPGRAPH" export ipfix --db "$T/s2.db" \
    --send "127.0.0.1:$PORT" || fail "sensor 2: export ipfix --send"
sleep 1.5
kill -TERM "$CPID"
wait "$CPID"
check "the central ipgraphd exits 0" test $? -eq 0
"$IPGRAPH" export csv --db "$W/db" >"$T/s1.csv"
"$IPGRAPH" export csv --db "$T/s2.db" >"$T/s2.csv"
"$IPGRAPH" export csv --db "$CEN/db" >"$T/central.csv"
check "central: its edges equal the union of the two sensors' databases" \
    $CHK union "$T/central.csv" "$T/s1.csv" "$T/s2.csv"
check "central: one sensor per exporter and domain" test \
    "$(cut -d, -f2 "$T/central.csv" | sed 1d | sort -u | wc -l)" -eq 2
finish
