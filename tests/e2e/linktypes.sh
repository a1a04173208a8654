#!/bin/bash
# linktypes.sh - rare link types against tshark: ARCNET (BSD and Linux),
# Apple PKTAP, Solaris IPNET, Juniper (Ethernet, PPPoE, PPP, Cisco HDLC,
# Frame Relay, ATM1, ATM2), Frame Relay, Arista timestamped Ethernet,
# IEEE 802.15.4 with 6LoWPAN (with and without FCS).  The captures are
# written frame by frame by linkcaps.py; per directional address pair,
# packets and bytes must equal tshark's exactly.  6LoWPAN fragments are the
# documented exception (README, "Counting, and how it compares with
# tshark"): we count a fragmented datagram on its first fragment, tshark on
# the fragment that completes it.
. "$(dirname "$0")/lib.sh"
need tshark
need python3

python3 "$top_srcdir/tests/e2e/linkcaps.py" "$T/caps" ||
    { fail "linkcaps.py failed"; finish; exit; }

n=0
for f in "$T"/caps/*.pcap; do
	name=${f##*/}
	name=${name%.pcap}
	[ "$name" = wpan-frag ] && continue
	n=$((n + 1))
	"$IPGRAPH" import --db "$T/$name.db" --sensor s "$f" 2>"$T/$name.err" ||
	    { fail "$name: import failed: $(cat "$T/$name.err")"; continue; }
	check "$name: every frame's link type is decoded" \
	    test "$(grep -c 'unknown link type' "$T/$name.err")" -eq 0
	"$IPGRAPH" export csv --db "$T/$name.db" -o "$T/$name.csv" ||
	    { fail "$name: export failed"; continue; }
	$PAIRS tshark "$f" >"$T/$name.pairs"
	check "$name: tshark finds IP in it" test -s "$T/$name.pairs"
	if $PAIRS compare "$T/$name.pairs" "$T/$name.csv" >"$T/cmp"; then
		pass
	else
		fail "$name differs from tshark: $(cat "$T/cmp")"
	fi
done
check "15 captures compared ($n)" test "$n" -eq 15

# 6LoWPAN fragments: a datagram in FRAG1 + FRAGN, and a lone FRAGN.
# tshark: one packet, with the length of the FRAGN that completes it;
# ipgraph: one packet, with the length of the FRAG1.
f="$T/caps/wpan-frag.pcap"
"$IPGRAPH" import -q --db "$T/frag.db" --sensor s "$f" &&
    "$IPGRAPH" export csv --db "$T/frag.db" -o "$T/frag.csv" ||
    fail "wpan-frag: import or export failed"
$PAIRS tshark "$f" >"$T/frag.pairs"
lens=$(tshark -n -r "$f" -T fields -e frame.len 2>/dev/null | tr '\n' ' ')
check "wpan-frag: tshark counts the datagram on the completing fragment" \
    test "$(cat "$T/frag.pairs")" = "2001:db8::a 2001:db8::b 1 $(echo $lens | cut -d' ' -f2)"
check "wpan-frag: ipgraph counts it once, on the first fragment" \
    test "$($PAIRS csv "$T/frag.csv")" = "2001:db8::a 2001:db8::b 1 $(echo $lens | cut -d' ' -f1)"
finish
