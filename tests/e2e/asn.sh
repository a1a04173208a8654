#!/bin/bash
# asn.sh - AS and country from the location database (libloc).  The hosts
# of the committed captures (public addresses among them) must carry in
# JSON and GEXF the asn, as_name and country that Debian's `location`
# tool (python3-location, not our code) gives for the same database, and
# --group asn|country (CLI and HTTP group=) must fold exactly the hosts
# it places in each AS or country.  No database: one notice, the exports
# still work, and --group asn is a clear error.  Built without libloc:
# --group asn says so.  No traffic is sent anywhere.
. "$(dirname "$0")/lib.sh"
need python3
need curl
DB_LOC=/usr/share/libloc-location/location.db

for f in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	"$IPGRAPH" import --quiet --force --no-names --db "$T/a.db" "$f" 2>/dev/null
done

# Without libloc the one thing to check is the message
IPGRAPH_LOCATION_DB=$DB_LOC "$IPGRAPH" export json --db "$T/a.db" \
    --group asn >"$T/g.json" 2>"$T/g.err"
if grep -q "built without libloc" "$T/g.err"; then
	check "built without libloc: --group asn names the fix" \
	    grep -q "install libloc-dev" "$T/g.err"
	expect_error 1 "built without libloc" \
	    "$IPGRAPH" export json --db "$T/a.db" --group country
	"$IPGRAPH" export json --db "$T/a.db" >/dev/null 2>&1
	check "built without libloc: json still exports" test $? -eq 0
	finish
fi
need location
[ -r "$DB_LOC" ] || {
	echo "FAIL: $DB_LOC is missing (package libloc-database)" >&2
	exit 1
}
export IPGRAPH_LOCATION_DB=$DB_LOC

"$IPGRAPH" export json --db "$T/a.db" >"$T/h.json" 2>"$T/h.err" ||
    fail "export json"
"$IPGRAPH" export gexf --db "$T/a.db" >"$T/h.gexf" || fail "export gexf"
# The oracle: `location lookup` of every host address, its country names
# turned into codes by `location list-countries`
python3 -c '
import json, sys
for n in json.load(open(sys.argv[1]))["nodes"]:
    print(n["address"])' "$T/h.json" >"$T/addrs"
location --database "$DB_LOC" list-countries --show-name >"$T/cc"
# one at a time: location stops at the first address it places nowhere
while read -r a; do
	location --database "$DB_LOC" lookup "$a" </dev/null 2>/dev/null
done <"$T/addrs" >"$T/lookup"
cat >"$T/oracle.py" <<'PY'
import json, re, sys
cc = {}
for line in open(sys.argv[1]):
    code, name = line.rstrip("\n").split(" ", 1)
    cc[name.strip()] = code
want, addr = {}, None
for line in open(sys.argv[2]):
    m = re.match(r"^(\S+):$", line)
    if m:
        addr = m.group(1)
        want[addr] = {}
        continue
    m = re.match(r"^\s+(\S.*?)\s+: (.*)$", line)
    if addr and m:
        k, v = m.group(1), m.group(2)
        if k == "Country":
            want[addr]["country"] = cc[v]
        elif k == "Autonomous System":
            a = re.match(r"AS(\d+)(?: - (.*))?$", v)
            want[addr]["asn"] = int(a.group(1))
            if a.group(2):
                want[addr]["as_name"] = a.group(2)
json.dump(want, open(sys.argv[3], "w"))
PY
python3 "$T/oracle.py" "$T/cc" "$T/lookup" "$T/want.json" ||
    fail "reading location's answers"

check "json: every host's asn, as_name, country equal location's" python3 -c '
import json, sys
want = json.load(open(sys.argv[2]))
bad = located = 0
for n in json.load(open(sys.argv[1]))["nodes"]:
    got = {k: n[k] for k in ("asn", "as_name", "country") if k in n}
    w = want.get(n["address"], {})
    located += bool(w)
    if got != w:
        bad += 1
        print("%s: %s, location says %s" % (n["address"], got, w),
            file=sys.stderr)
