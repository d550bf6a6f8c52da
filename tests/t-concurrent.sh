#!/bin/bash
# t-concurrent.sh - 20 jails at once (10 on up0, 10 on up1), each sees its own uplink's address;
# --list shows running jails; the host is unchanged once they have all ended.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# --list with two jails running.
nj_bg -i up0 -- sleep $((60 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
a=$NJ_PID
nj_bg -i up1 -g 198.51.100.1 -- sleep $((60 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null
b=$NJ_PID
if wait_for 10 jail_links_at_least 2; then
	list=$(nj --list 2>&1); rc=$?
	is "$rc" 0 "--list exits 0 while 2 jails run"
	is "$(grep -c '\bup0\b' <<<"$list") $(grep -c '\bup1\b' <<<"$list")" "1 1" \
		"--list shows one line for the up0 jail and one for the up1 jail"
	[[ $TAP_FAILED -eq 0 ]] || diag "--list said:" "$list"
else
	not_ok "two jails came up"
fi
kill -TERM "$a" "$b"
finish "$a" 5; ra=$RC
finish "$b" 5; rb=$RC
is "$ra $rb" "143 143" "both end with 143 on SIGTERM"
list=$(nj --list 2>&1)
is "$(grep -cE '\bup[01]\b' <<<"$list")" 0 "--list shows no jail once they ended"

# 20 jails.  Each waits for a line on its stdin (a FIFO opened read-write, so opening never
# blocks) before it connects, so all 20 exist at the same time when they do.
pids=()
for i in $(seq 1 20); do
	if [[ $i -le 10 ]]; then
		up=(-i up0) want[i]=192.0.2.2
	else
		up=(-i up1 -g 198.51.100.1) want[i]=198.51.100.2
	fi
	mkfifo "$LAB_TMP/go.$i"
	# shellcheck disable=SC2016  # $0 is the jailed sh's: socat's bounds, stretched by NJ_SLOW
	nj_bg "${up[@]}" -- sh -c 'read go && socat -T"$0" -t"$0" - TCP:203.0.113.10:7 </dev/null' \
		$((5 * ${NJ_SLOW:-1})) \
		<>"$LAB_TMP/go.$i" >"$LAB_TMP/seen.$i" 2>"$LAB_TMP/err.$i"
	pids[i]=$NJ_PID
done
if wait_for 30 jail_links_at_least 20; then
	ok "20 jails exist at the same time ($(jail_links | wc -l) nj links)"
else
	not_ok "20 jails exist at the same time (only $(jail_links | wc -l) nj links)"
fi
list=$(nj --list 2>/dev/null)
is "$(grep -c '\bup0\b' <<<"$list") $(grep -c '\bup1\b' <<<"$list")" "10 10" "--list shows 10 jails on up0 and 10 on up1"
slots=$(jail_links | sort -u | wc -l)
is "$slots" 20 "20 distinct nj<N> names"
addrs=$(ip -o -4 addr show | awk '$2 ~ /^nj[0-9]+/ {print $4}' | sort -u | wc -l)
is "$addrs" 20 "20 distinct host-side jail addresses"
# Jails do not take each other's rules for another tool's: all stay where they were put.
sleep 0.5
is "$(ip rule | grep -c '^100:')" 20 "the 20 jails' rules stay at priority 100"
is "$(ip rule | grep -cE '^(98|99|101):')" 3 "... behind one gate for all of them"
is "$(nft list chain inet netjail_hostnat postrouting 2>/dev/null | grep -c 'snat ip6\? to')" 2 \
	"... and one NAT shortcut for all of them, one rule per family"

for i in $(seq 1 20); do
	echo go 1<>"$LAB_TMP/go.$i"   # read-write: never blocks, even if the jail is gone
done
# One deadline for all of them, not 30 s each.
all_done() {
	local i st
	for i in $(seq 1 20); do
		st=$(ps -o stat= -p "${pids[i]}" 2>/dev/null)
		[[ -z $st || $st == Z* ]] || return 1
	done
}
wait_for 40 all_done
bad=0 hung=0
for i in $(seq 1 20); do
	finish "${pids[i]}" 1
	[[ $RC == hung ]] && hung=$((hung + 1))
	got=$(tr -d '\r' <"$LAB_TMP/seen.$i")
	if [[ $RC != 0 || $got != "${want[i]}" ]]; then
		bad=$((bad + 1))
		diag "jail $i: exit $RC, want ${want[i]}, saw '$got', stderr: $(head -c 300 "$LAB_TMP/err.$i")"
	fi
done
is "$bad" 0 "each of the 20 jails saw its own uplink's address and exited 0"
is "$hung" 0 "no jail hung"
check "no jail link left once all ended" wait_for 5 no_jail_links
assert_host_unchanged "$before" "host state unchanged after 20 concurrent jails"
tap_done
