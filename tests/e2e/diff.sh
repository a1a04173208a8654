#!/bin/sh
# diff.sh - a span against its baseline: committed captures placed on two
# days (some thinned, one doubled, one only in the span), diffed by every
# writer and by `ipgraph diff`, and compared with an independent Python
# computation over `export csv` of each span; the bad baselines refused.
. "$(dirname "$0")/lib.sh"
need python3
need curl
need dot

ORACLE="python3 $top_srcdir/tests/e2e/diff_oracle.py"
DB="$T/diff.db"
B=1577836800		# 2020-01-01T00:00:00Z: the baseline's day
S=$((B + 86400))	# the span's day
RATIO=2

# place CAPTURE OUT START [KEEP] [REPEAT]: packet i at START + i/2 s
place() {
	$ORACLE shift "$DATA/$1" "$T/$2" "$3" 0.5 "${4:-1}" "${5:-1}" ||
	    fail "shifting $1"
	"$IPGRAPH" import -q --no-names --db "$DB" "$T/$2" 2>/dev/null
	[ $? -le 1 ] || fail "import of $2"
}
# the baseline: three captures whole
place pcapplusplus-input.pcap b-input.pcap $B
place pcapplusplus-one_http_stream_rst.pcap b-http.pcap $((B + 600))
place pcapplusplus-ipv6-frag.pcap b-frag.pcap $((B + 1200))
# the span: input thinned to a third, http doubled, frag the same, gtp new
place pcapplusplus-input.pcap s-input.pcap $S 3
place pcapplusplus-one_http_stream_rst.pcap s-http.pcap $((S + 600)) 1 2
place pcapplusplus-ipv6-frag.pcap s-frag.pcap $((S + 1200))
place pcapplusplus-gtp-u.pcap s-gtp.pcap $((S + 1800))

BF=2020-01-01T00:00:00Z BT=2020-01-01T00:59:59Z
SF=2020-01-02T00:00:00Z ST=2020-01-02T00:59:59Z
"$IPGRAPH" export csv --db "$DB" --from $BF --to $BT -o "$T/base.csv"
"$IPGRAPH" export csv --db "$DB" --from $SF --to $ST -o "$T/span.csv"
check "the baseline has rows" test "$(wc -l <"$T/base.csv")" -gt 5
check "the span has rows" test "$(wc -l <"$T/span.csv")" -gt 5

# json, with the baseline given both ways
"$IPGRAPH" export json --db "$DB" --from $SF --to $ST \
    --baseline-from $BF --baseline-to $BT -o "$T/d1.json" ||
    fail "export json with --baseline-from/--baseline-to"
check "json: changes equal the oracle's" \
    $ORACLE check "$T/base.csv" "$T/span.csv" "$T/d1.json" $RATIO
"$IPGRAPH" export json --db "$DB" --from $SF --to $ST --baseline -1d \
    -o "$T/d2.json" || fail "export json with --baseline -1d"
check "json: --baseline -1d equals the oracle's" \
    $ORACLE check "$T/base.csv" "$T/span.csv" "$T/d2.json" $RATIO
# every class occurs, so the test can tell them apart
for c in new gone grown shrunk same; do
	check "some edge is $c" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["baseline"][sys.argv[2]] > 0 else 1)' "$T/d1.json" $c
done
# another ratio moves edges between classes, still as the oracle says
"$IPGRAPH" export json --db "$DB" --from $SF --to $ST --baseline -1d \
    --change-ratio 1.5 -o "$T/d3.json"
check "json: --change-ratio 1.5 equals the oracle's" \
    $ORACLE check "$T/base.csv" "$T/span.csv" "$T/d3.json" 1.5

# csv-pairs: src;dst;weight;baseline weight;change
"$IPGRAPH" export csv-pairs --db "$DB" --from $SF --to $ST --baseline -1d \
    -o "$T/pairs.csv"
check "csv-pairs: changes equal the oracle's" \
    $ORACLE pairs "$T/base.csv" "$T/span.csv" "$T/pairs.csv" $RATIO

# ipgraph diff: the summary table
"$IPGRAPH" diff --db "$DB" --from $SF --to $ST --baseline -1d >"$T/table" ||
    fail "ipgraph diff"
check "diff: the table equals the oracle's" \
    $ORACLE table "$T/base.csv" "$T/span.csv" "$T/table" $RATIO
check "diff: the caption names the baseline" \
    grep -q "^baseline 2020-01-01 00:00:00 to 2020-01-01 00:59:59 UTC" \
    "$T/table"
n=$(grep -c '^same ' "$T/table")
"$IPGRAPH" diff --db "$DB" --from $SF --to $ST --baseline -1d --all \
    >"$T/table-all"
check "diff --all lists the same edges too" \
    test "$(grep -c '^same ' "$T/table-all")" -gt "$n"

# gexf carries the change; dot draws it with a legend, and dot reads it
"$IPGRAPH" export gexf --db "$DB" --from $SF --to $ST --baseline -1d \
    -o "$T/d.gexf"
