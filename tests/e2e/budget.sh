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

printf '[store]\nmax_size_raw = 100k\n' >"$T/bad3.conf"
expect_error 1 'bad3.conf:2: \[store\] max_size_raw: .100k. is below 1M' \
    "$IPGRAPHD" --check-config -c "$T/bad3.conf"

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

# A budget for the raw tier alone: its oldest windows go until its share
# of the file (its edge and pair rows over all rows, of the pages in use)
# is under it; the roll-ups and the file's other tiers are not touched.
rm -f "$W"/db*
"$IPGRAPH" import -q --db "$W/db" --sensor veth "$T/old.pcap"
counts() { sqlite3 "$W/db" "SELECT count(*) FROM windows WHERE tier = $1"; }
h0=$(counts 1) r0=$(counts 0)
chown nobody "$W"/db*
daemon_conf "$T/c2" "$B" "max_size_raw = 2M" \
    'retention_raw = 100y\nretention_hour = 100y\nretention_day = 100y' \
    '[http]\nlisten = 127.0.0.1:8080'
: >"$T/log"
ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/c2" >"$T/log" 2>&1 &
DPID=$!
for _ in $(seq 1 300); do grep -q "capturing on" "$T/log" && break; sleep 0.1; done
for c in pcapplusplus-input.pcap pcapplusplus-gtp-u.pcap; do
	ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" \
	    "$DATA/$c" >/dev/null 2>&1 || fail "tcpreplay $c"
	sleep 2
done
sleep 3
ip netns exec "$SEN" curl -s http://127.0.0.1:8080/metrics >"$T/metrics"
tiered=$(sed -n 's/^ipgraph_budget_tier_windows_deleted_total{tier="raw"} //p' "$T/metrics")
others=$(sed -n 's/^ipgraph_budget_tier_windows_deleted_total{tier="\(hour\|day\)"} //p' "$T/metrics" | tr '\n' ' ')
# the share while it runs (the window written at the stop comes after
# the last check; packet events written between two windows move it a
# little: 5% more is allowed)
share=$(python3 - "$W/db" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
q = lambda s: db.execute(s).fetchone()[0] or 0
used = (q("PRAGMA page_count") - q("PRAGMA freelist_count")) * q("PRAGMA page_size")
raw = q("SELECT count(*) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0") + \
      q("SELECT count(*) FROM pairs p JOIN windows w ON w.id = p.window_id WHERE w.tier = 0")
rows = q("SELECT count(*) FROM edges") + q("SELECT count(*) FROM pairs") + \
       q("SELECT count(*) FROM events") + q("SELECT count(*) FROM names") + \
       q("SELECT count(*) FROM first_seen")
print(used * raw // rows)
PY
)
daemon_stop "ipgraphd exits 0 on SIGTERM (max_size_raw)"
check "max_size_raw: the raw tier's share is under 2M ($share bytes)" \
    test "$share" -le $((2 * 1024 * 1024 * 105 / 100))
check "max_size_raw: deletions counted per tier in /metrics ($tiered)" \
    test "${tiered:-0}" -gt 0
check "max_size_raw: logged" grep -q "max_size_raw: the raw tier passed" "$T/log"
check "max_size_raw: imported raw windows went ($r0 before, $(counts 0) after)" \
    test "$(counts 0)" -lt "$r0"
check "max_size_raw: the live windows are kept ($(sqlite3 "$W/db" 'SELECT count(*) FROM windows WHERE tier = 0 AND start > 1700000000'))" \
    test "$(sqlite3 "$W/db" 'SELECT count(*) FROM windows WHERE tier = 0 AND start > 1700000000')" -gt 0
check "max_size_raw: no hour or day window deleted ($others)" \
    test "$others" = "0 0 "
check "max_size_raw: the imported hours stay ($h0 before)" \
    test "$(sqlite3 "$W/db" 'SELECT count(*) FROM windows WHERE tier = 1 AND start < 1700000000')" -ge "$h0"
finish
