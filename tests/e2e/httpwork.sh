#!/bin/bash
# httpwork.sh - the data routes run on the query threads, not on the ones
# that hold the connections: with one thread of each and the picture cache
# off, /healthz and /metrics answer while big pictures are being drawn
# (before the last of them); more pictures than the queue takes get 503 with
# Retry-After and a JSON error naming [http] threads, counted in /metrics;
# a query outlasting header_timeout is not cut; clients that leave
# mid-query, and a SIGTERM with queries running and waiting, leave the
# server sound (run it under the sanitizer build too).
. "$(dirname "$0")/lib.sh"
need curl
need tcprewrite
need date

# A database whose biggest pictures take a while to lay out: the shared
# capture corpus when it is there, else a committed capture rewritten by
# tcprewrite to 480 hosts (a picture of them takes ~0.6 s here; of 160,
# 0.2 s since PNGs are written at a cheaper zlib level, no longer than a
# loaded machine takes to ask /healthz).
DB="$T/big.db"
many_hosts_db "$DB" 120

now() { date +%s%N; }
# slow N: a picture of up to 2000+N hosts (N apart: no two are the same
# picture, so none waits for another's drawing)
slow() { echo "/api/v1/graph.png?top=$((2000 + $1))&max_nodes=$((2000 + $1))"; }
# fetch PATH NAME: the status in $T/NAME.code, headers in $T/NAME.h, the
# body in $T/NAME, and when it finished (ns) in $T/NAME.t
fetch() {
	curl -s -g -o "$T/$2" -D "$T/$2.h" -w '%{http_code}' \
	    "http://127.0.0.1:$P$1" >"$T/$2.code"
	now >"$T/$2.t"
}
metric() {	# NAME: its value in /metrics
	curl -s "http://127.0.0.1:$P/metrics" | sed -n "s/^$1 //p"
}
# settle: wait (up to 60 s) until no query runs or waits
settle() {
	for _ in $(seq 1 600); do
		[ "$(metric ipgraph_http_queries)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# --header-timeout 1: a connection set aside while its query waits and
# runs (seconds, for the last of three pictures) is not a slow client.
serve_start "$DB" --threads 1 --picture-cache 0 --max-nodes 3000 \
    --header-timeout 1
t0=$(now)
fetch "$(slow 0)" one
t1=$(now)
echo "one big picture alone: $(((t1 - t0) / 1000000)) ms"
check "a big picture alone: 200" test "$(cat "$T/one.code")" = 200

# /healthz and /metrics while three big pictures are drawn or wait.
pids=
for i in 1 2 3; do
	fetch "$(slow "$i")" s$i &
	pids="$pids $!"
done
sleep 0.15	# the pictures' requests are in (a picture takes longer)
hz0=$(now)
fetch /healthz hz
mx0=$(now)
fetch /metrics mx
wait $pids
for i in 1 2 3; do
	check "picture $i: 200" test "$(cat "$T/s$i.code")" = 200
done
check "/healthz: 200" test "$(cat "$T/hz.code")" = 200
check "/metrics: 200" test "$(cat "$T/mx.code")" = 200
first=$(cat "$T"/s?.t | sort -n | head -n 1)
echo "/healthz after $((($(cat "$T/hz.t") - t1) / 1000000)) ms, /metrics" \
    "$((($(cat "$T/mx.t") - t1) / 1000000)) ms, the first picture" \
    "$(((first - t1) / 1000000)) ms"
last=$(cat "$T"/s?.t | sort -n | tail -n 1)
echo "the last picture after $(((last - t1) / 1000000)) ms"
# drawn one after another on the one query thread: /healthz and /metrics
# are answered while they are drawn, in a fraction of the time one
# picture takes (when a connection thread ran the queries, /healthz took
# twice a picture's time, behind them); the first picture may be done
# before them on a fast machine
alone=$((t1 - t0))
hz=$(($(cat "$T/hz.t") - hz0))
mx=$(($(cat "$T/mx.t") - mx0))
check "/healthz in under half a picture's time ($((hz / 1000000)) ms)" \
    test "$hz" -lt $((alone / 2))
check "/metrics in under half a picture's time ($((mx / 1000000)) ms)" \
    test "$mx" -lt $((alone / 2))
check "/healthz and /metrics answered while the pictures were drawn" \
    test "$(cat "$T/mx.t")" -lt "$last"
check "/metrics showed the pictures running or waiting" \
    grep -Eq '^ipgraph_http_queries [1-3]$' "$T/mx"
check "no query was cut by the header deadline" test \
    "$(metric ipgraph_http_header_timeouts_total)" = 0

# A full queue: one thread takes 4 queries (running and waiting); of 9
# at once, some are refused at once, and say why.
pids=
for i in $(seq 1 9); do
	fetch "$(slow $((10 + i)))" b$i &
	pids="$pids $!"
done
wait $pids
ok=0 busy=0
why='^{"error": "graph.png: [0-9]* queries are running or waiting'
why="$why.*raise \\[http\\] threads"
for i in $(seq 1 9); do
	case $(cat "$T/b$i.code") in
	200)	ok=$((ok + 1));;
	503)	busy=$((busy + 1))
		check "busy $i: Retry-After: 1" grep -qi '^retry-after: 1' \
		    "$T/b$i.h"
		check "busy $i: a JSON error naming [http] threads" grep -q \
		    "$why" "$T/b$i";;
	*)	fail "burst $i: status $(cat "$T/b$i.code")";;
	esac
done
echo "burst of 9 on one thread: $ok answered, $busy refused"
check "burst: at least 4 answered ($ok)" test "$ok" -ge 4
check "burst: at least one refused ($busy)" test "$busy" -ge 1
check "the log says the queue was full, once" test "$(grep -c \
    'query threads take: data requests get 503' "$T/serve.log")" = 1
check "/metrics counts the refused ($busy)" test \
    "$(metric ipgraph_http_queries_busy_total)" = "$busy"
png503='ipgraph_http_requests_total{route="\/api\/v1\/graph.png",code="503"}'
check "/metrics counts the refused as graph.png's 503s" test \
    "$(metric "$png503")" = "$busy"

# Clients that leave mid-query: their queries finish unseen, the server
# goes on.
pids=
for i in 1 2 3; do
	curl -s -o /dev/null --max-time 0.2 \
	    "http://127.0.0.1:$P$(slow $((20 + i)))" &
	pids="$pids $!"
done
wait $pids
check "after clients left: /healthz 200" test \
    "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$P/healthz")" = 200
check "after clients left: the queries end" settle
check "after clients left: a picture 200" test "$(curl -s -o /dev/null \
    -w '%{http_code}' "http://127.0.0.1:$P/api/v1/graph.dot?top=5")" = 200
serve_stop

# SIGTERM with queries running and waiting: those waiting get 503, the
# running one ends, and the server exits 0.
serve_start "$DB" --threads 1 --picture-cache 0 --max-nodes 3000
pids=
for i in 1 2 3 4; do
	fetch "$(slow $((30 + i)))" k$i &
	pids="$pids $!"
done
sleep 0.3
serve_stop
wait $pids
stopped=0
for i in 1 2 3 4; do
	case $(cat "$T/k$i.code") in
	200)	;;
	503)	stopped=$((stopped + 1))
		check "stopping $i: says so" grep -q 'the server is stopping' \
		    "$T/k$i";;
	000)	;;	# closed as the server stopped
	*)	fail "stopping $i: status $(cat "$T/k$i.code")";;
	esac
done
echo "SIGTERM with 4 queries: $stopped answered 503"
finish
