#!/bin/bash
# startup.sh - the installed ipgraphd as it starts on a real system: with no
# interface up yet (a boot) it waits for one instead of exiting; started as
# root it keeps only the capture capabilities, in the bounding set too,
# with no_new_privs, and creates its database 0640; a reload logs a restart
# warning only for what really changed; the installed configuration serves
# the installed dashboard at /.  Needs root (network namespaces).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/installed.sh"
need curl
sensor_setup ipst
install_tree
IPGRAPHD=$INST_IPGRAPHD
E="ipst-e$$"
trap 'ip netns del "$E" 2>/dev/null; sensor_cleanup' EXIT

# wait_log FILE PATTERN: up to 10 s for PATTERN (ERE) in FILE.
wait_log() {
	for _ in $(seq 1 100); do
		grep -Eq -- "$2" "$1" && return 0
		sleep 0.1
	done
	return 1
}

# 1. No interface up: wait for one, then capture on it.
ip netns add "$E"
ip -n "$E" link set lo up
{
	printf '[daemon]\nuser = nobody\nsensor = boot\n'
	printf '[window]\nseconds = 2\ngrace = 1\n'
	printf '[store]\npath = %s/boot.db\n' "$W"
} >"$T/boot.conf"
ip netns exec "$E" "$IPGRAPHD" -f -c "$T/boot.conf" >"$T/boot.log" 2>&1 &
EPID=$!
wait_log "$T/boot.log" "waiting for an interface"
check "with no interface up, the daemon says it waits: $(cat "$T/boot.log")" \
    grep -Eq "no interface is up.*waiting for an interface" "$T/boot.log"
sleep 2
check "with no interface up, the daemon keeps running: $(cat "$T/boot.log")" \
    kill -0 "$EPID"
ip -n "$E" link add ea type veth peer name eb
ip -n "$E" addr add 192.0.2.1/30 dev ea
ip -n "$E" link set eb up
ip -n "$E" link set ea up
check "once an interface is up, the daemon captures on it: $(cat "$T/boot.log")" \
    wait_log "$T/boot.log" "e[ab] is up: capturing on it"
# the file names no interface, and neither does the reloaded one
kill -HUP "$EPID"
wait_log "$T/boot.log" "reloaded" || fail "no reload: $(tail -3 "$T/boot.log")"
check "a reload of a file naming no interface warns of nothing: $(grep restart "$T/boot.log")" \
    test "$(grep -c 'takes effect at restart' "$T/boot.log")" -eq 0
kill -TERM "$EPID"
wait "$EPID"
check "the daemon that waited exits 0 on SIGTERM" test $? -eq 0

# 2. Started as root: privileges, file modes, reload warnings.
daemon_conf "$T/c.conf" "$B"
daemon_start "$T/c.conf" || finish
st=/proc/$DPID/status
check "runs as nobody: $(grep Uid "$st")" \
    grep -Eq "^Uid:[[:space:]]+$(id -u nobody)[[:space:]]+$(id -u nobody)[[:space:]]+$(id -u nobody)" "$st"
for f in CapEff CapPrm CapBnd; do
	check "$f holds CAP_NET_RAW and CAP_NET_ADMIN only: $(grep "$f" "$st")" \
	    grep -q "^$f:[[:space:]]*0000000000003000$" "$st"
done
check "no_new_privs is set: $(grep NoNewPrivs "$st")" \
    grep -q "^NoNewPrivs:[[:space:]]*1$" "$st"
for _ in $(seq 1 50); do [ -f "$W/db" ] && break; sleep 0.1; done
check "the database is created 0640 (got $(stat -c %a "$W/db"))" \
    test "$(stat -c %a "$W/db")" = 640
[ -f "$W/db-wal" ] && check "its WAL is 0640 (got $(stat -c %a "$W/db-wal"))" \
    test "$(stat -c %a "$W/db-wal")" = 640
kill -HUP "$DPID"
wait_log "$T/log" "reloaded" || fail "no reload: $(tail -5 "$T/log")"
check "a reload of the same file warns of nothing: $(grep 'restart' "$T/log")" \
    test "$(grep -c 'takes effect at restart' "$T/log")" -eq 0
# a filter of several hundred characters (libinih cut lines at 200)
long="not port 22"
for i in $(seq 1 30); do long="$long and not host 192.0.2.$i"; done
printf '[capture]\nfilter = %s\n' "$long" >>"$T/c.conf"
kill -HUP "$DPID"
for _ in $(seq 1 50); do
	[ "$(grep -c reloaded "$T/log")" -ge 2 ] && break
	sleep 0.1
done
check "a ${#long}-character filter is applied at once: $(grep -E 'reload' "$T/log" | tail -2)" \
    test "$(grep -c reloaded "$T/log")" -ge 2
check "a new filter asks for no restart" \
    test "$(grep -c 'takes effect at restart' "$T/log")" -eq 0
sed -i 's/^seconds = 2/seconds = 4/' "$T/c.conf"
kill -HUP "$DPID"
check "a new window length is named as waiting for a restart: $(grep restart "$T/log")" \
    wait_log "$T/log" "reload: \[window\] seconds changed; that takes effect at restart"
daemon_stop "ipgraphd exits 0 on SIGTERM"

# 3. The installed configuration, run as the unit runs it (an unprivileged
# user with the capture capabilities, its state folder from systemd's
# STATE_DIRECTORY): the dashboard is at /.
if command -v setpriv >/dev/null 2>&1 && unshare -m true 2>/dev/null; then
	ip -n "$SEN" link set lo up
	in_inst ip netns exec "$SEN" setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups --inh-caps=+net_raw,+net_admin \
	    --ambient-caps=+net_raw,+net_admin \
	    env STATE_DIRECTORY="$W" "$EXEC_PATH" -f -i "$B" -c "$CONF_PATH" \
	    >"$T/inst.log" 2>&1 &
	IPID=$!
	wait_log "$T/inst.log" "http: listening on .*dashboard" ||
	    fail "the installed daemon did not serve: $(cat "$T/inst.log")"
	code=$(ip netns exec "$SEN" curl -s -o "$T/index.html" \
	    -w '%{http_code}' http://127.0.0.1:8080/)
	check "the installed configuration serves the dashboard at / (HTTP $code)" \
	    test "$code" = 200
	check "/ is the dashboard's page" cmp -s "$T/index.html" "$INST$WWW_PATH/index.html"
	check "the database went to STATE_DIRECTORY" test -f "$W/ipgraph.db"
	kill -TERM $(ip netns pids "$SEN")
	wait "$IPID"
	check "the installed daemon exits 0 on SIGTERM" test $? -eq 0
else
	echo "skipped the installed configuration's run (needs setpriv and mount namespaces)"
fi
finish
