#!/bin/bash
# systemd.sh - the unit `make install` installs: no placeholder left, its
# ExecStart and configuration are the installed files, systemd-analyze
# verify passes, and its sandboxing keeps the exposure score that
# systemd-analyze security gives at 2.0 or less.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/installed.sh"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze is not installed (package systemd)"
	exit 77
fi
install_tree
check "no placeholder is left in the unit: $(grep -n '@[a-z_]*@' "$UNIT")" \
    test "$(grep -c '@[a-z_]*@' "$UNIT")" -eq 0
check "ExecStart is an absolute path ($EXEC_PATH)" \
    test "${EXEC_PATH#/}" != "$EXEC_PATH"
check "the installed configuration names the installed dashboard" \
    test -f "$INST$WWW_PATH/index.html"
for key in Type=notify WatchdogSec= AmbientCapabilities=CAP_NET_RAW \
    NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    RestrictAddressFamilies= SystemCallFilter=@system-service StateDirectory=; do
	check "unit sets $key" grep -q "^$key" "$UNIT"
done
unit=${UNIT#"$INST"}
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	# the unit at its installed path, its binary where ExecStart says
	in_inst systemd-analyze verify "$unit" >"$T/verify" 2>&1
	check "systemd-analyze verify: $(cat "$T/verify")" test ! -s "$T/verify"
	# as the unit runs it: its user (nobody here) and state folder
	mkdir -m 777 "$T/state"
	chmod 755 "$T"
	in_inst setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env STATE_DIRECTORY="$T/state" "$EXEC_PATH" --check-config \
	    -c "$CONF_PATH" >"$T/cc" 2>&1
	check "the installed daemon accepts the installed configuration: $(cat "$T/cc")" \
	    grep -q ': ok$' "$T/cc"
else
	# without mount namespaces: the only complaint may be that the
	# binary is not at its installed path on this machine
	systemd-analyze verify "$UNIT" 2>&1 |
	    grep -v "Command $EXEC_PATH is not executable" >"$T/verify"
	check "systemd-analyze verify: $(cat "$T/verify")" test ! -s "$T/verify"
fi
systemd-analyze security --offline=true "$UNIT" >"$T/sec" 2>&1
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$T/sec")
echo "systemd-analyze security: exposure $score"
check "exposure score is 2.0 or less (got '$score')" \
    awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
finish
