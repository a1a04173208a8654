#!/usr/bin/env bash
# check.sh - the regression guard: instructions per packet of `ipgraph
# import` (callgrind, first 100,000 packets of bench-1M.pcap) against
# bench/baseline.txt.
#
#   bash bench/check.sh
#
# Builds the work tree (-O2 -g, bench/out/build) and runs bench/callgrind.sh
# (its whole report goes to bench/out/check.log), then prints one line.
# Exit status:
#   0  at most 10% above the baseline
#   1  more than 10% above it ("REGRESSION: ...")
#   2  nothing to compare: no capture (bash bench/run.sh makes it), no
#      valgrind, or an input other than the one the baseline was recorded
#      on (the inputs come from live traffic and differ each time they are
#      made: record a baseline for them with bash bench/callgrind.sh
#      --record at the commit to compare against)
#
# Stricter than callgrind.sh, which compares with any input and only
# notes the difference: a count on another capture says nothing.  A
# bench step, not part of `make check`: its input is made by
# ../shared/bench/make-inputs.sh (a fresh clone has none), valgrind is a
# `bench` program, and the counts depend on the SQLite and libc the build
# links, so a baseline holds for one machine's inputs and libraries.
# About 10 s on a 2-core VM once built.
#
# Environment: as callgrind.sh (BENCH_DATA, IPGRAPH_BUILD, BENCH_NO_BUILD).
set -uo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$BENCH/out
BASELINE=$BENCH/baseline.txt
LOG=$OUT/check.log
THRESHOLD=10	# per cent, as callgrind.sh

say() { printf 'bench/check.sh: %s\n' "$*" >&2; }

[ -f "$BASELINE" ] || { say "no $BASELINE"; exit 2; }
base=$(sed -n 's/^instructions_per_packet=//p' "$BASELINE")
bdig=$(sed -n 's/^input_sha256=//p' "$BASELINE")
bpkts=$(sed -n 's/^packets=//p' "$BASELINE")
[ -n "$base" ] && [ -n "$bdig" ] && [ -n "$bpkts" ] ||
    { say "$BASELINE lacks instructions_per_packet, input_sha256 or packets"; exit 2; }

mkdir -p "$OUT"
CALLGRIND_PACKETS=$bpkts bash "$BENCH/callgrind.sh" >"$LOG" 2>&1
rc=$?
# callgrind.sh: 0 measured, 1 measured and over its own limit, 2 not measured
if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
	say "could not measure (bench/out/check.log):"
	tail -3 "$LOG" >&2
	exit 2
fi
ipp=$(sed -n 's/^instructions_per_packet=//p' "$LOG")
dig=$(sed -n 's/^input: .*sha256 \([0-9a-f]*\)\.\.\.).*/\1/p' "$LOG")
[ -n "$ipp" ] && [ -n "$dig" ] ||
    { say "no count in bench/out/check.log"; exit 2; }
if [ "$dig" != "$bdig" ]; then
	say "the input (sha256 $dig...) is not the baseline's ($bdig...):" \
	    "record a baseline for it (bash bench/callgrind.sh --record)"
	exit 2
fi
pct=$(awk -v a="$ipp" -v b="$base" 'BEGIN { printf "%+.1f", 100 * (a - b) / b }')
if awk -v a="$ipp" -v b="$base" -v t=$THRESHOLD \
    'BEGIN { exit !(a > b * (1 + t / 100)) }'; then
	echo "REGRESSION: $ipp instructions/packet, $pct% over the baseline of $base (limit +$THRESHOLD%; bench/out/check.log)" >&2
	exit 1
fi
echo "ok: $ipp instructions/packet, $pct% against the baseline of $base ($(sed -n 's/^commit=//p' "$BASELINE"))"
exit 0
