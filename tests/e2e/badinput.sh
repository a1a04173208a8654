#!/bin/bash
# badinput.sh - every kind of bad input gets one clear message naming what
# was wrong, the right exit code, and loses nothing already stored.
. "$(dirname "$0")/lib.sh"
need sqlite3
need tshark
need python3

CAP="$DATA/pcapplusplus-gtp-u.pcap"
DB="$T/good.db"
"$IPGRAPH" import -q --db "$DB" "$CAP" || fail "import of $CAP failed"
"$IPGRAPH" export csv --db "$DB" >"$T/before.csv"

# still_intact: the database holds exactly what the good import stored
still_intact() {
	"$IPGRAPH" export csv --db "$DB" >"$T/now.csv" &&
	    cmp -s "$T/before.csv" "$T/now.csv" &&
	    test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok
}

# Files that are not captures, or not there.
expect_error 1 "$T/nosuch.pcap: No such file" \
    "$IPGRAPH" import --db "$DB" "$T/nosuch.pcap"
: >"$T/empty.pcap"
expect_error 1 "$T/empty.pcap: empty file, not a capture" \
    "$IPGRAPH" import --db "$DB" "$T/empty.pcap"
expect_error 1 "README.md: not a pcap or pcapng capture" \
    "$IPGRAPH" import --db "$DB" "$DATA/README.md"
expect_error 1 "$T: " "$IPGRAPH" import --db "$DB" "$T"
check "failed imports change nothing" still_intact

# A capture cut in the middle of a packet: the packets before the cut are
# stored (and equal tshark's count of the same cut file), the message names
# the file and the packet number, the exit code says it was not complete.
size=$(stat -c %s "$CAP")
head -c $((size * 2 / 3)) "$CAP" >"$T/cut.pcap"
expect_error 1 "cut.pcap: packet [0-9]+: .*truncated.*imported" \
    "$IPGRAPH" import --db "$T/cut.db" "$T/cut.pcap"
"$IPGRAPH" export csv --db "$T/cut.db" >"$T/cut.csv"
$PAIRS tshark "$T/cut.pcap" >"$T/cut.pairs"
check "a cut capture keeps every whole packet" \
    $PAIRS compare "$T/cut.pairs" "$T/cut.csv"
check "a cut import is recorded as partial" test \
    "$(sqlite3 "$T/cut.db" 'SELECT status FROM imports')" = partial
# the same for pcapng, read by our own reader
PNG="$DATA/pcapplusplus-many_interfaces-1.pcapng"
size=$(stat -c %s "$PNG")
head -c $((size / 2)) "$PNG" >"$T/cut.pcapng"
expect_error 1 "cut.pcapng: packet [0-9]+: truncated block" \
    "$IPGRAPH" import --db "$T/cutng.db" "$T/cut.pcapng"
"$IPGRAPH" export csv --db "$T/cutng.db" >"$T/cutng.csv"
$PAIRS tshark "$T/cut.pcapng" >"$T/cutng.pairs"
check "a cut pcapng keeps every whole packet" \
    $PAIRS compare "$T/cutng.pairs" "$T/cutng.csv"
# garbage after a good header
{ head -c 24 "$CAP"; head -c 4000 /dev/urandom; } >"$T/garbage.pcap"
"$IPGRAPH" import --db "$T/garbage.db" "$T/garbage.pcap" 2>"$T/err"
rc=$?
check "random records: no crash (exit $rc)" test $rc -le 1

# Databases that cannot be used.
expect_error 1 "$T/no/such/dir/x.db: cannot open database" \
    "$IPGRAPH" import --db "$T/no/such/dir/x.db" "$CAP"
mkdir "$T/adir"
expect_error 1 "$T/adir: cannot open database" \
    "$IPGRAPH" import --db "$T/adir" "$CAP"
cp "$DATA/README.md" "$T/notadb.db"
expect_error 1 "notadb.db: .*not a database" \
    "$IPGRAPH" import --db "$T/notadb.db" "$CAP"
