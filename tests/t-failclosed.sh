#!/bin/bash
# t-failclosed.sh - a jail whose uplink goes away never leaks out of another interface, and
# comes back by itself: uplink down and up, a new address, a new default gateway, its rules
# deleted (with netjail unable to put them back: the kill switch alone must hold), and other
# tools flushing the firewall or the rules.  "Leak" is counted where it would show: packets
# to the server forwarded by the other uplink's router (ra) while the jail is on up1.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

ip netns exec ra nft -f - <<'NFT'
table ip leakcount {
	chain forward { type filter hook forward priority 0; ip daddr 203.0.113.10 counter; }
}
NFT
leaked() { ip netns exec ra nft list chain ip leakcount forward | grep -o 'packets [0-9]*' | awk '{print $2}'; }

log=$LAB_TMP/tries.log
nj_bg -v -i up1 -g 198.51.100.1 -- sh -c "$prober" >"$log" 2>"$LAB_TMP/netjail.err" </dev/null
probe_pid=$NJ_PID
if ! wait_for 10 got_since 0 198.51.100.2; then
	not_ok "the jail on up1 reaches the server"
	diag "$(tail -n 5 "$log")" "$(cat "$LAB_TMP/netjail.err")"
	tap_done
fi
ok "the jail on up1 reaches the server as 198.51.100.2"
leak0=$(leaked)

# ---- uplink down, then up again
ip link set up1 down
# A try that got its answer just before may print it up to socat's -t1 later.
sleep 1.5
mark=$(lines)
sleep 2.5	# a try cut off mid-way ends by its 1 s timeouts
failed_before=$TAP_FAILED
check "uplink down: every try of the jail fails" only_failures_since "$mark"
[[ $TAP_FAILED -eq $failed_before ]] ||
	diag "tries since the uplink went down: $(tail -n +"$((mark + 1))" "$log" | sort | uniq -c | tr '\n' ' ')"
mark=$(lines)
ip link set up1 up
check "uplink up again: the running jail reaches the server within 3 s" wait_for 3 got_since "$mark" 198.51.100.2

# ---- the uplink gets a new address: NAT follows it
ip addr del 198.51.100.2/24 dev up1
ip addr add 198.51.100.3/24 dev up1
mark=$(lines)
check "new uplink address: the server sees 198.51.100.3 within 3 s" wait_for 3 got_since "$mark" 198.51.100.3
ip addr del 198.51.100.3/24 dev up1
ip addr add 198.51.100.2/24 dev up1
mark=$(lines)
check "... and 198.51.100.2 again once it is back" wait_for 3 got_since "$mark" 198.51.100.2

# ---- the jail's rule and the jails' gate (98, 99, 101) deleted while netjail is stopped:
# only the kill switch is left.  Under strict rp_filter the host would drop the jail's
# packets before that (with the gate gone, no route leads back to the jail), so the jail's
# link gets loose rp_filter here, as many distributions set it: the main table's default
# route via up0 then lets them through to the kill switch.
failed_before=$TAP_FAILED
jail_link=$(jail_links | head -n1)
sysctl -qw "net.ipv4.conf.$jail_link.rp_filter=2"
kill -STOP "$probe_pid"
for pref in 98 99 100 101; do
	while ip rule del pref $pref 2>/dev/null; do :; done
done
sleep 1.5
mark=$(lines)
sleep 2.5
check "rules gone, netjail stopped: every try fails (the main table's route via up0 is refused)" \
	only_failures_since "$mark"
[[ $TAP_FAILED -eq $failed_before ]] ||
	diag "tries since the rules went: $(tail -n +"$((mark + 1))" "$log" | sort | uniq -c | tr '\n' ' ')"
dropped=$("$NETJAIL" --list | awk 'NR == 2 {print $7}')
check "... and --list counts the packets the kill switch dropped ($dropped)" test "${dropped:-0}" -gt 0
kill -CONT "$probe_pid"
mark=$(lines)
check "netjail continued: it puts its rules back and the jail reaches the server" \
	wait_for 3 got_since "$mark" 198.51.100.2
sysctl -qw "net.ipv4.conf.$jail_link.rp_filter=1"
is "$(ip rule | grep -cE '^(98|99|100|101):')" 4 "... with its rule and the gate"

# ---- another tool switches forwarding off everywhere (all.forwarding 1 then 0 reaches
# every interface, the jail's link and up1 included)
sysctl -qw net.ipv4.conf.all.forwarding=1
sysctl -qw net.ipv4.conf.all.forwarding=0
mark=$(lines)
check "all.forwarding switched off by another tool: the jail reaches the server again within 3 s" \
	wait_for 3 got_since "$mark" 198.51.100.2
is "$(sysctl -n net.ipv4.conf.up0.forwarding)" 0 "... and up0, which no jail uses, is not made to forward"

# ---- other tools: nft flush ruleset, ip rule flush
nft flush ruleset
check "nft flush ruleset leaves the jail's table (owned by netjail)" quiet nft list table inet netjail1
mark=$(lines)
check "... and the jail keeps reaching the server" wait_for 3 got_since "$mark" 198.51.100.2
ip rule flush
ip rule add pref 32766 table main
ip rule add pref 32767 table default
mark=$(lines)
check "ip rule flush: netjail puts its rules back and the jail reaches the server" \
	wait_for 3 got_since "$mark" 198.51.100.2

# ---- the ways back in: main's prefix route of nj1 (the kernel's, which nobody puts back)
# and the jail's own route in the table all jails share (netjail's, which it repairs)
ip route del table main "$(ip route show table main dev nj1 proto kernel | awk '{print $1; exit}')" dev nj1
mark=$(lines)
check "main's route to the jail deleted: the jail still gets its replies" \
	wait_for 3 got_since "$mark" 198.51.100.2
ip route del table 1852440576 dev nj1
mark=$(lines)
check "... and the jail's route in the shared table deleted: put back, replies again" \
	wait_for 3 got_since "$mark" 198.51.100.2

is "$(($(leaked) - leak0))" 0 "not one packet of the jail left by up0 through all of this"
check "every try reached the server as 198.51.100.2/.3 or failed: never as 192.0.2.2" \
	fails grep -qvxE '198\.51\.100\.[23]|fail' "$log"

# ---- a jail with a detected gateway follows a new default route
ip -n ra addr add 192.0.2.254/24 dev ra-h
nj_bg -i up0 -- sleep $((30 * ${NJ_SLOW:-1})) </dev/null >/dev/null 2>&1
gw_pid=$NJ_PID
if wait_for 10 jail_links_at_least 2; then
	ip route replace default via 192.0.2.254 dev up0
	check "new default gateway on up0: the jail's table follows it within 3 s" \
		wait_for 3 sh -c 'ip route show table all | grep -q "^default via 192.0.2.254 dev up0 table"'
	ip route replace default via 192.0.2.1 dev up0
	check "... and follows it back" \
		wait_for 3 sh -c 'ip route show table all | grep -q "^default via 192.0.2.1 dev up0 table"'
else
	not_ok "a jail on up0 came up"
fi
kill -TERM "$gw_pid"
finish "$gw_pid" 5
ip -n ra addr del 192.0.2.254/24 dev ra-h

kill -TERM "$probe_pid"
finish "$probe_pid" 5
is "$RC" 143 "the probing jail ends on SIGTERM"
assert_host_unchanged "$before"
tap_done
