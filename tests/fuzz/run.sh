#!/bin/sh
# run.sh - fuzz every parser of hostile bytes for a while, one at a time.
#
# Usage: tests/fuzz/run.sh [-t SECONDS] [-o OUTDIR] [-b BUILDDIR] [-k]
#                          [HARNESS...]
#   -t SECONDS  how long to fuzz each harness (default 15; 10 under
#               `make check`; FUZZ_SECONDS overrides the default).
#   -o OUTDIR   where the build (when -b is not given), the working corpora,
#               the logs and any crash inputs go: OUTDIR/NAME/{corpus,
#               crashes,fuzz.log}.  Default: a fresh mktemp directory,
#               removed again when nothing failed.
#   -b BUILDDIR a build tree configured with --enable-fuzz (make check
#               passes its own); without it one is configured and built in
#               OUTDIR/build with clang ($CLANG, default clang).
#   -k          keep OUTDIR/NAME/corpus from an earlier run and go on from
#               it (bench/fuzz.sh); otherwise it starts again from the seeds.
#   HARNESS     fuzz_decode, pcapng, ... (default: every tests/fuzz/fuzz_*.c).
#
# Seeds come from tests/fuzz/corpus_NAME/ (only read: libFuzzer adds its
# finds to the working corpus), and tests/fuzz/NAME.dict is passed as a
# dictionary when there is one.  Per harness it prints one line with the
# executions and the coverage reached (cov: code edges, ft: features), and
# at the end "fuzz: N passed, N failed" (tests/run.sh reads it).
# Exit: 0 no crash, 1 a crash or a build failure, 77 (automake's "skip")
# when clang or its libFuzzer runtime is missing.  A crash input lands in
# OUTDIR/NAME/crashes/: keep it in tests/fuzz/crashes-found/ until the bug
# is fixed, then in corpus_NAME/ as a permanent case.

set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
CLANG=${CLANG:-clang}

# Under `make check`, AM_TESTS_ENVIRONMENT names the build tree.
secs=${FUZZ_SECONDS:-}
build=
if [ -n "${top_builddir:-}" ] && [ -f "${top_builddir}/config.status" ]; then
	build=$top_builddir
	secs=${secs:-10}
fi
secs=${secs:-15}
out=
keep=0
while getopts t:o:b:k opt; do
	case $opt in
	t) secs=$OPTARG ;;
	o) out=$OPTARG ;;
	b) build=$OPTARG ;;
	k) keep=1 ;;
	*) echo "usage: run.sh [-t SECONDS] [-o OUTDIR] [-b BUILDDIR]" \
	       "[-k] [HARNESS...]" >&2
	   exit 1 ;;
	esac
done
shift $((OPTIND - 1))

case $secs in
''|*[!0-9]*|0) echo "run.sh: SECONDS must be a whole number above 0," \
	"not '$secs'" >&2
	exit 1 ;;
esac

if [ $# -gt 0 ]; then
	names=
	for h in "$@"; do
		h=fuzz_${h#fuzz_}
		[ -f "$here/$h.c" ] || { echo "run.sh: no $here/$h.c" >&2
			exit 1; }
		names="$names $h"
	done
else
	names=$(cd "$here" && ls fuzz_*.c | sed -e 's/\.c$//' \
	    -e '/^fuzz_util$/d')
fi
count=$(echo $names | wc -w)

skip() {
	[ "$own_out" -eq 1 ] && rm -rf "$out"
	echo "SKIP: fuzz: $*"
	echo "fuzz: 0 passed, 0 failed, $count skipped"
	exit 77
}

if [ -n "$out" ]; then
	mkdir -p "$out" || exit 1
	own_out=0
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/ipgraph-fuzz.XXXXXX") || exit 1
	own_out=1
fi
out=$(cd "$out" && pwd)

if [ -z "$build" ]; then
	# libFuzzer ships with clang, but not always (Debian: libclang-rt-dev)
	command -v "$CLANG" >/dev/null 2>&1 ||
	    skip "$CLANG not found (set CLANG=...)"
	cat >"$out/probe.c" <<'PROBE'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{ (void)d; (void)n; return 0; }
PROBE
	if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$out/probe.c" \
	    -o "$out/probe" >"$out/probe.log" 2>&1; then
		sed -n 1,5p "$out/probe.log"
		skip "$CLANG cannot link -fsanitize=fuzzer (libFuzzer" \
		    "runtime missing?)"
	fi
	rm -f "$out/probe" "$out/probe.c" "$out/probe.log"

	build=$out/build
	[ -x "$srcdir/configure" ] || (cd "$srcdir" && ./autogen.sh) ||
	    exit 1
	echo "run.sh: building the harnesses in $build"
	mkdir -p "$build" || exit 1
	if [ ! -f "$build/config.status" ] &&
	    ! (cd "$build" && "$srcdir/configure" -q --enable-fuzz \
	    --enable-werror CC="$CLANG" CFLAGS="-O1 -g" \
	    >"$out/build.log" 2>&1); then
		tail -n 20 "$out/build.log"
		echo "FAIL: fuzz: configure --enable-fuzz failed"
		echo "fuzz: 0 passed, $count failed"
		exit 1
	fi
fi
build=$(cd "$build" && pwd)
targets=
for h in $names; do
	targets="$targets tests/fuzz/$h"
done
# shellcheck disable=SC2086
if ! (cd "$build" && make -j"${FUZZ_JOBS:-2}" $targets \
    >"$out/make.log" 2>&1); then
	tail -n 30 "$out/make.log"
	echo "FAIL: fuzz: building$targets failed (configured with" \
	    "--enable-fuzz?)"
	echo "fuzz: 0 passed, $count failed"
	exit 1
fi

passed=0
failed=0
for h in $names; do
	n=${h#fuzz_}
	d=$out/$h
	if [ "$keep" -eq 0 ]; then
		rm -rf "$d"
	fi
	rm -rf "$d/crashes"
	mkdir -p "$d/corpus" "$d/crashes" || exit 1
	if [ -d "$here/corpus_$n" ]; then
		cp "$here/corpus_$n"/* "$d/corpus/" 2>/dev/null
	fi
	set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$d/crashes/"
	if [ -f "$here/$h.dict" ]; then
		set -- "$@" -dict="$here/$h.dict"
	fi
	"$build/tests/fuzz/$h" "$@" "$d/corpus" \
	    >"$d/fuzz.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$d/fuzz.log")
	last=$(grep -E '^#[0-9]+' "$d/fuzz.log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(ls "$d/corpus" | wc -l)
	found=$(ls "$d/crashes" | wc -l)
	stats="${execs:-?} runs in ${secs}s, cov ${cov:-?} ft ${ft:-?},"
	stats="$stats corpus $corp"
	if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
		echo "PASS: $h: $stats"
		passed=$((passed + 1))
	else
		grep -E -A 30 '^==[0-9]+==ERROR|runtime error|^fatal' \
		    "$d/fuzz.log" | head -n 40
		echo "FAIL: $h: exit $rc, $found input(s) in $d/crashes/; $stats"
		failed=$((failed + 1))
	fi
done

echo "fuzz: $passed passed, $failed failed"
if [ "$failed" -eq 0 ] && [ "$own_out" -eq 1 ]; then
	rm -rf "$out"
elif [ "$failed" -ne 0 ]; then
	echo "run.sh: logs in $out"
fi
[ "$failed" -eq 0 ]
