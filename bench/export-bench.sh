#!/bin/sh
# export-bench.sh - time `ipgraph export` over a day of minute windows.
#
# Builds (once, cached) a database of WINDOWS minute windows with EDGES
# edges each (default: a day, 10,000 edges per window, 2,000 hosts a side,
# five edges per address pair; conversations keep their key for 15
# minutes, so an hour roll-up holds 4x the edges of a minute, not 60x),
# written with SQL into ipgraph's own schema, then rolled up into hour and
# day tiers by `ipgraph rollup`.  Then times every format over a one-hour
# and a one-day span, on the raw tier and on the hour tier, and prints the
# query plan of the hour query.
#
#   sh bench/export-bench.sh [BUILD_DIR]      (default: _build/plain)
#   EDGES=2000 WINDOWS=240 sh bench/export-bench.sh     a quick run
#   BUILD_ONLY=1 sh bench/export-bench.sh   build the database, print its
#                                           path and stop (pictures-bench.sh)
#
# The graph pictures (png, svg) are timed with --top 200: laying out
# thousands of nodes is a different benchmark (libgvc's, not ours).
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
# only the programs tests/programs.txt declares, as in bench/common.sh
# (already so when pictures-bench.sh runs this: that folder stays)
[ "$PATH" = "$top/bench/out/bin" ] || sh tests/bindir.sh bench/out/bin bench ||
    { echo "bench/export-bench.sh: sh tests/setup.sh bench installs them" >&2; exit 1; }
PATH=$top/bench/out/bin
export PATH
build=${1:-$top/_build/plain}
IPGRAPH=${IPGRAPH:-$build/src/ipgraph}
EDGES=${EDGES:-10000}
WINDOWS=${WINDOWS:-1440}
T0=1232064000			# 2009-01-16T00:00:00Z
out=${BENCH_OUT:-$top/bench/out/export}
mkdir -p "$out"
DB="$out/day-$WINDOWS-$EDGES-v3.db"
[ -x "$IPGRAPH" ] || { echo "no $IPGRAPH: build first" >&2; exit 1; }

now() { date +%s.%N; }
elapsed() { echo "$1 - $2" | awk -F' - ' '{ printf "%.3f", $1 - $2 }'; }

if [ ! -f "$DB" ]; then
	echo "== building $DB ($WINDOWS windows x $EDGES edges)"
	t=$(now)
	rm -f "$DB.tmp"
	# The schema is ipgraph's own: import one small capture, then clear.
	"$IPGRAPH" import -q --db "$DB.tmp" --sensor bench \
	    "$top/tests/data/pcapplusplus-input.pcap"
	sqlite3 "$DB.tmp" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
DELETE FROM edges; DELETE FROM windows;
WITH RECURSIVE w(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM w
    WHERE n + 1 < $WINDOWS)
INSERT INTO windows (id, sensor_id, tier, seconds, start, frames, bytes)
    SELECT n + 1, (SELECT id FROM sensors WHERE name = 'bench'), 0, 60,
    $T0 + 60 * n, 0, 0 FROM w;
CREATE TEMP TABLE nums (i INTEGER PRIMARY KEY);
WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k
    WHERE n + 1 < $EDGES)
INSERT INTO nums SELECT n FROM k;
-- Hosts 10.0.a.b (sources) and 10.1.a.b (destinations), bytes < 128 so
-- char() makes one byte each; a conversation keeps its peer 15 minutes.
INSERT INTO edges SELECT w.id, 6,
    CAST(char(10, 0, 1 + (i % 2000) / 127, 1 + (i % 2000) % 127) AS BLOB),
    CAST(char(10, 1, 1 + ((i * 7 + (w.id - 1) / 15 * 13) % 2000) / 127,
        1 + ((i * 7 + (w.id - 1) / 15 * 13) % 2000) % 127) AS BLOB),
    1024 + i, 80 + i % 7, 1 + i % 50, 60 * (1 + i % 50) + i % 1000,
    i % 1000000, 59000000, 24
    FROM windows w, nums ORDER BY w.id;
SQL
	# The pairs table as store_write_window folds it (here in SQL), then
	# every hour marked and rolled up by ipgraph's own roll-up code.
	sqlite3 "$DB.tmp" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
DELETE FROM pairs; DELETE FROM rollup_pending;
INSERT INTO pairs SELECT window_id, src, dst, sum(packets), sum(bytes),
    min(first_us), max(last_us) FROM edges GROUP BY window_id, src, dst;
INSERT INTO rollup_pending SELECT DISTINCT sensor_id, 1, start - start % 3600
    FROM windows WHERE tier = 0;
SQL
	echo "== ipgraph rollup (hour and day tiers)"
	t1=$(now)
	"$IPGRAPH" rollup --db "$DB.tmp"
	echo "   rolled up in $(elapsed "$(now)" "$t1") s"
	sqlite3 "$DB.tmp" "ANALYZE" >/dev/null
	mv "$DB.tmp" "$DB"
	echo "   built in $(elapsed "$(now)" "$t") s, $(du -h "$DB" | cut -f1)"
fi
if [ "${BUILD_ONLY:-0}" = 1 ]; then
	echo "$DB"
	exit 0
fi
sqlite3 "$DB" "SELECT 'tier ' || tier || ': ' || count(*) || ' windows' FROM windows GROUP BY tier"
sqlite3 "$DB" "SELECT 'edges: ' || count(*) FROM edges"

HOUR="--from 2009-01-16T12:00:00Z --to 2009-01-16T12:59:59Z"
DAY="--from 2009-01-16T00:00:00Z --to 2009-01-16T23:59:59Z"
echo "== query plan (hour span)"
sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT count(*) FROM windows w JOIN edges e
    ON e.window_id = w.id WHERE w.tier = 0 AND w.start BETWEEN
    $((T0 + 43200 - 86400)) AND $((T0 + 46799))"

FORMATS="csv csv-pairs json gexf dot circos moowheel picviz rtgraph
histogram-csv histogram ports png svg"
printf '%-14s %10s %10s %10s %10s\n' format "hour raw" "hour tier" \
    "day raw" "day tier"
for f in $FORMATS; do
	extra=""
	case $f in png|svg) extra="--top 200" ;; esac
	line=$(printf '%-14s' "$f")
	for span in HOUR DAY; do
		eval "range=\$$span"
		for tier in raw hour; do
			# csv writes stored rows: the tier is the only choice.
			t=$(now)
			# shellcheck disable=SC2086
			"$IPGRAPH" export "$f" --db "$DB" $range --tier $tier \
			    $extra -o "$out/out.$f" 2>"$out/err" ||
			    { cat "$out/err" >&2; exit 1; }
			line="$line $(printf '%10s' "$(elapsed "$(now)" "$t")")"
		done
	done
	echo "$line"
done
rm -f "$out"/out.*
for d in ploticus circos-bundle; do
	t=$(now)
	# shellcheck disable=SC2086
	"$IPGRAPH" export $d --db "$DB" $DAY --tier hour -o "$out/$d"
	echo "$d (day, hour tier): $(elapsed "$(now)" "$t") s"
	rm -rf "${out:?}/$d"
done
