# veth.sh - veth_pair, for the end-to-end tests (tests/e2e/lib.sh) and the
# benchmarks (bench/common.sh) alike (sourced, not run).

# veth_pair SND SEN A B: two network namespaces joined by a veth pair (A in
# SND, B in SEN), MTU 9000, no IPv6 and no addresses, so nothing but the
# frames a test or benchmark sends crosses it.  Returns 1, having said
# why, when it cannot; the caller removes the namespaces.
veth_pair() {
	local ns
	ip netns add "$1" && ip netns add "$2" &&
	    ip link add "$3" type veth peer name "$4" &&
	    ip link set "$3" netns "$1" && ip link set "$4" netns "$2" || {
		echo "veth_pair: cannot build the namespaces $1 and $2" >&2
		return 1
	}
	for ns in "$1" "$2"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
		    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 ||
		    return 1
	done
	ip netns exec "$1" ip link set "$3" mtu 9000 up &&
	    ip netns exec "$2" ip link set "$4" mtu 9000 up
}
