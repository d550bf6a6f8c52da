#!/bin/bash
# t-attack-umask.sh - a hostile umask must not break netjail for anyone (issue 15, finding 3).
# uid 65534 runs the setuid copy once with umask 0777: netjail's state under /run/netjail is
# created with the modes netjail chose, not the caller's, so later runs by the same user, by
# root and by a user with an ordinary umask all work; COMMAND still gets the caller's umask;
# state entries an older netjail left with mode 0000 are put right, not fatal.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy

# run_with_umask MASK CMD...: CMD as uid 65534 with that umask.
nobody_umask() {
	local mask=$1
	shift
	as_nobody sh -c 'umask "$1"; shift; exec "$@"' sh "$mask" "$@"
}

out=$(nobody_umask 0777 "$SUID_NJ" -i up1 -g 198.51.100.1 -- sh -c umask 2>&1); rc=$?
is "$rc" 0 "uid 65534 with umask 0777: netjail runs"
is "$(tail -n 1 <<<"$out")" 0777 "... and COMMAND gets the caller's umask 0777 back"
[[ $rc == 0 ]] || diag "$out"

modes=$(stat -c '%a %U %n' /run/netjail /run/netjail/*/ /run/netjail/*/lock 2>&1 |
	sed -E 's|/run/netjail/[0-9]+|/run/netjail/COOKIE|; s|/$||')
is "$modes" "755 root /run/netjail
700 root /run/netjail/COOKIE
600 root /run/netjail/COOKIE/lock" "the state is root's, with netjail's modes, not the caller's"

out=$(nobody_umask 022 "$SUID_NJ" -i up1 -g 198.51.100.1 -- sh -c umask 2>&1); rc=$?
is "$rc" 0 "then uid 65534 with umask 022: netjail runs"
is "$(tail -n 1 <<<"$out")" 0022 "... and COMMAND gets umask 0022"
[[ $rc == 0 ]] || diag "$out"
out=$(nj -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
is "$rc" 0 "then root: netjail runs"
[[ $rc == 0 ]] || diag "$out"

# What an older netjail under umask 0777 left: every entry 0000 (a record and a dead slot's
# file among them).  They are netjail's own, so they are put right.
cookie_dir=$(echo /run/netjail/*/)
echo "0 0 0" >"${cookie_dir}uplink-up1"
: >"${cookie_dir}slot-7"
chmod 0000 /run/netjail "$cookie_dir" "${cookie_dir}"*
out=$(nobody_umask 0777 "$SUID_NJ" -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
is "$rc" 0 "with every state entry left at mode 0000: netjail by uid 65534 runs"
[[ $rc == 0 ]] || diag "$out" "$(ls -la /run/netjail "$cookie_dir")"
out=$(as_nobody "$SUID_NJ" --cleanup 2>&1); rc=$?
is "$rc" 0 "... and so does --cleanup"
[[ $rc == 0 ]] || diag "$out"
# (The last run's teardown child may still be deleting its link, with its marker.)
state_left() { (cd "$cookie_dir" 2>/dev/null && stat -c '%a %n' -- * | sort | tr '\n' ' '); }
wait_for 3 eval '[[ $(state_left) == "600 lock 600 users-up1 " ]]'
is "$(state_left)" "600 lock 600 users-up1 " "... which put the modes right and left no slot or record behind"

assert_host_unchanged "$before"
tap_done
