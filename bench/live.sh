#!/usr/bin/env bash
# live.sh - the live-capture benchmark: ipgraphd, tcpdump and darkstat
# capturing the same interface while tcpreplay floods it.
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
#  4. for each pass (--topspeed, then --pps=R for each R of BENCH_LIVE_PPS): starts
#     ipgraphd, `tcpdump -w /dev/null` and darkstat on the sensor end,
#     replays bench-1M.pcap from the sender end, reads each capturer's CPU
#     time (/proc/PID/stat) and peak RSS (VmHWM) before stopping it with
#     SIGTERM, then collects what each saw and what the kernel dropped:
#       ipgraphd  windows table, tier 0: sum(frames), sum(cap_recv),
#                 sum(cap_drop), sum(cap_ifdrop) (pcap_stats deltas)
#       tcpdump   its "packets captured / dropped by kernel" lines at exit
#       darkstat  its web page (127.0.0.1 inside the sensor namespace)
#  5. prints a markdown table and appends it to bench/out/live-results.md.
#
# Environment:
#   BENCH_DATA        where the captures are (default bench/out/data)
#   BENCH_LIVE_INPUT  the capture to replay (default BENCH_DATA/bench-1M.pcap)
#   BENCH_LIVE_PPS    rates of the passes after --topspeed, packets/s
#                     (default "200000 50000"; 0: none)
#   BENCH_LIVE_BUFFER ipgraphd's buffer_size (default 32M, its default)
#   BENCH_NO_INSTALL  1 to skip apt-get
#   BENCH_REV         a git revision to build instead of the work tree (as run.sh)
#   IPGRAPH_SHARED    the shared folder (default ../shared beside the tree)
#
# Exit status: 0; 1 when a capturer failed to start or to report.  Traffic:
# tcpreplay sends only on the veth pair inside the namespaces made here;
# darkstat's web server listens on 127.0.0.1 inside the sensor namespace.
set -euo pipefail

