#!/bin/bash
# bare.sh - the least a jail's traffic can cost: a network namespace behind a veth pair,
# forwarded and masqueraded by the host, and nothing else (no policy rules, no kill switch,
# no guard).  bench/run.sh sends the data path's traffic through it, so that the cost of
# the namespace itself (one more veth hop, forwarding, conntrack and NAT) is measured apart
# from what netjail adds to it.
#
#   bench/bare.sh UPLINK -- COMMAND [ARG]...
#
# The namespace has eth0 10.233.0.2/30 and a default route to the host's end bj0
# 10.233.0.1/30; replies find their way back by the main table's prefix route.  COMMAND runs
# as root in the namespace; then everything is removed and UPLINK's forwarding put back.
# No jail may run meanwhile: netjail's uplink guard would drop the replies, which carry no
# jail's mark.
#
# Bench-only code: netjail itself never runs ip or nft.  Run it inside the bench's lab only.
set -eu
[[ $# -ge 3 && $2 == -- ]] || { echo "usage: $0 UPLINK -- COMMAND..." >&2; exit 2; }
up=$1
shift 2
ns=bj$$ veth=bj0

fwd=$(sysctl -n "net.ipv4.conf.$up.forwarding")
teardown() {
	ip link del "$veth" 2>/dev/null || true
	nft delete table ip bjail 2>/dev/null || true
	sysctl -qw "net.ipv4.conf.$up.forwarding=$fwd"
	ip netns del "$ns" 2>/dev/null || true
}
trap teardown EXIT

ip netns add "$ns"
ip link add "$veth" type veth peer name eth0 netns "$ns"
ip addr add 10.233.0.1/30 dev "$veth"
sysctl -qw "net.ipv4.conf.$veth.forwarding=1" "net.ipv4.conf.$up.forwarding=1"
ip link set "$veth" up
ip -n "$ns" link set lo up
ip -n "$ns" addr add 10.233.0.2/30 dev eth0
ip -n "$ns" link set eth0 up
ip -n "$ns" route add default via 10.233.0.1
nft -f - <<EOF
table ip bjail {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "$up" ip saddr 10.233.0.2 masquerade
	}
}
EOF
status=0
ip netns exec "$ns" "$@" || status=$?
exit $status
