#!/bin/bash
# t-attack-forceforward.sh - an IPv6 setting netjail could not read is not "restored" to 0
# (issue 15, weakness 3).  The admin has net.ipv6.conf.up1.force_forwarding=1; uid 65534's
# netjail cannot read it (here a file the user may not read is bind-mounted over it in the
# lab's mount namespace; an older kernel has no such file at all).  The uplink's record must
# say "unknown", and the last jail out must leave the admin's 1 alone; a jail that can read
# it later completes the record.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
# A kernel without the knob (before 6.17) has nothing to restore: there the record says
# unknown for every jail, which gets no IPv6 by default, and nothing global is turned on.
if [[ ! -e /proc/sys/net/ipv6/conf/lo/force_forwarding ]]; then
	lab_up
	require_netjail
	lab_ipv6_on_up1 || not_ok "IPv6 on up1"
	before=$LAB_TMP/state.before
	host_state >"$before"
	setuid_copy
	as_nobody "$SUID_NJ" -v -i up1 -g 198.51.100.1 -- sh -c 'ip -6 route show default; sleep 30' \
		>"$LAB_TMP/nj.out" 2>&1 &
	user_nj=$!
	LAB_PIDS+=("$user_nj")
	wait_for 10 jail_links_at_least 1 || not_ok "uid 65534's jail on up1 comes up"
	is "$(cat /run/netjail/*/uplink-up1)" "0 0 -" "no force_forwarding: the record says unknown"
	is "$(sysctl -n net.ipv6.conf.all.forwarding)" 0 "... and the global switch stays off"
	kill -TERM "$(pgrep -o -x -U 65534 netjail)"
	finish "$user_nj" 10
	check "the jail had no IPv6 default route" fails grep -q '^default' "$LAB_TMP/nj.out"
	check "-v names no force_forwarding it did not restore" fails grep -q 'force_forwarding(IPv6)' "$LAB_TMP/nj.out"
	assert_host_unchanged "$before"
	tap_done
fi
lab_start_test
setuid_copy

knob=/proc/sys/net/ipv6/conf/up1/force_forwarding
sysctl -qw net.ipv6.conf.up1.force_forwarding=1
echo 0 >/run/unreadable
chmod 0600 /run/unreadable
mount --bind /run/unreadable "$knob"
if as_nobody cat "$knob" >/dev/null 2>&1; then
	skip "force_forwarding unreadable to uid 65534" "the bind mount did not hide it"
	tap_done
fi

as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- sleep 30 >"$LAB_TMP/nj.out" 2>&1 &
user_nj=$!
LAB_PIDS+=("$user_nj")
if ! wait_for 10 jail_links_at_least 1; then
	not_ok "uid 65534's jail on up1 comes up"
	diag "$(cat "$LAB_TMP/nj.out")"
	tap_done
fi
is "$(cat /run/netjail/*/uplink-up1)" "0 0 -" "the record says force_forwarding is unknown, not 0"

# The jail ends once the setting can be read again.
umount "$knob"
kill -TERM "$(pgrep -o -x -U 65534 netjail)"
finish "$user_nj" 10
is "$RC" 143 "the user's jail ends on SIGTERM"
is "$(cat "$knob")" 1 "the admin's force_forwarding=1 on up1 is left as it was"
check "no record is left for up1" fails test -e /run/netjail/*/uplink-up1

sysctl -qw net.ipv6.conf.up1.force_forwarding=0
assert_host_unchanged "$before"

# A record that says unknown is completed by the first jail that reads the setting: a jail
# with IPv6, which turns force_forwarding on, joins while the unknown one runs, and the last
# one out puts back the 0 it found.
lab_ipv6_on_up1 || not_ok "IPv6 on up1"
host_state >"$before"
mount --bind /run/unreadable "$knob"
as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- sleep 30 >"$LAB_TMP/nj.out" 2>&1 &
user_nj=$!
LAB_PIDS+=("$user_nj")
wait_for 10 jail_links_at_least 1 || not_ok "uid 65534's IPv4-only jail comes up"
umount "$knob"
is "$(cat /run/netjail/*/uplink-up1)" "0 0 -" "a jail that could not read it records unknown"
out=$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- sh -c \
	'cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6; ip -6 route show default' 2>&1); rc=$?
is "$rc" 0 "meanwhile a jail with IPv6 on up1 runs"
check "... with an IPv6 default route" grep -q '^default via' <<<"$out"
[[ $TAP_FAILED -eq 0 ]] || diag "$out"
is "$(cat /run/netjail/*/uplink-up1)" "0 0 0" "... and completes the record with the 0 it found"
is "$(cat "$knob")" 1 "force_forwarding is on while the first jail still runs"
kill -TERM "$(pgrep -o -x -U 65534 netjail)"
finish "$user_nj" 10
is "$RC" 143 "the first jail ends on SIGTERM"
is "$(cat "$knob")" 0 "the last jail out puts back force_forwarding=0"
assert_host_unchanged "$before"
tap_done
