#!/bin/bash
# t-lab.sh - the lab itself, without netjail: topology, strict rp_filter, host unchanged by
# a temporary route.  If this fails, every other result is meaningless.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up

before=$LAB_TMP/state.before
host_state >"$before"

is "$(seen_source)" 192.0.2.2 "host direct TCP leaves by up0 (server sees 192.0.2.2)"
is "$(seen_source_udp)" 192.0.2.2 "host direct UDP leaves by up0"
check "server answers ping" quiet ping -c1 -W2 203.0.113.10
is "$(ip -o route get 203.0.113.10 | grep -o 'dev [^ ]*')" "dev up0" "route to server is via up0"
is "$(cat /proc/sys/net/ipv4/ip_forward)" 0 "host ip_forward is 0"
is "$(cat /proc/sys/net/ipv4/conf/up1/rp_filter)$(cat /proc/sys/net/ipv4/conf/all/rp_filter)" 11 \
	"strict rp_filter on up1 and all"
is "$(ip route show default | grep -c up1)" 0 "no default route on up1"
is "$(ip -br link | awk '{print $1}' | sed 's/@.*//' | sort | tr '\n' ' ')" "lo up0 up1 " \
	"host links are lo up0 up1"
is "$(ls /sys/class/net | tr '\n' ' ')" "lo up0 up1 " "/sys/class/net shows the lab"
check "/run is the lab's own tmpfs" test -d /run/netns -a ! -e /run/systemd

# Sourcing 198.51.100.2 while routing by up0: the reply comes back on up1, where strict
# rp_filter must drop it.  This proves the rp_filter in the lab bites.
is "$(timeout 10 socat -T2 -t2 - TCP:203.0.113.10:7,bind=198.51.100.2,connect-timeout=2 </dev/null 2>/dev/null)" "" \
	"asymmetric reply on up1 is dropped by strict rp_filter"

ip route add 203.0.113.10/32 via 198.51.100.1 dev up1
is "$(seen_source)" 198.51.100.2 "with a host route via rb, server sees 198.51.100.2"
is "$(seen_source_udp)" 198.51.100.2 "... also over UDP"
ip route del 203.0.113.10/32 via 198.51.100.1 dev up1
assert_host_unchanged "$before" "host state unchanged after route add/del"

check "server has no route to jail addresses (masquerade is needed)" \
	fails quiet ip netns exec srv ping -c1 -W1 10.231.0.2

tap_done
