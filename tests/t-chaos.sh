#!/bin/bash
# t-chaos.sh - no packet of a jail's connection reaches the wrong place, also in fault windows:
# jails streaming to and from the server while their netjail or their command is SIGKILLed,
# uplinks flap, addresses go and come back, `nft flush ruleset`, a VPN-like catch-all rule
# comes and goes, --cleanup and --list run alongside.  The routers count, on what arrives
# from the host: sources in the jail pool (not NATed), destinations in it (a gone jail's
# replies routed back out), the host's own TCP RSTs and ICMP errors (TTL 64: forwarded jail
# packets arrive with 63), and jail traffic of the other uplink's jails.  First the two
# windows found, each made to happen once, then 40 s of faults with a fixed seed (CHAOS_SEED).
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

srv=203.0.113.10
# Jails on up0 use ports 9 (echo) and 10 (a stream from the server), jails on up1 19 and 20:
# whatever of one arrives at the other uplink's router went the wrong way.
for port in 9 19; do
	lab_bg ip netns exec srv socat TCP-LISTEN:$port,fork,reuseaddr EXEC:cat 2>/dev/null
done
for port in 10 20; do
	# shellcheck disable=SC2016  # for the server's shell
	lab_bg ip netns exec srv socat TCP-LISTEN:$port,fork,reuseaddr \
		SYSTEM:'i=0; while [ $i -lt 300 ]; do echo 0123456789abcdef0123456789abcdef; sleep 0.01; i=$((i+1)); done' 2>/dev/null
done
count_on() {	# ROUTER HOST_ADDR OTHER_PORTS
	ip netns exec "$1" nft -f - <<NFT
table ip count {
	counter pool_source {}
	counter pool_destination {}
	counter host_rst {}
	counter host_icmp_error {}
	counter other_uplinks_jail {}
	counter own_jails {}
	chain prerouting { type filter hook prerouting priority -500;
		iifname != "$1-h" return
		ip saddr 10.231.0.0/16 counter name pool_source
		ip daddr 10.231.0.0/16 counter name pool_destination
		ip saddr $2 ip ttl 64 tcp flags & rst == rst counter name host_rst
		ip saddr $2 ip ttl 64 icmp type { destination-unreachable, time-exceeded, parameter-problem } counter name host_icmp_error
		tcp dport { $3 } counter name other_uplinks_jail
		tcp dport { 9, 10, 19, 20 } counter name own_jails
	}
}
NFT
}
count_on ra 192.0.2.2 "19, 20"
count_on rb 198.51.100.2 "9, 10"
counter() { ip netns exec "$1" nft list counter ip count "$2" | sed -nE 's/.*packets ([0-9]+).*/\1/p'; }
wrong() {	# all wrong packets seen so far, on both routers
	local r c n=0
	for r in ra rb; do
		for c in pool_source pool_destination host_rst host_icmp_error other_uplinks_jail; do
			n=$((n + $(counter "$r" "$c")))
		done
	done
	echo "$n"
}
wrong_detail() {
	local r c
	for r in ra rb; do
		for c in pool_source pool_destination host_rst host_icmp_error other_uplinks_jail own_jails; do
			printf '%s %s=%s ' "$r" "$c" "$(counter "$r" "$c")"
		done
		echo
	done
}
# The processes in network namespace NS (as readlink /proc/PID/ns/net shows it).
ns_pids() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(readlink "$p/ns/net" 2>/dev/null) == "$1" ]] && echo "${p#/proc/}"
	done
}
ns_empty() { [[ -z $(ns_pids "$1") ]]; }
# SIGKILL every process in jail namespace NS: a jailed command and its children (not the
# lab's own, where a jail's child is until it has its namespace).
kill_jail_of() {
	local p
	[[ -n $1 && $1 != "$(readlink /proc/$$/ns/net)" ]] || return 0
	for p in $(ns_pids "$1"); do kill -KILL "$p" 2>/dev/null; done
}
more_than() { [[ $(counter "$1" own_jails) -gt $2 ]]; }
restore_up0_route() { ip route replace default via 192.0.2.1 dev up0; }
flap() {	# UPLINK
	ip link set "$1" down
	sleep 0.2
	ip link set "$1" up
	restore_up0_route
}

# A flap puts the uplink's IPv6 routes after the other's: the same order before and after.
flap up0; flap up1
host_state >"$before"

# ---- a flap under a jail the server streams to: masquerade forgets the jail's connection
# (uplink down); the server's next segment must not reach the host's own stack, which would
# answer with a RST from 192.0.2.2 for the jail's port.
nj_bg -i up0 -g 192.0.2.1 -- socat -u TCP:$srv:10 /dev/null </dev/null >/dev/null 2>&1
pid=$NJ_PID
if wait_for 10 more_than ra 20; then
	flap up0
	finish "$pid" 15
	is "$(counter ra host_rst)" 0 "uplink flapped under a download: the host sends no RST for the jail's port"
else
	not_ok "the jail on up0 streams from the server"
fi

# ---- netjail SIGKILLed: its table goes with it, the kernel kills the command (PDEATHSIG), but
# what the command started lives on in the jail, whose link and routes are there until the next
# cleanup.  Its next connection has no NAT and must not leave with the jail's address.
nj_bg -i up0 -g 192.0.2.1 -- \
	sh -c "(sleep 1; socat -T1 - TCP:$srv:9,connect-timeout=2 </dev/null) & exec sleep 30" </dev/null
