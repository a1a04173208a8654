#!/bin/sh
# quickstart.sh - install what is missing, build, and run ipgraph with its
# HTTP API and dashboard on http://127.0.0.1:8080/ (Ctrl-C stops it):
#   as root, with an interface that is up: ipgraphd in the foreground,
#   capturing on the default interface into a database under
#   _build/quickstart/state;
#   otherwise: a sample capture imported into that database, the heaviest
#   address pairs printed, and `ipgraph serve` on it.
set -e
cd "$(dirname "$0")"
top=$(pwd)
sh tests/setup.sh
# only the programs that tests/programs.txt declares, as in tests/run.sh
sh tests/bindir.sh _build/bin
PATH=$top/_build/bin
export PATH
[ -x configure ] || ./autogen.sh
mkdir -p _build/quickstart
cd _build/quickstart
[ -f Makefile ] || "$top/configure" -q
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
state=$(pwd)/state
mkdir -p "$state"
db=$state/ipgraph.db

if [ "$(id -u)" -eq 0 ] && ip -o link show up 2>/dev/null |
    grep -qv ': lo:' && id nobody >/dev/null 2>&1; then
	chown nobody "$state"
	cat >"$state/ipgraphd.conf" <<EOC
# written by quickstart.sh
[daemon]
user = nobody
sensor = quickstart
[window]
seconds = 10
[store]
path = $db
[http]
listen = 127.0.0.1:8080
www_root = $(pwd)/www
EOC
	echo "quickstart: ipgraphd captures on the default interface into $db"
	echo "quickstart: dashboard and API on http://127.0.0.1:8080/ (e.g."
	echo "  curl 'http://127.0.0.1:8080/api/v1/graph.svg?from=-15m' > net.svg)"
	echo "quickstart: Ctrl-C stops it (the open window is written first)"
	exec ./src/ipgraphd -f -c "$state/ipgraphd.conf"
fi

echo "quickstart: live capture needs root: importing a sample capture"
rm -f "$db" "$db-wal" "$db-shm"
./src/ipgraph import --db "$db" --sensor sample \
    "$top/tests/data/pcapplusplus-many_interfaces-1.pcapng"
./src/ipgraph top --db "$db" -n 10
echo "quickstart: serving $db on http://127.0.0.1:8080/ (e.g."
echo "  curl 'http://127.0.0.1:8080/api/v1/graph.svg' > net.svg); Ctrl-C stops it"
exec ./src/ipgraph serve --db "$db" --listen 127.0.0.1:8080 --www "$(pwd)/www"
