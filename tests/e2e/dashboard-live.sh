#!/bin/bash
# dashboard-live.sh - the dashboard's live mode against ipgraphd capturing
# in a network namespace made here: the page is opened with live=1 on an
# empty database, captures are replayed onto the sensor's interface, and
# the WebGL map must grow from the server-sent events without a reload,
# to the hosts the API then holds.  Chromium runs in the sensor namespace
# (the daemon listens on that namespace's loopback).  Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need curl
need node
need chromium
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
NPM="$top_builddir/www-npm"
[ -d "$NPM/node_modules/playwright-core" ] || {
	echo "FAIL: no playwright-core in the build tree (make runs npm ci)" >&2
	exit 1
}
sensor_setup dlv
ip netns exec "$SEN" ip link set lo up
# the daemon (user nobody) serves a copy of the installed page
. "$(dirname "$0")/installed.sh"
install_tree
cp -r "$INST$WWW_PATH" "$T/www"
chmod -R a+rX "$T/www"
daemon_conf "$T/conf" "$B" "[http]\nlisten = 127.0.0.1:8080\nthreads = 4\nwww_root = $T/www"
daemon_start "$T/conf" || finish
SHOTS="$top_builddir/tests/dashboard-shots"
mkdir -p "$SHOTS"

ip netns exec "$SEN" timeout 180 node "$top_srcdir/tests/e2e/dashboard-live.mjs" "$NPM" \
    "http://127.0.0.1:8080" "$SHOTS" "$T/ready" >"$T/node.out" 2>&1 &
NPID=$!
for _ in $(seq 1 300); do
	[ -e "$T/ready" ] && break
	kill -0 "$NPID" 2>/dev/null || break
	sleep 0.1
done
check "the page is open in live mode before the traffic" test -e "$T/ready"
# three replays a window apart: the map grows in steps
for f in pcapplusplus-input.pcap pcapplusplus-one_http_stream_rst.pcap \
    pcapplusplus-input.pcap; do
	ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" "$DATA/$f" >/dev/null 2>&1 ||
	    fail "tcpreplay $f"
	sleep 2
done
touch "$T/replayed"
wait "$NPID"
rc=$?
cat "$T/node.out"
check "dashboard-live.mjs: every check in the browser passed (exit $rc)" test $rc -eq 0
check "a screenshot of the live map" test -s "$SHOTS/live.png"
daemon_stop "ipgraphd exits 0 on SIGTERM with the dashboard's stream open"
finish