check "gexf: one change per edge" test \
    "$(grep -c '<attvalue for="2" value="\(new\|gone\|grown\|shrunk\|same\)"' \
    "$T/d.gexf")" -eq "$(grep -c '<edge ' "$T/d.gexf")"
"$IPGRAPH" export dot --db "$DB" --from $SF --to $ST --baseline -1d \
    -o "$T/d.dot"
check "dot: gone edges dashed" grep -q 'style=dashed' "$T/d.dot"
check "dot: the legend names the changes" \
    grep -q '</FONT> new [0-9]*&#160;.*</FONT> gone (dashed) [0-9]*' "$T/d.dot"
check "dot reads the diff" dot -Tsvg -o "$T/d.svg" "$T/d.dot"
"$IPGRAPH" export svg --db "$DB" --from $SF --to $ST --baseline -1d \
    -o "$T/d2.svg"
check "svg: drawn with the change colours" grep -q '#1a9641' "$T/d2.svg"
# without a baseline nothing changes: no change attribute anywhere
"$IPGRAPH" export json --db "$DB" --from $SF --to $ST -o "$T/plain.json"
check "json without a baseline has no change" \
    sh -c "! grep -q '\"change\"' '$T/plain.json'"

# the HTTP API takes the same parameters
DBS=$DB
"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 >"$T/log" 2>&1 &
SPID=$!
for _ in $(seq 1 50); do
	grep -q "serving" "$T/log" && break
	sleep 0.1
done
P=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/log")
U="http://127.0.0.1:$P/api/v1"
code=$(curl -s -o "$T/h.json" -w '%{http_code}' \
    "$U/edges.json?from=$SF&to=$ST&baseline_from=$BF&baseline_to=$BT")
check "http: edges.json with a baseline ($code)" test "$code" = 200
check "http: changes equal the oracle's" \
    $ORACLE check "$T/base.csv" "$T/span.csv" "$T/h.json" $RATIO
code=$(curl -s -o "$T/h.err" -w '%{http_code}' \
    "$U/edges.json?from=$SF&to=$ST&baseline=-1w")
check "http: an empty baseline is a 400 naming baseline ($code)" sh -c \
    "[ $code = 400 ] && grep -q '\"parameter\": \"baseline\"' '$T/h.err' &&
    grep -q 'no traffic' '$T/h.err'"
code=$(curl -s -o "$T/h.err" -w '%{http_code}' \
    "$U/edges.json?from=$SF&to=$ST&baseline_from=$SF&baseline_to=$ST")
check "http: an overlapping baseline is a 400 ($code)" sh -c \
    "[ $code = 400 ] && grep -q '\"parameter\": \"baseline_from\"' '$T/h.err'"
code=$(curl -s -o "$T/h.err" -w '%{http_code}' \
    "$U/edges.csv?from=$SF&to=$ST&baseline=-1d")
check "http: stored rows take no baseline ($code)" test "$code" = 400
kill "$SPID"
wait "$SPID"
: "$DBS"

# bad input: clear errors naming the option
expect_error 1 '^ipgraph: --baseline-from: the baseline .* overlaps the span' \
    "$IPGRAPH" export json --db "$DB" --from $SF --to $ST \
    --baseline-from 2020-01-02T00:30:00Z --baseline-to 2020-01-02T02:00:00Z
expect_error 1 'diff: --baseline: no traffic matching the filters between 2019-12-26' \
    "$IPGRAPH" diff --db "$DB" --from $SF --to $ST --baseline -1w
expect_error 1 'export: --baseline: no traffic' \
    "$IPGRAPH" export dot --db "$DB" --from $SF --to $ST --baseline -1w
expect_error 1 "^ipgraph: --baseline: '1d' is not a duration back" \
    "$IPGRAPH" export json --db "$DB" --from $SF --to $ST --baseline 1d
expect_error 1 '^ipgraph: --baseline: needs from' \
    "$IPGRAPH" export json --db "$DB" --baseline -1d
expect_error 1 '^ipgraph: --baseline-to: missing' \
    "$IPGRAPH" export json --db "$DB" --from $SF --baseline-from $BF
expect_error 1 '^ipgraph: --baseline-from: is after --baseline-to|baseline-from: is after' \
    "$IPGRAPH" export json --db "$DB" --from $SF --to $ST \
    --baseline-from $BT --baseline-to $BF
expect_error 1 "^ipgraph: --change-ratio: '1' is not a number above 1" \
    "$IPGRAPH" export json --db "$DB" --from $SF --to $ST --baseline -1d \
    --change-ratio 1
expect_error 1 '^ipgraph: --change-ratio: applies only with a baseline' \
    "$IPGRAPH" export json --db "$DB" --change-ratio 3
expect_error 1 '^ipgraph: --baseline: does not apply to csv' \
    "$IPGRAPH" export csv --db "$DB" --from $SF --to $ST --baseline -1d
expect_error 2 'diff: no baseline' "$IPGRAPH" diff --db "$DB" --from $SF

finish
