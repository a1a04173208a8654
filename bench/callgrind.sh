#!/usr/bin/env bash
# callgrind.sh - instructions per packet of `ipgraph import`, against a baseline.
#
#   bash bench/callgrind.sh            measure, compare with bench/baseline.txt
#   bash bench/callgrind.sh --record   measure and write bench/baseline.txt
#
# Input: the first 100,000 packets of bench-1M.pcap (cut with editcap into
# bench/out/callgrind/), or $CALLGRIND_INPUT.  Instruction counts do not
# depend on the machine's load, so unlike timings they can be compared
# from run to run; they do depend on the traffic mix, so the baseline
# records the input's digest and a different input is reported (the
# inputs are made from live traffic and differ a little each time they
# are regenerated: re-record after regenerating them).
#
# Prints instructions per packet (the whole process, startup and the
# SQLite writes included), the inclusive cost of the import stages and the
# top functions by self cost (callgrind_annotate).  Exit status 1 when the
# count is more than 10% above the baseline ("REGRESSION: ..."), 2 when it
# could not be measured.  A benchmark, not a test: `make check` does not
# run it.
#
# Environment: BENCH_DATA (default bench/out/data), CALLGRIND_INPUT (and
# CALLGRIND_LABEL, what the report calls it), CALLGRIND_PACKETS (default
# 100000), BENCH_NO_BUILD=1 when bench/run.sh has just built the build
# folder, IPGRAPH_BUILD (default bench/out/build), BENCH_OUT (default
# bench/out).  bench/check.sh, the regression guard, runs it on a capture
# made alike on every machine (bench/mkcap.c) and compares with
# bench/baseline.txt strictly; run alone, the comparison is a note.
set -euo pipefail

. "$(dirname "$0")/common.sh"
bench_path	# only the programs tests/programs.txt declares
BUILD=${IPGRAPH_BUILD:-$OUT/build}
BENCH_DATA=${BENCH_DATA:-$OUT/data}
NPKT=${CALLGRIND_PACKETS:-100000}
CG=$OUT/callgrind
BASELINE=$BENCH/baseline.txt
THRESHOLD=10	# per cent

die() { printf 'bench/callgrind.sh: %s\n' "$*" >&2; exit 2; }

record=0
[ "${1:-}" = --record ] && record=1

for t in valgrind callgrind_annotate editcap capinfos sha256sum; do
	command -v $t >/dev/null || die "$t is missing (bash bench/run.sh installs it)"
done

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	[ -x "$TOP/configure" ] || (cd "$TOP" && ./autogen.sh)
	mkdir -p "$BUILD"
	[ -f "$BUILD/Makefile" ] ||
	    (cd "$BUILD" && "$TOP/configure" -q CFLAGS="-O2 -g")
	make -C "$BUILD" -s -j"$(nproc 2>/dev/null || echo 2)" src/ipgraph >/dev/null
fi
IPGRAPH=$BUILD/src/ipgraph
[ -x "$IPGRAPH" ] || die "$IPGRAPH is not built"

mkdir -p "$CG"
if [ -n "${CALLGRIND_INPUT:-}" ]; then
	input=$CALLGRIND_INPUT
	label=${CALLGRIND_LABEL:-$(basename "$input")}
else
	src=$BENCH_DATA/bench-1M.pcap
	[ -s "$src" ] || die "$src is missing: run bash bench/run.sh first (it makes the inputs)"
	input=$CG/bench-1M-first$NPKT.pcap
	if [ ! -s "$input" ] || [ "$src" -nt "$input" ]; then
		editcap -F pcap -r "$src" "$input" 1-"$NPKT"
	fi
	label="first $NPKT packets of bench-1M.pcap"
fi
digest=$(sha256sum "$input" | cut -c1-16)
packets=$(capinfos -c -M -T "$input" | awk -F'\t' 'NR==2{print $2}')
[ -n "$packets" ] && [ "$packets" -gt 0 ] || die "cannot count the packets of $input"

db=$CG/callgrind.db
out=$CG/callgrind.out
rm -f "$db" "$db-wal" "$db-shm" "$out"
valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$IPGRAPH" import --db "$db" "$input" > "$CG/ipgraph.log" 2>&1 ||
    { cat "$CG/ipgraph.log" >&2; die "ipgraph import under callgrind failed"; }
