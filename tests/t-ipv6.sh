#!/bin/bash
# t-ipv6.sh - IPv6 in the jail: out by a dual-stack uplink (the jail's ULA NATed to the
# uplink's address, forwarding switched on for the jail's link and the uplink only), failing
# at once on an IPv4-only uplink and with --no-ipv6 (never out by another interface), and
# every IPv6 setting, rule and route gone with the jail.
# On a kernel without per-interface forwarding (force_forwarding, before Linux 6.17), or with
# NJ_IPV6_FORWARDING=all, the same with netjail.conf's ipv6_forwarding = all (the global
# switch, guarded: t-ipv6-global.sh tests the guards).
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail
mode=${NJ_IPV6_FORWARDING:-interface}
[[ -e /proc/sys/net/ipv6/conf/lo/force_forwarding ]] || mode=all
if [[ $mode == all ]] && ! { lab_writable_etc && lab_ipv6_all; }; then
	echo "Bail out! no overlay to give the lab its own /etc/netjail/netjail.conf"
	exit 1
fi
diag "IPv6 forwarding by: $mode"
if ! lab_ipv6_on_up1; then
	echo "Bail out! could not give up1 IPv6"
	exit 1
fi
before=$LAB_TMP/state.before
host_state >"$before"
v6_before=$(ip -6 rule; ip -6 route show table all | grep -v 'proto kernel'; sysctl net.ipv6.conf.all.forwarding net.ipv6.conf.up1.force_forwarding 2>/dev/null)

# An emulated guest (NJ_SLOW) stretches every timeout, socat's -t too: with its stdin at EOF
# it waits only that long (0.5 s by default) for the answer, which under TCG (a cold exec of
# the server's sh over 9p) came later, on 6.1 and 6.12 alike.
slow=${NJ_SLOW:-1}
ask6_within() { echo "socat -t$1 -T$1 - \"TCP6:[2001:db8:ff::10]:7,connect-timeout=$1\" </dev/null 2>&1 | tr -d '\r' | head -n1"; }
ask6=$(ask6_within $((3 * slow)))
is "$(sh -c "$ask6")" "[2001:0db8:0001:0000:0000:0000:0000:0002]" "control: the host reaches the IPv6 server as 2001:db8:1::2"

is "$(nj -i up1 -g 198.51.100.1 -- sh -c "$ask6")" "[2001:0db8:0001:0000:0000:0000:0000:0002]" \
	"a jail on the dual-stack up1 reaches the IPv6 server, NATed to up1's address"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "... and IPv4 still leaves by up1"

# While a jail runs: forwarding is per interface, never the global switch.
nj_bg -i up1 -g 198.51.100.1 -- sleep 30 </dev/null >/dev/null 2>&1
if wait_for 10 jail_links_at_least 1; then
	if [[ $mode == interface ]]; then
		is "$(sysctl -n net.ipv6.conf.all.forwarding)" 0 "IPv6 forwarding stays off globally"
		is "$(sysctl -n net.ipv6.conf.up1.force_forwarding) $(sysctl -n net.ipv6.conf.nj1.force_forwarding)" "1 1" \
			"... and is on for up1 and the jail's link only"
	else
		is "$(sysctl -n net.ipv6.conf.all.forwarding)" 1 "ipv6_forwarding = all: the global switch is on"
		check "... guarded: forwarded IPv6 passes only from a jail or as a jail's connection" \
			grep -q 'comment "ipv6:all"' <<<"$(nft list table inet netjail_guard 2>/dev/null)"
	fi
	is "$(ip -6 rule show pref 100 | wc -l)" 1 "an IPv6 rule sends the jail to its table"
	is "$(ip -6 rule | grep -c 'to fd6e:6a00::/48 lookup 1852440576')" 1 \
		"... and the IPv6 gate brings replies back to the jails"
	# The host's NAT shortcut (netjail_hostnat) maps the host's own IPv6 connections to
	# themselves, and must let a jail's through to its masquerade.
	is "$(sh -c "$ask6")" "[2001:0db8:0001:0000:0000:0000:0000:0002]" \
		"the host's own IPv6 connection keeps its source while a jail runs"
	is "$(nj -i up1 -g 198.51.100.1 -- sh -c "$ask6")" "[2001:0db8:0001:0000:0000:0000:0000:0002]" \
		"... and a second jail's is still NATed to up1's address"
	# Another tool switches IPv6 forwarding on and off globally, which clears force_forwarding.
	if [[ $mode == interface ]]; then
		sysctl -qw net.ipv6.conf.all.forwarding=1
		sysctl -qw net.ipv6.conf.all.forwarding=0
		check "all.forwarding (IPv6) switched off by another tool: force_forwarding is back within 3 s" \
			wait_for 3 sh -c '[ "$(sysctl -n net.ipv6.conf.up1.force_forwarding)$(sysctl -n net.ipv6.conf.nj1.force_forwarding)" = 11 ]'
	fi
	# up1 now forwards IPv6: its router must still not get through the host, nor into the jail.
	ip -n rb route add fd6e:6a00::/48 via 2001:db8:1::2
	check "up1's router cannot reach into the jail over IPv6" \
		fails quiet ip netns exec rb ping -6 -c1 -W1 fd6e:6a00:0:1::2
	ip -n rb route del fd6e:6a00::/48 via 2001:db8:1::2
