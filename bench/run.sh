#!/usr/bin/env bash
# run.sh - the import benchmark: ipgraph against the read floor and its peers.
#
# One command (Debian 12, as root):  bash bench/run.sh
#
#  1. installs what is missing with apt-get (sh tests/setup.sh bench: the
#     build tools, the peers, what ../shared/bench/make-inputs.sh needs),
#     without starting any service; from then on it runs on a PATH of
#     the programs tests/programs.txt declares, as the tests do;
#  2. builds ipgraph out of tree with -O2 in bench/out/build (plus the
#     helpers readfloor, runstat, importstats);
#  3. makes the inputs with make-inputs.sh when they are missing (real
#     traffic inside two network namespaces; several minutes);
#  4. for each size, runs the programs on the same capture, alternating
#     (floor floorbuf ipgraph ipgraph-nonames tcpdump darkstat softflowd
#     [tshark] floor ...), and takes medians of wall time, CPU time and
#     peak RSS; ipgraph-nonames is the same import with --no-names (no
#     passive DNS, SNI or Host names), so the two give the names' cost;
#  5. measures ipgraph's store (rows/s, on-disk bytes per edge row) and
#     flow table (bytes per edge) with bench/importstats, in the same
#     rotation;
#  6. runs bench/callgrind.sh (instructions per packet against
#     bench/baseline.txt);
#  7. prints a markdown table and writes it to bench/out/results.md.
#
# Environment:
#   BENCH_DATA        where the captures are (default bench/out/data)
#   BENCH_SIZES       which captures (default "1M 10M")
#   BENCH_RUNS_1M     runs per program on bench-1M (default 5)
#   BENCH_RUNS_10M    runs per program on bench-10M (default 3)
#   BENCH_DURATION    seconds of traffic for make-inputs.sh (default 60)
#   BENCH_CALLGRIND   0 to skip the callgrind check (default 1)
#   BENCH_NO_INSTALL  1 to skip apt-get (everything already installed)
#   BENCH_TIMEOUT     seconds after which one run is killed (default 1800)
#   BENCH_PROGS       the programs to alternate, instead of all of them
#                     (e.g. "floor ipgraph ipgraph-nonames": names on and
#                     off alone; importstats then does not run)
#   BENCH_REV         a git revision to measure instead of the work tree
#                     (exported with git archive into bench/out/src-REV and
#                     built in bench/out/build-REV), so that edits in
#                     progress do not leak into a measurement
#   IPGRAPH_SHARED    the shared folder (default ../shared beside the tree)
#
# Exit status: 0; 1 when a program failed or callgrind found a regression
# (the table is printed all the same).  Nothing is sent anywhere but inside
# make-inputs.sh's namespaces and to 127.0.0.1 (softflowd's NetFlow export
# goes to 127.0.0.1:9, where nothing listens).
set -euo pipefail

# All in one function, parsed before it runs: editing this file (or a git
# checkout) during a run cannot change what the run does.
main() {
. "$(dirname "$0")/common.sh"
RUNS=$OUT/runs
SIZES=${BENCH_SIZES:-1M 10M}

# ---- 1. packages, and a PATH of the declared programs alone ------------------
# tests/setup.sh bench: the peers and make-inputs.sh's programs are
# declared in tests/programs.txt beside ipgraph's own.
bench_setup

# ---- 2. build ---------------------------------------------------------------
bench_build ipgraph src/ipgraph src/libipgraph.a
mkdir -p "$RUNS"
IPGRAPH=$BUILD/src/ipgraph
cc -O2 -Wall -Wextra -o "$BUILD/readfloor" "$BENCH/readfloor.c" \
    $(pkg-config --cflags --libs libpcap)
cc -O2 -Wall -Wextra -o "$BUILD/runstat" "$BENCH/runstat.c"
# store_rollup (roll-ups after an import) is timed where the tree has it
wraps=--wrap=store_write_window,--wrap=flowtable_sort
rollup=
if nm "$BUILD/src/libipgraph.a" 2>/dev/null | grep -q ' T store_rollup$'; then
	wraps=$wraps,--wrap=store_rollup
	rollup=-DHAVE_STORE_ROLLUP
fi
cc -O2 -g -Wall -Wextra $rollup -I"$SRC/src" -I"$BUILD" -o "$BUILD/importstats" \
    "$BENCH/importstats.c" "$BUILD/src/libipgraph.a" -Wl,$wraps \
    $(pkg-config --libs libpcap sqlite3 zlib liblzma libzstd) \
    $(grep -q '^#define HAVE_LIBLOC 1' "$BUILD/config.h" &&
    pkg-config --libs libloc) -lpthread
RUNSTAT=$BUILD/runstat
export RUNSTAT_TIMEOUT=${BENCH_TIMEOUT:-1800}

# ---- 3. inputs --------------------------------------------------------------
inputs=()
for s in $SIZES; do
	inputs+=("$BENCH_DATA/bench-$s.pcap")
done
bench_inputs "${inputs[@]}"

# ---- 4. the runs ------------------------------------------------------------
TMP=$OUT/tmp
mkdir -p "$TMP"
# softflowd's pid file goes to a folder of its own
SFD=$(mktemp -d /tmp/ipgb.XXXXXX)
trap 'rm -rf "$SFD"' EXIT
failed=0

# run_one SIZE PROGRAM N FILE: one timed run, figures in $RUNS/SIZE/PROGRAM.N
run_one() {
	local size=$1 prog=$2 n=$3 f=$4 o=$RUNS/$1/$2.$3 db=$TMP/ipgraph-$1.db
	case $prog in
	importstats-store|importstats-nostore)
		# ipgraph's store and flow table: importstats prints its own
		# figures (the same import_file, timed inside)
		db=$TMP/importstats-$size.db
		rm -f "$db" "$db-wal" "$db-shm"
		if [ $prog = importstats-store ]; then
			"$BUILD/importstats" "$db" "$f"
		else
			"$BUILD/importstats" --no-store "$db" "$f"
		fi > "$o" 2>&1 ||
		    { echo "FAILED: $prog run $n on $size (see $o)" >&2; failed=1; }
		return 0 ;;
	esac
	case $prog in
	cat)
		# the file copied out of the page cache and dropped: the
		# physical floor of any reader
		"$RUNSTAT" "$o" sh -c 'exec cat "$1" > /dev/null' sh "$f" ;;
	floor)
		"$RUNSTAT" "$o" "$BUILD/readfloor" "$f" ;;
	floorbuf)
		"$RUNSTAT" "$o" "$BUILD/readfloor" -b "$f" ;;
	ipgraph)
		rm -f "$db" "$db-wal" "$db-shm"
		"$RUNSTAT" "$o" "$IPGRAPH" import --db "$db" "$f" ;;
	ipgraph-nonames)
		# the same import keeping no names from the traffic
		db=$TMP/ipgraph-nonames-$size.db
		rm -f "$db" "$db-wal" "$db-shm"
		"$RUNSTAT" "$o" "$IPGRAPH" import --no-names --db "$db" "$f" ;;
	tcpdump)
		"$RUNSTAT" "$o" tcpdump -n -r "$f" -w /dev/null ;;
	darkstat)
		# reads the file, prints its totals and exits; the web
		# server would listen on 127.0.0.1 only
		"$RUNSTAT" "$o" darkstat -r "$f" --no-daemon --no-dns \
		    -b 127.0.0.1 -p 16667 --pidfile "$TMP/darkstat.pid" ;;
	softflowd)
		# NetFlow v9 export to 127.0.0.1:9 where nothing listens;
		# IPv6 flows tracked; statistics printed at the end.  -c none:
		# softflowd 1.1.0 reading a file tests its control socket's
		# poll result without having polled, and at random blocks in
		# accept() for ever; without the socket it cannot.
		"$RUNSTAT" "$o" softflowd -r "$f" -d -6 -v 9 \
		    -n 127.0.0.1:9 -p "$SFD/sf.pid" -c none ;;
	tshark)
		"$RUNSTAT" "$o" tshark -n -q -z conv,ip -r "$f" ;;
	esac > "$o.log" 2>&1 || { echo "FAILED: $prog run $n on $size (see $o.log)" >&2; failed=1; }
}

