#!/bin/bash
# t-vpn-runfull.sh - a full /run is named as such, and leaves nothing (issue 17, item 9).
#
# netjail keeps its state in files under /run/netjail (state.c, uplinkstate.c).  With the
# lab's /run tmpfs out of inodes, base said "no free jail address or mark left: too many
# jails running" (the slot file's ENOSPC read as the pool's "no free slot"); with it out of
# space, the same or (one page left, for the slot's file) "cannot enable forwarding on the
# uplink: Input/output error" (the uplink's record failed to be written).  Now: exit 125, one line naming /run/netjail and "No space left on device",
# nothing left on the host, and once there is room again a run works.  A pool that is
# really exhausted keeps its own message (t-concurrent.sh).
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# A first run makes /run/netjail and this netns's directory in it: later runs only add files.
out=$(nj -i up1 -g 198.51.100.1 -- true 2>&1)
is "$?" 0 "a run with room works"
[[ -z $out ]] || diag "$out"

# run_full: run netjail on the full /run; RC, its stderr in ERR.
run_full() {
	ERR=$(nj -i up1 -g 198.51.100.1 -- true 2>&1 >/dev/null </dev/null)
	RC=$?
}
expect_full() {
	is "$RC" 125 "$1: exit 125"
	check "$1: one line naming /run/netjail and ENOSPC" \
		grep -qx 'netjail: cannot write netjail.s state in /run/netjail: No space left on device' \
		<<<"$ERR"
	is "$(grep -c . <<<"$ERR")" 1 "$1: the one line"
	[[ $ERR == "netjail: cannot write netjail's state in /run/netjail: No space left on device" ]] ||
		diag "said: $ERR"
	check "$1: not 'too many jails'" fails quiet grep -q 'too many jails' <<<"$ERR"
	assert_host_unchanged "$before" "$1: nothing left on the host"
}

fill=/run/lab-fill
mkdir -p "$fill"

# (1) Out of inodes: the tmpfs may have no more files than it has now.
used=$(df --output=iused /run | tail -n1)
mount -o remount,nr_inodes=$((used + 64)) /run || { not_ok "remount /run with few inodes"; tap_done; }
i=0
while touch "$fill/i$i" 2>/dev/null; do i=$((i + 1)); done
run_full
expect_full "(1) /run out of inodes"
rm -rf "${fill:?}"/*
mount -o remount,nr_inodes=$((used + 100000)) /run

# (2) Out of space: inodes to spare, but no block for a file's first byte.
mount -o remount,size=$(( $(df --output=used -B1 /run | tail -n1) + 4 * 1024 * 1024 )) /run ||
	{ not_ok "remount /run small"; tap_done; }
dd if=/dev/zero of="$fill/blocks" bs=4096 2>/dev/null
run_full
expect_full "(2) /run out of space"
rm -f "$fill/blocks"

# (3) One page to spare: the slot's file gets it, the uplink's record (written later) does
# not.  Base said "cannot enable forwarding on the uplink: Input/output error" here.
head -c 4096 /dev/zero >"$fill/spare"
dd if=/dev/zero of="$fill/blocks" bs=4096 2>/dev/null
rm -f "$fill/spare"
run_full
expect_full "(3) /run with one page left"
rm -f "$fill/blocks"

out=$(nj -i up1 -g 198.51.100.1 -- true 2>&1)
is "$?" 0 "with room again, a run works"
[[ -z $out ]] || diag "$out"
nj --cleanup >/dev/null 2>&1
assert_host_unchanged "$before" "after --cleanup the host is as before"
tap_done
