#!/bin/bash
# t-attack-leftovers.sh - what a user can make netjail leave behind, and that the next run or
# --cleanup from the host removes it (issue 15, finding 9).  As uid 65534 through the setuid
# copy:
#   (a) --cleanup run inside a jail: it must not make state for the jail's namespace on the
#       host's /run/netjail (the jail shares the host's /run);
#   (b) SIGKILL of the teardown child (it runs as the user) before it deletes the retired
#       link of a jail whose namespace outlives COMMAND: no njgone<N> may outlive a cleanup;
#   (c) SIGKILL of the last jail's netjail after its slot is gone and before the objects all
#       jails share (the gate's rules, the NAT shortcut) are: they must not outlive a cleanup.
# strace (run by root) only holds netjail at the point the user's SIGKILL must hit: the
# user can hit it too, by racing; the test cannot afford to.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy
NJ_ARGS=(-i up1 -g 198.51.100.1)

# What is left of netjail's state: one line per file, the namespace's cookie hidden.  But
# no-flowtable: a kernel's refusal of flowtables, which netjail remembers (fastpathmemo.c)
# where the kernel has none, is the kernel's, not a jail's.
state_files() {
	(cd /run/netjail 2>/dev/null && find . -mindepth 1 | sed -E 's|^\./[0-9]+|COOKIE|' |
		grep -vx 'COOKIE/no-flowtable' | sort | tr '\n' ' ')
}
njgone_links() { ip -o link show | grep -o 'njgone[0-9]*' | tr '\n' ' '; }
no_njgone() { [[ -z $(njgone_links) ]]; }
shared_objects() {
	ip rule show | grep -E 'to 10\.231\.|iif lo goto|nop'
	nft list tables | grep netjail_
}
# A normal run first: its state (the lock, the uplink's users file) is what a clean host keeps.
# (Its teardown child may still be at work just after netjail exits.)
clean_state="COOKIE COOKIE/lock COOKIE/users-up1 "
state_settles() { wait_for 3 eval '[[ $(state_files) == "$clean_state" ]]'; }
as_nobody "$SUID_NJ" "${NJ_ARGS[@]}" -- true
state_settles
is "$(state_files)" "$clean_state" "after a normal run: the lock and users-up1 only"

# (a) --cleanup from inside a jail.
out=$(as_nobody "$SUID_NJ" "${NJ_ARGS[@]}" -- "$SUID_NJ" --cleanup 2>&1); rc=$?
is "$rc" 0 "(a) --cleanup run by uid 65534 inside a jail exits 0"
[[ $rc == 0 ]] || diag "$out"
state_settles
is "$(state_files)" "$clean_state" "(a) ... and leaves no state for the jail's namespace on the host's /run"
as_nobody "$SUID_NJ" --cleanup
is "$(state_files)" "$clean_state" "(a) ... nor after --cleanup from the host"

if ! command -v strace >/dev/null; then
	skip "(b), (c): holding netjail at the right point" "no strace"
	assert_host_unchanged "$before"
	tap_done
fi

# user_netjails: pids of uid 65534's netjail processes, oldest first.
user_netjails() { pgrep -U 65534 -x netjail; }

# (b) The teardown child killed before it deletes the retired link.  A process left in the
# jail keeps its namespace, and so the veth pair, alive after COMMAND: one the jail's reaper
# no longer holds, since the user killed the reaper (its COMMAND dies with it, and the
# supervisor tears the jail down; an orphan of a live reaper would keep the jail instead).
mkdir -p /run/njtest && chmod 0777 /run/njtest
as_nobody "$SUID_NJ" "${NJ_ARGS[@]}" -- sh -c \
	'sleep 60 </dev/null >/dev/null 2>&1 & echo $! >/run/njtest/lingering; exec sleep 30' &
user_nj=$!
LAB_PIDS+=("$user_nj")
wait_for 10 jail_links_at_least 1 || not_ok "(b) uid 65534's jail comes up"
supervisor=$(user_netjails | head -n 1)
# The child's first step is a membarrier: hold it there.
strace -f -qq -o /dev/null -p "$supervisor" -e trace=membarrier \
	-e inject=membarrier:delay_enter=4000000 2>/dev/null &
tracer=$!
traced() { [[ $(awk '/^TracerPid:/ {print $2}' "/proc/$supervisor/status") != 0 ]]; }
wait_for 10 traced
as_nobody pkill -KILL -U 65534 -x netjail-reaper
child=
# The child outlives the supervisor, and is then its init's.
teardown_child() { child=$(user_netjails | grep -vx "$supervisor"); [[ -n $child ]]; }
if wait_for 10 teardown_child; then
	as_nobody kill -KILL "$child"
	ok "(b) uid 65534 kills its netjail's teardown child"
else
	not_ok "(b) netjail's teardown child appears"
fi
finish "$user_nj" 10
wait "$tracer" 2>/dev/null
check "(b) the retired link is left behind meanwhile" test -n "$(njgone_links)"
as_nobody "$SUID_NJ" --cleanup
check "(b) --cleanup from the host removes it" wait_for 3 no_njgone
[[ $TAP_FAILED -eq 0 ]] || diag "links: $(njgone_links)"
is "$(state_files)" "$clean_state" "(b) ... and its state"
kill "$(cat /run/njtest/lingering)" 2>/dev/null

# (c) The last jail's netjail killed once its slot is gone, before the gate is: each of its
# unlinkat()s is held (1.5 s, x NJ_SLOW: in an emulated guest the user's kill alone took
# longer, and the supervisor had removed the shared objects by then), and the user's SIGKILL
# comes once the slot's file is gone.  The jail lasts until strace holds its netjail (2 s,
# x NJ_SLOW: under 6.12 in QEMU the jail had ended, untraced, before strace was attached).
as_nobody "$SUID_NJ" "${NJ_ARGS[@]}" -- sleep $((2 * ${NJ_SLOW:-1})) >/dev/null 2>&1 &
user_nj=$!
LAB_PIDS+=("$user_nj")
wait_for 10 jail_links_at_least 1 || not_ok "(c) uid 65534's jail comes up"
supervisor=$(user_netjails | head -n 1)
strace -qq -o /dev/null -p "$supervisor" -e trace=unlinkat \
	-e inject=unlinkat:delay_exit=$((1500000 * ${NJ_SLOW:-1})) 2>/dev/null &
tracer=$!
wait_for 10 traced || not_ok "(c) strace holds uid 65534's netjail"
slot_gone() { ! compgen -G '/run/netjail/*/slot-*' >/dev/null; }
if wait_for 15 slot_gone; then
	as_nobody kill -KILL "$supervisor"
	ok "(c) uid 65534 kills its netjail between its slot and the shared objects"
else
	not_ok "(c) the jail's slot goes"
fi
finish "$user_nj" 10
wait "$tracer" 2>/dev/null
check "(c) the shared objects are left behind meanwhile" test -n "$(shared_objects)"
as_nobody "$SUID_NJ" --cleanup
is "$(shared_objects)" "" "(c) --cleanup from the host removes the gate's rules and the NAT shortcut"
is "$(state_files)" "$clean_state" "(c) ... and its state"

assert_host_unchanged "$before"
tap_done