# All in one function, parsed before it runs (see run.sh).
main() {
. "$(dirname "$0")/common.sh"
INPUT=${BENCH_LIVE_INPUT:-$BENCH_DATA/bench-1M.pcap}
PPS=${BENCH_LIVE_PPS:-200000 50000}
BUFSZ=${BENCH_LIVE_BUFFER:-32M}
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

# child_of PID: the program runstat started
child_of() {
	local c
	for _ in $(seq 1 50); do
		c=$(ps -o pid= --ppid "$1" | head -1 | tr -d ' ')
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.1
	done
	return 1
}
# cpu_s PID: user + sys seconds so far (all threads)
cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{
	    sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}
hwm_mib() {
	awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# pass NAME TCPREPLAY-RATE-OPTION: one replay, all three capturers at once
pass() {
	local name=$1 rate=$2 d=$LIVE/$1 ipg_w ipg tcd_w tcd ds_w ds p
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
	[window]
	seconds = 60
	[store]
	path = $d/state/ipgraph.db
	EOF
	say "$name: starting ipgraphd, tcpdump, darkstat on $B"
	ip netns exec "$SEN" "$RUNSTAT" "$d/ipgraphd.runstat" \
	    "$IPGRAPHD" -f -c "$d/ipgraphd.conf" > "$d/ipgraphd.log" 2>&1 &
	ipg_w=$!
	ip netns exec "$SEN" "$RUNSTAT" "$d/tcpdump.runstat" \
	    tcpdump -n -i "$B" -w /dev/null > "$d/tcpdump.log" 2>&1 &
	tcd_w=$!
	ip netns exec "$SEN" "$RUNSTAT" "$d/darkstat.runstat" \
	    darkstat -i "$B" --no-daemon --no-dns -b 127.0.0.1 -p "$DSPORT" \
	    --chroot "$d/darkstat" --verbose \
	    > "$d/darkstat.log" 2>&1 &
	ds_w=$!
	PIDS="$ipg_w $tcd_w $ds_w"
	ipg=$(child_of $ipg_w) || die "$name: ipgraphd did not start: $(cat "$d/ipgraphd.log")"
	tcd=$(child_of $tcd_w) || die "$name: tcpdump did not start: $(cat "$d/tcpdump.log")"
	ds=$(child_of $ds_w) || ds=""
	PIDS="$PIDS $ipg $tcd $ds"
	for _ in $(seq 1 100); do
		grep -q "capturing on" "$d/ipgraphd.log" &&
		    grep -q "listening on" "$d/tcpdump.log" && break
		sleep 0.1
	done
	grep -q "capturing on" "$d/ipgraphd.log" ||
	    die "$name: ipgraphd is not capturing: $(cat "$d/ipgraphd.log")"
	for _ in $(seq 1 50); do
		ip netns exec "$SEN" curl -s -o /dev/null "http://127.0.0.1:$DSPORT/" && break
		sleep 0.1
	done
	sleep 1
	say "$name: tcpreplay $rate $(basename "$INPUT")"
	ip netns exec "$SND" tcpreplay "$rate" -i "$A" "$INPUT" > "$d/tcpreplay.log" 2>&1 ||
	    { echo "tcpreplay failed: $(tail -3 "$d/tcpreplay.log")" >&2; failed=1; }
	sleep 3		# let the capturers drain their buffers
	# darkstat's counts, from its own page, before it stops
	if [ -n "$ds" ] && kill -0 "$ds" 2>/dev/null; then
		ip netns exec "$SEN" curl -s "http://127.0.0.1:$DSPORT/" > "$d/darkstat.html" || true
	fi
	for p in ipgraphd:$ipg tcpdump:$tcd darkstat:$ds; do
		[ -n "${p#*:}" ] && [ -r "/proc/${p#*:}/stat" ] || continue
		printf 'cpu_s=%s hwm_mib=%s\n' "$(cpu_s "${p#*:}")" "$(hwm_mib "${p#*:}")" \
		    > "$d/${p%%:*}.proc"
	done
	say "$name: stopping the capturers (SIGTERM)"
	kill -TERM "$ipg" "$tcd" 2>/dev/null || true
	[ -n "$ds" ] && kill -TERM "$ds" 2>/dev/null || true
	wait "$ipg_w" || { echo "ipgraphd exit $? (see $d/ipgraphd.log)" >&2; failed=1; }
	wait "$tcd_w" || true		# tcpdump's exit status on SIGTERM varies
	wait "$ds_w" || true
	PIDS=""
	sqlite3 "$d/state/ipgraph.db" "SELECT coalesce(sum(frames),0), coalesce(sum(cap_recv),0),
	    coalesce(sum(cap_drop),0), coalesce(sum(cap_ifdrop),0), count(*)
	    FROM windows WHERE tier = 0" > "$d/ipgraphd.sql" ||
	    { echo "$name: no ipgraphd database" >&2; failed=1; }
}

passes="topspeed"
pass topspeed --topspeed
for r in $PPS; do
	[ "$r" != 0 ] || continue
	pass "pps$r" "--pps=$r"
	passes="$passes pps$r"
done

# ---- 5. the table -------------------------------------------------------------
python3 - "$LIVE" "$REV_LABEL" "$INPUT" "$BUFSZ" $passes > "$LIVE/table.md" <<'PY' || failed=1
import os, re, subprocess, sys, time
live, rev, inp, bufsz, passes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]

def read(p):
    try:
        return open(p, errors="replace").read()
    except OSError:
        return ""

def kv(p):
    return dict(x.split("=", 1) for x in read(p).split() if "=" in x)

def num(s):
    return int(s.replace(",", "")) if s is not None else None

def f(n):
    return "n/a" if n is None else "{:,}".format(n)

def pct(a, b):
    return "n/a" if a is None or not b else "%.2f%%" % (100.0 * a / b)

def ver(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout + \
            subprocess.run(cmd, capture_output=True, text=True).stderr
    except OSError:
        return ""

print("## Live capture, %s (%s, ipgraphd buffer_size %s, snaplen 128)\n"
      % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), rev, bufsz))
print("Input %s, replayed with tcpreplay from one namespace onto a veth pair; "
      "ipgraphd, tcpdump -w /dev/null and darkstat capture the other end at the "
      "same time (%d CPUs).  CPU = user + sys of the capturer while capturing "
      "(/proc/PID/stat before SIGTERM); RSS = VmHWM.\n"
      % (os.path.basename(inp), os.cpu_count()))
for name in passes:
    d = os.path.join(live, name)
    tr = read(os.path.join(d, "tcpreplay.log"))
    m = re.search(r"Actual: (\d+) packets .* sent in ([\d.]+) seconds", tr)
    sent, secs = (int(m.group(1)), float(m.group(2))) if m else (None, None)
    m = re.search(r"Rated: [\d.]+ Bps, ([\d.]+) Mbps, ([\d.]+) pps", tr)
    rate = "%s pps, %s Mbps" % ("{:,.0f}".format(float(m.group(2))), m.group(1)) if m else "n/a"
    m = re.search(r"Failed packets:\s+(\d+)", tr)
    tfail = int(m.group(1)) if m else None
    print("### %s: %s packets replayed in %s s (%s; tcpreplay failed sends: %s)\n"
          % (name, f(sent), "n/a" if secs is None else "%.2f" % secs, rate, f(tfail)))
    print("| program | packets seen | seen / replayed | kernel drops | drop % of replayed | interface drops | CPU s | peak RSS MiB |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    rows = []
    # ipgraphd
    q = read(os.path.join(d, "ipgraphd.sql")).strip().split("|")
    frames = recv = drop = ifdrop = None
    if len(q) == 5:
        frames, recv, drop, ifdrop = (int(x) for x in q[:4])
    pr = kv(os.path.join(d, "ipgraphd.proc"))
    rows.append(("ipgraphd (stored frames; pcap_stats recv %s)" % f(recv),
                 frames, drop, ifdrop, pr.get("cpu_s"), pr.get("hwm_mib")))
    # tcpdump
    t = read(os.path.join(d, "tcpdump.log"))
    cap = re.search(r"(\d+) packets? captured", t)
    kd = re.search(r"(\d+) packets? dropped by kernel", t)
    ifd = re.search(r"(\d+) packets? dropped by interface", t)
    pr = kv(os.path.join(d, "tcpdump.proc"))
    rows.append(("tcpdump -w /dev/null", num(cap and cap.group(1)), num(kd and kd.group(1)),
                 num(ifd and ifd.group(1)), pr.get("cpu_s"), pr.get("hwm_mib")))
    # darkstat: its front page "Seen B bytes, in N packets. (R captured,
    # D dropped)" (R and D are pcap_stats' recv and drop), else the
    # "pcap stats: R packets received, D packets dropped" line of its log
    h = read(os.path.join(d, "darkstat.html"))
    def span(i):
        m = re.search(r'<span id="%s">([\d,]+)</span>' % i, h)
        return num(m.group(1)) if m else None
    seen, drecv, ddrop = span("tp"), span("pc"), span("pd")
    m = re.search(r"pcap stats: (\d+) packets received, (\d+) packets dropped",
                  read(os.path.join(d, "darkstat.log")))
    if m:
        drecv, ddrop = int(m.group(1)), int(m.group(2))
    pr = kv(os.path.join(d, "darkstat.proc"))
    rows.append(("darkstat -i (pcap_stats recv %s)" % f(drecv), seen, ddrop, None,
                 pr.get("cpu_s"), pr.get("hwm_mib")))
    for label, seen, kdrop, idrop, cpu, rss in rows:
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, f(seen), pct(seen, sent), f(kdrop), pct(kdrop, sent), f(idrop),
            cpu or "n/a", rss or "n/a"))
    print()
PY
cat "$LIVE/table.md"
cat "$LIVE/table.md" >> "$OUT/live-results.md"
echo "appended to $OUT/live-results.md; logs in $LIVE" >&2
[ $failed = 0 ]
}

main "$@"
