#!/bin/sh
# quickstart.sh - install what is missing, build, and run ipgraph on a
# sample capture: import it into a SQLite file and print the top edges.
set -e
cd "$(dirname "$0")"
sh tests/setup.sh
[ -x configure ] || ./autogen.sh
mkdir -p _build/quickstart
cd _build/quickstart
[ -f Makefile ] || ../../configure -q
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
db=$(pwd)/quickstart.db
rm -f "$db" "$db-wal" "$db-shm"
./src/ipgraph import --db "$db" --sensor sample \
    ../../tests/data/pcapplusplus-many_interfaces-1.pcapng
./src/ipgraph top --db "$db" -n 10
echo "database: $db  (try: $(pwd)/src/ipgraph export csv --db $db)"
