#!/bin/bash
# firstseen.sh - the first-seen table: `ipgraph new` against an independent
# computation over `export csv` (imports out of order, spans, sensors, a
# database migrated from schema 1); then, as root, ipgraphd in network
# namespaces made here: first times survive raw retention, the table's
# bound drops the oldest (logged, counted), /metrics counts new edges.
. "$(dirname "$0")/lib.sh"
need python3
need sqlite3
need curl

ORACLE="python3 $top_srcdir/tests/e2e/diff_oracle.py"
DB="$T/fs.db"
B=1577836800		# 2020-01-01T00:00:00Z

# place CAPTURE OUT START SENSOR: packet i at START + i/2 s, imported
place() {
	$ORACLE shift "$DATA/$1" "$T/$2" "$3" 0.5 || fail "shifting $1"
	"$IPGRAPH" import -q --db "$DB" --sensor "$4" "$T/$2" 2>/dev/null
	[ $? -le 1 ] || fail "import of $2"
}
# the later capture first: the earlier one must move first times back
place pcapplusplus-input.pcap late.pcap $((B + 86400)) a
place pcapplusplus-input.pcap early.pcap $B a
place pcapplusplus-one_http_stream_rst.pcap http.pcap $((B + 600)) a
place pcapplusplus-gtp-u.pcap gtp.pcap $((B + 1200)) b
place pcapplusplus-ipv6-frag.pcap frag.pcap $((B + 1800)) b
"$IPGRAPH" export csv --db "$DB" --tier raw -o "$T/all.csv"

"$IPGRAPH" new --db "$DB" --since 0 >"$T/new.csv" || fail "ipgraph new"
check "new: every first time equals the oracle's" \
    $ORACLE firstseen "$T/new.csv" "$T/all.csv"
check "new: the earlier import set the first times" \
    sh -c "! grep -q '^2020-01-02' '$T/new.csv'"
"$IPGRAPH" new --db "$DB" --since $((B + 300)) --until $((B + 1500)) \
    >"$T/span.csv"
check "new --since --until: the span's equal the oracle's" \
    $ORACLE firstseen "$T/span.csv" "$T/all.csv" --since $((B + 300)) \
    --until $((B + 1500))
"$IPGRAPH" new --db "$DB" --since 0 --sensor b >"$T/b.csv"
check "new --sensor: only that sensor's, all of them" test \
    "$(grep -c ',b,' "$T/b.csv")/$(($(wc -l <"$T/b.csv") - 1))" = \
    "$(grep -c ',b,' "$T/new.csv")/$(grep -c ',b,' "$T/new.csv")"
check "new: a relative --since" sh -c \
    "'$IPGRAPH' new --db '$DB' --since -1h | wc -l | grep -qx 1"

# a database of schema 1 is migrated: its stored edges fill the table
cp "$DATA/schema-v1.db" "$T/v1.db"
"$IPGRAPH" import -q --db "$T/v1.db" "$T/gtp.pcap"
check "migrated to schema 6" test \
    "$(sqlite3 "$T/v1.db" 'SELECT max(version) FROM schema_version')" -ge 6
"$IPGRAPH" export csv --db "$T/v1.db" --tier raw -o "$T/v1.csv"
"$IPGRAPH" new --db "$T/v1.db" --since 0 >"$T/v1new.csv"
check "migrated: first times equal the oracle's" \
    $ORACLE firstseen "$T/v1new.csv" "$T/v1.csv"

expect_error 2 'new: --since is required' "$IPGRAPH" new --db "$DB"
expect_error 1 'since is after --until' \
    "$IPGRAPH" new --db "$DB" --since 2020-02-01 --until 2020-01-01
expect_error 1 '^ipgraph: --since: ' "$IPGRAPH" new --db "$DB" --since yesterday
expect_error 1 '^ipgraph: --sensor: .*(a|b)' \
    "$IPGRAPH" new --db "$DB" --since 0 --sensor nosuch

# --- ipgraphd: retention and the bound (root, network namespaces) -------
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the daemon part needs root"
	finish
