#!/usr/bin/env bash
# soak.sh - the soak run: ipgraphd captures a replay at a moderate rate
# for SOAK_SECONDS while HTTP clients ask for pictures and data beside it;
# every SOAK_INTERVAL its RSS, split into anonymous memory (the heap,
# thread stacks: RssAnon) and mapped files (RssFile: mostly the database,
# which readers map and which grows with it), open file descriptors, the
# drops /metrics counts and the windows written are printed, and a
# summary line at the end says whether any of them grew.
#
# One command (Debian 12, as root):  bash bench/soak.sh
#
#  1. installs what is missing (sh tests/setup.sh bench) unless
#     BENCH_NO_INSTALL=1, then runs on a PATH of the declared programs;
#  2. builds ipgraphd out of tree with -O2 (bench/out/build, or
#     bench/out/build-REV with BENCH_REV; bench/common.sh);
#  3. makes two network namespaces joined by a veth pair, removed on exit;
#  4. starts ipgraphd on the sensor end (SOAK_WINDOW s windows, HTTP on
#     127.0.0.1 inside the sensor namespace), tcpreplay --loop=0
#     --pps=SOAK_PPS from the sender end, and a loop of curl on graph.dot,
#     graph.png, /api/v1/windows and seq.json;
#  5. prints one line per interval and appends all to bench/out/soak/.
#
# Environment:
#   SOAK_SECONDS   how long (default 3600)
#   SOAK_INTERVAL  seconds between two lines (default 60)
#   SOAK_PPS       the replay's rate, packets/s (default 2000)
#   SOAK_WINDOW    ipgraphd's [window] seconds (default 60; 2 passes
#                  thirty times as many windows in the same time)
#   SOAK_INPUT     the capture replayed over and over (default
#                  IPGRAPH_SHARED/pcaps/pcapplusplus-many-protocols.pcap)
#   BENCH_NO_INSTALL, BENCH_REV, IPGRAPH_SHARED: as the other benchmarks
#
# The summary line: "soak: N s, RSS A -> B MiB (peak P), anon A -> B MiB
# (peak P), file A -> B MiB, fds A -> B, kernel drops D, windows W, http
# requests R (E failed), ipgraphd alive".  A heap that grows shows in
# anon; file grows with the database's mapped pages, bounded by the
# readers' mmap_size.
# Exit status: 0; 1 when ipgraphd died or a count is missing.  Traffic:
# only on the veth pair inside the namespaces made here; HTTP on 127.0.0.1
# inside the sensor namespace.
set -euo pipefail

