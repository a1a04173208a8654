#!/bin/sh
# bindir.sh - a folder of links to the programs that tests/programs.txt
# declares, and nothing else: the tests, the build under tests/run.sh,
# quickstart.sh and the benchmarks run with PATH set to it alone, so a
# program that a script calls but the list does not declare is "not found"
# on every machine, installed there or not.
#
#   sh tests/bindir.sh DIR [bench]
#
# Each program is looked up in the system's own folders only (/usr/sbin,
# /usr/bin, /sbin, /bin: where Debian's packages put them; never
# /usr/local, ~/.pyenv and the like, which no package of the list
# installs), and must belong to the package declared for it: dpkg must
# name that package as the owner of the program or of a link on the way to
# it (cc -> /etc/alternatives/cc -> gcc), or as a package it depends on or
# that provides it.  Without `bench`, the programs only the benchmarks use
# are left out.  Exit 1, naming each program and its package, when a
# declared program is missing or belongs to another package.
# IPGRAPH_PROGRAMS names another list (the tests of this check use it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list=${IPGRAPH_PROGRAMS:-$here/programs.txt}
[ $# -ge 1 ] && [ $# -le 2 ] || {
	echo "usage: sh tests/bindir.sh DIR [bench]" >&2
	exit 2
}
dir=$1 scope=${2:-tests}
case $scope in
tests|bench) ;;
*) echo "bindir.sh: unknown scope '$scope' (bench or nothing)" >&2; exit 2 ;;
esac
[ -r "$list" ] || { echo "bindir.sh: cannot read $list" >&2; exit 1; }

mkdir -p "$(dirname "$dir")"
new=$(mktemp -d "$dir.new.XXXXXX")
chmod 755 "$new"
trap 'rm -rf "$new"' EXIT
missing="" bad=""

# The programs of this scope: "PROGRAM PACKAGE" lines.
awk -v scope="$scope" '
    /^[ \t]*(#|$)/ { next }
    NF < 2 || NF > 3 || (NF == 3 && $3 != "bench") {
	printf "%s:%d: expected PROGRAM PACKAGE [bench], got: %s\n", FILENAME, FNR, $0 > "/dev/stderr"
	err = 1; next }
    seen[$1]++ { printf "%s:%d: %s is declared twice\n", FILENAME, FNR, $1 > "/dev/stderr"; err = 1 }
    NF == 3 && scope != "bench" { next }
    { print $1, $2 }
    END { exit err }' "$list" >"$new/.programs" || exit 1

# Where each one is, and every link on the way to the file (for dpkg, in
# both spellings of a merged /usr: dpkg knows /bin/sed, PATH finds
# /usr/bin/sed).
: >"$new/.hops"
while read -r prog pkg; do
	path=""
	for d in /usr/sbin /usr/bin /sbin /bin; do
		if [ -f "$d/$prog" ] && [ -x "$d/$prog" ]; then
			path=$d/$prog
			break
		fi
	done
	if [ -z "$path" ]; then
		missing="$missing $prog:$pkg"
		continue
	fi
	ln -s "$path" "$new/$prog"
	p=$path n=0
	while :; do
		case $p in
		/usr/bin/*|/usr/sbin/*) v=${p#/usr} ;;
		/bin/*|/sbin/*) v=/usr$p ;;
		*) v=$p ;;
		esac
		echo "$prog $pkg $p" >>"$new/.hops"
		echo "$prog $pkg $v" >>"$new/.hops"
		[ -L "$p" ] && [ $n -lt 10 ] || break
		t=$(readlink "$p")
		case $t in
		/*) ;;
		*) t=$(cd "$(dirname "$p")" && pwd -P)/$t ;;
		esac
		p=$t n=$((n + 1))
	done
done <"$new/.programs"

if [ -n "$missing" ]; then
	echo "bindir.sh: declared in ${list##*/} but not installed:" >&2
	pkgs=""
	for m in $missing; do
		echo "  ${m%%:*} (package ${m#*:})" >&2
		case " $pkgs " in *" ${m#*:} "*) ;; *) pkgs="$pkgs ${m#*:}" ;; esac
	done
	echo "bindir.sh: install them with: sh tests/setup.sh$([ "$scope" = bench ] && echo " bench")" \
	    "(as root; or apt-get install$pkgs)" >&2
	exit 1
fi

# The owners, in one dpkg call: "pkg1, pkg2: /path".
if command -v dpkg-query >/dev/null 2>&1; then
	# shellcheck disable=SC2046
	dpkg-query -S $(awk '{ print $3 }' "$new/.hops" | sort -u) \
	    >"$new/.owners" 2>/dev/null || :
	awk '
	    NR == FNR {
		if ($0 ~ /^diversion /) next
		i = index($0, ": "); path = substr($0, i + 2)
		n = split(substr($0, 1, i - 1), o, ", ")
		for (k = 1; k <= n; k++) { sub(/:.*/, "", o[k]); own[path] = own[path] " " o[k] }
		next }
	    { all[$1] = all[$1] own[$3]; pkg[$1] = $2
	      if (index(own[$3] " ", " " $2 " ")) ok[$1] = 1 }
	    END { for (p in pkg) if (!ok[p]) print p, pkg[p], all[p] }
	    ' "$new/.owners" "$new/.hops" >"$new/.unowned"
	# Not owned by the declared package: a package it depends on, or one
	# that provides it (npm inside NodeSource's nodejs), will do.
	while read -r prog pkg owners; do
		deps=$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$pkg" 2>/dev/null |
		    tr ',|' '\n\n' | sed 's/^ *//; s/[ :(].*//')
		good=0
		for o in $owners; do
			if echo "$deps" | grep -qx "$o" ||
			    dpkg-query -W -f='${Provides}' "$o" 2>/dev/null |
			    tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qx "$pkg"; then
				good=1
			fi
		done
		[ $good = 1 ] || bad="$bad
  $prog is declared as package $pkg, but $(grep "^$prog " "$new/.hops" |
		    head -1 | cut -d' ' -f3) belongs to ${owners:-no package}"
	done <"$new/.unowned"
fi
if [ -n "$bad" ]; then
	echo "bindir.sh: ${list##*/} names the wrong package:$bad" >&2
	exit 1
fi

rm -f "$new/.hops" "$new/.owners" "$new/.unowned"
rm -rf "$dir"
mv "$new" "$dir"
trap - EXIT
