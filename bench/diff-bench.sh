#!/bin/sh
# diff-bench.sh - time a diff of two one-day spans (ipgraph diff, and
# export json with a baseline) on two days of minute windows.
#
# Builds (once, cached) a database like bench/export-bench.sh's day (EDGES
# edges a minute, conversations keeping their peer 15 minutes), over two
# days (WINDOWS minutes, default 2880), rolled up; then times the diff of
# the second day against the first (--baseline -1d) through the hour tier
# and through raw windows, against the plain export of one day.
#
#   sh bench/diff-bench.sh [BUILD_DIR]      (default: _build/plain)
#   EDGES=2000 sh bench/diff-bench.sh       a quicker run
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
sh tests/bindir.sh bench/out/bin bench ||
    { echo "bench/diff-bench.sh: sh tests/setup.sh bench installs them" >&2; exit 1; }
PATH=$top/bench/out/bin
export PATH
build=${1:-$top/_build/plain}
IPGRAPH=${IPGRAPH:-$build/src/ipgraph}
EDGES=${EDGES:-10000}
WINDOWS=${WINDOWS:-2880}
T0=1232064000			# 2009-01-16T00:00:00Z
out=${BENCH_OUT:-$top/bench/out/diff}
mkdir -p "$out"
DB="$out/days-$WINDOWS-$EDGES-v8.db"
[ -x "$IPGRAPH" ] || { echo "no $IPGRAPH: build first" >&2; exit 1; }

now() { date +%s.%N; }
elapsed() { echo "$1 - $2" | awk -F' - ' '{ printf "%.3f", $1 - $2 }'; }

if [ ! -f "$DB" ]; then
	echo "== building $DB ($WINDOWS windows x $EDGES edges)"
	rm -f "$DB.tmp"
	"$IPGRAPH" import -q --db "$DB.tmp" --sensor bench \
	    "$top/tests/data/pcapplusplus-input.pcap"
	# the second day's peers differ from the first's for a fifth of the
	# conversations (new and gone edges), and their counts vary
	sqlite3 "$DB.tmp" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
DELETE FROM edges; DELETE FROM windows; DELETE FROM pairs;
DELETE FROM rollup_pending; DELETE FROM first_seen;
WITH RECURSIVE w(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM w
    WHERE n + 1 < $WINDOWS)
INSERT INTO windows (id, sensor_id, tier, seconds, start, frames, bytes)
    SELECT n + 1, (SELECT id FROM sensors WHERE name = 'bench'), 0, 60,
    $T0 + 60 * n, 0, 0 FROM w;
CREATE TEMP TABLE nums (i INTEGER PRIMARY KEY);
WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k
    WHERE n + 1 < $EDGES)
INSERT INTO nums SELECT n FROM k;
INSERT INTO edges SELECT w.id, 6,
    CAST(char(10, 0, 1 + (i % 2000) / 127, 1 + (i % 2000) % 127) AS BLOB),
    CAST(char(10, 1 + ((w.id - 1) / 1440) * (i % 5 = 0),
        1 + ((i * 7 + (w.id - 1) / 15 * 13) % 2000) / 127,
        1 + ((i * 7 + (w.id - 1) / 15 * 13) % 2000) % 127) AS BLOB),
    1024 + i, 80 + i % 7, 1 + (i + w.id / 1440 * i) % 50,
    60 * (1 + i % 50) + i % 1000, i % 1000000, 59000000, 24
    FROM windows w, nums ORDER BY w.id;
INSERT INTO pairs SELECT window_id, src, dst, sum(packets), sum(bytes),
    min(first_us), max(last_us) FROM edges GROUP BY window_id, src, dst;
INSERT INTO rollup_pending SELECT DISTINCT sensor_id, 1, start - start % 3600
    FROM windows WHERE tier = 0;
SQL
	"$IPGRAPH" rollup --db "$DB.tmp"
	sqlite3 "$DB.tmp" "ANALYZE" >/dev/null
	mv "$DB.tmp" "$DB"
fi
DAY2="--from 2009-01-17T00:00:00Z --to 2009-01-17T23:59:59Z"
printf '%-34s %10s %10s\n' "" "hour tier" "raw"
for what in "export json" "export json --baseline -1d" "diff --baseline -1d"; do
	line=$(printf '%-34s' "$what")
	for tier in hour raw; do
		t=$(now)
		# shellcheck disable=SC2086
		"$IPGRAPH" $what --db "$DB" $DAY2 --tier $tier \
		    >"$out/out" 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
		line="$line $(printf '%10s' "$(elapsed "$(now)" "$t")")"
	done
	echo "$line"
done
head -12 "$out/out"
