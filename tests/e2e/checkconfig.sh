#!/bin/bash
# checkconfig.sh - ipgraphd --check-config checks what start-up checks:
# each bad configuration exits 1 with the file, the line and the key, and
# "ok" means the daemon starts.  Runs the installed binary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/installed.sh"
need openssl
install_tree
D=$INST_IPGRAPHD
mkdir -p "$T/state" "$T/www"
chmod 755 "$T"
[ "$(id -u)" -eq 0 ] && chown nobody "$T/state"
echo s3cret >"$T/token"
printf '   \n' >"$T/blank"
for k in a b; do
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	    -keyout "$T/$k.key" -out "$T/$k.crt" 2>/dev/null ||
	    { fail "openssl req"; finish; }
done
# conf NAME LINES...: a configuration whose other settings are good.
conf() {
	local f=$T/$1.conf
	shift
	{
		printf '[daemon]\nuser = nobody\n'
		printf '[store]\npath = %s/state/db\n' "$T"
		printf '%b\n' "$@"
	} >"$f"
	echo "$f"
}

good=$(conf good '[http]\nlisten = 127.0.0.1:0\ntoken_file = '"$T"'/token' \
    'tls_cert = '"$T"'/a.crt\ntls_key = '"$T"'/a.key\nwww_root = '"$T"'/www')
check "a good configuration is ok: $("$D" --check-config -c "$good" 2>&1)" \
    "$D" --check-config -c "$good"

# A filter of several hundred characters, and a long comment.
long="not port 22"
for i in $(seq 1 30); do long="$long and not host 192.0.2.$i"; done
c=$(conf long "# $(printf 'x%.0s' $(seq 1 300)) listen = 0.0.0.0:18899" \
    "[capture]\nfilter = $long\n[seq]\nfilter = $long")
check "a ${#long}-character filter is ok: $("$D" --check-config -c "$c" 2>&1)" \
    "$D" --check-config -c "$c"

# bad NAME PATTERN LINES...: exit 1, and stderr matches PATTERN.
bad() {
	local name=$1 pat=$2 f
	shift 2
	f=$(conf "$name" "$@")
	expect_error 1 "$f:$pat" "$D" --check-config -c "$f"
}
bad filter '6: \[capture\] filter: .not prt 22.: ' '[capture]\nfilter = not prt 22'
bad seqfilter '6: \[seq\] filter: .tcp\[\[.' '[seq]\nfilter = tcp[['
bad listen "6: \[http\] listen: '1.2.3:80' is not ADDRESS:PORT" '[http]\nlisten = 1.2.3:80'
bad port80 "6: \[http\] listen: '127.0.0.1:80': port 80 is below" '[http]\nlisten = 127.0.0.1:80'
bad user "6: \[daemon\] user: 'no-such-user-x' does not exist" '[daemon]\nuser = no-such-user-x'
bad root "6: \[daemon\] user: 'root' is root" '[daemon]\nuser = root'
bad nocert "7: \[http\] tls_cert: $T/none.crt: No such file" \
    "[http]\ntls_key = $T/a.key\ntls_cert = $T/none.crt"
bad certonly "6: \[http\] tls_cert: tls_cert and tls_key go together" \
    "[http]\ntls_cert = $T/a.crt"
bad mismatch "7: \[http\] tls_key: .*do not make a TLS server" \
    "[http]\ntls_cert = $T/a.crt\ntls_key = $T/b.key"
bad notoken "6: \[http\] token_file: $T/none: No such file" "[http]\ntoken_file = $T/none"
bad blanktoken "6: \[http\] token_file: $T/blank: no token in it" "[http]\ntoken_file = $T/blank"
bad www "6: \[http\] www_root: $T/none: No such file" "[http]\nwww_root = $T/none"
bad nodb "6: \[store\] path: the folder $T/none does not exist" "[store]\npath = $T/none/db"
bad emptysection "5: unknown section \[bogus\]" '[bogus]'
mkdir "$T/dir.conf"
expect_error 1 "$T/dir.conf: not a regular file" "$D" --check-config -c "$T/dir.conf"
if [ "$(id -u)" -eq 0 ]; then
	mkdir -m 755 "$T/rootonly"
	bad rodb "6: \[store\] path: the folder $T/rootonly is not writable by nobody" \
	    "[store]\npath = $T/rootonly/db"
fi
finish
