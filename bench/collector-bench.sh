#!/usr/bin/env bash
# collector-bench.sh - ipgraphd's [ipfix] listen beside nfdump's nfcapd,
# fed the same IPFIX datagrams at the same rates.
#
# One command (Debian 12, as root):  bash bench/collector-bench.sh
#
#  1. installs what is missing (sh tests/setup.sh bench) unless
#     BENCH_NO_INSTALL=1, and runs on the PATH of declared programs;
#  2. builds ipgraph and ipgraphd with -O2 (bench/out/build, or
#     bench/out/build-REV with BENCH_REV) and bench/udpsend.c;
#  3. imports bench-10M.pcap (60 s windows) and writes every window with
#     `ipgraph export ipfix -o`: the datagrams a sensor would send;
#  4. in a network namespace of its own (loopback only), for each rate of
#     BENCH_COLL_RATES datagrams a second (0: as fast as the socket takes
#     them), starts one collector on 127.0.0.1 with an 8 MB receive
#     buffer, sends the file BENCH_COLL_ROUNDS times with udpsend, waits
#     until the collector is idle, and reads:
#       records   ipgraphd: ipgraph_collector_records_total (/metrics);
#                 nfcapd: the "Flows:" of nfdump -I over what it wrote
#       drops     the socket's drops in /proc/net/udp (the kernel's: the
#                 receive buffer was full)
#       CPU s     user + sys of the collector from start to exit
#                 (bench/runstat.c), the last windows' writes included
#     ipgraphd stores every record in its SQLite windows as it runs;
#     nfcapd writes its binary flow files;
#  5. prints a markdown table and appends it to bench/out/collector.md.
#
# Environment: BENCH_DATA, BENCH_NO_INSTALL, BENCH_REV, IPGRAPH_SHARED (as
# run.sh); BENCH_COLL_RATES (default "20000 50000 100000 0");
# BENCH_COLL_ROUNDS (default 1: a window sent again is merged into the
# stored one, which is not what an exporter makes); BENCH_COLL_INPUT (default
# bench-10M.pcap).
set -euo pipefail

main() {
. "$(dirname "$0")/common.sh"
INPUT=${BENCH_COLL_INPUT:-$BENCH_DATA/bench-10M.pcap}
RATES=${BENCH_COLL_RATES:-20000 50000 100000 0}
ROUNDS=${BENCH_COLL_ROUNDS:-1}
W=$OUT/collector
PORT=4739
HTTP=18711

bench_setup
bench_build "ipgraph and ipgraphd" src/ipgraph src/ipgraphd
cc -O2 -Wall -Wextra -o "$BUILD/udpsend" "$BENCH/udpsend.c"
cc -O2 -Wall -Wextra -o "$BUILD/runstat" "$BENCH/runstat.c"
bench_inputs "$INPUT"

NS="ipgcol$$"
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up

rm -rf "$W"
mkdir -p "$W"
chmod 755 "$OUT" "$W"
say "importing $INPUT and writing its windows as IPFIX"
"$BUILD/src/ipgraph" import -q --db "$W/in.db" --window 60 "$INPUT" || true
"$BUILD/src/ipgraph" export ipfix --db "$W/in.db" -o "$W/in.ipfix" ||
    die "export ipfix failed"

# udp_drops: the drops of the socket bound to 127.0.0.1:PORT
udp_drops() {
	ip netns exec "$NS" awk -v p="$(printf '0100007F:%04X' "$PORT")" \
	    '$2 == p { print $NF }' /proc/net/udp
}
# idle PID: wait until the collector's CPU time stops moving
idle() {
	local a b
	b=$(bench_cpu_s "$1")
	while :; do
		sleep 1
		a=$(bench_cpu_s "$1")
		[ "$a" = "$b" ] && return 0
		b=$a
	done
}

table="| rate asked (datagrams/s) | rate sent | collector | records sent | records taken | socket drops | CPU s | CPU µs a record |
|---|--:|---|--:|--:|--:|--:|--:|"
for rate in $RATES; do
	for prog in ipgraphd nfcapd; do
		d=$W/$prog-$rate
		mkdir -p "$d/state"
		chown nobody "$d/state"
		case $prog in
		ipgraphd)
			cat > "$d/ipgraphd.conf" <<-EOF
			[daemon]
			user = nobody
			sensor = collector-bench
			[capture]
			interfaces = lo
			filter = udp port 9
			[window]
			seconds = 60
			[store]
			path = $d/state/ipgraph.db
			retention_raw = 50y
			[http]
			listen = 127.0.0.1:$HTTP
			[ipfix]
			listen = 127.0.0.1:$PORT
			max_rate = 10000000
			EOF
			ip netns exec "$NS" "$BUILD/runstat" "$d/runstat" \
			    "$BUILD/src/ipgraphd" -f \
			    -c "$d/ipgraphd.conf" > "$d/log" 2>&1 &
			;;
		nfcapd)
			ip netns exec "$NS" "$BUILD/runstat" "$d/runstat" \
			    nfcapd -w "$d/state" -b 127.0.0.1 \
			    -p "$PORT" -B 8000000 > "$d/log" 2>&1 &
			;;
		esac
		PIDS=$!
		pid=$(bench_child_of "$PIDS") ||
		    die "$prog did not start: $(tail -5 "$d/log")"
		for _ in $(seq 1 100); do
			[ -n "$(udp_drops)" ] && break
			sleep 0.1
		done
		[ -n "$(udp_drops)" ] || die "$prog did not listen: $(tail -5 "$d/log")"
		say "$prog, $rate datagrams/s, $ROUNDS rounds"
		read -r dg recs secs dps _ < <(ip netns exec "$NS" \
		    "$BUILD/udpsend" "$W/in.ipfix" 127.0.0.1 "$PORT" "$ROUNDS" "$rate")
		idle "$pid"
		drops=$(udp_drops)
		if [ $prog = ipgraphd ]; then
			got=$(ip netns exec "$NS" curl -s "http://127.0.0.1:$HTTP/metrics" |
			    awk '$1 == "ipgraph_collector_records_total" { print $2 }')
			kill -TERM "$pid"
			wait "$PIDS" || die "ipgraphd did not exit 0: $(tail -5 "$d/log")"
		else
			kill -TERM "$pid"
			wait "$PIDS" || true
			got=$(nfdump -R "$d/state" -I | awk '$1 == "Flows:" { print $2 }')
		fi
		PIDS=""
		cpu=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "=")
		    v[kv[1]] = kv[2] } printf "%.2f", v["user"] + v["sys"] }' "$d/runstat")
		us=$(awk -v c="$cpu" -v n="${got:-0}" 'BEGIN {
		    printf "%.2f", n ? c * 1e6 / n : 0 }')
		table="$table
| ${rate/#0/top speed} | $dps | $prog | $recs | ${got:-?} | $drops | $cpu | $us |"
		echo "$prog $rate: sent $dg datagrams ($recs records) in $secs s; took ${got:-?}; drops $drops; CPU $cpu s" >&2
	done
done
{
	echo
	echo "collector-bench $(date -u +%Y-%m-%dT%H:%MZ) $REV_LABEL, load $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS rounds of $(stat -c %s "$W/in.ipfix") bytes"
	echo
	echo "$table"
} | tee -a "$OUT/collector.md"
}
main "$@"
