#!/bin/bash
# manpages.sh - the man pages as built: mandoc -T lint clean; every option
# of each command's --help in its part of the man page and the other way
# round; every key of the config parser's table in ipgraphd.conf(5) with
# its range, and no key there that the parser does not know.
. "$(dirname "$0")/lib.sh"
need mandoc
need comm
need python3
: "${IPGRAPHD:=$top_builddir/src/ipgraphd}"

# The pages as `make install` puts them.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" \
    install-man DESTDIR="$T/inst" >"$T/make.out" 2>&1 ||
    { echo "FAIL: make install-man: $(cat "$T/make.out")" >&2; exit 1; }
MAN1=$(find "$T/inst" -type f -path '*/man1/ipgraph.1')
MAN8=$(find "$T/inst" -type f -path '*/man8/ipgraphd.8')
MAN5=$(find "$T/inst" -type f -path '*/man5/ipgraphd.conf.5')
for m in "$MAN1" "$MAN8" "$MAN5"; do
	[ -f "$m" ] || { echo "FAIL: a man page is not installed ($m)" >&2; exit 1; }
done

# 1. Lint: not a message, style hints included, but for the pages it
#    refers to that are not installed here (ipgraphd(8) before make
#    install, pcap-filter(7)) and mandoc's own database being old.
for m in "$MAN1" "$MAN8" "$MAN5"; do
	out=$(mandoc -T lint -W style "$m" 2>&1 |
	    grep -v 'referenced manual not found\|outdated mandoc.db')
	mandoc -T lint -W warning "$m" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then
		pass
	else
		fail "mandoc -T lint ${m##*/} (exit $rc): $out"
	fi
	# and it renders, with no placeholder left unsubstituted
	mandoc -T utf8 "$m" >"$T/r" 2>&1 || fail "mandoc renders ${m##*/}"
	grep -q '@[a-zA-Z_]*@' "$m" && fail "${m##*/} keeps a @placeholder@"
done
check "ipgraph.1 names every export format" python3 - "$MAN1" \
    "$("$IPGRAPH" export --help | sed -n '/^formats:$/,/^$/p' |
    awk 'NF && $1 != "formats:" { print $1 }')" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
sec = text.split(".Sh FORMATS", 1)[1].split(".Sh ", 1)[0]
named = set()
for line in sec.splitlines():
    if line.startswith(".It "):
        named.update(w for w in re.split(r"[ ,]+", line[4:]) if w)
missing = [f for f in sys.argv[2].split() if f not in named]
if missing:
    print("FORMATS lacks:", " ".join(missing), file=sys.stderr)
    sys.exit(1)
PY

# man_options PAGE SECTION...: the options (Fl macros) in those parts of
# an mdoc page (".Ss NAME" or ".Sh NAME"), one a line, sorted.
man_options() {
	python3 - "$@" <<'PY'
import sys, re
page, parts = sys.argv[1], sys.argv[2:]
opts, sh, ss = set(), None, None
for line in open(page):
    m = re.match(r"\.(Sh|Ss) (.*)", line)
    if m:
        if m.group(1) == "Sh":
            sh, ss = m.group(2).strip(), None
        else:
            ss = m.group(2).strip()
        continue
    inside = ss in parts if ss is not None else sh in parts
    if inside and line.startswith("."):
        for f in re.findall(r"\bFl ((?:-?[A-Za-z][-A-Za-z]*)?)", line):
            opts.add("-" + f)
print("\n".join(sorted(opts)))
PY
}

# help_opts COMMAND...: the options its --help names (before the example,
# which may run other programs), one a line, sorted.
help_opts() {
	"$@" --help | sed '/^example:/,$d' | grep -Eo -- '(^|[^-[:alnum:]])--?[A-Za-z][-A-Za-z]*' |
	    grep -Eo -- '--?[A-Za-z][-A-Za-z]*' | sort -u
}

