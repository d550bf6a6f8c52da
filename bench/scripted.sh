#!/bin/bash
# scripted.sh - the jail netjail builds, built the way a script would: ip, nft and sysctl
# commands, one process each.  bench/run.sh times it against netjail ("the seed's way").
#
#   bench/scripted.sh UPLINK GATEWAY -- COMMAND [ARG]...
#
# The same objects as netjail makes for a jail on UPLINK (IPv4 only): a network namespace
# with eth0 10.232.0.2/30 and a default route; the host end sj0 10.232.0.1/30 with
# forwarding; table 1000 (the way back, out by UPLINK, unreachable); two rules at priority
# 100 (iif sj0, fwmark 0x01000000/0xff000000); forwarding and src_valid_mark on UPLINK;
# the uplink guard; and an nftables table with the mark, NAT and kill switch.  COMMAND runs
# as root in the namespace; then everything is removed and UPLINK's settings are put back.
#
# Bench-only code: netjail itself never runs ip or nft.  Run it inside the bench's lab only.
set -eu
[[ $# -ge 4 && $3 == -- ]] || { echo "usage: $0 UPLINK GATEWAY -- COMMAND..." >&2; exit 2; }
up=$1 gw=$2
shift 3
ns=sj$$ veth=sj0 table=1000 mark=0x01000000 mask=0xff000000

fwd=$(sysctl -n "net.ipv4.conf.$up.forwarding")
svm=$(sysctl -n "net.ipv4.conf.$up.src_valid_mark")

teardown() {
	ip link del "$veth" 2>/dev/null || true
	nft delete table inet sjail 2>/dev/null || true
	ip rule del pref 100 iif "$veth" lookup $table 2>/dev/null || true
	ip rule del pref 100 fwmark $mark/$mask lookup $table 2>/dev/null || true
	ip route flush table $table 2>/dev/null || true
	sysctl -qw "net.ipv4.conf.$up.forwarding=$fwd" "net.ipv4.conf.$up.src_valid_mark=$svm"
	nft delete table inet sjail_guard 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
}
trap teardown EXIT

ip netns add "$ns"
ip link add "$veth" type veth peer name eth0 netns "$ns"
ip addr add 10.232.0.1/30 dev "$veth"
sysctl -qw "net.ipv4.conf.$veth.forwarding=1"
ip link set "$veth" up
ip -n "$ns" link set lo up
ip -n "$ns" addr add 10.232.0.2/30 dev eth0
ip -n "$ns" link set eth0 up
ip -n "$ns" route add default via 10.232.0.1
ip route add 10.232.0.0/30 dev "$veth" table $table
ip route add default via "$gw" dev "$up" table $table
ip route add unreachable default metric 4294967295 table $table
ip rule add pref 100 iif "$veth" lookup $table
ip rule add pref 100 fwmark $mark/$mask lookup $table
nft -f - <<EOF
table inet sjail_guard {
	chain forward {
		type filter hook forward priority filter;
		iifname "$up" meta nfproto ipv4 ct mark & $mask == 0 counter drop
	}
}
table inet sjail {
	chain prerouting {
		type filter hook prerouting priority mangle;
		iif "$veth" meta mark set meta mark & 0x00ffffff | $mark ct mark set ct mark & 0x00ffffff | $mark
		iifname "$up" ct mark & $mask == $mark meta mark set meta mark & 0x00ffffff | $mark
	}
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "$up" ip saddr 10.232.0.2 masquerade
	}
	chain forward {
		type filter hook forward priority filter;
		iif "$veth" oifname "$up" counter accept comment "egress"
		iif "$veth" counter drop comment "fail-closed"
		oif "$veth" ct status dnat accept
		oif "$veth" ct state != established,related counter drop comment "inbound"
		iifname "$up" meta nfproto ipv4 ct mark & $mask == 0 drop
	}
}
EOF
sysctl -qw "net.ipv4.conf.$up.forwarding=1" "net.ipv4.conf.$up.src_valid_mark=1"
status=0
ip netns exec "$ns" "$@" || status=$?
exit $status
