#!/bin/bash
# declared.sh - the check that every program the scripts call is declared
# in tests/programs.txt: the tests run on a PATH of links to the declared
# programs alone (tests/bindir.sh), so a call to any other program fails
# where it is written, on every machine, installed there or not; the
# programs scripts call by an absolute path must be declared too; and
# tests/setup.sh, which installs the list, says what is missing and how to
# install it when it cannot.
. "$(dirname "$0")/lib.sh"
FIX="$top_srcdir/tests/e2e/undeclared.sh"
BINDIR="$top_srcdir/tests/bindir.sh"
declared() { awk -v p="$1" '!/^[ \t]*#/ && $1 == p { f = 1 } END { exit !f }' "$PROGRAMS"; }

# 1. This test, like every other, runs on that PATH.
check "PATH is one folder of links to the declared programs ($PATH)" \
    test -f "$PATH/.programs" -a "${PATH%%:*}" = "$PATH"
check "every link points into the system's folders" test -z \
    "$(find "$PATH" -type l ! -lname '/usr/bin/*' ! -lname '/usr/sbin/*' \
    ! -lname '/bin/*' ! -lname '/sbin/*')"

# 2. The fixture calling a made-up program fails where it calls it.
sh "$FIX" >"$T/out" 2>"$T/err"
rc=$?
check "a made-up program: the fixture fails with 127 ($rc)" test $rc -eq 127
check "the shell names the program and the line ($(cat "$T/err"))" \
    grep -Eq 'undeclared\.sh: [0-9]+: ipgraph-madeup-tool: not found' "$T/err"

# 3. So does a program that is installed but not declared: the PATH, not
#    the machine, decides.  (Harmless programs every Debian has.)
prog=""
for p in whoami hostid logname tty dpkg; do
	if [ -x "/usr/bin/$p" ] && ! declared "$p"; then prog=$p; break; fi
done
if [ -n "$prog" ]; then
	check "$prog is installed here (/usr/bin/$prog runs)" "/usr/bin/$prog" \
	    >/dev/null 2>&1
	sh "$FIX" "$prog" >"$T/out" 2>"$T/err"
	rc=$?
	check "installed but undeclared $prog: the fixture fails with 127 ($rc)" \
	    test $rc -eq 127
	check "... naming $prog ($(cat "$T/err"))" grep -q ": $prog: not found" "$T/err"
	(need "$prog") 2>"$T/err"
	check "need $prog fails: not declared" grep -q \
	    "$prog is not declared in tests/programs.txt" "$T/err"
else
	fail "no installed, undeclared program found to try"
fi
# ... while a declared one runs.
check "a declared program (sed) runs in the fixture" sh "$FIX" sed -n 1p /dev/null

# 4. The list itself: a declared program that is not installed, or that
#    belongs to another package, or a malformed line, stops bindir.sh with
#    a message naming it.
printf 'sed sed\nipgraph-madeup-tool ipgraph-madeup-pkg\n' >"$T/l-missing"
IPGRAPH_PROGRAMS="$T/l-missing" sh "$BINDIR" "$T/b1" 2>"$T/err"
rc=$?
check "bindir.sh: a missing program is an error ($rc)" test $rc -eq 1
check "... naming it, its package and setup.sh ($(cat "$T/err"))" grep -Pzq \
    'ipgraph-madeup-tool \(package ipgraph-madeup-pkg\)(.|\n)*sh tests/setup.sh' "$T/err"
check "... and no folder is made" test ! -e "$T/b1"
printf 'sed coreutils\n' >"$T/l-wrong"
IPGRAPH_PROGRAMS="$T/l-wrong" sh "$BINDIR" "$T/b2" 2>"$T/err"
rc=$?
check "bindir.sh: a wrong package is an error ($rc)" test $rc -eq 1
check "... naming the owner ($(cat "$T/err"))" grep -q \
    "sed is declared as package coreutils, but .*/sed belongs to sed" "$T/err"
printf 'sed sed\nsed sed\ngrep\n' >"$T/l-bad"
IPGRAPH_PROGRAMS="$T/l-bad" sh "$BINDIR" "$T/b3" 2>"$T/err"
check "bindir.sh: a duplicate and a line without a package are errors" \
    grep -q "l-bad:2: sed is declared twice" "$T/err"
