# lib.sh - shared helpers for the end-to-end tests (sourced, not run).
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${IPGRAPH:=$top_builddir/src/ipgraph}"
DATA="$top_srcdir/tests/data"
PAIRS="python3 $top_srcdir/tests/e2e/pairs.py"
# The full capture corpus, beside the project checkout unless told otherwise.
SHARED="${IPGRAPH_SHARED:-$top_srcdir/../shared}"

PROGRAMS=${IPGRAPH_PROGRAMS:-$top_srcdir/tests/programs.txt}
. "$top_srcdir/tests/veth.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/ipgraph-test.XXXXXX") || exit 99
SPID=""
trap 'serve_stop quiet; [ -n "$IPGRAPH_KEEP" ] || rm -rf "$T"' EXIT

# Under LeakSanitizer: libgvc, fontconfig and cairo keep memory to the end
# (tests/e2e/lsan.supp), and a sanitizer build adds nothing to stderr.
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

# many_hosts_db DB [N]: a database of many hosts in DB: every capture of
# the shared corpus when it is there (2,109 hosts), else a committed
# capture rewritten by tcprewrite to N sets of addresses (default 40: 160
# hosts; the caller needs tcprewrite).
many_hosts_db() {
	local f s n=${2:-40}
	if [ -d "$SHARED/pcaps" ]; then
		echo "the shared corpus: $SHARED/pcaps"
		for f in "$SHARED"/pcaps/*.pcap "$SHARED"/pcaps/*.pcapng; do
			"$IPGRAPH" import -q --db "$1" "$f" 2>/dev/null
			[ $? -le 1 ] || fail "import of ${f##*/}"
		done
	else
		echo "no shared corpus: committed captures rewritten to many hosts"
		for s in $(seq 1 "$n"); do
			tcprewrite --seed="$s" \
			    --infile="$DATA/pcapplusplus-input.pcap" \
			    --outfile="$T/r$s.pcap" 2>/dev/null ||
			    { fail "tcprewrite --seed=$s"; continue; }
			"$IPGRAPH" import -q --db "$1" "$T/r$s.pcap" 2>/dev/null ||
			    fail "import of r$s.pcap"
		done
	fi
}

# serve_start DB [OPTIONS...]: `ipgraph serve` on a free loopback port;
# sets SPID and P (the port), its log in $T/serve.log.  Ends the test
# with a failure when it does not start.
serve_start() {
	local db=$1
	shift
	serve_stop quiet
	: >"$T/serve.log"
	"$IPGRAPH" serve --db "$db" --listen 127.0.0.1:0 "$@" \
	    >>"$T/serve.log" 2>&1 &
	SPID=$!
	for _ in $(seq 1 100); do
		grep -q "serving" "$T/serve.log" && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	P=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	    "$T/serve.log")
	[ -n "$P" ] || { fail "serve did not start: $(cat "$T/serve.log")"
	    finish; }
}

# serve_stop [quiet]: SIGTERM to the server serve_start began; it must
# exit 0 (unless quiet: the clean-up on exit).
serve_stop() {
	local rc
	[ -n "$SPID" ] || return 0
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	rc=$?
	[ "${1:-}" = quiet ] || check "serve exits 0 on SIGTERM (exit $rc)" \
	    test "$rc" -eq 0
	SPID=""
}

# Only the programs that tests/programs.txt declares: PATH is a folder of
# links to them (tests/bindir.sh), as make check sets it; a test run by
# hand makes its own, so an undeclared program fails here too.
if [ ! -f "$PATH/.programs" ]; then
	sh "$top_srcdir/tests/bindir.sh" "$T/bin" || exit 99
	PATH=$T/bin
	export PATH
fi
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

