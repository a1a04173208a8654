#!/bin/bash
# pictures-bench.sh - the default pictures over HTTP at real scale.
#
#   bash bench/pictures-bench.sh [BUILD_DIR]     (default: _build/plain)
#
# Serves a database with `ipgraph serve --threads 4` (THREADS=N: N) on
# 127.0.0.1 and
# times graph.png, graph.svg and graph.dot: one request each for its time
# and size (the first of that URL the server sees: a cold picture), then
# wrk (DURATION seconds, CONNS connections) for requests per second and
# latency, while /healthz is asked ten times.  Each server is started
# once per picture cache size (CACHES, default "32M 0": the default and
# none), and each route is asked over each span of SPANS:
#
#   default   no parameters: the picture cap, layout and caption decide
#             what is drawn, over everything the database holds
#   full      from= the first window's start, to= the last window's end
#             (the same traffic, asked for as a span: for a day of minute
#             windows, the day through the hour tier)
#
# BENCH_DB chooses the database:
#
#   corpus    (the default) every capture of the shared corpus
#             (../shared/pcaps, or BENCH_PCAPS) imported into
#             bench/out/pictures/corpus.db; SPANS defaults to "default"
#   stress    a synthetic day, 1440 minute windows x 10,000 edges, 2,000
#             address pairs a minute changing every 15 minutes (built and
#             cached by bench/export-bench.sh)
#   day       a day of time-shifted real traffic, 1440 copies of the first
#             125,000 packets of bench-1M (built and cached by
#             bench/query-bench.sh; needs bench-1M.pcap, BENCH_PCAP)
#   PATH      an ipgraph database already there
#
# Prints a markdown table with the load average before and after, and
# writes it to bench/out/pictures/results-NAME.md (results.md for the
# corpus, as before).  Nothing leaves 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
. "$top/bench/common.sh"
bench_path	# only the programs tests/programs.txt declares
build=${1:-$top/_build/plain}
IPGRAPH=${IPGRAPH:-$build/src/ipgraph}
PCAPS=${BENCH_PCAPS:-$top/../shared/pcaps}
DURATION=${DURATION:-10}
CONNS=${CONNS:-8}
CACHES=${CACHES:-32M 0}
THREADS=${THREADS:-4}
ROUTES=${ROUTES:-graph.png graph.svg graph.dot}
BENCH_DB=${BENCH_DB:-corpus}
out=$top/bench/out/pictures
mkdir -p "$out"
[ -x "$IPGRAPH" ] || { echo "no $IPGRAPH: build first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

case $BENCH_DB in
corpus)
	[ -d "$PCAPS" ] || { echo "no capture corpus in $PCAPS" >&2; exit 1; }
	DB=$out/corpus.db
	name=corpus
	SPANS=${SPANS:-default}
	if [ ! -s "$DB" ]; then
		for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng; do
			"$IPGRAPH" import -q --db "$DB" "$f" 2>/dev/null || :
		done
	fi
	;;
stress)
	DB=$(BUILD_ONLY=1 sh "$top/bench/export-bench.sh" "$build" | tail -n 1)
	name=stress
	;;
day)
	DB=$(BUILD_ONLY=1 bash "$top/bench/query-bench.sh" "$build" | tail -n 1)
	name=day
	;;
*)
	DB=$BENCH_DB
	name=$(basename "$DB" .db)
	;;
esac
[ -s "$DB" ] || { echo "no database $DB" >&2; exit 1; }
SPANS=${SPANS:-default full}
results=$out/results-$name.md
[ "$name" != corpus ] || results=$out/results.md

hosts=$("$IPGRAPH" export json --db "$DB" 2>/dev/null |
    python3 -c 'import json, sys; f = json.load(sys.stdin)["found"]
print(f["hosts"], "hosts,", f["edges"], "address pairs")' ||
    echo "? hosts")
