#!/bin/bash
# alerts.sh - [alerts]: ipgraphd in network namespaces made here POSTs the
# new edges of replayed captures to a listener on the namespace's own
# loopback (exactly `ipgraph new`'s edges, each once); a webhook that
# refuses connections leaves capture and the store whole (logged,
# counted, retried); a command gets the same JSON; bad URLs refused.
. "$(dirname "$0")/lib.sh"
need python3
need tcpreplay
need tshark
need curl

# bad input first (no root needed): the key named, with file and line
printf '[alerts]\nwebhook = https://127.0.0.1/x\n' >"$T/bad1.conf"
printf '[alerts]\nwebhook = ftp://h/x\n' >"$T/bad2.conf"
printf '[alerts]\nwebhook = http://:80/x\n' >"$T/bad3.conf"
printf '[alerts]\nhosts = 10.0.0.0/33\n' >"$T/bad4.conf"
printf '[alerts]\ninterval = 0\n' >"$T/bad5.conf"
printf '[alerts]\nwebhook = http://127.0.0.1:9/x\ncommand = true\n' >"$T/bad6.conf"
for i in 1 2 3; do
	expect_error 1 "bad$i.conf:2: \\[alerts\\] webhook: .* is not an http:// URL" \
	    "$IPGRAPHD" --check-config -c "$T/bad$i.conf"
done
expect_error 1 'bad4.conf:2: \[alerts\] hosts: .* not an IPv4 or IPv6' \
    "$IPGRAPHD" --check-config -c "$T/bad4.conf"
expect_error 1 'bad5.conf:2: \[alerts\] interval: .* out of range' \
    "$IPGRAPHD" --check-config -c "$T/bad5.conf"
expect_error 1 'bad6.conf:3: \[alerts\] command: give webhook or command, not both' \
    "$IPGRAPHD" --check-config -c "$T/bad6.conf"
# zones: a site file (longest prefix wins; the oracle below does the same)
cat >"$T/sites" <<'EOF2'
172.16.0.0/12 = office, zone=inside
2607:f010::/32 = campus, zone=inside
98.136.0.0/13 = yahoo, zone=cloud
98.139.161.0/24 = mail, zone=cloud
EOF2
printf '[alerts]\nwebhook = http://127.0.0.1:9/x\nzones = cloud\n' >"$T/bad7.conf"
printf '[http]\nsites = %s\n[alerts]\nwebhook = http://127.0.0.1:9/x\nzones = cloud, dmz\n' \
    "$T/sites" >"$T/bad8.conf"
expect_error 1 'bad7.conf:3: \[alerts\] zones: names zones of a site file: set \[http\] sites' \
    "$IPGRAPHD" --check-config -c "$T/bad7.conf"
expect_error 1 "bad8.conf:5: \\[alerts\\] zones: 'dmz' is neither a zone nor a site of .*sites \\(its zones: inside, cloud\\)" \
    "$IPGRAPHD" --check-config -c "$T/bad8.conf"

