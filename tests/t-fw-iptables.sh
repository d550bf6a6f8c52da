#!/bin/bash
# t-fw-iptables.sh - a jail next to iptables-nft firewalls: real ufw (forward policy DROP),
# Docker's rules as dockerd writes them, and a plain `iptables -P FORWARD DROP`.  netjail puts
# two accept rules for its link at the head of DOCKER-USER or FORWARD, built so that
# iptables-nft still reads the table, and takes them away at exit; the tools keep working.
# Legacy iptables (x_tables) with policy DROP cannot be handled: refused with one line.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_up
require_netjail
if ! command -v iptables-nft >/dev/null || ! command -v ufw >/dev/null; then
	echo "1..0 # SKIP iptables and ufw are not installed (scripts/deps.sh)"
	exit 0
fi
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi
J=(-i up1 -g 198.51.100.1 --)
setuid_copy

# snapshot FILE: the host's state (as assert_host_unchanged compares it, stderr too) and
# iptables-save's output without comments and counters.
saved() { iptables-save 2>/dev/null | grep -v '^#' | sed -E 's/ \[[0-9]+:[0-9]+\]$//'; }
snapshot() { host_state >"$1" 2>&1; saved >"$1.save"; }
save_unchanged() {
	if cmp -s "$1.save" <(saved); then
		ok "$2"
	else
		not_ok "$2"
		diag "$(diff -u "$1.save" <(saved) | tail -n +3 | head -20)"
	fi
}
# forward_policy TABLE-TOOL: the FORWARD chain's policy as iptables -S shows it.
forward_policy() { "${1:-iptables}" -S FORWARD | sed -n 's/^-P FORWARD //p'; }

# ---- ufw, enabled, with its default forward policy DROP
quiet ufw --force enable
# ufw's first reload rewrites two of its own ip6 chains; from then on it is steady.
quiet ufw reload
is "$(forward_policy)" DROP "ufw enabled: FORWARD policy DROP"
before=$LAB_TMP/ufw
snapshot "$before"
out=$(nj --check -i up1 -g 198.51.100.1 2>&1); rc=$?
is "$rc" 0 "ufw: --check says a jail would work"
check "... and what netjail does about ufw's FORWARD" \
	grep -q '^firewall *ok *table ip filter, chain FORWARD (ufw, policy drop): netjail adds two accept rules for the jail.s link at the head of FORWARD' <<<"$out"
is "$(seen_source nj "${J[@]}")" 198.51.100.2 "ufw: egress by up1"
is "$(seen_source_udp nj "${J[@]}")" 198.51.100.2 "... over UDP too"
assert_host_unchanged "$before" "ufw: nothing left after exit"
save_unchanged "$before" "ufw: iptables-save the same before and after"

nj_bg "${J[@]}" sh -c "$prober" >"$LAB_TMP/ufw.log" 2>&1 </dev/null
log=$LAB_TMP/ufw.log
if wait_for 10 jail_links_at_least 1 && wait_for 10 got_since 0 198.51.100.2; then
	ok "ufw: a running jail reaches the server"
	rules=$(iptables -S FORWARD)
	check "... its two rules first in FORWARD, read by iptables" \
		test "$(head -3 <<<"$rules" | grep -c -- '-m comment --comment "\?netjail:nj[0-9]*"\? -j ACCEPT')" = 2
	check "... none in ufw's own chains" fails grep -q 'netjail:' <<<"$(iptables-save | grep -- '-A ufw')"
	check "iptables -L -v reads the table (no 'incompatible')" \
		fails grep -qi incompatible <<<"$(iptables -L -v 2>&1)"
	check "ufw status still works" quiet ufw status
	n=$(lines)
	quiet ufw reload
	if wait_for 5 got_since "$(lines)" 198.51.100.2; then
		ok "ufw reload while the jail runs: its traffic goes on"
	else
		not_ok "ufw reload while the jail runs: its traffic goes on"
		diag "$(tail -n +"$((n + 1))" "$log" | sort | uniq -c)" "$(iptables -S FORWARD)"
	fi
else
	not_ok "ufw: a running jail reaches the server"
fi
kill -TERM "$NJ_PID" 2>/dev/null
finish "$NJ_PID" 10
assert_host_unchanged "$before" "ufw: nothing left after that jail"
check "ufw status still works after" quiet ufw status
check "ufw reload still works after" quiet ufw reload
quiet ufw --force disable
nft flush ruleset

# ---- Docker's rules, as dockerd writes them with iptables-nft
ip link add docker0 type bridge
ip addr add 172.17.0.1/16 dev docker0
ip link set docker0 up
iptables-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
RULES
# As saved and restored (the reload below does that), so that the tables' order is steady.
iptables-save >"$LAB_TMP/docker.rules"
iptables-restore <"$LAB_TMP/docker.rules"
before=$LAB_TMP/docker
snapshot "$before"
check "Docker: --check says netjail adds its rules to DOCKER-USER" \
	grep -q '^firewall *ok *table ip filter, chain FORWARD (Docker, policy drop): .* head of DOCKER-USER' \
	<<<"$(nj --check -i up1 -g 198.51.100.1 2>&1)"
