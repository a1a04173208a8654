#!/bin/bash
# query-bench.sh - how long `ipgraph export dot` takes over one hour and
# over a day of minute windows (the query targets of bench/README.md).
#
#   bash bench/query-bench.sh [BUILD_DIR]     (default: bench/out/build)
#
# The database is built once (cached in bench/out/query/) by importing
# time-shifted copies of a slice of real traffic: the first PACKETS
# packets of bench-1M.pcap (~10,000 edges, ~8 seconds of traffic), cut to
# 128 captured bytes (the wire lengths, and so every count, are kept),
# shifted by one minute per copy with editcap and imported from a pipe,
# WINDOWS times.  Imports roll up the hours their traffic has passed, as
# they would in use; the last hour stays pending, like a live sensor's
# current hour.
#
# Then, alternating, RUNS times each: the last hour (`--from END-1h --to
# END`, raw windows) and the last 24 hours (`--from END-24h --to END`: a
# long span, so complete hours come from the hour tier and the rest from
# raw windows), as `ipgraph export dot` to a file.  END is the end of the
# newest window: the same spans as `--from -1h` and `--from -24h` at the
# moment the data ends.  Prints medians of wall and CPU time and writes
# bench/out/query/results.md.
#
# Environment: BENCH_PCAP, PACKETS (125000), WINDOWS (1440), RUNS (7);
# BUILD_ONLY=1 builds the database, prints its path and stops
# (bench/pictures-bench.sh uses it).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
. "$top/bench/common.sh"
bench_path	# only the programs tests/programs.txt declares
build=${1:-$top/bench/out/build}
IPGRAPH=${IPGRAPH:-$build/src/ipgraph}
PCAP=${BENCH_PCAP:-$top/bench/out/data/bench-1M.pcap}
PACKETS=${PACKETS:-125000}
WINDOWS=${WINDOWS:-1440}
RUNS=${RUNS:-7}
out=$top/bench/out/query
mkdir -p "$out"
DB=$out/day-$WINDOWS-$PACKETS.db

die() { echo "bench/query-bench.sh: $*" >&2; exit 1; }
[ -x "$IPGRAPH" ] || die "no $IPGRAPH: build first (bash bench/run.sh)"
[ -f "$PCAP" ] || die "no $PCAP (bash bench/run.sh makes it)"
for t in editcap sqlite3 python3 cc; do
	command -v $t >/dev/null || die "$t is missing"
done
RUNSTAT=$out/runstat
[ -x "$RUNSTAT" ] || cc -O2 -o "$RUNSTAT" "$top/bench/runstat.c"

if [ ! -f "$DB" ]; then
	echo "== building $DB: $WINDOWS shifted copies of $PACKETS packets"
	editcap -r -s 128 "$PCAP" "$out/slice.pcap" "1-$PACKETS"
	rm -f "$DB.tmp" "$DB.tmp-wal" "$DB.tmp-shm"
	start=$(date +%s)
	for ((k = 0; k < WINDOWS; k++)); do
		editcap -t $((60 * k)) "$out/slice.pcap" - |
		    "$IPGRAPH" import -q --db "$DB.tmp" --sensor bench - ||
		    die "import of copy $k failed"
		if ((k % 120 == 119)); then
			echo "   $((k + 1)) copies, $(($(date +%s) - start)) s"
		fi
	done
	sqlite3 "$DB.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	mv "$DB.tmp" "$DB"
	rm -f "$DB.tmp-wal" "$DB.tmp-shm"
fi
if [ "${BUILD_ONLY:-0}" = 1 ]; then
	echo "$DB"
	exit 0
fi

sq() { sqlite3 "$DB" "$1"; }
end=$(sq "SELECT max(start + seconds) FROM windows WHERE tier = 0")
echo "== $DB: $(sq "SELECT count(*) FROM windows WHERE tier = 0") minute windows," \
    "$(sq "SELECT count(*) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0") raw edge rows" \
    "($(sq "SELECT count(*) / count(DISTINCT e.window_id) FROM edges e JOIN windows w ON w.id = e.window_id WHERE w.tier = 0") a window)," \
    "$(sq "SELECT count(*) FROM windows WHERE tier = 1") hours rolled up," \
    "$(sq "SELECT count(*) FROM rollup_pending WHERE tier = 1") pending"

declare -A span=(
	[hour]="--from $((end - 3600)) --to $end"
	[day]="--from $((end - 86400)) --to $end"
)
rm -f "$out"/run-*.txt
for ((i = 0; i < RUNS; i++)); do
	for s in hour day; do
		# shellcheck disable=SC2086
		"$RUNSTAT" "$out/run-$s-$i.txt" "$IPGRAPH" export dot \
		    --db "$DB" ${span[$s]} -o "$out/out-$s.dot" ||
		    die "export dot ($s) failed"
	done
done

python3 - "$out" "$RUNS" <<'PY' | tee "$out/results.md"
import statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
target = {"hour": 0.100, "day": 0.300}
print("| span | wall s (median) | CPU s (median) | target | edges drawn |")
print("|---|--:|--:|--:|--:|")
for s in ("hour", "day"):
    wall, cpu = [], []
    for i in range(runs):
        f = dict(kv.split("=") for kv in open(f"{out}/run-{s}-{i}.txt").read().split())
        wall.append(float(f["wall"]))
        cpu.append(float(f["user"]) + float(f["sys"]))
    edges = sum(1 for l in open(f"{out}/out-{s}.dot") if " -> " in l)
    print(f"| {s} | {statistics.median(wall):.3f} | {statistics.median(cpu):.3f}"
          f" | {target[s]:.3f} | {edges} |")
PY
