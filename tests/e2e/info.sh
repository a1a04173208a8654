#!/bin/bash
# info.sh - `ipgraph info` and GET /api/v1/info on a database imported from
# committed captures under two sensors: every number against sqlite3's own
# count, the HTTP document byte for byte against `ipgraph info --json`.
# Then empty results (a relative span on old data, an absolute one before
# it, a filter nothing passes) say why on stderr, in X-Ipgraph-Note and in
# edges.json; an unknown sensor is an error naming the known ones.
. "$(dirname "$0")/lib.sh"
need curl
need python3
need sqlite3
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$IPGRAPH_KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT

# Sensor a: three captures in minute windows; sensor b: two in 10-second
# windows; roll-ups computed, so every tier has windows.
DB="$T/info.db"
for f in pcapplusplus-input.pcap pcapplusplus-sll2.pcap \
    pcapplusplus-ipv6-frag.pcap; do
	"$IPGRAPH" import -q --db "$DB" --sensor a "$DATA/$f"
	[ $? -le 1 ] || fail "import of $f"
done
for f in pcapplusplus-many_interfaces-1.pcapng \
    pcapplusplus-one_http_stream_rst.pcap; do
	"$IPGRAPH" import -q --db "$DB" --sensor b --window 10 "$DATA/$f"
	[ $? -le 1 ] || fail "import of $f"
done
"$IPGRAPH" rollup --db "$DB" || fail "rollup"
q() { sqlite3 -batch -noheader "$DB" "$1"; }
ISO="'%Y-%m-%dT%H:%M:%SZ'"

# 1. ipgraph info --json against sqlite3.
"$IPGRAPH" info --db "$DB" --json >"$T/info.json" 2>"$T/err"
check "info --json exits 0 ($(cat "$T/err"))" test $? -eq 0 -a ! -s "$T/err"
# j EXPR: a value of the document (Python syntax on d), printed as text
j() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print("null" if v is None else v)' "$T/info.json" "$1"
}
same() {	# DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi
}
same "schema_version" "$(j 'd["schema_version"]')" \
    "$(q 'SELECT max(version) FROM schema_version')"
file=$(q 'PRAGMA page_count')
file=$((file * $(q 'PRAGMA page_size')))
wal=0
[ -f "$DB-wal" ] && wal=$(stat -c %s "$DB-wal")
same "file_bytes" "$(j 'd["file_bytes"]')" "$file"
same "wal_bytes" "$(j 'd["wal_bytes"]')" "$wal"
same "size_bytes" "$(j 'd["size_bytes"]')" "$((file + wal))"
# hosts from the edges table (the command reads the pairs table)
same "hosts" "$(j 'd["hosts"]')" \
    "$(q 'SELECT count(*) FROM (SELECT src FROM edges UNION SELECT dst FROM edges)')"
same "windows" "$(j 'd["windows"]')" "$(q 'SELECT count(*) FROM windows')"
same "edges" "$(j 'd["edges"]')" "$(q 'SELECT count(*) FROM edges')"
same "sensors" "$(j '",".join(d["sensors"])')" \
    "$(q 'SELECT group_concat(name, ",") FROM (SELECT name FROM sensors ORDER BY name)')"
same "first" "$(j 'd["first"]')" \
    "$(q "SELECT strftime($ISO, min(start), 'unixepoch') FROM windows")"
same "last" "$(j 'd["last"]')" \
    "$(q "SELECT strftime($ISO, max(start + seconds), 'unixepoch') FROM windows")"
same "last_capture" "$(j 'd["last_capture"]')" \
    "$(q "SELECT strftime($ISO, max(start + seconds), 'unixepoch') FROM windows WHERE tier = 0")"
same "imports" "$(j 'd["imports"]')" "$(q 'SELECT count(*) FROM imports')"
same "last import" \
    "$(j '"|".join(str(d["last_import"][k]) for k in ("started", "finished", "path", "status", "frames"))')" \
    "$(q "SELECT started || '|' || finished || '|' || path || '|' || status || '|' || frames FROM imports ORDER BY started DESC LIMIT 1")"
same "the last import is the last file" "$(j 'd["last_import"]["path"]')" \
    "$DATA/pcapplusplus-one_http_stream_rst.pcap"
