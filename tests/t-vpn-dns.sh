#!/bin/bash
# t-vpn-dns.sh - a VPN that owns /etc/resolv.conf (wg-quick's DNS= through resolvconf -x) names
# only the tunnel's resolver there.  A jail on the physical uplink must not send its queries
# out by the uplink to that tunnel-only address (no answer, and shown to the uplink's
# network): it uses the uplink's own resolver, from the record its DHCP client left
# (resolvconf, openresolv, dhclient's or dhcpcd's lease), which sees the query from the uplink's
# address; none reaches the uplink's router for the tunnel's resolver; --check says so; and
# with no record for the uplink, the start is refused with one line asking for -d.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_up
require_netjail
if ! lab_writable_etc || ! lab_writable /var/lib/dhcp || ! lab_writable /var/lib/dhcpcd; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi
if ! command -v dnsmasq >/dev/null; then
	echo "1..0 # SKIP dnsmasq is not installed (make deps)"
	exit 0
fi

# The tunnel, as in t-vpn.sh: wg0 is a veth to netns vpn, whose 10.66.0.1 is the tunnel's
# resolver.  First with wg0's subnet in the main table (Address = 10.66.0.2/24).
lab_ns_add vpn
ip link add wg0 type veth peer name wgp netns vpn
ip addr add 10.66.0.2/24 dev wg0
ip -n vpn addr add 10.66.0.1/24 dev wgp
ip link set wg0 up
ip -n vpn link set wgp up
ip -n vpn link set lo up

# Resolvers, each answering its own address for lab.test and logging who asked: the tunnel's,
# up1's own network's (its router, as a home router is), and one on the lab's internet.
dns_log=$LAB_TMP/dns.log
serve() {	# serve NETNS ADDR ANSWER
	lab_bg ip netns exec "$1" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--conf-file=/dev/null --bind-interfaces --listen-address="$2" \
		--address=/lab.test/"$3" --log-queries=extra --log-facility="$dns_log.$1" \
		--pid-file= --user=root
}
serve vpn 10.66.0.1 10.53.0.66
serve rb 198.51.100.1 10.53.0.1
ip -n srv addr add 203.0.113.53/32 dev lo
serve srv 203.0.113.53 10.53.0.53
wait_for 5 sh -c "ip netns exec vpn ss -lun | grep -q 10.66.0.1:53 &&
	ip netns exec rb ss -lun | grep -q 198.51.100.1:53 &&
	ip netns exec srv ss -lun | grep -q 203.0.113.53:53"
# asked_from NETNS: the address its resolver last saw a query for lab.test from.
asked_from() { sed -nE 's/.*query\[A\] lab\.test from ([0-9.]+).*/\1/p' "$dns_log.$1" 2>/dev/null | tail -n1; }

# up1's router counts every DNS packet for the tunnel's subnet that reaches it (prerouting:
# it has no route there, so forward would never see one).
ip netns exec rb nft -f - <<'NFT'
table inet count {
	chain pre {
		type filter hook prerouting priority -300;
		ip daddr 10.66.0.0/24 meta l4proto { tcp, udp } th dport 53 counter
	}
}
NFT
to_tunnel_at_rb() { ip netns exec rb nft list chain inet count pre | sed -nE 's/.*counter packets ([0-9]+).*/\1/p'; }

resolve() { nj "$@" -- getent hosts lab.test 2>/dev/null | awk '{print $1}'; }

# What wg-quick with DNS = 10.66.0.1 leaves (resolvconf -a wg0 -m 0 -x), and the record
# up1's DHCP client left with Debian's resolvconf.
printf 'nameserver 10.66.0.1\nsearch example.lab\n' >/etc/resolv.conf
mkdir -p /run/resolvconf/interface
printf 'nameserver 10.66.0.1\n' >/run/resolvconf/interface/wg0
printf 'domain example.lab\nnameserver 198.51.100.1\n' >/run/resolvconf/interface/up1.dhclient
before=$LAB_TMP/state.before
host_state >"$before"

is "$(getent hosts lab.test | awk '{print $1}')" 10.53.0.66 "(control) the host resolves by the tunnel's resolver"
err=$LAB_TMP/err
is "$(nj -v -i up1 -g 198.51.100.1 -- getent hosts lab.test 2>"$err" | awk '{print $1}')" 10.53.0.1 \
	"a jail on up1 resolves through up1's own resolver, not the tunnel's"
is "$(asked_from rb)" 198.51.100.2 "... which saw the query come from up1's address"
check "-v says resolv.conf's server is set aside" \
	grep -q "^netjail: /etc/resolv.conf's 10.66.0.1 leaves by wg0, not up1: not the jail's" "$err"
check "... and names where up1's own came from" grep -q \
	"^netjail: nameserver 198.51.100.1 (from up1's own servers: resolvconf's record /run/resolvconf/interface/up1.dhclient)" "$err"
is "$(to_tunnel_at_rb)" 0 "no query for the tunnel's resolver reached up1's router"
out=$(nj --check -i up1 -g 198.51.100.1 2>&1)
check "--check names the server set aside and the one used" grep -qF \
	"dns        ok    /etc/resolv.conf's 10.66.0.1 leaves by wg0, not up1; using 198.51.100.1 by up1 (from up1's own servers: resolvconf's record /run/resolvconf/interface/up1.dhclient)" <<<"$out"

