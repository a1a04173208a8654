#!/bin/bash
# http-daemon.sh - ipgraphd's HTTP server in a network namespace made here,
# while real captures are replayed onto its interface: /healthz (200, and
# 503 with a reason when no interface captures), stats, /metrics, the live
# stream (server-sent events), the data routes, and a short bounded load
# with wrk: no HTTP errors, and not one frame lost to it.  Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need tshark
need sqlite3
need python3
need curl
# Under LeakSanitizer: libgvc and fontconfig keep memory to the end.
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
need wrk
sensor_setup ipgh
# the HTTP server listens on the sensor namespace's own loopback
sensor_http

conf() {
	daemon_conf "$1" "$2" '[http]\nlisten = 127.0.0.1:8080\nthreads = 4' \
	    "${3:-}"
}
start() { daemon_start "$1" healthz; }
stop() {
	daemon_stop "ipgraphd exits 0 on SIGTERM with HTTP clients about"
}

get() {
	local path=$1 out=$2
	shift 2
	IN curl -s -o "$out" -D "$out.h" -w '%{http_code}' "$@" "$U$path"
}

# 1. No interface: the daemon runs, /healthz says why it is unhealthy.
conf "$T/c0" "ipgh-none$$"
start "$T/c0" && {
	code=$(get /healthz "$T/hz0")
	check "/healthz without capture: 503 ($code)" test "$code" = 503
	check "/healthz gives the reason" grep -q '"reason": "no interface' \
	    "$T/hz0"
	stop
}

# 2. Capturing: health, stats, metrics, live, the routes.  The config's
# [names] section labels a host of the replayed capture.
NAMED=172.16.133.132
conf "$T/c1" "$B" "[names]\n$NAMED = loopy"
start "$T/c1" || finish
CAP="$DATA/pcapplusplus-input.pcap"
LOOPS=20
frames=$(tshark -r "$CAP" -T fields -e frame.number 2>/dev/null | wc -l)
check "/healthz capturing: 200" test "$(get /healthz "$T/hz")" = 200
# the live stream, read while a capture is replayed
IN curl -s -N --max-time 8 -D "$T/live.h" "$U/api/v1/live" >"$T/live" \
    2>/dev/null &
LPID=$!
# replay once the stream is open, and again a little later, so a loaded
# machine still sees edges change within the stream's span
for _ in $(seq 1 50); do
	[ -s "$T/live.h" ] && break
	sleep 0.1
done
for _ in 1 2; do
	ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" "$CAP" \
	    >/dev/null 2>&1 || fail "tcpreplay"
	sleep 1.5
done
wait "$LPID"
nev=$(grep -c '^event: window' "$T/live")
check "live: at least 2 events in 8 s ($nev)" test "$nev" -ge 2
python3 - "$T/live" <<'PY' || fail "live: the events' data is not the open window's JSON"
import json, sys
events, cur = [], []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("data: "):
        cur.append(line[6:])
    elif line == "" and cur:
        events.append(json.loads("\n".join(cur))); cur = []
assert events, "no data"
for e in events:
    for k in ("window_start", "frames", "edges", "edges_changed"):
        assert k in e, (k, e)
assert any(e["edges_changed"] for e in events), "no edge ever changed"
PY
check "live is text/event-stream" grep -qi '^content-type: text/event-stream' \
    "$T/live.h"

# load: wrk on two routes while the capture is replayed LOOPS times
sleep 3	# the first replay's windows close
before=$(sqlite3 "$W/db" "SELECT coalesce(sum(frames), 0) FROM windows WHERE tier = 0")
ip netns exec "$SND" tcpreplay -q --topspeed --loop=$LOOPS -i "$A" "$CAP" \
    >"$T/replay" 2>&1 &
RPID=$!
IN wrk -t2 -c8 -d3s --latency "$U/api/v1/edges.json?from=-1h" >"$T/wrk1" 2>&1
IN wrk -t2 -c4 -d2s "$U/api/v1/graph.dot?from=-1h" >"$T/wrk2" 2>&1
wait "$RPID" || fail "tcpreplay --loop: $(tail -3 "$T/replay")"
for f in "$T/wrk1" "$T/wrk2"; do
	reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$f")
	check "wrk made requests ($reqs)" test "${reqs:-0}" -gt 10
	check "wrk: no socket errors" sh -c "! grep -q 'Socket errors' '$f'"
	check "wrk: no non-2xx answers" sh -c "! grep -q 'Non-2xx' '$f'"
