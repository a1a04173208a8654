#!/usr/bin/env bash
# live.sh - the live-capture benchmark: ipgraphd, tcpdump and darkstat
# capturing the same interface while tcpreplay or trafgen floods it, at
# stepped rates, to find where each starts to drop.
#
# One command (Debian 12, as root):  bash bench/live.sh
#
#  1. installs what is missing with apt-get (sh tests/setup.sh bench),
#     without starting any service, then runs on a PATH of the programs
#     tests/programs.txt declares, as the tests do;
#  2. builds ipgraphd out of tree with -O2 like run.sh (bench/out/build, or
#     bench/out/build-REV with BENCH_REV), plus runstat;
#  3. makes two network namespaces of its own joined by a veth pair (MTU
#     9000, IPv6 off, no addresses: only the replayed frames cross), removed
#     on exit whatever happens;
#  4. for each pass (each rate R of BENCH_LIVE_PPS, then top speed; each
#     BENCH_LIVE_RUNS times): starts ipgraphd, `tcpdump -B -w /dev/null`
#     (the same kernel buffer as ipgraphd's) and darkstat on the sensor end,
#     sends 1,000,000 frames from the sender end (tcpreplay: bench-1M.pcap;
#     trafgen: its first BENCH_LIVE_MIX frames, round robin), samples the
#     sender's tx counter every 0.1 s for the rate reached, reads each capturer's CPU
#     time (/proc/PID/stat) and peak RSS (VmHWM) before stopping it with
#     SIGTERM, then collects what each saw and what the kernel dropped:
#       ipgraphd  windows table, tier 0: sum(frames), sum(cap_recv),
#                 sum(cap_drop), sum(cap_ifdrop) (pcap_stats deltas)
#       tcpdump   its "packets captured / dropped by kernel" lines at exit
#       darkstat  its web page (127.0.0.1 inside the sensor namespace)
#  5. prints a markdown table of the medians over the runs, with the load
#     average before and after, and appends it to bench/out/live-results.md.
#
# Environment:
#   BENCH_DATA        where the captures are (default bench/out/data)
#   BENCH_LIVE_INPUT  the capture to replay (default BENCH_DATA/bench-1M.pcap)
#   BENCH_LIVE_GEN    trafgen (default; package netsniff-ng) or tcpreplay
#   BENCH_LIVE_PPS    rates of the passes before top speed, packets/s
#                     (default "200000 400000 600000 800000 1000000"; 0: none)
#   BENCH_LIVE_TOP    0 to skip the top-speed pass (default 1)
#   BENCH_LIVE_RUNS   runs of each pass; the table shows medians (default 3)
#   BENCH_LIVE_MIX    trafgen: frames of the input in its mix (default 10000)
#   BENCH_LIVE_GENCPUS trafgen: processes sending (-P; default 1)
#   BENCH_LIVE_BUFFER ipgraphd's buffer_size and tcpdump's -B, in MiB with
#                     an M (default 32M, ipgraphd's default)
#   BENCH_LIVE_BATCH  ipgraphd's [capture] batch (default: its default, 4096)
#   BENCH_LIVE_SEQ    ipgraphd's [seq] packets (default: its default, 16;
#                     0: no packet events)
#   BENCH_LIVE_PEERS  0: ipgraphd alone, no tcpdump or darkstat (default 1)
#   BENCH_NO_INSTALL  1 to skip apt-get
#   BENCH_REV         a git revision to build instead of the work tree (as run.sh)
#   IPGRAPH_SHARED    the shared folder (default ../shared beside the tree)
#
# Exit status: 0; 1 when a capturer failed to start or to report.  Traffic:
# the generator sends only on the veth pair inside the namespaces made here;
# darkstat's web server listens on 127.0.0.1 inside the sensor namespace.
set -euo pipefail

