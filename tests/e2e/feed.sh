#!/bin/bash
# feed.sh - GET /api/v1/feed: read in pages of random size while captures
# are imported into the database `ipgraph serve` serves (one of them again,
# so windows already read are written anew), and then while ipgraphd, in
# network namespaces made here, captures replayed captures and is
# restarted in the middle.  Every row comes exactly once per write of its
# window, the last version of each equals the database's edges table (read
# by sqlite3) and the packets and bytes per address pair equal tshark's.
# sensor= gives one sensor's rows alone.  A bad cursor is a 400 naming since; a cursor behind windows the
# retention deleted is a 410, or with skip_lost=yes a 200 saying so.
. "$(dirname "$0")/lib.sh"
need python3
need sqlite3
need tshark
need curl
need tcpreplay
CHK="python3 $top_srcdir/tests/e2e/feed_check.py"

# sget QUERY [CURL-OPTIONS...]: GET /api/v1/feed?QUERY of `ipgraph serve`
# (port $P); dget the same of ipgraphd, in its namespace.
sget() { local q=$1; shift; curl -s "http://127.0.0.1:$P/api/v1/feed?$q" "$@"; }
dget() { local q=$1; shift; IN curl -s "$U/api/v1/feed?$q" "$@"; }

# page GET FILE: one page from cursor $CUR, of 1 to 7 rows, through GET
# (sget or dget), appended to FILE; sets CUR (X-Next-Cursor), MORE
# (X-Feed-More) and CODE.
page() {
	local lim=$((RANDOM % 7 + 1))
	: >"$T/h"
	"$1" "since=$CUR&limit=$lim" -D "$T/h" -o "$T/body"
	CODE=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T/h")
	[ "$CODE" = 200 ] || { fail "feed since=$CUR: $CODE $(cat "$T/body")"
	    MORE=no; return 1; }
	check "a page holds at most limit=$lim rows" \
	    test "$(wc -l <"$T/body")" -le "$lim"
	cat "$T/body" >>"$2"
	CUR=$(sed -n 's/^X-Next-Cursor: //p' "$T/h" | tr -d '\r')
	MORE=$(sed -n 's/^X-Feed-More: //p' "$T/h" | tr -d '\r')
	PAGES=$((PAGES + 1))
}

# drain GET FILE: pages until the feed says there is no more.
drain() {
	for _ in $(seq 1 2000); do
		page "$1" "$2" || return 1
		[ "$MORE" = no ] && return 0
	done
	fail "the feed did not end"
}

# 1. ipgraph serve; captures imported between pages, one of them twice.
DB="$T/a.db"
"$IPGRAPH" import -q --db "$DB" --window 1 "$DATA/pcapplusplus-input.pcap" ||
    exit 99
serve_start "$DB"
CUR=0 PAGES=0
: >"$T/feed1"
IMPORTS="pcapplusplus-one_http_stream_rst.pcap gopacket-le-test200.pcapng
pcapplusplus-ipv6-frag.pcap pcapplusplus-input.pcap"
for c in $IMPORTS; do
	page sget "$T/feed1"
	page sget "$T/feed1"
	# --force: the same capture again adds to windows read before
	"$IPGRAPH" import -q --force --db "$DB" --window 1 "$DATA/$c" ||
	    fail "import $c"
done
drain sget "$T/feed1"
check "serve: every row once per write of its window ($PAGES pages)" \
    $CHK exact "$T/feed1"
check "serve: the rows read equal the database's edges" \
    $CHK same "$T/feed1" "$DB"
caps="$DATA/pcapplusplus-input.pcap"
for c in $IMPORTS; do caps="$caps $DATA/$c"; done
# shellcheck disable=SC2086
check "serve: packets and bytes per pair equal tshark's" \
    $CHK tshark "$T/feed1" $caps
last=$CUR
page sget "$T/empty"
check "serve: at the end, an empty page and the same cursor" \
    test ! -s "$T/empty" -a "$CUR" = "$last" -a "$MORE" = no

# Bad cursors and parameters.
for bad in zz 12 "$last.x" "-1" "${last%-*}-" "${last%-*}-1.2.3"; do
	code=$(sget "since=$bad" -o "$T/err" -w '%{http_code}')
	check "since=$bad: 400 naming since ($code $(cat "$T/err"))" \
	    test "$code" = 400 -a "$(python3 -c 'import json, sys
print(json.load(sys.stdin)["parameter"])' <"$T/err")" = since
done
code=$(sget "since=0123456789abcdef-1" -o "$T/err" -w '%{http_code}')
check "a cursor of another database: 410 ($code $(cat "$T/err"))" \
    test "$code" = 410
check "... saying so" grep -q "another database" "$T/err"
code=$(sget "since=${last%-*}-99999" -o "$T/err" -w '%{http_code}')
check "a cursor past the last write: 400 ($code $(cat "$T/err"))" \
    test "$code" = 400
for bad in limit=0 limit=100001 limit=x tier=minute top=3 sensor=nosuch; do
	code=$(sget "$bad" -o "$T/err" -w '%{http_code}')
	check "$bad: 400 naming ${bad%%=*} ($code $(cat "$T/err"))" \
	    test "$code" = 400 -a "$(python3 -c 'import json, sys
print(json.load(sys.stdin)["parameter"])' <"$T/err")" = "${bad%%=*}"
done
serve_stop

