#!/bin/bash
# compressed.sh - captures compressed with gzip, xz and zstd import to the
# same database rows as the plain files (from a file and from stdin), are
# the same capture for the duplicate check, and a cut-short or damaged
# compressed file is reported as a damaged capture is.
. "$(dirname "$0")/lib.sh"
need sqlite3
need gzip
need xz
need zstd
need editcap
need mergecap

# rows DB: every stored row but the imports' names and times, sorted.
rows() {
	local t
	for t in sensors windows edges pairs rollup_pending events; do
		sqlite3 "$1" ".dump $t" | grep '^INSERT'
	done | sort
	sqlite3 "$1" "SELECT digest, status, frames FROM imports ORDER BY 1"
}

# 1. Every committed capture, plain and compressed three ways, all into
#    one database each, in the same order: the same rows, exactly.
caps=("$DATA"/*.pcap "$DATA"/*.pcapng)
for f in "${caps[@]}"; do
	b=${f##*/}
	gzip -c "$f" >"$T/$b.gz"
	xz -c "$f" >"$T/$b.xz"
	zstd -q -c "$f" >"$T/$b.zst"
done
for z in "" .gz .xz .zst; do
	for f in "${caps[@]}"; do
		b=${f##*/}
		src=$f
		[ -n "$z" ] && src=$T/$b$z
		"$IPGRAPH" import -q --db "$T/all$z.db" --window 10 "$src" \
		    2>>"$T/all$z.err"
		echo "$b $?" >>"$T/all$z.rc"
	done
	rows "$T/all$z.db" >"$T/all$z.rows"
done
n=$(grep -c '^INSERT INTO "\?edges' "$T/all.rows")
check "plain import stored edges ($n)" test "$n" -gt 100
for z in .gz .xz .zst; do
	if cmp -s "$T/all.rows" "$T/all$z.rows"; then
		pass
	else
		fail "$z: rows differ from the plain imports: $(diff "$T/all.rows" "$T/all$z.rows" | head -5)"
	fi
	check "$z: the same exit status per file" cmp -s "$T/all.rc" "$T/all$z.rc"
done

# 2. Standard input, each kind: the same rows as the plain file.
f="$DATA/pcapplusplus-many_interfaces-1.pcapng"
"$IPGRAPH" import -q --db "$T/one.db" "$f" || fail "plain import of $f"
rows "$T/one.db" >"$T/one.rows"
for z in .gz .xz .zst; do
	"$IPGRAPH" import -q --db "$T/stdin$z.db" - <"$T/${f##*/}$z" ||
	    fail "$z on stdin: import failed"
	# through a pipe, where nothing can seek
	cat "$T/${f##*/}$z" | "$IPGRAPH" import -q --db "$T/pipe$z.db" - ||
	    fail "$z through a pipe: import failed"
	rows "$T/stdin$z.db" >"$T/stdin$z.rows"
	rows "$T/pipe$z.db" >"$T/pipe$z.rows"
	check "$z on stdin: same rows" cmp -s "$T/one.rows" "$T/stdin$z.rows"
	check "$z through a pipe: same rows" cmp -s "$T/one.rows" \
	    "$T/pipe$z.rows"
done

# 2b. Past the first MiB (read ahead for the digest, then served again
#     before the rest): a capture of about 2.3 MiB, from a file and a pipe.
g="$DATA/pcapplusplus-gtp-u.pcap"
args=()
for i in $(seq 1 150); do args+=("$g"); done
mergecap -a -w "$T/large.pcap" "${args[@]}" || fail "mergecap"
"$IPGRAPH" import -q --db "$T/large.db" "$T/large.pcap" ||
    fail "plain import of large.pcap"
rows "$T/large.db" >"$T/large.rows"
check "large.pcap is past 1 MiB" test "$(stat -c %s "$T/large.pcap")" -gt 2000000
for z in gz xz zst; do
	case $z in
	gz) gzip -c "$T/large.pcap" ;;
	xz) xz -c "$T/large.pcap" ;;
	zst) zstd -q -c "$T/large.pcap" ;;
	esac >"$T/large.pcap.$z"
	"$IPGRAPH" import -q --db "$T/large$z.db" "$T/large.pcap.$z" ||
	    fail "large.pcap.$z: import failed"
	rows "$T/large$z.db" >"$T/large$z.rows"
	check "large.pcap.$z: same rows and digest" \
	    cmp -s "$T/large.rows" "$T/large$z.rows"
	cat "$T/large.pcap.$z" |
	    "$IPGRAPH" import -q --db "$T/largep$z.db" - ||
	    fail "large.pcap.$z through a pipe: import failed"
	rows "$T/largep$z.db" >"$T/largep$z.rows"
	check "large.pcap.$z through a pipe: same rows and digest" \
	    cmp -s "$T/large.rows" "$T/largep$z.rows"
done

# 3. A file and its compressed copies are one capture: refused as
#    duplicates whatever the name, and taken again with --force.
expect_error 1 "already imported .*as $f" \
    "$IPGRAPH" import --db "$T/one.db" "$T/${f##*/}.gz"
expect_error 1 "already imported" \
    "$IPGRAPH" import --db "$T/one.db" - <"$T/${f##*/}.zst"
"$IPGRAPH" import -q --force --db "$T/one.db" "$T/${f##*/}.xz" ||
    fail "--force import of the .xz"
p1=$(sqlite3 "$T/one.db" "SELECT sum(packets) FROM edges")
p0=$(sqlite3 "$T/stdin.gz.db" "SELECT sum(packets) FROM edges")
check "--force counts the .xz again ($p1 = 2 x $p0)" test "$p1" -eq $((2 * p0))