for size in $SIZES; do
	f=$BENCH_DATA/bench-$size.pcap
	[ -s "$f" ] || die "$f is missing"
	case $size in
	1M)  nruns=${BENCH_RUNS_1M:-5};  progs="cat floor floorbuf ipgraph ipgraph-nonames tcpdump darkstat softflowd tshark" ;;
	*)   nruns=${BENCH_RUNS_10M:-3}; progs="cat floor floorbuf ipgraph ipgraph-nonames tcpdump darkstat softflowd" ;;
	esac
	progs=${BENCH_PROGS:-$progs}
	rm -rf "${RUNS:?}/$size"
	mkdir -p "$RUNS/$size"
	say "bench-$size: warming the page cache"
	cat "$f" > /dev/null
	# importstats (with and without the store) takes its turn in the
	# same rotation, so that its figures see the same machine as the rest
	[ -n "${BENCH_PROGS:-}" ] ||
	    progs="$progs importstats-store importstats-nostore"
	for n in $(seq 1 "$nruns"); do
		for p in $progs; do
			say "bench-$size run $n/$nruns: $p"
			run_one "$size" "$p" "$n" "$f"
		done
	done
	# on-disk size of what the last ipgraph run stored, after a checkpoint
	db=$TMP/ipgraph-$size.db
	python3 - "$db" > "$RUNS/$size/db.txt" <<'PY' || failed=1
import os, sqlite3, sys
db = sys.argv[1]
c = sqlite3.connect(db)
c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
rows = c.execute("SELECT count(*) FROM edges").fetchone()[0]
wins = c.execute("SELECT count(*) FROM windows").fetchone()[0]
pages = c.execute("PRAGMA page_count").fetchone()[0]
psize = c.execute("PRAGMA page_size").fetchone()[0]
c.close()
size = os.path.getsize(db)
wal = os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0
print("edge_rows=%d windows=%d db_bytes=%d wal_bytes=%d page_size=%d pages=%d"
      % (rows, wins, size, wal, psize, pages))
PY
	rm -f "$db" "$db-wal" "$db-shm" "$TMP/importstats-$size.db"* \
	    "$TMP/ipgraph-nonames-$size.db"*
done

# ---- 6. callgrind -----------------------------------------------------------
cg_status=0
if [ "${BENCH_CALLGRIND:-1}" != 0 ]; then
	say "callgrind: instructions per packet"
	BENCH_DATA=$BENCH_DATA BENCH_NO_BUILD=1 IPGRAPH_BUILD=$BUILD \
	    bash "$BENCH/callgrind.sh" \
	    > "$RUNS/callgrind.txt" 2>&1 || cg_status=$?
	[ $cg_status = 0 ] || echo "callgrind.sh: exit $cg_status (see $RUNS/callgrind.txt)" >&2
fi

# ---- 7. the table -----------------------------------------------------------
python3 "$BENCH/report.py" "$RUNS" "$BENCH_DATA" "$SIZES" "$REV_LABEL" \
    > "$OUT/results.md"
cat "$OUT/results.md"
echo "written to $OUT/results.md" >&2
[ $failed = 0 ] && [ $cg_status = 0 ]
}

main "$@"