sensor_setup ipal
ip netns exec "$SEN" ip link set lo up
replay() {
	ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" "$@" \
	    >"$T/replay" 2>&1 || fail "tcpreplay $*: $(tail -3 "$T/replay")"
}
wait_for() {	# wait_for COMMAND...: up to 30 s
	for _ in $(seq 1 300); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
metric() {
	ip netns exec "$SEN" curl -s http://127.0.0.1:8080/metrics |
	    sed -n "s/^$1 //p"
}
# same NEW.csv HOOK.jsonl: the edges POSTed equal `ipgraph new`'s, once each
same() {
	python3 - "$1" "$2" <<'PY'
import csv, json, sys
want = sorted((r["first_seen"], r["proto"], r["src"], r["dst"], int(r["dport"]))
              for r in csv.DictReader(open(sys.argv[1])))
got = []
for line in open(sys.argv[2]):
    d = json.loads(line)
    assert d["sensor"] == "veth", d["sensor"]
    got += [(e["first_seen"], e["proto"], e["src"], e["dst"], e["dport"])
            for e in d["new_edges"]]
got.sort()
if want != got or not want:
    print("want %d edges, got %d" % (len(want), len(got)))
    print(" missing", sorted(set(want) - set(got))[:5])
    print(" extra  ", sorted(set(got) - set(want))[:5])
    sys.exit(1)
PY
}
CAPS="pcapplusplus-input.pcap pcapplusplus-gtp-u.pcap
pcapplusplus-one_http_stream_rst.pcap pcapplusplus-ipv6-frag.pcap"

# 1. A webhook on the sensor's loopback gets exactly the new edges, at
#    most once per interval (30 s: the first window's at once, the rest
#    when the daemon stops).
: >"$T/hook.jsonl"
ip netns exec "$SEN" python3 "$top_srcdir/tests/e2e/hook_listener.py" 0 \
    "$T/hook.port" "$T/hook.jsonl" &
HPID=$!
wait_for test -s "$T/hook.port" || fail "the listener did not start"
HP=$(cat "$T/hook.port")
daemon_conf "$T/c1" "$B" '[http]\nlisten = 127.0.0.1:8080' \
    "[alerts]\nwebhook = http://127.0.0.1:$HP/hook\ninterval = 30"
daemon_start "$T/c1"
for c in $CAPS; do
	replay "$DATA/$c"
	sleep 2.5
done
sleep 4		# the last window closes (2 s, 1 s grace) and is delivered
n=$(metric ipgraph_alert_edges_sent_total)
daemon_stop "ipgraphd exits 0 on SIGTERM (webhook)"
kill "$HPID"
wait "$HPID" 2>/dev/null
"$IPGRAPH" new --db "$W/db" --since 0 >"$T/new1.csv"
check "webhook: the edges POSTed are ipgraph new's, each once" \
    same "$T/new1.csv" "$T/hook.jsonl"
check "webhook: /metrics counted the first delivery ($n)" \
    test "$n" = "$(head -1 "$T/hook.jsonl" | python3 -c 'import json, sys
print(len(json.load(sys.stdin)["new_edges"]))')"
check "webhook: rate-limited (2 POSTs for $(sqlite3 "$W/db" 'SELECT count(*) FROM windows WHERE tier = 0') windows)" \
    test "$(wc -l <"$T/hook.jsonl")" = 2

# 2. A webhook that refuses connections: capture and the store go on.
daemon_conf "$T/c2" "$B" '[http]\nlisten = 127.0.0.1:8080' \
    "[alerts]\nwebhook = http://127.0.0.1:$HP/hook\ninterval = 1"
daemon_start "$T/c2"
: >"$T/all.pairs"
for c in $CAPS; do
	replay "$DATA/$c"
	$PAIRS tshark "$DATA/$c" >>"$T/all.pairs"
done
# the windows close and the hook fails a few times (slower under a
# sanitizer build): wait for both, up to 30 s
for _ in $(seq 1 60); do
	failures=$(metric ipgraph_alert_failures_total)
	pending=$(metric ipgraph_alert_edges_pending)
	[ "${failures:-0}" -ge 2 ] && [ "${pending:-0}" -gt 0 ] && break
	sleep 0.5
done
check "refused: the daemon still answers /healthz" \
    ip netns exec "$SEN" curl -sf http://127.0.0.1:8080/healthz -o /dev/null
daemon_stop "ipgraphd exits 0 on SIGTERM (webhook refusing)"
"$IPGRAPH" export csv --db "$W/db" >"$T/live.csv"
check "refused: every packet stored (per-pair counts equal tshark's)" \
    $PAIRS compare "$T/all.pairs" "$T/live.csv"
check "refused: failures counted ($failures) and retried with back-off" \
    test "${failures:-0}" -ge 2
check "refused: the new edges wait ($pending pending)" \
    test "${pending:-0}" -gt 0
check "refused: logged with the reason" \
    grep -q "alerts: .* not delivered: connecting to 127.0.0.1 port $HP: Connection refused (retry in" "$T/log"

# 3. A command gets the same JSON on its standard input.
daemon_conf "$T/c3" "$B" \
    "[alerts]\ncommand = cat >>$W/cmd.jsonl\ninterval = 1"
daemon_start "$T/c3"
for c in $CAPS; do
	replay "$DATA/$c"
done
sleep 4
daemon_stop "ipgraphd exits 0 on SIGTERM (command)"
"$IPGRAPH" new --db "$W/db" --since 0 >"$T/new3.csv"
check "command: the edges it read are ipgraph new's, each once" \
    same "$T/new3.csv" "$W/cmd.jsonl"

# 4. zones: only new edges with an end in a zone (or site) of the site
#    file, as an independent longest-prefix match over `ipgraph new` says.
: >"$T/hook4.jsonl"
ip netns exec "$SEN" python3 "$top_srcdir/tests/e2e/hook_listener.py" 0 \
    "$T/hook4.port" "$T/hook4.jsonl" &
HPID=$!
wait_for test -s "$T/hook4.port" || fail "the listener did not start"
HP=$(cat "$T/hook4.port")
daemon_conf "$T/c4" "$B" "[http]\nlisten = 127.0.0.1:8080\nsites = $T/sites" \
    "[alerts]\nwebhook = http://127.0.0.1:$HP/hook\ninterval = 1\nzones = cloud, office"
daemon_start "$T/c4"
for c in $CAPS; do
	replay "$DATA/$c"
done
sleep 4
daemon_stop "ipgraphd exits 0 on SIGTERM (zones)"
kill "$HPID"
wait "$HPID" 2>/dev/null
"$IPGRAPH" new --db "$W/db" --since 0 >"$T/new4all.csv"
python3 - "$T/sites" "$T/new4all.csv" >"$T/new4.csv" <<'PY'
import csv, ipaddress, sys
blocks = []
for line in open(sys.argv[1]):
    cidr, rest = line.split("=", 1)
    parts = [p.strip() for p in rest.split(",")]
    zone = [p[5:] for p in parts if p.startswith("zone=")]
    blocks.append((ipaddress.ip_network(cidr.strip()), parts[0], zone[0]))
def site(a):
    a = ipaddress.ip_address(a)
    best = None
    for n, name, zone in blocks:
        if a.version == n.version and a in n and (best is None or
                n.prefixlen > best[0].prefixlen):
            best = (n, name, zone)
    return best
want = {"cloud", "office"}
rows = list(csv.DictReader(open(sys.argv[2])))
w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()))
w.writeheader()
for r in rows:
    for a in (r["src"], r["dst"]):
        s = site(a)
        if s and (s[1] in want or s[2] in want):
            w.writerow(r)
            break
PY
check "zones: $(($(wc -l <"$T/new4.csv") - 1)) of $(($(wc -l <"$T/new4all.csv") - 1)) new edges touch the zones" \
    test "$(wc -l <"$T/new4.csv")" -gt 1 -a "$(wc -l <"$T/new4.csv")" -lt "$(wc -l <"$T/new4all.csv")"
check "zones: the edges POSTed are those with an end in the zones, each once" \
    same "$T/new4.csv" "$T/hook4.jsonl"

finish
