#!/bin/bash
# t-fw-hostapart.sh - the jail cannot reach the host's own services, and its DNS never goes
# through the host.  (The other direction, the host into the jail, is t-attack-inbound.sh.)
#   (1) The host listens on TCP and UDP port 7100 on 0.0.0.0 and [::], and on port 7201 on the
#       uplink's own address only: from a jail on up1, nothing answers on up1's address, on
#       up0's (another uplink), on lan0's (a veth pair), on the host end of the jail's own veth,
#       by broadcast, nor over IPv6 (up1's, lan0's, the veth's); the listeners log no
#       connection.  With --allow-host they all answer.  The same as uid 65534 (setuid copy).
#   (2) What must still work: the jail's egress, -d, a published port, IPv6 out.
#   (3) DNS: the host's resolver is dnsmasq on up1's own address, then on lan0's: the
#       jail never asks it.  It gets the servers behind it (/run/dnsmasq/resolv.conf) or, if
#       none is known, netjail refuses with one line asking for --dns (exit 125); -d with an
#       outside server still works; -d with the host's own address is refused but with
#       --allow-host; --check says the same.
# Each of (1) and (3) failed before the jail's table had its to_host chain and dnsfind.c
# looked behind resolvers on the host's own addresses.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_up
require_netjail
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi
lab_ipv6_if_jails_get_it
# Another interface of the host's, with a LAN address: a veth pair, as containers have.
ip link add lan0 type veth peer name lan0-peer && ip addr add 172.30.0.1/24 dev lan0 &&
	ip addr add fd00:30::1/64 dev lan0 nodad && ip link set lan0 up && ip link set lan0-peer up || {
	echo "Bail out! could not add lan0"
	exit 1
}
have_dnsmasq=0
command -v dnsmasq >/dev/null && have_dnsmasq=1
if [[ $have_dnsmasq == 1 ]]; then
	# The lab's "internet" nameserver, as in t-dns.sh.
	ip -n srv addr add 203.0.113.53/32 dev lo
	lab_bg ip netns exec srv dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--conf-file=/dev/null --bind-interfaces --listen-address=203.0.113.53 \
		--address=/lab.test/10.53.0.53 --log-queries=extra --log-facility="$LAB_TMP/srv-dns.log" \
		--pid-file= --user=root
	# The host's own resolver, on up1's and lan0's addresses: it would answer 10.99.0.1,
	# resolving by the host's routes.
	lab_bg dnsmasq --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null \
		--bind-interfaces --listen-address=198.51.100.2 --listen-address=172.30.0.1 \
		--address=/lab.test/10.99.0.1 --log-queries=extra --log-facility="$LAB_TMP/host-dns.log" \
		--pid-file= --user=root
	wait_for 5 sh -c "ss -lun | grep -q 172.30.0.1:53 && ip netns exec srv ss -lun | grep -q 203.0.113.53:53"
fi

# The host's services: each answers "host" and logs the peer it saw.  TCP on the wildcard
# addresses; UDP also bound to each address (reuseaddr), so that the answer comes from the
# address the jail asked (a wildcard socket's would come from the host end of its link);
# broadcasts to port 7300, logged apart (an answer would not be taken).
seen=$LAB_TMP/host-seen
: >"$seen"
answer="echo \$SOCAT_PEERADDR >>$seen; echo host"
# -t: after the client's end of input socat waits that long for sh's answer (default 0.5 s,
# shorter than sh's start in an emulated guest: 'echo: I/O error' and no answer on 6.12).
wait_answer=-t$((5 * ${NJ_SLOW:-1}))
lab_bg socat "$wait_answer" TCP4-LISTEN:7100,fork,reuseaddr SYSTEM:"$answer"
lab_bg socat "$wait_answer" TCP4-LISTEN:7201,bind=198.51.100.2,fork,reuseaddr SYSTEM:"$answer"
for a in 0.0.0.0 198.51.100.2 172.30.0.1; do
	lab_bg socat "$wait_answer" UDP4-RECVFROM:7100,bind=$a,reuseaddr,fork SYSTEM:"cat >/dev/null; $answer"
done
lab_bg socat UDP4-RECVFROM:7300,broadcast,fork SYSTEM:"cat >/dev/null; echo \$SOCAT_PEERADDR >>$seen.broadcast"
if [[ $ipv6 == 1 ]]; then
	lab_bg socat "$wait_answer" TCP6-LISTEN:7100,fork,reuseaddr,ipv6only=1 SYSTEM:"$answer"
	lab_bg socat "$wait_answer" 'UDP6-RECVFROM:7100,bind=[2001:db8:1::2],ipv6only=1,fork' SYSTEM:"cat >/dev/null; $answer"
