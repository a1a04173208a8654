#!/bin/bash
# cli.sh - the command line itself: each command's --help, --version,
# binary formats refused on a terminal, the import progress line (on a
# pseudo-terminal made by script(1), and never elsewhere).
. "$(dirname "$0")/lib.sh"
need script
need sqlite3
need mergecap
# libgvc, cairo and fontconfig keep caches to the end (see lsan.supp)
LSAN_OPTIONS="suppressions=$top_srcdir/tests/e2e/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

# on_tty TYPESCRIPT COMMAND: run COMMAND (a shell line) with stdin, stdout
# and stderr on a pseudo-terminal; its exit status is returned and all it
# wrote is in TYPESCRIPT.
on_tty() {
	local ts=$1 rc
	shift
	script -qec "$*" "$ts.raw" >/dev/null </dev/null
	rc=$?
	# script's own first and last lines name the command: not its output
	grep -Ev '^Script (started|done) on ' "$ts.raw" >"$ts"
	return $rc
}

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")

# 1. --help of every command: its own usage, options and an example, on
#    stdout, exit 0; `ipgraph help CMD` says the same.
for cmd in $("$IPGRAPH" help --commands 2>/dev/null || echo import export top rollup seq serve version help); do
	out=$("$IPGRAPH" "$cmd" --help 2>&1)
	rc=$?
	[ "$cmd" = version ] && out=$("$IPGRAPH" help version) && rc=0
	[ "$cmd" = help ] && out=$("$IPGRAPH" help help) && rc=0
	check "$cmd --help exits 0 ($rc)" test "$rc" -eq 0
	case $out in
	"usage: ipgraph $cmd"*) pass ;;
	*) fail "$cmd --help does not start with its usage: $(echo "$out" | head -2)" ;;
	esac
	case $out in
	*"example:"*"ipgraph "*) pass ;;
	*) fail "$cmd --help has no example" ;;
	esac
	if [ "$cmd" != version ] && [ "$cmd" != help ]; then
		echo "$out" | grep -q '^options:$' || fail "$cmd --help: no options"
		echo "$out" | grep -Eq -- '^  -h, --help ' ||
		    fail "$cmd --help does not list --help"
		check "help $cmd = $cmd --help" test \
		    "$("$IPGRAPH" help "$cmd")" = "$out"
		check "$cmd -h = $cmd --help" test \
		    "$("$IPGRAPH" "$cmd" -h 2>&1)" = "$out"
	fi
done
# each help names its own options, not another command's
"$IPGRAPH" import --help | grep -q -- '--window SECONDS' ||
    fail "import --help lacks --window"
"$IPGRAPH" import --help | grep -q -- '--layout' &&
    fail "import --help lists export's --layout"
"$IPGRAPH" export --help | grep -q '^  ports-svg ' ||
    fail "export --help does not list the formats"
"$IPGRAPH" export png --help | grep -q '^usage: ipgraph export FORMAT' ||
    fail "export png --help"
"$IPGRAPH" serve --help | grep -q -- '--max-connections N' ||
    fail "serve --help lacks --max-connections"
"$IPGRAPH" seq --help | grep -q -- '--no-skew' || fail "seq --help lacks --no-skew"
"$IPGRAPH" top --help | grep -q -- '--other' &&
    fail "top --help lists --other, which top refuses"
expect_error 2 "help: unknown command 'nope'" "$IPGRAPH" help nope
expect_error 2 "unrecognized option|invalid option" \
    "$IPGRAPH" import --nope x.pcap
expect_error 2 "unknown command 'nope'" "$IPGRAPH" nope

# 2. --version and version.
check "--version says ipgraph $version" test \
    "$("$IPGRAPH" --version)" = "ipgraph $version"
check "version says ipgraph $version" test \
    "$("$IPGRAPH" version)" = "ipgraph $version"

# 3. Binary formats refuse a terminal (exit 2, saying what to do), and
#    are written when redirected or given -o.
DB="$T/db"
"$IPGRAPH" import -q --db "$DB" "$DATA/pcapplusplus-gtp-u.pcap" ||
    fail "import for the export checks"
for f in png histogram histogram-png ports ports-png; do
	on_tty "$T/ts" "'$IPGRAPH' export $f --db '$DB'"
	rc=$?
	check "export $f to a terminal exits 2 ($rc)" test "$rc" -eq 2
	grep -q "export: $f is a binary format, not for a terminal: use -o FILE or redirect" \
	    "$T/ts" || fail "export $f on a terminal: $(tail -c 300 "$T/ts")"
	grep -q 'PNG' "$T/ts" && fail "export $f wrote PNG bytes to the terminal"
	on_tty "$T/ts" "'$IPGRAPH' export $f --db '$DB' >'$T/$f.out'" ||
	    fail "export $f redirected from a terminal session"
	check "export $f redirected is a PNG" test \
	    "$(head -c 4 "$T/$f.out" | od -An -tx1 | tr -d ' ')" = 89504e47
	on_tty "$T/ts" "'$IPGRAPH' export $f --db '$DB' -o '$T/$f.o.png'" ||
	    fail "export $f -o FILE on a terminal"
	check "export $f -o FILE on a terminal is the same" \
	    cmp -s "$T/$f.out" "$T/$f.o.png"
