#!/bin/bash
# t-publish-batch.sh - the largest nftables batch a user can ask for goes through whole: a
# jail of uid 65534 (through a setuid copy) with 8 published ports (the most), each with its
# address, on a 15-character uplink with IPv6 (NAT66 and both uplink guards), as the first
# jail (so the host NAT shortcut is in the same batch).  About 18 KiB, past the 16 KiB that
# nftbatch.c used to give libmnl as both the limit and the whole buffer (it must be twice
# the limit); under the ASan build (make check's second pass) any write past the buffer
# would abort the run.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy
if ! lab_ipv6_on_up1; then
	echo "Bail out! could not give up1 IPv6"
	exit 1
fi
# Before Linux 6.17 the jail's IPv6 needs the global switch (netjail.conf in the lab's /etc).
if [[ ! -e /proc/sys/net/ipv6/conf/lo/force_forwarding ]] && ! { lab_writable_etc && lab_ipv6_all; }; then
	echo "Bail out! no /etc of the lab's own for ipv6_forwarding = all"
	exit 1
fi

# up1 becomes uplink-15-chars, keeping its addresses; its IPv6 default route goes with the
# link's going down and is put back.
long=uplink-15-chars
sysctl -qw net.ipv6.conf.up1.keep_addr_on_down=1
ip link set up1 down
ip link set up1 name "$long"
ip link set "$long" up
ip -6 route add default via 2001:db8:1::1 dev "$long"
before=$LAB_TMP/state.renamed
host_state >"$before"

publish=()
for port in 8081 8082 8083 8084 8085 8086 8087; do
	publish+=(-P "198.51.100.2:$port:8007")
done
publish+=(-P 198.51.100.2:8088:8007/udp)

ask6='socat -T3 - "TCP6:[2001:db8:ff::10]:7,connect-timeout=3" </dev/null 2>/dev/null | tr -d "\r" | head -n1'
out=$(as_nobody "$SUID_NJ" -i "$long" -g 198.51.100.1 "${publish[@]}" -- \
	sh -c "socat -T3 - TCP:203.0.113.10:7,connect-timeout=3 </dev/null 2>/dev/null | tr -d '\r' | head -n1; $ask6" 2>&1)
rc=$?
is "$rc" 0 "8 published ports on $long with IPv6: the jail runs (exit 0)"
is "$(sed -n 1p <<<"$out")" 198.51.100.2 "... the server sees the jail's IPv4 as $long's address"
is "$(sed -n 2p <<<"$out")" "[2001:0db8:0001:0000:0000:0000:0000:0002]" "... and its IPv6 as $long's IPv6 address"
[[ $rc == 0 ]] || diag "$out"

# The same jail serving: a published port answers from the uplink's side.
# shellcheck disable=SC2016  # $SOCAT_PEERADDR is for the jail's shell
as_nobody "$SUID_NJ" -i "$long" -g 198.51.100.1 "${publish[@]}" -- \
	sh -c 'socat TCP-LISTEN:8007,fork,reuseaddr SYSTEM:"echo \$SOCAT_PEERADDR" & socat UDP-RECVFROM:8007,fork SYSTEM:"cat >/dev/null; echo \$SOCAT_PEERADDR" & wait' \
	</dev/null >/dev/null 2>&1 &
jail_pid=$!
LAB_PIDS+=("$jail_pid")
ask() { timeout 5 ip netns exec rb socat -T2 - "TCP:198.51.100.2:$1,connect-timeout=2" </dev/null 2>/dev/null | tr -d '\r' | head -n1; }
answers() { [[ -n $(ask 8087) ]]; }
if wait_for 10 answers; then
	table=$(nft list tables | sed -n 's/^table inet \(netjail[0-9][0-9]*\)$/\1/p' | head -n1)
	is "$(nft list table inet "$table" | grep -c 'ip daddr 198.51.100.2 fib daddr type local .* dnat ip to')" 16 \
		"all 8 ports have their two DNAT rules in the jail's table"
	is "$(ask 8081)" 198.51.100.1 "TCP 8081 (the first) from the uplink's router reaches the jail"
	is "$(ask 8087)" 198.51.100.1 "TCP 8087 (the last TCP one) too"
	is "$(echo probe | timeout 5 ip netns exec rb socat -T2 - UDP:198.51.100.2:8088 2>/dev/null | tr -d '\r' | head -n1)" \
		198.51.100.1 "UDP 8088 too"
else
	not_ok "the jail's published port 8087 answers"
fi
# $jail_pid is the subshell that runs as_nobody: the signal goes to netjail itself.
kill -TERM "$(user_supervisor)"
finish "$jail_pid" 5
is "$RC" 143 "the jail ends on SIGTERM"

assert_host_unchanged "$before"
tap_done