# sensor=: one sensor's rows of a database two sensors wrote in turns.
DB2="$T/b.db"
for sc in one:pcapplusplus-input.pcap two:pcapplusplus-one_http_stream_rst.pcap \
    one:pcapplusplus-ipv6-frag.pcap two:gopacket-le-test200.pcapng; do
	"$IPGRAPH" import -q --db "$DB2" --window 1 --sensor "${sc%%:*}" \
	    "$DATA/${sc#*:}" || exit 99
done
serve_start "$DB2"
sone() { local q=$1; shift; sget "$q&sensor=one" "$@"; }
CUR=0 PAGES=0
: >"$T/feed-one"
drain sone "$T/feed-one"
check "sensor=one: every row of its windows once ($PAGES pages)" \
    $CHK exact "$T/feed-one"
check "sensor=one: its rows equal the database's, and no other sensor's" \
    $CHK same "$T/feed-one" "$DB2" raw one
check "sensor=one: packets and bytes per pair equal tshark's of its captures" \
    $CHK tshark "$T/feed-one" "$DATA/pcapplusplus-input.pcap" \
    "$DATA/pcapplusplus-ipv6-frag.pcap"
check "sensor=one: the last cursor is past sensor two's last window too" \
    test "${CUR#*-}" = "$(sqlite3 "$DB2" 'SELECT seq FROM feed')"
code=$(sget "sensor=three" -o "$T/err" -w '%{http_code}')
check "sensor=three: 400 naming the sensors there are ($code $(cat "$T/err"))" \
    grep -q '"parameter": "sensor".*one.*two\|one.*two.*"parameter": "sensor"' "$T/err"
serve_stop

# 2. ipgraphd: windows written while the feed is read, a restart in the
# middle, and a cursor behind windows the retention deleted.
sensor_setup fd
sensor_http
IN chown nobody "$W"
# an old window (2013: the 7-day retention deletes it once ipgraphd runs)
"$IPGRAPH" import -q --db "$W/db" --window 2 --sensor veth \
    "$DATA/pcapplusplus-input.pcap" "$DATA/pcapplusplus-gtp-u.pcap" ||
    exit 99
serve_start "$W/db"
CUR=0
page sget "$T/old"
behind=$CUR			# inside the first window
drain sget "$T/old"
read_all=$CUR			# past every old window
serve_stop
chown nobody "$W"/db*
daemon_conf "$T/c.conf" "$B" '[http]\nlisten = 127.0.0.1:8080'
dstart() {
	: >"$T/log"
	ip netns exec "$SEN" "$IPGRAPHD" -f -c "$T/c.conf" >>"$T/log" 2>&1 &
	DPID=$!
	wait_file "$T/log" "capturing on" || fail "ipgraphd: $(cat "$T/log")"
}
dstart
CUR=$read_all PAGES=0
: >"$T/feed2"
REPLAYED=""
replay() {
	ip netns exec "$SND" tcpreplay -q --pps 10 -i "$A" "$DATA/$1" \
	    >"$T/replay" 2>&1 || fail "tcpreplay $1: $(tail -3 "$T/replay")"
}
for c in pcapplusplus-input.pcap pcapplusplus-one_http_stream_rst.pcap; do
	replay "$c" &
	RP=$!
	while kill -0 "$RP" 2>/dev/null; do
		page dget "$T/feed2"
		sleep 0.3
	done
	wait "$RP"
	REPLAYED="$REPLAYED $DATA/$c"
	page dget "$T/feed2"
done
# retention runs after ipgraphd wrote a window
for _ in $(seq 1 100); do
	code=$(dget "since=$behind" -o "$T/err" -w '%{http_code}')
	[ "$code" = 410 ] && break
	sleep 0.1
done
check "a cursor behind deleted windows: 410 ($code $(head -c 300 "$T/err"))" \
    test "$code" = 410
check "... naming since and the deletion" grep -q \
    '"since: the cursor is older than what the database holds.*deleted.*"parameter": "since"' \
    "$T/err"
dget "since=$behind&skip_lost=yes" -D "$T/h" -o /dev/null
check "skip_lost=yes: 200, X-Feed-Lost: yes" grep -q '^X-Feed-Lost: yes' "$T/h"
check "... and the note" grep -q '^X-Ipgraph-Note: rows lost' "$T/h"
code=$(dget "since=$read_all" -o /dev/null -w '%{http_code}')
check "a cursor past the deleted windows (all read) is not behind ($code)" \
    test "$code" = 200

daemon_stop "ipgraphd stops on SIGTERM, writing its open window"
dstart
page dget "$T/feed2"
for c in pcapplusplus-ipv4-options.pcap pcapplusplus-ipv6-frag.pcap; do
	replay "$c" &
	RP=$!
	while kill -0 "$RP" 2>/dev/null; do
		page dget "$T/feed2"
		sleep 0.3
	done
	wait "$RP"
	REPLAYED="$REPLAYED $DATA/$c"
done
sleep 3
page dget "$T/feed2"
daemon_stop "ipgraphd stops again"
serve_start "$W/db"
drain sget "$T/feed2"
serve_stop
check "ipgraphd: every row once per write of its window ($PAGES pages)" \
    $CHK exact "$T/feed2"
check "ipgraphd: the rows read equal the database's edges" \
    $CHK same "$T/feed2" "$W/db"
# shellcheck disable=SC2086
check "ipgraphd: packets and bytes per pair equal tshark's" \
    $CHK tshark "$T/feed2" $REPLAYED
finish
