#!/bin/bash
# completion.sh - the bash completion of ipgraph, sourced after
# bash-completion itself, as an interactive shell would: commands,
# formats, options (the same as each command's --help), option values and
# capture files by extension.
. "$(dirname "$0")/lib.sh"
need pkg-config

BC="$(pkg-config --variable=prefix bash-completion 2>/dev/null)/share/bash-completion/bash_completion"
[ -f "$BC" ] || BC=/usr/share/bash-completion/bash_completion
if [ ! -f "$BC" ]; then
	echo "FAIL: bash-completion is not installed (tests/setup.sh installs it)" >&2
	exit 1
fi
# The completion as `make install` puts it, where bash-completion looks:
# its completionsdir when the prefix is bash-completion's own, else
# $(datadir)/bash-completion/completions under the prefix.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" \
    install-dist_bashcompletionDATA DESTDIR="$T/inst" >"$T/make.out" 2>&1 ||
    { echo "FAIL: make install of the completion: $(cat "$T/make.out")" >&2; exit 1; }
COMPLETION=$(find "$T/inst" -type f -name ipgraph)
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
want="$prefix/share/bash-completion/completions"
[ "$prefix" = "$(pkg-config --variable=prefix bash-completion)" ] &&
    want=$(pkg-config --variable=completionsdir bash-completion)
check "completion installed in $want ($COMPLETION)" \
    test "$COMPLETION" = "$T/inst$want/ipgraph"
[ -f "$COMPLETION" ] || { echo "FAIL: no completion installed" >&2; exit 1; }
# bash_completion wants an interactive-like shell: no -u, extglob on
set +u
shopt -s extglob progcomp
. "$BC" || { echo "FAIL: cannot source $BC" >&2; exit 1; }
. "$COMPLETION" || { echo "FAIL: cannot source $COMPLETION" >&2; exit 1; }

# comp WORD...: complete the last word of "ipgraph WORD..." (empty for a
# TAB after a space); prints the candidates sorted, one a line.
comp() {
	COMP_WORDS=(ipgraph "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_ipgraph ipgraph "${COMP_WORDS[COMP_CWORD]}" \
	    "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}

# same WHAT GOT WANT: the two lists (one item a line) must be equal.
same() {
	if [ "$2" = "$3" ]; then
		pass
	else
		fail "$1: got [$(echo $2)], want [$(echo $3)]"
	fi
}

# long options of a command's --help
help_options() {
	"$IPGRAPH" "$@" --help | grep -Eo -- '(^|[^-[:alnum:]])--[a-z][-a-z]*' |
	    grep -Eo -- '--[a-z][-a-z]*' | sort -u
}

# 1. ipgraph ex<TAB> is export; ipgraph <TAB> is every command.
same "ipgraph ex<TAB>" "$(comp ex)" "export"
same "ipgraph <TAB>" "$(comp '')" \
    "$( ("$IPGRAPH" help --commands; echo --help; echo --version) | sort)"
same "ipgraph se<TAB>" "$(comp se)" "$(printf 'seq\nserve')"

# 2. ipgraph export <TAB> is every format export --help lists.
formats=$("$IPGRAPH" export --help | sed -n '/^formats:$/,/^$/p' |
    awk 'NF && $1 != "formats:" { print $1 }' | sort)
n=$(echo "$formats" | wc -l)
check "export --help lists formats ($n)" test "$n" -ge 20
same "ipgraph export <TAB>" "$(comp export '')" "$formats"
same "ipgraph export histogram-<TAB>" "$(comp export histogram-)" \
    "$(printf 'histogram-csv\nhistogram-png\nhistogram-svg')"

# 3. Options: each command's long options, as its --help lists them.
for cmd in import top diff new rollup seq serve; do
	same "ipgraph $cmd --<TAB>" "$(comp "$cmd" --)" "$(help_options "$cmd")"
done
same "ipgraph export dot --<TAB>" "$(comp export dot --)" \
    "$(help_options export)"
same "ipgraph import --qu<TAB>" "$(comp import --qu)" "--quiet"

# 4. Option values.
same "--metric <TAB>" "$(comp export dot --metric '')" \
    "$(printf 'bytes\npackets')"
same "--tier <TAB>" "$(comp top --tier '')" \
    "$(printf 'auto\nday\nhour\nraw')"
same "--proto i<TAB>" "$(comp export csv --proto i)" \
    "$(printf 'icmp\nicmpv6')"
same "seq --format <TAB>" "$(comp seq --format '')" \
    "$(printf 'json\nmermaid\npng\nseqdiag\nsvg\ntext')"
same "--layout <TAB>" "$(comp export png --layout '')" \
    "$(printf 'circo\ndot\nfdp\nneato\nsfdp\ntwopi')"
same "--from <TAB>: nothing" "$(comp export dot --from '')" ""
same "help <TAB>" "$(comp help '')" "$("$IPGRAPH" help --commands | sort)"

# 5. Files by extension: captures (plain or compressed) and folders for
#    import, databases for --db, folders for a folder format's -o.
mkdir -p "$T/w/sub.d"
cd "$T/w" || exit 99
touch a.pcap b.pcapng.gz c.pcap.zst d.pcap.xz e.cap f.txt g.csv net.db \
    notes.pcap.bak
same "import <TAB>" "$(comp import '')" \
    "$(printf 'a.pcap\nb.pcapng.gz\nc.pcap.zst\nd.pcap.xz\ne.cap\nsub.d')"
same "seq <TAB>" "$(comp seq '')" \
    "$(printf 'a.pcap\nb.pcapng.gz\nc.pcap.zst\nd.pcap.xz\ne.cap\ng.csv\nsub.d')"
same "--db <TAB>" "$(comp top --db '')" "$(printf 'net.db\nsub.d')"
same "export circos-bundle -o <TAB>" "$(comp export circos-bundle -o '')" \
    "sub.d"
cd / || exit 99

echo "completion: $CHECKS checks passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
