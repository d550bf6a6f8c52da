#!/bin/bash
# t-check.sh - netjail --check -i IFACE answers, before anything is set up, whether a jail
# on IFACE would work and, if not, names the first thing in the way: exit 0 or 1, one line
# per item and a verdict, and the host untouched.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi
echo "nameserver 192.0.2.53" >/etc/resolv.conf
# That server is on up0's link, so a jail on up1 asks up1's own (t-vpn-dns.sh), which its DHCP
# client left with resolvconf.
mkdir -p /run/resolvconf/interface
echo "nameserver 198.51.100.1" >/run/resolvconf/interface/up1.dhclient

# verdict ARGS...: "RC: last line" of netjail --check ARGS as root.
verdict() { local out; out=$(nj --check "$@" 2>&1); echo "$?: $(tail -n 1 <<<"$out")"; }

is "$(verdict -i up0)" "0: A jail on up0 would work." "up0 (default route, address, nameserver): would work, exit 0"
is "$(verdict -i up1)" "1: A jail on up1 would not work: 'up1' has no default route to take a gateway from: pass -g GATEWAY" \
	"up1 without a default route: would not work, exit 1, saying to pass -g"
is "$(verdict -i up1 -g 198.51.100.1)" "0: A jail on up1 would work." "... and with -g it would"
is "$(verdict -i up1 -g 192.0.2.1)" "1: A jail on up1 would not work: gateway 192.0.2.1 is not on-link for 'up1'" \
	"a gateway that is not on-link is named"
ip link add dn0 type veth peer name dn0p
is "$(verdict -i dn0)" "1: A jail on dn0 would not work: interface 'dn0' is down: bring it up first" "a link that is down"
ip link set dn0 up
ip link set dn0p up
ip route add 10.1.2.0/24 dev dn0
ip route add default via 10.1.2.3 dev dn0 metric 900
is "$(verdict -i dn0)" "1: A jail on dn0 would not work: dn0 has no IPv4 address to NAT the jail's traffic to" \
	"an uplink without an IPv4 address"
ip link del dn0
is "$(verdict -i nosuch0)" "1: A jail on nosuch0 would not work: no interface named 'nosuch0'" "an interface that does not exist"
echo "nameserver 127.0.0.53" >/etc/resolv.conf
is "$(verdict -i up0)" "1: A jail on up0 would not work: no nameserver for the jail: /etc/resolv.conf names only 127.0.0.53, which the jail cannot reach, and the servers behind it were not found: pass --dns ADDR" \
	"a host that resolves through a local stub (systemd-resolved) whose servers are not found: DNS in the jail would fail"
is "$(verdict -i up0 -d 192.0.2.53)" "0: A jail on up0 would work." "... unless --dns is given"
mkdir -p /run/systemd/resolve
echo "nameserver 192.0.2.54" >/run/systemd/resolve/resolv.conf
check "... or the servers behind the stub are found (resolved's list), and named" \
	grep -q '^dns .*nameservers 192.0.2.54 by up0 (from /run/systemd/resolve/resolv.conf' <<<"$(nj --check -i up0 2>&1)"
rm -r /run/systemd/resolve
echo "nameserver 192.0.2.53" >/etc/resolv.conf

out=$(nj --check -i up0 2>&1)
for item in privilege uplink gateway address ipv6 dns; do
	check "the report has a '$item' line" grep -q "^$item " <<<"$out"
done

# An ordinary user: the policy, and a binary without privilege.
mkdir -p /run/njpriv /etc/netjail
cp "$NETJAIL" /run/njpriv/netjail
chmod 4755 /run/njpriv/netjail
printf '[policy]\ninterfaces = up1\n' >/etc/netjail/netjail.conf
out=$(as_nobody /run/njpriv/netjail --check -i up0 2>&1); rc=$?
is "$rc" 1 "uid 65534 asking about an uplink the policy denies: would not work"
check "... because of the policy" grep -q "^A jail on up0 would not work: the administrator's policy" <<<"$out"
rm /etc/netjail/netjail.conf
cp "$NETJAIL" /run/njpriv/plain
chmod 0755 /run/njpriv/plain
out=$(as_nobody /run/njpriv/plain --check -i up0 2>&1); rc=$?
is "$rc" 1 "a netjail without setuid or capabilities: would not work"
check "... saying it needs privileges" grep -q "^privilege  FAIL  needs privileges" <<<"$out"

is "$(nj --check 2>&1; echo "rc=$?")" "netjail: --check needs an uplink: pass -i IFACE
rc=125" "--check without -i is a usage error (125)"
assert_host_unchanged "$before" "--check changed nothing on the host"
tap_done