fi
wait_for 5 sh -c 'ss -ltn | grep -q ":7100 " && ss -ltn | grep -q 198.51.100.2:7201 && ss -lun | grep -q ":7300 "'
is "$(socat -T2 - TCP:172.30.0.1:7100 </dev/null 2>/dev/null)" host "(control) the host's service answers on the host"
: >"$seen"
before=$LAB_TMP/state.before
host_state >"$before"
setuid_copy

# The jail's probes, all at once (a dropped one costs its timeout, 2 s x NJ_SLOW: in an
# emulated guest the answers took longer than 2 s), one line each: NAME and what answered
# ("none" if nothing).  The host end of the jail's link is its default route.
cat >"$LAB_TMP/probe.sh" <<'EOF'
gw=$(ip -4 route show default | awk '{print $3; exit}')
gw6=$(ip -6 route show default 2>/dev/null | awk '{print $3; exit}')
bcast=255.255.255.255
tmo=$2
t() { a=$(socat -T"$tmo" -t"$tmo" - "$2,connect-timeout=$tmo" </dev/null 2>/dev/null | tr -d '\r' | head -n1); echo "$1 ${a:-none}" >"$0.$1"; }
u() { a=$(echo probe | socat -T"$tmo" -t"$tmo" - "$2" 2>/dev/null | tr -d '\r' | head -n1); echo "$1 ${a:-none}" >"$0.$1"; }
t up1-tcp TCP4:198.51.100.2:7100 & u up1-udp UDP4:198.51.100.2:7100 &
t up1-bound-tcp TCP4:198.51.100.2:7201 &
t up0-tcp TCP4:192.0.2.2:7100 & t lan-tcp TCP4:172.30.0.1:7100 & u lan-udp UDP4:172.30.0.1:7100 &
t veth-tcp "TCP4:$gw:7100" & u veth-udp "UDP4:$gw:7100" &
echo probe | socat -T1 - "UDP4-DATAGRAM:$bcast:7300,broadcast" >/dev/null 2>&1 &
if [ "$1" = 1 ]; then
	t up1-tcp6 "TCP6:[2001:db8:1::2]:7100" & u up1-udp6 "UDP6:[2001:db8:1::2]:7100" &
	t lan-tcp6 "TCP6:[fd00:30::1]:7100" & t veth-tcp6 "TCP6:[$gw6]:7100" &
fi
wait
cat "$0".* | sort
EOF
chmod 0755 "$LAB_TMP/probe.sh"
# Each jail gets its own copy: the probes write next to it.
probe() { local copy; copy=$(mktemp -d "$LAB_TMP/p.XXXX"); chmod 0777 "$copy"; cp "$LAB_TMP/probe.sh" "$copy/probe"
	"$@" -- sh "$copy/probe" "$ipv6" "$((2 * ${NJ_SLOW:-1}))" 2>/dev/null; }
expect() {
	local name
	for name in lan-tcp lan-udp up0-tcp up1-bound-tcp up1-tcp up1-udp veth-tcp veth-udp; do
		echo "$name $1"
	done
	[[ $ipv6 == 1 ]] && for name in lan-tcp6 up1-tcp6 up1-udp6 veth-tcp6; do echo "$name $1"; done
}
sorted() { sort; }

# (1) The host kept out.
is "$(probe nj -i up1 -g 198.51.100.1 | sorted)" "$(expect none | sorted)" \
	"(1) no service of the host answers a jail: on up1's, up0's, lan0's address, the host end of its link; TCP, UDP; IPv4, IPv6"
is "$(cat "$seen" "$seen.broadcast" 2>/dev/null | sort -u | tr '\n' ' ')" "" \
	"(1) ... and the host's listeners saw no packet of it (broadcasts to the jail's link included)"
is "$(probe as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 | sorted)" "$(expect none | sorted)" \
	"(1) the same for uid 65534 through the setuid copy"
# With --allow-host: everything answers (the broadcast reply comes from the host's address).
is "$(probe nj -i up1 -g 198.51.100.1 --allow-host | sorted)" "$(expect host | sorted)" \
	"(1) with --allow-host, the host's services answer the jail on every address"
check "(1) ... and the host's listeners hear its broadcasts" test -s "$seen.broadcast"
is "$(probe as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 --allow-host | sorted)" "$(expect host | sorted)" \
	"(1) ... also for uid 65534 (it gives the jail nothing the user lacks on the host)"
printf '[netjail]\ninterface = up1\ngateway = 198.51.100.1\nallow_host = yes\n' >"$LAB_TMP/host.conf"
chmod 0644 "$LAB_TMP/host.conf"
is "$(nj -p "$LAB_TMP/host.conf" -- socat -T2 - TCP4:172.30.0.1:7100,connect-timeout=2 </dev/null 2>/dev/null)" \
	host "(1) ... and with the profile key allow_host = yes"
out=$(nj -v -i up1 -g 198.51.100.1 -- true 2>&1)
check "(1) -v says the host is kept out of reach" grep -q 'the host kept out of reach' <<<"$out"

