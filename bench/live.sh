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
# On an equal CPU budget (BENCH_LIVE_CPU_QUOTA): each capturer runs in a
# cgroup of its own with the same CPU quota (cgroup v2 cpu.max, or v1
# cpu.cfs_quota_us where the cpu controller is on a v1 hierarchy, as on
# this VM; period 100 ms; a hierarchy is mounted for the run when none is),
# optionally all on one CPU (BENCH_LIVE_CPU) and the generator on another
# (BENCH_LIVE_GEN_CPU), and every pass is run under each quota.  The frames
# are still copied into the rings by the sending CPU in softirq (a veth
# delivers on the sender), which no quota charges to a capturer: the quota
# limits what each spends reading its ring, and a capturer that cannot keep
# up overflows it.  With BENCH_LIVE_STEP the rates go up by that step until
# every capturer lost frames at the same rate (or the generator falls short
# of the rate asked), and the table ends with each one's zero-drop ceiling:
# the highest rate below its first rate with loss in any run.  For steady
# rates use tcpreplay: trafgen -b R sends R frames as fast as it can, then
# sleeps out the rest of each second.
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
#   BENCH_LIVE_WINDOW ipgraphd's [window] seconds (default 60: a run at a
#                     high rate is over before a window closes, and the
#                     window's write is not in its CPU; a few seconds put
#                     window writes inside every run)
#   BENCH_LIVE_SEQ    ipgraphd's [seq] packets (default: its default, 16;
#                     0: no packet events)
#   BENCH_LIVE_SEQ_FILTER  ipgraphd's [seq] filter (BPF; default none), e.g.
#                     "tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0" with
#                     BENCH_LIVE_SEQ=0: the TCP control packets alone
#   BENCH_LIVE_PEERS  0: ipgraphd alone, no tcpdump or darkstat (default 1)
#   BENCH_LIVE_COUNT  frames sent in each run (default 1000000; tcpreplay:
#                     at most the input's)
#   BENCH_LIVE_CPU_QUOTA  CPU quotas, in per cent of one CPU, e.g. "2 5 10":
#                     every capturer in its own cgroup with that quota, each
#                     pass run under each (default: none, no cgroup)
#   BENCH_LIVE_CPU    the CPU every capturer is pinned to (taskset -c;
#                     default: none)
#   BENCH_LIVE_GEN_CPU  the CPU tcpreplay is pinned to (default: none;
#                     trafgen pins its process N to CPU N itself, so with -P 1
#                     it sends from CPU 0 whatever this says)
#   BENCH_LIVE_STEP   step rates, packets/s: STEP, 2 STEP, ... (instead of
#                     BENCH_LIVE_PPS) until every capturer lost frames at the
#                     same rate or the generator reached under 90% of the
#                     rate asked; per quota (default: none)
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
SEQFILTER=${BENCH_LIVE_SEQ_FILTER:-}
WINDOW=${BENCH_LIVE_WINDOW:-60}
PEERS=${BENCH_LIVE_PEERS:-1}
COUNT=${BENCH_LIVE_COUNT:-1000000}
QUOTAS=${BENCH_LIVE_CPU_QUOTA:-}
PIN=${BENCH_LIVE_CPU:-}
GENPIN=${BENCH_LIVE_GEN_CPU:-}
STEP=${BENCH_LIVE_STEP:-}
case $BUFSZ in
[1-9]*M) BUFKIB=$(( ${BUFSZ%M} * 1024 )) ;;
*) die "BENCH_LIVE_BUFFER=$BUFSZ: give MiB with an M, e.g. 32M" ;;
esac
for v in BENCH_LIVE_RUNS=$RUNS BENCH_LIVE_MIX=$MIX BENCH_LIVE_GENCPUS=$GENCPUS \
    BENCH_LIVE_COUNT=$COUNT ${STEP:+BENCH_LIVE_STEP=$STEP}; do
	case ${v#*=} in
	''|0*|*[!0-9]*) die "$v: give a whole number from 1" ;;
	esac
