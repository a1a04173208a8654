#!/bin/sh
# setup.sh - install what ipgraph needs to build and test (Debian 12, root).
# Idempotent: installs only what is missing.
set -e

PKGS="build-essential autoconf automake libtool pkg-config
libpcap-dev libevent-dev libsqlite3-dev libmicrohttpd-dev libcmocka-dev
libinih-dev libsystemd-dev libcap-dev systemd tcpreplay tcpdump iproute2 curl
sqlite3 tshark python3 clang libclang-rt-14-dev
python3-seqdiag socat
libgraphviz-dev libcairo2-dev graphviz circos liblist-moreutils-perl ploticus
python3-networkx
liblzma-dev libzstd-dev xz-utils zstd mandoc bash-completion
zlib1g-dev nodejs chromium wrk openssl
systemd-container debootstrap"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
# npm ships inside some nodejs builds (NodeSource); Debian's comes apart
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: missing packages:$missing" >&2
	echo "setup.sh: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "setup.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# tshark asks whether non-root users may capture: answer no, never prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" |
    debconf-set-selections
apt-get install -y -q --no-install-recommends $missing
