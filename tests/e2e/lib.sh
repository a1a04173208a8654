# lib.sh - shared helpers for the end-to-end tests (sourced, not run).
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${IPGRAPH:=$top_builddir/src/ipgraph}"
DATA="$top_srcdir/tests/data"
PAIRS="python3 $top_srcdir/tests/e2e/pairs.py"
# The full capture corpus, beside the project checkout unless told otherwise.
SHARED="${IPGRAPH_SHARED:-$top_srcdir/../shared}"

T=$(mktemp -d "${TMPDIR:-/tmp}/ipgraph-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
FAILS=0
CHECKS=0

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

pass() {
	CHECKS=$((CHECKS + 1))
}

# check DESCRIPTION COMMAND...: run COMMAND, fail unless it exits 0.
check() {
	local what=$1
	shift
	if "$@"; then pass; else fail "$what"; fi
}

need() {
	command -v "$1" >/dev/null 2>&1 || {
		echo "FAIL: $1 is not installed (tests/setup.sh installs it)" >&2
		exit 1
	}
}

# expect_error WANT_RC PATTERN COMMAND...: COMMAND must exit WANT_RC and
# say PATTERN (an extended regex) on stderr.
expect_error() {
	local want=$1 pat=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "'$*' exited $rc, expected $want ($(head -c 300 "$T/err"))"
	elif ! grep -Eq -- "$pat" "$T/err"; then
		fail "'$*' said '$(head -c 300 "$T/err")', expected /$pat/"
	else
		pass
	fi
}

finish() {
	echo "$CHECKS checks passed, $FAILS failed"
	[ "$FAILS" -eq 0 ] && [ "$CHECKS" -gt 0 ]
	exit $?
}
