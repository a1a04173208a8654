#!/bin/bash
# dns-corpus.sh - the names of every capture with DNS, against tshark.
#
# Every capture of the shared corpus (and of tests/data) in which tshark
# sees DNS or multicast DNS is imported; the (address, name) pairs
# `ipgraph names` lists for it must equal the ones dns_oracle.py reads
# from tshark's dissection of the same file (the answers of the question's
# name and its CNAME chain, UDP only).  Captures with DNS over TCP are
# only imported (tshark reassembles segments, we read the first), and
# none may crash the import.
. "$(dirname "$0")/lib.sh"
need python3
need tshark

P="$SHARED/pcaps"
ORACLE="python3 $top_srcdir/tests/e2e/dns_oracle.py"
files=""
if [ -f "$P/INDEX.tsv" ]; then
	files=$(awk -F'\t' -v p="$P" '$NF ~ /(^|,)(dns|mdns)(,|$)/ {
	    print p "/" $1 }' "$P/INDEX.tsv")
fi
for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	files="$files $f"
done
n=0 named=0
for f in $files; do
	[ -f "$f" ] || continue
	name=${f##*/}
	"$IPGRAPH" import --quiet --db "$T/c.db" --sensor "$name" --force \
	    "$f" 2>"$T/err"
	rc=$?
	if [ $rc -gt 1 ]; then
		fail "$name: import exited $rc: $(head -c 300 "$T/err")"
		continue
	fi

	$ORACLE "$f" >"$T/want" 2>"$T/oerr" || {
		fail "$name: the oracle failed: $(head -c 300 "$T/oerr")"
		continue
	}
	[ "$(cat "$T/want")" = TCP ] && continue
	"$IPGRAPH" names --db "$T/c.db" --sensor "$name" | python3 -c '
import csv, sys
print("\n".join(sorted({"%s %s" % (r["address"], r["name"])
    for r in csv.DictReader(sys.stdin) if r["source"] == "dns"})))' |
	    sed '/^$/d' >"$T/got"
	n=$((n + 1))
	[ -s "$T/want" ] && named=$((named + 1))
	if cmp -s "$T/want" "$T/got"; then
		pass
	else
		fail "$name: names differ from tshark's: $(diff "$T/want" \
		    "$T/got" | head -8 | tr '\n' ' ')"
	fi
done
echo "dns-corpus.sh: $n captures compared, $named with names"
check "some captures had names to compare ($named)" test "$named" -ge 3
finish
