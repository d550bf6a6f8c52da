#!/bin/bash
# t-dns.sh - name resolution in the jail: its own /etc/resolv.conf (in its mount namespace
# only) names servers it can reach, and its queries leave by the uplink: the lab's DNS
# server sees them come from the uplink's address.  A local stub on the host (127.0.0.53)
# is looked behind: the uplink's own servers, then resolved's list.  nsswitch.conf says
# "hosts: files dns", and the host's resolver sockets are hidden, so nothing resolves
# around the jail.  The host's files stay as they were.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi
if ! command -v dnsmasq >/dev/null; then
	echo "1..0 # SKIP dnsmasq is not installed (make deps)"
	exit 0
fi

# Two DNS servers on the lab's "internet", each answering its own name for lab.test, and
# logging who asked.
ip -n srv addr add 203.0.113.53/32 dev lo
ip -n srv addr add 203.0.113.54/32 dev lo
dns_log=$LAB_TMP/dns.log
for n in 53 54; do
	lab_bg ip netns exec srv dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--conf-file=/dev/null --bind-interfaces --listen-address=203.0.113.$n \
		--address=/lab.test/10.53.0.$n --log-queries=extra --log-facility="$dns_log.$n" \
		--pid-file= --user=root
done
wait_for 5 sh -c "ip netns exec srv ss -lun | grep -q 203.0.113.54:53"

# resolve ARGS...: what `getent hosts lab.test` gives in a jail made with ARGS.
resolve() { nj "$@" -- getent hosts lab.test 2>/dev/null | awk '{print $1}'; }
# asked_from N: the address the server on 203.0.113.N last saw a query for lab.test from.
asked_from() { sed -nE 's/.*query\[A\] lab\.test from ([0-9.]+).*/\1/p' "$dns_log.$1" 2>/dev/null | tail -n1; }

host_resolv=$(cat /etc/resolv.conf)
printf 'nameserver 203.0.113.53\nsearch example.lab\noptions edns0\n' >/etc/resolv.conf
is "$(resolve -i up1 -g 198.51.100.1)" 10.53.0.53 "the host's nameserver (not loopback) answers in the jail"
is "$(asked_from 53)" 198.51.100.2 "... and saw the query come from up1's address, not the host's default route"
is "$(nj -i up1 -g 198.51.100.1 -- grep -c '^search example.lab$' /etc/resolv.conf)" 1 \
	"the jail's resolv.conf keeps the host's search line"
is "$(resolve -i up0)" 10.53.0.53 "the same through up0"
is "$(asked_from 53)" 192.0.2.2 "... seen from up0's address"

is "$(resolve -i up1 -g 198.51.100.1 -d 203.0.113.54)" 10.53.0.54 "-d ADDR replaces the host's nameservers"
is "$(asked_from 54)" 198.51.100.2 "... and is asked by the uplink too"

# While NetworkManager or resolved restarts, the host may have no resolv.conf, or a symlink
# whose target is gone: -d still gives the jail its server.
mv /etc/resolv.conf "$LAB_TMP/resolv.conf.saved"
# With no file to mount over, netjail puts an overlay on the jail's /etc.  The kernel stacks
# overlays two deep at most: where / is one already (the QEMU guest of make check-kernels)
# and the lab's /etc another, a third cannot be made.
if [[ $(findmnt -n -o FSTYPE -T /) == overlay && $(findmnt -n -o FSTYPE -T /etc) == overlay ]]; then
	skip "no /etc/resolv.conf on the host: -d ADDR still answers in the jail" \
		"/ and the lab's /etc are overlays already: no third overlay can stack on them"
	skip "... its resolv.conf names it, and the rest of /etc is the host's" "the same"
else
	is "$(resolve -i up1 -g 198.51.100.1 -d 203.0.113.54)" 10.53.0.54 \
		"no /etc/resolv.conf on the host: -d ADDR still answers in the jail"
	is "$(nj -i up1 -g 198.51.100.1 -d 203.0.113.54 -- sh -c 'grep ^nameserver /etc/resolv.conf; stat -c %a /etc; cat /etc/hostname' 2>&1)" \
		"nameserver 203.0.113.54
$(stat -c %a /etc)
$(cat /etc/hostname 2>&1)" "... its resolv.conf names it, and the rest of /etc is the host's"
fi
check "... and the host still has no resolv.conf" test ! -e /etc/resolv.conf -a ! -L /etc/resolv.conf
ln -s /run/njgone/stub-resolv.conf /etc/resolv.conf
is "$(resolve -i up1 -g 198.51.100.1 -d 203.0.113.54)" 10.53.0.54 \
	"/etc/resolv.conf a symlink whose target is gone: -d ADDR still answers in the jail"
check "... and the host's symlink is as it was" \
	test "$(readlink /etc/resolv.conf)" = /run/njgone/stub-resolv.conf -a ! -e /run/njgone
