#!/bin/bash
# systemd-boot.sh - the installed unit under a real systemd: a container
# (systemd as its PID 1, booted by ../shared/tools/systemd-container) on a
# minimal Debian 12 root into which `make install DESTDIR=ROOT` put the
# build.  Checks start -> READY, the user and capabilities the daemon runs
# with, the status line, the dashboard at /, the watchdog's pings, a
# reload, and that stop writes the open window.  Skipped (77) without
# root, without the shared tools, or when no container can be booted here.
#
# The root (debootstrap minbase, then systemd, dbus, curl and the run-time
# libraries) is made once with ../shared/tools/fresh-root and kept as a tar
# in $IPGRAPH_CT_CACHE (default /var/tmp/ipgraph-ct); the first run takes
# a few minutes, later ones seconds.
. "$(dirname "$0")/lib.sh"
TOOLS="$SHARED/tools"
CACHE=${IPGRAPH_CT_CACHE:-/var/tmp/ipgraph-ct}
PKGS="systemd systemd-sysv dbus curl iproute2 libpcap0.8 libevent-2.1-7
libsqlite3-0 libmicrohttpd12 libgvc6 libcairo2 libsystemd0 libcap2 zlib1g
liblzma5 libzstd1 libloc1"
# one cached root per package list: a library added to the list makes a
# new root instead of booting an old one without it
ROOTTAR=$CACHE/root-$(echo $PKGS | cksum | cut -d' ' -f1).tar

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: booting a systemd container needs root"
	exit 77
fi
if [ ! -x "$TOOLS/systemd-container" ] || [ ! -x "$TOOLS/fresh-root" ]; then
	echo "SKIP: $TOOLS/systemd-container and fresh-root are not here" \
	    "(set IPGRAPH_SHARED to the folder holding tools/)"
	exit 77
fi
need sqlite3

# The root, from the cache or made now.
if [ ! -s "$ROOTTAR" ]; then
	echo "making the container root in $CACHE (once; a few minutes)"
	mkdir -p "$CACHE/empty"
	if ! PATH=/usr/sbin:/usr/bin:/sbin:/bin "$TOOLS/fresh-root" -k \
	    "$CACHE/root" "$CACHE/empty" \
	    "apt-get update -q && apt-get install -y -q --no-install-recommends $(echo $PKGS)" \
	    >"$T/root.log" 2>&1; then
		echo "SKIP: could not make a Debian root here: $(tail -5 "$T/root.log")"
		rm -rf "$CACHE/root"
		exit 77
	fi
	rm -rf "$CACHE/root/src"
	tar -C "$CACHE/root" -cf "$ROOTTAR.tmp" . &&
	    mv "$ROOTTAR.tmp" "$ROOTTAR"
	rm -rf "$CACHE/root" "$CACHE/root.base.tar"
fi
R=$T/ct
mkdir "$R"
tar -C "$R" -xf "$ROOTTAR" || { fail "cannot unpack $ROOTTAR"; finish; }

# What ships, where it ships; then what the install told the admin to do.
make -s -C "$top_builddir" install DESTDIR="$R" >"$T/install.log" 2>&1 ||
    { fail "make install DESTDIR=$R: $(tail -5 "$T/install.log")"; finish; }
