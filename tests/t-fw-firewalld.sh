#!/bin/bash
# t-fw-firewalld.sh - next to a real firewalld (Debian's 1.3, nftables backend), run inside the
# lab: a private D-Bus system bus and firewalld on the lab's /run and /etc overlay, with its
# Debian defaults (default zone public; the uplinks bound to no zone, so the catch-all puts
# them and every jail's link in public, whose forward chain ends in reject).
#   - without netjail's zone and policy, a jail is refused at once (125, one line naming the
#     files to install and firewall-cmd --reload), for root and for a setuid user, with nothing
#     left behind, and --check says so; before, the jail's traffic was silently rejected;
#   - no false refusal: where firewalld already forwards jails (uplinks bound to public, which
#     has <forward/>; or nj+ in zone trusted) the jail runs without netjail's files;
#   - with firewalld/netjail.xml and netjail-egress.xml installed and firewall-cmd --reload,
#     the jail gets out by its uplink (root and a setuid user; TCP, UDP), --check agrees, a
#     published port is reached through firewalld, the host's ssh is not reached from the jail,
#     a reload while the jail runs does not disturb it, nothing is left behind, and firewalld
#     still runs.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
for tool in firewalld firewall-cmd dbus-daemon; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP $tool is not installed (scripts/deps.sh installs it)"
		exit 0
	fi
done
lab_start_test
lab_ipv6_on_up1 || echo "Bail out! no IPv6 on up1's side of the lab"
setuid_copy
SRC=$(cd "$(dirname "$0")/.." && pwd)