done
sleep 4	# the replayed windows close and are written
code=$(get /api/v1/stats "$T/stats")
check "stats: 200 ($code)" test "$code" = 200
python3 - "$T/stats" "$B" <<'PY' || fail "stats: drops under HTTP load ($(cat "$T/stats"))"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["capture"] is True and s["capture_alive"] is True, s
assert s["windows_dropped"] == 0, s
i = [x for x in s["interfaces"] if x["name"] == sys.argv[2]][0]
assert i["kernel_drops"] == 0 and i["interface_drops"] == 0, i
assert i["packets"] > 0, i
PY
after=$(sqlite3 "$W/db" "SELECT coalesce(sum(frames), 0) FROM windows WHERE tier = 0")
check "every replayed frame under load was stored ($((after - before)) = $LOOPS x $frames)" \
    test "$((after - before))" -eq "$((LOOPS * frames))"
get /metrics "$T/metrics" >/dev/null
check "/metrics: packets per interface" grep -Eq \
    "^ipgraph_packets_total\\{interface=\"$B\"\\} [1-9]" "$T/metrics"
check "/metrics: kernel drops per interface" grep -q \
    "^ipgraph_kernel_drops_total{interface=\"$B\"} 0" "$T/metrics"
for m in ipgraph_open_window_edges ipgraph_windows_written_total \
    ipgraph_writer_queue_depth ipgraph_writer_latency_seconds; do
	check "/metrics: $m" grep -q "^$m " "$T/metrics"
done
check "/metrics: requests by route and status" grep -q \
    '^ipgraph_http_requests_total{route="/api/v1/edges.json",code="200"}' \
    "$T/metrics"
for r in graph.dot graph.png edges.csv edges.json windows seq.mmd; do
	code=$(get "/api/v1/$r?from=-1h" "$T/r")
	check "$r from the daemon: 200 ($code)" test "$code" = 200
done
check "seq.mmd from the daemon is drawn from packet events" sh -c \
    "! grep -qi '^x-ipgraph-note: drawn from stored edges' '$T/r.h'"
check "seq.mmd from the daemon says its arrows are sampled packets" grep -qi \
    '^x-ipgraph-note: [0-9]* packets (sampled events) from 1 sensor, ' "$T/r.h"
"$IPGRAPH" export csv --db "$W/db" --from -1h >"$T/cli.csv"
get "/api/v1/edges.csv?from=-1h" "$T/h.csv" >/dev/null
check "edges.csv from the daemon equals ipgraph export csv" \
    cmp -s "$T/cli.csv" "$T/h.csv"
# [names] reaches the daemon's HTTP server, and a reload changes it
get "/api/v1/graph.dot?from=-1h" "$T/named.dot" >/dev/null
check "graph.dot labels $NAMED with its [names] name" \
    grep -q "^	\"$NAMED\" \[label=\"loopy\"" "$T/named.dot"
conf "$T/c1" "$B" "[names]\n$NAMED = renamed"
kill -HUP "$DPID"
for _ in $(seq 1 50); do
	[ "$(grep -c 'reloaded' "$T/log")" -ge 1 ] && break
	sleep 0.1
done
get "/api/v1/graph.dot?from=-1h" "$T/renamed.dot" >/dev/null
check "after SIGHUP graph.dot labels $NAMED with the new name" \
    grep -q "^	\"$NAMED\" \[label=\"renamed\"" "$T/renamed.dot"
get "/api/v1/edges.json?from=-1h" "$T/renamed.json" >/dev/null
check "after SIGHUP edges.json names $NAMED the new way" \
    grep -q '"name":"renamed"' "$T/renamed.json"
# a live client still connected when the daemon stops
IN curl -s -N --max-time 10 "$U/api/v1/live" >/dev/null 2>&1 &
sleep 0.5
stop
finish
