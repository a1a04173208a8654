#!/bin/bash
# import.sh - import the committed captures and check every count against
# tshark, the CSV format, windows, time filters, stdin and re-imports.
. "$(dirname "$0")/lib.sh"
need tshark
need python3
need sqlite3
need editcap
need mergecap

# 1. Every committed capture: per-pair packets and bytes equal tshark's.
for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	name=${f##*/}
	db="$T/$name.db"
	"$IPGRAPH" import -q --db "$db" --sensor s "$f" 2>"$T/err"
	rc=$?
	[ $rc -le 1 ] || { fail "$name: import exited $rc"; continue; }
	"$IPGRAPH" export csv --db "$db" -o "$T/$name.csv" ||
	    { fail "$name: export failed"; continue; }
	$PAIRS tshark "$f" >"$T/$name.pairs"
	if $PAIRS compare "$T/$name.pairs" "$T/$name.csv" >"$T/cmp"; then
		pass
	else
		fail "$name differs from tshark: $(cat "$T/cmp")"
	fi
	# the pairs table is every window's edges folded per address pair
	d=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT window_id, src, dst,
	    sum(packets), sum(bytes), min(first_us), max(last_us) FROM edges
	    GROUP BY 1, 2, 3 EXCEPT SELECT * FROM pairs) UNION ALL
	    SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT window_id,
	    src, dst FROM edges)) FROM pairs" | tr '\n' ' ')
	check "$name: pairs fold the edges (differences: $d)" test "$d" = "0 0 "
done

# A capture with traffic in several windows, for the checks below.
CAP="$DATA/pcapplusplus-gtp-u.pcap"
DB="$T/w.db"

# 2. The CSV header and row format, exactly.
"$IPGRAPH" import -q --db "$DB" --sensor probe-1 --window 10 "$CAP" ||
    fail "import of $CAP failed"
"$IPGRAPH" export csv --db "$DB" >"$T/w.csv" || fail "export failed"
check "CSV header" test "$(head -1 "$T/w.csv")" = \
    "window_start,sensor,proto,src,sport,dst,dport,packets,bytes,first_seen,last_seen,tcp_flags,sport_service,dport_service"
iso='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z'
bad=$(tail -n +2 "$T/w.csv" | grep -Evc "^$iso,probe-1,(tcp|udp|icmp|icmpv6|sctp|[0-9]+),[0-9a-f.:]+,[0-9]+,[0-9a-f.:]+,[0-9]+,[0-9]+,[0-9]+,$iso,$iso,[0-9]+,[^,]*,[^,]*\$")
check "every CSV row well formed ($bad bad)" test "$bad" -eq 0

# 3. Windows: aligned to the window length, times inside their window,
#    and more than one window for this capture at 10 s.
python3 - "$T/w.csv" 10 <<'PY' || fail "window placement"
import csv, sys, datetime
def us(s):
    d = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp()) * 1000000 + d.microsecond
w = int(sys.argv[2]) * 1000000
starts = set()
for r in csv.DictReader(open(sys.argv[1])):
    s, a, b = us(r["window_start"]), us(r["first_seen"]), us(r["last_seen"])
    assert s % w == 0, r
    assert s <= a <= b < s + w, r
    starts.add(s)
assert len(starts) > 1, starts
PY
pass
n1=$(sqlite3 "$DB" "SELECT count(*) FROM windows")
"$IPGRAPH" import -q --db "$T/w60.db" "$CAP"
n2=$(sqlite3 "$T/w60.db" "SELECT count(*) FROM windows")
check "10 s windows ($n1) outnumber 60 s windows ($n2)" test "$n1" -gt "$n2"