# firewalld in the lab only: its /etc through the overlay, its bus and state on the lab's /run,
# its log in the test's scratch directory (not the host's syslog or /var/log).  It writes no
# /proc/sys key here (checked with strace -e openat: none at all; it would write
# net.ipv4.ip_forward only for masquerade or forward ports, and that key is the lab's own).
# Kernel modules it may load; it never unloads them: CleanupModulesOnExit=no and no
# --complete-reload.
lab_writable_etc
cat >/etc/firewalld/firewalld.conf <<'EOF'
DefaultZone=public
CleanupOnExit=yes
CleanupModulesOnExit=no
Lockdown=no
IPv6_rpfilter=yes
IndividualCalls=no
LogDenied=off
FirewallBackend=nftables
FlushAllOnReload=yes
RFC3964_IPv4=yes
EOF
rm -f /etc/firewalld/zones/*.xml /etc/firewalld/policies/*.xml
# A bus of the lab's own, for root only, that starts no service (the host's system.conf would
# have it activate polkitd from the host's service files).
mkdir -p /run/dbus
cat >"$LAB_TMP/bus.conf" <<'EOF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
lab_bg dbus-daemon --config-file="$LAB_TMP/bus.conf" --nofork --nopidfile 2>"$LAB_TMP/dbus.log"
wait_for 5 test -S /run/dbus/system_bus_socket || echo "Bail out! no D-Bus system bus in the lab"
started=$(date +%s%N)
lab_bg firewalld --nofork --nopid --log-target file --log-file "$LAB_TMP/firewalld.log"
if ! wait_for 30 quiet firewall-cmd --state; then
	echo "Bail out! firewalld did not start in the lab"
	tail -n 20 "$LAB_TMP/firewalld.log"
	exit 1
fi
diag "firewalld answered after $((($(date +%s%N) - started) / 1000000)) ms"
check "firewalld runs in the lab, its table is there" quiet nft list table inet firewalld

# The same as a reload, and wait until the table reflects it.
reload() { firewall-cmd -q --reload; }

# refused TEXT NJ...: exit 125 and exactly one line naming the files and the reload (before: the
# jail ran, and its connection was rejected by firewalld: "No route to host").
refused() {
	local text=$1 out rc; shift
	# A warning may come first (before Linux 6.17: up1's IPv6, which the jail will not get);
	# the refusal itself is one line.
	out=$("$@" -i up1 -g 198.51.100.1 -- socat -T3 -t3 - TCP:203.0.113.10:7 2>&1 </dev/null)
	rc=$?
	out=$(grep -v '^netjail: warning: ' <<<"$out")
	if [[ $rc == 125 && $(wc -l <<<"$out") == 1 && $out == "netjail: firewalld would reject"* &&
	      $out == *netjail.xml*netjail-egress.xml*"firewall-cmd --reload"* ]]; then
		ok "$text"
	else
		not_ok "$text"
		diag "exit $rc, output:" "$out"
	fi
}

# ---------------------------------------------------------------------------- without the zone
before=$LAB_TMP/state.firewalld
host_state >"$before"
refused "no netjail zone: refused at once (125, one line: what to install, then reload)" nj
refused "... the same for a user of the setuid copy" as_nobody "$SUID_NJ"
out=$(nj --check -i up1 -g 198.51.100.1 2>&1)
rc=$?
is "$rc" 1 "--check -i up1 says a jail would not work (exit 1)"
check "... with its own firewalld line naming the chain that rejects" \
	grep -q '^firewalld .*table inet firewalld, chain filter_FWD_public' <<<"$out"
[[ $TAP_FAILED -eq 0 ]] || diag "$out"
assert_host_unchanged "$before" "nothing left behind by the refusals"

# Where firewalld forwards jails already (uplinks bound to public, which has <forward/>: the
# jail's link falls into public by the catch-all), no refusal.
firewall-cmd -q --zone=public --add-interface=up0 --add-interface=up1
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "uplinks bound to public (<forward/>): no false refusal, out by up1"
reload	# back to the uplinks in no zone (the binding was runtime only)
# Or the admin's own answer: the jails' links in zone trusted (target ACCEPT).
firewall-cmd -q --zone=trusted --add-interface=nj+
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "nj+ in zone trusted (target ACCEPT): no refusal, out by up1"
reload

# ---------------------------------------------------------------------------- with the zone
cp "$SRC/firewalld/netjail.xml" /etc/firewalld/zones/netjail.xml
cp "$SRC/firewalld/netjail-egress.xml" /etc/firewalld/policies/netjail-egress.xml
reload
check "firewall-cmd knows the zone netjail, bound to nj+" \
	grep -qx '  interfaces: nj+' <<<"$(firewall-cmd --get-active-zones)"
before=$LAB_TMP/state.zone
host_state >"$before"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "zone and policy installed: the jail gets out by up1"
is "$(seen_source_udp nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "... UDP too"
ask6='socat -T3 - "TCP6:[2001:db8:ff::10]:7,connect-timeout=3" </dev/null 2>&1 | tr -d "\r" | head -n1'
# Before Linux 6.17 a jail gets IPv6 only by the global switch (ipv6_forwarding = all, in the
# lab's /etc): firewalld must let that through as well.
[[ -e /proc/sys/net/ipv6/conf/lo/force_forwarding ]] || lab_ipv6_all
is "$(nj -i up1 -g 198.51.100.1 -- sh -c "$ask6")" "[2001:0db8:0001:0000:0000:0000:0000:0002]" \
	"... IPv6 too (NAT66 by up1, past firewalld's IPv6 rpfilter)"
rm -f /etc/netjail/netjail.conf
out=$(nj --check -i up1 -g 198.51.100.1 2>&1)
check "--check: firewalld ok" grep -q '^firewalld  *ok  *lets jails out by up1$' <<<"$out"
is "$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- socat -T3 -t3 - TCP:203.0.113.10:7 </dev/null 2>/dev/null | tr -d '\r')" \
	198.51.100.2 "... and a user of the setuid copy, by up1"

out=$(as_nobody "$SUID_NJ" --check -i up1 -g 198.51.100.1 2>&1)
check "... --check by a user of the setuid copy: firewalld ok too" \
	grep -q '^firewalld  *ok  *lets jails out by up1$' <<<"$out"

# A port published with -P: firewalld passes DNATed connections (ct status dnat accept).
# shellcheck disable=SC2016  # $SOCAT_PEERADDR is for the jail's shell
nj_bg -i up1 -g 198.51.100.1 -P 8080:7 -- socat TCP-LISTEN:7,fork,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' \
	</dev/null >/dev/null 2>&1
published_answers() {
	[[ $(ip netns exec rb socat -T2 - TCP:198.51.100.2:8080,connect-timeout=1 </dev/null 2>/dev/null |
		tr -d '\r') == 198.51.100.1 ]]
}
check "-P 8080:7: the uplink's router reaches the jail's port through firewalld" \
	wait_for 10 published_answers
kill -TERM "$NJ_PID"
finish "$NJ_PID" 10

# The zone opens nothing to the host itself: ssh (open in public, where a jail's link falls
# without the zone) is rejected from the jail, while the host's own neighbour reaches it.
lab_bg socat TCP-LISTEN:22,fork,reuseaddr SYSTEM:'echo host-ssh'
wait_for 5 quiet sh -c 'socat -T1 - TCP:127.0.0.1:22 </dev/null | grep -q host-ssh'
is "$(ip netns exec rb socat -T2 - TCP:198.51.100.2:22,connect-timeout=2 </dev/null 2>/dev/null)" host-ssh \
	"the host's ssh answers its neighbour (zone public)"
is "$(nj -i up1 -g 198.51.100.1 -- socat -T2 - TCP:198.51.100.2:22,connect-timeout=2 </dev/null 2>/dev/null)" "" \
	"... but not a jail (zone netjail: no services)"

# firewalld rewrites its own table on a reload; the jail's table is netjail's own and is not
# touched, and the zone comes back with the reload: a running jail keeps working.
log=$LAB_TMP/prober.log
nj_bg -i up1 -g 198.51.100.1 -- sh -c "$prober" >"$log" 2>&1 </dev/null
if wait_for 10 got_since 0 198.51.100.2; then
	reload
	n=$(lines)
	check "firewall-cmd --reload while a jail runs: it keeps getting out by up1" \
		wait_for 10 got_since "$n" 198.51.100.2
else
	not_ok "a prober jail got out by up1"
	diag "$(tail -n 5 "$log")"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 10
is "$RC" 143 "the jail ends on SIGTERM"
is "$(firewall-cmd --state 2>&1)" running "firewalld still runs"
assert_host_unchanged "$before" "nothing left behind by the jails, firewalld's table as it was"
tap_done