pid=$NJ_PID
if wait_for 10 jail_links_at_least 1; then
	jail_ns=$(readlink "/proc/$(pgrep -P "$pid" | head -n1)/ns/net")
	kill -KILL "$pid"
	# The orphan connects, tries for 2 s and ends; then nothing is left in the jail.
	wait_for 10 ns_empty "$jail_ns" || kill_jail_of "$jail_ns"
	is "$(counter ra pool_source)" 0 "netjail SIGKILLed: what its command left in the jail does not get out un-NATed"
else
	not_ok "a jail on up0 comes up"
fi
nj --cleanup >/dev/null 2>&1

# ---- chaos
RANDOM=${CHAOS_SEED:-17}
seconds=40
end=$((SECONDS + seconds))
vpn_route() { ip route replace default via 198.51.100.1 dev up1 table 200; }	# the "VPN": up1
sups=()

# A jail: a stream from the server, and lines sent to the echo server, ~3 s; on up0 or up1.
# -T2: a connection cut for good (its jail's uplink was down for long) ends the jail too.
jail_cmd='socat -T2 -u TCP:203.0.113.10:$2 /dev/null & i=0; while [ $i -lt 150 ]; do echo x; sleep 0.02; i=$((i+1)); done 2>/dev/null | socat -T2 - TCP:203.0.113.10:$1 >/dev/null; wait'
start_jail() {
	if ((RANDOM % 2)); then
		nj_bg -v -i up0 -g 192.0.2.1 -- sh -c "$jail_cmd" sh 9 10 </dev/null >/dev/null 2>>"$LAB_TMP/netjail.log"
	else
		nj_bg -v -i up1 -g 198.51.100.1 -- sh -c "$jail_cmd" sh 19 20 </dev/null >/dev/null 2>>"$LAB_TMP/netjail.log"
	fi
	sups+=("$NJ_PID")
}
alive() { [[ -d /proc/$1 && $(ps -o stat= -p "$1") != Z* ]]; }
random_sup() {
	local live=() p
	for p in "${sups[@]}"; do alive "$p" && live+=("$p"); done
	[[ ${#live[@]} -gt 0 ]] && echo "${live[RANDOM % ${#live[@]}]}"
}

# One jail runs throughout, as someone's long session would: the seal lives with the jails,
# and once the last is gone the host's stack answers whatever peer still retries a
# connection that a flap cut (SECURITY.md); that is after the count.
nj_bg -i up1 -g 198.51.100.1 -- sleep 1000 </dev/null >/dev/null 2>&1
anchor=$NJ_PID
faults=0 wrong_before=$(wrong)
while [[ $SECONDS -lt $end ]]; do
	running=0
	for p in "${sups[@]}"; do alive "$p" && running=$((running + 1)); done
	while [[ $running -lt 6 ]]; do start_jail; running=$((running + 1)); done
	sleep "0.$((RANDOM % 4 + 1))"
	faults=$((faults + 1))
	up=up$((RANDOM % 2))
	case $((RANDOM % 10)) in
	0|1) p=$(random_sup) && kill -KILL "$p" 2>/dev/null ;;	# netjail itself
	2|3) p=$(random_sup) && c=$(pgrep -P "$p" | head -n1) &&	# its command
	     kill_jail_of "$(readlink "/proc/$c/ns/net")" ;;
	4) flap "$up" ;;
	5) addr=$([[ $up == up0 ]] && echo 192.0.2.2 || echo 198.51.100.2)
	   ip addr del "$addr/24" dev "$up"; sleep 0.2; ip addr add "$addr/24" dev "$up"
	   restore_up0_route ;;
	6) nft flush ruleset ;;
	7) if ip rule show pref 50 | grep -q .; then ip rule del pref 50
	   else vpn_route; ip rule add pref 50 not fwmark 0x1234 lookup 200; fi ;;
	8) quiet "$NETJAIL" --cleanup & ;;
	9) quiet "$NETJAIL" --list & ;;
	esac
done
while ip rule del pref 50 2>/dev/null; do :; done
restore_up0_route
diag "$faults faults in ${seconds} s, ${#sups[@]} jails"
for p in "${sups[@]}"; do finish "$p" 8; done
quiet nj --cleanup
is "$(($(wrong) - wrong_before))" 0 "chaos: no packet of a jail reached the wrong place"
[[ $(wrong) -eq "$wrong_before" ]] || diag "$(wrong_detail)"
kill -TERM "$anchor"
finish "$anchor" 5
wait_for 5 no_jail_links
quiet nj --cleanup
ip route del default table 200 2>/dev/null
flap up0; flap up1
check "the jails had traffic on both uplinks" test "$(counter ra own_jails)" -gt 100 -a "$(counter rb own_jails)" -gt 100
assert_host_unchanged "$before" "host unchanged after --cleanup"
[[ $TAP_FAILED -eq 0 ]] || diag "$(grep -E 'restored|cannot|forwarding on' "$LAB_TMP/netjail.log" | sort | uniq -c)"
tap_done
