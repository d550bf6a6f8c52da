#!/bin/bash
# t-signals.sh - signals sent to netjail reach the command; if netjail is SIGKILLed the command
# dies too, and `netjail --cleanup` removes what is left.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# start_jail OUT CMD...: a jail on up0 in the background; netjail's pid in NJ_PID.
start_jail() {
	local out=$1; shift
	nj_bg -i up0 -- "$@" >"$out" 2>&1 </dev/null
}

for sig in TERM USR1 HUP WINCH USR2; do
	out=$LAB_TMP/out.$sig
	start_jail "$out" sh -c "trap 'echo got $sig; exit 7' $sig; echo ready; while :; do sleep 0.1; done"
	if ! wait_for 10 grep -q ready "$out"; then
		not_ok "SIG$sig: jailed shell never got ready"
		diag "$(cat "$out")"
		kill -KILL "$NJ_PID" 2>/dev/null; wait "$NJ_PID" 2>/dev/null
		continue
	fi
	kill -"$sig" "$NJ_PID"
	finish "$NJ_PID" 5
	if [[ $RC == 7 ]] && grep -q "got $sig" "$out"; then
		ok "SIG$sig to netjail reaches the command (got $sig, exit 7)"
	else
		not_ok "SIG$sig to netjail reaches the command (want 'got $sig' and exit 7)"
		diag "exit: $RC" "output: $(cat "$out")"
	fi
done

# No trap: the command dies of the forwarded signal and netjail reports 128+15.
out=$LAB_TMP/out.plain
start_jail "$out" sh -c 'echo ready; exec sleep 3002'
wait_for 10 grep -q ready "$out"
kill -TERM "$NJ_PID"
finish "$NJ_PID" 5
is "$RC" 143 "SIGTERM to netjail kills an untrapping command: exit 143"
is "$(pgrep -f '^sleep 3002$')" "" "the jailed sleep is gone"

check "no jail link left after signalled jails" wait_for 3 no_jail_links
assert_host_unchanged "$before" "host state unchanged after signalled jails"

# SIGKILL netjail: the command must die with it.  The lab has its own pid namespace, so
# pgrep sees only the lab's processes.
out=$LAB_TMP/out.kill
start_jail "$out" sh -c 'echo ready; exec sleep 3001'
if wait_for 10 grep -q ready "$out" && wait_for 5 quiet pgrep -f '^sleep 3001$'; then
	victim=$(pgrep -f '^sleep 3001$')
	ok "jailed sleep 3001 is running (pid $victim in the lab)"
	kill -KILL "$NJ_PID"
	wait "$NJ_PID" 2>/dev/null
	if wait_for 2 fails quiet pgrep -f '^sleep 3001$'; then
		ok "after SIGKILL of netjail the command is gone within 2 s"
	else
		not_ok "after SIGKILL of netjail the command is gone within 2 s"
		diag "$(ps -o pid,ppid,stat,args -p "$victim")"
		kill -KILL "$victim" 2>/dev/null
	fi
else
	not_ok "jailed sleep 3001 is running"
	diag "$(cat "$out")"
	kill -KILL "$NJ_PID" 2>/dev/null; wait "$NJ_PID" 2>/dev/null
fi
# Let the kernel finish tearing down the dead jail's namespace (its veth goes with it).
wait_for 5 no_jail_links

host_state >"$LAB_TMP/state.dead"
diag "left behind by the SIGKILLed jail (diff lines): $(diff "$before" "$LAB_TMP/state.dead" | grep -c '^[<>]')"
nj --cleanup >"$LAB_TMP/cleanup.out" 2>&1
rc=$?
is "$rc" 0 "netjail --cleanup exits 0"
[[ $rc -eq 0 ]] || diag "$(cat "$LAB_TMP/cleanup.out")"
assert_host_unchanged "$before" "host state after --cleanup equals the snapshot"
nj --cleanup >/dev/null 2>&1
is "$?" 0 "a second --cleanup (nothing to do) exits 0"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "a new jail on up1 works after --cleanup"

# The next run, not only --cleanup, removes what a SIGKILLed jail left, while another jail
# lives: the dead one's lock is taken, the live one's is not.
nj_bg -i up1 -g 198.51.100.1 -- sleep 3600 </dev/null >/dev/null 2>&1
live=$NJ_PID
wait_for 10 jail_links_at_least 1
live_link=$(jail_links)
nj_bg -i up1 -g 198.51.100.1 -- sleep 3002 </dev/null >/dev/null 2>&1
dead=$NJ_PID
wait_for 10 jail_links_at_least 2
dead_link=$(jail_links | grep -vx "$live_link")
kill -KILL "$dead"
wait "$dead" 2>/dev/null
wait_for 5 fails quiet ip link show "$dead_link"
check "a SIGKILLed jail leaves its rule behind ($dead_link)" grep -q "iif $dead_link " <<<"$(ip rule)"
quiet nj -i up0 -- true
check "... which the next run removes" fails grep -q "iif $dead_link " <<<"$(ip rule)"
check "... leaving the live jail's ($live_link)" grep -q "iif $live_link lookup" <<<"$(ip rule)"
kill -TERM "$live"
finish "$live" 5
is "$RC" 143 "... which still ends as it should"
assert_host_unchanged "$before" "host state unchanged after both"

# A record of up1's settings cut short (a netjail killed while writing it, a full disk) must
# not lock everyone out of up1.
state_dir=$(ls -d /run/netjail/*/ | head -n 1)
: >"$state_dir/uplink-up1"
is "$(seen_source nj -i up1 -g 198.51.100.1 --)" 198.51.100.2 "a jail on up1 works despite an empty record of up1's settings"
check "... and that record is gone once the jail ends" test ! -e "$state_dir/uplink-up1"
assert_host_unchanged "$before" "host state unchanged at the end"
tap_done
