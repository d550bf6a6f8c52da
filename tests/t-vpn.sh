#!/bin/bash
# t-vpn.sh - with wg-quick's policy routing on the host (all traffic into "wg0" unless marked
# 51820), a jail on up1 still leaves by up1, also while the VPN connects and disconnects under
# a running jail, and the VPN's rules are intact afterwards.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail

# The fake VPN: wg0 is a veth whose peer sits in netns vpn, which routes to srv by a third path
# and answers ARP for everything it can route (wg0 is point-to-point in real life; here the
# route has no gateway, exactly as wg-quick writes it).
lab_ns_add vpn
ip link add wg0 type veth peer name wgp netns vpn
ip -n vpn link add vpn-s type veth peer name s-c netns srv
ip addr add 10.66.0.2/24 dev wg0
ip -n vpn addr add 10.66.0.1/24 dev wgp
ip -n vpn addr add 10.9.3.1/30 dev vpn-s
ip -n srv addr add 10.9.3.2/30 dev s-c
ip link set wg0 up
ip -n vpn link set wgp up
ip -n vpn link set vpn-s up
ip -n srv link set s-c up
ip -n vpn route add 203.0.113.0/24 via 10.9.3.2
ip -n srv route add 10.66.0.0/24 via 10.9.3.1 src 203.0.113.10
ip netns exec vpn sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.wgp.proxy_arp=1
sysctl -qw net.ipv4.conf.wg0.rp_filter=1

# What wg-quick up does for AllowedIPs = 0.0.0.0/0 with fwmark 51820.
ip route add default dev wg0 table 51820
ip rule add not fwmark 51820 table 51820
ip rule add table main suppress_prefixlength 0
sysctl -qw net.ipv4.conf.all.src_valid_mark=1

before=$LAB_TMP/state.before
host_state >"$before"

is "$(seen_source)" 10.66.0.2 "host direct with the VPN up: server sees the VPN address 10.66.0.2"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "jail on up1 bypasses the VPN: server sees 198.51.100.2"
is "$(seen_source_udp nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "... also over UDP"
is "$(seen_source nj -i up0 --)" 192.0.2.2 "jail on up0 (auto gateway) bypasses the VPN: server sees 192.0.2.2"

nj_bg -i up1 -g 198.51.100.1 -- sleep $((30 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
jail=$NJ_PID
wait_for 10 jail_links_at_least 1
is "$(seen_source)" 10.66.0.2 "host direct while a jail runs: still through the VPN"
kill -TERM "$jail"
finish "$jail" 5

rules=$(ip rule show)
check "wg-quick rule 'not fwmark 51820 lookup 51820' intact" quiet grep -q 'not from all fwmark 0xca6c lookup 51820' <<<"$rules"
check "wg-quick rule 'lookup main suppress_prefixlength 0' intact" quiet grep -q 'from all lookup main suppress_prefixlength 0' <<<"$rules"
assert_host_unchanged "$before" "host state (with VPN) unchanged after the jails"
is "$(seen_source)" 10.66.0.2 "host direct after the jails: still through the VPN"

# The VPN disconnects and connects again under a running jail.
vpn_rules() {
	ip rule "$1" not fwmark 51820 table 51820
	ip rule "$1" table main suppress_prefixlength 0
}
log=$LAB_TMP/tries.log
nj_bg -i up1 -g 198.51.100.1 -- sh -c "$prober" >"$log" 2>/dev/null </dev/null
jail=$NJ_PID
check "a probing jail on up1 reaches the server as 198.51.100.2" wait_for 10 got_since 0 198.51.100.2
vpn_rules del
mark=$(lines)
check "VPN disconnected: the jail still leaves by up1" wait_for 3 got_since "$mark" 198.51.100.2
vpn_rules add
mark=$(lines)
check "VPN connected again: the jail still leaves by up1" wait_for 3 got_since "$mark" 198.51.100.2
is "$(seen_source)" 10.66.0.2 "... while the host goes through the VPN"
check "no try of the jail ever left by the VPN or up0" fails grep -qvxE '198\.51\.100\.2|fail' "$log"
kill -TERM "$jail"
finish "$jail" 5
# Reconnected under the jail, the VPN's rules went back where they are without netjail.
assert_host_unchanged "$before" "host state (with VPN) unchanged after the last jail"

# A VPN whose catch-all leaves the main table no say at all, as Tailscale's exit node does
# (rule 5270 "lookup 52", a default route in table 52, no suppress_prefixlength rule): the
# replies to a jail, once un-NATed, are for the jail's subnet, and must not follow it.
vpn_rules del
ip route add default dev wg0 table 52
ip rule add pref 5270 table 52
is "$(seen_source)" 10.66.0.2 "with a Tailscale-like exit node: host direct goes through the VPN"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "... and a jail on up1 still leaves by up1 and gets its replies"
is "$(seen_source_udp nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "... also over UDP"
ip rule del pref 5270 table 52
ip route del default dev wg0 table 52

# Another tool's rule with an explicit priority, at the jails' own 100, while a jail runs:
# netjail moves neither it nor its own rules, but takes the gate's jump away (99: iif lo
# goto 101, 101: nop), which would take the host's own lookups past it, while it is there;
# --check names it (netjail.conf(5), rule_priority).
ip route add default dev wg0 table 77
nj_bg -i up1 -g 198.51.100.1 -- sleep $((60 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
jail=$NJ_PID
wait_for 10 jail_links_at_least 1
slot=$(jail_links)
jails_rules() { ip rule show | grep -E '^(98|99|100|101):' | sed -E 's/\t/ /; s/ \[detached\]//'; }
gate="98: from all to 10.231.0.0/16 lookup 1852440576"
own="100: from all iif $slot lookup $((1852440576 + ${slot#nj}))"
ip rule add pref 100 table 77
host_via_vpn() { [[ $(seen_source) == 10.66.0.2 ]]; }
check "a catch-all at the jails' priority added while a jail runs: the host's own traffic obeys it" \
	wait_for 3 host_via_vpn
# The host obeys it once the jump's target is gone (a goto without one does nothing): the
# goto itself goes a moment later.
without_jump="$gate
$own
100: from all lookup 77"
wait_for 3 eval '[[ $(jails_rules) == "$without_jump" ]]'
is "$(jails_rules)" "$without_jump" "... it stays at 100, behind the jail's rule; the jails' stay, without the jump"
check "--check names it" \
	grep -q "^rules .* at 100 come before a jail's own at 100" <<<"$(nj --check -i up1 -g 198.51.100.1 2>&1)"
is "$(nj -i up1 -g 198.51.100.1 -- socat -T2 - TCP:203.0.113.10:7,connect-timeout=2 </dev/null 2>/dev/null)" "" \
	"a jail started now meets it before its own rule: fails closed"
ip rule del pref 100 table 77
jump_back() {
	[[ $(jails_rules) == "$gate"$'\n99: from all iif lo goto 101\n'"$own"$'\n101: from all nop' ]]
}
check "once it is gone, the jump is back at 99 and 101" wait_for 3 jump_back
kill -TERM "$jail"
finish "$jail" 5
ip route del default dev wg0 table 77
ip rule add pref 32765 not fwmark 51820 table 51820
ip rule add pref 32764 table main suppress_prefixlength 0
assert_host_unchanged "$before" "host state (with VPN) unchanged after that"
tap_done