# (2) What must still work.
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "(2) the jail's TCP egress by up1"
is "$(seen_source_udp nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "(2) ... and UDP"
# shellcheck disable=SC2016  # for the jail's shell
nj_bg -i up1 -g 198.51.100.1 -P 8080:7000 -- socat TCP4-LISTEN:7000,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' </dev/null
pub_pid=$NJ_PID
if wait_for 10 sh -c "socat -T1 - TCP:198.51.100.2:8080,connect-timeout=1 </dev/null 2>/dev/null | grep -q ."; then
	ok "(2) a published port answers the host (the jail's replies reach it)"
else
	not_ok "(2) a published port answers the host (the jail's replies reach it)"
fi
finish "$pub_pid" 10
if [[ $ipv6 == 1 ]]; then
	is "$(nj -i up1 -g 198.51.100.1 -- socat -T3 - 'TCP6:[2001:db8:ff::10]:7,connect-timeout=3' </dev/null 2>/dev/null | tr -d '\r')" \
		"[2001:0db8:0001:0000:0000:0000:0000:0002]" "(2) IPv6 out of the jail (neighbour discovery with the host works)"
else
	skip "(2) IPv6 out of the jail" "no IPv6 for jails in this lab (see the skip above)"
fi

# (3) DNS never through the host.
resolve() { nj "$@" -- getent hosts lab.test 2>/dev/null | awk '{print $1}'; }
host_asked() { grep -c 'query\[A\] lab\.test' "$LAB_TMP/host-dns.log" 2>/dev/null; }
srv_asked_from() { sed -nE 's/.*query\[A\] lab\.test from ([0-9.]+).*/\1/p' "$LAB_TMP/srv-dns.log" 2>/dev/null | tail -n1; }
if [[ $have_dnsmasq == 1 ]]; then
	for resolver in 198.51.100.2 172.30.0.1; do
		where=$([[ $resolver == 198.51.100.2 ]] && echo "up1's own address" || echo "lan0's address (a veth)")
		printf 'nameserver %s\nsearch example.lab\n' "$resolver" >/etc/resolv.conf
		rm -rf /run/dnsmasq
		err=$(nj -i up1 -g 198.51.100.1 -- getent hosts lab.test 2>&1 >/dev/null); rc=$?
		is "$rc" 125 "(3) the host's resolver on $where, nothing known behind it: netjail refuses (125)"
		is "$(grep -c . <<<"$err")" 1 "(3) ... with one line"
		check "(3) ... that asks for --dns" grep -q "^netjail: no nameserver for the jail: .*$resolver.*pass --dns ADDR" <<<"$err"
		out=$(nj --check -i up1 -g 198.51.100.1 2>&1)
		check "(3) ... and --check says DNS would not work" grep -q "^dns .*FAIL .*$resolver" <<<"$out"
		mkdir -p /run/dnsmasq && printf 'nameserver 203.0.113.53\n' >/run/dnsmasq/resolv.conf
		is "$(resolve -i up1 -g 198.51.100.1)" 10.53.0.53 "(3) with its servers known (/run/dnsmasq/resolv.conf), the jail uses those"
		is "$(srv_asked_from)" 198.51.100.2 "(3) ... asked by up1"
		out=$(nj --check -i up1 -g 198.51.100.1 2>&1)
		check "(3) ... as --check says" grep -q '^dns .*ok .*203.0.113.53 .*(from /run/dnsmasq/resolv.conf' <<<"$out"
		is "$(resolve -i up1 -g 198.51.100.1 -d 203.0.113.53)" 10.53.0.53 "(3) -d with an outside server works"
	done
	is "$(host_asked)" 0 "(3) the host's resolver was never asked by a jail"
	err=$(nj -i up1 -g 198.51.100.1 -d 172.30.0.1 -- true 2>&1); rc=$?
	is "$rc" 125 "(3) -d with the host's own address: refused (125)"
	check "(3) ... in one line naming --allow-host" grep -qx 'netjail: nameserver 172.30.0.1 is .*--allow-host' <<<"$err"
	is "$(resolve -i up1 -g 198.51.100.1 -d 172.30.0.1 --allow-host)" 10.99.0.1 \
		"(3) -d with the host's address and --allow-host: the host's resolver answers, as asked"
	# The host's resolver is named next to an outside one: only the outside one is kept.
	printf 'nameserver 172.30.0.1\nnameserver 203.0.113.53\n' >/etc/resolv.conf
	is "$(nj -i up1 -g 198.51.100.1 -- grep ^nameserver /etc/resolv.conf 2>/dev/null)" "nameserver 203.0.113.53" \
		"(3) a host's resolver listed next to an outside server is left out"
else
	skip "(3) DNS through the host" "dnsmasq is not installed (make deps)"
fi

assert_host_unchanged "$before"
tap_done