# 4. Time filters, in every accepted form, select whole windows.
first=$(sed -n 2p "$T/w.csv" | cut -d, -f1)
last=$(tail -1 "$T/w.csv" | cut -d, -f1)
epoch_last=$(date -u -d "${last%Z}" +%s)
dashed_last=$(date -u -d "${last%Z}" +%Y-%-m-%-d-%H-%M-%S)
"$IPGRAPH" export csv --db "$DB" --from "$last" >"$T/a.csv"
"$IPGRAPH" export csv --db "$DB" --from "$epoch_last" >"$T/b.csv"
"$IPGRAPH" export csv --db "$DB" --from "$dashed_last" >"$T/c.csv"
check "--from ISO selects only the last window" \
    test "$(tail -n +2 "$T/a.csv" | cut -d, -f1 | sort -u)" = "$last"
check "--from epoch = --from ISO" cmp -s "$T/a.csv" "$T/b.csv"
check "--from dashed = --from ISO" cmp -s "$T/a.csv" "$T/c.csv"
"$IPGRAPH" export csv --db "$DB" --to "$first" >"$T/d.csv"
check "--to selects only the first window" \
    test "$(tail -n +2 "$T/d.csv" | cut -d, -f1 | sort -u)" = "$first"
"$IPGRAPH" export csv --db "$DB" --to 2000-01-01 >"$T/e.csv"
check "an empty result is just the header" test "$(wc -l <"$T/e.csv")" -eq 1
"$IPGRAPH" export csv --db "$DB" --from -1h >"$T/f.csv"
check "a relative time works (nothing in the last hour)" \
    test "$(wc -l <"$T/f.csv")" -eq 1
expect_error 1 "--sensor: 'nosuch' is not a sensor of this database \\(known: probe-1\\)" \
    "$IPGRAPH" export csv --db "$DB" --sensor nosuch
"$IPGRAPH" export csv --db "$DB" --sensor probe-1 >"$T/g.csv"
check "--sensor probe-1 reads its rows" test "$(wc -l <"$T/g.csv")" -gt 1

# 5. Standard input gives the same edges as the file.
"$IPGRAPH" import -q --db "$T/stdin.db" --sensor probe-1 --window 10 - <"$CAP" ||
    fail "import from stdin failed"
"$IPGRAPH" export csv --db "$T/stdin.db" >"$T/stdin.csv"
check "stdin import = file import" cmp -s "$T/w.csv" "$T/stdin.csv"

# 6. The same capture twice is refused, under any name, unless --force;
#    with --force the counts double (windows and edges add up).
cp "$CAP" "$T/renamed.pcap"
expect_error 1 "already imported.*--force" \
    "$IPGRAPH" import --db "$DB" --sensor probe-1 "$T/renamed.pcap"
"$IPGRAPH" export csv --db "$DB" >"$T/again.csv"
check "a refused import changes nothing" cmp -s "$T/w.csv" "$T/again.csv"
"$IPGRAPH" import -q --db "$DB" --sensor probe-1 --window 10 --force "$CAP" ||
    fail "--force import failed"
"$IPGRAPH" export csv --db "$DB" >"$T/double.csv"
python3 - "$T/w.csv" "$T/double.csv" <<'PY' || fail "--force does not add up"
import csv, sys
a = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
assert len(a) == len(b)
for x, y in zip(a, b):
    assert int(y["packets"]) == 2 * int(x["packets"]), (x, y)
    assert int(y["bytes"]) == 2 * int(x["bytes"]), (x, y)
    assert x["first_seen"] == y["first_seen"] and x["last_seen"] == y["last_seen"]
PY
pass

# 7. Two captures into one database keep their sensors apart.
"$IPGRAPH" import -q --no-names --db "$T/two.db" --sensor a "$DATA/pcapplusplus-input.pcap"
"$IPGRAPH" import -q --no-names --db "$T/two.db" --sensor b "$DATA/pcapplusplus-sll2.pcap"
"$IPGRAPH" export csv --db "$T/two.db" --sensor a >"$T/a-only.csv"
check "sensor a has only its own edges" \
    test "$(tail -n +2 "$T/a-only.csv" | cut -d, -f2 | sort -u)" = a
$PAIRS tshark "$DATA/pcapplusplus-input.pcap" >"$T/input.pairs"
check "sensor a's edges equal its capture's" \
    $PAIRS compare "$T/input.pairs" "$T/a-only.csv"

