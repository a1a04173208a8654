#!/bin/bash
# faults.sh - ipgraphd's database taken away under it, in network
# namespaces made here: the file deleted (a new one is made at the path,
# nothing after the deletion lost), replaced by a read-only file and then
# made writable (the writer recovers by itself), locked by another writer
# (SQLITE_BUSY) while a small queue overflows (every dropped window is in
# the losses table, frames counted exactly).  Each fault must be logged,
# counted in /metrics and shown by /healthz, and leave no stale error in
# /stats once over.  Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need tshark
need sqlite3
need python3
need curl
sensor_setup ipgf
[ -n "$IPGRAPH_KEEP" ] && echo "temporary files: $T"
sensor_http

conf() { daemon_conf "$1" "$B" '[http]\nlisten = 127.0.0.1:8080\nthreads = 1'; }
start() { daemon_start "$1" healthz; }

replay() {
	ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" "$@" \
	    >"$T/replay" 2>&1 || fail "tcpreplay $*: $(tail -3 "$T/replay")"
}

# wait_for SQL VALUE [TRIES]: poll the database until the query answers
# VALUE.  Never where there is no file: sqlite3 (root) would make one that
# the daemon (nobody) cannot write.
wait_for() {
	for _ in $(seq 1 "${3:-100}"); do
		[ -e "$W/db" ] &&
		    [ "$(sqlite3 "$W/db" "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_log PATTERN [TRIES]: poll the log for an extended regex.
wait_log() {
	for _ in $(seq 1 "${2:-100}"); do
		grep -Eq -- "$1" "$T/log" && return 0
		sleep 0.1
	done
	return 1
}

IN1="$DATA/pcapplusplus-input.pcap"		# 28 frames, TCP
IN2="$DATA/pcapplusplus-gtp-u.pcap"		# UDP
$PAIRS tshark "$IN1" >"$T/in1.pairs"
$PAIRS tshark "$IN2" >"$T/in2.pairs"
N1=$(tshark -r "$IN1" -T fields -e frame.number 2>/dev/null | wc -l)

# 1. The database file deleted while the daemon runs: logged, counted, a
#    new database made at the path, everything captured after it there.
conf "$T/c1"
start "$T/c1" || finish
replay "$IN1"
check "a window is written before the deletion" \
    wait_for "SELECT count(*) FROM windows WHERE tier = 0" 1
frames() { get "/api/v1/windows?from=0&tier=raw" | grep -o '"frames": [0-9]*' |
    awk '{n += $2} END {print n + 0}'; }
check "the HTTP API reads it ($(frames) frames)" test "$(frames)" = "$N1"
rm "$W/db"
replay "$IN2"
check "a new database is made at the path" wait_log "was deleted or replaced"
check "the next window lands in it" \
    wait_for "SELECT count(*) FROM windows WHERE tier = 0" 1
N2=$(sqlite3 "$W/db" 'SELECT sum(frames) FROM windows WHERE tier = 0')
check "the HTTP API reads the new file ($(frames) frames, $N2 in it)" \
    test "$(frames)" = "$N2"
check "/metrics counts the deletion" test \
    "$(metric ipgraph_database_reopened_total)" = 1
# all three files at once, this time
rm "$W"/db*
replay "$IN2"
check "the database is made again after rm db*" wait_for \
    "SELECT count(*) FROM windows WHERE tier = 0" 1
check "/metrics counts both deletions" test \
    "$(metric ipgraph_database_reopened_total)" = 2
get /healthz >"$T/hz1"
check "/healthz shows the loss ($(cat "$T/hz1"))" \
    grep -q '"status": "degraded".*database file deleted' "$T/hz1"
daemon_stop "ipgraphd exits 0 on SIGTERM after a deletion"
"$IPGRAPH" export csv --db "$W/db" >"$T/del.csv"
check "everything after the deletion is in the new file, exactly" \
    $PAIRS compare "$T/in2.pairs" "$T/del.csv"
check "the new file records what went with the old one" test \
    "$(sqlite3 "$W/db" "SELECT windows, frames FROM losses WHERE reason = 'database file deleted or replaced'")" = "1|$N2"
check "integrity_check ok after a deletion" test \
    "$(sqlite3 "$W/db" 'PRAGMA integrity_check')" = ok

# 2. Replaced by a read-only file, then made writable again: the writer
#    fails (503, reason), keeps the window, recovers by itself (logged) and
#    /stats forgets the error.
start "$T/c1" || finish
replay "$IN1"
check "a window is written before the file turns read-only" \
    wait_for "SELECT count(*) FROM windows WHERE tier = 0" 1
sqlite3 "$W/db" ".backup '$W/ro'"
chown nobody "$W/ro"
chmod 444 "$W/ro"
mv "$W/ro" "$W/db"
replay "$IN2"
check "the read-only file is reported" wait_log "the file is read-only" 100
sleep 1.5	# /healthz reads counters published once a second
IN curl -s -o "$T/hz2" -w '%{http_code}' "$U/healthz" >"$T/hz2.code"
check "/healthz says 503 while it cannot write ($(cat "$T/hz2"))" test \
    "$(cat "$T/hz2.code")" = 503
check "/healthz names the read-only file" grep -q "read-only" "$T/hz2"
sleep 2
chmod 644 "$W/db"
check "the writer recovers without a restart (logged)" \
    wait_log "database writes work again" 400
sleep 1.5
get /api/v1/stats >"$T/stats2"
check "/stats shows no stale error after recovery ($(cat "$T/stats2"))" \
    grep -q '"writer_alive": true, "writer_error": ""' "$T/stats2"
check "/healthz is 200 again" test "$(IN curl -s -o /dev/null -w \
    '%{http_code}' "$U/healthz")" = 200
daemon_stop "ipgraphd exits 0 on SIGTERM after a read-only spell"
"$IPGRAPH" export csv --db "$W/db" >"$T/ro.csv"
cat "$T/in1.pairs" "$T/in2.pairs" >"$T/ro.pairs"
check "nothing lost to the read-only spell, exactly" \
    $PAIRS compare "$T/ro.pairs" "$T/ro.csv"

# 3. Another writer holds the lock (SQLITE_BUSY) for 12 s while traffic
#    goes on and a 2-job queue overflows: what is dropped is recorded in
#    the losses table, so stored + lost frames = frames sent, exactly.
conf "$T/c3"
sed -i 's/^\[window\]/[window]\nqueue = 2/' "$T/c3"
start "$T/c3" || finish
python3 - "$W/db" >"$T/lock" 2>&1 <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(12)
c.execute("ROLLBACK")
PY
LPID=$!
for _ in $(seq 1 50); do grep -q locked "$T/lock" && break; sleep 0.1; done
ROUNDS=6
for _ in $(seq 1 $ROUNDS); do
	replay "$IN1"
	sleep 2.1
done
wait $LPID
check "a busy database is reported" grep -q "database is locked" "$T/log"
check "dropped windows are logged" grep -q "writer queue full" "$T/log"
check "the writer recovers after the lock (logged)" \
    wait_log "database writes work again" 400
sleep 4
get /api/v1/stats >"$T/stats3"
check "/stats shows no stale error after the lock ($(cat "$T/stats3"))" \
    grep -q '"writer_alive": true, "writer_error": ""' "$T/stats3"
dropped=$(metric ipgraph_windows_dropped_total)
fdropped=$(metric ipgraph_frames_dropped_total)
check "/metrics counts write errors" test \
    "$(metric ipgraph_write_errors_total)" -gt 0
get /healthz >"$T/hz3"
check "/healthz shows the loss ($(cat "$T/hz3"))" \
    grep -q '"status": "degraded".*writer queue full' "$T/hz3"
daemon_stop "ipgraphd exits 0 on SIGTERM after a busy spell"
stored=$(sqlite3 "$W/db" 'SELECT sum(frames) FROM windows WHERE tier = 0')
lost=$(sqlite3 "$W/db" 'SELECT coalesce(sum(frames), 0) FROM losses')
lostw=$(sqlite3 "$W/db" 'SELECT coalesce(sum(windows), 0) FROM losses')
check "windows were dropped ($dropped)" test "${dropped:-0}" -gt 0
check "every dropped window is in the losses table ($lostw of $dropped)" \
    test "$lostw" = "$dropped"
check "lost frames in /metrics equal the table's ($fdropped, $lost)" \
    test "$fdropped" = "$lost"
check "stored + lost frames = frames sent ($stored + $lost = $((ROUNDS * N1)))" \
    test $((stored + lost)) -eq $((ROUNDS * N1))
check "integrity_check ok after a busy spell" test \
    "$(sqlite3 "$W/db" 'PRAGMA integrity_check')" = ok
finish
