#!/bin/bash
# dashboard.sh - the dashboard (www/src bundled by esbuild) served by
# `ipgraph serve` on imported captures, driven in headless Chromium by
# playwright-core (both from npm, installed by the build into www-npm/);
# the page is the one `make install` installs:
# every view draws the counts the API gives for the same filter, brushing
# the timeline changes the API's query, clicking a host filters on it
# (in a table and on the WebGL map), hosts keep their places,
# every download is the bytes curl gets (also with a token), loading,
# empty and error states, no console errors.  dashboard.mjs does the
# browsing; the screenshots of each view are left in
# $top_builddir/tests/dashboard-shots/.
. "$(dirname "$0")/lib.sh"
need curl
need node
need chromium
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
. "$(dirname "$0")/installed.sh"
NPM="$top_builddir/www-npm"
# the dashboard `make install` puts where the installed configuration says
install_tree
WWW="$INST$WWW_PATH"
for f in index.html style.css app.js graph3d.js LICENSES.txt; do
	check "make install puts $f in the dashboard's folder ($WWW_PATH)" test -s "$WWW/$f"
done
[ -s "$WWW/app.js" ] || finish
[ -d "$NPM/node_modules/playwright-core" ] || {
	echo "FAIL: no playwright-core in $NPM (make runs npm ci there)" >&2
	exit 1
}
SHOTS="$top_builddir/tests/dashboard-shots"
rm -rf "$SHOTS" && mkdir -p "$SHOTS"

PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

DB="$T/db"
for f in "$DATA"/pcapplusplus-input.pcap "$DATA"/pcapplusplus-ipv6-frag.pcap \
    "$DATA"/pcapplusplus-one_http_stream_rst.pcap; do
	"$IPGRAPH" import -q --db "$DB" "$f" 2>/dev/null ||
	    { echo "FAIL: import $f" >&2; exit 1; }
done

# start NAME [ARGS...]: ipgraph serve on a free port; sets PORT.
start() {
	local log="$T/$1.log"
	: >"$log"
	shift
	"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --www "$WWW" "$@" >"$log" 2>&1 &
	PIDS="$PIDS $!"
	for _ in $(seq 1 50); do
		grep -q serving "$log" && break
		sleep 0.1
	done
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
	[ -n "$PORT" ] || { echo "FAIL: serve did not start: $(cat "$log")" >&2; exit 1; }
}
start open
U="http://127.0.0.1:$PORT"
printf 'dashboard-test-token\n' >"$T/token"
start token --token-file "$T/token"
UT="http://127.0.0.1:$PORT"

check "the page is served" test "$(curl -s -o /dev/null -w '%{http_code}' "$U/")" = 200
check "app.js is served as JavaScript" test "$(curl -s -o /dev/null \
    -w '%{http_code} %{content_type}' "$U/app.js")" = "200 text/javascript; charset=utf-8"
for p in sigma graphology graphology-layout-forceatlas2 d3-selection d3-sankey three 3d-force-graph; do
	check "the licence of $p is installed beside the bundle" grep -q "^===== $p " "$WWW/LICENSES.txt"
done
check "nothing is loaded from elsewhere" sh -c "! grep -Eq 'https?://[a-z]' '$WWW/index.html'"

timeout 300 node "$top_srcdir/tests/e2e/dashboard.mjs" "$NPM" \
    "$U" "$UT" dashboard-test-token "$SHOTS" "$T/dl" >"$T/node.out" 2>&1
rc=$?
cat "$T/node.out"
check "dashboard.mjs: every check in the browser passed (exit $rc)" test $rc -eq 0
for v in map talkers ports chord histogram seq timeline downloads error empty brushed token map-host expanded dark scatter seq-pair \
    host wheel portflow parallel sankey map3d; do
	check "a screenshot of $v" test -s "$SHOTS/$v.png"
done
finish