# every span: sensor, tier, first, last, lengths, windows, edges
j '"\n".join("%s|%s|%s|%s|%s|%s|%s|%s|%s" % (s["sensor"], s["tier"], s["first_s"], s["last_s"], s["first"], s["last"], ",".join(map(str, s["seconds"])), s["windows"], s["edges"]) for s in d["spans"])' \
    >"$T/spans.got"
q "SELECT s.name, CASE w.tier WHEN 0 THEN 'raw' WHEN 1 THEN 'hour' ELSE 'day' END,
    min(w.start), max(w.start + w.seconds),
    strftime($ISO, min(w.start), 'unixepoch'),
    strftime($ISO, max(w.start + w.seconds), 'unixepoch'),
    (SELECT group_concat(seconds, ',') FROM (SELECT DISTINCT seconds FROM windows x
        WHERE x.sensor_id = w.sensor_id AND x.tier = w.tier ORDER BY seconds)),
    count(DISTINCT w.id),
    (SELECT count(*) FROM edges e JOIN windows y ON y.id = e.window_id
        WHERE y.sensor_id = w.sensor_id AND y.tier = w.tier)
    FROM windows w JOIN sensors s ON s.id = w.sensor_id
    GROUP BY s.name, w.tier ORDER BY s.name, w.tier" | tr -d ' ' \
    >"$T/spans.want"
if cmp -s "$T/spans.got" "$T/spans.want"; then pass; else
	fail "spans: $(diff "$T/spans.got" "$T/spans.want" | head -8)"
fi
check "six spans: two sensors, three tiers" test "$(wc -l <"$T/spans.got")" -eq 6
check "sensor b's raw windows are 10 s long" grep -q '^b|raw|.*|10|' "$T/spans.got"

# The text form carries the same numbers.
"$IPGRAPH" info --db "$DB" >"$T/info.txt" || fail "info exited $?"
check "text: hosts" grep -qx "hosts *$(j 'd["hosts"]') distinct addresses" \
    "$T/info.txt"
check "text: windows and edges" grep -qx \
    "windows *$(j 'd["windows"]'), with $(j 'd["edges"]') edges" "$T/info.txt"
check "text: schema" grep -qx "schema *version $(j 'd["schema_version"]')" \
    "$T/info.txt"
while IFS='|' read -r s t _ _ a b len n e; do
	check "text: span $s $t" grep -Eq \
	    "^$s +$t +$a +$b +${len}s +$n +$e\$" "$T/info.txt"
done <"$T/spans.want"

expect_error 1 "no such database" "$IPGRAPH" info --db "$T/none.db"
expect_error 2 "unexpected argument" "$IPGRAPH" info --db "$DB" extra

# 2. The HTTP server answers the same document.
"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 >"$T/log" 2>&1 &
SPID=$!
for _ in $(seq 1 50); do
	grep -q "serving" "$T/log" && break
	sleep 0.1
done
P=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/log")
[ -n "$P" ] || { fail "serve did not start: $(cat "$T/log")"; finish; }
U="http://127.0.0.1:$P/api/v1"
get() {	# PATH OUT: the status on stdout, headers in OUT.h
	curl -s -g -o "$2" -D "$2.h" -w '%{http_code}' "$U/$1"
}
note() { sed -n 's/^x-ipgraph-note: *//Ip' "$1.h" | tr -d '\r'; }
code=$(get info "$T/h.json")
check "GET info: 200 ($code)" test "$code" = 200
check "GET info: the bytes of ipgraph info --json" cmp "$T/h.json" "$T/info.json"
check "GET info: application/json" grep -qi '^content-type: application/json' \
    "$T/h.json.h"
code=$(get "info?sensor=a" "$T/h.bad")
check "GET info?sensor=a: 400 ($code)" test "$code" = 400
check "GET info?sensor=a: names the parameter" \
    grep -q '"parameter": "sensor"' "$T/h.bad"

