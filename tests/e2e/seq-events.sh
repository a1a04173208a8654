#!/bin/bash
# seq-events.sh - the packet events ipgraphd stores for sequence diagrams
# carry each packet's own TCP payload length: a capture replayed onto the
# daemon's interface (with a snaplen shorter than its data packets), then
# the stored events and seq.json compared with tshark's tcp.len.  Then
# [seq] packets = 0 keeps no events without a filter, and only the
# filter's matches with one.  Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need tshark
need sqlite3
need python3
need curl
sensor_setup ipgev

CAP="$DATA/pcapplusplus-one_http_stream_rst.pcap"
# every TCP packet is an event ([seq] filter); 96 bytes of each frame are
# captured, less than the data packets carry
daemon_conf "$T/conf" "$B" '[seq]\nfilter = tcp\npackets = 1000'
sed -i 's/^snaplen = .*/snaplen = 96/' "$T/conf"
daemon_start "$T/conf" || finish
ip netns exec "$SND" tcpreplay -q -i "$A" "$CAP" >"$T/replay" 2>&1 ||
    fail "tcpreplay: $(tail -3 "$T/replay")"
n=$(tshark -r "$CAP" -Y tcp 2>/dev/null | wc -l)
for _ in $(seq 1 100); do
	[ "$(sqlite3 "$W/db" 'SELECT count(*) FROM events WHERE proto = 6' \
	    2>/dev/null)" = "$n" ] && break
	sleep 0.1
done
daemon_stop "ipgraphd exits 0 on SIGTERM"

# tshark's tcp.len per packet, by what identifies it
tshark -r "$CAP" -Y tcp -T fields -e ip.id -e tcp.seq_raw -e tcp.ack_raw \
    -e tcp.len -e ip.len 2>/dev/null |
    awk '{ printf "%d|%s|%s|%s|%s\n", $1, $2, $3, $4, $5 }' | sort >"$T/want"
sqlite3 "$W/db" "SELECT ip_id, tcp_seq, tcp_ack, payload, ip_len FROM events
    WHERE proto = 6" | sort >"$T/got"
check "every TCP packet is an event ($n)" test "$(wc -l <"$T/got")" -eq "$n"
check "stored payload and IP length = tshark's tcp.len and ip.len" \
    cmp -s "$T/want" "$T/got"
check "some of them carry data" test "$(awk -F'|' '$4 > 0' "$T/got" | wc -l)" -gt 0

# the same through the HTTP API, on the database the daemon wrote
"$IPGRAPH" serve --db "$W/db" --listen 127.0.0.1:0 >"$T/serve.log" 2>&1 &
SPID=$!
port=""
for _ in $(seq 1 50); do
	port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/serve.log")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || fail "serve did not start: $(cat "$T/serve.log")"
code=$(curl -s -o "$T/seq.json" -w '%{http_code}' \
    "http://127.0.0.1:$port/api/v1/seq.json?from=2000-01-01")
check "seq.json: 200 ($code)" test "$code" = 200
check "seq.json: each message's Len= is tshark's tcp.len, in order" \
    python3 "$top_srcdir/tests/e2e/seqcheck.py" lens "$T/seq.json" "$CAP"
kill -TERM "$SPID"
wait "$SPID"

# [seq] packets = 0: not even the TCP control packets; only what the [seq]
# filter matches, and with no filter, no packet events at all
CAP0="$DATA/pcapplusplus-input.pcap"
frames=$(tshark -r "$CAP0" -T fields -e frame.number 2>/dev/null | wc -l)
push=$(tshark -r "$CAP0" -Y 'tcp.flags.push == 1' -T fields \
    -e frame.number 2>/dev/null | wc -l)
syn=$(tshark -r "$CAP0" -Y 'tcp.flags.syn == 1 && tcp.flags.push == 0' \
    -T fields -e frame.number 2>/dev/null | wc -l)
check "the capture has SYNs without PSH ($syn) and PSH ($push)" \
    test "$syn" -gt 0 -a "$push" -gt 0
for f in "" "tcp[tcpflags] & tcp-push != 0"; do
	daemon_conf "$T/conf0" "$B" "[seq]\npackets = 0${f:+\\nfilter = $f}"
	daemon_start "$T/conf0" || finish
	ip netns exec "$SND" tcpreplay -q -i "$A" "$CAP0" >"$T/replay" 2>&1 ||
	    fail "tcpreplay: $(tail -3 "$T/replay")"
	for _ in $(seq 1 50); do
		[ "$(sqlite3 "$W/db" 'SELECT coalesce(sum(frames), 0)
		    FROM windows WHERE tier = 0' 2>/dev/null)" -ge "$frames" ] &&
		    break
		sleep 0.1
	done
	daemon_stop "ipgraphd exits 0 on SIGTERM (packets = 0, filter '$f')"
	check "packets = 0, filter '$f': the replay was captured ($frames)" \
	    test "$(sqlite3 "$W/db" 'SELECT coalesce(sum(frames), 0)
	    FROM windows WHERE tier = 0')" -ge "$frames"
	want=0
	[ -z "$f" ] || want=$push
	check "packets = 0, filter '$f': $want packet events" test \
	    "$(sqlite3 "$W/db" 'SELECT count(*) FROM events')" -eq "$want"
	check "packets = 0, filter '$f': no SYN without PSH kept" test \
	    "$(sqlite3 "$W/db" 'SELECT count(*) FROM events
	    WHERE tcp_flags & 10 = 2')" -eq 0
done
finish
