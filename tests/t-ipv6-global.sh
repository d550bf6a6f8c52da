#!/bin/bash
# t-ipv6-global.sh - IPv6 by the global switch (netjail.conf: [network] ipv6_forwarding = all),
# on every kernel, and the default on a kernel without per-interface forwarding (before 6.17).
#   default, old kernel: the jail gets no IPv6, one line says why and names the setting,
#     --check has its own item for it, -v names no force_forwarding, and an IPv6 packet the
#     jail makes up does not leave even where the host itself routes IPv6;
#   all: the jail gets IPv6; while it runs, all.forwarding is 1, accept_ra 2 where it was 1
#     (default too, so an interface that appears later keeps accepting RAs), and IPv6
#     forwarded between two other interfaces is dropped; afterwards the host's values are
#     back (an interface's own forwarding=1 too, which the global write clears), also after
#     a SIGKILL (by --cleanup, or by the next run); a value changed meanwhile stays; an
#     admin's own all.forwarding=1 is left alone, unguarded.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay to give the lab its own /etc/netjail/netjail.conf"
	exit 0
fi
if ! lab_ipv6_on_up1 || ! lab_ipv6_across; then
	echo "Bail out! could not give the lab IPv6"
	exit 1
fi
# An admin's own per-interface value, which writing all.forwarding clears.
sysctl -qw net.ipv6.conf.up0.forwarding=1
v6conf() { grep -H . /proc/sys/net/ipv6/conf/{all,default,up0,up1}/{forwarding,accept_ra}; }
before=$LAB_TMP/state.before
host_state >"$before"
v6_before=$(v6conf)
# An emulated guest (NJ_SLOW) stretches the server's answer (a cold exec over 9p): socat,
# its stdin at EOF, waits -t for it (0.5 s by default).
t6=$((3 * ${NJ_SLOW:-1}))
ask6="socat -t$t6 -T$t6 - \"TCP6:[2001:db8:ff::10]:7,connect-timeout=$t6\" </dev/null 2>&1 | tr -d '\r' | head -n1"
nat6="[2001:0db8:0001:0000:0000:0000:0000:0002]"
guard_counter() { nft list table inet netjail_guard 2>/dev/null | sed -nE 's/.*counter packets ([0-9]+) .*comment "ipv6:all".*/\1/p'; }

# ---- the default on a kernel without force_forwarding
if [[ -e /proc/sys/net/ipv6/conf/lo/force_forwarding ]]; then
	skip "the default without force_forwarding" "this kernel has it: the default gives jails IPv6 per interface (t-ipv6.sh)"
else
	out=$(nj -i up1 -g 198.51.100.1 -- sh -c "$ask6" 2>"$LAB_TMP/err")
	check "default: the jail gets no IPv6 ($out)" grep -qi unreachable <<<"$out"
	# shellcheck disable=SC2016  # for sh -c
	check "... and one line says why, naming the setting: $(head -n1 "$LAB_TMP/err")" \
		sh -c '[ "$(grep -c . "$1")" = 1 ] && grep -q "force_forwarding, Linux 6.17.*ipv6_forwarding = all" "$1"' - "$LAB_TMP/err"
	out=$(nj --check -i up1 -g 198.51.100.1 2>&1); rc=$?
	check "--check: its own item says so" grep -q '^ipv6fwd *warn .*ipv6_forwarding = all' <<<"$out"
	is "$rc $(tail -n1 <<<"$out" | cut -c1-40)" "0 A jail on up1 would work, with a warning" "... and a jail still works (exit 0)"
	out=$(nj -v -i up1 -g 198.51.100.1 -- true 2>&1)
	check "-v: no force_forwarding named in what was restored" fails grep -q 'force_forwarding(IPv6)' <<<"$out"
	# Fail closed where the host routes IPv6 on its own: a packet the jail makes up, with
	# up1's own address as its source, does not leave.
	sysctl -qw net.ipv6.conf.all.forwarding=1
	ip netns exec rb nft add table ip6 probe
	ip netns exec rb nft add chain ip6 probe in '{ type filter hook prerouting priority 0; }'
	ip netns exec rb nft add rule ip6 probe in ip6 saddr 2001:db8:1::2 icmpv6 type echo-request counter
	# shellcheck disable=SC2016  # for the jail's shell
	nj -i up1 -g 198.51.100.1 -- sh -c 'gw=$(ip -4 route show default | cut -d" " -f3)
		ping -c1 -W1 "$gw"; mac=$(ip neigh show "$gw" dev eth0 | cut -d" " -f3)
		ip -6 addr add 2001:db8:1::2/128 dev eth0 nodad
		ip -6 neigh replace fe80::1 lladdr "$mac" dev eth0 nud permanent
		ip -6 route add default via fe80::1 dev eth0
		ping -6 -c2 -W1 -I 2001:db8:1::2 2001:db8:ff::10' >/dev/null 2>&1
	is "$(ip netns exec rb nft list table ip6 probe | grep -o 'packets [0-9]*')" "packets 0" \
		"an IPv6 packet the jail made up does not leave, though the host routes IPv6"
	ip netns exec rb nft delete table ip6 probe
	# (Writing the switch sets every interface's own value: up0's 1 back as well.)
	sysctl -qw net.ipv6.conf.all.forwarding=0 net.ipv6.conf.up0.forwarding=1
