#!/bin/bash
# params.sh - the same words mean the same on the command line and over
# HTTP: every yes/no word, every tier word and a spread of times, each
# given to `ipgraph export` and to `ipgraph serve` (curl on loopback):
# accepted or refused alike, and when accepted, the same bytes.
. "$(dirname "$0")/lib.sh"
need curl

DB="$T/p.db"
for f in pcapplusplus-input.pcap pcapplusplus-many_interfaces-1.pcapng \
    pcapplusplus-one_http_stream_rst.pcap; do
	"$IPGRAPH" import -q --db "$DB" "$DATA/$f" 2>/dev/null ||
	    fail "import of $f"
done
serve_start "$DB"
# http QUERY OUT: the status; the body in OUT
http() { curl -s -g -o "$2" -w '%{http_code}' "http://127.0.0.1:$P$1"; }
cli() { "$IPGRAPH" export "$@" --db "$DB" 2>"$T/cli.err"; }

# Yes/no: the CLI's flags are the yes; each word must pick yes or no, or
# be refused with a 400 naming the parameter.
cli circos --diagonal --keep-senders >"$T/yes.circos" || fail "circos yes"
cli circos >"$T/no.circos" || fail "circos no"
cli dot --top 3 --other >"$T/yes.dot" || fail "dot --other"
cli dot --top 3 >"$T/no.dot" || fail "dot --top"
for w in "" 1 yes true on 0 no false off maybe YES 2; do
	case $w in
	""|1|yes|true|on) want=yes ;;
	0|no|false|off) want=no ;;
	*) want=bad ;;
	esac
	for q in "circos?diagonal=$w&keep_senders=$w:circos" \
	    "graph.dot?top=3&other=$w:dot"; do
		code=$(http "/api/v1/${q%:*}" "$T/got")
		if [ "$want" = bad ]; then
			check "'$w' refused ($code) for ${q%%\?*}" \
			    test "$code" = 400
			check "the 400 names the parameter" grep -Eq \
			    '"parameter": "(diagonal|keep_senders|other)"' \
			    "$T/got"
		else
			check "'$w' is $want for ${q%%\?*} (status $code)" \
			    cmp -s "$T/got" "$T/$want.${q##*:}"
		fi
	done
done

# Tiers: raw, hour and day everywhere; auto where a graph is read; no
# numbers, no other words.
for w in raw hour day auto 0 1 3 minute Hour; do
	cli dot --tier "$w" >"$T/cli.dot"
	crc=$?
	code=$(http "/api/v1/graph.dot?tier=$w" "$T/http.dot")
	case $w in
	raw|hour|day|auto)
		check "tier=$w: CLI exit $crc, HTTP $code" test "$crc" = 0 \
		    -a "$code" = 200
		check "tier=$w: the same bytes" cmp -s "$T/cli.dot" \
		    "$T/http.dot" ;;
	*)
		check "tier=$w refused by both (CLI exit $crc, HTTP $code)" \
		    test "$crc" = 1 -a "$code" = 400
		check "tier=$w: the CLI and HTTP say the same" grep -qF \
		    "$(sed -n 's/.*"error": "\([^"]*\)".*/\1/p' "$T/http.dot")" \
		    "$T/cli.err" ;;
	esac
	code=$(http "/api/v1/windows?tier=$w" "$T/win")
	case $w in
	raw|hour|day) check "windows?tier=$w: 200 ($code)" test "$code" = 200 ;;
	*) check "windows?tier=$w: 400 ($code)" test "$code" = 400 ;;
	esac
done

# Times: the same forms, the same windows.
for w in 2013-02-26T00:00:00Z 2013-02-26 1361836800 1361836800.5 \
    2013-2-26-00-00-00 -1h now yesterday 2013-13-01; do
	cli json --from "$w" >"$T/cli.json"
	crc=$?
	code=$(http "/api/v1/edges.json?from=$w" "$T/http.json")
	case $w in
	yesterday|2013-13-01)
		check "from=$w refused by both (CLI exit $crc, HTTP $code)" \
		    test "$crc" = 1 -a "$code" = 400 ;;
	-1h|now)
		check "from=$w accepted by both (CLI exit $crc, HTTP $code)" \
		    test "$crc" = 0 -a "$code" = 200 ;;
	*)
		check "from=$w accepted by both (CLI exit $crc, HTTP $code)" \
		    test "$crc" = 0 -a "$code" = 200
		check "from=$w: the same bytes" cmp -s "$T/cli.json" \
		    "$T/http.json" ;;
	esac
done
finish
