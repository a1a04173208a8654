#!/bin/bash
# daemon.sh - ipgraphd on a veth pair between two network namespaces made
# here: real captures replayed with tcpreplay, counts checked against tshark,
# window roll-over, SIGHUP, SIGTERM, kill -9, missing interfaces, max_edges
# and retention.  Needs root (network namespaces); nothing leaves them.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need tshark
need sqlite3
need python3
# No IPv6 and no addresses: nothing but the replayed frames on the wire.
sensor_setup ipgt
[ -n "$IPGRAPH_KEEP" ] && echo "temporary files: $T"

# conf FILE [EXTRA SETTINGS...]: a config for the sensor end.
conf() {
	local f=$1
	shift
	daemon_conf "$f" "$B" "$@"
}
start() { daemon_start "$1"; }
stop() { daemon_stop "ipgraphd exits 0 on SIGTERM"; }

replay() {
	ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" "$@" \
	    >"$T/replay" 2>&1 || fail "tcpreplay $*: $(tail -3 "$T/replay")"
}

# wait_for SQL VALUE: poll the database until the query answers VALUE.
wait_for() {
	for _ in $(seq 1 300); do
		[ "$(sqlite3 "$W/db" "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# Ethernet captures with whole frames (tcpreplay sends what was captured).
CAPS="pcapplusplus-input.pcap pcapplusplus-gtp-u.pcap
pcapplusplus-one_http_stream_rst.pcap
pcapplusplus-ipv4-options.pcap pcapplusplus-ipv6-frag.pcap"

# 1. Replayed captures are counted exactly, and SIGTERM loses nothing.
conf "$T/c1"
start "$T/c1" || finish
check "the daemon runs as nobody" test \
    "$(ps -o user= -p "$DPID" | tr -d ' ')" = nobody
# The data path first: the query threads are named and run 10 nice
# levels under the capture (the main thread); the writer keeps its level.
# thread_nice NAME: the nice of the daemon's thread of that name (field 19
# of its stat).
thread_nice() {
	local t
	for t in /proc/"$DPID"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = "$1" ] || continue
		sed 's/.*) //' "$t/stat" | cut -d' ' -f17
		return
	done
}
main_nice=$(thread_nice ipgraphd)
want_nice=$((main_nice + 10 > 19 ? 19 : main_nice + 10))
if [ "$main_nice" -lt 19 ]; then
	check "the writer thread runs at the capture's nice" test \
	    "$(thread_nice ipg-writer)" = "$main_nice"
	check "the query threads are 10 nice levels under the capture" test \
	    "$(thread_nice ipg-http)" = "$want_nice"
else
	echo "SKIP: thread priorities (the test runs at nice 19 already)"
fi
for c in $CAPS; do
	replay "$DATA/$c"
	$PAIRS tshark "$DATA/$c" >>"$T/all.pairs"
done
stop
"$IPGRAPH" export csv --db "$W/db" >"$T/live.csv"
check "replayed captures: per-pair counts equal tshark's" \
    $PAIRS compare "$T/all.pairs" "$T/live.csv"
check "database owned by the daemon's user" test \
    "$(stat -c %U "$W/db")" = nobody
# packet events: every TCP SYN, FIN or RST, and at most [seq] packets (16)
# more of each edge per window
control=0
for c in $CAPS; do
	n=$(tshark -r "$DATA/$c" -Y "tcp.flags & 0x07 && !icmp" -T fields \
	    -e frame.number 2>/dev/null | wc -l)
	control=$((control + n))
done
check "every TCP control packet is a packet event ($control)" test \
    "$(sqlite3 "$W/db" 'SELECT count(*) FROM events WHERE proto = 6 AND tcp_flags & 7')" -eq "$control"
check "packet events are bounded per edge" test \
    "$(sqlite3 "$W/db" 'SELECT count(*) FROM events')" -le \
    "$((control + 16 * $(sqlite3 "$W/db" 'SELECT count(*) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0')))"
check "roll-ups written at shutdown" test \
    "$(sqlite3 "$W/db" 'SELECT sum(e.packets) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 1')" = \
    "$(sqlite3 "$W/db" 'SELECT sum(e.packets) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0')"

# 2. Windows roll over at their boundary, and an idle link still closes
#    them (written while the daemon runs, by the clock).
start "$T/c1" || finish
now=$(date +%s.%N)
sleep "$(python3 -c "print(2 - $now % 2 + 0.2)")"	# just after a boundary
replay "$DATA/pcapplusplus-input.pcap"
sleep 2
replay "$DATA/pcapplusplus-gtp-u.pcap"
check "idle windows close by the clock" \
    wait_for "SELECT count(*) > 1 FROM windows WHERE tier = 0" 1
stop
n=$(sqlite3 "$W/db" "SELECT count(*) FROM windows WHERE tier = 0")
check "two replays 2 s apart land in two windows ($n)" test "$n" -eq 2
first=$(sqlite3 "$W/db" "SELECT sum(e.packets) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0 AND w.start = (SELECT min(start) FROM windows WHERE tier = 0)")
check "the first window holds the first replay (28 packets, got $first)" \
    test "$first" = "$(grep -c . <(tshark -r "$DATA/pcapplusplus-input.pcap" -T fields -e frame.number 2>/dev/null))"
bad=$(sqlite3 "$W/db" "SELECT count(*) FROM edges e JOIN windows w ON w.id = e.window_id WHERE e.first_us < 0 OR e.last_us >= w.seconds * 1000000")
check "every edge's times lie inside its window" test "$bad" -eq 0

# 3. SIGHUP: a good config takes effect (filter), a bad one is refused and
#    the daemon goes on with the old one.
start "$T/c1" || finish
cp "$T/c1" "$T/c1.orig"
sed -i "s/^snaplen = 65535/snaplen = 65535\nfilter = udp/" "$T/c1"
kill -HUP "$DPID"
for _ in $(seq 1 30); do grep -q "reloaded" "$T/log" && break; sleep 0.1; done
check "SIGHUP with a good config reloads" grep -q "reloaded" "$T/log"
check "a changed capture filter is said to switch at a time stamp" \
    grep -q "reload: the capture filter changed; frames stamped before [0-9]*\.[0-9]* keep the old filter, later ones the new one" "$T/log"
replay "$DATA/pcapplusplus-input.pcap"	# TCP only: filtered out now
replay "$DATA/pcapplusplus-gtp-u.pcap"	# UDP: counted
printf '[window]\nseconds = banana\n' >"$T/c1"
kill -HUP "$DPID"
for _ in $(seq 1 30); do grep -q "reload failed" "$T/log" && break; sleep 0.1; done
check "SIGHUP with a bad config is refused, naming file, line and key" \
    grep -q "reload failed, keeping the running configuration: $T/c1:2: \[window\] seconds: 'banana'" "$T/log"
check "the daemon survives a bad reload" kill -0 "$DPID"
replay "$DATA/pcapplusplus-gtp-u.pcap"
stop
"$IPGRAPH" export csv --db "$W/db" >"$T/hup.csv"
check "after reload only UDP was captured" test \
    "$(tail -n +2 "$T/hup.csv" | cut -d, -f3 | sort -u)" = udp
$PAIRS tshark "$DATA/pcapplusplus-gtp-u.pcap" >"$T/gtp.pairs"
python3 - "$T/gtp.pairs" "$T/hup.csv" <<'PY' || fail "filtered counts"
import sys, collections, csv
want = collections.Counter()
for line in open(sys.argv[1]):
    s, d, p, b = line.split()
    want[(s, d)] += 2 * int(p)      # replayed twice, filter kept across the bad reload
got = collections.Counter()
for r in csv.DictReader(open(sys.argv[2])):
    got[(r["src"], r["dst"])] += int(r["packets"])
assert want == got, (want, got)
PY
pass
cp "$T/c1.orig" "$T/c1"

# 4. kill -9: the database stays consistent, written windows stay.
start "$T/c1" || finish
replay "$DATA/pcapplusplus-input.pcap"
wait_for "SELECT count(*) FROM windows WHERE tier = 0" 1 ||
    fail "no window written before kill -9"
replay "$DATA/pcapplusplus-gtp-u.pcap"
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
DPID=""
check "after kill -9: PRAGMA integrity_check is ok" test \
    "$(sqlite3 "$W/db" 'PRAGMA integrity_check')" = ok
check "after kill -9: the written window is whole (28 packets)" test \
    "$(sqlite3 "$W/db" 'SELECT sum(packets) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0 AND w.start = (SELECT min(start) FROM windows WHERE tier = 0)')" = 28

# 5. An interface that does not exist is retried while the others run,
#    and picked up when it appears.
L="ipgl$$"
conf "$T/c5"
sed -i "s/^interfaces = .*/interfaces = $B, $L/" "$T/c5"
start "$T/c5" || finish
check "a missing interface is named and retried" \
    grep -q "$L: .*retrying" "$T/log"
replay "$DATA/pcapplusplus-input.pcap"
ip netns exec "$SEN" ip link add "$L" type veth peer name "${L}p"
ip netns exec "$SEN" ip link set "$L" up
for _ in $(seq 1 80); do grep -q "$L: capturing" "$T/log" && break; sleep 0.1; done
check "the interface is captured once it appears" \
    grep -q "$L: capturing" "$T/log"
stop
"$IPGRAPH" export csv --db "$W/db" >"$T/missing.csv"
$PAIRS tshark "$DATA/pcapplusplus-input.pcap" >"$T/input.pairs"
check "the other interface was captured meanwhile" \
    $PAIRS compare "$T/input.pairs" "$T/missing.csv"

# 6. max_edges: what does not fit goes to overflow edges, nothing is lost.
conf "$T/c6"
sed -i "s/^grace = 1/grace = 1\nmax_edges = 2/" "$T/c6"
start "$T/c6" || finish
for c in $CAPS; do replay "$DATA/$c"; done
stop
total=$(cat "$T/all.pairs" | awk '{n += $3} END {print n}')
check "with max_edges every packet is still counted" test \
    "$(sqlite3 "$W/db" 'SELECT sum(packets) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0')" = "$total"
check "overflow is counted per window" test \
    "$(sqlite3 "$W/db" 'SELECT sum(overflow) > 0 FROM windows WHERE tier = 0')" = 1
check "overflow edges have unspecified addresses" test \
    "$(sqlite3 "$W/db" "SELECT count(*) > 0 FROM edges WHERE hex(src) IN ('00000000', '00000000000000000000000000000000') AND sport = 0")" = 1
check "no window holds more than max_edges + overflow edges" test \
    "$(sqlite3 "$W/db" "SELECT max(n) FROM (SELECT count(*) AS n FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0 AND hex(e.src) NOT IN ('00000000', '00000000000000000000000000000000') GROUP BY w.id)")" -le 2

# 7. Retention deletes old windows (tiers kept as configured).
conf "$T/c7"
sed -i "s|^path = .*|path = $W/db\nretention_raw = 60s\nretention_hour = 100y\nretention_day = 100y|" "$T/c7"
rm -f "$W"/db*
"$IPGRAPH" import -q --db "$W/db" "$DATA/pcapplusplus-input.pcap"
chown nobody "$W"/db*
old=$(sqlite3 "$W/db" "SELECT count(*) FROM windows WHERE tier = 0")
ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/c7" >"$T/log" 2>&1 &
DPID=$!
for _ in $(seq 1 300); do grep -q "capturing on" "$T/log" && break; sleep 0.1; done
replay "$DATA/pcapplusplus-gtp-u.pcap"
check "retention deletes raw windows older than 60 s ($old before)" \
    wait_for "SELECT count(*) FROM windows WHERE tier = 0 AND start < 1500000000" 0
stop
check "the hour tier of the old capture is kept" test \
    "$(sqlite3 "$W/db" 'SELECT count(*) FROM windows WHERE tier = 1 AND start < 1500000000')" -ge 1
check "retention is logged" grep -q "retention: deleted" "$T/log"
finish
