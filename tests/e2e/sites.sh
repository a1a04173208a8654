#!/bin/bash
# sites.sh - grouping by a site file: --group site and --group zone fold
# hosts into the longest block that holds them, with their member counts;
# the totals per site and per zone equal an independent computation over
# the stored rows (sqlite3 and Python's ipaddress); the HTTP server does
# the same with --sites; bad site files are refused naming file:line.
. "$(dirname "$0")/lib.sh"
need curl
need sqlite3
need python3

DB="$T/s.db"
for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	"$IPGRAPH" import -q --db "$DB" "$f" 2>/dev/null
	[ $? -le 1 ] || fail "import of ${f##*/}"
done
cat >"$T/sites" <<'EOF'
# blocks nest: the longest prefix wins
192.168.0.0/16 = home, zone=lan, colour=#a6cee3
192.168.1.0/24 = office, zone=lan
10.0.0.0/8 = internal, zone=lan, colour=#b2df8a
74.125.0.0/16 = google, zone=internet
98.138.0.0/15 = yahoo, zone=internet, colour=#fb9a99
2607:f010::/32 = campus, zone=internet
EOF

# The independent computation: every stored raw row, folded by Python.
sqlite3 -separator ' ' "$DB" "SELECT hex(e.src), hex(e.dst), e.packets,
    e.bytes FROM pairs e JOIN windows w ON w.id = e.window_id
    WHERE w.tier = 0" >"$T/rows"
oracle() {	# site|zone: "NODE OUT_PACKETS IN_PACKETS MEMBERS" lines
	python3 - "$T/sites" "$T/rows" "$1" <<'PY'
import ipaddress, sys
blocks = []
for line in open(sys.argv[1]):
    line = line.strip()
    if not line or line[0] in "#;":
        continue
    cidr, rest = [x.strip() for x in line.split("=", 1)]
    parts = [x.strip() for x in rest.split(",")]
    zone = parts[0]
    for p in parts[1:]:
        k, v = [x.strip() for x in p.split("=", 1)]
        if k == "zone":
            zone = v
    blocks.append((ipaddress.ip_network(cidr), parts[0], zone))
blocks.sort(key=lambda b: -b[0].prefixlen)
by = sys.argv[3]
def node(h):
    a = ipaddress.ip_address(bytes.fromhex(h))
    for net, site, zone in blocks:
        if a.version == net.version and a in net:
            return ("site:" + site) if by == "site" else ("zone:" + zone)
    return str(a)
out, inn, members = {}, {}, {}
for line in open(sys.argv[2]):
    s, d, p, b = line.split()
    for h, tab in ((s, out), (d, inn)):
        n = node(h)
        tab[n] = tab.get(n, 0) + int(p)
        if n.startswith(("site:", "zone:")):
            members.setdefault(n, set()).add(h)
for n in sorted(set(out) | set(inn)):
    print(n, out.get(n, 0), inn.get(n, 0), len(members.get(n, ())))
PY
}
# ours: the JSON nodes the same way
ours() {	# FILE
	python3 -c '
import json, sys
for n in sorted(json.load(open(sys.argv[1]))["nodes"], key=lambda n: n["address"]):
    print(n["address"], n["out_packets"], n["in_packets"], n.get("members", 0))' "$1"
}

for by in site zone; do
	"$IPGRAPH" export json --db "$DB" --sites "$T/sites" --group "$by" \
	    -o "$T/$by.json" || fail "export json --group $by"
	oracle "$by" >"$T/$by.want"
	ours "$T/$by.json" | sort >"$T/$by.got"
	sort -o "$T/$by.want" "$T/$by.want"
	check "--group $by: every node's packets and members equal the oracle ($(diff "$T/$by.want" "$T/$by.got" | head -3))" \
	    cmp -s "$T/$by.want" "$T/$by.got"
	check "--group $by: there are $by nodes" grep -q "^$by:" "$T/$by.got"
done
check "a site's colour is in the JSON" grep -q '"colour":"#fb9a99"' \
    "$T/site.json"
"$IPGRAPH" export dot --db "$DB" --sites "$T/sites" --group site \
    -o "$T/site.dot" 2>/dev/null
check "DOT labels a site with its hosts" grep -q \
    '"site:office" \[label="office\\n[0-9]* host' "$T/site.dot"
check "DOT fills a site with its colour" grep -q \
    '"site:yahoo" \[label="yahoo\\n[0-9]* hosts*", fillcolor="#fb9a99"' \
    "$T/site.dot"

# Over HTTP, from the server's own site file.
serve_start "$DB" --sites "$T/sites"
code=$(curl -s -o "$T/h.json" -w '%{http_code}' \
    "http://127.0.0.1:$P/api/v1/edges.json?group=zone")
check "edges.json?group=zone: 200 ($code)" test "$code" = 200
check "edges.json?group=zone equals the CLI" cmp -s "$T/h.json" \
    "$T/zone.json"
serve_start "$DB"
code=$(curl -s -o "$T/e.json" -w '%{http_code}' \
    "http://127.0.0.1:$P/api/v1/graph.dot?group=site")
check "group=site without a site file: 400 ($code)" test "$code" = 400
check "the 400 names group" grep -q '"parameter": "group"' "$T/e.json"

# Bad site files, named by file and line.
expect_error 1 '^ipgraph: --group: site needs a site file' \
    "$IPGRAPH" export dot --db "$DB" --group site
printf '10.0.0.0/8 = a\n# fine\n10.0.0.0/8 = b\n' >"$T/dup"
expect_error 1 "^ipgraph: --sites: $T/dup:3: 10.0.0.0/8 is named on line 1 already" \
    "$IPGRAPH" export dot --db "$DB" --sites "$T/dup" --group site
printf '10.0.0.0/8 = a\n10.0.0.0/33 = b\n' >"$T/bad"
expect_error 1 "^ipgraph: --sites: $T/bad:2: '10.0.0.0/33' is not an IPv4 or IPv6" \
    "$IPGRAPH" export dot --db "$DB" --sites "$T/bad" --group site
printf '10.0.0.0/8 = a, colour=red\n' >"$T/col"
expect_error 1 "^ipgraph: --sites: $T/col:1: colour 'red' is not #RRGGBB" \
    "$IPGRAPH" export dot --db "$DB" --sites "$T/col" --group site
printf '10.0.0.0/8 a\n' >"$T/noeq"
expect_error 1 "^ipgraph: --sites: $T/noeq:1: expected CIDR = NAME" \
    "$IPGRAPH" export dot --db "$DB" --sites "$T/noeq" --group site
expect_error 1 "^ipgraph: --sites: $T/none: No such file" \
    "$IPGRAPH" export dot --db "$DB" --sites "$T/none" --group site
finish
