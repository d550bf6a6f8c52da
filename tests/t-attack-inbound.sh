#!/bin/bash
# t-attack-inbound.sh - nothing but a published port reaches into a jail.  A jail of uid 65534
# (through the setuid copy) listens on TCP and UDP port 7000 and publishes 8080 (TCP) and 8081
# (UDP) to it.  Then, over IPv4 and IPv6:
#   (1) another host user (65533) and root, from the host's own namespace,
#   (2) other jails (root's on up0, 65533's on the same uplink),
#   (3) the uplink's router and a router behind another interface, each with a route to the
#       pool via the host, which forwards on both (so netjail adds no uplink guard) and checks
#       the source loosely on the other one (strict rp_filter alone would refuse it there),
# connect to the jail's address: nothing may answer, and the jail's listeners log no packet
# of theirs (a reply could have been lost on the way back).  Each of (1) failed before the
# jail's table had its from_host chain; (2) and (3) are regression guards.  (4) The published
# ports still answer from the host and from the uplink; a jail's own connections, its DNS,
# the host's ICMP errors about its packets and IPv6 neighbour discovery with the host work.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_up
require_netjail
lab_ipv6_if_jails_get_it
# A nameserver on the lab's "internet", for the jail's DNS (as in t-dns.sh).
if command -v dnsmasq >/dev/null; then
	ip -n srv addr add 203.0.113.53/32 dev lo
	lab_bg ip netns exec srv dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--conf-file=/dev/null --bind-interfaces --listen-address=203.0.113.53 \
		--address=/lab.test/10.53.0.53 --pid-file= --user=root
	wait_for 5 sh -c "ip netns exec srv ss -lun | grep -q 203.0.113.53:53"
fi
before=$LAB_TMP/state.before
host_state >"$before"
setuid_copy

# as_user UID CMD...: CMD as UID/GID with no groups, as as_nobody does for 65534.
as_user() {
	local uid=$1
	shift
	timeout -k 3 $((30 * ${NJ_SLOW:-1})) setpriv --reuid="$uid" --regid="$uid" --clear-groups -- sh -c 'exec "$@"' sh "$@"
}

# The administrator has the host route on up0 and up1 (IPv4, and IPv6 on up1): netjail then
# adds no uplink guard, and only the jail's own rules keep the uplink's side out.  Loose
# rp_filter on up0 (as many distributions have it): strict, it would refuse what comes in
# there for the jail, whose reverse path the jail's rule answers with up1.
sysctl -qw net.ipv4.conf.up0.forwarding=1 net.ipv4.conf.up1.forwarding=1 net.ipv4.conf.up0.rp_filter=2
# (IPv6 by the global switch where jails get theirs by it: netjail then changes nothing.)
ipv6_knob=net.ipv6.conf.up1.force_forwarding
[[ $ipv6 == 1 && $ipv6_mode == all ]] && ipv6_knob=net.ipv6.conf.all.forwarding
[[ $ipv6 == 1 ]] && sysctl -qw "$ipv6_knob=1"

