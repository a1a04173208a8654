#!/bin/sh
# run.sh - install what is missing, build, and run the whole test suite:
# a -Werror build with `make check`, the instruction count of an import
# against bench/baseline.txt (bench/check.sh), the same tests under
# AddressSanitizer and UndefinedBehaviorSanitizer, a short run of every
# fuzz harness, and `make distcheck`.
# Builds out of tree under _build/; the source tree is left untouched.
# After tests/setup.sh, everything runs on a PATH that holds only the
# programs tests/programs.txt declares (links in _build/bin, made by
# tests/bindir.sh): a program called without being declared fails here,
# on any machine.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)

sh tests/setup.sh
sh tests/bindir.sh _build/bin
PATH=$top/_build/bin
export PATH
jobs=$(nproc 2>/dev/null || echo 2)
[ -x configure ] || ./autogen.sh
if [ -f config.status ]; then
	echo "run.sh: the source tree is configured; run 'make distclean' first" >&2
	exit 1
fi

# IPGRAPH_SHARED: the capture corpus, beside the checkout by default.
IPGRAPH_SHARED=${IPGRAPH_SHARED:-$top/../shared}
export IPGRAPH_SHARED

summary=""
status=0
build_and_check() {	# NAME CONFIGURE-ARGS...
	name=$1
	shift
	rm -rf "_build/$name"
	mkdir -p "_build/$name"
	(cd "_build/$name" && "$top/configure" -q "$@" &&
	    make -j"$jobs" >/dev/null && make -j"$jobs" check) || status=1
	log="_build/$name/test-suite.log"
	if [ -f "$log" ]; then
		p=$(sed -n 's/^# PASS: *//p' "$log")
		f=$(sed -n 's/^# FAIL: *//p' "$log")
		s=$(sed -n 's/^# SKIP: *//p' "$log")
		e=$(sed -n 's/^# ERROR: *//p' "$log")
		summary="$summary
$name: ${p:-0} passed, $((${f:-0} + ${e:-0})) failed, ${s:-0} skipped"
		[ "${f:-0}" -eq 0 ] && [ "${e:-0}" -eq 0 ] || {
			cat "$log"
			status=1
		}
	else
		summary="$summary
$name: 0 passed, 1 failed (build failed)"
	fi
}

build_and_check plain --enable-werror

echo "== instructions per packet of an import (bench/check.sh)"
# The regression guard on the plain build: callgrind's count on a capture
# made alike everywhere (bench/mkcap.c) against bench/baseline.txt; fails
# more than 10% above it.  Its report: _build/guard/check.log.
if [ -x _build/plain/src/ipgraph ] &&
    BENCH_OUT="$top/_build/guard" IPGRAPH_BUILD="$top/_build/plain" \
    BENCH_NO_BUILD=1 BENCH_KEEP_PATH=1 bash bench/check.sh; then
	summary="$summary
instructions: 1 passed, 0 failed"
else
	summary="$summary
instructions: 0 passed, 1 failed"
	status=1
fi

build_and_check sanitizers --enable-werror --enable-sanitizers \
    CC=clang CFLAGS="-O1 -g"

echo "== fuzzing every parser"
# Its own build (clang, --enable-fuzz) in _build/fuzz/build; 15 s per
# harness.  run.sh ends with "fuzz: N passed, N failed[, N skipped]".
rc=0
rm -rf "$top/_build/fuzz"
sh tests/fuzz/run.sh -t "${FUZZ_SECONDS:-15}" -o "$top/_build/fuzz" \
    >"$top/_build/fuzz.log" 2>&1 || rc=$?
grep -v '^fuzz: ' "$top/_build/fuzz.log" || true
line=$(grep '^fuzz: [0-9]* passed, [0-9]* failed' "$top/_build/fuzz.log" |
    tail -n 1)
[ -n "$line" ] || line="fuzz: 0 passed, 1 failed"
summary="$summary
$line"
if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
	status=1
fi

echo "== make distcheck"
if (cd _build/plain && make -j"$jobs" distcheck \
    DISTCHECK_CONFIGURE_FLAGS=--enable-werror >"$top/_build/distcheck.log" 2>&1); then
	summary="$summary
distcheck: 1 passed, 0 failed"
else
	tail -50 _build/distcheck.log
	summary="$summary
distcheck: 0 passed, 1 failed"
	status=1
fi

echo "$summary"
echo "$summary" | awk '/ passed, / { p += $2; f += $4 }
    END { printf "%d passed, %d failed\n", p, f }'

exit $status
