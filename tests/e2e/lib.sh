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

# veth_pair SND SEN A B: two network namespaces joined by a veth pair (A in
# SND, B in SEN), MTU 9000, no IPv6 and no addresses, so nothing but the
# frames a test sends crosses it.  Exits the test when it cannot.
veth_pair() {
	local ns
	ip netns add "$1" && ip netns add "$2" &&
	    ip link add "$3" type veth peer name "$4" &&
	    ip link set "$3" netns "$1" && ip link set "$4" netns "$2" || {
		echo "FAIL: cannot build the namespaces" >&2
		exit 1
	}
	for ns in "$1" "$2"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	ip netns exec "$1" ip link set "$3" mtu 9000 up
	ip netns exec "$2" ip link set "$4" mtu 9000 up
}

finish() {
	echo "$CHECKS checks passed, $FAILS failed"
	[ "$FAILS" -eq 0 ] && [ "$CHECKS" -gt 0 ]
	exit $?
}
