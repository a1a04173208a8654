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
"$IPGRAPH" serve --db "$OUT/bench.db" --listen 127.0.0.1:0 --www "$build/www" \
	>"$OUT/serve.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null' EXIT
for _ in $(seq 1 50); do
	grep -q serving "$OUT/serve.log" && break
	sleep 0.1
done
P=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT/serve.log")
[ -n "$P" ] || die "serve did not start: $(cat "$OUT/serve.log")"
node "$top/bench/dashboard-bench.mjs" "$build/www-npm" "http://127.0.0.1:$P" \
	"$OUT" $SIZES | tee "$OUT/results.md"
