#!/bin/bash
# t-fw-check.sh - netjail --check tells the truth: a link without carrier, a gateway that is the
# host's own address or not on-link, each on its own FAIL line with every other item still
# printed; and a probe for real: a throwaway jail pings the gateway (and, with --probe, connects
# to ADDR:PORT), which FAILs when the router drops the host although every static item is ok.
# Nothing is left after any of it; one run as uid 65534 through a setuid copy.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi
# A server on the lab's internet: on up0's link, it would be up0's, not up1's (t-vpn-dns.sh).
echo "nameserver 203.0.113.53" >/etc/resolv.conf
before=$LAB_TMP/state.before
host_state >"$before"

ITEMS="privilege limits uplink carrier gateway address rp_filter ipv6 dns probe"
# report ARGS...: run netjail --check ARGS as root; the report in $out, the status in $rc.
report() { out=$(nj --check "$@" 2>&1); rc=$?; }
# every_item: each item has its line (one; the probe one per try), whatever failed before it.
every_item() {
	local item count
	for item in $ITEMS; do
		count=$(grep -c "^$item " <<<"$out")
		[[ $count == 1 || ($item == probe && $count -ge 1) ]] ||
			{ diag "$count '$item' line(s):" "$out"; return 1; }
	done
}
# only_failing ITEM...: the FAIL lines are those of ITEM... and no other.
only_failing() {
	local got want
	got=$(sed -nE 's/^([a-z_]+) +FAIL .*/\1/p' <<<"$out" | sort -u | tr '\n' ' ')
	want=$( (($#)) && printf '%s\n' "$@" | sort -u | tr '\n' ' ')
	[[ $got == "$want" ]] || { diag "failing: '$got', want '$want'" "$out"; return 1; }
}
# built_and_gone [SNAPSHOT]: the probe built a throwaway jail (its line names it) and nothing
# of it is left on the host (as in SNAPSHOT, default $before).
built_and_gone() {
	local snapshot=${1:-$before}
	grep -qE '^probe .*throwaway jail \(nj[0-9]+\)' <<<"$out" || { diag "no probe:" "$out"; return 1; }
	wait_for 3 _host_state_is "$snapshot" ||
		{ diag "$(diff -u "$snapshot" "$LAB_TMP/state.now" | head -20)"; return 1; }
}

# A healthy uplink: every item ok, the probe's ping answered by the gateway, out by up1.
report -i up1 -g 198.51.100.1
check "healthy up1: exit 0, every item has its line, none fails" eval '[[ $rc == 0 ]] && every_item && only_failing'
check "... the gateway answered a ping from a throwaway jail on up1" \
	grep -qE '^probe +ok +ping from a throwaway jail \(nj[0-9]+\) on up1 to gateway 198\.51\.100\.1: answered$' <<<"$out"
check "... and its packets went out by up1 (the jail's egress counter)" \
	grep -qE '^egress +ok +the probe.s [1-9][0-9]* packet\(s\) went out by up1' <<<"$out"
check "... and the throwaway jail left nothing behind" built_and_gone
check "... strict rp_filter on up1 is reported as passing, with the reason" \
	grep -q "^rp_filter  ok    strict on up1: passes, as the kernel checks a forwarded packet's source as if it came in by its way out" <<<"$out"
check "... the nameserver is reached by up1" grep -q "^dns        ok    nameservers 203.0.113.53 by up1 (from /etc/resolv.conf)$" <<<"$out"
# A nameserver on one of the host's own addresses would be answered by the host, not by up1:
# a run refuses it (t-fw-hostapart.sh), and so does --check; with --allow-host it is the
# host's, and --check says so.
report -i up1 -g 198.51.100.1 -d 192.0.2.2
check "a nameserver on the host's own address: a FAIL line naming it, exit 1" \
	eval '[[ $rc == 1 ]] && only_failing dns && grep -q "^dns        FAIL  nameserver 192.0.2.2 is this host.s own address" <<<"$out"'
check "... and nothing is left" built_and_gone
report -i up1 -g 198.51.100.1 -d 192.0.2.2 --allow-host
check "... with --allow-host: reached via the host itself, exit 0" \
	eval '[[ $rc == 0 ]] && grep -q "^dns        ok    nameservers 192.0.2.2 via the host itself (from --dns or the profile, --allow-host)" <<<"$out"'
check "... and nothing is left" built_and_gone

# --probe ADDR:PORT: the lab server's TCP echo answers; a closed port does not.
report -i up1 -g 198.51.100.1 --probe 203.0.113.10:7
is "$rc" 0 "--probe 203.0.113.10:7 (the lab's TCP echo): exit 0"
check "... the connection was accepted" \
	grep -qE '^probe +ok +TCP connection from a throwaway jail \(nj[0-9]+\) on up1 to 203\.0\.113\.10:7: accepted$' <<<"$out"
check "... and nothing is left" built_and_gone
report -i up1 -g 198.51.100.1 --probe 203.0.113.10:9
check "a closed port (203.0.113.10:9): the probe line says refused, exit 1" \
	eval '[[ $rc == 1 ]] && grep -qE "^probe +FAIL +TCP connection .* to 203\.0\.113\.10:9: refused" <<<"$out"'
check "... and nothing is left" built_and_gone

# The uplink without carrier: a veth follows its peer's admin state.
ip -n rb link set rb-h down
host_state >"$LAB_TMP/state.nocarrier"
report -i up1 -g 198.51.100.1
is "$rc:$(grep '^carrier' <<<"$out")" \
	"1:carrier    FAIL  up1 has no carrier (no cable, not associated, or the other end is down): nothing would leave by it" \
	"carrier down on up1: a FAIL line and exit 1"
check "... every item still has its line" every_item
check "... the verdict names the carrier" grep -q "^A jail on up1 would not work: up1 has no carrier" <<<"$out"
check "... and the probe, tried anyway, left nothing" built_and_gone "$LAB_TMP/state.nocarrier"
ip -n rb link set rb-h up

# The gateway is the uplink's own address: ARP on up1 would ask for it in vain.
report -i up1 -g 198.51.100.2
is "$rc:$(grep '^gateway' <<<"$out")" \
	"1:gateway    FAIL  gateway 198.51.100.2 is this host's own address (on up1), not a next hop: pass -g with the router's address" \
	"-g 198.51.100.2 (up1's own address): a FAIL line and exit 1"
check "... every item still has its line, only the gateway fails" eval 'every_item && only_failing gateway'
# A default route marked onlink whose gateway is on no prefix of the link.
ip route add default via 10.1.2.3 dev up1 onlink metric 900
report -i up1
is "$rc:$(grep '^gateway' <<<"$out")" "1:gateway    FAIL  gateway 10.1.2.3 is not on-link for 'up1'" \
	"a default route's gateway that is not on-link: a FAIL line and exit 1"
ip route del default via 10.1.2.3 dev up1 onlink metric 900
# An interface that does not exist: every other item still has a line.
report -i nosuch0
check "no such interface: exit 1, and every item still has its line" eval '[[ $rc == 1 ]] && every_item'

# The router drops everything from the host: every static item is ok, the probe is not.
ip netns exec rb nft add table inet blackhole \
	'{ chain in { type filter hook prerouting priority -300; ip saddr 198.51.100.2 drop; }; }'
report -i up1 -g 198.51.100.1 --probe 203.0.113.10:7
is "$rc" 1 "a blackholed path: exit 1"
check "... only the probe fails: no answer from the gateway, nor from 203.0.113.10:7" \
	eval 'only_failing probe && [[ $(grep -cE "^probe +FAIL .*: no answer within 2 s$" <<<"$out") == 2 ]]'
check "... the verdict names the gateway's silence" \
	grep -q "^A jail on up1 would not work: ping from a throwaway jail (nj[0-9]*) on up1 to gateway 198.51.100.1: no answer" <<<"$out"
check "... and nothing is left" built_and_gone
ip netns exec rb nft delete table inet blackhole

# IPv6 on up1: the jail gets it (the kernel forwards per interface), and the probe reaches
# the server over it.  Before Linux 6.17 with ipv6_forwarding = all (lab_ipv6_if_jails_get_it).
lab_ipv6_if_jails_get_it
if [[ $ipv6 == 1 ]]; then
	host_state >"$before"
	report -i up1 -g 198.51.100.1 --probe '[2001:db8:ff::10]:7'
	check "IPv6 on up1: the ipv6 and ipv6fwd lines say the jail gets it, exit 0" \
		eval '[[ $rc == 0 ]] && grep -qE "^ipv6 +ok +up1 has an IPv6 default route via 2001:db8:1::1" <<<"$out" &&
			grep -qE "^ipv6fwd +ok +the jail gets IPv6" <<<"$out"'
	check "... and [2001:db8:ff::10]:7 accepted the throwaway jail's connection" \
		grep -qE '^probe +ok +TCP connection .* to \[2001:db8:ff::10\]:7: accepted$' <<<"$out"
	check "... and nothing is left" built_and_gone
fi

# As uid 65534 through a setuid copy, on the uplink the policy allows.
setuid_copy
mkdir -p /etc/netjail
printf '[policy]\ninterfaces = up1\n' >/etc/netjail/netjail.conf
host_state >"$before"
out=$(as_nobody timeout 30 "$SUID_NJ" --check -i up1 -g 198.51.100.1 --probe 203.0.113.10:7 2>&1); rc=$?
is "$rc" 0 "uid 65534, setuid copy: exit 0"
check "... the probe ran as that user: the gateway answered and so did 203.0.113.10:7" \
	eval '[[ $(grep -cE "^probe +ok .*(answered|accepted)$" <<<"$out") == 2 ]]'
check "... and nothing is left" built_and_gone
cp "$NETJAIL" /run/njsuid/plain
chmod 0755 /run/njsuid/plain
out=$(as_nobody /run/njsuid/plain --check -i up1 -g 198.51.100.1 2>&1); rc=$?
check "without privilege: the probe is not tried, and its line says why" \
	grep -q "^probe      --    not tried: a throwaway jail needs privilege" <<<"$out"
rm /etc/netjail/netjail.conf

is "$(nj --probe 203.0.113.10:7 -i up1 -- true 2>&1; echo "rc=$?")" "netjail: --probe goes with --check
rc=125" "--probe without --check is a usage error"
is "$(nj --check -i up1 --probe example.org:80 2>&1; echo "rc=$?")" \
	"netjail: invalid probe 'example.org:80': expected ADDR:PORT or [IPv6]:PORT, the address as numbers
rc=125" "--probe takes an address, not a name"
assert_host_unchanged "$before"
tap_done
