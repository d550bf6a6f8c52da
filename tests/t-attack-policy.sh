#!/bin/bash
# t-attack-policy.sh - the administrator's policy and the jail's resolver settings against a
# hostile user (uid 65534) with the setuid binary (issue 15, findings 4, 7 and 8):
#   - an interface's alternative name does not get it past [policy] interfaces: the policy
#     judges the interface by its own name, whichever of its names the user types, and what
#     is set up, and what a running jail follows, uses that name;
#   - [policy] max_jails_per_user: a user cannot take every slot; the count is of live jails,
#     made under the state lock (of 4 started at once, exactly the limit run); other users
#     and root still get a jail;
#   - the host's "options trust-ad" does not reach the jail's resolv.conf.
# Every refusal is exit 125 with one line, and leaves the host as it was.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
# The jails' programs outlast the checks made while they run, also where the host's tools
# are slow (NJ_SLOW: in an emulated guest, host_state alone takes seconds); each is ended.
long=$((30 * ${NJ_SLOW:-1}))
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi
setuid_copy
conf=/etc/netjail/netjail.conf
mkdir -p /etc/netjail

# write_conf TEXT: a root-owned config, as an admin writes it.
write_conf() {
	printf '%s\n' "$1" >"$conf"
	chown root:root "$conf"
	chmod 0644 "$conf"
}

# refused WHAT WANT ARGS...: uid 65534 gets 125 and one line containing WANT.
refused() {
	local what=$1 want=$2 err rc
	shift 2
	err=$(as_nobody "$SUID_NJ" "$@" -- true 2>&1); rc=$?
	is "$rc" 125 "$what: refused with 125"
	check "... with one line saying: $want" test "$(grep -c . <<<"$err")" = 1 -a -n "$(grep -F -- "$want" <<<"$err")"
	[[ $rc == 125 && $(grep -c . <<<"$err") == 1 ]] || diag "$err"
	REFUSAL=$err
}

# ---- finding 8: trust-ad is for a resolver on a trusted path, not one reached by the uplink
printf 'nameserver 203.0.113.53\nsearch example.lab\noptions edns0 trust-ad\n' >/etc/resolv.conf
out=$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- cat /etc/resolv.conf 2>&1); rc=$?
is "$rc" 0 "host resolv.conf with 'options edns0 trust-ad': the user's jail runs"
check "... and its resolv.conf has no trust-ad" fails grep -q trust-ad <<<"$out"
check "... but keeps 'options edns0' and the search line" \
	test "$(grep -cx -e 'options edns0' -e 'search example.lab' <<<"$out")" = 2
[[ $TAP_FAILED -eq 0 ]] || diag "$out"
check "... and the host's resolv.conf is untouched" grep -qx 'options edns0 trust-ad' /etc/resolv.conf

# ---- finding 4: alternative names
# up0 (not allowed) gets a name the pattern matches; up1 (allowed) one it does not.
ip link property add dev up0 altname up1-backup
ip link property add dev up0 altname zz-up0
ip link property add dev up1 altname wl-up1
write_conf $'[policy]\ninterfaces = up1*'

refused "policy 'up1*', user types up1-backup, an alternative name of up0" \
	"does not let users choose 'up1-backup': it is another name of 'up0'" -i up1-backup
is "$(seen_source as_nobody "$SUID_NJ" -i up1-backup --)" "" "... and no traffic of the user's leaves by up0"
out=$(as_nobody "$SUID_NJ" --check -i up1-backup 2>&1)
check "--check -i up1-backup by the user says the policy refuses it" \
	grep -q "^A jail on up1-backup would not work: the administrator's policy" <<<"$out"
refused "... user types up0 itself, whose alternative name matches" \
	"does not let users choose 'up0'" -i up0
# A name the policy does not match says nothing of whether it exists.
refused "... user types zz-up0, another name of up0 the policy does not match" \
	"does not let users choose 'zz-up0'" -i zz-up0
