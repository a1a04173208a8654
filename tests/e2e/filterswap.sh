#!/bin/bash
# filterswap.sh - the capture filter changed by SIGHUP, over and over,
# while traffic is replayed at a fixed rate onto ipgraphd's interface (in
# network namespaces made here): the configuration alternates between two
# filters that both take every replayed frame ("ip" and "tcp"), with one
# bad filter in the middle that the daemon must refuse while it captures
# on.  Each change opens a new capture handle before the old one is
# closed and splits the frames between them by time stamp, so the
# per-pair packets and bytes stored must be exactly tshark's on the
# replayed capture times the loops sent: no frame lost at a swap, none
# counted twice.  Also: /metrics counts every swap the log reports, the
# kernel dropped nothing, the windows' kernel counters (of old and new
# handles together) say each frame was received once, and no capture
# handle is left open afterwards.
# Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need tshark
need python3
need curl
need mv
need sqlite3
sensor_setup ipgfs
[ -n "$IPGRAPH_KEEP" ] && echo "temporary files: $T"
sensor_http
HUPS=${HUPS:-120}
PPS=${PPS:-10000}
LOOPS=$((PPS / 5))
CAP="$DATA/pcapplusplus-input.pcap"

daemon_conf "$T/a" "$B" '[http]\nlisten = 127.0.0.1:8080\nthreads = 2'
sed -i 's/^snaplen = 65535/snaplen = 65535\nfilter = ip/' "$T/a"
sed 's/^filter = ip$/filter = tcp/' "$T/a" >"$T/b"
sed 's/^filter = ip$/filter = tcp and/' "$T/a" >"$T/bad"
cp "$T/a" "$T/c"
daemon_start "$T/c" healthz || finish
sleep 1
fds0=$(ls /proc/"$DPID"/fd | wc -l)

# 28 frames over and over at PPS a second, 5.6 s: the signals all inside
ip netns exec "$SND" tcpreplay -q -i "$A" --loop=$LOOPS --pps=$PPS \
    "$CAP" >"$T/replay" 2>&1 &
RPID=$!
sleep 0.3
for i in $(seq 1 "$HUPS"); do
	if [ "$i" -eq $((HUPS / 2)) ]; then cp "$T/bad" "$T/c.new"
	elif [ $((i % 2)) -eq 1 ]; then cp "$T/b" "$T/c.new"
	else cp "$T/a" "$T/c.new"; fi
	mv "$T/c.new" "$T/c"
	kill -HUP "$DPID" || break
	# the bad file must be read before it is replaced
	[ "$i" -ne $((HUPS / 2)) ] || wait_file "$T/log" "reload failed" ||
	    fail "no reload failed on a bad filter"
	sleep 0.03
done
wait $RPID
check "tcpreplay sent everything ($(tail -1 "$T/replay"))" \
    grep -q "Successful packets: *$((LOOPS * 28))" "$T/replay"
sleep 1

check "ipgraphd is alive after $HUPS SIGHUPs" kill -0 "$DPID"
swaps=$(grep -c "the capture filter changed" "$T/log")
check "the filter changed many times ($swaps)" test "$swaps" -ge 20
check "the bad filter was refused, naming it" grep -q \
    "reload failed, keeping the running configuration and its capture filter: $B: filter 'tcp and'" \
    "$T/log"
check "/metrics counts each swap ($swaps)" \
    test "$(metric ipgraph_capture_filter_swaps_total)" = "$swaps"
hz=$(get /healthz)
check "/healthz ok ($hz)" sh -c "echo '$hz' | grep -q '\"status\": \"ok\"'"
fds1=$(ls /proc/"$DPID"/fd | wc -l)
check "the replaced handles are closed ($fds0 descriptors before, $fds1 after)" \
    test "$fds1" -eq "$fds0"
daemon_stop "ipgraphd exits 0 on SIGTERM after the swaps"
check "the log reports no packet dropped by the kernel" \
    sh -c "! grep -q 'dropped by the kernel' '$T/log'"
# the kernel counters of every handle, old and new, in the windows: each
# frame received once (the ones a handle left to the other taken off)
recv=$(sqlite3 "$W/db" 'SELECT sum(cap_recv) FROM windows WHERE tier = 0')
drop=$(sqlite3 "$W/db" 'SELECT sum(cap_drop) FROM windows WHERE tier = 0')
check "the windows' cap_recv counts each frame sent once ($recv of $((LOOPS * 28)))" \
    test "$recv" = $((LOOPS * 28))
check "the windows' cap_drop is 0 ($drop)" test "$drop" = 0

"$IPGRAPH" export csv --db "$W/db" >"$T/db.csv"
$PAIRS tshark "$CAP" |
    awk -v n=$LOOPS '{ print $1, $2, $3 * n, $4 * n }' >"$T/sent.pairs"
check "tshark reads the capture ($(wc -l <"$T/sent.pairs") pairs)" \
    test -s "$T/sent.pairs"
check "per-pair packets and bytes equal tshark's times $LOOPS" \
    $PAIRS compare "$T/sent.pairs" "$T/db.csv"
finish
