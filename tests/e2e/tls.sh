#!/bin/bash
# tls.sh - the HTTP server's TLS and token: TLS 1.2 and 1.3 with
# forward-secret AEAD suites only (openssl s_client is refused anything
# older or weaker), a token file of blanks is refused and blanks around a
# token are not part of it; ipgraphd started as root reads a key and a
# token readable by root alone before it becomes its user.
. "$(dirname "$0")/lib.sh"
need openssl
need curl
DB="$T/db"
"$IPGRAPH" import -q --db "$DB" "$DATA/pcapplusplus-many_interfaces-1.pcapng" ||
    { fail "import"; finish; }
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
    { fail "openssl req"; finish; }
TOKEN="t-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '  %s \t\n' "$TOKEN" >"$T/token"

# wait_port LOG: the port of the first "listening on 127.0.0.1:PORT".
wait_port() {
	local p=""
	for _ in $(seq 1 100); do
		p=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1")
		[ -n "$p" ] && break
		sleep 0.1
	done
	echo "$p"
}

"$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" \
    --tls-key "$T/key.pem" --token-file "$T/token" >"$T/serve.log" 2>&1 &
SPID=$!
P=$(wait_port "$T/serve.log")
[ -n "$P" ] || { fail "serve did not start: $(cat "$T/serve.log")"; finish; }

# hello WANT ARGS...: an s_client handshake; WANT ok or refused.  The
# client is set to its lowest security level, so a refusal is the server's.
hello() {
	local want=$1 got=refused
	shift
	openssl s_client -connect "127.0.0.1:$P" -servername localhost "$@" \
	    </dev/null >"$T/hello" 2>&1 &&
	    grep -q "^New, TLS" "$T/hello" && got=ok
	check "TLS handshake with $* is $want (got $got: $(grep -m1 -E '^New|error' "$T/hello"))" \
	    test "$got" = "$want"
}
hello refused -tls1 -cipher 'DEFAULT@SECLEVEL=0'
hello refused -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'
hello refused -tls1_2 -cipher 'AES128-GCM-SHA256@SECLEVEL=0'
hello refused -tls1_2 -cipher 'AES256-SHA256@SECLEVEL=0'
hello refused -tls1_2 -cipher 'ECDHE-RSA-AES128-SHA@SECLEVEL=0'
hello ok -tls1_2 -cipher 'ECDHE-RSA-AES128-GCM-SHA256'
hello ok -tls1_2 -cipher 'ECDHE-RSA-CHACHA20-POLY1305'
hello ok -tls1_3
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/cert.pem" \
    -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$P/api/v1/edges.json")
check "the token without the blanks around it in its file: 200 (got $code)" \
    test "$code" = 200
kill "$SPID"
wait "$SPID"

printf ' \t \n' >"$T/blank"
expect_error 1 "token_file: $T/blank: no token in it" \
    "$IPGRAPH" serve --db "$DB" --listen 127.0.0.1:0 --token-file "$T/blank"

# ipgraphd as root: the key and the token are root's alone (0600).
if [ "$(id -u)" -eq 0 ] && ip netns add "iptl-probe$$" 2>/dev/null; then
	ip netns del "iptl-probe$$"
	sensor_setup iptl
	chown root:root "$T/key.pem" "$T/token"
	chmod 600 "$T/key.pem" "$T/token"
	ip netns exec "$SEN" ip link set lo up
	daemon_conf "$T/d.conf" "$B" "[http]\nlisten = 127.0.0.1:0" \
	    "tls_cert = $T/cert.pem\ntls_key = $T/key.pem\ntoken_file = $T/token"
	daemon_start "$T/d.conf" || finish
	P=$(wait_port "$T/log")
	code=$(ip netns exec "$SEN" curl -s -o /dev/null -w '%{http_code}' \
	    --cacert "$T/cert.pem" -H "Authorization: Bearer $TOKEN" \
	    "https://127.0.0.1:$P/api/v1/stats")
	check "ipgraphd serves TLS with a root-only key and token after becoming nobody (got $code): $(grep -E 'http|key|token' "$T/log" | head -3)" \
	    test "$code" = 200
	daemon_stop "ipgraphd exits 0 on SIGTERM"
fi
finish