done
# text formats still go to a terminal
on_tty "$T/ts" "'$IPGRAPH' export dot --db '$DB'" ||
    fail "export dot to a terminal"
grep -q 'digraph' "$T/ts" || fail "export dot on a terminal wrote no graph"
on_tty "$T/ts" "'$IPGRAPH' seq --format png -q '$DATA/pcapplusplus-one_http_stream_rst.pcap'"
rc=$?
check "seq --format png to a terminal exits 2 ($rc)" test "$rc" -eq 2
grep -q "seq: png is a binary format, not for a terminal: use -o FILE or redirect" \
    "$T/ts" || fail "seq png on a terminal: $(tail -c 300 "$T/ts")"

# 4. The progress line: on a terminal, redrawn in place with the file,
#    the share read, packets/s and the time left, then wiped before the
#    summary; nothing with --quiet; nothing when stderr is not a terminal.
#    IPGRAPH_PROGRESS_MS=0 draws at every step (1024 packets), so that a
#    small capture shows several lines.  Short names (run in $T) keep the
#    line within 80 columns, where a long name would be shortened.
f="$DATA/pcapplusplus-gtp-u.pcap"
args=()
for i in $(seq 1 60); do args+=("$f"); done
mergecap -a -w "$T/big.pcap" "${args[@]}" || fail "mergecap"
gzip -c "$T/big.pcap" >"$T/big.pcap.gz"
on_tty "$T/ts" "cd '$T' && IPGRAPH_PROGRESS_MS=0 '$IPGRAPH' import --db p.db big.pcap" ||
    fail "import on a terminal"
tr '\r' '\n' <"$T/ts" >"$T/lines"
n=$(grep -Ec "^big\.pcap: +[0-9]+% of [0-9.]+ (KiB|MiB), [0-9]+ packets/s, [0-9]+:[0-9]{2} left *$" "$T/lines")
check "progress lines with share, rate and time left ($n)" test "$n" -ge 3
check "a last progress line at 100%" grep -Eq \
    "^big\.pcap: 100% of [0-9.]+ MiB, [0-9]+ packets/s *$" "$T/lines"
# the shares only grow
grep -Eo "^big\.pcap: +[0-9]+%" "$T/lines" | grep -Eo '[0-9]+%$' |
    tr -d % >"$T/shares"
check "shares in order" sort -n -c "$T/shares"
# the summary starts on a wiped line: spaces, then a carriage return
check "line wiped before the summary" grep -Eq \
    "^ +\$" <(grep -B1 "^big\.pcap: 6120 frames" "$T/lines" | head -1)
grep -q "^big\.pcap: 6120 frames" "$T/lines" ||
    fail "no summary after the progress line"
# compressed: the share is of the compressed bytes; on stdin from a pipe
# no share is known, so packets and rate
on_tty "$T/ts" "cd '$T' && IPGRAPH_PROGRESS_MS=0 '$IPGRAPH' import --db p.db --force big.pcap.gz" ||
    fail "import .gz on a terminal"
tr '\r' '\n' <"$T/ts" >"$T/lines"
check "progress of a .gz" grep -Eq \
    "^big\.pcap\.gz: +[0-9]+% of [0-9.]+ KiB, [0-9]+ packets/s" "$T/lines"
on_tty "$T/ts" "cd '$T' && cat big.pcap | IPGRAPH_PROGRESS_MS=0 '$IPGRAPH' import --db p.db --force -" ||
    fail "import of a pipe on a terminal"
tr '\r' '\n' <"$T/ts" >"$T/lines"
check "progress of a pipe: packets and rate" grep -Eq \
    "^\(standard input\): [0-9]+ packets, [0-9]+ packets/s *$" "$T/lines"
# --quiet on a terminal: nothing at all
on_tty "$T/ts" "cd '$T' && IPGRAPH_PROGRESS_MS=0 '$IPGRAPH' import -q --db p.db --force big.pcap" ||
    fail "import -q on a terminal"
check "--quiet: no progress" test "$(grep -c 'big.pcap' "$T/ts")" -eq 0
# stderr not a terminal (stdout is): the summary only, no carriage return
on_tty "$T/ts" "cd '$T' && IPGRAPH_PROGRESS_MS=0 '$IPGRAPH' import --db p.db --force big.pcap 2>err" ||
    fail "import with stderr to a file"
check "stderr to a file: no progress line" test "$(tr -cd '\r' <"$T/err" | wc -c)" -eq 0
check "stderr to a file: the summary" grep -q "^big\.pcap: 6120 frames" "$T/err"
check "stderr to a file: nothing on the terminal" test \
    "$(grep -c 'big.pcap' "$T/ts")" -eq 0

echo "cli: $CHECKS checks passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
