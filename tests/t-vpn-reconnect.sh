#!/bin/bash
# t-vpn-reconnect.sh - wg-quick connects and disconnects 50 times under a running jail (a
# laptop's day).  Its two rules come without a priority, so the kernel puts them just in
# front of the second rule in the list, the jails' gate; netjail puts them back where they
# would be without it (32765, 32764) and its own rules never move (98..101).  The jail keeps
# leaving by up1, a new jail starts, and once the jail is gone `ip rule` is wg-quick's alone.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail

# The fake VPN, as in t-vpn.sh: wg0 is a veth to netns vpn, which routes on to srv.
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
ip route add default dev wg0 table 51820
sysctl -qw net.ipv4.conf.all.src_valid_mark=1

# wg-quick's add_default() and del_if() for AllowedIPs = 0.0.0.0/0, word for word.
vpn_up() {
	ip -4 rule add not fwmark 51820 table 51820
	ip -4 rule add table main suppress_prefixlength 0
}
vpn_down() {
	ip -4 rule delete table 51820
	ip -4 rule delete table main suppress_prefixlength 0
}
vpn_up
wg_rules=$(ip rule show)
before=$LAB_TMP/state.before
host_state >"$before"
is "$(seen_source)" 10.66.0.2 "host direct with the VPN up: through the VPN (10.66.0.2)"

# What `ip rule` must come back to after each connect: netjail's at 98..101 (the gate and
# this jail's rule), wg-quick's where they are without netjail, nothing else in front.
netjail_rules() {
	ip rule show | grep -E '^(98|99|100|101):' | sed -E 's/\t/ /; s/ \[detached\]//'
}
settled() {
	local rules
	rules=$(ip rule show)
	[[ $(netjail_rules) == "$want_netjail" ]] &&
		grep -qx $'32765:\tnot from all fwmark 0xca6c lookup 51820' <<<"$rules" &&
		grep -qx $'32764:\tfrom all lookup main suppress_prefixlength 0' <<<"$rules" &&
		[[ $(grep -vcE '^(0|98|99|100|101|3276[4-7]):' <<<"$rules") -eq 0 ]]
}

