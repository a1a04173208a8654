#!/bin/bash
# formats.sh - every export format over HTTP.  `ipgraph serve` on a loopback
# port it picks itself; GET /api/v1/formats must list every format of
# `ipgraph export` with its route, and every route it lists must answer
# 200 with the bytes of `ipgraph export FORMAT` for the same parameters
# (folder formats: the tar's members equal the files of -o DIR; ploticus.png
# equals what the folder's run.sh draws), opened by its consumer (dot,
# circos, ploticus, Python's xml, json, csv and html.parser, networkx for
# GEXF, a PNG reader).  Options of other formats and bad option values are
# 400s naming the parameter; the 404 and /metrics name every route; without
# ploticus, ploticus.png is a 501 that says which package to install.
. "$(dirname "$0")/lib.sh"
need curl
need python3
need dot
need circos
need ploticus
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
CHECKPY="python3 $top_srcdir/tests/e2e/formats_check.py"

SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$IPGRAPH_KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
[ -n "$IPGRAPH_KEEP" ] && echo "temporary files: $T"

DB="$T/f.db"
for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	"$IPGRAPH" import -q --db "$DB" --window 60 "$f" 2>/dev/null
	[ $? -le 1 ] || fail "import of ${f##*/}"
done
printf '192.168.1.1 = gateway\n74.125.228.227 = "web server"\n' >"$T/names"

# serve [ENV...]: ipgraph serve on a free loopback port; sets U.
serve() {
	: >"$T/log"
	rm -rf "$T/tmp"
	mkdir "$T/tmp"
	env TMPDIR="$T/tmp" "$@" "$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 \
	    --names "$T/names" >>"$T/log" 2>&1 &
	SPID=$!
	for _ in $(seq 1 100); do
		grep -q "serving" "$T/log" && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	P=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/log")
	U="http://127.0.0.1:$P"
	[ -n "$P" ] || { fail "serve did not start: $(cat "$T/log")"; finish; }
}
stop_serve() {
	kill "$SPID"
	wait "$SPID"
	check "serve exits 0 on SIGTERM" test $? -eq 0
	SPID=""
}
# get PATH OUT: the status code on stdout, the headers in OUT.h; a PATH
# without a leading / is under /api/v1/.
get() {
	local p=$1
	case $p in /*) ;; *) p=/api/v1/$p ;; esac
	curl -s -g -o "$2" -D "$2.h" -w '%{http_code}' "$U$p" </dev/null
}
hdr() { sed -n "s/^$1: *//Ip" "$2.h" | tr -d '\r' | head -1; }

serve

# 1. The list: every format of `ipgraph export`, each with a route.
code=$(get /api/v1/formats "$T/formats.json")
check "formats answers 200 ($code)" test "$code" = 200
check "formats is application/json" test \
    "$(hdr content-type "$T/formats.json")" = application/json
$CHECKPY list "$T/formats.json" >"$T/list" ||
    { fail "the formats list does not parse"; finish; }
# ipfix is not a document but messages for a collector (ipgraph export
# ipfix, ipgraphd [ipfix] export): no route serves it
"$IPGRAPH" export --help | sed -n '/^formats:$/,/^$/p' |
    awk 'NF && $1 != "formats:" && $1 != "ipfix" { print $1 }' |
    sort >"$T/cli-formats"
awk -F'|' '$2 == "export" { print $1 }' "$T/list" | sort -u >"$T/http-formats"
check "formats lists every format of ipgraph export, and no other" \
    diff "$T/cli-formats" "$T/http-formats"
check "formats lists the sequence diagrams" test \
    "$(awk -F'|' '$2 == "seq"' "$T/list" | wc -l)" -eq 4
check "ploticus is listed as available" grep -q '^ploticus|export|/api/v1/ploticus.png|image/png|yes|' "$T/list"

# Test values of the format options; an option added to api.c's table
# without one here fails, so each new option gets tested.
optval() {
	case $1 in
	layout) echo neato ;;
	keep_senders|keep_receivers|diagonal) echo yes ;;
	peers) echo 3 ;;
	*) return 1 ;;
	esac
}
# cli_args QUERY: name=value&... as command-line options (yes: a flag).
cli_args() {
	echo "$1" | tr '&' '\n' | sed -e '/^$/d' -e 's/_/-/g' \
	    -e 's/^\([a-z-]*\)=yes$/--\1/' -e 's/^\([a-z-]*\)=\(.*\)$/--\1 \2/'
}
# url QUERY: the same as a query string ('/' and ':' escaped).
url() { echo "$1" | sed -e 's|/|%2F|g' -e 's|:|%3A|g'; }