done
for q in $QUOTAS; do
	case $q in
	''|0*|*[!0-9]*) die "BENCH_LIVE_CPU_QUOTA=$QUOTAS: give per cents of one CPU, e.g. \"2 5 10\"" ;;
	esac
	[ "$q" -le $(( $(nproc) * 100 )) ] ||
	    die "BENCH_LIVE_CPU_QUOTA: $q% is more than the $(nproc) CPUs here"
done
for v in BENCH_LIVE_CPU=$PIN BENCH_LIVE_GEN_CPU=$GENPIN; do
	[ -z "${v#*=}" ] || [ -d "/sys/devices/system/cpu/cpu${v#*=}" ] ||
	    die "$v: no such CPU; give one of 0-$(( $(nproc) - 1 ))"
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
CGDIR=""		# the cgroups of the capturers, under the cpu controller
CGMNT=""		# a hierarchy mounted here for the run, if any
cleanup() {
	local p
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	ip netns del "$SND" 2>/dev/null || true
	ip netns del "$SEN" 2>/dev/null || true
	if [ -n "$CGDIR" ] && [ -d "$CGDIR" ]; then
		sleep 0.2	# the killed processes leave their cgroups
		rmdir "$CGDIR"/*/ "$CGDIR" 2>/dev/null || true
	fi
	[ -z "$CGMNT" ] || { umount "$CGMNT" && rmdir "$CGMNT"; } 2>/dev/null || true
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

# ---- the CPU budget: the cpu controller, on cgroup v2 or v1 ------------------
# cgroup v2 where a mounted cgroup2 offers "cpu" (Debian 12 under systemd);
# else a v1 hierarchy with it (a machine booted with cgroup v1, like this
# VM, where cgroup2 is mounted without controllers); else, in a fresh root
# with no cgroup mounted, one mounted here, v2 first.
CGV=""
cg_find() {
	local m
	for m in $(awk '$3 == "cgroup2" { print $2 }' /proc/mounts); do
		grep -qw cpu "$m/cgroup.controllers" 2>/dev/null || continue
		grep -qw cpu "$m/cgroup.subtree_control" ||
		    echo +cpu > "$m/cgroup.subtree_control" || continue
		CGV=2 CGDIR=$m/ipgraph-live$$
		return 0
	done
	m=$(awk '$3 == "cgroup" && ("," $4 ",") ~ /,cpu,/ { print $2; exit }' /proc/mounts)
	if [ -n "$m" ]; then
		CGV=1 CGDIR=$m/ipgraph-live$$
		return 0
	fi
	[ -z "$CGMNT" ] || return 1
	CGMNT=$LIVE/cgroup
	mkdir -p "$CGMNT"
	if mount -t cgroup2 none "$CGMNT" 2>/dev/null; then
		grep -qw cpu "$CGMNT/cgroup.controllers" && cg_find && return 0
		umount "$CGMNT"
	fi
	mount -t cgroup -o cpu none "$CGMNT" 2>/dev/null && cg_find
}
if [ -n "$QUOTAS" ]; then
	cg_find || die "BENCH_LIVE_CPU_QUOTA: no cgroup cpu controller here (mounted, or mountable as cgroup2 or v1 -o cpu)"
	mkdir "$CGDIR" || die "cannot make the cgroup $CGDIR"
	[ "$CGV" = 1 ] || echo +cpu > "$CGDIR/cgroup.subtree_control" ||
	    die "cannot enable the cpu controller in $CGDIR"
	say "CPU quotas $QUOTAS% of one CPU, in cgroup v$CGV ($CGDIR)"
fi

# cg_make PROG QUOTA: PROG's cgroup for one pass, QUOTA per cent of one
# CPU per 100 ms period; cg_stat PROG: its throttling so far
cg_make() {
	local c=$CGDIR/$1
	rmdir "$c" 2>/dev/null || true
	mkdir "$c" || die "cannot make the cgroup $c"
	if [ "$CGV" = 2 ]; then
		echo "$(( $2 * 1000 )) 100000" > "$c/cpu.max"
	else
		echo 100000 > "$c/cpu.cfs_period_us"
		echo $(( $2 * 1000 )) > "$c/cpu.cfs_quota_us"
	fi || die "cannot set the CPU quota of $c"
}
cg_stat() {
	awk '$1 == "nr_periods" || $1 == "nr_throttled" { printf "%s=%s ", $1, $2 }' \
	    "$CGDIR/$1/cpu.stat"
}

# confined PROG CMD...: exec CMD in PROG's cgroup when there is a quota,
# and on BENCH_LIVE_CPU when set.  Called as `confined ... &` only (it
# execs, so $! is CMD); the cgroup is joined before `ip netns exec`, which
# mounts a /sys of its own without the cgroup hierarchies.
confined() {
	local prog=$1
	shift
	[ -z "$QUOTA" ] || echo "$BASHPID" > "$CGDIR/$prog/cgroup.procs" ||
	    die "cannot move $prog into $CGDIR/$prog"
	[ -z "$PIN" ] || set -- taskset -c "$PIN" "$@"
	exec "$@"
}

hwm_mib() {
	awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# generate NAME RATE: send COUNT frames on A at RATE packets/s (top: as
# fast as the generator can), logging to NAME/gen.log
generate() {
	local d=$LIVE/$1 rate=$2 pin=()
	[ -z "$GENPIN" ] || pin=(taskset -c "$GENPIN")
	if [ "$GEN" = tcpreplay ]; then
		[ "$rate" = top ] && rate=--topspeed || rate=--pps=$rate
		ip netns exec "$SND" "${pin[@]}" tcpreplay "$rate" -L "$COUNT" \
		    -i "$A" "$INPUT" > "$d/gen.log" 2>&1
	else
		# sendto(2), paced by -b or unpaced with -t 0: both went
		# faster here than trafgen's TX_RING (~460 against ~260 kpps)
		[ "$rate" = top ] && rate="-t 0" || rate="-b ${rate}pps"
		# shellcheck disable=SC2086
		ip netns exec "$SND" "${pin[@]}" trafgen -C -P "$GENCPUS" -i "$GENCFG" \
		    -o "$A" -n "$COUNT" $rate > "$d/gen.log" 2>&1
	fi
}

# pass NAME RATE: one send, all three capturers at once (each in its
# cgroup with QUOTA per cent of one CPU when QUOTA is set)
pass() {
	local name=$1 rate=$2 d=$LIVE/$1 ipg_w ipg tcd_w=0 tcd="" ds_w=0 ds="" p smp
	mkdir -p "$d/state" "$d/darkstat"
	chown nobody "$d/state"
	chmod 755 "$d"
	cut -d' ' -f1-3 /proc/loadavg > "$d/load0"
	if [ -n "$QUOTA" ]; then
		for p in ipgraphd tcpdump darkstat; do cg_make $p "$QUOTA"; done
	fi
	seqconf=""
	if [ -n "$SEQ$SEQFILTER" ]; then
		seqconf="[seq]${SEQ:+
packets = $SEQ}${SEQFILTER:+
filter = $SEQFILTER}"
	fi
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
	seconds = $WINDOW
	$seqconf
	[store]
	path = $d/state/ipgraph.db
	EOF
	[ "$PEERS" = 1 ] && p="ipgraphd, tcpdump -B $BUFKIB, darkstat" || p="ipgraphd alone"
	say "$name: starting $p on $B${QUOTA:+, $QUOTA% of a CPU each}${PIN:+ on CPU $PIN}"
	confined ipgraphd ip netns exec "$SEN" "$RUNSTAT" "$d/ipgraphd.runstat" \
	    "$IPGRAPHD" -f -c "$d/ipgraphd.conf" > "$d/ipgraphd.log" 2>&1 &
	ipg_w=$!
	PIDS="$ipg_w"
	if [ "$PEERS" = 1 ]; then
		confined tcpdump ip netns exec "$SEN" "$RUNSTAT" "$d/tcpdump.runstat" \
		    tcpdump -n -B "$BUFKIB" -i "$B" -w /dev/null > "$d/tcpdump.log" 2>&1 &
		tcd_w=$!
		confined darkstat ip netns exec "$SEN" "$RUNSTAT" "$d/darkstat.runstat" \
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
		printf 'cpu_s=%s hwm_mib=%s %s\n' "$(bench_cpu_s "${p#*:}")" \
		    "$(hwm_mib "${p#*:}")" "${QUOTA:+$(cg_stat "${p%%:*}")}" \
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
	if [ -n "$QUOTA" ]; then
		for p in ipgraphd tcpdump darkstat; do rmdir "$CGDIR/$p" || true; done
	fi
	cut -d' ' -f1-3 /proc/loadavg > "$d/load1"
	sqlite3 "$d/state/ipgraph.db" "SELECT coalesce(sum(frames),0), coalesce(sum(cap_recv),0),
	    coalesce(sum(cap_drop),0), coalesce(sum(cap_ifdrop),0), count(*)
	    FROM windows WHERE tier = 0" > "$d/ipgraphd.sql" ||
	    { echo "$name: no ipgraphd database" >&2; failed=1; }
}

# report table LIVE REV GEN BUFSZ BATCH SEQ LOAD0 LOAD1 PASS...: the
# markdown table of the passes (and, for stepped rates, the ceilings);
# report step LIVE PASS...: "go", or "stop: why" when BENCH_LIVE_STEP has
# found every capturer's ceiling in these passes (one quota's so far).
report() {
	python3 - "$@" <<'PY'
import os, re, statistics, sys, time
mode, live = sys.argv[1:3]
if mode == "table":
    rev, gen, bufsz, batch, seq, load0, load1 = sys.argv[3:10]
    passes = sys.argv[10:]
else:
    passes = sys.argv[3:]
PROGS = ("ipgraphd", "tcpdump", "darkstat")

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

def thr(pr):
    """Share of the 100 ms periods in which the quota ran out."""
    if "nr_periods" not in pr or not int(pr["nr_periods"]):
        return None
    return int(pr["nr_throttled"]) / int(pr["nr_periods"])

def run(d):
    """What each program saw in one pass: (seen, drops, CPU s, RSS MiB,
    throttled share)."""
    r = {}
    q = read(os.path.join(d, "ipgraphd.sql")).strip().split("|")
    pr = kv(os.path.join(d, "ipgraphd.proc"))
    if len(q) == 5:
        r["ipgraphd"] = (int(q[0]), int(q[2]), fl(pr, "cpu_s"), fl(pr, "hwm_mib"), thr(pr))
    t = read(os.path.join(d, "tcpdump.log"))
    cap = re.search(r"(\d+) packets? captured", t)
    kd = re.search(r"(\d+) packets? dropped by kernel", t)
    pr = kv(os.path.join(d, "tcpdump.proc"))
    if cap:
        r["tcpdump"] = (num(cap.group(1)), num(kd and kd.group(1)),
                        fl(pr, "cpu_s"), fl(pr, "hwm_mib"), thr(pr))
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
        r["darkstat"] = (seen, ddrop, fl(pr, "cpu_s"), fl(pr, "hwm_mib"), thr(pr))
    return r

def lost(x, n):
    """Whether a program missed any of the n frames sent."""
    return (x[1] or 0) > 0 or (x[0] is not None and bool(n) and x[0] < n)

# groups of runs: [cpuQ-]RATE-RUN, in the order run
groups = {}
for name in passes:
    groups.setdefault(name.rsplit("-", 1)[0], []).append(os.path.join(live, name))

class Group:
    def __init__(self, g, ds):
        m = re.match(r"(?:cpu(\d+)-)?(\w+)$", g)
        self.quota = int(m.group(1)) if m.group(1) else None
        self.asked = None if m.group(2) == "top" else int(m.group(2))
        self.ds = ds
        self.txs = [tx(d) for d in ds]
        self.sent = med([t[0] for t in self.txs])
        self.rate = med([t[1] for t in self.txs])
        self.runs = [run(d) for d in ds]
        self.load0 = read(os.path.join(ds[0], "load0")).strip()
        self.load1 = read(os.path.join(ds[-1], "load1")).strip()

    def results(self, prog):
        """(result, frames sent) of the runs in which prog reported"""
        return [(r[prog], t[0]) for r, t in zip(self.runs, self.txs) if prog in r]

    def lossy(self, prog):
        return sum(1 for x, n in self.results(prog) if lost(x, n))

G = [Group(g, ds) for g, ds in groups.items()]

def ceilings(gs):
    """Per program, over the stepped rates in order: (the highest group
    with no loss in any run below the first with loss, that first group
    with loss, the highest group with no loss in any run at all)."""
    out = {}
    for prog in PROGS:
        steps = sorted((g for g in gs if g.asked is not None and g.results(prog)),
                       key=lambda g: g.asked)
        if not steps:
            continue
        ok, bad, top = None, None, None
        for g in steps:
            if g.lossy(prog):
                bad = bad or g
            else:
                ok = ok if bad else g
                top = g
        out[prog] = (ok, bad, top)
    return out

if mode == "step":
    # stop when every program lost frames at the last rate (one that
    # lost at a lower rate but not here is stepped on: losses come in
    # bursts), or when the generator no longer reaches what was asked
    # (more steps would repeat the same rate)
    last = [g for g in G if g.asked is not None][-1]
    if last.rate is not None and last.rate < 0.9 * last.asked:
        print("stop: the generator reached %s pps of the %s asked" % (f(last.rate), f(last.asked)))
    elif all(last.lossy(prog) for prog in PROGS if last.results(prog)):
        print("stop: every capturer lost frames at this rate")
    else:
        print("go")
    sys.exit(0)

quotas = any(g.quota is not None for g in G)
nruns = max(len(g.ds) for g in G) if G else 0
print("## Live capture, %s (%s; generator %s; buffer %s for ipgraphd and "
      "tcpdump -B; ipgraphd batch %s, [seq] packets %s%s, %s s windows, "
      "snaplen 128)\n"
      % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), rev, gen, bufsz,
         batch, seq, " and filter '%s'" % os.environ["BENCH_LIVE_SEQ_FILTER"]
         if os.environ.get("BENCH_LIVE_SEQ_FILTER") else "",
         os.environ.get("BENCH_LIVE_WINDOW", "60")))
print("%d CPUs; load average %s before, %s after.  Medians of %d runs; "
      "in brackets the worst run; \"runs with loss\" counts the runs in which "
      "the program missed any frame sent.  CPU = user + sys while capturing (/proc/PID/stat before "
      "SIGTERM); RSS = VmHWM.%s\n" % (os.cpu_count(), load0, load1, nruns,
      "  CPU quota: per cent of one CPU per 100 ms period, each program in a "
      "cgroup of its own; throttled = share of the periods in which it ran out."
      if quotas else ""))
qcol = "CPU quota | " if quotas else ""
print("| %srate asked (pps) | rate reached (pps) | program | frames seen (min) | kernel drops (max) | drop %% | runs with loss | CPU s | %speak RSS MiB | load average before / after |"
      % (qcol, "throttled | " if quotas else ""))
print("|%s--:|--:|---|--:|--:|--:|--:|--:|%s--:|---|" % ("--:|" if quotas else "", "--:|" if quotas else ""))
allsent = []
for g in G:
    allsent += [t[0] for t in g.txs]
    first = True
    for prog in PROGS:
        rs = g.results(prog)
        if not rs:
            continue
        seen = med([x[0] for x, _ in rs])
        drop = med([x[1] for x, _ in rs])
        seens = [x[0] for x, _ in rs if x[0] is not None]
        drops = [x[1] for x, _ in rs if x[1] is not None]
        cpu = med([x[2] for x, _ in rs])
        rss = med([x[3] for x, _ in rs])
        th = med([x[4] for x, _ in rs])
        print("| %s%s | %s | %s | %s | %s | %s | %d/%d | %s | %s%s | %s |" % (
            ("%d%% | " % g.quota if first and g.quota else "| ") if quotas else "",
            (f(g.asked) if g.asked else "top speed") if first else "",
            f(g.rate) if first else "", prog,
            "%s (%s)" % (f(seen), f(min(seens) if seens else None)),
            "%s (%s)" % (f(drop), f(max(drops) if drops else None)),
            pct(drop, g.sent),
            g.lossy(prog), len(rs), "n/a" if cpu is None else "%.2f" % cpu,
            ("n/a | " if th is None else "%.0f%% | " % (100 * th)) if quotas else "",
            "n/a" if rss is None else "%.1f" % rss,
            "%s / %s" % (g.load0, g.load1) if first else ""))
        first = False
print("\nFrames sent per run (median of the sender's tx counter): %s." % f(med(allsent)))

# Ceilings, when the rates were stepped: per quota and program
byq = {}
for g in G:
    byq.setdefault(g.quota, []).append(g)
rows = []
for q, gs in byq.items():
    c = ceilings(gs)
    if not c or len([g for g in gs if g.asked is not None]) < 2:
        continue
    ceil = {}
    for prog, (ok, bad, top) in c.items():
        ceil[prog] = (ok.rate if ok else None, bad is None)
        rows.append("| %s | %s | %s | %s | %s |" % (
            "%d%%" % q if q else "none", prog,
            "below the first rate" if ok is None else
            "%s (%s)%s" % (f(ok.asked), f(ok.rate), "" if bad else ", no loss up to here"),
            "none" if bad is None else "%s (%s)" % (f(bad.asked), f(bad.rate)),
            "none" if top is None else "%s (%s)" % (f(top.asked), f(top.rate))))
    if "ipgraphd" in ceil and "tcpdump" in ceil:
        (a, aopen), (b, bopen) = ceil["ipgraphd"], ceil["tcpdump"]
        if a and b:
            rows.append("| | ipgraphd / tcpdump | %s%.2f | | |" % (
                "at least " if aopen and not bopen else
                "at most " if bopen and not aopen else
                "n/a, neither lost: " if aopen and bopen else "", a / b))
if rows:
    print("\nZero-drop ceilings (the highest rate with no loss in any run, below "
          "the first rate with loss; asked, reached in brackets; the last column "
          "also counts rates above one with loss):\n")
    print("| CPU quota | program | zero-drop ceiling (pps) | first rate with loss (pps) | highest rate with no loss (pps) |")
    print("|--:|---|--:|--:|--:|")
    print("\n".join(rows))
PY
}

# rate R: the RUNS passes at rate R under QUOTA; with STEP, sets STOP
# when stepping should stop (a status would turn off set -e in pass)
rate() {
	local r=$1 i names="" v
	for i in $(seq 1 "$RUNS"); do
		pass "$QNAME$r-$i" "$r"
		names="$names $QNAME$r-$i"
	done
	passes="$passes$names"
	qpasses="$qpasses$names"
	[ -n "$STEP" ] && [ "$r" != top ] || return 0
	# shellcheck disable=SC2086
	v=$(report step "$LIVE" $qpasses)
	say "${QUOTA:+$QUOTA% of a CPU, }$r pps: $v"
	[ "$v" = go ] || STOP=1
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
passes=""
[ -z "$STEP" ] || PPS=$(seq "$STEP" "$STEP" $(( STEP * 100 )))
for QUOTA in ${QUOTAS:-none}; do
	[ "$QUOTA" != none ] || QUOTA=""
	QNAME=${QUOTA:+cpu$QUOTA-}
	qpasses=""
	STOP=0
	for r in $PPS; do
		[ "$r" = 0 ] || rate "$r"
		[ $STOP = 0 ] || break
	done
	[ "$TOPSPEED" = 0 ] || rate top
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 5. the table -------------------------------------------------------------
# shellcheck disable=SC2086
report table "$LIVE" "$REV_LABEL" "$GEN" "$BUFSZ" "${BATCH:-4096}" "${SEQ:-16}" \
    "$LOAD0" "$LOAD1" $passes > "$LIVE/table.md" || failed=1
cat "$LIVE/table.md"
cat "$LIVE/table.md" >> "$OUT/live-results.md"
echo "appended to $OUT/live-results.md; logs in $LIVE" >&2
[ $failed = 0 ]
}

main "$@"
