#!/bin/bash
# t-fw-nft.sh - a jail next to a hand-written nftables ruleset.  A forward chain of a table
# that is not netjail's, with policy drop, would drop every jail's traffic: netjail refuses
# before the command starts (125, one line naming the table and chain and the rules an admin
# would add), unless the admin lets it insert its rules there ([firewall] insert_into) or adds
# the rules it names.  A forward chain that drops only other traffic stops nothing.
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
setuid_copy
mkdir -p /etc/netjail
conf=/etc/netjail/netjail.conf

# A host's own ruleset: forward policy drop, but its own forwarding allowed.
nft -f - <<'RULES'
table inet filter {
	chain forward {
		type filter hook forward priority 0; policy drop;
		iifname "br-lan" accept
	}
}
RULES
before=$LAB_TMP/state.before
host_state >"$before"

out=$(nj -i up1 -g 198.51.100.1 -- sh -c 'echo STARTED' 2>&1); rc=$?
is "$rc" 125 "policy drop in inet filter forward: refused with 125"
check "... with one line naming the table and chain" \
	test "$(grep -c . <<<"$out")" = 1 -a -n "$(grep -F 'table inet filter, chain forward' <<<"$out")"
check "... and the rules an admin would add" grep -qF 'nft insert rule inet filter forward iifname "nj*" accept' <<<"$out"
check "... and the netjail.conf setting" grep -qF 'insert_into = inet filter forward' <<<"$out"
check "... before the command started" fails grep -q STARTED <<<"$out"
[[ $rc == 125 ]] || diag "$out"
assert_host_unchanged "$before" "nothing left after the refusal"

out=$(nj --check -i up1 -g 198.51.100.1 2>&1); rc=$?
is "$rc" 1 "--check: a jail would not work"
check "... its firewall line names the chain and fails" \
	grep -q '^firewall *FAIL *table inet filter, chain forward (policy drop)' <<<"$out"
[[ $rc == 1 ]] || diag "$out"

out=$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
is "$rc" 125 "the same for a user through the setuid binary"
check "... with the same line" grep -qF 'table inet filter, chain forward' <<<"$out"
assert_host_unchanged "$before" "nothing left after the user's refusal"

# The admin's consent: netjail puts its accept rules at the head of that chain.
printf '[firewall]\ninsert_into = inet filter forward\n' >"$conf"
out=$(nj --check -i up1 -g 198.51.100.1 2>&1); rc=$?
is "$rc" 0 "--check with insert_into: a jail would work"
check "... and says netjail adds its rules" \
	grep -q '^firewall *ok *table inet filter, chain forward (unknown, policy drop): netjail adds two accept rules' <<<"$out"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "with insert_into = inet filter forward: egress by up1"
is "$(seen_source_udp nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "... over UDP too"
assert_host_unchanged "$before" "... and its rules gone after exit"

log=$LAB_TMP/prober.log
nj_bg -i up1 -g 198.51.100.1 -- sh -c "$prober" >"$log" 2>&1 </dev/null
if wait_for 10 jail_links_at_least 1 && wait_for 10 got_since 0 198.51.100.2; then
	rules=$(nft list chain inet filter forward)
	check "while it runs: two accept rules with its comment at the head of the chain" \
		test "$(grep -c 'comment "netjail:nj[0-9]*"' <<<"$rules")" = 2
	check "... before the table's own rules" \
		test "$(grep -A2 'policy drop' <<<"$rules" | grep -c 'netjail:nj')" = 2
	# The admin reloads the table with nft -f: it is replaced, without netjail's rules.
	nft -f - <<'RULES'
table inet filter
delete table inet filter
table inet filter {
	chain forward {
		type filter hook forward priority 0; policy drop;
		iifname "br-lan" accept
	}
}
RULES
	n=$(lines)
	if wait_for 5 got_since "$n" 198.51.100.2; then
		ok "nft -f replacing the table while the jail runs: its rules come back, traffic resumes"
	else
		not_ok "nft -f replacing the table while the jail runs: its rules come back, traffic resumes"
		diag "$(tail -n +"$((n + 1))" "$log" | sort | uniq -c)" "$(nft list chain inet filter forward)"
	fi
else
	not_ok "a jail runs with insert_into"
fi
# A killed netjail leaves its rules; the next run's cleanup (or --cleanup) removes them.
kill -KILL "$NJ_PID" 2>/dev/null
finish "$NJ_PID" 5
check "killed: its rules are still there" grep -q 'netjail:nj' <<<"$(nft list chain inet filter forward)"
quiet nj --cleanup
check "--cleanup removes them (by their comment)" fails grep -q 'netjail:nj' <<<"$(nft list chain inet filter forward)"
rm -f "$conf"
assert_host_unchanged "$before" "nothing left after --cleanup"

# The rules the refusal named, added by the admin: no refusal, and netjail adds nothing.
nft insert rule inet filter forward iifname '"nj*"' accept
nft insert rule inet filter forward oifname '"nj*"' accept
before2=$LAB_TMP/state.before2
host_state >"$before2"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "with the admin's iifname/oifname \"nj*\" accept: egress by up1"
assert_host_unchanged "$before2" "... and nothing added or left"
nft flush ruleset

# A forward chain that drops only other traffic, and one whose last rule drops all.
nft -f - <<'RULES'
table inet other {
	chain fw_other {
		type filter hook forward priority 0; policy accept;
		iifname "eth9" drop
		oifname "eth9" reject
	}
}
RULES
before3=$LAB_TMP/state.before3
host_state >"$before3"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "a chain that drops only other traffic: no refusal, egress by up1"
assert_host_unchanged "$before3" "... nothing left"
nft add rule inet other fw_other counter drop
out=$(nj -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
is "$rc" 125 "a policy-accept chain whose last rule drops all: refused"
check "... naming it" grep -qF 'table inet other, chain fw_other (its last rule drops)' <<<"$out"
nft flush ruleset

# firewalld's table (as its nftables backend writes its forward chain) is never written to:
# without firewalld letting jails through, the jail is refused, naming firewalld.
nft -f - <<'RULES'
table inet firewalld {
	chain filter_FORWARD {
		type filter hook forward priority filter + 10; policy accept;
		ct state { established, related } accept
		ct status dnat accept
		iifname "lo" accept
		reject with icmpx admin-prohibited
	}
}
RULES
before4=$LAB_TMP/state.before4
host_state >"$before4"
out=$(nj -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
is "$rc" 125 "firewalld's forward chain ending in reject: refused with 125"
check "... one line naming firewalld" \
	test "$(grep -c . <<<"$out")" = 1 -a -n "$(grep -F 'firewalld' <<<"$out")"
assert_host_unchanged "$before4" "... firewalld's table untouched, nothing left"
nft flush ruleset

# A chain of family ip6 concerns only a jail with IPv6.
nft add table ip6 f6
nft add chain ip6 f6 fw6 '{ type filter hook forward priority 0; policy drop; }'
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "ip6 policy drop, a jail without IPv6: no refusal"
nft flush ruleset

tap_done