# All in one function, parsed before it runs (see run.sh).
main() {
. "$(dirname "$0")/common.sh"
INPUT=${BENCH_LIVE_INPUT:-$BENCH_DATA/bench-1M.pcap}
PPS=${BENCH_LIVE_PPS:-200000 400000 600000 800000 1000000}
TOPSPEED=${BENCH_LIVE_TOP:-1}
RUNS=${BENCH_LIVE_RUNS:-3}
GEN=${BENCH_LIVE_GEN:-trafgen}
MIX=${BENCH_LIVE_MIX:-10000}
GENCPUS=${BENCH_LIVE_GENCPUS:-1}
BUFSZ=${BENCH_LIVE_BUFFER:-32M}
BATCH=${BENCH_LIVE_BATCH:-}
SEQ=${BENCH_LIVE_SEQ:-}
PEERS=${BENCH_LIVE_PEERS:-1}
COUNT=1000000
case $BUFSZ in
[1-9]*M) BUFKIB=$(( ${BUFSZ%M} * 1024 )) ;;
*) die "BENCH_LIVE_BUFFER=$BUFSZ: give MiB with an M, e.g. 32M" ;;
esac
for v in BENCH_LIVE_RUNS=$RUNS BENCH_LIVE_MIX=$MIX BENCH_LIVE_GENCPUS=$GENCPUS; do
	case ${v#*=} in
	''|0*|*[!0-9]*) die "$v: give a whole number from 1" ;;
	esac
done
case $PEERS in
0|1) ;;
*) die "BENCH_LIVE_PEERS=$PEERS: 0 (ipgraphd alone) or 1" ;;
esac
case $GEN in
tcpreplay|trafgen) ;;
*) die "BENCH_LIVE_GEN=$GEN: tcpreplay or trafgen" ;;
esac
LIVE=$OUT/live
DSPORT=16668

# ---- 1. packages, and a PATH of the declared programs alone ------------------
bench_setup

# ---- 2. build (bench/common.sh, as run.sh) --------------------------------------
bench_build ipgraphd src/ipgraphd
IPGRAPHD=$BUILD/src/ipgraphd
cc -O2 -Wall -Wextra -o "$BUILD/runstat" "$BENCH/runstat.c"
RUNSTAT=$BUILD/runstat
export RUNSTAT_TIMEOUT=${BENCH_TIMEOUT:-900}

# ---- input --------------------------------------------------------------------
bench_inputs "$INPUT"
say "warming the page cache"
cat "$INPUT" > /dev/null
if [ "$GEN" = trafgen ]; then
	# trafgen reads a pcap packet by packet into its own config at start,
	# in time that grows faster than the count (100,000 frames: still
	# loading after 20 s; bench-1M: after 10 minutes), so it gets a mix
	# of the first MIX frames, converted once by netsniff-ng, and sends
	# COUNT frames round robin over it.
	GENCFG=$OUT/live-mix-$(basename "$INPUT" .pcap)-$MIX.cfg
	if [ ! -s "$GENCFG" ]; then
		say "trafgen: a mix of the first $MIX frames of $(basename "$INPUT")"
		tcpdump -r "$INPUT" -c "$MIX" -w "$GENCFG.pcap" 2>/dev/null &&
		    netsniff-ng -s --in "$GENCFG.pcap" --out "$GENCFG.tmp" \
		    > /dev/null 2>&1 && mv "$GENCFG.tmp" "$GENCFG" ||
		    die "cannot make the trafgen mix $GENCFG"
		rm -f "$GENCFG.pcap"
	fi
fi

# ---- 3. namespaces ------------------------------------------------------------
SND="ipgl-s$$"		# sender namespace (tcpreplay)
SEN="ipgl-d$$"		# sensor namespace (the capturers)
A="iplva$$"		# sender end of the veth pair
B="iplvb$$"		# sensor end
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	ip netns del "$SND" 2>/dev/null || true
	ip netns del "$SEN" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# No IPv6 and no addresses: nothing but the replayed frames on the wire.
veth_pair "$SND" "$SEN" "$A" "$B" || die "cannot build the namespaces"
ip netns exec "$SEN" ip link set lo up		# darkstat's web page
sleep 1

rm -rf "$LIVE"
mkdir -p "$LIVE"
chmod 755 "$OUT" "$LIVE"
failed=0