# 8. The summary names what was not decoded.
"$IPGRAPH" import --db "$T/nl.db" "$DATA/pcapplusplus-microsecs_big_endian.pcap" 2>"$T/nl.err"
check "an undecoded link type is named" grep -q "NETLINK" "$T/nl.err"
"$IPGRAPH" import --db "$T/arp.db" "$DATA/pcap4j-Dot11ProbeRequestPacketTest.pcap" 2>"$T/arp.err"
check "frames without IP are counted" grep -q "not IP *1" "$T/arp.err"

# 9. A database of schema version 1 is upgraded when opened for writing,
#    and keeps its data; read-only use of an old schema is refused.
cp "$DATA/schema-v1.db" "$T/v1.db"
expect_error 1 "v1.db: database schema version 1 is older than" \
    "$IPGRAPH" export csv --db "$T/v1.db"
"$IPGRAPH" import -q --db "$T/v1.db" --sensor new "$DATA/pcapplusplus-sll2.pcap" ||
    fail "import into a schema 1 database failed"
check "the schema is upgraded" test \
    "$(sqlite3 "$T/v1.db" 'SELECT max(version) FROM schema_version')" -ge 2
"$IPGRAPH" export csv --db "$T/v1.db" --sensor old >"$T/old.csv"
check "data of the old schema is kept" \
    $PAIRS compare "$T/input.pairs" "$T/old.csv"

# 10. Long spans read rolled-up hours where they are complete and raw
#     windows where the roll-up is still pending (the current hour of a
#     live sensor): totals equal the raw windows' either way.
"$IPGRAPH" import -q --db "$T/mix.db" "$DATA/pcapplusplus-gtp-u.pcap"
"$IPGRAPH" rollup --db "$T/mix.db" || fail "ipgraph rollup failed"
last=$(sqlite3 "$T/mix.db" "SELECT max(start) FROM windows WHERE tier = 0")
late=$((last - last % 3600 + 7200))
sqlite3 "$T/mix.db" "
INSERT INTO windows (sensor_id, tier, seconds, start, frames, bytes)
    VALUES (1, 0, 60, $late, 1, 100);
INSERT INTO edges SELECT last_insert_rowid(), proto, src, dst, sport, dport,
    7, 700, 0, 0, 0 FROM edges WHERE window_id = 1 LIMIT 1;
INSERT INTO pairs SELECT window_id, src, dst, 7, 700, 0, 0 FROM edges
    WHERE window_id = (SELECT max(id) FROM windows);
INSERT INTO rollup_pending VALUES (1, 1, $late);"
"$IPGRAPH" export csv-pairs --db "$T/mix.db" --from "$((last - 86400))" \
    >"$T/mix.pairs"
python3 - "$T/mix.db" "$T/mix.pairs" <<'PY' || fail "mixed tiers lose or double packets"
import sqlite3, sys, ipaddress, collections
db = sqlite3.connect(sys.argv[1])
want = collections.Counter()
for s, d, p in db.execute("SELECT e.src, e.dst, sum(e.packets) FROM edges e"
                          " JOIN windows w ON w.id = e.window_id"
                          " WHERE w.tier = 0 GROUP BY 1, 2"):
    want[(str(ipaddress.ip_address(s)), str(ipaddress.ip_address(d)))] = p
got = collections.Counter()
for line in open(sys.argv[2]):
    a, b, n = line.strip().split(";")
    got[(a, b)] += int(n)
assert want == got, (want, got)
PY
pass

# 10b. An import rolls up the hours its traffic has gone past; the hour
#      it ends in stays marked (a later file may add to it) until a later
#      import passes it or `ipgraph rollup`.  Three copies an hour apart.
editcap -t 3600 "$DATA/pcapplusplus-input.pcap" "$T/h1.pcap"
editcap -t 7200 "$DATA/pcapplusplus-input.pcap" "$T/h2.pcap"
mergecap -w "$T/h012.pcap" "$DATA/pcapplusplus-input.pcap" "$T/h1.pcap" \
    "$T/h2.pcap"
