# formats_check.py - the Python side of formats.sh: reads the formats
# list, and opens each downloaded body with the consumer of its format, in
# one run (Python and networkx start slowly).
#
#   formats_check.py list FORMATS_JSON
#       one line per entry: format|command|route|content_type|available|
#       options (comma-separated), after checking the entry's fields
#   formats_check.py open LIST
#       LIST has lines "FORMAT FILE [JSON_FILE]": FILE must open as
#       FORMAT; JSON_FILE, when given, is edges.json of the same query,
#       against which GEXF and csv-pairs totals are compared
#   formats_check.py errors LIST
#       LIST has lines "FILE PARAM": FILE is a JSON error naming PARAM
import csv
import io
import json
import re
import struct
import sys
import xml.dom.minidom
from html.parser import HTMLParser


def fields_list(path):
    d = json.load(open(path))
    for e in d["formats"]:
        for k in ("format", "command", "route", "content_type",
                  "description"):
            assert isinstance(e[k], str) and e[k], (k, e)
        assert isinstance(e["available"], bool), e
        assert all(isinstance(f, str) for f in e["filters"]), e
        assert all(set(o) == {"name", "about"} for o in e["options"]), e
        print("|".join([e["format"], e["command"], e["route"],
                        e["content_type"], "yes" if e["available"] else "no",
                        ",".join(o["name"] for o in e["options"])]))


def png(path):
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR", "not a PNG"
    w, h = struct.unpack(">II", d[16:24])
    assert w > 0 and h > 0, (w, h)
    assert d[-8:-4] == b"IEND", "no IEND"


def svg(path):
    doc = xml.dom.minidom.parse(path)
    assert doc.documentElement.tagName == "svg", doc.documentElement.tagName


def links_total(json_path):
    g = json.load(open(json_path))
    return len(g["nodes"]), len(g["links"]), sum(l["value"] for l in g["links"])


def gexf(path, json_path):
    import networkx
    g = networkx.read_gexf(path)
    assert g.is_directed()
    if json_path:
        n, e, _ = links_total(json_path)
        assert (g.number_of_nodes(), g.number_of_edges()) == (n, e), \
            (g.number_of_nodes(), g.number_of_edges(), n, e)


def pairs(path, json_path):
    total = 0
    for line in open(path, encoding="utf-8"):
        src, dst, w = line.rstrip("\n").split(";")
        assert src and dst, line
        total += int(w)
    if json_path:
        assert total == links_total(json_path)[2], total


def table(path, delim, first):
    rows = list(csv.reader(open(path, encoding="utf-8", newline=""),
                           delimiter=delim))
    assert rows and rows[0][0] == first, rows[:1]
    assert all(len(r) == len(rows[0]) for r in rows), "ragged rows"


def moowheel(path):
    w = json.load(open(path))
    ids = {n["id"] for n in w}
    assert all(c[0] in ids for n in w for c in n["connections"]), "dangling"


def moowheel_html(path):
    page = open(path, encoding="utf-8").read()
    HTMLParser().feed(page)
    m = re.search(r'<script id="wheel-data" type="application/json">'
                  r'(.*?)</script>', page, re.S)
    assert m, "no wheel data"
    json.loads(m.group(1))


def picviz(path):
    # header { k = "v"; } axes { type name [props]; } data { k="v", ...; }
    text = open(path, encoding="utf-8").read()
    m = re.fullmatch(r'\s*header\s*\{(.*?)\}\s*axes\s*\{(.*?)\}\s*'
                     r'data\s*\{(.*)\}\s*', text, re.S)
    assert m, "not header/axes/data"
    axes = re.findall(r'^\s*\w+\s+(\w+)', m.group(2), re.M)
    assert axes, "no axes"
    for line in m.group(3).strip().splitlines():
        keys = re.findall(r'(\w+)="(?:[^"\\]|\\.)*"', line.split("[")[0])
        assert keys == axes and line.rstrip().endswith(";"), line


def rtgraph(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    assert lines and lines[-1] == "quit", lines[-1:]
    assert all(re.fullmatch(r"edge \S+ \S+", l) for l in lines[:-1])


def open_all(listfile):
    bad = n = 0
    for line in open(listfile):
        parts = line.split()
        fmt, path = parts[0], parts[1]
        js = parts[2] if len(parts) > 2 else None
        n += 1
        try:
            if fmt in ("png", "histogram", "histogram-png", "ports",
                       "ports-png", "ploticus-png"):
                png(path)
            elif fmt in ("svg", "histogram-svg", "ports-svg", "seq-svg"):
                svg(path)
            elif fmt == "json":
                json.load(open(path))
            elif fmt == "moowheel":
                moowheel(path)
            elif fmt == "moowheel-html":
                moowheel_html(path)
            elif fmt == "gexf":
                gexf(path, js)
            elif fmt == "csv-pairs":
                pairs(path, js)
            elif fmt == "csv":
                table(path, ",", "window_start")
            elif fmt == "histogram-csv":
                table(path, ",", "rank")
            elif fmt == "circos":
                table(path, "\t", "ip")
            elif fmt == "picviz":
                picviz(path)
            elif fmt == "rtgraph":
                rtgraph(path)
            elif fmt == "mermaid":
                assert open(path).read().startswith("sequenceDiagram")
            elif fmt == "seq-json":
                d = json.load(open(path))
                for k in ("points", "skew", "messages", "hops", "notes"):
                    assert k in d, "seq.json without %s" % k
            else:
                raise AssertionError("no consumer for " + fmt)
        except Exception as e:
            print("FAIL: %s (%s): %r" % (path, fmt, e), file=sys.stderr)
            bad += 1
    print(n - bad)
    return bad == 0


def errors(listfile):
    bad = n = 0
    for line in open(listfile):
        path, want = line.split()
        n += 1
        try:
            d = json.load(open(path))
            assert isinstance(d.get("error"), str) and d["error"], d
            assert d.get("parameter") == want, (d, want)
            assert d["error"].startswith(want + ":"), d
        except Exception as e:
            print("FAIL: %s: %r" % (path, e), file=sys.stderr)
            bad += 1
    print(n - bad)
    return bad == 0


if __name__ == "__main__":
    if sys.argv[1] == "list":
        fields_list(sys.argv[2])
        ok = True
    elif sys.argv[1] == "open":
        ok = open_all(sys.argv[2])
    else:
        ok = errors(sys.argv[2])
    sys.exit(0 if ok else 1)