fi
need tcpreplay
sensor_setup ipfs
# the HTTP server listens on the sensor namespace's own loopback
ip netns exec "$SEN" ip link set lo up
replay() {
	ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" "$@" \
	    >"$T/replay" 2>&1 || fail "tcpreplay $*: $(tail -3 "$T/replay")"
}
wait_for() {
	for _ in $(seq 1 300); do
		[ "$(sqlite3 "$W/db" "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
metric() {
	ip netns exec "$SEN" curl -s http://127.0.0.1:8080/metrics |
	    sed -n "s/^$1 //p"
}

# 1. First times outlive raw retention.
daemon_conf "$T/c1" "$B" \
    'retention_raw = 60s\nretention_hour = 100y\nretention_day = 100y' \
    '[http]\nlisten = 127.0.0.1:8080'
rm -f "$W"/db*
"$IPGRAPH" import -q --db "$W/db" --sensor veth "$DATA/pcapplusplus-input.pcap"
"$IPGRAPH" export csv --db "$W/db" --tier raw -o "$T/old.csv"
"$IPGRAPH" new --db "$W/db" --since 0 >"$T/old-new.csv"
chown nobody "$W"/db*
: >"$T/log"
ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/c1" >"$T/log" 2>&1 &
DPID=$!
for _ in $(seq 1 300); do grep -q "capturing on" "$T/log" && break; sleep 0.1; done
replay "$DATA/pcapplusplus-gtp-u.pcap"
check "retention deleted the old raw windows" \
    wait_for "SELECT count(*) FROM windows WHERE tier = 0 AND start < 1500000000" 0
wait_for "SELECT count(*) > 0 FROM windows WHERE tier = 0 AND start > 1500000000" 1
sleep 3	# the replayed window closes (2 s windows, 1 s grace)
n=$(metric 'ipgraph_new_edges_total{sensor="veth"}')
daemon_stop "ipgraphd exits 0 on SIGTERM"
"$IPGRAPH" export csv --db "$W/db" --tier raw -o "$T/live.csv"
"$IPGRAPH" new --db "$W/db" --since 0 >"$T/after.csv"
check "after retention: first times equal the oracle's (old and live)" \
    $ORACLE firstseen "$T/after.csv" "$T/old.csv" "$T/live.csv"
check "after retention: every old first time kept as it was" sh -c \
    "tail -n +2 '$T/old-new.csv' | while read -r l; do grep -qxF \"\$l\" '$T/after.csv' || exit 1; done"
live=$(($(wc -l <"$T/after.csv") - $(wc -l <"$T/old-new.csv")))
check "/metrics counts the new edges per sensor ($n, $live new)" \
    test "$n" = "$live" -a "$live" -gt 0

# 2. The bound: the newest first_seen_max are kept, the drop is said.
daemon_conf "$T/c2" "$B" 'first_seen_max = 3' \
    '[http]\nlisten = 127.0.0.1:8080'
daemon_start "$T/c2"
replay "$DATA/pcapplusplus-input.pcap"
wait_for "SELECT count(*) > 0 FROM windows WHERE tier = 0" 1
sleep 3
dropped=$(metric ipgraph_first_seen_dropped_total)
daemon_stop "ipgraphd exits 0 on SIGTERM (bounded)"
"$IPGRAPH" export csv --db "$W/db" --tier raw -o "$T/c2.csv"
"$IPGRAPH" new --db "$W/db" --since 0 >"$T/c2new.csv"
check "bounded: the table holds first_seen_max rows" \
    test "$(sqlite3 "$W/db" 'SELECT count(*) FROM first_seen')" = 3
check "bounded: the newest three equal the oracle's" \
    $ORACLE firstseen "$T/c2new.csv" "$T/c2.csv" --keep 3
all=$(python3 -c 'import csv, sys
print(len({(r["proto"], r["src"], r["dst"], r["dport"]) for r in csv.DictReader(open(sys.argv[1]))}))' "$T/c2.csv")
check "bounded: the drop is counted ($dropped of $all)" \
    test "$dropped" = "$((all - 3))"
check "bounded: the drop is logged" grep -q "first-seen: .* dropped" "$T/log"

finish
