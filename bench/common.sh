# common.sh - what the benchmarks share (bash; sourced, not run): their
# folders, the packages and the PATH of declared programs, the build of the
# work tree or of BENCH_REV, the inputs, and (from tests/veth.sh) the veth
# pair between two network namespaces.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
OUT=${BENCH_OUT:-$BENCH/out}
SRC=$TOP
BUILD=$OUT/build
BENCH_DATA=${BENCH_DATA:-$OUT/data}
SHARED=${IPGRAPH_SHARED:-$TOP/../shared}
NPROC=$(nproc 2>/dev/null || echo 2)
# shellcheck source=../tests/veth.sh
. "$TOP/tests/veth.sh"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench/%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# bench_path: from here on only the programs that tests/programs.txt
# declares (bench ones included), as in the tests: a PATH of links to them
# in bench/out/bin.  Stops, naming them, when some are not installed.
bench_path() {
	# already there (callgrind.sh run by run.sh): that folder stays
	[ "$PATH" != "$OUT/bin" ] || return 0
	# tests/run.sh's folder of the tests' programs (bench/check.sh run
	# there): kept; the script checks the programs it needs
	[ "${BENCH_KEEP_PATH:-0}" != 1 ] || return 0
	sh "$TOP/tests/bindir.sh" "$OUT/bin" bench ||
	    die "some programs are missing (above): bash bench/run.sh or sh tests/setup.sh bench installs them"
	PATH=$OUT/bin
	export PATH
}

# bench_setup: as root, install what is missing (tests/setup.sh bench:
# everything tests/programs.txt declares, no service started by the
# install) unless BENCH_NO_INSTALL=1, then bench_path.
bench_setup() {
	[ "$(id -u)" -eq 0 ] || die "run as root (apt-get, network namespaces)"
	if [ "${BENCH_NO_INSTALL:-0}" != 1 ]; then
		sh "$TOP/tests/setup.sh" bench || die "installing the packages failed"
	fi
	bench_path
}

# bench_build WHAT TARGET...: build TARGETs with -O2 out of tree, from the
# work tree into bench/out/build, or with BENCH_REV from that revision
# (exported with git archive into bench/out/src-REV, built in
# bench/out/build-REV), so that edits in progress do not leak into a
# measurement.  Sets SRC, BUILD and REV_LABEL.
bench_build() {
	local what=$1 rev
	shift
	REV_LABEL=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
	if [ -n "${BENCH_REV:-}" ]; then
		rev=$(git -C "$TOP" rev-parse --short "$BENCH_REV^{commit}") ||
		    die "$BENCH_REV: not a revision"
		SRC=$OUT/src-$rev
		BUILD=$OUT/build-$rev
		if [ ! -x "$SRC/configure" ]; then
			rm -rf "$SRC"
			mkdir -p "$SRC"
			git -C "$TOP" archive "$rev" | tar -x -C "$SRC"
			(cd "$SRC" && ./autogen.sh >/dev/null 2>&1)
		fi
		REV_LABEL=$rev
	else
		[ -z "$(git -C "$TOP" status --porcelain -- src configure.ac Makefile.am 2>/dev/null)" ] ||
		    REV_LABEL="$REV_LABEL + uncommitted changes in src/"
		[ -x "$TOP/configure" ] || (cd "$TOP" && ./autogen.sh)
	fi
	say "building $what (-O2) from $SRC in $BUILD"
	mkdir -p "$BUILD"
	if [ ! -f "$BUILD/Makefile" ]; then
		(cd "$BUILD" && "$SRC/configure" -q CFLAGS="-O2 -g")
	fi
	make -C "$BUILD" -s -j"$NPROC" "$@" >/dev/null
}

# bench_inputs FILE...: when one of the captures is missing, make them all
# with ../shared/bench/make-inputs.sh (real traffic inside two network
# namespaces of its own, BENCH_DURATION seconds, then scaled up; several
# minutes) into BENCH_DATA.
bench_inputs() {
	local f need=0
	for f in "$@"; do
		[ -s "$f" ] || need=1
	done
	[ $need = 1 ] || return 0
	[ -f "$SHARED/bench/make-inputs.sh" ] ||
	    die "no $1 and no $SHARED/bench/make-inputs.sh to make it (set IPGRAPH_SHARED)"
	mkdir -p "$BENCH_DATA"
	say "making the inputs in $BENCH_DATA (${BENCH_DURATION:-60} s of traffic, then scaling up; several minutes)"
	(cd "$BENCH_DATA" && BENCH_DATA="$BENCH_DATA" bash "$SHARED/bench/make-inputs.sh" \
	    "${BENCH_DURATION:-60}") > "$BENCH_DATA/make-inputs.log" 2>&1 ||
	    die "make-inputs.sh failed; see $BENCH_DATA/make-inputs.log"
	rm -rf "$BENCH_DATA/work"
	for f in "$@"; do
		[ -s "$f" ] || die "$f is still missing"
	done
}

# bench_child_of PID: the program PID (runstat, ip netns exec) started
bench_child_of() {
	local c
	for _ in $(seq 1 50); do
		c=$(ps -o pid= --ppid "$1" | head -1 | tr -d ' ')
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.1
	done
	return 1
}

# bench_cpu_s PID: user + sys seconds so far (all threads)
bench_cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{
	    sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}
