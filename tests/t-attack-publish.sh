#!/bin/bash
# t-attack-publish.sh - a hostile user (uid 65534, through a setuid copy) cannot publish on an
# address that is not the host's own: a broadcast or multicast address, or (with
# net.ipv4.ip_nonlocal_bind=1, where bind(2) takes anything) a remote host's.  A DNAT rule
# for it would take other people's traffic to that address, forwarded by the host, into the
# user's jail.  Each is refused with 125 and one line naming the address, by --check too,
# with nothing left on the host.  And the DNAT rule itself matches only packets to a local
# address: an address published while it was the host's and removed since no longer
# diverts the traffic to it that the host routes.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy

# refused SPEC ADDR PORT/PROTO TEXT: -P SPEC as uid 65534 exits 125 saying ADDR is not the host's.
refused() {
	local err rc
	err=$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -P "$1" -- true 2>&1); rc=$?
	is "$rc" 125 "$4: -P $1 is refused with 125"
	is "$err" "netjail: cannot publish port $3 on $2: it is not a unicast address of this host" \
		"... in one line naming $2"
}

refused 198.51.100.255:5353:8007/udp 198.51.100.255 5353/udp "the broadcast address of up1's subnet"
refused 239.1.2.3:5353:8007/udp 239.1.2.3 5353/udp "a multicast address"
refused 255.255.255.255:5353:8007/udp 255.255.255.255 5353/udp "the limited broadcast address"
sysctl -qw net.ipv4.ip_nonlocal_bind=1
refused 203.0.113.10:8080:8007 203.0.113.10 8080/tcp "with ip_nonlocal_bind=1, the lab server's address"
sysctl -qw net.ipv4.ip_nonlocal_bind=0

out=$(as_nobody "$SUID_NJ" --check -i up1 -g 198.51.100.1 -P 8080:8007 -P 198.51.100.255:5353:8007/udp 2>&1); rc=$?
is "$rc" 1 "--check with a broadcast -P: would not work (exit 1)"
is "$(tail -n 1 <<<"$out")" "A jail on up1 would not work: cannot publish port 5353/udp on 198.51.100.255: it is not a unicast address of this host" \
	"... naming the address"
out=$(as_nobody "$SUID_NJ" --check -i up1 -g 198.51.100.1 -P 198.51.100.2:5353:8007/udp 2>&1)
check "--check with the host's own address: publish ok" grep -q '^publish  *ok  *1 port(s), on the host' <<<"$out"

# The rule: published on a second address of up1 while it is there; then the address goes
# and the router sends traffic for it through the host (as it would to its new owner).
ip addr add 198.51.100.7/24 dev up1
# shellcheck disable=SC2016  # $SOCAT_PEERADDR is for the jail's shell
as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -P 198.51.100.7:8080:8007 -- \
	socat TCP-LISTEN:8007,fork,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' </dev/null >/dev/null 2>&1 &
jail_pid=$!
LAB_PIDS+=("$jail_pid")
ask() { timeout 5 ip netns exec rb socat -T2 - TCP:198.51.100.7:8080,connect-timeout=2 </dev/null 2>/dev/null | tr -d '\r' | head -n1; }
answers() { [[ -n $(ask) ]]; }
if wait_for 10 answers; then
	is "$(ask)" 198.51.100.1 "published on 198.51.100.7, one of up1's addresses: the jail answers the router"
	table=$(nft list tables | sed -n 's/^table inet \(netjail[0-9][0-9]*\)$/\1/p' | head -n1)
	is "$(nft list table inet "$table" | grep -c 'ip daddr 198.51.100.7 fib daddr type local .* dnat ip to')" 2 \
		"both DNAT rules (from the uplink, from the host) match 'ip daddr 198.51.100.7 fib daddr type local'"
	ip addr del 198.51.100.7/24 dev up1
	ip -n rb route add 198.51.100.7/32 via 198.51.100.2
	is "$(ask)" "" "198.51.100.7 removed from the host: traffic to it through the host no longer reaches the jail"
	ip -n rb route del 198.51.100.7/32 via 198.51.100.2
	ip addr add 198.51.100.7/24 dev up1
	if wait_for 5 answers; then
		ok "... and it does again once the address is back (the rule is still there)"
	else
		not_ok "... and it does again once the address is back (the rule is still there)"
	fi
else
	not_ok "published on 198.51.100.7, one of up1's addresses: the jail answers the router"
fi
# $jail_pid is the subshell that runs as_nobody: the signal goes to netjail itself.
kill -TERM "$(user_supervisor)"
finish "$jail_pid" 5
is "$RC" 143 "the jail ends on SIGTERM"
ip addr del 198.51.100.7/24 dev up1

assert_host_unchanged "$before"
tap_done