# compare WHAT HELP MAN: both ways, naming what is missing where.
compare() {
	local a b
	a=$(comm -23 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	b=$(comm -13 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	if [ -z "$a$b" ]; then
		pass
	else
		[ -n "$a" ] && fail "$1: in --help, not in the man page: $a"
		[ -n "$b" ] && fail "$1: in the man page, not in --help: $b"
	fi
}

# 2. ipgraph: each command's --help against its .Ss (plus FILTER OPTIONS for the
#    commands that take them).
for cmd in $("$IPGRAPH" help --commands); do
	[ "$cmd" = version ] || [ "$cmd" = help ] && continue
	parts=("$cmd")
	"$IPGRAPH" "$cmd" --help | grep -q '^filters' &&
	    parts+=("FILTER OPTIONS")
	h=$(help_opts "$IPGRAPH" "$cmd")
	m=$(man_options "$MAN1" "${parts[@]}")
	check "ipgraph $cmd: options found in --help" test -n "$h"
	compare "ipgraph $cmd" "$h" "$m"
	grep -q "^\.Ss $cmd\$" "$MAN1" || fail "ipgraph.1 has no section for $cmd"
done
# a command the man page describes must exist
for s in $(sed -n 's/^\.Ss \([a-z]*\)$/\1/p' "$MAN1"); do
	"$IPGRAPH" help --commands | grep -qx "$s" ||
	    fail "ipgraph.1 describes '$s', which ipgraph does not have"
done

# 3. ipgraphd: --help against OPTIONS (-h, --help itself aside: the usage
#    does not list it).
h=$(help_opts "$IPGRAPHD" | grep -vx -- '-h\|--help')
m=$(man_options "$MAN8" OPTIONS | grep -vx -- '-h\|--help')
check "ipgraphd: options found in --help" test -n "$h"
compare "ipgraphd" "$h" "$m"
for s in SIGNALS PRIVILEGES SYSTEMD FILES "EXIT STATUS"; do
	grep -q "^\.Sh $s\$" "$MAN8" || fail "ipgraphd.8 has no $s section"
done

# 4. ipgraphd.conf(5) against the parser's table in src/conf.c: the same
#    keys both ways; each number range of the table in the key's text.
python3 - "$top_srcdir/src/conf.c" "$MAN5" <<'PY' || fail "ipgraphd.conf.5 and src/conf.c differ"
import sys, re
code = open(sys.argv[1]).read()
table = code.split("keywords[] = {", 1)[1].split("};", 1)[0]
keys = {}
for m in re.finditer(r'\{\s*"(\w+)",\s*"(\w+)",\s*(K_\w+),\s*'
                     r'(?:offsetof\([^)]*\)|0),\s*([^,]+?),\s*([^}]+?)\s*\}',
                     table, re.S):
    sec, name, typ, lo, hi = m.groups()
    num = lambda s: eval(re.sub(r"(?<=[0-9a-fA-F])[uU]\b", "", s))
    keys[(sec, name)] = (typ, num(lo), num(hi))
if len(keys) < 25:
    sys.exit("only %d keys found in conf.c's table" % len(keys))
page, items, cur = {}, None, None
for line in open(sys.argv[2]):
    m = re.match(r"\.Ss Bq (\w+)$", line)
    if m:
        cur = m.group(1)
        continue
    if line.startswith(".Sh "):
        cur = None
    m = re.match(r"\.It Cm (\w+)", line)
    if m and cur:
        items = page.setdefault((cur, m.group(1)), [])
        continue
    if items is not None and cur:
        items.append(line)
bad = 0
for k in sorted(set(keys) - set(page)):
    print("[%s] %s: in conf.c, not in ipgraphd.conf.5" % k, file=sys.stderr)
    bad = 1
for k in sorted(set(page) - set(keys)):
    print("[%s] %s: in ipgraphd.conf.5, not in conf.c" % k, file=sys.stderr)
    bad = 1
for k, (typ, lo, hi) in sorted(keys.items()):
    if k not in page:
        continue
    text = " ".join(page[k])
    if "Default" not in text:
        print("[%s] %s: no default given" % k, file=sys.stderr)
        bad = 1
    if typ not in ("K_UINT", "K_DURATION", "K_SIZE"):
        continue
    words = set(re.findall(r"\d+", text))
    want = [lo] + ([hi] if hi < 0xffffffff else [])
    for n in want:
        if str(n) not in words:
            print("[%s] %s: range bound %d (conf.c) not in its text: %s"
                  % (k[0], k[1], n, text.strip()), file=sys.stderr)
            bad = 1
sys.exit(bad)
PY
check "ipgraphd.conf.5 has a [names] section" grep -q '^\.Ss Bq names$' "$MAN5"

echo "manpages: $CHECKS checks passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