log=$LAB_TMP/tries.log
nj_bg -i up1 -g 198.51.100.1 -- sh -c "$prober" >"$log" 2>/dev/null </dev/null
jail=$NJ_PID
check "a probing jail on up1 reaches the server as 198.51.100.2" wait_for 10 got_since 0 198.51.100.2
slot=$(jail_links)
want_netjail="98: from all to 10.231.0.0/16 lookup 1852440576
99: from all iif lo goto 101
100: from all iif $slot lookup $((1852440576 + ${slot#nj}))
101: from all nop"
is "$(netjail_rules)" "$want_netjail" "the jail's rule and the gate at 98..101"

# All 50 even when one does not settle (a netjail that moves its own rules ahead instead:
# then each waits for the gate to be first again, at most 1 s): what the jail and a new one
# get after them is the point.
gate_first() { ip rule show | sed -n 2p | grep -q 'to 10.231.0.0/16'; }
settled=0
for _ in $(seq 50); do
	vpn_down
	vpn_up
	if [[ $settled -ge 0 ]] && wait_for 3 settled; then
		settled=$((settled + 1))
	elif [[ $settled -ge 0 ]]; then
		diag "reconnect $((settled + 1)) did not settle:" "$(ip rule show)"
		settled=-1
	else
		wait_for 1 gate_first
	fi
done
is "$settled" 50 "50 reconnects of wg-quick, each settled: netjail at 98..101, wg-quick's at 32765/32764"
is "$(netjail_rules)" "$want_netjail" "after the last reconnect: the jail's rule and the gate still at 98..101"
check "... wg-quick's 'not fwmark 51820 lookup 51820' at 32765" \
	grep -qx $'32765:\tnot from all fwmark 0xca6c lookup 51820' <<<"$(ip rule show)"
check "... wg-quick's 'lookup main suppress_prefixlength 0' at 32764" \
	grep -qx $'32764:\tfrom all lookup main suppress_prefixlength 0' <<<"$(ip rule show)"
mark=$(lines)
check "with the VPN up, the jail still leaves by up1" wait_for 3 got_since "$mark" 198.51.100.2
check "no try of the jail ever left by the VPN or up0" fails grep -qvxE '198\.51\.100\.2|fail' "$log"
is "$(seen_source)" 10.66.0.2 "... while the host goes through the VPN"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "a new jail on up1 starts and leaves by up1"
kill -TERM "$jail"
finish "$jail" 30	# a bound, not a timing: under load the teardown takes seconds
is "$(ip rule show)" "$wg_rules" "the jail gone: ip rule is what wg-quick alone gives (0, 32764..32767)"
assert_host_unchanged "$before" "host state (with the VPN up) unchanged after the jails"

# A supervisor that cannot act (stopped) while wg-quick reconnects, then killed: the rules
# the kernel put in front of the gate meanwhile go where they belong before --cleanup
# removes the gate, which they would otherwise stay in front of.
nj_bg -i up1 -g 198.51.100.1 -- sleep $((60 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
jail=$NJ_PID
wait_for 10 jail_links_at_least 1
kill -STOP "$jail"
vpn_down
vpn_up
is "$(ip rule show | grep -cE $'^9[67]:\t.*(51820|suppress_prefixlength)')" 2 \
	"with the supervisor stopped, wg-quick's rules land in front of the gate (97, 96)"
{ kill -KILL "$jail"; finish "$jail" 5; } 2>/dev/null	# no "Killed" from bash
nj --cleanup >/dev/null 2>&1
is "$(ip rule show)" "$wg_rules" "after SIGKILL and --cleanup: ip rule is what wg-quick alone gives"
assert_host_unchanged "$before" "host state (with the VPN up) unchanged after --cleanup"

# The same for IPv6 (AllowedIPs = ::/0: wg-quick runs `ip -6 rule` alike), where the kernel
# gives jails IPv6 (force_forwarding, Linux 6.17).
lab_ipv6_if_jails_get_it
if [[ $ipv6 -eq 0 ]]; then
	skip "IPv6 reconnects" "this kernel gives jails no IPv6 (no force_forwarding)"
	tap_done
fi
ip -6 route add default dev wg0 table 51820
vpn6() {
	ip -6 rule "$1" not fwmark 51820 table 51820
	ip -6 rule "$1" table main suppress_prefixlength 0
}
vpn6 add
wg_rules6=$(ip -6 rule show)
host_state >"$before"
nj_bg -i up1 -g 198.51.100.1 -- sleep $((60 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
jail=$NJ_PID
wait_for 10 jail_links_at_least 1
settled6() {
	local rules
	rules=$(ip -6 rule show)
	grep -q $'^98:\tfrom all to fd6e:6a00::/48' <<<"$rules" &&
		grep -qx $'32765:\tnot from all fwmark 0xca6c lookup 51820' <<<"$rules" &&
		grep -qx $'32764:\tfrom all lookup main suppress_prefixlength 0' <<<"$rules" &&
		[[ $(grep -vcE '^(0|98|99|100|101|3276[4-7]):' <<<"$rules") -eq 0 ]]
}
settled=0
for _ in $(seq 10); do
	vpn6 del
	vpn6 add
	wait_for 3 settled6 || break
	settled=$((settled + 1))
done
is "$settled" 10 "10 IPv6 reconnects under a jail with IPv6, each settled: wg-quick's at 32765/32764"
is "$(nj -i up1 -g 198.51.100.1 -- socat -T3 - 'TCP6:[2001:db8:ff::10]:7' </dev/null 2>/dev/null)" \
	"[2001:0db8:0001:0000:0000:0000:0000:0002]" "... and a new jail's IPv6 leaves by up1 (2001:db8:1::2)"
kill -TERM "$jail"
finish "$jail" 30	# a bound, not a timing: under load the teardown takes seconds
is "$(ip -6 rule show)" "$wg_rules6" "the jail gone: ip -6 rule is what wg-quick alone gives"
assert_host_unchanged "$before" "host state (with the IPv6 VPN up) unchanged after the jails"
tap_done