cp "$DB" "$T/newer.db"
sqlite3 "$T/newer.db" "INSERT INTO schema_version VALUES (99, 'x')"
expect_error 1 "newer.db: database schema version 99 is newer than this ipgraph supports" \
    "$IPGRAPH" import --db "$T/newer.db" "$DATA/pcapplusplus-input.pcap"
expect_error 1 "newer.db: database schema version 99 is newer" \
    "$IPGRAPH" export csv --db "$T/newer.db"
expect_error 1 "$T/missing.db: no such database" \
    "$IPGRAPH" export csv --db "$T/missing.db"

# A full disk while writing: simulated with a file size limit.  The import
# fails naming the database, the windows written before stay whole, the
# file passes SQLite's integrity check, and nothing is half-written.
cp "$DB" "$T/full.db"
(
	trap '' XFSZ
	ulimit -f $(( $(stat -c %s "$T/full.db") / 512 + 8 ))
	exec "$IPGRAPH" import --db "$T/full.db" \
	    "$DATA/pcapplusplus-many_interfaces-1.pcapng" "$DATA/pcapplusplus-input.pcap" \
	    "$DATA/pcapplusplus-CiscoHDLC.pcap" "$DATA/pcapplusplus-null_loopback.pcap"
) >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -Eq "full.db: (committing|computing|starting|recording) " "$T/err"; then pass; else
	fail "disk full: exit $rc, said: $(head -c 300 "$T/err")"; fi
check "after a full disk the database is consistent" test \
    "$(sqlite3 "$T/full.db" 'PRAGMA integrity_check')" = ok
"$IPGRAPH" export csv --db "$T/full.db" |
    grep -F -f <(tail -n +2 "$T/before.csv") >"$T/kept.csv"
check "after a full disk the earlier windows are all there" test \
    "$(wc -l <"$T/kept.csv")" -eq "$(tail -n +2 "$T/before.csv" | wc -l)"

# Bad arguments: exit 2 for usage, a message naming the option.
expect_error 1 "--window: '0' is not a whole number from 1" \
    "$IPGRAPH" import --db "$DB" --window 0 "$CAP"
expect_error 1 "--window: 'abc' is not a whole number" \
    "$IPGRAPH" import --db "$DB" --window abc "$CAP"
expect_error 1 "--window: '99999999' is not a whole number from 1 to 86400" \
    "$IPGRAPH" import --db "$DB" --window 99999999 "$CAP"
expect_error 1 "--sensor: the name must not be empty" \
    "$IPGRAPH" import --db "$DB" --sensor "" "$CAP"
expect_error 2 "import: no capture file given" "$IPGRAPH" import --db "$DB"
expect_error 1 "--from: bad time '2009-13-01'" \
    "$IPGRAPH" export csv --db "$DB" --from 2009-13-01
expect_error 1 "--to: bad time 'yesterday'" \
    "$IPGRAPH" export csv --db "$DB" --to yesterday
expect_error 1 "--from is after --to" \
    "$IPGRAPH" export csv --db "$DB" --from 2010-01-01 --to 2009-01-01
expect_error 2 "unknown format 'gif'" "$IPGRAPH" export gif --db "$DB"
expect_error 2 "export: no format given" "$IPGRAPH" export
expect_error 2 "unknown command 'frobnicate'" "$IPGRAPH" frobnicate
expect_error 1 "--metric: 'weight' is neither packets nor bytes" \
    "$IPGRAPH" top --db "$DB" --metric weight
expect_error 1 "-n: '0' is not a whole number from 1" \
    "$IPGRAPH" top --db "$DB" -n 0
check "bad arguments change nothing" still_intact

# An export that cannot be written leaves no partial file behind.
expect_error 1 "$T/no/dir/out.csv" \
    "$IPGRAPH" export csv --db "$DB" -o "$T/no/dir/out.csv"
check "no temporary file is left" test -z "$(ls "$T" | grep '\.tmp')"
finish
