#!/bin/bash
# central.sh - two live sensors into one collector: two ipgraphd, each
# capturing on a veth of its own the committed captures tcpreplay sends
# from a namespace of its own, export IPFIX ([ipfix] export) to a third,
# central ipgraphd ([ipfix] listen on the sensors' namespace loopback).
# The central's edges must equal the sum of the two sensors' databases,
# window by window, and its packets and bytes per address pair tshark's
# count of the captures; the central's pull feed gives those same rows.
. "$(dirname "$0")/lib.sh"
need tshark
need python3
need curl
need tcpreplay
need sqlite3
CHK="python3 $top_srcdir/tests/e2e/ipfix_check.py"
sensor_setup ct
ip -n "$SEN" link set lo up
# a second sender namespace and veth pair into the same sensor namespace
SND2="ct-t$$" A2="cta2$$" B2="ctb2$$"
trap 'for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
ip netns del "$SND2" 2>/dev/null; sensor_cleanup' EXIT
ip netns add "$SND2" && ip link add "$A2" type veth peer name "$B2" &&
    ip link set "$A2" netns "$SND2" && ip link set "$B2" netns "$SEN" &&
    ip netns exec "$SND2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
    ip netns exec "$SND2" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
    ip netns exec "$SND2" ip link set "$A2" mtu 9000 up &&
    ip -n "$SEN" link set "$B2" mtu 9000 up || {
	echo "FAIL: cannot build the second veth pair" >&2
	exit 1
}
PORT=$((20000 + $$ % 20000))
HTTP=$((PORT + 1))
PIDS=""

# conf NAME CAPTURE LINES: a daemon configuration, [capture] CAPTURE, its
# database in $T/NAME, LINES (printf %b) appended
conf() {
	mkdir -p "$T/$1"
	chown nobody "$T/$1"
	{
		printf '[daemon]\nuser = nobody\nsensor = %s\n' "$1"
		printf '[capture]\n%b\nsnaplen = 65535\n' "$2"
		printf '[window]\nseconds = 2\ngrace = 1\n'
		printf '[store]\npath = %s/%s/db\nretention_raw = 50y\n' "$T" "$1"
		printf '%b\n' "$3"
	} >"$T/$1.conf"
}

# start NAME: ipgraphd -f with $T/NAME.conf in the sensor namespace
start() {
	ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/$1.conf" >"$T/$1.log" 2>&1 &
	eval "PID_$1=$!"
	PIDS="$PIDS $!"
	wait_file "$T/$1.log" "capturing on" || {
		fail "$1 did not start: $(cat "$T/$1.log")"
		finish
	}
}

# stop NAME: SIGTERM, and it must exit 0
stop() {
	local pid rc
	eval "pid=\$PID_$1"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	check "$1 exits 0 on SIGTERM (exit $rc)" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || tail -20 "$T/$1.log" >&2
}

# the central captures nothing it would count (its loopback, one port
# nobody uses): its edges are the flows it collects
conf central 'interfaces = lo\nfilter = udp port 9' \
    "[ipfix]\nlisten = 127.0.0.1:$PORT\n[http]\nlisten = 127.0.0.1:$HTTP"
conf one "interfaces = $B" "[ipfix]\nexport = 127.0.0.1:$PORT\n[http]\nlisten = 127.0.0.1:$((PORT + 2))"
conf two "interfaces = $B2" "[ipfix]\nexport = 127.0.0.1:$PORT\n[http]\nlisten = 127.0.0.1:$((PORT + 3))"
start central
start one
start two

ONE="pcapplusplus-input.pcap pcapplusplus-gtp-u.pcap"
TWO="pcapplusplus-one_http_stream_rst.pcap pcapplusplus-ipv4-options.pcap
pcapplusplus-ipv6-frag.pcap"
# both sensors see traffic at once, over several windows
( for c in $ONE; do
	ip netns exec "$SND" tcpreplay -q --pps 20 -i "$A" "$DATA/$c" \
	    >>"$T/replay1" 2>&1 || echo "tcpreplay $c failed" >>"$T/replay1"
done ) &
R1=$!
( for c in $TWO; do
	ip netns exec "$SND2" tcpreplay -q --pps 20 -i "$A2" "$DATA/$c" \
	    >>"$T/replay2" 2>&1 || echo "tcpreplay $c failed" >>"$T/replay2"
done ) &
R2=$!
wait "$R1" "$R2"
check "tcpreplay sent every capture" \
    test -z "$(grep -h failed "$T/replay1" "$T/replay2")"
stop one
stop two
sleep 1.5
code=$(ip netns exec "$SEN" curl -s -o "$T/feed" -D "$T/h" \
    -w '%{http_code}' "http://127.0.0.1:$HTTP/api/v1/feed?limit=100000")
check "the central's feed answers ($code)" test "$code" = 200
stop central
# what the central wrote as it stopped: on from the cursor, off its file
cur=$(sed -n 's/^X-Next-Cursor: //p' "$T/h" | tr -d '\r')
serve_start "$T/central/db"
curl -s "http://127.0.0.1:$P/api/v1/feed?since=$cur&limit=100000" >>"$T/feed"
serve_stop

for n in one two central; do
	"$IPGRAPH" export csv --db "$T/$n/db" >"$T/$n.csv" || exit 99
done
for c in $ONE $TWO; do
	$PAIRS tshark "$DATA/$c" >>"$T/all.pairs"
done
check "central: its edges equal the sum of the two sensors', window by window" \
    $CHK union "$T/central.csv" "$T/one.csv" "$T/two.csv"
check "central: packets and bytes per pair equal tshark's" \
    $PAIRS compare "$T/all.pairs" "$T/central.csv"
for c in $ONE; do $PAIRS tshark "$DATA/$c"; done >"$T/one.pairs"
for c in $TWO; do $PAIRS tshark "$DATA/$c"; done >"$T/two.pairs"
for n in one two; do
	check "sensor $n: packets and bytes per pair equal tshark's" \
	    $PAIRS compare "$T/$n.pairs" "$T/$n.csv"
done
check "central: one sensor per exporter and domain" test \
    "$(cut -d, -f2 "$T/central.csv" | sed 1d | sort -u | wc -l)" -eq 2
check "central: its feed gives every row once" \
    python3 "$top_srcdir/tests/e2e/feed_check.py" exact "$T/feed"
check "central: its feed gives every stored row" \
    python3 "$top_srcdir/tests/e2e/feed_check.py" same "$T/feed" \
    "$T/central/db"
finish