rm /etc/resolv.conf && ln -s resolv.conf /etc/resolv.conf
is "$(resolve -i up1 -g 198.51.100.1 -d 203.0.113.54)" 10.53.0.54 "... and a symlink to itself (a loop)"
rm /etc/resolv.conf && mv "$LAB_TMP/resolv.conf.saved" /etc/resolv.conf

# systemd-resolved's stub on the host.
printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n' >/etc/resolv.conf
mkdir -p /run/systemd/resolve/netif
printf 'nameserver 203.0.113.53\n' >/run/systemd/resolve/resolv.conf
is "$(resolve -i up1 -g 198.51.100.1)" 10.53.0.53 \
	"with resolved's stub, its upstream servers (/run/systemd/resolve/resolv.conf) answer"
printf '# This is private data. Do not parse.\nLLMNR=yes\nSERVERS=203.0.113.54 fe80::1%%3\n' \
	>"/run/systemd/resolve/netif/$(cat /sys/class/net/up1/ifindex)"
is "$(resolve -i up1 -g 198.51.100.1)" 10.53.0.54 "... and the uplink's own servers come first"
is "$(resolve -i up0)" 10.53.0.53 "... another uplink's own servers are not used"
out=$(nj -i up1 -g 198.51.100.1 -- cat /etc/resolv.conf 2>&1)
is "$(grep -c nameserver <<<"$out")" 1 "... and the jail's resolv.conf names only that server"
check "... not the stub" fails grep -q 127.0.0.53 <<<"$out"

rm -r /run/systemd/resolve
err=$(nj -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
is "$rc" 0 "no server found: the command still runs"
check "... with one warning line that says to pass --dns" grep -q '^netjail: warning: .*pass --dns' <<<"$err"
is "$(nj -i up1 -g 198.51.100.1 -- grep -c ^nameserver /etc/resolv.conf 2>/dev/null)" 0 \
	"... and the jail's resolv.conf names no server (lookups fail, none leaks)"

# Resolving around the jail: nss-resolve, resolved's varlink socket, nscd.
printf 'nameserver 203.0.113.53\n' >/etc/resolv.conf
printf 'passwd: files\nhosts: files mdns4_minimal [NOTFOUND=return] resolve [!UNAVAIL=return] myhostname dns\nnetworks: files\n' \
	>/etc/nsswitch.conf
out=$(nj -i up0 -- cat /etc/nsswitch.conf 2>&1)
is "$(grep '^hosts:' <<<"$out")" "hosts: files myhostname dns" "the jail's nsswitch.conf: hosts through files and its own nameservers only"
is "$(grep -c -e '^passwd: files$' -e '^networks: files$' <<<"$out")" 2 "... the other lines are the host's"
mkdir -p /run/systemd/resolve /run/nscd
for sock in /run/systemd/resolve/io.systemd.Resolve /run/nscd/socket; do
	lab_bg socat UNIX-LISTEN:"$sock",fork SYSTEM:'echo answered'
done
wait_for 5 test -S /run/nscd/socket
# The client's stdin ends at once; -t is how long it then waits for the answer (socat's 0.5 s
# default is shorter than starting the server's sh in an emulated guest: NJ_SLOW).
ask="socat -T$((2 * ${NJ_SLOW:-1})) -t$((2 * ${NJ_SLOW:-1})) -"
is "$($ask UNIX-CONNECT:/run/nscd/socket </dev/null 2>/dev/null)" answered "(control) the host reaches its nscd socket"
for sock in /run/systemd/resolve/io.systemd.Resolve /run/nscd/socket; do
	is "$(nj -i up0 -- $ask UNIX-CONNECT:"$sock" </dev/null 2>/dev/null)" "" "the jail cannot reach $sock"
done
is "$(resolve -i up0)" 10.53.0.53 "name lookups still work with those hidden"

# The same as an ordinary user through the setuid binary.
mkdir -p /run/njpriv && cp "$NETJAIL" /run/njpriv/netjail && chmod 4755 /run/njpriv/netjail
is "$(as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 -- getent hosts lab.test 2>/dev/null | awk '{print $1}')" \
	10.53.0.53 "uid 65534 through the setuid binary resolves in the jail"
is "$(asked_from 53)" 198.51.100.2 "... by up1"
out=$(as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 -- \
	sh -c 'stat -c %U /etc/resolv.conf; echo x >>/etc/resolv.conf && echo written' 2>/dev/null)
is "$out" root "... the jail's resolv.conf is root's and read-only"

is "$(cat /etc/resolv.conf)" "nameserver 203.0.113.53" "the host's resolv.conf is unchanged"
check "... and nothing is mounted over it on the host" fails findmnt -n /etc/resolv.conf
check "no /etc/netns was created" test ! -e /etc/netns
assert_host_unchanged "$before"
printf '%s\n' "$host_resolv" >/etc/resolv.conf
tap_done
