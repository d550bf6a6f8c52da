#!/bin/bash
# t-vpn-bridge.sh - a bridge uplink keeps bridging while netjail guards it (issue 17, item 3).
# The host's up1 becomes a port of br0 (which takes up1's address) and a "VM" namespace hangs
# off br0 by a veth port, on the bridge's subnet: it talks to the router rb through the
# bridge, not routed by the host.  With br_netfilter (bridge-nf-call-iptables, set in the
# lab's netns only), bridged frames pass the inet forward hook with br0 as input and output
# device; the uplink guard must not drop them: while `netjail -i br0` runs, after it is
# SIGKILLed (netjail_guard stays) and after --cleanup; and the same with br_netfilter off.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail

if [[ ! -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then
	echo "1..0 # SKIP no br_netfilter in this kernel"
	exit 0
fi

# up1 into br0, its address moved to br0; the VM at 198.51.100.50 on br0's port vm-h.
ip link add br0 type bridge forward_delay 0   # no timer running in host_state
ip link set br0 up
ip addr del 198.51.100.2/24 dev up1
ip link set up1 master br0
ip addr add 198.51.100.2/24 dev br0
sysctl -qw net.ipv4.conf.br0.rp_filter=1
lab_ns_add vm
ip link add vm-h type veth peer name vm-e netns vm
ip link set vm-h master br0
ip link set vm-h up
ip -n vm addr add 198.51.100.50/24 dev vm-e
ip -n vm link set vm-e up
ip -n vm route add default via 198.51.100.1
before=$LAB_TMP/state.before
host_state >"$before"

vm_reaches_rb() { ip netns exec vm ping -c1 -W1 -q 198.51.100.1 >/dev/null 2>&1; }
# the VM's TCP connection through rb to the server, which must see the VM's own address
vm_reaches_srv() {
	[[ $(ip netns exec vm socat -T2 -t2 - TCP:203.0.113.10:7,connect-timeout=2 </dev/null 2>/dev/null |
		tr -d '\r' | head -n1) == 198.51.100.50 ]]
}
guard_rules() { nft list table inet netjail_guard 2>/dev/null | grep -c 'iifname "br0"'; }

for brnf in 1 0; do
	sysctl -qw net.bridge.bridge-nf-call-iptables=$brnf net.bridge.bridge-nf-call-ip6tables=$brnf
	what="bridge-nf-call-iptables=$brnf"
	check "$what: without netjail the VM reaches rb through the bridge" wait_for 5 vm_reaches_rb

	nj_bg -i br0 -g 198.51.100.1 -- sleep 3600 >/dev/null 2>&1 </dev/null
	if wait_for 10 jail_links_at_least 1; then
		is "$(guard_rules)" 1 "$what: netjail -i br0 guards br0"
		check "$what: ... but not what goes out by br0 again (bridged)" \
			grep -q 'iifname "br0" oifname != "br0"' <<<"$(nft list table inet netjail_guard)"
		check "$what: with a jail on br0, the VM still reaches rb (ping)" vm_reaches_rb
		check "$what: ... and the server through rb (TCP, its own address)" vm_reaches_srv
		is "$(seen_source nj -i br0 -g 198.51.100.1 --)" 198.51.100.2 \
			"$what: a jail's egress leaves by br0 as 198.51.100.2"
		check "$what: the VM still reaches rb after that jail" vm_reaches_rb
		kill -KILL "$NJ_PID"
		finish "$NJ_PID" 5
		is "$(guard_rules)" 1 "$what: netjail SIGKILLed: its guard stays"
		check "$what: ... and the VM still reaches rb" vm_reaches_rb
		check "$what: ... and the server" vm_reaches_srv
		nj --cleanup >/dev/null 2>&1
		check "$what: --cleanup removes the guard" fails quiet nft list table inet netjail_guard
		check "$what: ... leaves no jail" no_jail_links
		check "$what: after --cleanup the VM reaches rb" vm_reaches_rb
	else
		not_ok "$what: a jail on br0 came up"
		kill -KILL "$NJ_PID" 2>/dev/null
		finish "$NJ_PID" 5
		nj --cleanup >/dev/null 2>&1
	fi
done

# The guard still guards: a neighbour on br0's network (rb) cannot have the host route for it
# to another of the host's networks (up0's router ra).
ip -n rb route add 192.0.2.0/24 via 198.51.100.2
nj_bg -i br0 -g 198.51.100.1 -- sleep 3600 >/dev/null 2>&1 </dev/null
if wait_for 10 jail_links_at_least 1; then
	check "with the guard, rb cannot use the host as a router to up0's network" \
		fails quiet ip netns exec rb ping -c1 -W1 -q 192.0.2.1
	kill -TERM "$NJ_PID"
	finish "$NJ_PID" 5
else
	not_ok "a jail on br0 came up (routing check)"
	kill -KILL "$NJ_PID" 2>/dev/null
	finish "$NJ_PID" 5
fi
ip -n rb route del 192.0.2.0/24 via 198.51.100.2
check "the last jail out removes the guard" fails quiet nft list table inet netjail_guard

# On an uplink that is no bridge, the guard keeps dropping what the host would route back out
# the link it came in on (hairpin: a relay around Wi-Fi client isolation).  ra sends 10.77.0.1
# to the host, whose default route sends it back to ra; ra counts what comes back.
ip -n ra route add 10.77.0.0/24 via 192.0.2.2
ip netns exec ra nft -f - <<'NFT'
table ip hairpin {
	chain pre {
		type filter hook prerouting priority 0;
		iifname "ra-h" ip daddr 10.77.0.1 counter drop
	}
}
NFT
hairpin_count() { ip netns exec ra nft list chain ip hairpin pre | sed -n 's/.* packets \([0-9]*\) .*/\1/p'; }
is "$(hairpin_count)" 0 "ra counts what the host sends back for 10.77.0.1"
hairpin_back() {
	ip netns exec ra ping -c1 -W1 -q 10.77.0.1 >/dev/null 2>&1
	[[ $(hairpin_count) != 0 ]]
}
nj_bg -i up0 -- sleep 3600 >/dev/null 2>&1 </dev/null
if wait_for 10 jail_links_at_least 1; then
	check "a jail on up0 (a veth): the guard has no oifname exception" \
		fails grep -q oifname <<<"$(nft list table inet netjail_guard)"
	check "... and drops what the host would route back out up0" fails hairpin_back
	kill -TERM "$NJ_PID"
	finish "$NJ_PID" 5
else
	not_ok "a jail on up0 came up (hairpin check)"
	kill -KILL "$NJ_PID" 2>/dev/null
	finish "$NJ_PID" 5
fi
ip netns exec ra nft delete table ip hairpin
ip -n ra route del 10.77.0.0/24 via 192.0.2.2
assert_host_unchanged "$before"
tap_done
