#!/bin/bash
# t-egress.sh - a jail's traffic leaves by its uplink; the host's own traffic is not affected;
# gateway auto-detection takes the uplink's default route in the main table, else the
# lowest-metric one in any other table.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

is "$(seen_source)" 192.0.2.2 "host direct: server sees 192.0.2.2 (up0)"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"jail -i up1 -g 198.51.100.1: server sees 198.51.100.2 (TCP, strict rp_filter on)"
is "$(seen_source_udp nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "... and over UDP"
check "jail -i up1 -g 198.51.100.1 can ping the server" \
	quiet nj -i up1 -g 198.51.100.1 -- ping -c1 -W2 203.0.113.10
is "$(seen_source nj -i up0 --)" 192.0.2.2 "jail -i up0, gateway auto-detected: server sees 192.0.2.2"
is "$(seen_source)" 192.0.2.2 "host direct after the jails: still 192.0.2.2"

# What the jail sees: only lo and eth0, an address in 10.231.0.0/16, a default route.
links=$(nj -i up1 -g 198.51.100.1 -- ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')
is "$links" "eth0 lo " "jail sees only lo and eth0"
addr=$(nj -i up1 -g 198.51.100.1 -- ip -o -4 addr show dev eth0 2>/dev/null | awk '{print $4}')
check "jail eth0 has a /30 in 10.231.0.0/16 (got '$addr')" grep -qE '^10\.231\.[0-9]+\.[0-9]+/30$' <<<"$addr"
is "$(nj -i up0 -- id -u 2>/dev/null)" 0 "command runs as uid 0 when root runs netjail"

# While a jail runs: ip_forward stays 0, the uplink forwards, the policy rules exist.
nj_bg -i up1 -g 198.51.100.1 -- sleep $((20 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
jail=$NJ_PID
if wait_for 10 jail_links_at_least 1; then
	ok "a running jail has a host-side nj<N> link ($(jail_links | tr '\n' ' '))"
else
	not_ok "a running jail has a host-side nj<N> link"
fi
is "$(cat /proc/sys/net/ipv4/ip_forward)" 0 "net.ipv4.ip_forward stays 0 while a jail runs"
is "$(cat /proc/sys/net/ipv4/conf/up1/forwarding)" 1 "up1 forwarding is 1 while a jail on up1 runs"
is "$(cat /proc/sys/net/ipv4/conf/up0/forwarding)" 0 "up0 forwarding stays 0 (no jail on up0)"
check "ip rules at priority 100 while a jail runs" quiet grep -q '^100:' <<<"$(ip rule show)"
is "$(seen_source)" 192.0.2.2 "host direct while a jail on up1 runs: still 192.0.2.2"
kill -TERM "$jail" 2>/dev/null
finish "$jail" 5
is "$RC" 143 "jail running sleep ends with 143 on SIGTERM"
assert_host_unchanged "$before" "host state unchanged after the first jails"

# Gateway detection: the main table's default route out of the uplink wins, whatever the
# metrics elsewhere (it is the one the host itself uses); without one there, the lowest
# metric in any other table.  198.51.100.99 does not exist, so a jail routed through it
# cannot reach the server.
ip route add default via 198.51.100.99 dev up1 metric 50 table 100
ip route add default via 198.51.100.1 dev up1 metric 500
is "$(seen_source nj -i up1 --)" 198.51.100.2 \
	"auto gateway: main metric 500 (good) beats table 100 metric 50 (dead): server sees 198.51.100.2"
is "$(seen_source)" 192.0.2.2 "host direct with a second default on up1 (metric 500 > 0): still up0"
ip route del default via 198.51.100.1 dev up1 metric 500

ip route add default via 198.51.100.1 dev up1 metric 10 table 101
is "$(seen_source nj -i up1 --)" 198.51.100.2 \
	"auto gateway, none in main: table 101 metric 10 (good) beats table 100 metric 50 (dead)"
ip route del default via 198.51.100.99 dev up1 metric 50 table 100
ip route add default via 198.51.100.99 dev up1 metric 5 table 100
is "$(seen_source nj -i up1 --)" "" \
	"... and table 100 metric 5 (dead) beats table 101 metric 10 (good): server sees nothing"
ip route del default via 198.51.100.99 dev up1 metric 5 table 100
ip route del default via 198.51.100.1 dev up1 metric 10 table 101

# A default route naming another uplink is not a gateway for up1.
ip route add default via 192.0.2.1 dev up0 metric 10 table 101
nj -i up1 -- true >/dev/null 2>"$LAB_TMP/err"
rc=$?
is "$rc" 125 "auto gateway ignores default routes of other uplinks (no gateway on up1 -> 125)"
ip route del default via 192.0.2.1 dev up0 metric 10 table 101

assert_host_unchanged "$before" "host state unchanged at the end"
tap_done
