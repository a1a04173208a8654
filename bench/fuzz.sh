#!/bin/sh
# fuzz.sh - long fuzzing runs: every harness of tests/fuzz/ (or those named)
# for SECONDS each, one after the other, with executions and coverage.
#
# Usage: sh bench/fuzz.sh [SECONDS [HARNESS...]]
#   SECONDS   per harness (default 600)
#   HARNESS   decode, pcapng, capfile, seqcsv, query, conf, names (default:
#             all of them)
# Environment:
#   FUZZ_OUT    working folder (default bench/out/fuzz, ignored by git):
#               build/ (configured --enable-fuzz with clang, reused),
#               fuzz_NAME/{corpus,crashes,fuzz.log}
#   FUZZ_BUILD  an existing build tree configured with --enable-fuzz
#   FUZZ_FRESH  1: start again from the seed corpora; otherwise each run
#               goes on from the corpus the last one left, so coverage grows
#               from run to run
# Prints tests/fuzz/run.sh's line per harness, then a table (harness,
# seconds, executions, executions per second, cov = code edges reached,
# ft = libFuzzer features, corpus size, result).  Exit 1 when a harness
# crashed: its input is in FUZZ_OUT/fuzz_NAME/crashes/.  Never run by
# make check.

set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)

secs=${1:-600}
[ $# -gt 0 ] && shift
out=${FUZZ_OUT:-$top/bench/out/fuzz}
mkdir -p "$out" || exit 1

set -- -t "$secs" -o "$out" "$@"
[ "${FUZZ_FRESH:-0}" = 1 ] || set -- -k "$@"
[ -n "${FUZZ_BUILD:-}" ] && set -- -b "$FUZZ_BUILD" "$@"

sh tests/fuzz/run.sh "$@" | tee "$out/last.log"
rc=$?
# tee hides run.sh's status: the summary line tells it
if grep -q '^fuzz: 0 passed, 0 failed, [0-9]* skipped' "$out/last.log"; then
	exit 77
fi
grep -q '^fuzz: [0-9]* passed, 0 failed' "$out/last.log" || rc=1

echo
echo "| harness | seconds | executions | exec/s | cov | ft | corpus | result |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
sed -n 's/^\(PASS\|FAIL\): \(fuzz_[a-z0-9_]*\):.*[ ;]\([0-9?]*\) runs in \([0-9]*\)s, cov \([0-9?]*\) ft \([0-9?]*\), corpus \([0-9]*\)$/\2 \4 \3 \5 \6 \7 \1/p' \
    "$out/last.log" | while read -r h s n c f k r; do
	case $n in
	*[!0-9]*|'') rate='?' ;;
	*) rate=$((n / s)) ;;
	esac
	echo "| $h | $s | $n | $rate | $c | $f | $k | $r |"
done
exit $rc
