#!/bin/bash
# corpus.sh - every capture of the shared corpus against tshark's counts.
#
# Per directional address pair, packets and bytes must equal tshark's exactly
# (oracle/NAME.pairs.txt).  Per TCP/UDP port pair, packets must equal
# tshark's conversation tables (oracle/NAME.conv.txt), except for captures
# where the two count differently by design (see README, "Counting"):
# fragments (tshark counts a reassembled datagram once), tunnels (tshark
# also counts the inner conversation), and transport headers that are cut
# short or invalid (tshark drops them from its tables, we keep the ports
# we could read), and the few listed in corpus-exceptions.txt.
. "$(dirname "$0")/lib.sh"

P="$SHARED/pcaps"
if [ ! -d "$P/oracle" ]; then
	echo "SKIP: capture corpus not found at $P (set IPGRAPH_SHARED to" \
	    "the folder holding pcaps/ to run it)"
	exit 77
fi
need python3

DB="$T/corpus.db"
mkdir -p "$T/csv"
: >"$T/list"
n=0
for f in "$P"/*; do
	name=${f##*/}
	[ -f "$P/oracle/$name.pairs.txt" ] || continue
	# Some corpus files are damaged on purpose: exit 1 is expected there,
	# and the packets read before the damage must still match tshark.
	"$IPGRAPH" import --db "$DB" --sensor "$name" --force "$f" \
	    2>"$T/csv/$name.err"
	rc=$?
	if [ $rc -gt 1 ]; then
		fail "$name: import exited $rc: $(head -c 300 "$T/csv/$name.err")"
		continue
	fi
	if grep -Eq 'IP fragments|transport hdr|transport header|tunnels' \
	    "$T/csv/$name.err" ||
	    grep -q "^$name	" "$top_srcdir/tests/e2e/corpus-exceptions.txt"; then
		echo "$name pairs-only" >>"$T/list"
	else
		echo "$name ports" >>"$T/list"
	fi
	"$IPGRAPH" export csv --db "$DB" --sensor "$name" \
	    -o "$T/csv/$name.csv" || fail "$name: export failed"
	n=$((n + 1))
done
[ "$n" -gt 400 ] || fail "only $n captures found in $P"
echo "$n captures imported; $(grep -c ' ports$' "$T/list") compared per port"
python3 "$top_srcdir/tests/e2e/pairs.py" corpus "$P/oracle" "$T/csv" \
    "$T/list" >"$T/report"
rc=$?
grep -E '^(FAIL|  )' "$T/report" | head -60
tail -1 "$T/report"
[ $rc -eq 0 ] && pass || fail "captures differ from tshark"
finish