# 4. Several gzip members, xz streams and zstd frames in a row (pigz,
#    gzip -c a b): read as one capture.
f="$DATA/pcapplusplus-gtp-u.pcap"
"$IPGRAPH" import -q --db "$T/gtp.db" "$f" || fail "plain import of $f"
rows "$T/gtp.db" >"$T/gtp.rows"
{ head -c 5000 "$f" | gzip; tail -c +5001 "$f" | gzip; } >"$T/m.gz"
{ head -c 5000 "$f" | xz; tail -c +5001 "$f" | xz; } >"$T/m.xz"
{ head -c 5000 "$f" | zstd -q; tail -c +5001 "$f" | zstd -q; } >"$T/m.zst"
for z in gz xz zst; do
	"$IPGRAPH" import -q --db "$T/m$z.db" "$T/m.$z" ||
	    fail "$z in two parts: import failed"
	rows "$T/m$z.db" >"$T/m$z.rows"
	check "$z in two parts: same rows" cmp -s "$T/gtp.rows" "$T/m$z.rows"
done

# 5. Cut short: what was read is kept, the file is marked partial, the
#    message names the file, the packet and the truncation; the rows are
#    those of the plain capture's first packets.
mergecap -a -w "$T/big.pcap" "$f" "$f" "$f" "$f" || fail "mergecap"
for z in gz xz zst; do
	case $z in
	gz) gzip -c "$T/big.pcap" >"$T/big.pcap.$z" ;;
	xz) xz -c "$T/big.pcap" >"$T/big.pcap.$z" ;;
	# zstd puts out nothing of a block (128 KiB) before its end: frames
	# of 8 KiB, so that the cut leaves whole frames before it
	zst) split -b 8192 --filter='zstd -q -c' "$T/big.pcap" \
	    >"$T/big.pcap.$z" ;;
	esac
	size=$(stat -c %s "$T/big.pcap.$z")
	head -c $((size * 2 / 3)) "$T/big.pcap.$z" >"$T/cut.pcap.$z"
	expect_error 1 "cut\.pcap\.$z: packet [0-9]+: $z.* data cut short \(the compressed file is truncated\) \(the [0-9]+ packets before it were imported\)" \
	    "$IPGRAPH" import --db "$T/cut$z.db" "$T/cut.pcap.$z"
	st=$(sqlite3 "$T/cut$z.db" "SELECT status, frames FROM imports")
	k=${st#partial|}
	if [ "$st" = "$k" ] || [ "$k" -lt 1 ]; then
		fail "$z cut short: import recorded as '$st', not partial"
		continue
	fi
	pass
	editcap -r "$T/big.pcap" "$T/first.pcap" "1-$k" ||
	    { fail "editcap"; continue; }
	rm -f "$T/first.db"
	"$IPGRAPH" import -q --db "$T/first.db" "$T/first.pcap" ||
	    fail "import of the first $k packets"
	a=$(sqlite3 "$T/first.db" ".dump edges" | grep '^INSERT' | sort | md5sum)
	b=$(sqlite3 "$T/cut$z.db" ".dump edges" | grep '^INSERT' | sort | md5sum)
	check "$z cut short: the edges of the $k packets read" test "$a" = "$b"
done
# cut inside the first MiB, on standard input
head -c 1500 "$T/${f##*/}.gz" >"$T/short.gz"
expect_error 1 "standard input.*gzip data cut short" \
    "$IPGRAPH" import --db "$T/short.db" - <"$T/short.gz"
check "stdin cut short: partial" test "$(sqlite3 "$T/short.db" \
    "SELECT status FROM imports")" = partial

# 6. Damage and nonsense, each named.
cp "$T/${f##*/}.gz" "$T/bad.gz"
printf '\377\377\377\377\377\377\377\377' |
    dd of="$T/bad.gz" bs=1 seek=600 conv=notrunc 2>/dev/null
expect_error 1 "bad\.gz: (packet [0-9]+: )?damaged gzip data" \
    "$IPGRAPH" import --db "$T/bad.db" "$T/bad.gz"
gzip -c </dev/null >"$T/empty.gz"
expect_error 1 "empty\.gz: empty once decompressed, not a capture" \
    "$IPGRAPH" import --db "$T/x.db" "$T/empty.gz"
gzip -c "$top_srcdir/README" >"$T/readme.gz"
expect_error 1 "readme\.gz: not a pcap or pcapng capture file" \
    "$IPGRAPH" import --db "$T/x.db" "$T/readme.gz"
printf '\375\067\172\130\132\000garbage' >"$T/junk.xz"
expect_error 1 "junk\.xz: .*xz" "$IPGRAPH" import --db "$T/x.db" "$T/junk.xz"

# 7. ipgraph seq reads them too, and names the point without .gz.
gzip -c "$DATA/pcapplusplus-one_http_stream_rst.pcap" >"$T/client.pcap.gz"
cp "$DATA/pcapplusplus-one_http_stream_rst.pcap" "$T/client.pcap"
"$IPGRAPH" seq -q --format text "$T/client.pcap" </dev/null >"$T/seq.plain" ||
    fail "seq of the plain capture"
"$IPGRAPH" seq -q --format text "$T/client.pcap.gz" </dev/null >"$T/seq.gz" ||
    fail "seq of the .gz"
check "seq: the .gz draws the same diagram" cmp -s "$T/seq.plain" "$T/seq.gz"

echo "compressed: $CHECKS checks passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
