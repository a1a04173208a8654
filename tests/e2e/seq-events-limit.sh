#!/bin/bash
# seq-events-limit.sh - sequence diagrams drawn from packet events under
# max_rows: ipgraphd stores every TCP packet of two replays ([seq] filter
# tcp), a small one and, after a pause, a big one; with max_rows between
# the two, a diagram of the whole span is a 422 naming the limit and how
# to narrow, from ipgraphd's own server ([http] max_rows) and from
# `ipgraph serve --max-rows` on the same database; the span of the small
# replay alone (a time the test took between the two), or the whole span
# narrowed to the small replay's host, is drawn with exactly tshark's
# count of its TCP packets, each with its tcp.len, while the big replay's
# host alone is still over the limit.
# Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need tshark
need sqlite3
need python3
need curl
need date
sensor_setup ipgel
sensor_http

SMALL="$DATA/pcapplusplus-one_http_stream_rst.pcap"
BIG="$DATA/pcapplusplus-input.pcap"
LOOPS=5
MAX=50
n1=$(tshark -r "$SMALL" -Y tcp 2>/dev/null | wc -l)
h1=$(tshark -r "$SMALL" -Y tcp -c 1 -T fields -e ip.src 2>/dev/null)
h2=$(tshark -r "$BIG" -Y tcp -c 1 -T fields -e ip.src 2>/dev/null)
check "the small replay's host $h1 is not in the big one ($h2)" test \
    "$(tshark -r "$BIG" -Y "ip.addr == $h1" 2>/dev/null | wc -l)" = 0
n2=$(( $(tshark -r "$BIG" -Y tcp 2>/dev/null | wc -l) * LOOPS ))
check "the small replay fits under max_rows, both do not ($n1, $n2, $MAX)" \
    test "$n1" -gt 0 -a "$n1" -le "$MAX" -a $((n1 + n2)) -gt "$MAX"

daemon_conf "$T/conf" "$B" \
    "[http]\nlisten = 127.0.0.1:8080\nthreads = 2\nmax_rows = $MAX" \
    '[seq]\nfilter = tcp\npackets = 1000'
daemon_start "$T/conf" healthz || finish
t0=$(date +%s)
ip netns exec "$SND" tcpreplay -q -i "$A" --pps=500 "$SMALL" \
    >"$T/replay1" 2>&1 || fail "tcpreplay: $(tail -3 "$T/replay1")"
sleep 1.5
mid=$(date +%s.%N)	# after the small replay, before the big one
sleep 1.5
ip netns exec "$SND" tcpreplay -q -i "$A" --pps=500 --loop=$LOOPS "$BIG" \
    >"$T/replay2" 2>&1 || fail "tcpreplay: $(tail -3 "$T/replay2")"
for _ in $(seq 1 100); do
	[ "$(sqlite3 "$W/db" 'SELECT count(*) FROM events WHERE proto = 6' \
	    2>/dev/null)" = $((n1 + n2)) ] && break
	sleep 0.1
done
check "every TCP packet is an event ($((n1 + n2)))" test \
    "$(sqlite3 "$W/db" 'SELECT count(*) FROM events WHERE proto = 6')" = \
    $((n1 + n2))
to=${mid%.*}	# whole seconds: the small replay ended before

# limited QUERY FILE WHO: QUERY (a route and its parameters) must be a 422
# whose JSON names max_rows, its value and how to narrow; FETCH is the
# command that fetches a URL path into FILE and prints the status.
limited() {
	local code
	code=$($FETCH "$1" "$2")
	check "$3: $1 over max_rows is a 422 ($code)" test "$code" = 422
	check "$3: the error names the limit and how to narrow it" \
	    python3 - "$2" "$MAX" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = d["error"]
assert "max_rows" in e and ("than %s " % sys.argv[2]) in e, e
assert "narrow" in e and "from and to" in e, e
assert d["parameter"] in ("from", "to"), d
PY
}

# drawn QUERY FILE WHO: QUERY must be a 200 with exactly the small
# replay's TCP packets, each with tshark's tcp.len, in order.
drawn() {
	local code
	code=$($FETCH "$1" "$2")
	check "$3: $1 under max_rows is drawn ($code)" test "$code" = 200
	check "$3: exactly the small replay's $n1 TCP packets, as tshark" \
	    python3 "$top_srcdir/tests/e2e/seqcheck.py" lens "$2" "$SMALL"
}

# 1. ipgraphd's own server, [http] max_rows
FETCH=fetch_daemon
fetch_daemon() { IN curl -s -o "$2" -w '%{http_code}' "$U$1"; }
limited "/api/v1/seq.json?from=$t0" "$T/d1" ipgraphd
limited "/api/v1/seq.svg?from=$t0" "$T/d2" ipgraphd
limited "/api/v1/seq.json?from=$mid" "$T/d3" ipgraphd
limited "/api/v1/seq.json?from=$t0&host=$h2" "$T/d4" ipgraphd
drawn "/api/v1/seq.json?from=$t0&to=$to" "$T/d5" ipgraphd
drawn "/api/v1/seq.json?from=$t0&host=$h1" "$T/d6" ipgraphd
daemon_stop "ipgraphd exits 0 on SIGTERM"

# 2. the command line's server on the database ipgraphd wrote
serve_start "$W/db" --max-rows "$MAX"
FETCH=fetch_serve
fetch_serve() { curl -s -o "$2" -w '%{http_code}' "http://127.0.0.1:$P$1"; }
limited "/api/v1/seq.json?from=$t0" "$T/s1" "ipgraph serve"
limited "/api/v1/seq.mmd?from=$t0" "$T/s2" "ipgraph serve"
limited "/api/v1/seq.diag?from=$t0&port=80&host=$h2" "$T/s3" "ipgraph serve"
drawn "/api/v1/seq.json?from=$t0&to=$to" "$T/s4" "ipgraph serve"
drawn "/api/v1/seq.json?from=$t0&host=$h1" "$T/s5" "ipgraph serve"
serve_stop
finish