# Each try's time, stretched in an emulated guest (NJ_SLOW), where the lab server's answer
# (a forked sh) took over 2 s with twelve tries at once.
tmo=$((2 * ${NJ_SLOW:-1}))
# The victim: uid 65534's jail.  It writes its addresses for us, then serves port 7000,
# answering with the peer address it saw, which it also appends to $victim/seen.  With IPv6
# it first connects out over IPv6: the host's end of its link has no link-local address, so
# the host can only send forwarded IPv6 to a jail whose neighbour entry the jail's own
# neighbour discovery made.  Its UDP answers wait $tmo for sh (socat's -t, 0.5 s by default).
victim=$LAB_TMP/victim
mkdir "$victim" && chown 65534:65534 "$victim"
# shellcheck disable=SC2016  # $SOCAT_PEERADDR is for the jail's shell
server='[ "$1" = 1 ] && socat -T3 - "TCP6:[2001:db8:ff::10]:7,connect-timeout=3" </dev/null >/dev/null 2>&1
ip -o addr show dev eth0 >"$0/addr.new" && mv "$0/addr.new" "$0/addr"
answer="echo \$SOCAT_PEERADDR >>$0/seen; echo \$SOCAT_PEERADDR"
socat TCP4-LISTEN:7000,fork,reuseaddr SYSTEM:"$answer" & pids=$!
socat TCP6-LISTEN:7000,fork,reuseaddr,ipv6only=1 SYSTEM:"$answer" & pids="$pids $!"
socat -t"$2" UDP4-RECVFROM:7000,fork SYSTEM:"cat >/dev/null; $answer" & pids="$pids $!"
socat -t"$2" UDP6-RECVFROM:7000,fork,ipv6only=1 SYSTEM:"cat >/dev/null; $answer" & pids="$pids $!"
trap "kill $pids; exit 143" TERM
wait'
lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- "$SUID_NJ" -i up1 -g 198.51.100.1 \
	-P 8080:7000 -P 8081:7000/udp -- sh -c "$server" "$victim" "$ipv6" "$tmo" </dev/null >"$LAB_TMP/victim.log" 2>&1
victim_pid=$!

# ask CMD...: the first line CMD's server answered (CMD has its own timeout).
ask() { "$@" </dev/null 2>/dev/null | tr -d '\r' | head -n1; }
if ! wait_for 10 sh -c "socat -T1 - TCP:198.51.100.2:8080,connect-timeout=1 </dev/null 2>/dev/null | grep -q ." ||
	! wait_for 5 test -s "$victim/addr"; then
	not_ok "uid 65534's jail came up and answers on its published port"
	diag "$(cat "$LAB_TMP/victim.log")"
	tap_done