# 3. Empty results say why.  The database covers, over every tier:
F=$(q "SELECT strftime($ISO, min(start), 'unixepoch') FROM windows")
L=$(q "SELECT strftime($ISO, max(start + seconds), 'unixepoch') FROM windows")
RF=$(q "SELECT strftime($ISO, min(start), 'unixepoch') FROM windows WHERE tier = 0")
RL=$(q "SELECT strftime($ISO, max(start + seconds), 'unixepoch') FROM windows WHERE tier = 0")
COVER="this database covers $F to $L for sensors a, b (raw windows from $RF to $RL)"
COVER_RE=$(printf '%s' "$COVER" | sed 's/[()]/\\&/g')
# 3a. A span before the data (absolute).
WHY="no windows between 2000-01-01T00:00:00Z and 2000-01-02T00:00:00Z; $COVER"
for f in dot json csv csv-pairs moowheel; do
	"$IPGRAPH" export $f --db "$DB" --from 2000-01-01T00:00:00Z --to 2000-01-02T00:00:00Z \
	    >"$T/e.$f" 2>"$T/e.$f.err"
	check "export $f before the data: exit 0" test $? -eq 0
	same "export $f before the data: stderr" "$(cat "$T/e.$f.err")" \
	    "ipgraph: export: $WHY"
done
check "the empty json is valid, with no node and the note" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["nodes"] == [] and d["links"] == [], d
assert d["note"] == sys.argv[2], d["note"]' "$T/e.json" "$WHY"
check "the empty csv is its header" test "$(wc -l <"$T/e.csv")" -eq 1
check "the empty dot is a digraph" grep -q '^digraph' "$T/e.dot"
check "the empty moowheel is an empty array" python3 -c '
import json, sys
assert json.load(open(sys.argv[1])) == []' "$T/e.moowheel"
"$IPGRAPH" top --db "$DB" --from 2000-01-01 --to 2000-01-02 >"$T/top" \
    2>"$T/top.err"
check "top before the data: exit 0" test $? -eq 0
same "top before the data: stderr" "$(cat "$T/top.err")" "ipgraph: top: $WHY"
A="from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z"
for r in edges.json graph.dot edges.csv moowheel.json circos; do
	code=$(get "$r?$A" "$T/h.$r")
	check "$r before the data: 200 ($code)" test "$code" = 200
	same "$r before the data: X-Ipgraph-Note" "$(note "$T/h.$r")" "$WHY"
done
check "edges.json before the data: the bytes of export json" \
    cmp "$T/h.edges.json" "$T/e.json"
check "edges.csv before the data: the bytes of export csv" \
    cmp "$T/h.edges.csv" "$T/e.csv"

# 3b. A span relative to now, on data years old.
"$IPGRAPH" export json --db "$DB" --from -15m >"$T/r.json" 2>"$T/r.err"
check "--from -15m: exit 0" test $? -eq 0
check "--from -15m: stderr says why" grep -Eqx \
    "ipgraph: export: no windows since [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z; $COVER_RE" \
    "$T/r.err"
since=$(sed -n 's/.*no windows since \([^;]*\);.*/\1/p' "$T/r.err")
check "--from -15m: the span starts 15 minutes ago" python3 -c '
import datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")
t = t.replace(tzinfo=datetime.timezone.utc)
d = datetime.datetime.now(datetime.timezone.utc) - t
assert 890 <= d.total_seconds() <= 960, d' "$since"
code=$(get "edges.json?from=-15m" "$T/h.rel")
check "edges.json?from=-15m: 200 ($code)" test "$code" = 200
check "edges.json?from=-15m: X-Ipgraph-Note says why" \
    sh -c "echo '$(note "$T/h.rel")' | grep -Eqx 'no windows since [0-9T:-]{19}Z; $COVER_RE'"
check "edges.json?from=-15m: the note in the body too" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["nodes"] == [] and d["note"] == sys.argv[2], d' "$T/h.rel" \
    "$(note "$T/h.rel")"
# 3c. A sensor's span, and a tier with no windows in the span.
"$IPGRAPH" export dot --db "$DB" --sensor b --from 2000-01-01 \
    --to 2000-01-02 >/dev/null 2>"$T/s.err"
BF=$(q "SELECT strftime($ISO, min(start), 'unixepoch') FROM windows w JOIN sensors s ON s.id = w.sensor_id WHERE s.name = 'b'")
BL=$(q "SELECT strftime($ISO, max(start + seconds), 'unixepoch') FROM windows w JOIN sensors s ON s.id = w.sensor_id WHERE s.name = 'b'")
check "--sensor b before the data: b's own span" grep -q \
    "no windows of sensor b between 2000-01-01T00:00:00Z and 2000-01-02T00:00:00Z; this database covers $BF to $BL for sensor b" \
    "$T/s.err"