rm -f "$db" "$db-wal" "$db-shm"

total=$(awk '/^(summary|totals):/ {print $2; exit}' "$out")
[ -n "$total" ] || die "no instruction total in $out"
ipp=$(( (total + packets / 2) / packets ))

# the read floor (a plain pcap_next_ex loop) on the same input, for scale
floor_ipp=
if [ -x "$BUILD/readfloor" ]; then
	valgrind --tool=callgrind --callgrind-out-file="$CG/floor.out" \
	    "$BUILD/readfloor" "$input" > "$CG/readfloor.log" 2>&1 &&
	    floor_ipp=$(awk -v p="$packets" '/^(summary|totals):/ {printf "%d", ($2 + p/2) / p; exit}' "$CG/floor.out")
fi

callgrind_annotate --inclusive=no "$out" > "$CG/self.txt" 2>/dev/null
callgrind_annotate --inclusive=yes "$out" > "$CG/inclusive.txt" 2>/dev/null

echo "input: $label ($packets packets, sha256 $digest...)"
echo "instructions: $total"
echo "instructions_per_packet=$ipp"
[ -n "$floor_ipp" ] && echo "floor_instructions_per_packet=$floor_ipp"
grep -E 'frames|edges' "$CG/ipgraph.log" | head -1
echo
echo "inclusive cost per packet of the import stages:"
for fn in import_file capfile_next pcap_next_ex decode_packet windows_packet \
    flowtable_add key_hash store_write_window flowtable_sort sqlite3_step; do
	n=$(awk -v fn="$fn" '
	    { gsub(",", "", $1) }
	    $1 ~ /^[0-9]+$/ { for (i = 2; i <= NF; i++) if ($i ~ ":" fn "$" || $i ~ ":" fn " " || $i == fn) { print $1; exit } }
	    ' "$CG/inclusive.txt")
	[ -n "$n" ] && printf '  %-22s %8d  (%4.1f%%)\n' "$fn" $(( n / packets )) \
	    "$(awk -v a="$n" -v b="$total" 'BEGIN{printf "%.1f", 100*a/b}')"
done
echo
echo "top functions by self cost (instructions, share, file:function):"
awk '
    /^-+$/ { dash++; next }
    dash >= 3 && NF >= 2 && $1 ~ /^[0-9,]+$/ && !/PROGRAM TOTALS/ {
	sub(/ \[[^]]*\]$/, ""); gsub(/([^ ]*\.\.\/)+/, ""); gsub(/\.\/[^ ]*\/\.\//, "")
	print "  " $0; if (++n == 25) exit }
    ' "$CG/self.txt"
echo

status=0
if [ $record = 1 ]; then
	{
		echo "# bench/baseline.txt - callgrind baseline of 'ipgraph import' (bash bench/check.sh --record)"
		echo "input=$label"
		echo "input_sha256=$digest"
		echo "packets=$packets"
		echo "instructions_per_packet=$ipp"
		echo "commit=${BENCH_COMMIT:-$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
		echo "recorded=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} > "$BASELINE"
	echo "baseline recorded in $BASELINE: $ipp instructions/packet"
elif [ -f "$BASELINE" ]; then
	base=$(sed -n 's/^instructions_per_packet=//p' "$BASELINE")
	bdig=$(sed -n 's/^input_sha256=//p' "$BASELINE")
	[ -n "$base" ] || die "$BASELINE has no instructions_per_packet line"
	pct=$(awk -v a="$ipp" -v b="$base" 'BEGIN{printf "%+.1f", 100*(a-b)/b}')
	echo "baseline: $base instructions/packet ($(sed -n 's/^commit=//p' "$BASELINE")); now $ipp ($pct%)"
	[ "$bdig" = "$digest" ] || echo "note: the input differs from the baseline's (sha256 $bdig...): the comparison is only approximate; re-record with --record after regenerating the inputs"
	if awk -v a="$ipp" -v b="$base" -v t=$THRESHOLD 'BEGIN{exit !(a > b * (1 + t/100))}'; then
		echo "REGRESSION: ipgraph import costs $ipp instructions/packet, $pct% over the baseline of $base (limit +$THRESHOLD%)" >&2
		status=1
	fi
else
	echo "no baseline ($BASELINE): record one with bash bench/callgrind.sh --record"
fi
exit $status