else
	not_ok "a jail on up1 came up"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 5

# The host already routes IPv4 on up1: netjail guards only the IPv6 it turned on.
sysctl -qw net.ipv4.conf.up1.forwarding=1
nj_bg -i up1 -g 198.51.100.1 -- sleep 30 </dev/null >/dev/null 2>&1
if wait_for 10 jail_links_at_least 1; then
	guards=$(nft list table inet netjail_guard 2>/dev/null)
	ipv6_guard='comment "up1 ipv6"'
	[[ $mode == all ]] && ipv6_guard='comment "ipv6:all"'
	check "IPv4 already forwarded on up1: the guard covers IPv6 only" \
		sh -c 'grep -qF "$1" && ! grep -q "ipv4"' - "$ipv6_guard" <<<"$guards"
	check "... in the jail's own table too" fails grep -q 'nfproto ipv4 ct mark' <<<"$(nft list table inet netjail1)"
else
	not_ok "a jail on up1 came up"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 5
sysctl -qw net.ipv4.conf.up1.forwarding=0

# Fails at once, never elsewhere: up0 has no IPv6, and --no-ipv6 says none.
# A timeout far longer than "at once".
ask6_long=$(ask6_within $((20 * slow)))
start=$(date +%s%N)
out=$(nj -i up0 -- sh -c "$ask6_long")
ms=$((($(date +%s%N) - start) / 1000000))
check "a jail on the IPv4-only up0 gets an error for IPv6 ($out)" grep -qi 'unreachable' <<<"$out"
check "... at once (${ms} ms, not a timeout)" test "$ms" -lt $((2000 * slow))
out=$(nj -i up1 -g 198.51.100.1 --no-ipv6 -- sh -c "$ask6; cat /proc/sys/net/ipv6/conf/all/disable_ipv6")
check "--no-ipv6 on the dual-stack up1: IPv6 fails ($(head -n1 <<<"$out"))" fails grep -q '2001:db8' <<<"$(head -n1 <<<"$out")"
is "$(tail -n 1 <<<"$out")" 1 "... because IPv6 is disabled in the jail"
is "$(seen_source nj -i up1 -g 198.51.100.1 --no-ipv6 --)" 198.51.100.2 "... while IPv4 works"

is "$(ip -6 rule; ip -6 route show table all | grep -v 'proto kernel'; sysctl net.ipv6.conf.all.forwarding net.ipv6.conf.up1.force_forwarding 2>/dev/null)" \
	"$v6_before" "IPv6 rules, routes and forwarding settings are as before"
assert_host_unchanged "$before"
tap_done
