# installed.sh - the tree that `make install DESTDIR=...` makes, for the
# tests of what ships (sourced after lib.sh, not run).
#
# install_tree: runs `make install DESTDIR=$T/inst` in the build tree and
# finds every artefact the way a user's system would: the unit, then the
# binary and the configuration its ExecStart names, then the dashboard
# folder that configuration names.  Sets INST (the DESTDIR), UNIT,
# INST_IPGRAPHD, INST_IPGRAPH, INST_CONF (paths inside INST), and
# EXEC_PATH, CONF_PATH, WWW_PATH (the same paths as the unit and the
# configuration spell them, without INST).  Fails the test when any is
# missing.
install_tree() {
	INST=$T/inst
	if ! make -s -C "$top_builddir" install DESTDIR="$INST" \
	    >"$T/install.log" 2>&1; then
		fail "make install DESTDIR=$INST: $(tail -20 "$T/install.log")"
		finish
	fi
	UNIT=$(find "$INST" -name ipgraphd.service -type f | head -1)
	[ -n "$UNIT" ] || { fail "make install installed no ipgraphd.service"; finish; }
	EXEC_PATH=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
	CONF_PATH=$(sed -n 's/^ExecStart=.* -c \([^ ]*\).*/\1/p' "$UNIT")
	INST_IPGRAPHD=$INST$EXEC_PATH
	INST_CONF=$INST$CONF_PATH
	INST_IPGRAPH=$(find "$INST" -path '*/bin/ipgraph' -type f | head -1)
	WWW_PATH=$(sed -n 's/^www_root *= *//p' "$INST_CONF" 2>/dev/null)
	[ -x "$INST_IPGRAPHD" ] && [ -f "$INST_CONF" ] && [ -x "$INST_IPGRAPH" ] ||
	    { fail "the unit's ExecStart ($EXEC_PATH -c $CONF_PATH) is not in the installed tree"; finish; }
}

# in_inst CMD...: run CMD in a mount namespace of its own where the
# installed prefix ($INST$PREFIX) is mounted on the prefix itself, so the
# unit's and the configuration's absolute paths name the installed files,
# as on the system they are meant for.  Needs root; install_tree first.
# Returns 77 (skip) when the build's folders are not all under its prefix.
in_inst() {
	local p
	PREFIX=${EXEC_PATH%/sbin/ipgraphd}
	for p in "$EXEC_PATH" "$CONF_PATH" "$WWW_PATH" "${UNIT#"$INST"}"; do
		case $p in "$PREFIX"/*) ;; *)
			echo "SKIP: $p is outside the prefix $PREFIX"
			return 77 ;;
		esac
	done
	mkdir -p "$PREFIX" || return 1
	unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" "$2" &&
	    shift 2 && exec "$@"' in_inst "$INST$PREFIX" "$PREFIX" "$@"
}