# need PROGRAM: PROGRAM must be declared in tests/programs.txt, with the
# package that provides it, and be installed.  (A program that is not
# declared is not found anyway: see the PATH above.)
need() {
	local pkg
	pkg=$(awk -v p="$1" '!/^[ \t]*#/ && $1 == p { print $2; exit }' "$PROGRAMS")
	if [ -z "$pkg" ]; then
		echo "FAIL: $1 is not declared in tests/programs.txt (add a line '$1 PACKAGE')" >&2
		exit 1
	fi
	command -v "$1" >/dev/null 2>&1 || {
		echo "FAIL: $1 is not installed (package $pkg; sh tests/setup.sh installs it)" >&2
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

# The daemon tests.  sensor_setup TAG: skip (77) without root or network
# namespaces; else a sender namespace $SND and a sensor namespace $SEN
# joined by a veth pair (ends $A and $B), a state folder $W that the
# daemon's user (nobody) can write, and a clean-up on exit that kills the
# daemon and removes both.  TAG is a few letters, one per test script.
sensor_setup() {
	if [ "$(id -u)" -ne 0 ] || ! ip netns add "$1-probe$$" 2>/dev/null
	then
		echo "SKIP: network namespaces cannot be made here (needs root" \
		    "and CAP_SYS_ADMIN); run the tests as root"
		exit 77
	fi
	ip netns del "$1-probe$$"
	IPGRAPHD=${IPGRAPHD:-$top_builddir/src/ipgraphd}
	SND="$1-s$$" SEN="$1-d$$" A="${1}a$$" B="${1}b$$" DPID=""
	trap sensor_cleanup EXIT
	veth_pair "$SND" "$SEN" "$A" "$B" || {
		echo "FAIL: cannot build the namespaces" >&2
		exit 1
	}
	chmod 755 "$T"
	W="$T/state"
	mkdir "$W"
	chown nobody "$W"
}

# sensor_http: the daemon's HTTP server on the sensor namespace's own
# loopback (after sensor_setup).  IN runs a command in that namespace;
# healthz, get PATH and metric NAME ask the server (a test may define its
# own get after this).
sensor_http() {
	ip netns exec "$SEN" ip link set lo up
	U="http://127.0.0.1:8080"
}
IN() { ip netns exec "$SEN" "$@"; }
healthz() { IN curl -s -o /dev/null "$U/healthz"; }
get() { IN curl -s "$U$1"; }
metric() { get /metrics | awk -v m="$1" '$1 == m {print $2}'; }

# wait_file FILE PATTERN: up to 10 s for PATTERN to show up in FILE
wait_file() {
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ns_capture NAMESPACE IFACE NAME: tcpdump of IFACE's IP packets in
# NAMESPACE into $T/NAME.pcap, its pid added to TPIDS; returns once it
# listens.  -Z root: the files go to a folder only root may write to;
# --immediate-mode: packets still in the kernel's ring buffer when
# tcpdump is stopped would otherwise be lost.
ns_capture() {
	ip netns exec "$1" tcpdump -Z root --immediate-mode -i "$2" -n -U \
	    -w "$T/$3.pcap" ip 2>"$T/$3.tcpdump" &
	TPIDS="$TPIDS $!"
	wait_file "$T/$3.tcpdump" "listening on" || {
		echo "FAIL: tcpdump in $1 did not start: $(cat "$T/$3.tcpdump")" >&2
		exit 1
	}
}

# ns_settle "NS..." "A B" ...: before captures are stopped, wait (up to
# about 5 s) until no TCP connection is left in the namespaces NS but those
# in TIME-WAIT, and each pair of captures A and B ($T/A.pcap: the two ends
# of one link) holds the same number of packets.  A fixed pause was seen
# to stop one capture a packet behind the other on a loaded machine.
ns_settle() {
	local nss=$1 i n open pair a b ok
	shift
	for i in $(seq 25); do
		open=$(for n in $nss; do
			ip netns exec "$n" ss -Htn state connected \
			    exclude time-wait
		done | wc -l)
		ok=$([ "$open" -eq 0 ] && echo 1)
		for pair in "$@"; do
			a=$(tshark -r "$T/${pair% *}.pcap" 2>/dev/null | wc -l)
			b=$(tshark -r "$T/${pair#* }.pcap" 2>/dev/null | wc -l)
			[ "$a" -eq "$b" ] || ok=
		done
		[ -n "$ok" ] && return 0
		sleep 0.2
	done
	# not settled: go on, and say what was left for the log
	echo "ns_settle: still $open connections open; packets:$(for pair in \
	    "$@"; do for n in ${pair% *} ${pair#* }; do printf ' %s %s' "$n" \
	    "$(tshark -r "$T/$n.pcap" 2>/dev/null | wc -l)"; done; done)" >&2
	return 0
}

sensor_cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	ip netns del "$SND" 2>/dev/null
	ip netns del "$SEN" 2>/dev/null
	[ -n "$IPGRAPH_KEEP" ] || rm -rf "$T"
}

# daemon_conf FILE IFACES [LINES...]: a configuration for the sensor end,
# 2-second windows into $W/db, LINES (printf %b) appended.
daemon_conf() {
	local f=$1 ifs=$2
	shift 2
	{
		printf '[daemon]\nuser = nobody\nsensor = veth\n'
		printf '[capture]\ninterfaces = %s\nsnaplen = 65535\n' "$ifs"
		printf '[window]\nseconds = 2\ngrace = 1\n'
		printf '[store]\npath = %s/db\n' "$W"
		[ $# -eq 0 ] || printf '%b\n' "$@"
	} >"$f"
}

# daemon_start CONF [READY...]: ipgraphd -f -d in the sensor namespace on
# a new database, its log in $T/log (the previous one kept beside it);
# returns 0 once it captures and the command READY, if given, succeeds.
daemon_start() {
	local conf=$1
	shift
	rm -f "$W"/db*
	[ -s "$T/log" ] && cp "$T/log" "$T/log.$(date +%s%N)"
	: >"$T/log"
	ip netns exec "$SEN" "$IPGRAPHD" -f -d -c "$conf" >>"$T/log" 2>&1 &
	DPID=$!
	for _ in $(seq 1 50); do
		grep -q "capturing on" "$T/log" && { [ $# -eq 0 ] || "$@"; } &&
		    return 0
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	fail "ipgraphd did not start: $(cat "$T/log")"
	return 1
}

# daemon_stop WHAT: SIGTERM, and ipgraphd must exit 0.
daemon_stop() {
	local rc
	kill -TERM "$DPID"
	wait "$DPID"
	rc=$?
	DPID=""
	check "$1 (exit $rc)" test $rc -eq 0
	[ $rc -eq 0 ] || tail -40 "$T/log" >&2
}

finish() {
	echo "$CHECKS checks passed, $FAILS failed"
	[ "$FAILS" -eq 0 ] && [ "$CHECKS" -gt 0 ]
	exit $?
}
