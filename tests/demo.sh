#!/bin/bash
# demo.sh - show netjail at work in a private lab network (nothing on this machine is touched):
# the host's own traffic leaves by up0, a jailed command's by up1, its DNS queries too (from
# behind the host's local stub), and the host is unchanged.
#
#   tests/demo.sh        (as root; NETJAIL=/path/to/netjail to pick the binary)
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"

say() { printf '%s\n' "$*"; }

say "Building a lab network in private namespaces (this machine's network is not touched):"
say "  host uplink up0 192.0.2.2    -> router ra 192.0.2.1    -> server 203.0.113.10 (default route)"
say "  host uplink up1 198.51.100.2 -> router rb 198.51.100.1 -> server 203.0.113.10 (no default route)"
say "  the server answers with the source address it saw; the routers do not NAT."
lab_up >/dev/null
if [[ ! -x $NETJAIL ]]; then
	say "No netjail binary at $NETJAIL (build it first, or set NETJAIL)."
	exit 1
fi
before=$LAB_TMP/state.before
host_state >"$before"
say ""

say "\$ socat - TCP:203.0.113.10:7"
say "  server saw: $(seen_source)    (the host's own traffic leaves by up0)"
say ""
say "\$ netjail -i up1 -g 198.51.100.1 -- socat - TCP:203.0.113.10:7"
seen=$(seen_source nj -i up1 -g 198.51.100.1 --)
if [[ $seen == 198.51.100.2 ]]; then
	say "  server saw: $seen    (the jailed command's traffic leaves by up1)"
else
	say "  server saw: ${seen:-nothing}    (expected 198.51.100.2)"
fi
say ""
say "\$ netjail -i up0 -- socat - TCP:203.0.113.10:7      (gateway found from up0's default route)"
seen0=$(seen_source nj -i up0 --)
say "  server saw: ${seen0:-nothing}$([[ $seen0 == 192.0.2.2 ]] || echo '    (expected 192.0.2.2)')"
say ""

# Name resolution: the lab's host resolves through a stub on 127.0.0.53, as with
# systemd-resolved, which does not exist inside a jail; netjail gives the jail the servers
# behind it, and the query leaves by up1 too.
dns_ok=skipped
if command -v dnsmasq >/dev/null && lab_writable /etc; then
	ip -n srv addr add 203.0.113.53/32 dev lo
	lab_bg ip netns exec srv dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--conf-file=/dev/null --bind-interfaces --listen-address=203.0.113.53 \
		--address=/www.lab.test/203.0.113.10 --log-queries=extra \
		--log-facility="$LAB_TMP/dns.log" --pid-file= --user=root
	wait_for 5 sh -c "ip netns exec srv ss -lun | grep -q 203.0.113.53:53"
	echo "nameserver 127.0.0.53" >/etc/resolv.conf
	mkdir -p /run/systemd/resolve
	echo "nameserver 203.0.113.53" >/run/systemd/resolve/resolv.conf
	say "The host resolves through a local stub (/etc/resolv.conf: nameserver 127.0.0.53),"
	say "which a jail cannot reach; netjail gives the jail the servers behind it:"
	say "\$ netjail -i up1 -g 198.51.100.1 -- getent hosts www.lab.test"
	answer=$(nj -i up1 -g 198.51.100.1 -- getent hosts www.lab.test 2>&1 | awk '{print $1}')
	asked=$(sed -nE 's/.*query\[A\] www\.lab\.test from ([0-9.]+).*/\1/p' "$LAB_TMP/dns.log" | tail -n1)
	say "  answer: ${answer:-none}; the DNS server saw the query from ${asked:-nobody}"
	[[ $answer == 203.0.113.10 && $asked == 198.51.100.2 ]] && dns_ok=yes || dns_ok=no
	say ""
fi

status=0
[[ $dns_ok == no ]] && status=1
if wait_for 3 _host_state_is "$before"; then
	say "Host routes, rules, nftables, links and sysctls: unchanged after the jails ended."
else
	say "Host state CHANGED after the jails ended:"
	diff -u "$before" "$LAB_TMP/state.now" | tail -n +3 | head -n 20
	status=1
fi
[[ $seen == 198.51.100.2 && $seen0 == 192.0.2.2 ]] || status=1
[[ $status -eq 0 ]] && say "Demo OK." || say "Demo FAILED."
exit $status
