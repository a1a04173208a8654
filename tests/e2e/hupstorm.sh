#!/bin/bash
# hupstorm.sh - ipgraphd given 200 SIGHUPs in a few seconds while traffic
# is replayed onto its interface (in network namespaces made here), the
# configuration file switched between two valid ones before each: the
# second changes what a reload can change (max_edges, retention,
# max_rows, max_nodes, names, [seq] filter) but nothing that changes what
# is counted.  (The capture filter has its own storm, filterswap.sh.)
# Then: the daemon is alive and /healthz is
# ok, the per-pair packets and bytes in the database equal tshark's on
# the replayed capture (times the loops sent), and it holds as many file
# descriptors as before.  Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need tshark
need python3
need curl
need mv
sensor_setup ipgh
[ -n "$IPGRAPH_KEEP" ] && echo "temporary files: $T"
sensor_http
HUPS=${HUPS:-200}

daemon_conf "$T/a" "$B" '[http]\nlisten = 127.0.0.1:8080\nthreads = 2'
daemon_conf "$T/b" "$B" '[http]\nlisten = 127.0.0.1:8080\nthreads = 2' \
    'max_rows = 5000\nmax_nodes = 50' \
    '[names]\n10.0.0.1 = hup-named' \
    '[seq]\nfilter = tcp' \
    '[store]\nretention_raw = 2d'
sed -i 's/^grace = 1/grace = 1\nmax_edges = 500000/' "$T/b"
cp "$T/a" "$T/c"
daemon_start "$T/c" healthz || finish
check "the daemon is ipgraphd ($(cat /proc/"$DPID"/comm))" \
    test "$(cat /proc/"$DPID"/comm)" = ipgraphd
healthz
sleep 1
fds0=$(ls /proc/"$DPID"/fd | wc -l)

# 28 frames over and over, 1,000 a second, all through the storm
ip netns exec "$SND" tcpreplay -q -i "$A" --loop=250 --pps=1000 \
    "$DATA/pcapplusplus-input.pcap" >"$T/replay" 2>&1 &
RPID=$!
sleep 0.5
for i in $(seq 1 "$HUPS"); do
	# a new file put in place whole: a reload never reads half of one
	if [ $((i % 2)) -eq 1 ]; then cp "$T/b" "$T/c.new"
	else cp "$T/a" "$T/c.new"; fi
	mv "$T/c.new" "$T/c"
	kill -HUP "$DPID" || break
	sleep 0.02
done
wait $RPID
check "tcpreplay sent everything ($(tail -1 "$T/replay"))" \
    grep -q 'Successful packets: *7000' "$T/replay"

check "ipgraphd is alive after $HUPS SIGHUPs" kill -0 "$DPID"
n=$(grep -c "reloaded $T/c" "$T/log")
check "it reloaded, many times ($n)" test "$n" -ge 10
check "no reload failed" sh -c "! grep -q 'reload failed' '$T/log'"
hz=$(get /healthz)
check "/healthz ok ($hz)" sh -c "echo '$hz' | grep -q '\"status\": \"ok\"'"
healthz
sleep 1
fds1=$(ls /proc/"$DPID"/fd | wc -l)
check "no file descriptor leaked ($fds0 before, $fds1 after)" \
    test "$fds1" -eq "$fds0"
check "/metrics: no packet dropped by the kernel" \
    test "$(metric 'ipgraph_kernel_drops_total{interface="'"$B"'"}')" = 0
daemon_stop "ipgraphd exits 0 on SIGTERM after the storm"

# the oracle: tshark's pairs of the capture replayed, times the 250 loops
# tcpreplay says it sent whole (a tcpdump beside the daemon was the weak
# side on a busy machine: it missed frames the daemon had)
"$IPGRAPH" export csv --db "$W/db" >"$T/db.csv"
$PAIRS tshark "$DATA/pcapplusplus-input.pcap" |
    awk '{ print $1, $2, $3 * 250, $4 * 250 }' >"$T/sent.pairs"
check "tshark reads the capture ($(wc -l <"$T/sent.pairs") pairs)" \
    test -s "$T/sent.pairs"
check "per-pair packets and bytes equal tshark's times 250" \
    $PAIRS compare "$T/sent.pairs" "$T/db.csv"
finish