unit=$(find "$R" -name ipgraphd.service | head -1)
# A build whose prefix systemd does not search (make distcheck installs
# under a scratch folder) cannot boot with its unit: nothing to test.
case ${unit#"$R"} in
/etc/systemd/system/*|/lib/systemd/system/*|/usr/lib/systemd/system/*|\
/usr/local/lib/systemd/system/*) ;;
*)	echo "SKIP: the unit installs to ${unit#"$R"}, where systemd does not look (a scratch prefix, as under make distcheck)"
	exit 77 ;;
esac
user=$(sed -n 's/^User=//p' "$unit")
# A command of the root's own, found on the root's PATH (ours, a folder of
# links on this machine, means nothing in there).
in_root() {
	chroot "$R" /usr/bin/env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
in_root useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
    { fail "useradd $user in the root"; finish; }
# A sanitizer build: LeakSanitizer's exit-time scan needs ptrace, which
# the unit's SystemCallFilter forbids; a drop-in turns that scan off (the
# other tests run the same binary with it on).
if grep -aq __asan_init "$R$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' \
    "$(find "$R" -name ipgraphd.service | head -1)")"; then
	mkdir -p "$R/etc/systemd/system/ipgraphd.service.d"
	printf '[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n' \
	    >"$R/etc/systemd/system/ipgraphd.service.d/sanitizers.conf"
fi
in_root systemctl enable ipgraphd >"$T/enable.log" 2>&1 ||
    fail "systemctl enable ipgraphd: $(cat "$T/enable.log")"

# The shared tools are not ours: they run with the system's PATH (the
# programs they call inside the container are the container's).
SYS_PATH=/usr/sbin:/usr/bin:/sbin:/bin
tool() { PATH=$SYS_PATH "$TOOLS/$1" "${@:2}"; }
CT() { tool systemd-container exec "$R" "$1"; }
cleanup() {
	tool systemd-container stop "$R" >/dev/null 2>&1
	[ -n "$IPGRAPH_KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
if ! tool systemd-container start "$R" >"$T/boot.log" 2>&1; then
	echo "SKIP: no systemd container can be booted here: $(tail -5 "$T/boot.log")"
	exit 77
fi

# Enabled, so it started at boot; wait for it (it may wait for host0).
for _ in $(seq 1 50); do
	[ "$(CT 'systemctl is-active ipgraphd')" = active ] && break
	sleep 0.2
done
state=$(CT 'systemctl show -p ActiveState,SubState,Type,NRestarts ipgraphd')
check "started at boot, running as Type=notify (READY sent): $state" \
    test "$(echo "$state" | tr '\n' ' ')" = \
    "Type=notify NRestarts=0 ActiveState=active SubState=running "
pid=$(CT 'systemctl show -p MainPID --value ipgraphd')
st=$(CT "cat /proc/$pid/status")
check "runs as user $user: $(echo "$st" | grep Uid)" test \
    "$(echo "$st" | awk '/^Uid:/ { print $2 }')" = \
    "$(in_root id -u "$user")"
for f in CapEff CapPrm CapBnd; do
	check "$f holds CAP_NET_RAW and CAP_NET_ADMIN only: $(echo "$st" | grep "$f")" \
	    test "$(echo "$st" | awk -v f="$f:" '$1 == f { print $2 }')" = \
	    0000000000003000
done
check "no_new_privs: $(echo "$st" | grep NoNewPrivs)" \
    test "$(echo "$st" | awk '$1 == "NoNewPrivs:" { print $2 }')" = 1
status=$(CT 'systemctl show -p StatusText --value ipgraphd')
check "the status line has the counters: '$status'" \
    grep -q "interfaces, .* packets" <<<"$status"
code=$(CT 'curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:8080/')
check "the dashboard is at / (HTTP $code)" test "$code" = 200

# Traffic on host0: from this side of the container's veth to an address
# the test gives host0 inside the container.
ve=$(ip -o link | sed -n 's/^[0-9]*: \(ve-ct[0-9a-f]*\)@.*/\1/p' | head -1)
ip addr add 10.231.7.1/30 dev "$ve"
CT 'ip addr add 10.231.7.2/30 dev host0'
ping -c 5 -i 0.2 -W 1 10.231.7.2 >"$T/ping" 2>&1 ||
    fail "no ping through the container's veth: $(cat "$T/ping")"
for _ in $(seq 1 50); do
	health=$(CT 'curl -s -w " %{http_code}" http://127.0.0.1:8080/healthz')
	[ "${health##* }" = 200 ] && break
	sleep 0.2
done
check "/healthz is ok once host0 captures: $health" test "${health##* }" = 200

# Reload: READY again, and no restart warning for an unchanged file.
CT 'systemctl reload ipgraphd' || fail "systemctl reload failed"
sleep 1
journal=$(CT 'journalctl -u ipgraphd --no-pager -o cat')
check "reload logged: $(echo "$journal" | tail -3)" grep -q reloaded <<<"$journal"
check "no restart warning on reload" \
    test "$(grep -c 'takes effect at restart' <<<"$journal")" -eq 0
check "still active after the reload" \
    test "$(CT 'systemctl is-active ipgraphd')" = active

# The watchdog (WatchdogSec=30s): the loop pings every 15 s, and systemd
# stamps each ping.
wd=$(CT 'systemctl show -p WatchdogUSec --value ipgraphd')
w1=$(CT 'systemctl show -p WatchdogTimestampMonotonic --value ipgraphd')
sleep 16
w2=$(CT 'systemctl show -p WatchdogTimestampMonotonic --value ipgraphd')
check "the watchdog ($wd) is pinged: stamps $w1 then $w2" \
    test "${w2:-0}" -gt "${w1:-0}"

# Stop writes the open window (60 s long: the pings are in it).
CT 'systemctl stop ipgraphd'
rc=$(CT 'systemctl show -p ExecMainStatus --value ipgraphd')
check "stopped with status 0 (got $rc): $(CT 'journalctl -u ipgraphd --no-pager -o cat' | tail -5)" \
    test "$rc" = 0
db=$R/var/lib/ipgraph/ipgraph.db
frames=$(sqlite3 "$db" 'SELECT coalesce(sum(frames), 0) FROM windows' 2>&1)
check "stop wrote the open window ($frames frames in $db)" \
    test "${frames:-0}" -ge 5
icmp=$(sqlite3 "$db" "SELECT count(*) FROM edges WHERE proto = 1" 2>&1)
check "the pings are edges ($icmp ICMP edges)" test "${icmp:-0}" -ge 2
finish