print("%d hosts located" % located, file=sys.stderr)
sys.exit(bad != 0 or located < 5)' "$T/h.json" "$T/want.json"
check "gexf: the same as attributes" python3 -c '
import json, sys, xml.etree.ElementTree as ET
want = json.load(open(sys.argv[2]))
ns = {"g": "http://www.gexf.net/1.2draft"}
r = ET.parse(sys.argv[1]).getroot()
ids = {a.get("id"): a.get("title") for a in
    r.findall(".//g:attributes[@class=\"node\"]/g:attribute", ns)}
bad = 0
for n in r.findall(".//g:node", ns):
    v = {ids[a.get("for")]: a.get("value") for a in n.findall(".//g:attvalue", ns)}
    got = {k: (int(v[k]) if k == "asn" else v[k])
        for k in ("asn", "as_name", "country") if k in v}
    bad += got != want.get(v["address"], {})
sys.exit(bad != 0)' "$T/h.gexf" "$T/want.json"
check "no notice with a database" test ! -s "$T/h.err"

# --group asn | country: each group holds exactly the hosts location puts
# there; the hosts it places nowhere stay hosts
grouped() {	# KEY JSON: "NODE MEMBERS" lines, sorted
	python3 -c '
import collections, json, sys
key, want = sys.argv[1], json.load(open(sys.argv[3]))
hosts = [n["address"] for n in json.load(open(sys.argv[4]))["nodes"]]
if sys.argv[2] == "want":
    c = collections.Counter()
    for h in hosts:
        v = want.get(h, {}).get(key)
        c[("AS%d" % v if key == "asn" else "country:" + v) if v else h] += 1
    out = ["%s %d" % (k, n if k.startswith(("AS", "country:")) else 0)
        for k, n in c.items()]
else:
    out = ["%s %d" % (n["address"], n.get("members", 0))
        for n in json.load(open(sys.argv[2]))["nodes"]]
print("\n".join(sorted(out)))' "$1" "$2" "$T/want.json" "$T/h.json"
}
for key in asn country; do
	"$IPGRAPH" export json --db "$T/a.db" --group "$key" >"$T/$key.json" ||
	    fail "export json --group $key"
	grouped "$key" want >"$T/$key.want"
	grouped "$key" "$T/$key.json" >"$T/$key.got"
	check "--group $key folds the hosts as location places them ($(diff "$T/$key.want" "$T/$key.got" | head -4 | tr '\n' ' '))" \
	    cmp -s "$T/$key.want" "$T/$key.got"
	check "--group $key: some group holds two hosts or more" \
	    grep -Eq '^(AS|country:)[^ ]* ([2-9]|[1-9][0-9])' "$T/$key.got"
done
check "an AS node is labelled with its name" python3 -c '
import json, sys
n = [x for x in json.load(open(sys.argv[1]))["nodes"] if x["address"] == "AS15169"]
sys.exit(not (n and n[0]["name"] == "GOOGLE" and n[0]["name_source"] == "asn"))' \
    "$T/asn.json"

# HTTP: group=asn gives the same nodes
serve_start "$T/a.db"
curl -s "http://127.0.0.1:$P/api/v1/edges.json?group=asn" >"$T/http.json"
grouped asn "$T/http.json" >"$T/http.got"
check "HTTP group=asn equals the CLI's" cmp -s "$T/asn.got" "$T/http.got"
code=$(curl -s -o "$T/bad.txt" -w '%{http_code}' \
    "http://127.0.0.1:$P/api/v1/edges.json?group=asnx")
check "HTTP group=asnx is refused ($code)" test "$code" = 400
serve_stop

# No database: one notice, the rest works; --group asn is an error
IPGRAPH_LOCATION_DB=$T/none.db "$IPGRAPH" export json --db "$T/a.db" \
    >"$T/n.json" 2>"$T/n.err"
check "no database: json still exports" test $? -eq 0
check "no database: one line says so ($(cat "$T/n.err"))" \
    test "$(grep -c "AS and country: IPGRAPH_LOCATION_DB $T/none.db: No such file" "$T/n.err")" = 1 -a "$(wc -l <"$T/n.err")" = 1
check "no database: no node has an asn" test "$(grep -c '"asn"' "$T/n.json")" = 0
IPGRAPH_LOCATION_DB=$T/none.db expect_error 1 \
    "^ipgraph: --group: asn needs the location database: .*none.db" \
    "$IPGRAPH" export json --db "$T/a.db" --group asn
finish
