#!/bin/bash
# t-teardown-race.sh - the last jail out of an uplink puts its settings back even when its
# exit cannot get the state lock in time.  The benchmark saw it with 255 jails ending at once
# on up0: exits that waited past the lock's limit gave up, "left for the next netjail or
# --cleanup", and the one that held the lock meanwhile saw them still using the uplink, so
# nobody restored it: up0 kept forwarding=1 (and the gate, the NAT shortcut, the seal)
# until someone ran netjail again.
#   (a) root: the lock held by another process while two jails on up0 end: both exits give
#       up; once the lock is free, without any other netjail, up0 forwards no more and the
#       host is as it was.
#   (b) attack: uid 65534, through the setuid copy, stops one of its own netjails while it
#       holds the lock, ends its jail on up1 (whose exit gives up), then kills the stopped
#       one: up1 must not be left forwarding.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy

# as_nobody without its 30 s timeout, which would end the stopped netjail, or the victim,
# on its own: the test decides when each ends.
nobody_nj() { setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c 'exec "$@"' sh "$SUID_NJ" "$@"; }
forwarding() { cat "/proc/sys/net/ipv4/conf/$1/forwarding"; }
forwarding_is() { [[ $(forwarding "$1") == "$2" ]]; }

# (a) Two jails on up0, then the lock taken from under them.
nj_bg -i up0 -- sleep 300 >"$LAB_TMP/a1.out" 2>&1
a1=$NJ_PID
nj_bg -i up0 -- sleep 300 >"$LAB_TMP/a2.out" 2>&1
a2=$NJ_PID
check "(a) two jails run on up0" wait_for 20 jail_links_at_least 2
is "$(forwarding up0)" 1 "(a) ... and up0 forwards"
lock=$(echo /run/netjail/*/lock)
lab_bg flock "$lock" sh -c "touch $LAB_TMP/held; while [ ! -e $LAB_TMP/release ]; do sleep 0.1; done"
wait_for 5 test -e "$LAB_TMP/held" || not_ok "(a) the test holds the state lock"
kill -TERM "$a1" "$a2"
finish "$a1" 40
finish "$a2" 40
if grep -q "state lock" "$LAB_TMP/a1.out" "$LAB_TMP/a2.out"; then
	ok "(a) both exits give up waiting for the lock"
else
	not_ok "(a) both exits give up waiting for the lock"
	diag "$(cat "$LAB_TMP/a1.out" "$LAB_TMP/a2.out")"
fi
touch "$LAB_TMP/release"
# No netjail runs from here on: whatever puts up0 back is what the two exits left behind.
check "(a) once the lock is free, up0 forwards no more (no other netjail run)" \
	wait_for 10 forwarding_is up0 0
check "(a) no jail link left" wait_for 10 no_jail_links
check "(a) no netjail process left" wait_for 10 eval '[[ -z $(pgrep -x netjail) ]]'
assert_host_unchanged "$before" "(a) the host is as it was"

# (b) The same, provoked by uid 65534 alone.
nobody_nj -i up1 -g 198.51.100.1 -- sleep 300 >"$LAB_TMP/b.out" 2>&1 &
LAB_PIDS+=("$!")
check "(b) uid 65534's jail runs on up1" wait_for 20 jail_links_at_least 1
victim=$(user_supervisor)
is "$(forwarding up1)" 1 "(b) ... and up1 forwards"
lock_id=$(stat -c '%Hd %Ld %i' "$lock" | awk '{printf "%02x:%02x:%s", $1, $2, $3}')
lock_holder() { awk -v id="$lock_id" '$2 == "FLOCK" && $6 == id {print $5}' /proc/locks; }
churn() {
	while [[ ! -e $LAB_TMP/stop ]]; do
		nobody_nj -i up1 -g 198.51.100.1 -- true >/dev/null 2>&1
	done
}
churners=()
for i in 1 2 3; do lab_bg churn; churners+=("$!"); done
caught=
# The test's own kill catches it sooner (a builtin); uid 65534's then shows it could have.
for ((try = 0; try < 2000 && ${#caught} == 0; try++)); do
	holder=$(lock_holder)
	[[ -n $holder ]] && kill -STOP "$holder" 2>/dev/null || continue
	if [[ $(lock_holder) == "$holder" ]]; then
		caught=$holder
	else
		kill -CONT "$holder"
	fi
done
touch "$LAB_TMP/stop"
if [[ -z $caught ]]; then
	not_ok "(b) uid 65534's netjail is stopped while it holds the state lock"
else
	check "(b) uid 65534's netjail $caught is stopped (by uid 65534) while it holds the state lock" \
		as_nobody kill -STOP "$caught"
	as_nobody kill -TERM "$victim"
	finish "$victim" 40
	# Every netjail but the stopped one ends (its churn loop waits for it): the victim's
	# exit, and those the stopped one held up, gave up.
	parent=$(ps -o ppid= -p "$caught" | tr -d ' ')
	for pid in "${churners[@]}"; do [[ $pid == "$parent" ]] || finish "$pid" 40; done
	check "(b) its jail's exit gives up waiting" grep -q "state lock" "$LAB_TMP/b.out"
	as_nobody kill -KILL "$caught"
	check "(b) once uid 65534 kills the stopped one, up1 forwards no more (no other netjail run)" \
		wait_for 10 forwarding_is up1 0
	[[ $(forwarding up1) == 0 ]] || diag "$(cat "$LAB_TMP/b.out")"
fi
check "(b) no netjail process left" wait_for 10 eval '[[ -z $(pgrep -x netjail) ]]'
check "(b) no jail link left" wait_for 10 no_jail_links
assert_host_unchanged "$before" "(b) the host is as it was"
tap_done
