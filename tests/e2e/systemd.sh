#!/bin/bash
# systemd.sh - the unit file passes systemd-analyze verify, and its
# sandboxing keeps the exposure score systemd-analyze security gives low.
. "$(dirname "$0")/lib.sh"
IPGRAPHD=${IPGRAPHD:-$top_builddir/src/ipgraphd}
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze is not installed (package systemd)"
	exit 77
fi
# the unit as installed, but pointing at the binary just built
sed -e "s|@sbindir@|${IPGRAPHD%/*}|" -e 's|@sysconfdir@|/etc|' \
    -e 's|@docdir@|/usr/share/doc/ipgraph|' \
    "$top_srcdir/systemd/ipgraphd.service.in" >"$T/ipgraphd.service"
check "no placeholder is left" test \
    "$(grep -c '@[a-z]*@' "$T/ipgraphd.service")" -eq 0
systemd-analyze verify "$T/ipgraphd.service" >"$T/verify" 2>&1
check "systemd-analyze verify: $(cat "$T/verify")" test ! -s "$T/verify"
for key in Type=notify WatchdogSec= AmbientCapabilities=CAP_NET_RAW \
    NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    RestrictAddressFamilies= SystemCallFilter=@system-service StateDirectory=; do
	check "unit sets $key" grep -q "^$key" "$T/ipgraphd.service"
done
systemd-analyze security --offline=true "$T/ipgraphd.service" >"$T/sec" 2>&1
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$T/sec")
echo "systemd-analyze security: exposure $score"
check "exposure score is below 3.0 (got '$score')" \
    awk -v s="$score" 'BEGIN { exit !(s != "" && s < 3.0) }'
finish
