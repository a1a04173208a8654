#!/bin/bash
# http-dashboard.sh - the dashboard (www/, d3 from npm) served by
# `ipgraph serve`, run by headless Chromium: the DOM its JavaScript builds
# from the API must hold one node per host and one row per heavy edge of
# the same query, the stats, and the live stream's state.
. "$(dirname "$0")/lib.sh"
need curl
# Under LeakSanitizer: libgvc and fontconfig keep memory to the end.
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
need python3
need chromium
WWW="$top_builddir/www"
[ -s "$WWW/vendor/d3.min.js" ] && [ -s "$WWW/index.html" ] || {
	echo "FAIL: $WWW has no d3 bundle or page (make builds them with npm)" >&2
	exit 1
}

SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

DB="$T/db"
for f in "$DATA"/pcapplusplus-input.pcap "$DATA"/pcapplusplus-ipv6-frag.pcap \
    "$DATA"/pcapplusplus-one_http_stream_rst.pcap; do
	"$IPGRAPH" import -q --db "$DB" "$f" 2>/dev/null
done
"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --www "$WWW" >"$T/log" 2>&1 &
SPID=$!
for _ in $(seq 1 50); do
	grep -q serving "$T/log" && break
	sleep 0.1
done
P=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/log")
[ -n "$P" ] || { echo "FAIL: serve did not start: $(cat "$T/log")" >&2; exit 1; }
U="http://127.0.0.1:$P"

check "d3 is served from the www root" test "$(curl -s -o /dev/null \
    -w '%{http_code} %{content_type}' "$U/vendor/d3.min.js")" = \
    "200 text/javascript; charset=utf-8"
curl -s "$U/api/v1/edges.json?from=2000-01-01&metric=packets&top=10" >"$T/api.json"

# --dump-dom prints the DOM once the page is idle (virtual time lets the
# fetches finish without waiting on the clock).
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$T/profile" --virtual-time-budget=8000 \
    --dump-dom "$U/#span=2000-01-01&top=10" >"$T/dom.html" 2>"$T/chromium.log" ||
    fail "chromium: $(tail -5 "$T/chromium.log")"
python3 - "$T/dom.html" "$T/api.json" <<'PY' || fail "the dashboard's DOM does not match the API"
import json, sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.nodes, self.links, self.rows, self.stats = [], 0, 0, {}
        self.live, self.key, self.in_live = "", None, False
    def handle_starttag(self, tag, a):
        a = dict(a)
        cls = a.get("class", "")
        if tag == "g" and cls == "node":
            self.nodes.append(a.get("data-address"))
        elif tag == "line" and cls == "link":
            self.links += 1
        elif tag == "tr" and cls == "edge":
            self.rows += 1
        elif tag == "dd" and cls == "stat":
            self.key = a.get("data-key")
        elif tag == "p" and a.get("id") == "live-status":
            self.in_live = True
    def handle_data(self, d):
        if self.key:
            self.stats[self.key] = d
            self.key = None
        if self.in_live:
            self.live += d
            self.in_live = False

p = P()
p.feed(open(sys.argv[1]).read())
g = json.load(open(sys.argv[2]))
want = sorted(n["address"] for n in g["nodes"])
assert sorted(p.nodes) == want, ("nodes", p.nodes, want)
assert p.links == len(g["links"]), ("links", p.links, len(g["links"]))
assert p.rows == min(20, len(g["links"])), ("rows", p.rows)
assert p.stats.get("capture", "").startswith("none: serving"), p.stats
assert p.live.startswith("no live stream"), p.live
print("dashboard: %d nodes, %d links, %d rows" % (len(p.nodes), p.links, p.rows))
PY
pass
check "the page loaded d3 and app.js without errors" sh -c \
    "! grep -Eq 'Uncaught|ReferenceError|TypeError' '$T/chromium.log'"
finish
