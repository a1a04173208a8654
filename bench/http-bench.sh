#!/bin/bash
# http-bench.sh - requests per second and p99 latency of the HTTP API.
#
#   bash bench/http-bench.sh [BUILD_DIR]       (default: _build/plain)
#
# Imports a large real capture (bench/out/data/bench-1M.pcap, made by
# bench/run.sh; or BENCH_PCAP) once into bench/out/http/bench.db, then runs
# wrk (DURATION seconds, CONNS connections, 2 threads) on graph.dot,
# edges.json and graph.png over a one-hour span starting at the capture's
# first window, three ways:
#   serve     `ipgraph serve` on 127.0.0.1 (no capture);
#   idle      ipgraphd serving a copy of the same database, in a network
#             namespace made here, its interface quiet;
#   capture   the same while tcpreplay sends the capture onto its veth at
#             PPS packets a second (concurrent capture and writes).
# Prints a markdown table, writes it to bench/out/http/results.md, and
# reports the kernel drops seen during the capture run.  Needs root (for
# the namespaces), wrk, tcpreplay.  Nothing leaves 127.0.0.1 and the
# namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
. "$top/bench/common.sh"
bench_path	# only the programs tests/programs.txt declares
build=${1:-$top/_build/plain}
IPGRAPH=${IPGRAPH:-$build/src/ipgraph}
IPGRAPHD=${IPGRAPHD:-$build/src/ipgraphd}
PCAP=${BENCH_PCAP:-$top/bench/out/data/bench-1M.pcap}
DURATION=${DURATION:-10}
CONNS=${CONNS:-4}
THREADS=${THREADS:-4}
PPS=${PPS:-50000}
out=$top/bench/out/http
mkdir -p "$out"
DB=$out/bench.db
for p in "$IPGRAPH" "$IPGRAPHD"; do
	[ -x "$p" ] || { echo "no $p: build first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
[ -f "$PCAP" ] || { echo "no $PCAP (bench/run.sh makes it)" >&2; exit 1; }

if [ ! -f "$DB" ]; then
	echo "== importing $PCAP"
	"$IPGRAPH" import -q --db "$DB.tmp" --sensor bench "$PCAP"
	mv "$DB.tmp" "$DB"
fi
first=$(sqlite3 "$DB" "SELECT min(start) FROM windows WHERE tier = 0")
rows=$(sqlite3 "$DB" "SELECT count(*) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0 AND w.start < $first + 3600")
from=$(date -u -d "@$first" +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d "@$((first + 3599))" +%Y-%m-%dT%H:%M:%SZ)
Q="from=$from&to=$to"
echo "== one hour from $from: $rows stored rows (raw tier)"

SND=ipgb-s$$ SEN=ipgb-d$$ A=ipgba$$ B=ipgbb$$
SPID="" DPID="" RPID=""
cleanup() {
	for p in $SPID $DPID $RPID; do kill "$p" 2>/dev/null || true; done
	ip netns del "$SND" 2>/dev/null || true
	ip netns del "$SEN" 2>/dev/null || true
}
trap cleanup EXIT

# bench NAME URLBASE [PREFIX...]: wrk on each route; one table row each
results=()
bench() {
	local name=$1 base=$2 r rps p99
	shift 2
	for r in graph.dot edges.json graph.png; do
		"$@" wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 30s --latency \
		    "$base/api/v1/$r?$Q" >"$out/wrk-$name-$r.txt" 2>&1
		rps=$(sed -n 's/^Requests\/sec: *//p' "$out/wrk-$name-$r.txt")
		p99=$(awk '$1 == "99%" { print $2 }' "$out/wrk-$name-$r.txt")
		err=$(grep -E 'Non-2xx|Socket errors' "$out/wrk-$name-$r.txt" |
		    tr -s ' ' | tr '\n' ' ' || true)
		results+=("| $name | $r | $rps | $p99 | ${err:-none} |")
		echo "   $name $r: $rps req/s, p99 $p99 ${err}"
	done
}

echo "== ipgraph serve"
"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --threads "$THREADS" \
    >"$out/serve.log" 2>&1 &
SPID=$!
for _ in $(seq 1 50); do grep -q serving "$out/serve.log" && break; sleep 0.1; done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/serve.log")
bench serve "http://127.0.0.1:$port"
kill "$SPID"; wait "$SPID" || true; SPID=""

echo "== ipgraphd in a namespace"
veth_pair "$SND" "$SEN" "$A" "$B" || die "cannot build the namespaces"
ip netns exec "$SEN" ip link set lo up
state=$out/state
rm -rf "$state"; mkdir -p "$state"
cp "$DB" "$state/db"
chmod 755 "$out"
chown -R nobody "$state"
cat >"$out/ipgraphd.conf" <<EOF
[daemon]
user = nobody
sensor = bench
[capture]
interfaces = $B
snaplen = 128
[store]
path = $state/db
[http]
listen = 127.0.0.1:8080
threads = $THREADS
EOF
ip netns exec "$SEN" "$IPGRAPHD" -f -c "$out/ipgraphd.conf" >"$out/ipgraphd.log" 2>&1 &
DPID=$!
for _ in $(seq 1 50); do
	ip netns exec "$SEN" curl -s -o /dev/null http://127.0.0.1:8080/healthz && break
	sleep 0.2
done
bench idle http://127.0.0.1:8080 ip netns exec "$SEN"
drops0=$(ip netns exec "$SEN" curl -s http://127.0.0.1:8080/metrics |
    awk '/^ipgraph_kernel_drops_total/ { s += $2 } END { print s + 0 }')
ip netns exec "$SND" tcpreplay -q --pps="$PPS" --loop=0 -i "$A" "$PCAP" \
    >/dev/null 2>&1 &
RPID=$!
sleep 2
bench capture http://127.0.0.1:8080 ip netns exec "$SEN"
kill "$RPID" 2>/dev/null || true; wait "$RPID" 2>/dev/null || true; RPID=""
sleep 1
m=$(ip netns exec "$SEN" curl -s http://127.0.0.1:8080/metrics)
drops=$(echo "$m" | awk '/^ipgraph_kernel_drops_total/ { s += $2 } END { print s + 0 }')
pkts=$(echo "$m" | awk '/^ipgraph_packets_total/ { s += $2 } END { print s + 0 }')
wdrop=$(echo "$m" | awk '/^ipgraph_windows_dropped_total/ { print $2 }')
kill "$DPID"; wait "$DPID" || true; DPID=""

{
	echo "HTTP API, $(nproc) CPUs, $THREADS HTTP threads, wrk -t2 -c$CONNS -d${DURATION}s;"
	echo "one hour from $from of $(basename "$PCAP"): $rows stored rows."
	echo "capture: tcpreplay --pps=$PPS onto ipgraphd's veth during the run;"
	echo "$pkts packets captured, $((drops - drops0)) kernel drops, ${wdrop:-?} windows dropped."
	echo
	echo "| server | route | requests/s | p99 latency | errors |"
	echo "|---|---|---|---|---|"
	printf '%s\n' "${results[@]}"
} | tee "$out/results.md"
