#!/bin/sh
# run.sh - build fuzz_decode with clang/libFuzzer, fuzz a copy of the seeds.
#
# Usage: tests/fuzz/run.sh [OUTDIR [SECONDS]]
#   OUTDIR   where the binary, the working corpus and any crash inputs go;
#            default a fresh mktemp directory (removed again on success).
#   SECONDS  how long to fuzz; default 30.
# Exit: 0 no crash, 1 crash or build failure, 77 (automake "skip") when clang
# or its libFuzzer runtime is missing.  The seed corpus in the source tree is
# only read: libFuzzer adds its new inputs to OUTDIR/corpus.  A crash input
# lands in OUTDIR/crashes/; copy it into tests/fuzz/corpus_decode/ by hand
# once decode.c is fixed, so it stays a permanent case.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CLANG=${CLANG:-clang}
secs=${2:-30}

case $secs in
''|*[!0-9]*) echo "run.sh: SECONDS must be a whole number, not '$secs'" >&2
	exit 1 ;;
esac

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "SKIP: fuzz_decode: $CLANG not found (set CLANG=...)"
	exit 77
fi

if [ $# -ge 1 ] && [ -n "$1" ]; then
	out=$1
	own_out=0
	mkdir -p "$out" || exit 1
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_decode.XXXXXX") || exit 1
	own_out=1
fi
out=$(cd "$out" && pwd)

# libFuzzer ships with clang but not always (Debian: libclang-rt-dev).
cat >"$out/probe.c" <<'PROBE'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{ (void)d; (void)n; return 0; }
PROBE
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$out/probe.c" \
    -o "$out/probe" >"$out/probe.log" 2>&1; then
	echo "SKIP: fuzz_decode: $CLANG cannot link -fsanitize=fuzzer" \
	    "(libFuzzer runtime missing?):"
	sed -n 1,5p "$out/probe.log"
	if [ "$own_out" -eq 1 ]; then rm -rf "$out"; fi
	exit 77
fi
rm -f "$out/probe" "$out/probe.c" "$out/probe.log"

echo "run.sh: building $out/fuzz_decode"
if ! "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=all -I"$top/src" \
    "$here/fuzz_decode.c" "$top/src/decode.c" -o "$out/fuzz_decode"; then
	echo "FAIL: fuzz_decode: build failed" >&2
	exit 1
fi

rm -rf "$out/corpus" "$out/crashes"
mkdir -p "$out/corpus" "$out/crashes" || exit 1
cp "$here"/corpus_decode/* "$out/corpus/" || exit 1

echo "run.sh: fuzzing for ${secs}s, corpus $out/corpus"
"$out/fuzz_decode" -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="$out/crashes/" "$out/corpus" >"$out/fuzz.log" 2>&1
rc=$?

grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::peak_rss)' \
    "$out/fuzz.log"
found=$(ls "$out/crashes" | wc -l)
if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
	tail -n 40 "$out/fuzz.log"
	echo "FAIL: fuzz_decode: exit $rc, $found input(s) in $out/crashes/" >&2
	exit 1
fi
echo "PASS: fuzz_decode: no crash in ${secs}s"
if [ "$own_out" -eq 1 ]; then
	rm -rf "$out"
else
	echo "run.sh: log in $out/fuzz.log"
fi
exit 0
