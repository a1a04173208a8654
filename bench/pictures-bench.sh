#!/bin/bash
# pictures-bench.sh - the default pictures over HTTP at real scale.
#
#   bash bench/pictures-bench.sh [BUILD_DIR]     (default: _build/plain)
#
# Imports every capture of the shared corpus (../shared/pcaps, or
# BENCH_PCAPS) into bench/out/pictures/corpus.db, serves it with `ipgraph
# serve` on 127.0.0.1, and times the default graph.png and graph.svg (no
# parameters: the picture cap, layout and caption decide what is drawn):
# one request each for its time and size, then wrk (DURATION seconds,
# CONNS connections) for requests per second and latency.  Prints a
# markdown table and writes it to bench/out/pictures/results.md.
# Nothing leaves 127.0.0.1.
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
out=$top/bench/out/pictures
mkdir -p "$out"
DB=$out/corpus.db
[ -x "$IPGRAPH" ] || { echo "no $IPGRAPH: build first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
[ -d "$PCAPS" ] || { echo "no capture corpus in $PCAPS" >&2; exit 1; }

if [ ! -s "$DB" ]; then
	for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng; do
		"$IPGRAPH" import -q --db "$DB" "$f" 2>/dev/null || :
	done
fi
hosts=$("$IPGRAPH" export json --db "$DB" | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["found"]["hosts"])')

# serve_with CACHE: a server with that picture cache; its port in $port
spid=
trap '[ -z "$spid" ] || kill $spid 2>/dev/null; wait 2>/dev/null || :' EXIT
serve_with() {
	[ -z "$spid" ] || { kill "$spid"; wait "$spid" 2>/dev/null || :; }
	"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --threads 4 \
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

{
	# serve_with runs in this subshell (the pipe): stop its server here
	trap '[ -z "$spid" ] || kill $spid 2>/dev/null; wait 2>/dev/null || :' EXIT
	echo "database: $hosts hosts ($PCAPS); wrk ${DURATION}s, $CONNS connections"
	echo
	echo "| picture cache | route | one request (s) | size | req/s | non-2xx | p50 | p99 | slowest /healthz (s) |"
	echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
	for cache in 32M 0; do
		serve_with "$cache"
		for r in graph.png graph.svg graph.dot; do
			one=$(curl -s -o "$out/$r" -w '%{time_total}' \
			    "http://127.0.0.1:$port/api/v1/$r")
			size=$(stat -c %s "$out/$r")
			wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency \
			    "http://127.0.0.1:$port/api/v1/$r" \
			    >"$out/wrk-$r.txt" 2>&1 &
			hz=$(healthz_during)
			wait $!
			# pictures queued by connections wrk closed are
			# still drawn: let them end before the next route
			sleep 5
			rps=$(awk '/^Requests\/sec/ { print $2 }' "$out/wrk-$r.txt")
			bad=$(awk '/Non-2xx/ { print $NF }' "$out/wrk-$r.txt")
			p50=$(awk '$1 == "50%" { print $2 }' "$out/wrk-$r.txt")
			p99=$(awk '$1 == "99%" { print $2 }' "$out/wrk-$r.txt")
			echo "| $cache | $r | $one | $size | $rps | ${bad:-0} | $p50 | $p99 | $hz |"
		done
	done
} | tee "$out/results.md"
