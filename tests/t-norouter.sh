#!/bin/bash
# t-norouter.sh - running jails does not turn the host into a router for anyone else: neither
# a neighbour on another link nor the uplink's own router can send traffic through the host,
# nor reach into a jail.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail

# nb: a neighbour on its own link up2, using the host as its default gateway.
lab_ns_add nb
ip link add up2 type veth peer name nb-h netns nb
ip addr add 10.8.0.1/24 dev up2
ip -n nb addr add 10.8.0.2/24 dev nb-h
ip link set up2 up
ip -n nb link set nb-h up
ip -n nb route add default via 10.8.0.1
# Return paths, so that only the host's refusal to forward can stop these pings.
ip -n ra route add 10.8.0.0/24 via 192.0.2.2
ip -n srv route add 10.8.0.0/24 via 10.9.1.1 src 203.0.113.10
ip -n ra route add 198.51.100.0/24 via 10.9.1.2
ip netns exec srv sysctl -qw net.ipv4.ip_forward=1
# rb: use the host (198.51.100.2) to reach ra's 192.0.2.1 and the jail range.
ip -n rb route add 192.0.2.1/32 via 198.51.100.2
ip -n rb route add 10.231.0.0/16 via 198.51.100.2

before=$LAB_TMP/state.before
host_state >"$before"

nb_ping()  { quiet ip netns exec nb ping -c1 -W1 "$1"; }
rb_ping()  { quiet ip netns exec rb ping -c1 -W1 -I 198.51.100.1 "$1"; }

# Controls: the paths work when the host does forward (per-interface, then restored).
sysctl -qw net.ipv4.conf.up2.forwarding=1 net.ipv4.conf.up0.forwarding=1
check "control: with up2+up0 forwarding on, nb reaches the server through the host" nb_ping 203.0.113.10
sysctl -qw net.ipv4.conf.up2.forwarding=0 net.ipv4.conf.up0.forwarding=0
sysctl -qw net.ipv4.conf.up1.forwarding=1
check "control: with up1 forwarding on, rb reaches 192.0.2.1 through the host" rb_ping 192.0.2.1
sysctl -qw net.ipv4.conf.up1.forwarding=0
assert_host_unchanged "$before" "host state back to the snapshot after the controls"

check "no jail: nb cannot reach the server through the host" fails nb_ping 203.0.113.10
check "no jail: rb cannot reach 192.0.2.1 through the host" fails rb_ping 192.0.2.1

nj_bg -i up1 -g 198.51.100.1 -- sleep 3601 >/dev/null 2>&1 </dev/null
j1=$NJ_PID
nj_bg -i up0 -- sleep 3602 >/dev/null 2>&1 </dev/null
j0=$NJ_PID
both_sleeping() { [[ $(pgrep -fc '^sleep 360[12]$') -eq 2 ]]; }
if wait_for 10 jail_links_at_least 2 && wait_for 5 both_sleeping; then
	ok "jails on up1 and up0 are running"
else
	not_ok "jails on up1 and up0 are running"
fi
# The jails' own addresses, read inside each jail's netns (the lab has its own pid namespace,
# so pgrep only sees the lab's processes).
jail_ips=()
for p in $(pgrep -f '^sleep 360[12]$'); do
	a=$(nsenter -t "$p" -n ip -o -4 addr show dev eth0 2>/dev/null | awk '{print $4}' | cut -d/ -f1)
	[[ -n $a ]] && jail_ips+=("$a")
	# The host routes replies to that address: the jail's own ping comes back.
	check "control: the jail at ${a:-?} reaches the server through the host" \
		quiet nsenter -t "$p" -n ping -c1 -W2 203.0.113.10
done
diag "jail addresses: ${jail_ips[*]:-none}"
is "${#jail_ips[@]}" 2 "found both jails' eth0 addresses"
for ip in "${jail_ips[@]}"; do
	check "the host itself cannot ping jail address $ip (nothing but a published port gets in)" \
		fails quiet ping -c1 -W1 "$ip"
done

check "with jails: nb cannot reach the server through the host" fails nb_ping 203.0.113.10
check "with jails: rb cannot reach 192.0.2.1 through the host (up1 forwards now)" fails rb_ping 192.0.2.1
for ip in "${jail_ips[@]}"; do
	check "with jails: nb cannot reach jail address $ip" fails nb_ping "$ip"
	check "with jails: rb cannot reach jail address $ip" fails rb_ping "$ip"
done
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "meanwhile a third jail on up1 works"

kill -TERM "$j1" "$j0" 2>/dev/null
finish "$j1" 5
finish "$j0" 5
check "after the jails: nb still cannot reach the server" fails nb_ping 203.0.113.10
check "after the jails: rb still cannot reach 192.0.2.1" fails rb_ping 192.0.2.1
assert_host_unchanged "$before" "host state unchanged after the jails"

# netjail SIGKILLed: its own table dies with it, up1 keeps forwarding until --cleanup, and
# the guard table that outlives it must still keep rb from routing through the host.
nj_bg -i up1 -g 198.51.100.1 -- sleep 3603 >/dev/null 2>&1 </dev/null
if wait_for 10 jail_links_at_least 1; then
	kill -KILL "$NJ_PID"
	finish "$NJ_PID" 5
	wait_for 5 no_jail_links
	is "$(sysctl -n net.ipv4.conf.up1.forwarding)" 1 "netjail SIGKILLed: up1 still forwards (until --cleanup)"
	check "... but rb still cannot reach 192.0.2.1 through the host (the guard outlives netjail)" \
		fails rb_ping 192.0.2.1
	nj --cleanup
	is "$(sysctl -n net.ipv4.conf.up1.forwarding)" 0 "--cleanup turns up1's forwarding off again"
	check "... and removes the guard" fails quiet nft list table inet netjail_guard
else
	not_ok "a jail on up1 came up"
fi
assert_host_unchanged "$before"
tap_done
