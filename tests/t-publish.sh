#!/bin/bash
# t-publish.sh - -P forwards a host port into the jail, from the uplink's side (a neighbour,
# and a remote host whose route back is not the main table's: strict rp_filter) and from the
# host itself, for TCP and UDP; nothing else gets in; a user cannot take a port below 1024
# or one in use; and the forward goes with the jail.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test

# In the jail: TCP and UDP port 7 answer with the peer address they saw. The UDP answer
# reads the datagram first, as the lab's server does (tests/lab.sh): a command gone before
# socat wrote the datagram to it made that write fail and the answer get lost.
# shellcheck disable=SC2016  # $SOCAT_PEERADDR is for the jail's shell
server='socat TCP-LISTEN:7,fork,reuseaddr SYSTEM:"echo \$SOCAT_PEERADDR" & socat UDP-RECVFROM:7,fork SYSTEM:"cat >/dev/null; echo \$SOCAT_PEERADDR" & wait'
nj_bg -i up1 -g 198.51.100.1 -P 8080:7 -P 198.51.100.2:5353:7/udp -- sh -c "$server" </dev/null >/dev/null 2>&1
jail_pid=$NJ_PID
ask_tcp() { timeout 5 "$@" socat -T2 - TCP:198.51.100.2:8080,connect-timeout=2 </dev/null 2>/dev/null | tr -d '\r' | head -n1; }
ask_udp() { echo probe | timeout 5 "$@" socat -T2 - UDP:198.51.100.2:5353 2>/dev/null | tr -d '\r' | head -n1; }
if ! wait_for 10 sh -c "ip netns exec rb socat -T1 - TCP:198.51.100.2:8080,connect-timeout=1 </dev/null 2>/dev/null | grep -q ."; then
	not_ok "the jail's published port 8080 answers"
fi

is "$(ask_tcp ip netns exec rb)" 198.51.100.1 "TCP 8080 from the uplink's router reaches the jail, which sees the client"
is "$(timeout 5 ip netns exec srv socat -T2 - TCP:198.51.100.2:8080,bind=203.0.113.10,connect-timeout=2 </dev/null 2>/dev/null | tr -d '\r' | head -n1)" \
	203.0.113.10 "TCP 8080 from a remote host via up1 reaches the jail (replies pass strict rp_filter)"
is "$(ask_tcp)" 198.51.100.2 "TCP 8080 from the host itself reaches the jail"
is "$(ask_udp ip netns exec rb)" 198.51.100.1 "UDP 5353 on 198.51.100.2 from the uplink's router reaches the jail"
is "$(timeout 5 ip netns exec ra socat -T2 - TCP:192.0.2.2:8080,connect-timeout=2 </dev/null 2>/dev/null | head -n1)" "" \
	"8080 is not published on up0's side"
is "$(timeout 5 socat -T2 - TCP:127.0.0.1:8080,connect-timeout=2 </dev/null 2>&1 | grep -c 'Connection refused')" 1 \
	"localhost:8080 is not published (refused at once, no hang)"

# Refusals: what bind(2) would refuse the caller.
mkdir -p /run/njpriv
cp "$NETJAIL" /run/njpriv/netjail
chmod 4755 /run/njpriv/netjail
err=$(as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 -P 22:7 -- true 2>&1); rc=$?
is "$rc" 125 "a user publishing port 22 is refused with 125"
check "... saying low ports are root's" grep -q "^netjail: cannot publish port 22/tcp: ports below" <<<"$err"
err=$(nj -i up1 -g 198.51.100.1 -P 8080:7 -- true 2>&1); rc=$?
is "$rc" 125 "publishing a port in use (the running jail's 8080) is refused with 125"
check "... saying it is in use" grep -q "^netjail: cannot publish port 8080/tcp: it is in use" <<<"$err"
err=$(nj -i up1 -g 198.51.100.1 -P 8080:7x -- true 2>&1); rc=$?
is "$rc" 125 "a malformed -P is refused with 125"

kill -TERM "$jail_pid"
finish "$jail_pid" 5
is "$(ask_tcp ip netns exec rb)" "" "after the jail ends, 8080 is no longer forwarded"

# up1 already forwards (the admin made the host a router there), so netjail adds no guard
# of its own: only the jail's "inbound" rule can keep connections out of the jail.
sysctl -qw net.ipv4.conf.up1.forwarding=1
nj_bg -i up1 -g 198.51.100.1 -P 8080:7 -- sh -c "$server" </dev/null >/dev/null 2>&1
jail_pid=$NJ_PID
wait_for 10 sh -c "ip netns exec rb socat -T1 - TCP:198.51.100.2:8080,connect-timeout=1 </dev/null 2>/dev/null | grep -q ."
is "$(ask_tcp ip netns exec rb)" 198.51.100.1 "with up1 forwarding already on: the published port works"
ip -n rb route add 10.231.0.0/16 via 198.51.100.2
is "$(timeout 5 ip netns exec rb socat -T2 - TCP:10.231.0.6:7,connect-timeout=2 </dev/null 2>/dev/null | head -n1)" "" \
	"... and the jail's own port 7 stays closed from the uplink (nothing but the published port gets in)"
kill -TERM "$jail_pid"
finish "$jail_pid" 5
check "up1's forwarding is left as the admin had it (on)" test "$(sysctl -n net.ipv4.conf.up1.forwarding)" = 1
sysctl -qw net.ipv4.conf.up1.forwarding=0
assert_host_unchanged "$before"
tap_done
