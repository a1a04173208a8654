#!/bin/bash
# services.sh - port names.  Every capture of tests/data imported, the csv
# export's sport_service and dport_service must be the names an
# independent reading of /etc/services gives (python3: the first name of
# each PORT/PROTO, as getservbyport has it), with no name for ICMP or a
# port the file leaves out.  --services FILE names ports /etc/services
# leaves unnamed and renames none, for export and serve alike; an
# unreadable one is a clear error.
. "$(dirname "$0")/lib.sh"
need python3
need curl
[ -r /etc/services ] || {
	echo "FAIL: /etc/services is missing (package netbase)" >&2
	exit 1
}

for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	"$IPGRAPH" import --quiet --force --db "$T/s.db" "$f" 2>/dev/null
done
"$IPGRAPH" export csv --db "$T/s.db" >"$T/s.csv" || fail "export csv"

# oracle.py FILE... < CSV: every row's services against the files' names
cat >"$T/oracle.py" <<'PY'
import csv, sys
PROTO = {"tcp": "tcp", "udp": "udp", "sctp": "sctp", "dccp": "dccp"}
names = {}
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8", errors="replace"):
        f = line.split("#", 1)[0].split()
        if len(f) < 2 or "/" not in f[1]:
            continue
        port, proto = f[1].split("/", 1)
        if port.isdigit():
            names.setdefault((int(port), proto), f[0])
rows = named = bad = 0
for r in csv.DictReader(sys.stdin):
    rows += 1
    for end in ("sport", "dport"):
        p = PROTO.get(r["proto"])
        want = names.get((int(r[end]), p), "") if p else ""
        named += want != ""
        if r[end + "_service"] != want:
            bad += 1
            print("%s %s %s: %r, expected %r" % (r["proto"], end, r[end],
                r[end + "_service"], want), file=sys.stderr)
print(rows, named, bad)
PY
read -r rows named bad < <(python3 "$T/oracle.py" /etc/services <"$T/s.csv")
check "csv rows read ($rows)" test "${rows:-0}" -gt 20
check "ports named by /etc/services ($named)" test "${named:-0}" -gt 10
check "every service equals /etc/services' ($bad wrong)" test "${bad:-1}" -eq 0

# A larger list: names an unnamed port, and cannot rename http
port=$(python3 -c '
import csv, socket, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["proto"] == "tcp" and not r["dport_service"]:
        print(r["dport"]); break' "$T/s.csv")
check "an unnamed TCP port to name ($port)" test -n "$port"
printf '# more\nnot-web\t80/tcp\nmade-up-svc %s/tcp alias # comment\nbroken line\nx 99999/tcp\n' \
    "$port" >"$T/more"
"$IPGRAPH" export csv --db "$T/s.db" --services "$T/more" >"$T/m.csv" ||
    fail "export csv --services"
read -r rows named bad < <(python3 "$T/oracle.py" /etc/services "$T/more" <"$T/m.csv")
check "--services: every service equals the two files' ($bad wrong)" \
    test "${bad:-1}" -eq 0
check "--services names port $port" grep -q ",made-up-svc$" "$T/m.csv"
check "--services renames no port /etc/services names" \
    test "$(grep -c not-web "$T/m.csv")" -eq 0
expect_error 1 "^ipgraph: --services: $T/nothere: No such file" \
    "$IPGRAPH" export csv --db "$T/s.db" --services "$T/nothere"
# the ports picture takes the same names (its legend lists none; it draws)
"$IPGRAPH" export ports-svg --db "$T/s.db" --services "$T/more" \
    >"$T/p.svg" || fail "export ports-svg --services"
check "ports-svg drawn" grep -q "<svg" "$T/p.svg"
# serve --services: edges.csv over HTTP names the same ports
serve_start "$T/s.db" --services "$T/more"
curl -s "http://127.0.0.1:$P/api/v1/edges.csv" >"$T/h.csv"
check "serve --services: edges.csv as export's" cmp -s "$T/m.csv" "$T/h.csv"
serve_stop
expect_error 1 "^ipgraph: --services: $T/nothere: No such file" \
    "$IPGRAPH" serve --db "$T/s.db" --services "$T/nothere"
finish