hwm_mib() {
	awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# generate NAME RATE: send COUNT frames on A at RATE packets/s (top: as
# fast as the generator can), logging to NAME/gen.log
generate() {
	local d=$LIVE/$1 rate=$2
	if [ "$GEN" = tcpreplay ]; then
		[ "$rate" = top ] && rate=--topspeed || rate=--pps=$rate
		ip netns exec "$SND" tcpreplay "$rate" -i "$A" "$INPUT" > "$d/gen.log" 2>&1
	else
		# sendto(2), paced by -b or unpaced with -t 0: both went
		# faster here than trafgen's TX_RING (~460 against ~260 kpps)
		[ "$rate" = top ] && rate="-t 0" || rate="-b ${rate}pps"
		# shellcheck disable=SC2086
		ip netns exec "$SND" trafgen -C -P "$GENCPUS" -i "$GENCFG" -o "$A" \
		    -n "$COUNT" $rate > "$d/gen.log" 2>&1
	fi
}

# pass NAME RATE: one send, all three capturers at once
pass() {
	local name=$1 rate=$2 d=$LIVE/$1 ipg_w ipg tcd_w=0 tcd="" ds_w=0 ds="" p smp
	mkdir -p "$d/state" "$d/darkstat"
	chown nobody "$d/state"
	chmod 755 "$d"
	cat > "$d/ipgraphd.conf" <<-EOF
	[daemon]
	user = nobody
	sensor = live-bench
	[capture]
	interfaces = $B
	snaplen = 128
	buffer_size = $BUFSZ
	${BATCH:+batch = $BATCH}
	[window]
	seconds = 60
	${SEQ:+[seq]}
	${SEQ:+packets = $SEQ}
	[store]
	path = $d/state/ipgraph.db
	EOF
	[ "$PEERS" = 1 ] && p="ipgraphd, tcpdump -B $BUFKIB, darkstat" || p="ipgraphd alone"
	say "$name: starting $p on $B"
	ip netns exec "$SEN" "$RUNSTAT" "$d/ipgraphd.runstat" \
	    "$IPGRAPHD" -f -c "$d/ipgraphd.conf" > "$d/ipgraphd.log" 2>&1 &
	ipg_w=$!
	PIDS="$ipg_w"
	if [ "$PEERS" = 1 ]; then
		ip netns exec "$SEN" "$RUNSTAT" "$d/tcpdump.runstat" \
		    tcpdump -n -B "$BUFKIB" -i "$B" -w /dev/null > "$d/tcpdump.log" 2>&1 &
		tcd_w=$!
		ip netns exec "$SEN" "$RUNSTAT" "$d/darkstat.runstat" \
		    darkstat -i "$B" --no-daemon --no-dns -b 127.0.0.1 -p "$DSPORT" \
		    --chroot "$d/darkstat" --verbose \
		    > "$d/darkstat.log" 2>&1 &
		ds_w=$!
		PIDS="$PIDS $tcd_w $ds_w"
	fi
	ipg=$(bench_child_of $ipg_w) || die "$name: ipgraphd did not start: $(cat "$d/ipgraphd.log")"
	PIDS="$PIDS $ipg"
	if [ "$PEERS" = 1 ]; then
		tcd=$(bench_child_of $tcd_w) || die "$name: tcpdump did not start: $(cat "$d/tcpdump.log")"
		ds=$(bench_child_of $ds_w) || ds=""
		PIDS="$PIDS $tcd $ds"
	fi
	for _ in $(seq 1 100); do
		grep -q "capturing on" "$d/ipgraphd.log" && { [ "$PEERS" = 0 ] ||
		    grep -q "listening on" "$d/tcpdump.log"; } && break
		sleep 0.1
	done
	grep -q "capturing on" "$d/ipgraphd.log" ||
	    die "$name: ipgraphd is not capturing: $(cat "$d/ipgraphd.log")"
	if [ "$PEERS" = 1 ]; then
		for _ in $(seq 1 50); do
			ip netns exec "$SEN" curl -s -o /dev/null "http://127.0.0.1:$DSPORT/" && break
			sleep 0.1
		done
	fi
	sleep 1
	# The rate reached: the sender's tx counter every 0.1 s (bash builtins
	# but sleep, so the sampling costs next to nothing).
	ip netns exec "$SND" bash -c 'f=/sys/class/net/$1/statistics/tx_packets
	    while :; do read -r n < "$f"; echo "$EPOCHREALTIME $n"; sleep 0.1; done' \
	    sampler "$A" > "$d/tx.samples" 2>/dev/null &
	smp=$!
	PIDS="$PIDS $smp"
	say "$name: $GEN at $rate pps"
	generate "$name" "$rate" ||
	    { echo "$GEN failed: $(tail -3 "$d/gen.log")" >&2; failed=1; }
	sleep 0.3
	kill "$smp" 2>/dev/null || true
	wait "$smp" 2>/dev/null || true
	sleep 3		# let the capturers drain their buffers
	# darkstat's counts, from its own page, before it stops
	if [ -n "$ds" ] && kill -0 "$ds" 2>/dev/null; then
		ip netns exec "$SEN" curl -s "http://127.0.0.1:$DSPORT/" > "$d/darkstat.html" || true
	fi
	for p in ipgraphd:$ipg tcpdump:$tcd darkstat:$ds; do
		[ -n "${p#*:}" ] && [ -r "/proc/${p#*:}/stat" ] || continue
		printf 'cpu_s=%s hwm_mib=%s\n' "$(bench_cpu_s "${p#*:}")" "$(hwm_mib "${p#*:}")" \
		    > "$d/${p%%:*}.proc"
	done
	say "$name: stopping the capturers (SIGTERM)"
	kill -TERM "$ipg" $tcd $ds 2>/dev/null || true
	wait "$ipg_w" || { echo "ipgraphd exit $? (see $d/ipgraphd.log)" >&2; failed=1; }
	if [ "$PEERS" = 1 ]; then
		wait "$tcd_w" || true		# tcpdump's exit status on SIGTERM varies
		wait "$ds_w" || true
	fi
	PIDS=""
	sqlite3 "$d/state/ipgraph.db" "SELECT coalesce(sum(frames),0), coalesce(sum(cap_recv),0),
	    coalesce(sum(cap_drop),0), coalesce(sum(cap_ifdrop),0), count(*)
	    FROM windows WHERE tier = 0" > "$d/ipgraphd.sql" ||
	    { echo "$name: no ipgraphd database" >&2; failed=1; }
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
passes=""
rates=""
for r in $PPS; do
	[ "$r" != 0 ] && rates="$rates $r"
done
[ "$TOPSPEED" = 0 ] || rates="$rates top"
for r in $rates; do
	for i in $(seq 1 "$RUNS"); do
		pass "$r-$i" "$r"
		passes="$passes $r-$i"
	done
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 5. the table -------------------------------------------------------------
python3 - "$LIVE" "$REV_LABEL" "$GEN" "$BUFSZ" "${BATCH:-4096}" "${SEQ:-16}" "$LOAD0" "$LOAD1" \
    $passes > "$LIVE/table.md" <<'PY' || failed=1
import os, re, statistics, sys, time
live, rev, gen, bufsz, batch, seq, load0, load1 = sys.argv[1:9]
passes = sys.argv[9:]

def read(p):
    try:
        return open(p, errors="replace").read()
    except OSError:
        return ""

def kv(p):
    return dict(x.split("=", 1) for x in read(p).split() if "=" in x)

def num(s):
    return int(s.replace(",", "")) if s is not None else None

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None

def f(n):
    return "n/a" if n is None else "{:,.0f}".format(n)

def pct(a, b):
    return "n/a" if a is None or not b else "%.2f%%" % (100.0 * a / b)

def tx(d):
    """Frames sent and the rate reached, from the 0.1 s samples of the
    sender's tx counter: from the last sample before it moved to the
    first after it stopped."""
    pts = []
    for line in read(os.path.join(d, "tx.samples")).splitlines():
        x = line.split()
        if len(x) == 2:
            pts.append((float(x[0]), int(x[1])))
    if len(pts) < 2 or pts[-1][1] == pts[0][1]:
        return None, None
    n0, n1 = pts[0][1], pts[-1][1]
    t0 = max(t for t, n in pts if n == n0)
    t1 = min(t for t, n in pts if n == n1)
    return n1 - n0, (n1 - n0) / (t1 - t0)

def fl(pr, k):
    return float(pr[k]) if k in pr else None

def run(d):
    r = {}
    q = read(os.path.join(d, "ipgraphd.sql")).strip().split("|")
    pr = kv(os.path.join(d, "ipgraphd.proc"))
    if len(q) == 5:
        r["ipgraphd"] = (int(q[0]), int(q[2]), fl(pr, "cpu_s"), fl(pr, "hwm_mib"))
    t = read(os.path.join(d, "tcpdump.log"))
    cap = re.search(r"(\d+) packets? captured", t)
    kd = re.search(r"(\d+) packets? dropped by kernel", t)
    pr = kv(os.path.join(d, "tcpdump.proc"))
    if cap:
        r["tcpdump"] = (num(cap.group(1)), num(kd and kd.group(1)),
                        fl(pr, "cpu_s"), fl(pr, "hwm_mib"))
    # darkstat: its front page "Seen B bytes, in N packets. (R captured,
    # D dropped)", else the "pcap stats: R received, D dropped" log line
    h = read(os.path.join(d, "darkstat.html"))
    m = re.search(r'<span id="tp">([\d,]+)</span>', h)
    seen = num(m.group(1)) if m else None
    m = re.search(r'<span id="pd">([\d,]+)</span>', h)
    ddrop = num(m.group(1)) if m else None
    m = re.search(r"pcap stats: (\d+) packets received, (\d+) packets dropped",
                  read(os.path.join(d, "darkstat.log")))
    if m:
        ddrop = int(m.group(2))
    pr = kv(os.path.join(d, "darkstat.proc"))
    if seen is not None or ddrop is not None:
        r["darkstat"] = (seen, ddrop, fl(pr, "cpu_s"), fl(pr, "hwm_mib"))
    return r

groups = {}
for name in passes:
    groups.setdefault(name.rsplit("-", 1)[0], []).append(os.path.join(live, name))
nruns = max(len(v) for v in groups.values()) if groups else 0
print("## Live capture, %s (%s; generator %s; buffer %s for ipgraphd and "
      "tcpdump -B; ipgraphd batch %s, [seq] packets %s, snaplen 128)\n"
      % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), rev, gen, bufsz,
         batch, seq))
print("%d CPUs; load average %s before, %s after.  Medians of %d runs; "
      "in brackets the worst run; \"runs with loss\" counts the runs in which "
      "the program missed any frame sent.  CPU = user + sys while capturing (/proc/PID/stat before "
      "SIGTERM); RSS = VmHWM.\n" % (os.cpu_count(), load0, load1, nruns))
print("| rate asked (pps) | rate reached (pps) | program | frames seen (min) | kernel drops (max) | drop % | runs with loss | CPU s | peak RSS MiB |")
print("|--:|--:|---|--:|--:|--:|--:|--:|--:|")
allsent = []
for g, ds in groups.items():
    txs = [tx(d) for d in ds]
    sent = med([t[0] for t in txs])
    allsent += [t[0] for t in txs]
    rate = med([t[1] for t in txs])
    runs = [run(d) for d in ds]
    first = True
    for prog in ("ipgraphd", "tcpdump", "darkstat"):
        rs = [(r[prog], t[0]) for r, t in zip(runs, txs) if prog in r]
        if not rs:
            continue
        seen = med([x[0] for x, _ in rs])
        drop = med([x[1] for x, _ in rs])
        seens = [x[0] for x, _ in rs if x[0] is not None]
        drops = [x[1] for x, _ in rs if x[1] is not None]
        lossy = sum(1 for x, n in rs if (x[1] or 0) > 0 or
                    (x[0] is not None and n and x[0] < n))
        cpu = med([x[2] for x, _ in rs])
        rss = med([x[3] for x, _ in rs])
        print("| %s | %s | %s | %s | %s | %s | %d/%d | %s | %s |" % (
            (g if g != "top" else "top speed") if first else "",
            f(rate) if first else "", prog,
            "%s (%s)" % (f(seen), f(min(seens) if seens else None)),
            "%s (%s)" % (f(drop), f(max(drops) if drops else None)),
            pct(drop, sent),
            lossy, len(rs), "n/a" if cpu is None else "%.2f" % cpu,
            "n/a" if rss is None else "%.1f" % rss))
        first = False
print("\nFrames sent per run (median of the sender's tx counter): %s." % f(med(allsent)))
PY
cat "$LIVE/table.md"
cat "$LIVE/table.md" >> "$OUT/live-results.md"
echo "appended to $OUT/live-results.md; logs in $LIVE" >&2
[ $failed = 0 ]
}

main "$@"
