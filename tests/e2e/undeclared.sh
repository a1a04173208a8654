#!/bin/sh
# undeclared.sh - a fixture for declared.sh, not a test: it calls PROGRAM
# (by default a made-up name) by its name, as any script does.  Under the
# tests' PATH, a program that tests/programs.txt does not declare must fail
# right here, whether it is installed on the machine or not.
#   sh undeclared.sh [PROGRAM [ARGS...]]
#   sh undeclared.sh --absolute     (the same made-up program by its path,
#                                    which declared.sh's scan must flag)
if [ "${1:-}" = --absolute ]; then
	/usr/bin/ipgraph-madeup-tool
	exit
fi
[ $# -gt 0 ] || set -- ipgraph-madeup-tool
"$@"