# 3d. Windows in the span, but no edge passes the filters.
check "no edge uses port 1" test "$(q 'SELECT count(*) FROM edges WHERE sport = 1 OR dport = 1')" -eq 0
N=$(q "SELECT count(*) FROM windows WHERE tier = 0")
"$IPGRAPH" export csv-pairs --db "$DB" --port 1 >"$T/p1" 2>"$T/p1.err"
check "--port 1: exit 0, nothing written" test $? -eq 0 -a ! -s "$T/p1"
same "--port 1: stderr" "$(cat "$T/p1.err")" \
    "ipgraph: export: no edge passes the filters (port) in the $N raw windows from $RF to $RL"
code=$(get "graph.dot?port=1&host=10.0.0.0/8" "$T/h.p1")
same "graph.dot?port=1&host=...: X-Ipgraph-Note" "$(note "$T/h.p1")" \
    "no edge passes the filters (host, port) in the $N raw windows from $RF to $RL"
# a result that is not empty has no note
"$IPGRAPH" export json --db "$DB" >"$T/all.json" 2>"$T/all.err"
check "a full result: nothing on stderr" test ! -s "$T/all.err"
check "a full result: no note" sh -c "! grep -q '\"note\"' '$T/all.json'"
code=$(get "edges.json" "$T/h.all")
check "a full result: no X-Ipgraph-Note" test -z "$(note "$T/h.all")"

# 4. An unknown sensor is an error naming the known ones.
KNOWN="'nosuch' is not a sensor of this database \(known: a, b\)"
expect_error 1 "^ipgraph: --sensor: $KNOWN\$" \
    "$IPGRAPH" export dot --db "$DB" --sensor nosuch
expect_error 1 "^ipgraph: --sensor: $KNOWN\$" \
    "$IPGRAPH" export csv --db "$DB" --sensor nosuch
expect_error 1 "^ipgraph: --sensor: $KNOWN\$" \
    "$IPGRAPH" top --db "$DB" --sensor nosuch
for r in graph.dot edges.csv edges.json windows seq.diag; do
	code=$(get "$r?sensor=nosuch" "$T/h.ns")
	check "$r?sensor=nosuch: 400 ($code)" test "$code" = 400
	check "$r?sensor=nosuch: the error" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["parameter"] == "sensor", d
assert d["error"] == "sensor: " + sys.argv[2], d' "$T/h.ns" \
	    "'nosuch' is not a sensor of this database (known: a, b)"
done
# a known sensor still works, with sqlite3's own count of its rows
"$IPGRAPH" export csv --db "$DB" --sensor a >"$T/a.csv" 2>"$T/a.err"
check "--sensor a: exit 0, nothing on stderr" test $? -eq 0 -a ! -s "$T/a.err"
same "--sensor a: its raw rows" "$(($(wc -l <"$T/a.csv") - 1))" \
    "$(q "SELECT count(*) FROM edges e JOIN windows w ON w.id = e.window_id JOIN sensors s ON s.id = w.sensor_id WHERE s.name = 'a' AND w.tier = 0")"
code=$(get "edges.csv?sensor=a" "$T/h.a")
check "edges.csv?sensor=a: 200 ($code)" test "$code" = 200
check "edges.csv?sensor=a: the bytes of export csv --sensor a" \
    cmp "$T/h.a" "$T/a.csv"
"$IPGRAPH" top --db "$DB" --sensor b -n 3 >"$T/top.b" 2>&1
check "top --sensor b: three pairs" test "$(wc -l <"$T/top.b")" -eq 4

# 5. A database with no windows yet.
"$IPGRAPH" import -q --db "$T/empty.db" "$DATA/gopacket-le-test200.pcapng"
"$IPGRAPH" info --db "$T/empty.db" --json >"$T/empty.json" ||
    fail "info on a database with no windows"
check "no windows: zeros and nulls" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["windows"] == 0 and d["edges"] == 0 and d["hosts"] == 0, d
assert d["first"] is None and d["last_capture"] is None, d
assert d["spans"] == [] and d["imports"] == 1, d' "$T/empty.json"
"$IPGRAPH" export dot --db "$T/empty.db" >/dev/null 2>"$T/empty.err"
same "no windows: export says so" "$(cat "$T/empty.err")" \
    "ipgraph: export: no windows; this database has no windows yet (ipgraph import adds some)"

finish