is "$(seen_source nj "${J[@]}")" 198.51.100.2 "Docker: egress by up1"
# A user's jail, through the setuid binary: its supervisor keeps only what teardown needs.
log=$LAB_TMP/docker.log
# (setpriv execs netjail: $! is netjail's pid, for the TERM below.)
setpriv --reuid=65534 --regid=65534 --clear-groups -- "$SUID_NJ" "${J[@]}" sh -c "$prober" \
	>"$log" 2>&1 </dev/null &
NJ_PID=$!
LAB_PIDS+=("$NJ_PID")
if wait_for 10 jail_links_at_least 1 && wait_for 10 got_since 0 198.51.100.2; then
	check "Docker: its rules at the head of DOCKER-USER" \
		test "$(iptables -S DOCKER-USER | sed -n 2,3p | grep -c 'netjail:nj')" = 2
	check "... none in FORWARD" fails grep -q netjail: <<<"$(iptables -S FORWARD)"
	check "... iptables-save works while it runs" quiet iptables-save
	check "... and iptables-restore takes its output back" \
		quiet sh -c 'iptables-save | iptables-restore --test'
	# A reload as Docker's restart or netfilter-persistent does it: the chains are replaced.
	iptables-restore <"$LAB_TMP/docker.rules"
	n=$(lines)
	if wait_for 5 got_since "$n" 198.51.100.2; then
		ok "iptables-restore while a user's jail runs: its rules come back, its traffic resumes"
	else
		not_ok "iptables-restore while a user's jail runs: its rules come back, its traffic resumes"
		diag "$(tail -n +"$((n + 1))" "$log" | sort | uniq -c)" "$(iptables -S DOCKER-USER)"
	fi
	check "... in DOCKER-USER, once" \
		test "$(iptables -S DOCKER-USER | grep -c 'netjail:nj')" = 2
else
	not_ok "Docker: a jail runs"
fi
kill -TERM "$NJ_PID" 2>/dev/null
finish "$NJ_PID" 10
assert_host_unchanged "$before" "Docker: nothing left after exit"
save_unchanged "$before" "Docker: iptables-save the same before and after"
is "$(forward_policy)" DROP "Docker: FORWARD policy still DROP"
nft flush ruleset
ip link del docker0

# ---- plain iptables: FORWARD policy DROP, nothing else
iptables -P FORWARD DROP
before=$LAB_TMP/plain
snapshot "$before"
is "$(seen_source nj "${J[@]}")" 198.51.100.2 "iptables -P FORWARD DROP: egress by up1"
# Two jails: each one's rules are its own; one's end leaves the other's in place.
nj_bg "${J[@]}" sleep $((20 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
if wait_for 10 jail_links_at_least 1; then
	is "$(seen_source nj "${J[@]}")" 198.51.100.2 "... a second jail while the first runs: egress by up1"
	is "$(iptables -S FORWARD | grep -c 'netjail:nj')" 2 "... and after it, the first one's two rules remain"
else
	not_ok "... a first jail runs"
fi
kill -TERM "$NJ_PID" 2>/dev/null
finish "$NJ_PID" 10
assert_host_unchanged "$before" "... nothing left after exit"
save_unchanged "$before" "... iptables-save the same before and after"
nft flush ruleset

# ---- ip6tables -P FORWARD DROP, for a jail with IPv6
lab_ipv6_if_jails_get_it	# (ipv6_forwarding = all where the kernel has no force_forwarding)
if [[ $ipv6 == 1 ]]; then
	iptables -P FORWARD DROP
	ip6tables -P FORWARD DROP
	before=$LAB_TMP/plain6
	snapshot "$before"
	ask6='socat -T3 - "TCP6:[2001:db8:ff::10]:7,connect-timeout=3" </dev/null 2>&1 | tr -d "\r" | head -n1'
	is "$(nj "${J[@]}" sh -c "$ask6")" "[2001:0db8:0001:0000:0000:0000:0000:0002]" \
		"ip6tables -P FORWARD DROP: a jail with IPv6 reaches the IPv6 server by up1"
	is "$(seen_source nj "${J[@]}")" 198.51.100.2 "... and IPv4 still leaves by up1"
	assert_host_unchanged "$before" "... nothing left after exit"
	nft flush ruleset
else
	skip "ip6tables -P FORWARD DROP with a jail with IPv6" "no IPv6 for jails in this lab (see the skip above)"
fi

# ---- legacy iptables (x_tables)
if command -v iptables-legacy >/dev/null && iptables-legacy -P FORWARD DROP 2>/dev/null; then
	before=$LAB_TMP/legacy
	snapshot "$before"
	out=$(nj "${J[@]}" true 2>&1); rc=$?
	is "$rc" 125 "legacy iptables with FORWARD policy DROP: refused with 125"
	check "... with one line saying so" \
		test "$(grep -c . <<<"$out")" = 1 -a -n "$(grep -F 'legacy iptables' <<<"$out")"
	assert_host_unchanged "$before" "... nothing left"
	iptables-legacy -P FORWARD ACCEPT
	is "$(seen_source nj "${J[@]}")" 198.51.100.2 "legacy iptables with policy ACCEPT: egress by up1"
else
	skip "legacy iptables with FORWARD policy DROP" "no iptables-legacy or no x_tables"
fi

tap_done
