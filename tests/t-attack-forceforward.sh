#!/bin/bash
# t-attack-forceforward.sh - an IPv6 setting netjail could not read is not "restored" to 0
# (issue 15, weakness 3).  The admin has net.ipv6.conf.up1.force_forwarding=1; uid 65534's
# netjail cannot read it (here a file the user may not read is bind-mounted over it in the
# lab's mount namespace; an older kernel has no such file at all).  The uplink's record must
# say "unknown", and the last jail out must leave the admin's 1 alone.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
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
kill -TERM "$(user_supervisor)"
finish "$user_nj" 10
is "$RC" 143 "the user's jail ends on SIGTERM"
is "$(cat "$knob")" 1 "the admin's force_forwarding=1 on up1 is left as it was"
check "no record is left for up1" fails test -e /run/netjail/*/uplink-up1

sysctl -qw net.ipv6.conf.up1.force_forwarding=0
assert_host_unchanged "$before"
tap_done