main() {
. "$(dirname "$0")/common.sh"
SECS=${SOAK_SECONDS:-3600}
IVL=${SOAK_INTERVAL:-60}
PPS=${SOAK_PPS:-2000}
WIN=${SOAK_WINDOW:-60}
INPUT=${SOAK_INPUT:-$SHARED/pcaps/pcapplusplus-many-protocols.pcap}
SOAK=$OUT/soak
U=http://127.0.0.1:8080

[ -s "$INPUT" ] || die "$INPUT: no such capture (set SOAK_INPUT)"
bench_setup
bench_build ipgraphd src/ipgraphd
IPGRAPHD=$BUILD/src/ipgraphd

SND="ipgs-s$$" SEN="ipgs-d$$" A="ipsa$$" B="ipsb$$"
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	ip netns del "$SND" 2>/dev/null || true
	ip netns del "$SEN" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
veth_pair "$SND" "$SEN" "$A" "$B" || die "cannot build the namespaces"
ip netns exec "$SEN" ip link set lo up

rm -rf "$SOAK"
mkdir -p "$SOAK/state"
chown nobody "$SOAK/state"
chmod 755 "$OUT" "$SOAK"
cat >"$SOAK/ipgraphd.conf" <<-EOF
[daemon]
user = nobody
sensor = soak
[capture]
interfaces = $B
[window]
seconds = $WIN
[store]
path = $SOAK/state/ipgraph.db
[http]
listen = 127.0.0.1:8080
threads = 2
EOF

say "ipgraphd on $B, replaying $(basename "$INPUT") at $PPS packets/s for $SECS s"
ip netns exec "$SEN" "$IPGRAPHD" -f -c "$SOAK/ipgraphd.conf" \
    >"$SOAK/ipgraphd.log" 2>&1 &
ipg=$!
PIDS=$ipg
for _ in $(seq 1 100); do
	grep -q "capturing on" "$SOAK/ipgraphd.log" && break
	kill -0 "$ipg" 2>/dev/null || break
	sleep 0.1
done
grep -q "capturing on" "$SOAK/ipgraphd.log" ||
    die "ipgraphd did not start: $(cat "$SOAK/ipgraphd.log")"
ip netns exec "$SND" tcpreplay -q --loop=0 --pps="$PPS" -i "$A" "$INPUT" \
    >"$SOAK/tcpreplay.log" 2>&1 &
PIDS="$PIDS $!"

# the HTTP load: one client, one request after the other, for ever
: >"$SOAK/http.codes"
(
	while :; do
		for p in /api/v1/graph.dot /api/v1/graph.png /api/v1/windows \
		    /api/v1/seq.json; do
			ip netns exec "$SEN" curl -s -o /dev/null --max-time 60 \
			    -w "%{http_code} $p\n" "$U$p" >>"$SOAK/http.codes" ||
			    echo "000 $p" >>"$SOAK/http.codes"
		done
		sleep 0.5
	done
) &
PIDS="$PIDS $!"
disown $!	# killed at the end: no "Killed" line for it

metric() {
	ip netns exec "$SEN" curl -s --max-time 10 "$U/metrics" |
	    awk -v m="$1" 'index($1, m) == 1 { n += $2 } END { print n + 0 }'
}
# VmRSS, RssAnon and RssFile in KiB, on one line
rss_kib() {
	awk '$1 == "VmRSS:" { t = $2 } $1 == "RssAnon:" { a = $2 }
	    $1 == "RssFile:" { f = $2 } END { print t + 0, a + 0, f + 0 }' \
	    "/proc/$ipg/status"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
fds() { ls "/proc/$ipg/fd" | wc -l; }
# line SECONDS RSS ANON FILE FDS DROPS WINDOWS REQUESTS FAILED (KiB)
line() {
	printf '%6d s  rss %6s MiB  anon %6s MiB  file %6s MiB  fds %4d  ' \
	    "$1" "$(mib "$2")" "$(mib "$3")" "$(mib "$4")" "$5"
	printf 'kernel_drops %d  windows %d  http %d (%d failed)\n' "$6" "$7" \
	    "$8" "$9"
}

t0=$(date +%s)
rss0="" anon0="" file0="" fds0="" peak=0 apeak=0 alive=1
printf '%s\n' "# soak of $REV_LABEL: $(basename "$INPUT") at $PPS packets/s, $WIN s windows, $SECS s, every $IVL s" |
    tee "$SOAK/soak.txt"
while :; do
	now=$(( $(date +%s) - t0 ))
	if ! kill -0 "$ipg" 2>/dev/null; then
		alive=0
		echo "ipgraphd died at $now s: $(tail -5 "$SOAK/ipgraphd.log")" |
		    tee -a "$SOAK/soak.txt"
		break
	fi
	read -r r an fl < <(rss_kib)
	f=$(fds)
	[ -n "$rss0" ] || { rss0=$r; anon0=$an; file0=$fl; fds0=$f; }
	[ "$r" -gt "$peak" ] && peak=$r
	[ "$an" -gt "$apeak" ] && apeak=$an
	drops=$(metric ipgraph_kernel_drops_total)
	wins=$(metric ipgraph_windows_written_total)
	reqs=$(wc -l <"$SOAK/http.codes")
	bad=$(grep -cv '^200 ' "$SOAK/http.codes" || true)
	line "$now" "$r" "$an" "$fl" "$f" "$drops" "$wins" "$reqs" "$bad" |
	    tee -a "$SOAK/soak.txt"
	[ "$now" -lt "$SECS" ] || break
	sleep $(( IVL < SECS - now ? IVL : SECS - now ))
done
printf 'soak: %d s, RSS %s -> %s MiB (peak %s), anon %s -> %s MiB (peak %s), file %s -> %s MiB, fds %d -> %d, kernel drops %d, windows %d, http requests %d (%d failed), ipgraphd %s\n' \
    "$now" "$(mib "${rss0:-0}")" "$(mib "${r:-0}")" "$(mib "$peak")" \
    "$(mib "${anon0:-0}")" "$(mib "${an:-0}")" "$(mib "$apeak")" \
    "$(mib "${file0:-0}")" "$(mib "${fl:-0}")" "${fds0:-0}" "${f:-0}" \
    "${drops:-0}" "${wins:-0}" "${reqs:-0}" "${bad:-0}" \
    "$([ $alive = 1 ] && echo alive || echo DIED)" | tee -a "$SOAK/soak.txt"
[ $alive = 1 ] || exit 1
kill -TERM "$ipg"
wait "$ipg" || { echo "ipgraphd exit $? on SIGTERM (see $SOAK/ipgraphd.log)" >&2; exit 1; }
PIDS=${PIDS#"$ipg"}
}

main "$@"
