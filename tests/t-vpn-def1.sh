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
nj_bg -i up0 -- sleep 30 >/dev/null 2>&1 </dev/null
jail=$NJ_PID
wait_for 10 jail_links_at_least 1
is "$(jail_addr -i up1 -g 198.51.100.1)" 10.231.0.18 "with 10.231.0.8/30 in use, a route inside 10.231.0.12/30 skips that one too"
kill -TERM "$jail"
finish "$jail" 5
is "$RC" 143 "the background jail ended on SIGTERM"
assert_host_unchanged "$before" "nothing left after the jails (pool routes intact)"
tap_done
