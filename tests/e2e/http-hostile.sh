#!/bin/bash
# http-hostile.sh - what a hostile or careless client sends does not hold
# the server: a FIFO in the www root is a 404 at once, %00 cuts no path or
# value short, a parameter given twice is refused, and a burst of pictures
# meets a bounded queue (503 with Retry-After) while /healthz answers;
# slow clients (slowloris) from several addresses do not hold every
# connection slot: their headers have a deadline, each address a limit,
# and a normal client is answered while they trickle and once they go.
# `ipgraph serve` on 127.0.0.1 only.
. "$(dirname "$0")/lib.sh"
need curl
need python3
need tcprewrite
need mkfifo

DB="$T/h.db"
# enough hosts that a picture takes a while to draw
for s in $(seq 1 25); do
	tcprewrite --seed="$s" --infile="$DATA/pcapplusplus-input.pcap" \
	    --outfile="$T/r$s.pcap" 2>/dev/null || fail "tcprewrite --seed=$s"
	"$IPGRAPH" import -q --db "$DB" "$T/r$s.pcap" 2>/dev/null ||
	    fail "import of r$s.pcap"
done
mkdir -p "$T/www"
echo '<!doctype html><title>ipgraph</title>' >"$T/www/index.html"
mkfifo "$T/www/pipe.html"
serve_start "$DB" --www "$T/www" --threads 8
U="http://127.0.0.1:$P"
code() { curl -s -g -o "$T/body" -w '%{http_code}' --max-time 10 "$@"; }

# 1. A FIFO is no file: answered at once, and four of them hold nothing.
start=$(date +%s%N)
check "a FIFO in the www root: 404" test "$(code "$U/pipe.html")" = 404
pids=""
for _ in 1 2 3 4; do
	curl -s -o /dev/null --max-time 10 "$U/pipe.html" &
	pids="$pids $!"
done
wait $pids
ms=$((($(date +%s%N) - start) / 1000000))
check "five FIFO requests answered in under 5 s ($ms ms)" test "$ms" -lt 5000
check "the server still answers" test "$(code "$U/healthz")" = 200

# 2. %00 is not the end of a path or a value.
check "/index.html%00.png is no file (404)" \
    test "$(code "$U/index.html%00.png")" = 404
check "layout=dot%00neato is refused (400)" \
    test "$(code "$U/api/v1/graph.svg?layout=dot%00neato")" = 400
check "... naming layout" grep -q '"parameter": "layout"' "$T/body"
check "%41 still decodes: /index.htm%6C is index.html (200)" \
    test "$(code "$U/index.htm%6C")" = 200

# 3. Many short parameters (under the URL limit) get the 414, not a
# closed connection; a parameter given twice is an error, not last-wins.
many=$(python3 -c 'print("&".join("a%d=" % i for i in range(950)))')
check "950 parameters: 414" test "$(code "$U/api/v1/graph.dot?$many")" = 414
many=$(python3 -c 'print("&".join("a=" for i in range(2700)))')
check "2700 one-letter parameters: 414" \
    test "$(code "$U/api/v1/graph.dot?$many")" = 414
check "top=3&top=5: 400" test "$(code "$U/api/v1/graph.dot?top=3&top=5")" = 400
check "... naming top" grep -q '"parameter": "top"' "$T/body"

# 4. A burst of pictures: a few are drawn, the rest told to come back;
# /healthz is answered meanwhile.
pids=""
for i in $(seq 1 10); do
	curl -s -o /dev/null -D "$T/b$i.h" -w '%{http_code}\n' --max-time 60 \
	    "$U/api/v1/graph.png?max_nodes=1000" >"$T/b$i.code" &
	pids="$pids $!"
done
sleep 0.3
start=$(date +%s%N)
hz=$(code "$U/healthz")
ms=$((($(date +%s%N) - start) / 1000000))
wait $pids
check "/healthz during the burst: 200 in under 2 s ($hz, $ms ms)" \
    test "$hz" = 200 -a "$ms" -lt 2000