check "... each named with its line" grep -q "l-bad:3: expected PROGRAM PACKAGE" "$T/err"

# 5. Programs called by an absolute path bypass PATH: every program
#    named by a path in /bin, /usr/bin, /sbin or /usr/sbin in the
#    project's scripts (shebangs included; this file and its fixture
#    aside) must be declared all the same.
abs_undeclared() {	# FILE...: "FILE: PROGRAM" for each undeclared one
	local f p
	for f in "$@"; do
		for p in $(grep -oE '(^|[^A-Za-z0-9_.-])/(usr/)?s?bin/[A-Za-z0-9_.+-]+' "$f" |
		    sed 's|.*/||' | sort -u); do
			case $p in
			policy-rc.d) continue ;;	# a file setup.sh writes
			ipgraph|ipgraphd) continue ;;	# ours, as installed
			nologin) continue ;;	# a login shell named, not run
			esac
			declared "$p" || echo "${f#"$top_srcdir"/}: $p"
		done
	done
}
S=$top_srcdir
abs_undeclared "$S"/quickstart.sh "$S"/autogen.sh "$S"/tests/*.sh \
    "$S"/tests/fuzz/run.sh "$S"/bench/*.sh "$S"/bench/*.py \
    $(ls "$S"/tests/e2e/*.sh "$S"/tests/e2e/*.py |
    grep -Ev '/(un)?declared\.sh$') \
    >"$T/abs"
check "every program called by its path is declared: $(cat "$T/abs")" \
    test ! -s "$T/abs"
abs_undeclared "$FIX" >"$T/abs"
check "the scan flags the fixture's /usr/bin/ipgraph-madeup-tool" \
    grep -q "undeclared.sh: ipgraph-madeup-tool" "$T/abs"

# 6. tests/setup.sh with something missing and no way to install it: not
#    root, or no package index reachable.  One message naming the package
#    and the command to install it; exit 1.
printf 'sed sed\nipgraph-madeup-tool ipgraph-madeup-pkg\n' >"$T/l-setup"
chmod 755 "$T"
chmod 644 "$T/l-setup"
if [ "$(id -u)" -eq 0 ]; then
	asuser() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	asuser() { "$@"; }
fi
IPGRAPH_PROGRAMS="$T/l-setup" asuser sh "$top_srcdir/tests/setup.sh" \
    >"$T/out" 2>"$T/err"
rc=$?
check "setup.sh without root: exit 1 ($rc)" test $rc -eq 1
check "... naming the package and the command ($(cat "$T/err"))" grep -Pzq \
    'missing packages: ipgraph-madeup-pkg(.|\n)*as root(.|\n)*apt-get install -y --no-install-recommends ipgraph-madeup-pkg' \
    "$T/err"
if [ "$(id -u)" -eq 0 ]; then
	# apt on its own folders, with one source where nothing listens
	# (the discard port of this machine): the machine's apt is untouched.
	A="$T/apt"
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/parts" \
	    "$A/sources.d"
	echo "deb http://127.0.0.1:9/debian bookworm main" >"$A/sources.list"
	cat >"$A/apt.conf" <<CONF
Dir::Etc::sourcelist "$A/sources.list";
Dir::Etc::sourceparts "$A/sources.d";
Dir::Etc::parts "$A/parts";
Dir::State::lists "$A/lists";
Dir::Cache "$A/cache";
Acquire::Retries "0";
CONF
	APT_CONFIG="$A/apt.conf" IPGRAPH_PROGRAMS="$T/l-setup" \
	    sh "$top_srcdir/tests/setup.sh" >"$T/out" 2>"$T/err"
	rc=$?
	check "setup.sh with no package index: exit 1 ($rc)" test $rc -eq 1
	check "... naming what is missing and the command ($(tail -3 "$T/err"))" grep -Pzq \
	    'no package index reachable(.|\n)*missing packages: ipgraph-madeup-pkg(.|\n)*apt-get update && apt-get install -y --no-install-recommends ipgraph-madeup-pkg' \
	    "$T/err"
fi
finish
