#!/usr/bin/env bash
# check.sh - the regression guard: instructions per packet of `ipgraph
# import` (callgrind) on the guard's capture, against bench/baseline.txt.
#
#   bash bench/check.sh             compare; one line out
#   bash bench/check.sh --record    measure and write bench/baseline.txt
#
# The guard's capture is written by bench/mkcap.c: 100,000 packets of
# HTTP, TLS, DNS, ping, refused connections and a UDP stream between
# 64 clients and 8 servers, the same bytes on every machine (a fixed
# pseudo-random sequence), so that a count compares the code and nothing
# else.  bench-1M.pcap, made from live traffic, differs each time it is
# made: bench/callgrind.sh studies it; this guards.
#
# Builds mkcap (bench/out), writes the capture and runs bench/callgrind.sh
# on it, which builds the work tree (-O2 -g, bench/out/build) unless
# BENCH_NO_BUILD=1 names a built IPGRAPH_BUILD (the whole report goes to
# check.log), then prints one line.  tests/run.sh runs it on its plain
# build.  Exit status:
#   0  at most 10% above the baseline
#   1  more than 10% above it ("REGRESSION: ...")
#   2  nothing measured: the build failed, valgrind or libpcap's headers
#      missing, or a capture other than the baseline's (another mkcap.c:
#      record anew)
#
# The counts depend on the compiler, SQLite and libc the build uses and on
# the CPU's string functions: the baseline holds for Debian 12 on x86-64
# (tests/setup.sh's packages).  Elsewhere, record one first.  A count more
# than 10% under the baseline is noted too: the baseline is stale, record
# it anew so that the guard keeps its margin.  About 15 s once built.
#
# Environment: IPGRAPH_BUILD, BENCH_NO_BUILD (as callgrind.sh), BENCH_OUT
# (default bench/out).
set -uo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${BENCH_OUT:-$BENCH/out}
BUILD=${IPGRAPH_BUILD:-$OUT/build}
BASELINE=$BENCH/baseline.txt
LOG=$OUT/check.log
THRESHOLD=10	# per cent, as callgrind.sh
PACKETS=100000

say() { printf 'bench/check.sh: %s\n' "$*" >&2; }

record=0
case ${1:-} in
--record) record=1 ;;
'') ;;
*) say "usage: bash bench/check.sh [--record]"; exit 2 ;;
esac

mkdir -p "$OUT/callgrind"
mkcap=$OUT/mkcap
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$mkcap" "$BENCH/mkcap.c" \
    $(pkg-config --cflags --libs libpcap) ||
    { say "cannot build bench/mkcap.c (libpcap-dev, pkg-config)"; exit 2; }
input=$OUT/callgrind/guard.pcap
"$mkcap" -n "$PACKETS" "$input" || { say "mkcap failed"; exit 2; }

args=
[ $record = 1 ] && args=--record
CALLGRIND_INPUT=$input CALLGRIND_LABEL="bench/mkcap -n $PACKETS" \
    BENCH_OUT=$OUT IPGRAPH_BUILD=$BUILD \
    bash "$BENCH/callgrind.sh" $args >"$LOG" 2>&1
rc=$?
# callgrind.sh: 0 measured, 1 measured and over its own limit, 2 not measured
if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
	say "could not measure ($LOG):"
	tail -3 "$LOG" >&2
	exit 2
fi
ipp=$(sed -n 's/^instructions_per_packet=//p' "$LOG")
dig=$(sed -n 's/^input: .*sha256 \([0-9a-f]*\)\.\.\.).*/\1/p' "$LOG")
[ -n "$ipp" ] && [ -n "$dig" ] || { say "no count in $LOG"; exit 2; }
if [ $record = 1 ]; then
	echo "recorded: $ipp instructions/packet in $BASELINE"
	exit 0
fi

[ -f "$BASELINE" ] || { say "no $BASELINE: record one with bash bench/check.sh --record"; exit 2; }
base=$(sed -n 's/^instructions_per_packet=//p' "$BASELINE")
bdig=$(sed -n 's/^input_sha256=//p' "$BASELINE")
[ -n "$base" ] && [ -n "$bdig" ] ||
    { say "$BASELINE lacks instructions_per_packet or input_sha256"; exit 2; }
if [ "$dig" != "$bdig" ]; then
	say "the capture (sha256 $dig...) is not the baseline's ($bdig...):" \
	    "bench/mkcap.c changed; record the baseline anew (bash bench/check.sh --record)"
	exit 2
fi
pct=$(awk -v a="$ipp" -v b="$base" 'BEGIN { printf "%+.1f", 100 * (a - b) / b }')
if awk -v a="$ipp" -v b="$base" -v t=$THRESHOLD \
    'BEGIN { exit !(a > b * (1 + t / 100)) }'; then
	echo "REGRESSION: $ipp instructions/packet, $pct% over the baseline of $base (limit +$THRESHOLD%; $LOG)" >&2
	exit 1
fi
note=
awk -v a="$ipp" -v b="$base" -v t=$THRESHOLD \
    'BEGIN { exit !(a < b * (1 - t / 100)) }' &&
    note="; more than $THRESHOLD% under it: record the baseline anew (bash bench/check.sh --record)"
echo "ok: $ipp instructions/packet, $pct% against the baseline of $base ($(sed -n 's/^commit=//p' "$BASELINE"))$note"
exit 0