# 2. Every route of the list, for a few queries, against the CLI.
ROWQ="host=192.168.1.0/24&proto=tcp&from=2000-01-01&to=2030-01-01"
SHAPEQ="top=5&metric=bytes&other=yes"
: >"$T/open"
n=0
while IFS='|' read -r fmt cmd route ctype _ opts; do
	[ "$cmd" = export ] || continue
	r=${route#/api/v1/}
	qs="|$ROWQ"
	[ "$fmt" = csv ] || qs="$qs|$SHAPEQ"
	if [ -n "$opts" ]; then
		o=""
		for k in $(echo "$opts" | tr ',' ' '); do
			v=$(optval "$k") || { fail "$route: option $k has no test value"; continue; }
			o="$o${o:+&}$k=$v"
		done
		qs="$qs|$o"
		[ "${fmt#histogram}" != "$fmt" ] && qs="$qs|$o&src=192.168.1.139"
	fi
	i=0
	while IFS= read -r q; do
		i=$((i + 1))
		n=$((n + 1))
		b="$T/b.$fmt.$r.$i"
		code=$(get "$r?$(url "$q")" "$b")
		check "$r?$q: 200 (got $code: $(head -c 200 "$b" | tr -d '\0'))" \
		    test "$code" = 200
		check "$r?$q: Content-Type $ctype" \
		    test "$(hdr content-type "$b")" = "$ctype"
		# shellcheck disable=SC2046
		case $ctype:$fmt in
		application/gzip:*)
			mkdir "$b.cli" "$b.http"
			"$IPGRAPH" export "$fmt" --db "$DB" --names "$T/names" \
			    $(cli_args "$q") -o "$b.cli/ipgraph-${r%%.*}" 2>"$b.err" </dev/null ||
			    fail "export $fmt $q: $(cat "$b.err")"
			tar -xzf "$b" -C "$b.http" || fail "$r?$q does not unpack"
			check "$r?$q: the tar's members equal export $fmt -o DIR" \
			    diff -r "$b.cli" "$b.http"
			;;
		image/png:ploticus)
			"$IPGRAPH" export "$fmt" --db "$DB" --names "$T/names" \
			    $(cli_args "$q") -o "$b.cli" 2>"$b.err" </dev/null ||
			    fail "export $fmt $q: $(cat "$b.err")"
			sh "$b.cli/run.sh" 2>"$b.err" </dev/null || fail "run.sh: $(cat "$b.err")"
			check "$r?$q equals the folder's run.sh drawing" \
			    cmp -s "$b.cli/scatterplot.png" "$b"
			echo "ploticus-png $b" >>"$T/open"
			;;
		*)
			# csv writes addresses as stored: no names
			nm=(--names "$T/names")
			[ "$fmt" = csv ] && nm=()
			"$IPGRAPH" export "$fmt" --db "$DB" "${nm[@]}" \
			    $(cli_args "$q") -o "$b.cli" 2>"$b.err" </dev/null ||
			    fail "export $fmt $q: $(cat "$b.err")"
			check "$r?$q equals ipgraph export $fmt" cmp -s "$b.cli" "$b"
			js=""
			case $fmt in gexf|csv-pairs)
				[ $i -le 3 ] && js="$T/b.json.edges.json.$i"
			esac
			[ "$fmt" = dot ] && { check "dot reads $r?$q" dot -Tsvg \
			    -o /dev/null "$b"; continue; }
			echo "$fmt $b $js" >>"$T/open"
			;;
		esac
	done <<EOF
$(echo "$qs" | tr '|' '\n')
EOF
done <"$T/list"
echo "formats.sh: $n route queries compared with the CLI"

# The bundles opened by their own programs: circos draws the Circos one,
# ploticus the ploticus one (its run.sh drew it above, for each query).
d="$T/b.circos-bundle.circos.tar.gz.3.http/ipgraph-circos"
(cd "$d" && timeout 120 circos -conf "$d/circos.conf" >"$T/circos.log" 2>&1) ||
    fail "circos on circos.tar.gz?$SHAPEQ: $(tail -5 "$T/circos.log")"
check "circos draws circos.tar.gz" test -s "$d/circos.png"
check "ploticus drew every ploticus folder" test \
    "$(find "$T" -path '*/b.ploticus.ploticus.png.*.cli/scatterplot.png' | wc -l)" -ge 3

