#!/bin/bash
# golden.sh - every export format and every data route of the HTTP API, with
# a spread of filters and options, on a database imported from the committed
# captures, compared byte for byte with the files under tests/golden/.
# Those files were written by an earlier build: a change that alters any
# output shows here as a diff.  When an output is meant to change, rewrite
# them with IPGRAPH_GOLDEN_UPDATE=1 and review the diff in version control.
. "$(dirname "$0")/lib.sh"
need curl
need sqlite3
# AS and country attributes depend on the location database installed and
# on libloc being built in: the golden files have none (asn.sh checks them)
IPGRAPH_LOCATION_DB=none
export IPGRAPH_LOCATION_DB
GOLD="$top_srcdir/tests/golden"
OUT="$T/out"
mkdir -p "$OUT"

DB="$T/g.db"
for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	"$IPGRAPH" import -q --db "$DB" --window 60 "$f" 2>/dev/null
	[ $? -le 1 ] || fail "import of ${f##*/}"
done
"$IPGRAPH" rollup --db "$DB" 2>/dev/null || fail "rollup"
printf '192.168.1.1 = gateway\n74.125.228.227 = "web server"\n10.0.0.0/8 = ten\n' \
    >"$T/names"

# The queries: a name (used in the files' names), then the options.  Each
# runs as `ipgraph export` and as the same HTTP parameters.
QUERIES='all|
top3|--top 3
top3other|--top 3 --other yes
bytes|--metric bytes
group24|--group /24
tcp|--proto tcp
port80|--port 80
host|--host 192.168.1.0/24
src|--src 192.168.1.139
pair|--pair 192.168.1.139:74.125.228.227
span|--from 2013-02-26T00:00:00Z --to 2013-02-27T00:00:00Z
hour|--tier hour
names|--names NAMES'

# ex_args OPTIONS: OPTIONS for the CLI (--other takes no value there).
ex_args() {
	echo "$1" | sed -e "s|NAMES|$T/names|" -e 's/--other yes/--other/'
}
# url_args OPTIONS: the same as a query string.
url_args() {
	echo "$1" | sed -e 's/^ *//' | awk '{
	    s = ""
	    for (i = 1; i < NF; i += 2) {
		k = substr($i, 3); v = $(i + 1)
		if (k == "names") continue
		gsub(/\//, "%2F", v); gsub(/:/, "%3A", v)
		s = s (s == "" ? "" : "&") k "=" v
	    }
	    print s }'
}

# Text formats for every query; pictures (larger files) for a few.
FORMATS="dot circos moowheel moowheel-html csv-pairs json gexf picviz
histogram-csv rtgraph"
PICTURES="svg png histogram-svg histogram-png ports-svg ports-png"
echo "$QUERIES" | while IFS='|' read -r q opts; do
	f=$FORMATS
	case $q in all|top3other|names|port80) f="$f $PICTURES" ;; esac
	for f in $f; do
		# shellcheck disable=SC2046
		"$IPGRAPH" export "$f" --db "$DB" $(ex_args "$opts") \
		    -o "$OUT/cli-$q.$f" 2>"$OUT/cli-$q.$f.err"
		echo "exit $?" >>"$OUT/cli-$q.$f.err"
	done
done
# stored rows (csv refuses the shaping options)
for q in all tcp port80 host span hour; do
	opts=$(echo "$QUERIES" | sed -n "s/^$q|//p")
	# shellcheck disable=SC2046
	"$IPGRAPH" export csv --db "$DB" $(ex_args "$opts") -o "$OUT/cli-$q.csv" \
	    2>"$OUT/cli-$q.csv.err"
	echo "exit $?" >>"$OUT/cli-$q.csv.err"
done
# format options
"$IPGRAPH" export circos --db "$DB" --diagonal --keep-senders \
    -o "$OUT/cli-opt.circos" 2>"$OUT/cli-opt.circos.err"
"$IPGRAPH" export svg --db "$DB" --layout neato -o "$OUT/cli-neato.svg" \
    2>"$OUT/cli-neato.svg.err"
"$IPGRAPH" export histogram-csv --db "$DB" --peers 3 --src 192.168.1.139 \
    -o "$OUT/cli-peers.csv" 2>"$OUT/cli-peers.csv.err"
for d in circos-bundle ploticus; do
	"$IPGRAPH" export "$d" --db "$DB" --top 5 -o "$OUT/cli-$d" \
	    2>"$OUT/cli-$d.err"
	echo "exit $?" >>"$OUT/cli-$d.err"
done
"$IPGRAPH" top --db "$DB" -n 7 >"$OUT/cli-top.txt" 2>&1
"$IPGRAPH" top --db "$DB" -n 3 --group /24 --metric bytes \
    >"$OUT/cli-top-group.txt" 2>&1
# bad input on the command line
for bad in "--top 0" "--src 10.0.0.0/33" "--from nonsense" "--proto xyz" \
    "--metric volume" "--tier 3" "--from 2014-01-01 --to 2013-01-01"; do
	n=$(echo "$bad" | tr -c 'a-z0-9\n' _)
	# shellcheck disable=SC2086
	"$IPGRAPH" export dot --db "$DB" $bad >"$OUT/cli-bad$n" 2>&1
	echo "exit $?" >>"$OUT/cli-bad$n"