existing=${REFUSAL//zz-up0/NAME}
refused "... user types zz-none, which names nothing" "does not let users choose 'zz-none'" -i zz-none
is "${REFUSAL//zz-none/NAME}" "$existing" "... the same message for a denied name that exists and one that does not"
refused "... user types up1-none, a name the policy matches that names nothing" \
	"no interface named 'up1-none'" -i up1-none

is "$(seen_source as_nobody "$SUID_NJ" -i wl-up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"user types wl-up1, an alternative name of up1 (allowed): the jail works, by up1"
as_nobody "$SUID_NJ" -i wl-up1 -g 198.51.100.1 -- sleep "$long" </dev/null >/dev/null 2>&1 &
pid=$!
LAB_PIDS+=("$pid")
if wait_for 10 jail_links_at_least 1; then
	rules=$(nft list ruleset)
	check "... its nftables rules name the uplink up1, never wl-up1" \
		test -n "$(grep -E 'oifname "up1"' <<<"$rules")" -a -z "$(grep -F wl-up1 <<<"$rules")"
	check "... netjail's record of the uplink is up1's" test -e /run/netjail/*/uplink-up1
	check "... --list shows the jail on up1" grep -q " up1 .*sleep $long" <<<"$(as_nobody "$SUID_NJ" --list)"
else
	not_ok "a jail of uid 65534 on wl-up1 came up"
fi
kill -TERM "$(user_supervisor)" 2>/dev/null
finish "$pid" 10
ip link property del dev up0 altname up1-backup
ip link property del dev up0 altname zz-up0
ip link property del dev up1 altname wl-up1

# A running jail follows its uplink by its own name, not by a name another interface took
# as an alternative one (root's doing here, but the policy was asked about up1 only).
jail_route_by_up1() { ip route show table 1852440577 | grep -q '^default via 198.51.100.1 dev up1 '; }
# supervisor_idle: $NJ_PID waits in poll with nothing unread on its netlink sockets, so it
# has dealt with every change made so far (the kernel queues a change's event before the
# request that made it returns).
supervisor_idle() {
	local inodes
	[[ $(cat "/proc/$NJ_PID/wchan" 2>/dev/null) == *poll* ]] || return 1
	inodes=" $(find "/proc/$NJ_PID/fd" -lname 'socket:*' -printf '%l ' 2>/dev/null | tr -d 'socket:[]') "
	awk -v inodes="$inodes" 'NR > 1 && index(inodes, " " $NF " ") && $5 != 0 { busy = 1 }
		END { exit busy }' /proc/net/netlink
}
nj_bg -i up1 -g 198.51.100.1 -- sleep "$long" </dev/null >/dev/null 2>&1
if wait_for 10 jail_links_at_least 1; then
	ip link set up1 down
	ip link set up1 name up1-old
	ip link property add dev up0 altname up1
	ip link set up1-old mtu 1400	# news of the jail's uplink (by index): it looks again
	wait_for 5 supervisor_idle || diag "the supervisor did not become idle"
	ip link property del dev up0 altname up1
	ip link set up1-old mtu 1500
	ip link set up1-old name up1
	ip link set up1 up
	check "a jail on up1 while up1 is renamed away and up0 takes 'up1' as an alternative name: it is back on up1 once up1 is" \
		wait_for 10 jail_route_by_up1
	is "$(cat /proc/sys/net/ipv4/conf/up0/forwarding)" 0 "... and it never touched up0 (forwarding still 0)"
else
	not_ok "a root jail on up1 came up"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 5

# ---- finding 7: one user's jails, at most max_jails_per_user at once
write_conf $'[policy]\nmax_jails_per_user = 0'
refused "max_jails_per_user = 0: a jail of uid 65534" "(max_jails_per_user = 0 in /etc/netjail/netjail.conf) lets only root start jails" \
	-i up1 -g 198.51.100.1
write_conf $'[policy]\nmax_jails_per_user = 2'
# Four at once: the count and the claim are made under one lock, so exactly two run.
for i in 1 2 3 4; do
	( as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- sleep "$long" </dev/null >/dev/null 2>"$LAB_TMP/err.$i"
	  echo $? >"$LAB_TMP/rc.$i" ) &
	LAB_PIDS+=($!)
done
two_refused() { [[ $(cat "$LAB_TMP"/rc.* 2>/dev/null | grep -c .) -ge 2 ]]; }
wait_for 15 two_refused
wait_for 10 jail_links_at_least 2
is "$(nft list tables | grep -c '^table inet netjail[0-9]')" 2 \
	"max_jails_per_user = 2: of 4 jails uid 65534 starts at once, 2 run"
is "$(cat "$LAB_TMP"/rc.* 2>/dev/null | tr '\n' ' ')" "125 125 " "... the other 2 are refused with 125"
check "... each saying the limit" test "$(cat "$LAB_TMP"/err.* | grep -c 'max_jails_per_user = 2')" = 2
jails_state=$(host_state)
refused "a 3rd jail of uid 65534" "max_jails_per_user = 2 in /etc/netjail/netjail.conf" -i up1 -g 198.51.100.1
check "... and nothing of it is left on the host" test "$(host_state)" = "$jails_state"
is "$(ls /run/netjail/*/ | grep -c '^slot-')" 2 "... nor in netjail's state"
is "$(seen_source setpriv --reuid=65533 --regid=65533 --clear-groups -- sh -c 'exec "$@"' sh \
	"$SUID_NJ" -i up1 -g 198.51.100.1 --)" 198.51.100.2 "another user (65533) still gets a jail"
is "$(seen_source nj -i up0 --)" 192.0.2.2 "root still gets a jail"
# A dead jail is not counted: its netjail killed, the user may start one more.
# test_user_jails N: uid 65534 has N netjail supervisors (for wait_for).
test_user_jails() { [[ $(user_supervisor | grep -c .) == "$1" ]]; }
pid=$(user_supervisor | head -n 1)
[[ -n $pid ]] && kill -KILL "$pid"
wait_for 5 test_user_jails 1
is "$(seen_source as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"one of the user's jails killed (SIGKILL): only live jails count, the user gets one"
for pid in $(user_supervisor); do
	kill -TERM "$pid"
done
wait_for 10 test_user_jails 0
nj --cleanup
wait_for 10 no_jail_links

rm -f "$conf"
assert_host_unchanged "$before"
tap_done
