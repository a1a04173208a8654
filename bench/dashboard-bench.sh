#!/bin/bash
# dashboard-bench.sh - the dashboard's map in headless Chromium: time to
# first render and frames per second (while ForceAtlas2 runs in its worker,
# and once it has stopped) at several map sizes, and the bundle's size.
#
#   bash bench/dashboard-bench.sh [BUILD_DIR]    (default: _build/plain)
#
# Imports every capture of ../shared/pcaps (real traffic, ~2,100 hosts;
# or the files of BENCH_PCAPS) once into bench/out/dashboard/bench.db,
# serves it with `ipgraph serve` on 127.0.0.1 and the build's www/, and
# opens #view=map over the whole database with max_nodes = each of SIZES
# (default "300 1000 2000").  Chromium draws WebGL with SwiftShader here
# (no GPU): the frame rates are a software floor, not a desktop's.
# Prints a markdown table and writes it to bench/out/dashboard/results.md.
#
# The corpus has too few hosts for bigger maps, so DASH_SYNTH (default
# empty: not run) adds synthetic ones, each HOSTSxLINKS, e.g.
# DASH_SYNTH="2000x10000 10000x50000": a database of one minute window
# holding exactly HOSTS hosts and LINKS host pairs (bench/out/dashboard/
# synth-HOSTS-LINKS.db, kept for the next run), served the same way and
# opened with max_nodes = HOSTS; a second table in results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
. "$top/bench/common.sh"
bench_path	# only the programs tests/programs.txt declares
build=${1:-$top/_build/plain}
IPGRAPH=${IPGRAPH:-$build/src/ipgraph}
SIZES=${SIZES:-300 1000 2000}
OUT=$top/bench/out/dashboard
mkdir -p "$OUT"
[ -s "$build/www/app.js" ] && [ -d "$build/www-npm/node_modules/playwright-core" ] ||
	die "no dashboard bundle or playwright-core in $build (run make there)"
if [ ! -s "$OUT/bench.db" ]; then
	say "importing into $OUT/bench.db"
	for f in ${BENCH_PCAPS:-"$top"/../shared/pcaps/*.pcap "$top"/../shared/pcaps/*.pcapng}; do
		"$IPGRAPH" import -q --db "$OUT/bench.db" "$f" 2>/dev/null || true
	done
fi

# synth_db HOSTS LINKS FILE: a database in ipgraph's own schema (made by
# importing a small capture, then emptied) with one minute window of
# LINKS TCP edges between HOSTS addresses 10.a.b.c, written with SQL.
# Candidates: every host a client of two of the HOSTS/50 hubs (the
# heavier edges), then of four hosts picked by a multiplicative hash; the
# first LINKS distinct pairs (no self loops) are kept, so each host has
# at least one edge and the layout has hubs to gather around, as on a
# real network, rather than one uniform hairball.
synth_db() {
	local h=$1 e=$2 db=$3
	rm -f "$db.tmp"
	"$IPGRAPH" import -q --db "$db.tmp" --sensor bench \
		"$top/tests/data/pcapplusplus-input.pcap"
	sqlite3 "$db.tmp" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
DELETE FROM edges; DELETE FROM pairs; DELETE FROM windows;
DELETE FROM events; DELETE FROM first_seen; DELETE FROM names;
DELETE FROM rollup_pending;
INSERT INTO windows (id, sensor_id, tier, seconds, start, frames, bytes)
	SELECT 1, id, 0, 60, 1232064000, 0, 0 FROM sensors WHERE name = 'bench';
CREATE TEMP TABLE cand (i INTEGER PRIMARY KEY, src, dst, hub);
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k
	WHERE i + 1 < 6 * $h)
INSERT INTO cand SELECT i, i % $h,
	CASE WHEN i / $h < 2
	THEN ((i % $h) * 2654435761 + i / $h * 40503) % 4294967291 % max($h / 50, 2)
	ELSE i * 2654435761 % 4294967291 % $h END, i / $h < 2 FROM k;
-- 10.a.b.c with a, b, c from 1 to 126: one byte each from char()
INSERT INTO edges SELECT 1, 6,
	CAST(char(10, 1 + src / 15876, 1 + src / 126 % 126, 1 + src % 126) AS BLOB),
	CAST(char(10, 1 + dst / 15876, 1 + dst / 126 % 126, 1 + dst % 126) AS BLOB),
	1024 + i % 50000, CASE WHEN hub THEN 443 ELSE 80 + i % 7 END,
	CASE WHEN hub THEN 10 + i * 37 % 1000 ELSE 1 + i * 13 % 100 END,
	600 * CASE WHEN hub THEN 10 + i * 37 % 1000 ELSE 1 + i * 13 % 100 END,
	i % 1000000, 59000000, 24
	FROM (SELECT min(i) AS i, src, dst, max(hub) AS hub FROM cand
	WHERE src != dst GROUP BY src, dst ORDER BY 1 LIMIT $e);
INSERT INTO pairs SELECT window_id, src, dst, sum(packets), sum(bytes),
	min(first_us), max(last_us) FROM edges GROUP BY window_id, src, dst;
SQL
	local n
	n=$(sqlite3 "$db.tmp" "SELECT count(*) FROM pairs")
	[ "$n" -eq "$e" ] || die "$db: $n host pairs made, not $e"
	sqlite3 "$db.tmp" "ANALYZE" >/dev/null
	mv "$db.tmp" "$db"
}

# measure DB LABEL SIZE...: serve DB, print the table of the map at each
# max_nodes SIZE.
measure() {
	local db=$1 label=$2 p
	shift 2
	"$IPGRAPH" serve --db "$db" --listen 127.0.0.1:0 --www "$build/www" \
		>"$OUT/serve.log" 2>&1 &
	SPID=$!
	for _ in $(seq 1 50); do
		grep -q serving "$OUT/serve.log" && break
		sleep 0.1
	done
	p=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT/serve.log")
	[ -n "$p" ] || die "serve did not start: $(cat "$OUT/serve.log")"
	node "$top/bench/dashboard-bench.mjs" "$build/www-npm" "http://127.0.0.1:$p" \
		"$OUT" "$label" "$@"
	kill $SPID
	wait $SPID 2>/dev/null || true
	SPID=
}
# every size checked before anything is measured
for s in ${DASH_SYNTH:-}; do
	case $s in
	*[!0-9x]*|x*|*x|*x*x*) ;;
	*x*) continue ;;
	esac
	die "DASH_SYNTH: $s is not HOSTSxLINKS (e.g. 10000x50000)"
done
for s in ${DASH_SYNTH:-}; do
	h=${s%x*}
	e=${s#*x}
	[ "$h" -ge 2 ] && [ "$h" -le 2000000 ] && [ "$e" -ge 1 ] && [ "$e" -le $((5 * h)) ] ||
		die "DASH_SYNTH: $s: HOSTS from 2 to 2000000, LINKS from 1 to 5 x HOSTS"
done
# the pipe runs this in a subshell: its own trap stops the server
{
	SPID=
	trap '[ -z "$SPID" ] || { kill $SPID 2>/dev/null; wait $SPID 2>/dev/null; }' EXIT
	measure "$OUT/bench.db" corpus $SIZES
	for s in ${DASH_SYNTH:-}; do
		h=${s%x*}
		e=${s#*x}
		db=$OUT/synth-$h-$e.db
		if [ ! -s "$db" ]; then
			say "making $db"
			synth_db "$h" "$e" "$db"
		fi
		echo
		measure "$db" "synth-$h-$e" "$h"
	done
} | tee "$OUT/results.md"