done

# The HTTP server, on a loopback port it picks itself.
serve_start "$DB" --names "$T/names"
# get NAME PATH [CURL ARGS]: status, the headers that matter, then the body
get() {
	local name=$1 path=$2
	shift 2
	curl -s -g -o "$OUT/http-$name.body" -D "$T/h" -w '%{http_code}\n' \
	    "$@" "http://127.0.0.1:$P$path" >"$OUT/http-$name.head"
	grep -i -e '^content-type:' -e '^content-disposition:' \
	    -e '^x-ipgraph-note:' -e '^allow:' "$T/h" | tr -d '\r' |
	    tr 'A-Z' 'a-z' | sort >>"$OUT/http-$name.head"
}
ROUTES="graph.dot circos moowheel.json edges.json graph.gexf pairs.csv
histogram.csv picviz.pcv rtgraph.txt moowheel.html"
echo "$QUERIES" | while IFS='|' read -r q opts; do
	[ "$q" = names ] && continue
	a=$(url_args "$opts")
	r=$ROUTES
	case $q in
	all|top3other|port80)
		r="$r graph.svg graph.png histogram.svg histogram.png
		    ploticus.png" ;;
	esac
	[ "$q" = all ] && r="$r ports.svg ports.png"
	for r in $r; do
		get "$q.$r" "/api/v1/$r?$a"
	done
done
for q in all tcp port80 host span hour; do
	a=$(url_args "$(echo "$QUERIES" | sed -n "s/^$q|//p")")
	get "$q.edges.csv" "/api/v1/edges.csv?$a"
	s="seq.diag seq.mmd"
	case $q in all|port80) s="$s seq.svg" ;; esac
	for s in $s; do
		get "$q.$s" "/api/v1/$s?$a"
	done
	get "$q.windows" "/api/v1/windows?$a"
done
get "opt.circos" "/api/v1/circos?diagonal=yes&keep_senders=yes"
get "neato.svg" "/api/v1/graph.svg?layout=neato"
get "top5.circos.tar.gz" "/api/v1/circos.tar.gz?top=5"
get "top5.ploticus.tar.gz" "/api/v1/ploticus.tar.gz?top=5"
get "peers.histogram.csv" "/api/v1/histogram.csv?peers=3&src=192.168.1.139"
get "formats" "/api/v1/formats"
# bad input over HTTP
get "bad-param" "/api/v1/graph.dot?nosuch=1"
get "bad-top" "/api/v1/graph.dot?top=0"
get "bad-src" "/api/v1/edges.json?src=10.0.0.0/33"
get "bad-from" "/api/v1/graph.dot?from=nonsense"
get "bad-order" "/api/v1/graph.dot?from=2014-01-01&to=2013-01-01"
get "bad-metric" "/api/v1/graph.dot?metric=volume"
get "bad-csv-top" "/api/v1/edges.csv?top=3"
get "bad-route" "/api/v1/nosuch"
get "bad-method" "/api/v1/graph.dot" -X POST
get "bad-tier" "/api/v1/windows?tier=3"
get "bad-peers" "/api/v1/histogram.png?peers=0"
get "bad-option" "/api/v1/graph.dot?peers=3"
get "bad-layout" "/api/v1/histogram.svg?layout=neato"
serve_stop

# Standard error holds ipgraph's own lines and the exit status; what a
# library says there about its host (fontconfig on a machine without a
# font cache) is not ipgraph's output.
for f in "$OUT"/*.err; do
	grep -E '^(ipgraph: |exit [0-9])' "$f" >"$f.own"
	mv "$f.own" "$f"
done

# The folders as tar.gz hold a gzip time stamp: compare their members
# instead of their bytes.
for b in circos ploticus; do
	[ -s "$OUT/http-top5.$b.tar.gz.body" ] || continue
	mkdir -p "$OUT/http-top5.$b.d"
	tar -C "$OUT/http-top5.$b.d" -xzf "$OUT/http-top5.$b.tar.gz.body" ||
	    fail "$b.tar.gz does not unpack"
	rm -f "$OUT/http-top5.$b.tar.gz.body"
done

if [ -n "$IPGRAPH_GOLDEN_UPDATE" ]; then
	rm -rf "$GOLD/expected"
	mkdir -p "$GOLD"
	cp -r "$OUT" "$GOLD/expected"
	echo "golden.sh: wrote $(find "$GOLD/expected" -type f | wc -l) files"
	exit 0
fi
[ -d "$GOLD/expected" ] || { fail "no $GOLD/expected"; finish; }
n=0
for f in $(cd "$GOLD/expected" && find . -type f | sort); do
	n=$((n + 1))
	if [ ! -f "$OUT/$f" ]; then
		fail "$f: not written"
	elif ! cmp -s "$GOLD/expected/$f" "$OUT/$f"; then
		fail "$f differs: $(diff "$GOLD/expected/$f" "$OUT/$f" | head -5)"
	else
		pass
	fi
done
for f in $(cd "$OUT" && find . -type f | sort); do
	[ -f "$GOLD/expected/$f" ] || fail "$f: written, but not expected"
done
echo "golden.sh: $n files compared"
finish
