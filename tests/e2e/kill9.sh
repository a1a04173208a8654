#!/bin/bash
# kill9.sh - ipgraphd killed with SIGKILL 50 times at random moments while
# traffic is replayed onto its interface, restarted each time on the same
# database (in network namespaces made here): PRAGMA integrity_check is ok
# after every kill, and every window that had closed (its end plus grace,
# plus a tick) before the kill is in the database: at most the open
# windows are lost.  The moments are 0.2 to 2.5 s after it captures:
# some during its first window, most after windows have closed (those
# check that closed windows survive).  Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need sqlite3
need python3
sensor_setup ipgk
[ -n "$IPGRAPH_KEEP" ] && echo "temporary files: $T"
KILLS=${KILLS:-50}

# 1-second windows, no grace: a window closes with the first later packet
daemon_conf "$T/c" "$B"
sed -i 's/^seconds = 2/seconds = 1/; s/^grace = 1/grace = 0/' "$T/c"

# Traffic all along: a small capture over and over, 500 frames a second.
ip netns exec "$SND" tcpreplay -q -i "$A" --loop=0 --pps=500 \
    "$DATA/pcapplusplus-input.pcap" >/dev/null 2>&1 &
RPID=$!
trap 'kill $RPID 2>/dev/null; sensor_cleanup' EXIT

: >"$T/log"
missing=0
for i in $(seq 1 "$KILLS"); do
	ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/c" >>"$T/log" 2>&1 &
	DPID=$!
	n=$(grep -c "capturing on" "$T/log")
	for _ in $(seq 1 50); do
		[ "$(grep -c "capturing on" "$T/log")" -gt "$n" ] && break
		sleep 0.1
	done
	t0=$(date +%s.%N)
	sleep "$(python3 -c "import random; print(round(random.uniform(0.2, 2.5), 2))")"
	kill -9 "$DPID"
	t1=$(date +%s.%N)
	wait "$DPID" 2>/dev/null
	DPID=""
	ok=$(sqlite3 "$W/db" 'PRAGMA integrity_check')
	[ "$ok" = ok ] || fail "kill $i: integrity_check says $ok"
	# windows [s, s+1) open at or after t0 that closed before t1 - 1 s
	python3 - "$W/db" "$t0" "$t1" >>"$T/checked" <<'PY' || missing=$((missing + 1))
import math, sqlite3, sys
db, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
have = {r[0] for r in sqlite3.connect(db).execute(
    "SELECT start FROM windows WHERE tier = 0")}
want = [s for s in range(math.floor(t0), int(t1)) if s + 1 + 1.0 <= t1]
gone = [s for s in want if s not in have]
if gone:
    print("kill at %.2f: closed windows missing: %s" % (t1, gone))
    sys.exit(1)
print(len(want))
PY
done
check "integrity_check ok after each of $KILLS kills" test "$FAILS" -eq 0
check "no closed window lost to $KILLS kills ($missing kills lost one)" \
    test "$missing" -eq 0
checked=$(awk '{n += $1} END {print n + 0}' "$T/checked")
check "closed windows were checked ($checked)" test "$checked" -gt 0
check "every kill left windows ($(sqlite3 "$W/db" 'SELECT count(*) FROM windows WHERE tier = 0'))" \
    test "$(sqlite3 "$W/db" 'SELECT count(*) FROM windows WHERE tier = 0')" -gt 0
finish
