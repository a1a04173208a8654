#!/bin/bash
# dashboard.sh - the dashboard (www/src bundled by esbuild) served by
# `ipgraph serve` on imported captures, driven in headless Chromium by
# playwright-core (both from npm, installed by the build into www-npm/);
# the page is the one `make install` installs:
# every view draws the counts the API gives for the same filter (the host
# page, wheel, port flows, parallel coordinates, Sankey and 3D map among
# them), brushing the timeline changes the API's query, clicking a host
# filters on it (in a table and on the WebGL map) or opens its page, hosts
# keep their places, map labels never overlap, the Windows view stacks
# protocols and marks the window whose loss this script records, the 3D
# library loads with its view alone, every download is the bytes curl
# gets (also with a token), loading, empty and error states, no console
# errors; a busy server (one query thread, its queue filled from outside)
# whose 503s the page waits out, saying so, before it draws, and a
# download too, counting down on the Downloads view's line; then every
# view again behind nginx under a sub-path (/ipgraph/), its requests all
# through it.  dashboard.mjs does the browsing; the
# screenshots of each view are left in $top_builddir/tests/dashboard-shots/.
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

# a sensor that lost packets in its first window (the kernel's drop count,
# as ipgraphd records it): the Windows view marks it
need sqlite3
sqlite3 "$DB" "UPDATE windows SET cap_drop = 17 WHERE tier = 0 AND start =
    (SELECT min(start) FROM windows WHERE tier = 0)" ||
    { echo "FAIL: could not mark a window's loss in $DB" >&2; exit 1; }

# start NAME DB [ARGS...]: ipgraph serve of DB on a free port; sets PORT.
start() {
	local log="$T/$1.log" db=$2
	: >"$log"
	shift 2
	"$IPGRAPH" serve --db "$db" --listen 127.0.0.1:0 --www "$WWW" "$@" >"$log" 2>&1 &
	PIDS="$PIDS $!"
	for _ in $(seq 1 50); do
		grep -q serving "$log" && break
		sleep 0.1
	done
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
	[ -n "$PORT" ] || { echo "FAIL: serve did not start: $(cat "$log")" >&2; exit 1; }
}
start open "$DB"
U="http://127.0.0.1:$PORT"
PORT_OPEN=$PORT
printf 'dashboard-test-token\n' >"$T/token"
start token "$DB" --token-file "$T/token"
UT="http://127.0.0.1:$PORT"

# A server that is soon busy: one query thread (4 queries at most,
# running and waiting), the picture cache off, and the first window holding
# 3,000 more edges among 3,000 more hosts (10.0.x.y to 10.1.x.y, written
# straight into a copy of the database, in a few milliseconds where an
# import of that many hosts takes seconds), so that a graph.png of 700
# hosts takes most of a second: dashboard.mjs fills the queue with it.
cp "$DB" "$T/busy.db"
sqlite3 "$T/busy.db" "
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
    INSERT INTO edges SELECT (SELECT min(id) FROM windows WHERE tier = 0),
        17, CAST(char(10, 0, i / 100, i % 100) AS BLOB),
        CAST(char(10, 1, i * 7 % 1500 / 100, i * 7 % 100) AS BLOB),
        1024 + i, 53, 1 + i % 9, 100 * (1 + i % 9), 0, 0, 0 FROM n;
    INSERT INTO pairs SELECT window_id, src, dst, packets, bytes, first_us,
        last_us FROM edges WHERE substr(src, 1, 2) = CAST(char(10, 0) AS BLOB);" ||
    { echo "FAIL: could not add the busy server's hosts to $T/busy.db" >&2; exit 1; }
start busy "$T/busy.db" --threads 1 --picture-cache 0 --max-nodes 1000
UB="http://127.0.0.1:$PORT"

check "the page is served" test "$(curl -s -o /dev/null -w '%{http_code}' "$U/")" = 200
check "app.js is served as JavaScript" test "$(curl -s -o /dev/null \
    -w '%{http_code} %{content_type}' "$U/app.js")" = "200 text/javascript; charset=utf-8"
for p in sigma graphology graphology-layout-forceatlas2 d3-selection d3-sankey three 3d-force-graph; do
	check "the licence of $p is installed beside the bundle" grep -q "^===== $p " "$WWW/LICENSES.txt"
done
check "nothing is loaded from elsewhere" sh -c "! grep -Eq 'https?://[a-z]' '$WWW/index.html'"

# nginx on loopback in front of the open server, under /ipgraph/, as a
# site that puts the dashboard behind its own web server would
need nginx
NG="$T/nginx"
mkdir -p "$NG"
PROXY=""
for _ in 1 2 3 4 5; do
	PP=$((20000 + RANDOM % 30000))
	cat >"$NG/nginx.conf" <<-EOF
	daemon off;
	worker_processes 1;
	pid $NG/nginx.pid;
	error_log $NG/error.log;
	events { worker_connections 64; }
	http {
		access_log $NG/access.log;
		client_body_temp_path $NG/body;
		proxy_temp_path $NG/proxy;
		fastcgi_temp_path $NG/fastcgi;
		uwsgi_temp_path $NG/uwsgi;
		scgi_temp_path $NG/scgi;
		server {
			listen 127.0.0.1:$PP;
			location = /ipgraph { return 301 /ipgraph/; }
			location /ipgraph/ {
				proxy_pass http://127.0.0.1:$PORT_OPEN/;
				proxy_buffering off;
			}
		}
	}
	EOF
	nginx -c "$NG/nginx.conf" -p "$NG" 2>>"$NG/start.log" &
	NPID=$!
	for _ in $(seq 1 30); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PP/ipgraph/")" = 200 ] && break
		kill -0 $NPID 2>/dev/null || break
		sleep 0.1
	done
	if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PP/ipgraph/")" = 200 ]; then
		PIDS="$PIDS $NPID"
		PROXY="http://127.0.0.1:$PP/ipgraph"
		break
	fi
	kill $NPID 2>/dev/null; wait $NPID 2>/dev/null
done
check "nginx passes the dashboard under /ipgraph/ ($(tail -2 "$NG/error.log" "$NG/start.log" 2>/dev/null | tr '\n' ' '))" test -n "$PROXY"
check "the API answers under the sub-path" test "$(curl -s -o /dev/null -w '%{http_code}' "$PROXY/api/v1/info")" = 200

# 400 s was not enough beside two busy loops on two cores (the browser's
# checks all passed, slowly); a hang still ends
timeout 900 node "$top_srcdir/tests/e2e/dashboard.mjs" "$NPM" \
    "$U" "$UT" dashboard-test-token "$SHOTS" "$T/dl" "$UB" $PROXY >"$T/node.out" 2>&1
rc=$?
cat "$T/node.out"
check "dashboard.mjs: every check in the browser passed (exit $rc)" test $rc -eq 0
for v in map talkers ports chord histogram seq timeline downloads error empty brushed token map-host expanded dark scatter seq-pair \
    host wheel portflow parallel sankey map3d proxy-sankey proxy-map3d map3d-nolib busy downloads-busy; do
	check "a screenshot of $v" test -s "$SHOTS/$v.png"
done
finish
