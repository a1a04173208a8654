#!/bin/sh
# setup.sh - install what ipgraph needs to build and test (Debian 12, root):
# the package of every program that tests/programs.txt declares, and the
# libraries and modules below.  With `bench`, also the programs that only
# the benchmarks use (no service starts during that install: nginx, dnsmasq
# and darkstat would).  Idempotent: installs only what is missing.
#
#   sh tests/setup.sh [bench]
#
# Exit 0 when everything is there; 1, naming the missing packages and the
# command that installs them, when it cannot install them (not root, no
# package index reachable, apt-get failed).  IPGRAPH_PROGRAMS names
# another list (the tests of this script use it).
set -e
here=$(cd "$(dirname "$0")" && pwd)
list=${IPGRAPH_PROGRAMS:-$here/programs.txt}
scope=${1:-tests}
case $scope in
tests|bench) ;;
*) echo "usage: sh tests/setup.sh [bench]" >&2; exit 2 ;;
esac

# Libraries, headers and modules: packages that bring no program the
# scripts call (those are in tests/programs.txt).
LIBS="build-essential libc6-dev
libpcap-dev libevent-dev libsqlite3-dev libmicrohttpd-dev libcmocka-dev
libsystemd-dev libcap-dev zlib1g-dev liblzma-dev libzstd-dev libgraphviz-dev
libcairo2-dev libpng-dev libclang-rt-14-dev bash-completion
python3-networkx liblist-moreutils-perl
netbase libloc-dev libloc-database"

[ -r "$list" ] || { echo "setup.sh: cannot read $list" >&2; exit 1; }
pkgs=$(awk -v scope="$scope" '/^[ \t]*(#|$)/ { next }
    NF == 2 || (NF == 3 && scope == "bench") { print $2 }' "$list" | sort -u)

# Installed, or provided by an installed package (NodeSource's nodejs
# provides npm).
have=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}, ${Provides}\n' 2>/dev/null |
    awk '$1 == "ii" { $1 = ""; n = split($0, a, ","); for (i = 1; i <= n; i++) {
	sub(/^ +/, "", a[i]); sub(/[ (:].*/, "", a[i]); if (a[i] != "") print a[i] } }' |
    sort -u)
missing=""
for p in $pkgs $LIBS; do
	echo "$have" | grep -qx -- "$p" || case " $missing " in
		*" $p "*) ;;
		*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

arg=$([ "$scope" = bench ] && echo " bench" || :)
cmd="apt-get update && apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: missing packages:$missing" >&2
	echo "setup.sh: installing them needs root: run 'sh tests/setup.sh$arg' as root, or: sudo sh -c '$cmd'" >&2
	exit 1
fi
echo "setup.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/ipgraph-setup.XXXXXX")
policy=""
cleanup() {
	rm -f "$log"
	[ -z "$policy" ] || rm -f "$policy"
}
trap cleanup EXIT
# apt-get update exits 0 on some failed fetches: its E: and W: lines tell.
if ! apt-get update -q >"$log" 2>&1 ||
    grep -Eq '^(E:|W: (Failed to fetch|Some index files))' "$log"; then
	cat "$log" >&2
	echo "setup.sh: no package index reachable (apt-get update failed, above); missing packages:$missing" >&2
	echo "setup.sh: fix the network or /etc/apt/sources.list.d, then run 'sh tests/setup.sh$arg' again, or: $cmd" >&2
	exit 1
fi
# tshark asks whether non-root users may capture: answer no, never prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" |
    debconf-set-selections
if [ "$scope" = bench ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 $missing || {
	echo "setup.sh: apt-get install failed (above); missing packages:$missing" >&2
	echo "setup.sh: once apt works, run 'sh tests/setup.sh$arg' again, or: $cmd" >&2
	exit 1
}
