#!/bin/bash
# budget.sh - [store] max_size: a database of 600 imported minutes (13 MB)
# under ipgraphd, in network namespaces made here, with a 3 MiB budget
# while captures are replayed: the file (after a checkpoint) ends under
# the budget, the oldest raw windows went first and the newest stayed,
# the deletions were logged and counted; too small a budget is refused.
. "$(dirname "$0")/lib.sh"
need python3
need sqlite3
need tcpreplay
need curl
need stat

printf '[store]\nmax_size = 100k\n' >"$T/bad.conf"
expect_error 1 'bad.conf:2: \[store\] max_size: .100k. is below 1M' \
    "$IPGRAPHD" --check-config -c "$T/bad.conf"
printf '[store]\nmax_size = 3X\n' >"$T/bad2.conf"
expect_error 1 'bad2.conf:2: \[store\] max_size: .3X. is not a size' \
    "$IPGRAPHD" --check-config -c "$T/bad2.conf"

sensor_setup ipbu
ip netns exec "$SEN" ip link set lo up
MAX=$((6 * 1024 * 1024))
python3 "$top_srcdir/tests/e2e/diff_oracle.py" synth "$T/old.pcap" \
    1577836800 600 100 || fail "synth"
"$IPGRAPH" import -q --db "$W/db" --sensor veth "$T/old.pcap"
before=$(stat -c %s "$W/db")
check "the imported database is over the budget ($before bytes)" \
    test "$before" -gt "$MAX"
chown nobody "$W"/db*
daemon_conf "$T/c" "$B" "max_size = 6M\nfirst_seen_max = 1000" \
    'retention_raw = 100y\nretention_hour = 100y\nretention_day = 100y' \
    '[http]\nlisten = 127.0.0.1:8080'
: >"$T/log"
ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/c" >"$T/log" 2>&1 &
DPID=$!
for _ in $(seq 1 300); do grep -q "capturing on" "$T/log" && break; sleep 0.1; done
for i in 1 2 3 4 5; do
	for c in pcapplusplus-input.pcap pcapplusplus-gtp-u.pcap \
	    pcapplusplus-one_http_stream_rst.pcap; do
		ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" \
		    "$DATA/$c" >/dev/null 2>&1 || fail "tcpreplay $c"
	done
	sleep 1
done
sleep 3
deleted=$(ip netns exec "$SEN" curl -s http://127.0.0.1:8080/metrics |
    sed -n 's/^ipgraph_budget_windows_deleted_total //p')
daemon_stop "ipgraphd exits 0 on SIGTERM"
sqlite3 "$W/db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
after=$(stat -c %s "$W/db")
check "the file is under the budget after a checkpoint ($after <= $MAX)" \
    test "$after" -le "$MAX"
check "deletions counted in /metrics ($deleted)" test "${deleted:-0}" -gt 0
check "deletions logged" grep -q "max_size: the database passed" "$T/log"
live=$(sqlite3 "$W/db" 'SELECT count(*) FROM windows WHERE tier = 0 AND start > 1700000000')
check "the live windows are kept ($live)" test "$live" -gt 0
# finest first: every imported raw window went before any hour did; of
# the hours, the oldest went and the newest stayed (none missing between);
# the day, the coarsest, stayed
imp() {
	sqlite3 "$W/db" "SELECT count(*) || ' ' || coalesce(min(start), 0) || ' ' || coalesce(max(start), 0) FROM windows WHERE tier = $1 AND start < 1700000000"
}
check "raw: the imported windows went first ($(imp 0))" test "$(imp 0)" = "0 0 0"
set -- $(imp 1)
check "hour: the oldest went, the newest stayed ($*)" test "$1" -ge 1 -a \
    "$1" -lt 10 -a "$3" = $((1577836800 + 9 * 3600)) -a \
    $(( ($3 - $2) / 3600 + 1 )) = "$1"
check "day: kept ($(imp 2))" test "$(imp 2)" = "1 1577836800 1577836800"
check "the database reads back" "$IPGRAPH" export csv --db "$W/db" -o "$T/after.csv"
finish