fi

# ---- ipv6_forwarding = all
lab_ipv6_all
is "$(nj -i up1 -g 198.51.100.1 -- sh -c "$ask6")" "$nat6" "all: the jail reaches the IPv6 server, NATed to up1's address"
nj_bg -i up1 -g 198.51.100.1 -- sleep 60 </dev/null >/dev/null 2>&1
if wait_for 10 jail_links_at_least 1; then
	is "$(sysctl -n net.ipv6.conf.all.forwarding)" 1 "while it runs: all.forwarding=1"
	is "$(cat /proc/sys/net/ipv6/conf/{up0,up1,default}/accept_ra | tr '\n' ' ')" "2 2 2 " \
		"... accept_ra 2 on up0, up1 and default, where it was 1 (RAs still count)"
	ip link add njtv0 type veth peer name njtv1
	is "$(cat /proc/sys/net/ipv6/conf/njtv0/accept_ra)" 2 "... an interface made meanwhile accepts RAs too"
	ip link del njtv0
	check "... IPv6 between up0's and up1's routers is not forwarded" fails across6
	check "... by the guard (its counter: $(guard_counter))" test "$(guard_counter)" -gt 0
	is "$(nj -i up1 -g 198.51.100.1 -- sh -c "$ask6")" "$nat6" "... and a second jail has IPv6 too"
	is "$(sysctl -n net.ipv6.conf.all.forwarding)" 1 "... which leaves it on for the first"
	# Another program changes a value netjail set: it stays as that program set it.
	sysctl -qw net.ipv6.conf.up1.accept_ra=0
else
	not_ok "a jail on up1 came up"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 10
is "$(cat /proc/sys/net/ipv6/conf/up1/accept_ra)" 0 "after: up1's accept_ra, changed by another program meanwhile, stays 0"
sysctl -qw net.ipv6.conf.up1.accept_ra=1
is "$(v6conf)" "$v6_before" "... every other value is back, up0's own forwarding=1 too"
check "... and the guard is gone" fails grep -q 'ipv6:all' <<<"$(nft list ruleset)"
# A control: the path the guard blocks is real.
sysctl -qw net.ipv6.conf.all.forwarding=1
check "control: with the switch on and no guard, IPv6 goes from ra to rb through the host" wait_for 3 across6
sysctl -qw net.ipv6.conf.all.forwarding=0
sysctl -qw net.ipv6.conf.up0.forwarding=1 net.ipv6.conf.up0.accept_ra=1

# SIGKILL: the switch and its guard stay, until --cleanup or the next run puts it back.
for by in --cleanup "the next run"; do
	nj_bg -i up1 -g 198.51.100.1 -- sleep 60 </dev/null >/dev/null 2>&1
	if ! wait_for 10 jail_links_at_least 1; then
		not_ok "a jail on up1 came up"
		continue
	fi
	kill -KILL "$NJ_PID"
	finish "$NJ_PID" 5
	is "$(sysctl -n net.ipv6.conf.all.forwarding)" 1 "netjail SIGKILLed: all.forwarding stays 1 ..."
	check "... and IPv6 between two other interfaces is still not forwarded" fails across6
	if [[ $by == --cleanup ]]; then
		nj --cleanup
	else
		nj -i up0 -- true
	fi
	is "$(v6conf)" "$v6_before" "$by puts back all.forwarding, accept_ra and up0's forwarding"
done

# An admin's own all.forwarding=1: left alone, and not netjail's to guard.
sysctl -qw net.ipv6.conf.all.forwarding=1
v6_router=$(v6conf)
nj_bg -i up1 -g 198.51.100.1 -- sleep 60 </dev/null >/dev/null 2>&1
if wait_for 10 jail_links_at_least 1; then
	# shellcheck disable=SC2016  # for sh -c
	check "the admin routes IPv6: no global guard, no accept_ra changed" \
		sh -c '! nft list ruleset | grep -q ipv6:all && [ "$(cat /proc/sys/net/ipv6/conf/up1/accept_ra)" = 1 ]'
else
	not_ok "a jail on up1 came up"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 10
is "$(v6conf)" "$v6_router" "... and its all.forwarding=1 stays after the jail"
sysctl -qw net.ipv6.conf.all.forwarding=0
sysctl -qw net.ipv6.conf.up0.forwarding=1

rm -f /etc/netjail/netjail.conf
assert_host_unchanged "$before"
tap_done