first=$(sqlite3 "$DB" "SELECT min(start) FROM windows WHERE tier = 0")
last=$(sqlite3 "$DB" "SELECT max(start + seconds) FROM windows WHERE tier = 0")
rows=$(sqlite3 "$DB" "SELECT count(*) FROM edges")
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
query() {
	case $1 in
	default) echo "" ;;
	full) echo "?from=$(iso "$first")&to=$(iso "$((last - 1))")" ;;
	*) echo "unknown span $1 (default or full)" >&2; exit 1 ;;
	esac
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

# serve_with CACHE: a server with that picture cache; its port in $port
spid=
trap '[ -z "$spid" ] || kill $spid 2>/dev/null; wait 2>/dev/null || :' EXIT
serve_with() {
	[ -z "$spid" ] || { kill "$spid"; wait "$spid" 2>/dev/null || :; }
	"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --threads "$THREADS" \
	    --picture-cache "$1" >"$out/serve.log" 2>&1 &
	spid=$!
	for _ in $(seq 1 100); do
		grep -q serving "$out/serve.log" && break
		sleep 0.1
	done
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	    "$out/serve.log")
	[ -n "$port" ] || { cat "$out/serve.log" >&2; exit 1; }
}

# the slowest of ten /healthz asked while wrk runs (seconds)
healthz_during() {
	local i t max=0
	sleep 1
	for i in $(seq 1 10); do
		t=$(curl -s -o /dev/null -w '%{time_total}' \
		    "http://127.0.0.1:$port/healthz")
		max=$(echo "$t $max" | awk '{ print ($1 > $2) ? $1 : $2 }')
		sleep 0.3
	done
	echo "$max"
}

# a counter of /metrics
metric() {
	curl -s "http://127.0.0.1:$port/metrics" |
	    awk -v m="$1" '$1 == m { print $2; exit }'
}

{
	# serve_with runs in this subshell (the pipe): stop its server here
	trap '[ -z "$spid" ] || kill $spid 2>/dev/null; wait 2>/dev/null || :' EXIT
	echo "database: $DB: $hosts, $rows stored edge rows," \
	    "windows $(iso "$first") to $(iso "$last");" \
	    "wrk ${DURATION}s, $CONNS connections, --threads $THREADS;" \
	    "load average $(load) before"
	echo
	echo "| picture cache | span | route | status | one request (s) | size | req/s | non-2xx | p50 | p99 | cache hits / misses | slowest /healthz (s) |"
	echo "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	for cache in $CACHES; do
		serve_with "$cache"
		for span in $SPANS; do
			qs=$(query "$span")
			for r in $ROUTES; do
				url="http://127.0.0.1:$port/api/v1/$r$qs"
				st=$(curl -s -o "$out/$r" -w '%{http_code} %{time_total}' "$url")
				code=${st% *} one=${st#* }
				size=$(stat -c %s "$out/$r")
				h0=$(metric ipgraph_picture_cache_hits_total)
				m0=$(metric ipgraph_picture_cache_misses_total)
				wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency \
				    "$url" >"$out/wrk-$r.txt" 2>&1 &
				hz=$(healthz_during)
				wait $!
				# pictures queued by connections wrk closed are
				# still drawn: let them end before the next route
				sleep 5
				h1=$(metric ipgraph_picture_cache_hits_total)
				m1=$(metric ipgraph_picture_cache_misses_total)
				rps=$(awk '/^Requests\/sec/ { print $2 }' "$out/wrk-$r.txt")
				bad=$(awk '/Non-2xx/ { print $NF }' "$out/wrk-$r.txt")
				p50=$(awk '$1 == "50%" { print $2 }' "$out/wrk-$r.txt")
				p99=$(awk '$1 == "99%" { print $2 }' "$out/wrk-$r.txt")
				echo "| $cache | $span | $r | $code | $one | $size | $rps | ${bad:-0} | $p50 | $p99 | $((h1 - h0)) / $((m1 - m0)) | $hz |"
			done
		done
	done
	echo
	echo "load average $(load) after"
} | tee "$results"