ok=$(cat "$T"/b*.code | grep -c '^200$')
busy=$(cat "$T"/b*.code | grep -c '^503$')
check "the burst: only 200s and 503s ($ok + $busy of 10)" \
    test "$((ok + busy))" -eq 10
check "the burst: some pictures were drawn ($ok)" test "$ok" -ge 1
check "the burst: the queue turned some away ($busy)" test "$busy" -ge 1
for i in $(seq 1 10); do
	if [ "$(cat "$T/b$i.code")" = 503 ]; then
		check "a 503 says when to come back" grep -qi \
		    '^retry-after: 1' "$T/b$i.h"
		break
	fi
done
serve_stop

# 5. Slowloris: 8 addresses x 6 connections that send a header line every
# 0.3 s and never finish (and come back when closed), against 16 slots,
# 3 per address, a 2 s header deadline and a 60 s idle timeout (which a
# trickle keeps resetting).  Without the deadline they would hold every
# slot and curl would wait in the listen queue for ever.
serve_start "$DB" --threads 2 --max-connections 16 --per-ip 3 \
    --header-timeout 2 --timeout 60
U="http://127.0.0.1:$P"
metric() { curl -s --max-time 10 "$U/metrics" |
    awk -v m="$1" '$1 == m {print $2}'; }
python3 "$top_srcdir/tests/e2e/slowloris.py" "$P" \
    127.0.0.10,127.0.0.11,127.0.0.12,127.0.0.13,127.0.0.14,127.0.0.15,127.0.0.16,127.0.0.17 \
    6 12 0.3 "$T/loris.ready" >"$T/loris.json" 2>"$T/loris.err" &
lpid=$!
wait_file "$T/loris.ready" ready || fail "the slow client did not start"
sleep 3	# past the first deadline: the server has cut some already
for i in 1 2 3; do
	check "curl while the slow clients trickle ($i): 200" \
	    test "$(code --max-time 8 "$U/healthz")" = 200
done
to=$(metric ipgraph_http_header_timeouts_total)
rej=$(metric ipgraph_http_rejected_total)
check "slow connections cut at the header deadline ($to)" \
    test "${to:-0}" -ge 1
check "connections over per_ip_connections refused ($rej)" \
    test "${rej:-0}" -ge 1
wait $lpid
check "the slow client ran ($(cat "$T/loris.err"))" \
    grep -q '"opened"' "$T/loris.json"
check "... and the server closed some of its connections ($(cat "$T/loris.json"))" \
    python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["closed"] < 1)' \
    "$T/loris.json"
check "curl right after they close: 200" \
    test "$(code --max-time 8 "$U/healthz")" = 200
serve_stop

# 6. Once they close, their slots are free: the same slow clients against
# a 60 s header deadline; they leave, and neither curl nor the slots wait
# for that deadline.
serve_start "$DB" --threads 2 --max-connections 16 --per-ip 3 \
    --header-timeout 60 --timeout 60
U="http://127.0.0.1:$P"
python3 "$top_srcdir/tests/e2e/slowloris.py" "$P" \
    127.0.0.10,127.0.0.11,127.0.0.12,127.0.0.13,127.0.0.14,127.0.0.15,127.0.0.16,127.0.0.17 \
    6 5 0.3 "$T/loris2.ready" >"$T/loris2.json" 2>"$T/loris2.err"
check "curl right after they close: 200 (not 60 s later)" \
    test "$(code --max-time 10 "$U/healthz")" = 200
for _ in $(seq 50); do
	n=$(metric ipgraph_http_connections)
	[ "${n:-99}" -le 2 ] && break
	sleep 0.2
done
check "their slots are free again ($n open, counting the /metrics one)" \
    test "${n:-99}" -le 2
to=$(metric ipgraph_http_header_timeouts_total)
check "... freed because they left, not by the deadline ($to cut)" \
    test "${to:-1}" -eq 0
serve_stop
finish