fi
addr4=$(awk '$3 == "inet" {sub("/.*", "", $4); print $4}' "$victim/addr")
addr6=$(awk '$3 == "inet6" && /scope global/ {sub("/.*", "", $4); print $4}' "$victim/addr")
broadcast4=${addr4%.*}.$((${addr4##*.} + 1))	# the jail's /30: .2 is the jail's, .3 broadcast
host_link=$(jail_links | head -n1)
diag "the jail: $addr4 ${addr6:-(no IPv6)} on $host_link"

# The attacks run at once, each into its own file: a dropped connection costs its timeout.
declare -A attempt_pid
attempt() {
	local name=$1
	shift
	("$@" </dev/null 2>"$LAB_TMP/err.$name" | tr -d '\r' | head -n1 >"$LAB_TMP/got.$name") &
	attempt_pid[$name]=$!
}
tcp4() { echo "socat -T$tmo -t$tmo - TCP4:$1:7000,connect-timeout=$tmo"; }
tcp6() { echo "socat -T$tmo -t$tmo - TCP6:[$1]:7000,connect-timeout=$tmo"; }
udp() { echo "sh -c 'echo probe | socat -T$tmo -t$tmo - UDP:$1:7000'"; }
udp6() { echo "sh -c 'echo probe | socat -T$tmo -t$tmo - UDP6:[$1]:7000'"; }
# In an attacker's jail, `sh -c "$from_jail" SERVER VICTIM` (socat addresses) first reaches
# the lab's server, whose answer shows that the jail works, then the victim: one line,
# "SEEN refused" if the victim did not answer.
from_jail="c=\$(socat -T$tmo -t$tmo - \"\$0,connect-timeout=$tmo\" </dev/null); a=\$(socat -T$tmo -t$tmo - \"\$1,connect-timeout=$tmo\" </dev/null); echo \"\$c \${a:-refused}\""
# refused NAME TEXT [SEEN]: the attempt NAME got no answer (from a jail: the lab's server saw
# SEEN, the victim did not answer).
refused() {
	wait "${attempt_pid[$1]}"
	local got
	got=$(cat "$LAB_TMP/got.$1")
	is "$got" "${3:+$3 refused}" "$2"
	[[ $got == "${3:+$3 refused}" ]] || diag "its stderr:" "$(cat "$LAB_TMP/err.$1")"
}

# (3) from outside: the uplink's router, and ra behind up0.
ip -n rb route add 10.231.0.0/16 via 198.51.100.2
ip -n ra route add 10.231.0.0/16 via 192.0.2.2
[[ $ipv6 == 1 ]] && ip -n rb route add fd6e:6a00::/48 via 2001:db8:1::2
seen_before=$(wc -l <"$victim/seen")

# shellcheck disable=SC2046  # the commands are split into words on purpose
{
	attempt host_65533_tcp4 as_user 65533 $(tcp4 "$addr4")
	attempt host_root_tcp4 eval "$(tcp4 "$addr4")"
	attempt host_65533_udp4 as_user 65533 sh -c "$(udp "$addr4")"
	attempt host_65533_broadcast4 as_user 65533 sh -c \
		"echo probe | socat -T$tmo -t$tmo - UDP4-DATAGRAM:$broadcast4:7000,broadcast"
	attempt rb_tcp4 ip netns exec rb $(tcp4 "$addr4")
	attempt rb_udp4 ip netns exec rb sh -c "$(udp "$addr4")"
	attempt ra_tcp4 ip netns exec ra $(tcp4 "$addr4")
	attempt ra_udp4 ip netns exec ra sh -c "$(udp "$addr4")"
	attempt jail_root_up0_tcp4 nj -i up0 -- sh -c "$from_jail" TCP4:203.0.113.10:7 "TCP4:$addr4:7000"
	attempt jail_65533_tcp4 as_user 65533 "$SUID_NJ" -i up1 -g 198.51.100.1 -- \
		sh -c "$from_jail" TCP4:203.0.113.10:7 "TCP4:$addr4:7000"
	if [[ $ipv6 == 1 ]]; then
		attempt host_65533_tcp6 as_user 65533 $(tcp6 "$addr6")
		attempt host_root_tcp6 eval "$(tcp6 "$addr6")"
		attempt host_65533_udp6 as_user 65533 sh -c "$(udp6 "$addr6")"
		attempt host_65533_multicast6 as_user 65533 sh -c \
			"echo probe | socat -T$tmo -t$tmo - UDP6-DATAGRAM:[ff02::1%$host_link]:7000"
		attempt rb_tcp6 ip netns exec rb $(tcp6 "$addr6")
		attempt jail_65533_tcp6 as_user 65533 "$SUID_NJ" -i up1 -g 198.51.100.1 -- \
			sh -c "$from_jail" "TCP6:[2001:db8:ff::10]:7" "TCP6:[$addr6]:7000"
	fi
}
refused host_65533_tcp4 "(1) uid 65533 on the host cannot connect to the jail's TCP port 7000 ($addr4)"
refused host_root_tcp4 "(1) ... nor can root on the host"
refused host_65533_udp4 "(1) uid 65533 on the host gets no answer from the jail's UDP port 7000"
refused host_65533_broadcast4 "(1) ... nor by broadcast to the jail's subnet ($broadcast4)"
refused jail_root_up0_tcp4 "(2) root's jail on up0 (which reaches the server) cannot connect to the jail" \
	192.0.2.2
refused jail_65533_tcp4 "(2) uid 65533's jail on the same uplink cannot connect to the jail" 198.51.100.2
refused rb_tcp4 "(3) the uplink's router, routing the pool via the host, cannot connect to the jail"
refused rb_udp4 "(3) ... nor get an answer from its UDP port"
refused ra_tcp4 "(3) a router behind up0 cannot connect to the jail"
refused ra_udp4 "(3) ... nor get an answer from its UDP port"
if [[ $ipv6 == 1 ]]; then
	refused host_65533_tcp6 "(1) uid 65533 on the host cannot connect to the jail over IPv6 ($addr6)"
	refused host_root_tcp6 "(1) ... nor can root"
	refused host_65533_udp6 "(1) uid 65533 gets no answer from the jail's UDP port over IPv6"
	refused host_65533_multicast6 "(1) ... nor by multicast to all nodes on the jail's link (ff02::1%$host_link)"
	refused jail_65533_tcp6 "(2) uid 65533's jail cannot connect to the jail over IPv6" \
		"[2001:0db8:0001:0000:0000:0000:0000:0002]"
	refused rb_tcp6 "(3) the uplink's router cannot connect to the jail over IPv6"
else
	skip "IPv6 into the jail" "no IPv6 for jails in this lab (see the skip above)"
fi
check "(1) root's ping of the jail gets no answer" fails quiet ping -c1 -W1 "$addr4"
got=$(tail -n +$((seen_before + 1)) "$victim/seen" | sort -u | tr '\n' ' ')
is "$got" "" "(1)-(3) the jail's listeners saw nothing of any of them"

# (4) What must still work.
is "$(ask as_user 65533 socat -T$tmo -t$tmo - TCP:198.51.100.2:8080,connect-timeout=$tmo)" 198.51.100.2 \
	"(4) the published TCP port answers uid 65533 on the host"
is "$(ask timeout $((tmo * 2 + 1)) socat -T$tmo -t$tmo - TCP:198.51.100.2:8080,connect-timeout=$tmo)" 198.51.100.2 "(4) ... and root"
is "$(ask as_user 65533 sh -c "echo probe | socat -T$tmo -t$tmo - UDP:198.51.100.2:8081")" 198.51.100.2 \
	"(4) the published UDP port answers uid 65533 on the host"
is "$(ask timeout $((tmo * 2 + 1)) ip netns exec rb socat -T$tmo -t$tmo - TCP:198.51.100.2:8080,connect-timeout=$tmo)" 198.51.100.1 \
	"(4) the published TCP port answers the uplink's router"
is "$(ask timeout $((tmo * 2 + 1)) ip netns exec rb sh -c "echo probe | socat -T$tmo -t$tmo - UDP:198.51.100.2:8081")" 198.51.100.1 \
	"(4) the published UDP port answers the uplink's router"
is "$(seen_source as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"(4) a jail's own TCP connection goes out (uid 65534, setuid copy)"
is "$(seen_source_udp as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 --)" 198.51.100.2 "(4) ... and over UDP"
# The host's ICMP errors about a jail's packet it would not forward (out of hops) get in.
out=$(nj -i up1 -g 198.51.100.1 -- ping -c1 -t1 -W2 203.0.113.10 2>&1)
check "(4) an ICMP error of the host's (time exceeded) reaches the jail" grep -qi 'time to live exceeded' <<<"$out"
if command -v dnsmasq >/dev/null; then
	is "$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -d 203.0.113.53 -- getent hosts lab.test | awk '{print $1}')" \
		10.53.0.53 "(4) a jail's DNS works"
else
	skip "(4) a jail's DNS works" "dnsmasq is not installed (make deps)"
fi
if [[ $ipv6 == 1 ]]; then
	# Neighbour discovery with the host is ICMPv6 that conntrack does not track.
	ask6='socat -T3 - "TCP6:[2001:db8:ff::10]:7,connect-timeout=3" </dev/null 2>&1 | tr -d "\r" | head -n1'
	is "$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- sh -c "$ask6")" \
		"[2001:0db8:0001:0000:0000:0000:0000:0002]" "(4) a jail's own IPv6 connection goes out (neighbour discovery works)"
	out=$(nj -i up1 -g 198.51.100.1 -- ping -6 -c1 -t1 -W2 2001:db8:ff::10 2>&1)
	check "(4) an ICMPv6 error of the host's (hop limit exceeded) reaches the jail" grep -qi 'time exceeded' <<<"$out"
fi

kill -TERM "$victim_pid"
finish "$victim_pid" 10
is "$RC" 143 "the victim's jail ends with its command's status (SIGTERM)"
sysctl -qw net.ipv4.conf.up0.forwarding=0 net.ipv4.conf.up1.forwarding=0 net.ipv4.conf.up0.rp_filter=1
[[ $ipv6 == 1 ]] && sysctl -qw "$ipv6_knob=0"
assert_host_unchanged "$before"
tap_done