"$IPGRAPH" import -q --db "$T/h.db" "$T/h012.pcap" || fail "import h012"
q() { sqlite3 "$T/h.db" "$1"; }
hours=$(q "SELECT count(DISTINCT start / 3600) FROM windows WHERE tier = 0")
past=$(q "SELECT count(DISTINCT start / 3600) FROM windows WHERE tier = 0
    AND start / 3600 * 3600 + 3600 <= (SELECT max(start) FROM windows
    WHERE tier = 0)")
check "the capture spans three hours or more ($hours)" test "$hours" -ge 3
check "the hours gone past are rolled up ($past)" test \
    "$(q "SELECT count(*) FROM windows WHERE tier = 1")" -eq "$past"
check "the last hour stays marked" test \
    "$(q "SELECT count(*) FROM rollup_pending WHERE tier = 1")" -eq \
    $((hours - past))
"$IPGRAPH" rollup --db "$T/h.db" || fail "ipgraph rollup failed"
check "ipgraph rollup computes the rest" test \
    "$(q "SELECT count(*) FROM windows WHERE tier = 1"):$(q "SELECT count(*) FROM rollup_pending")" = "$hours:0"
for tier in 1 2; do
	check "tier $tier: edges and pairs add up to the raw windows" test \
	    "$(q "SELECT sum(e.packets), sum(e.bytes) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = $tier")|$(q "SELECT sum(p.packets), sum(p.bytes) FROM pairs p JOIN windows w ON w.id = p.window_id WHERE w.tier = $tier")" = \
	    "$(q "SELECT sum(e.packets), sum(e.bytes) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0")|$(q "SELECT sum(p.packets), sum(p.bytes) FROM pairs p JOIN windows w ON w.id = p.window_id WHERE w.tier = 0")"
done
expect_error 2 "rollup: unexpected argument 'x'" "$IPGRAPH" rollup --db "$T/h.db" x

# 11. top lists the heaviest pairs first, as sqlite3 adds them up over
#     the edges, and takes the export filters.
toporacle() {	# DB METRIC N [HOST]: "src dst packets bytes" lines
	python3 - "$@" <<'PY'
import sqlite3, sys, ipaddress
db, metric, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
host = ipaddress.ip_network(sys.argv[4]) if len(sys.argv) > 4 else None
tot = {}
for s, d, p, b in sqlite3.connect(db).execute(
        "SELECT e.src, e.dst, e.packets, e.bytes FROM edges e"
        " JOIN windows w ON w.id = e.window_id WHERE w.tier = 0"):
    s, d = ipaddress.ip_address(s), ipaddress.ip_address(d)
    if host and s not in host and d not in host:
        continue
    t = tot.setdefault((s, d), [0, 0])
    t[0] += p
    t[1] += b
k = 1 if metric == "bytes" else 0
rows = sorted(tot.items(), key=lambda r: (-r[1][k], -r[1][1 - k],
              r[0][0].version, int(r[0][0]), r[0][1].version, int(r[0][1])))
for (s, d), (p, b) in rows[:n]:
    print(s, d, p, b)
PY
}
for m in packets bytes; do
	"$IPGRAPH" top --db "$T/two.db" -n 3 --metric $m | tail -n +2 |
	    awk '{ print $1, $2, $3, $4 }' >"$T/top"
	toporacle "$T/two.db" $m 3 >"$T/top.want"
	check "top -n 3 --metric $m equals sqlite's sums" \
	    cmp -s "$T/top" "$T/top.want"
done
h=$(awk 'NR == 2 { print $1 }' "$T/top")
"$IPGRAPH" top --db "$T/two.db" -n 50 --host "$h" | tail -n +2 |
    awk '{ print $1, $2, $3, $4 }' >"$T/top"
toporacle "$T/two.db" packets 50 "$h" >"$T/top.want"
check "top --host $h equals sqlite's sums" cmp -s "$T/top" "$T/top.want"
finish
