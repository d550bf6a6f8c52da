#!/bin/bash
# t-vpn-def1.sh - OpenVPN's `redirect-gateway def1` (most providers' configurations) replaces
# the default route by two halves, 0.0.0.0/1 and 128.0.0.0/1, through the tunnel.  Such a
# route is wider than the jail pool (10.231.0.0/16): it covers every candidate subnet alike
# and takes none of them, so jails on either uplink start and leave by their own uplink, and
# --check agrees.  A route inside the pool still makes netjail skip the subnets it overlaps.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail
# Nothing here resolves a name: a public resolver, so that the machine's own plays no part
# (in 10.0.0.0/8, pushed below by the "VPN", it would be the tunnel's: t-vpn-dns.sh).
lab_writable_etc && echo "nameserver 203.0.113.53" >/etc/resolv.conf

# What `redirect-gateway def1` adds, here towards up1's router (the "tunnel").
ip route add 0.0.0.0/1 via 198.51.100.1 dev up1
ip route add 128.0.0.0/1 via 198.51.100.1 dev up1
# A VPN that pushes a whole private range covers the pool too.
ip route add 10.0.0.0/8 via 198.51.100.1 dev up1
before=$LAB_TMP/state.before
host_state >"$before"

# verdict ARGS...: "RC: last line" of netjail --check ARGS.
verdict() { local out; out=$(nj --check "$@" 2>&1); echo "$?: $(tail -n 1 <<<"$out")"; }
# jail_addr ARGS...: the jail's own IPv4 address on a jail with ARGS.
jail_addr() { nj "$@" -- ip -4 -o addr show scope global 2>&1 | awk '{ sub("/.*", "", $4); print $4 }'; }

is "$(seen_source)" 198.51.100.2 "host direct with the def1 routes: leaves by up1 (the tunnel)"
is "$(seen_source nj -i up0 --)" 192.0.2.2 "jail on up0 with def1 routes: starts and leaves by up0 (192.0.2.2)"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "jail on up1 with def1 routes: starts and leaves by up1"
is "$(seen_source_udp nj -i up0 --)" 192.0.2.2 "... also over UDP by up0"
is "$(verdict -i up0)" "0: A jail on up0 would work." "--check -i up0 with def1 routes: would work"
is "$(verdict -i up1 -g 198.51.100.1)" "0: A jail on up1 would work." "--check -i up1 with def1 routes: would work"
is "$(jail_addr -i up0)" 10.231.0.6 "the jail has the pool's first subnet (10.231.0.4/30)"
assert_host_unchanged "$before" "nothing left after the jails (def1 routes intact)"

# A route inside the pool is somebody's network: its subnet is skipped, the next one used.
ip route add 10.231.0.4/30 via 192.0.2.1 dev up0
ip route add 10.231.0.12/31 via 192.0.2.1 dev up0
host_state >"$before"
is "$(jail_addr -i up0)" 10.231.0.10 "a route equal to the first subnet skips it; the jail takes 10.231.0.8/30"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "... and a jail there still reaches the server by up1"
nj_bg -i up0 -- sleep $((30 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
jail=$NJ_PID
wait_for 10 jail_links_at_least 1
is "$(jail_addr -i up1 -g 198.51.100.1)" 10.231.0.18 "with 10.231.0.8/30 in use, a route inside 10.231.0.12/30 skips that one too"
kill -TERM "$jail"
finish "$jail" 5
is "$RC" 143 "the background jail ended on SIGTERM"
assert_host_unchanged "$before" "nothing left after the jails (pool routes intact)"
ip route del 10.231.0.4/30
ip route del 10.231.0.12/31
ip route del 0.0.0.0/1
ip route del 128.0.0.0/1
ip route del 10.0.0.0/8

# The real OpenVPN in def1 mode: a server in netns vpn, reached by the link ov0 (its UDP
# port; "local" because both ends share that link, so no host route via the old gateway),
# with a static key on a point-to-point tun0; the server routes the tunnel on to srv.
if ! command -v openvpn >/dev/null; then
	skip "the real openvpn in def1 mode" "openvpn is not installed (scripts/deps.sh)"
	tap_done
fi
lab_ns_add vpn
ip link add ov0 type veth peer name ovp netns vpn
ip -n vpn link add vpn-s type veth peer name s-c netns srv
ip addr add 10.8.8.2/30 dev ov0
ip -n vpn addr add 10.8.8.1/30 dev ovp
ip -n vpn addr add 10.9.3.1/30 dev vpn-s
ip -n srv addr add 10.9.3.2/30 dev s-c
ip link set ov0 up
ip -n vpn link set ovp up
ip -n vpn link set vpn-s up
ip -n srv link set s-c up
ip -n vpn route add 203.0.113.0/24 via 10.9.3.2
ip -n srv route add 10.66.0.0/24 via 10.9.3.1 src 203.0.113.10
ip netns exec vpn sysctl -qw net.ipv4.ip_forward=1
openvpn --genkey secret "$LAB_TMP/ovpn.key"
ovpn=(--secret "$LAB_TMP/ovpn.key" --cipher AES-256-CBC --data-ciphers AES-256-CBC --proto udp
	--dev tun0 --dev-type tun --verb 3 --ping 1 --ping-restart 30)
lab_bg ip netns exec vpn openvpn "${ovpn[@]}" --local 10.8.8.1 --ifconfig 10.66.0.1 10.66.0.2 \
	>"$LAB_TMP/ovpn-server.log" 2>&1 </dev/null
lab_bg openvpn "${ovpn[@]}" --remote 10.8.8.1 --ifconfig 10.66.0.2 10.66.0.1 \
	--redirect-gateway local def1 >"$LAB_TMP/ovpn-client.log" 2>&1 </dev/null
def1_up() { ip route show 0.0.0.0/1 | grep -q 'dev tun0' && ip route show 128.0.0.0/1 | grep -q 'dev tun0'; }
if ! wait_for 20 def1_up || ! wait_for 10 grep -q 'Initialization Sequence Completed' "$LAB_TMP/ovpn-client.log"; then
	not_ok "openvpn came up with its def1 routes"
	diag "$(ip route)" "$(tail -n 20 "$LAB_TMP/ovpn-client.log" "$LAB_TMP/ovpn-server.log")"
	tap_done
fi
ok "openvpn came up with its def1 routes (0.0.0.0/1 and 128.0.0.0/1 by tun0)"
host_state >"$before"
is "$(seen_source)" 10.66.0.2 "host direct with openvpn up: leaves by the tunnel (10.66.0.2)"
is "$(seen_source nj -i tun0 --)" 10.66.0.2 "jail on tun0 with openvpn def1: starts and leaves by the tunnel"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "jail on up1 with openvpn def1: starts and leaves by up1"
is "$(seen_source nj -i up0 --)" 192.0.2.2 "jail on up0 with openvpn def1: starts and leaves by up0"
is "$(verdict -i tun0)" "0: A jail on tun0 would work." "--check -i tun0 with openvpn def1: would work"
is "$(verdict -i up1 -g 198.51.100.1)" "0: A jail on up1 would work." "--check -i up1 with openvpn def1: would work"
assert_host_unchanged "$before" "nothing left after the jails (openvpn's routes intact)"
tap_done