# The sequence diagrams the list names answer with their types.
while IFS='|' read -r fmt cmd route ctype _ _; do
	[ "$cmd" = seq ] || continue
	b="$T/seq.$fmt"
	code=$(get "${route#/api/v1/}" "$b")
	check "$route: 200 ($code)" test "$code" = 200
	check "$route: Content-Type $ctype" test "$(hdr content-type "$b")" = "$ctype"
	case $fmt in
	svg) echo "seq-svg $b" >>"$T/open" ;;
	mermaid) echo "mermaid $b" >>"$T/open" ;;
	json) echo "seq-json $b" >>"$T/open" ;;
	esac
done <"$T/list"

k=$($CHECKPY open "$T/open") || fail "bodies their consumers refuse (above)"
CHECKS=$((CHECKS + ${k:-0}))

# 3. Bad input: an option of another format, a bad option value, an
#    unknown parameter, each a 400 naming the parameter.
ALLOPTS=$(cut -d'|' -f6 "$T/list" | tr ',' '\n' | sed '/^$/d' | sort -u)
: >"$T/errs"
e=0
bad() {
	e=$((e + 1))
	code=$(get "$1" "$T/e.$e")
	check "$1: 400 ($code)" test "$code" = 400
	echo "$T/e.$e $2" >>"$T/errs"
}
while IFS='|' read -r _ _ route _ _ opts; do
	r=${route#/api/v1/}
	for k in $ALLOPTS; do
		case ",$opts," in
		*",$k,"*)
			case $k in
			layout) bad "$r?layout=nope" layout ;;
			peers) bad "$r?peers=0" peers; bad "$r?peers=x" peers ;;
			*) bad "$r?$k=maybe" "$k" ;;
			esac ;;
		*) bad "$r?$k=$(optval "$k")" "$k" ;;
		esac
	done
	bad "$r?nosuch=1" nosuch
done <"$T/list"
bad "formats?top=3" top
k=$($CHECKPY errors "$T/errs") || fail "JSON error bodies (above)"
CHECKS=$((CHECKS + ${k:-0}))
get "graph.dot?peers=3" "$T/e.peers" >/dev/null
check "an option of another format names the routes that take it" grep -q \
    'peers: does not apply to graph.dot (it applies to histogram.png, histogram.svg, histogram.csv)' \
    "$T/e.peers"

# 4. The 404 and /metrics name every route.
code=$(get /api/v1/nosuch "$T/404")
check "an unknown route is a 404 ($code)" test "$code" = 404
for r in $(cut -d'|' -f3 "$T/list" | sort -u) windows formats stats live; do
	check "the 404 names ${r#/api/v1/}" grep -q "[ :]${r#/api/v1/}[,;)]" "$T/404"
done
get /metrics "$T/metrics" >/dev/null
for r in $(cut -d'|' -f3 "$T/list" | sort -u) /api/v1/formats; do
	check "/metrics counts $r" grep -q \
	    "^ipgraph_http_requests_total{route=\"$r\",code=\"200\"} [1-9]" \
	    "$T/metrics"
done
for r in $(cut -d'|' -f3 "$T/list" | sort -u); do
	check "/metrics counts the 400s of $r" grep -q \
	    "^ipgraph_http_requests_total{route=\"$r\",code=\"400\"} [1-9]" \
	    "$T/metrics"
done

# 5. How long ploticus.png takes, for the record (never asserted).
s=$(date +%s%N)
get "ploticus.png" "$T/time.png" >/dev/null
echo "formats.sh: ploticus.png of everything in $(( ($(date +%s%N) - s) / 1000000 )) ms"
check "ploticus.png leaves no temporary folder" test -z "$(ls -A "$T/tmp")"
stop_serve

# 6. Without ploticus on the server: 501, saying what to install.
serve PATH=/nonexistent
code=$(get ploticus.png "$T/np")
check "ploticus.png without ploticus: 501 ($code)" test "$code" = 501
check "the 501 says which package to install" grep -q \
    'ploticus is not installed on this server (Debian: apt-get install ploticus)' "$T/np"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["parameter"] is None' \
    "$T/np" || fail "the 501 is not a JSON error"
get formats "$T/f2" >/dev/null
$CHECKPY list "$T/f2" >"$T/list2"
check "formats says ploticus.png is not available" grep -q \
    '^ploticus|export|/api/v1/ploticus.png|image/png|no|' "$T/list2"
code=$(get ploticus.tar.gz "$T/np.tgz")
check "ploticus.tar.gz needs no ploticus ($code)" test "$code" = 200
stop_serve
finish