# wg-quick's usual full tunnel: Address = 10.66.0.2/32, everything by its default route in
# table 51820; the tunnel's resolver has no route of its own, but wg0's record (openresolv's
# layout this time) names it.  up1's own servers are in dhclient's lease.
ip addr flush dev wg0
ip addr add 10.66.0.2/32 dev wg0
ip route add default dev wg0 table 51820
ip rule add pref 32765 not fwmark 51820 table 51820
ip rule add pref 32764 table main suppress_prefixlength 0
ip -n vpn route add 10.66.0.2/32 dev wgp
rm -r /run/resolvconf/interface
mkdir -p /run/resolvconf/interfaces
printf 'nameserver 10.66.0.1\n' >/run/resolvconf/interfaces/wg0
cat >/var/lib/dhcp/dhclient.up1.leases <<'LEASE'
lease {
  interface "up1";
  fixed-address 198.51.100.2;
  option domain-name-servers 203.0.113.99;
}
lease {
  interface "up1";
  fixed-address 198.51.100.2;
  option routers 198.51.100.1;
  option domain-name-servers 198.51.100.1;
  renew 4 2026/12/03 18:00:00;
}
LEASE
host_state >"$before"
is "$(getent hosts lab.test | awk '{print $1}')" 10.53.0.66 "(control) full tunnel: the host resolves by the tunnel's resolver"
is "$(nj -v -i up1 -g 198.51.100.1 -- getent hosts lab.test 2>"$err" | awk '{print $1}')" 10.53.0.1 \
	"full tunnel: a jail on up1 resolves through up1's own resolver"
check "... found in dhclient's lease (the newest for up1)" grep -q \
	"^netjail: nameserver 198.51.100.1 (from up1's own servers: dhclient's lease /var/lib/dhcp/dhclient.up1.leases)" "$err"
is "$(asked_from rb)" 198.51.100.2 "... seen from up1's address"
is "$(to_tunnel_at_rb)" 0 "... and still no query for the tunnel's resolver at up1's router"

# A public resolver the host reaches by the tunnel's catch-all is nobody's in particular: a
# jail on up1 asks it by up1, as before (and as t-dns.sh's jail on up1 asks one the host
# reaches by up0's default route).
printf 'nameserver 203.0.113.53\n' >/etc/resolv.conf
is "$(resolve -i up1 -g 198.51.100.1)" 10.53.0.53 "a public resolver reached by the VPN's catch-all is kept"
is "$(asked_from srv)" 198.51.100.2 "... and asked by up1"
# Unless the VPN handed it out (its record names it): then it is the tunnel's ...
printf 'nameserver 10.66.0.1\nnameserver 203.0.113.53\n' >/run/resolvconf/interfaces/wg0
is "$(resolve -i up1 -g 198.51.100.1)" 10.53.0.1 "a public resolver the VPN handed out is the tunnel's: up1's own is used"
# ... and up1's too, if up1's network hands it out as well.
sed -i 's/option domain-name-servers 198.51.100.1;/option domain-name-servers 203.0.113.53, 198.51.100.1;/' \
	/var/lib/dhcp/dhclient.up1.leases
is "$(resolve -i up1 -g 198.51.100.1)" 10.53.0.53 "... unless up1's network hands it out too: then it is kept"
printf 'nameserver 10.66.0.1\n' >/run/resolvconf/interfaces/wg0
sed -i 's/option domain-name-servers 203.0.113.53, 198.51.100.1;/option domain-name-servers 198.51.100.1;/' \
	/var/lib/dhcp/dhclient.up1.leases
printf 'nameserver 10.66.0.1\n' >/etc/resolv.conf

# Through the setuid binary, as an ordinary user.
mkdir -p /run/njpriv && cp "$NETJAIL" /run/njpriv/netjail && chmod 4755 /run/njpriv/netjail
is "$(as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 -- getent hosts lab.test 2>/dev/null | awk '{print $1}')" \
	10.53.0.1 "uid 65534 through the setuid binary: up1's own resolver too"

# dhcpcd keeps its lease as the DHCP message itself: option 6 names the servers.
rm /var/lib/dhcp/dhclient.up1.leases
mkdir -p /var/lib/dhcpcd
{ head -c 236 /dev/zero; printf '\143\202\123\143\065\001\005\006\004\306\063\144\001\377'; } \
	>/var/lib/dhcpcd/up1.lease
is "$(nj -v -i up1 -g 198.51.100.1 -- getent hosts lab.test 2>"$err" | awk '{print $1}')" 10.53.0.1 \
	"with dhcpcd's lease instead, up1's own resolver too"
check "... named as the source" grep -q \
	"^netjail: nameserver 198.51.100.1 (from up1's own servers: dhcpcd's lease /var/lib/dhcpcd/up1.lease)" "$err"

# Nothing known for the uplink: refused, with one line that asks for -d, and nothing left.
# (up0 has no record at all; for up1 the lease is gone.)
rm /var/lib/dhcpcd/up1.lease
want="netjail: no nameserver for the jail: /etc/resolv.conf's 10.66.0.1 leaves by wg0, not up1, and up1's own resolver is not known: pass -d ADDR"
out=$(nj -i up1 -g 198.51.100.1 -- echo ran 2>&1); rc=$?
is "$rc" 125 "no record for up1: refused (exit 125)"
is "$out" "$want" "... in one line that asks for -d"
out=$(nj -i up0 -- echo ran 2>&1); rc=$?
is "$rc:$(wc -l <<<"$out")" "125:1" "the same for up0, whose records never were"
assert_host_unchanged "$before" "nothing left after the refusals"
out=$(nj --check -i up1 -g 198.51.100.1 2>&1)
check "--check fails the dns line with the same words" grep -qF \
	"dns        FAIL  no nameserver for the jail: /etc/resolv.conf's 10.66.0.1 leaves by wg0, not up1, and up1's own resolver is not known: pass -d ADDR" <<<"$out"
is "$(resolve -i up1 -g 198.51.100.1 -d 198.51.100.1)" 10.53.0.1 "-d ADDR still decides"
is "$(to_tunnel_at_rb)" 0 "no query for the tunnel's resolver ever reached up1's router"
tap_done
