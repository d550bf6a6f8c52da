#!/bin/bash
# t-attack-rlimits.sh - resource limits are the caller's to set, not to turn against netjail.
#
# A user may lower any soft and hard limit before running the setuid netjail.  Before the fix
# (src/rlimits.c) they decided where a privileged run stopped: RLIMIT_FSIZE ended netjail
# with SIGXFSZ while it wrote its state (on base the uplink's record, leaving its routes,
# rules and a half-made record under /run/netjail; since max_jails_per_user, the slot's
# owner), RLIMIT_CPU with SIGXCPU or SIGKILL (--cpu=0:0 on base: after its rules, the guard
# and forwarding), a small RLIMIT_STACK with SIGSEGV inside a netlink call, a small
# RLIMIT_DATA with a setup and then a teardown that could not allocate their nftables
# batches; a low soft RLIMIT_NOFILE failed a run the hard limit would have allowed.
# Now, run as uid 65534 through a setuid copy:
#   - a low soft limit under a high enough hard one: the run works, and COMMAND still gets
#     the caller's limits, soft and hard (and SIGXFSZ as the caller had it);
#   - a hard limit below what netjail needs: refused before anything changes, exit 125, one
#     line naming the limit;
#   - limits netjail does not need (RLIMIT_NPROC: its forks are exempt or have a fallback;
#     MEMLOCK, SIGPENDING, MSGQUEUE): the run works and its teardown is complete, no
#     --cleanup needed;
# and another user's (root's) jail is as it was throughout; after a --cleanup the host is too.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy

# What COMMAND must get back as the caller had it (see below).
caller_limits=(--cpu=100:200 --fsize=100000:300000000 --nofile=100:4000 --stack=2000000:9000000
	--nproc=3000:4000 --memlock=4096:8192 --sigpending=50:60 --rttime=1000000:2000000)
# A sanitizer's runtime needs terabytes of address space (its shadow counts as data) and
# threads for its leak check at exit: memory limits and RLIMIT_NPROC 0 are for the plain build.
if grep -qa __asan_init "$NETJAIL"; then
	sanitized=1
else
	sanitized=0
	caller_limits+=(--data=500000000:900000000 --as=2000000000:3000000000)
fi

# Root's jail on up0, which no limit of 65534's may disturb; it lives until the end kills it
# (a 60 s sleep ended half-way in an emulated guest).
nj_bg -i up0 -- sleep 3600 >/dev/null 2>&1 </dev/null
root_jail=$NJ_PID
if ! wait_for 10 jail_links_at_least 1; then
	not_ok "root's jail on up0 comes up"
	tap_done
fi
with_root=$LAB_TMP/state.with-root
host_state >"$with_root"

# limited LIMITS... -- ARGS...: netjail run by 65534 under prlimit LIMITS; its stderr in
# $LAB_TMP/err (through a pipe: under RLIMIT_FSIZE it could not write to a file), its exit
# status in RC.
limited() {
	local limits=() err
	while [[ $1 != -- ]]; do limits+=("$1"); shift; done
	shift
	err=$(as_nobody prlimit "${limits[@]}" -- "$SUID_NJ" "$@" 2>&1 >/dev/null </dev/null)
	RC=$?
	printf '%s' "$err" >"$LAB_TMP/err"
	[[ -z $err ]] || echo >>"$LAB_TMP/err"
}
err_lines() { wc -l <"$LAB_TMP/err"; }
state_drafts() { find /run/netjail -name 'new-*' 2>/dev/null; }

# ---------------------------------------------------------------- hard limits too low
# LIMIT  what the one line must name
refused=(
	"--fsize=0:0" "file size limit (ulimit -f)"
	"--nofile=8:8" "open files limit (ulimit -n)"
	"--stack=65536:65536" "stack size limit (ulimit -s)"
	"--cpu=1:1" "CPU time limit (ulimit -t)"
	"--data=600000:600000" "data size limit (ulimit -d)"
	"--as=8000000:8000000" "virtual memory limit (ulimit -v)"
)
for ((i = 0; i < ${#refused[@]}; i += 2)); do
	limit=${refused[i]} name=${refused[i + 1]}
	if [[ $sanitized == 1 && ($limit == --data=* || $limit == --as=*) ]]; then
		skip "$limit: refused in one line" "a sanitizer cannot start under $limit"
		continue
	fi
	limited "$limit" -- -i up1 -g 198.51.100.1 -- true
	is "$RC" 125 "$limit: netjail refuses with 125 (it was ended by a signal, or failed mid-setup)"
	if [[ $(err_lines) == 1 ]] && grep -qF "netjail: the $name is " "$LAB_TMP/err"; then
		ok "... in one line, naming the $name"
	else
		not_ok "... in one line, naming the $name"
		diag "$(cat "$LAB_TMP/err")"
	fi
	is "$(state_drafts)" "" "... and leaves no half-made record under /run/netjail"
	assert_host_unchanged "$with_root" "... and changes nothing on the host"
done
limited --nofile=8:8 -- --check -i up1
is "$RC" 1 "--check under --nofile=8:8 says a jail would not work"
as_nobody prlimit --nofile=8:8 -- "$SUID_NJ" --check -i up1 2>&1 | grep '^limits ' >"$LAB_TMP/err"
check "... on its 'limits' line, naming the limit" grep -q '^limits .*FAIL.*open files limit' "$LAB_TMP/err"
limited --nofile=8:8 -- --cleanup
is "$RC" 125 "--cleanup under --nofile=8:8 refuses with 125"
if [[ $(err_lines) == 1 ]] && grep -q "^netjail: the open files limit" "$LAB_TMP/err"; then
	ok "... in one line, naming the limit"
else
	not_ok "... in one line, naming the limit"
	diag "$(cat "$LAB_TMP/err")"
fi

# ---------------------------------------------------------------- soft limits low, hard ones not
# Each ended netjail, or failed it, before the fix: SIGXFSZ (153), EMFILE (125), SIGSEGV
# (139).  (A soft CPU limit of 0 s is not here: SIGXCPU may come before netjail's first
# line runs, as the user's own SIGKILL may, and then nothing has changed.)
for limit in --fsize=0:unlimited --nofile=8:4096 --stack=65536:unlimited; do
	limited "$limit" -- -i up1 -g 198.51.100.1 -- true
	is "$RC" 0 "$limit: the run works, with its soft limit raised to the hard one"
	[[ $RC == 0 ]] || diag "$(cat "$LAB_TMP/err")"
	is "$(state_drafts)" "" "... and leaves no half-made record under /run/netjail"
done

# COMMAND gets exactly what the caller had: the same limits, soft and hard, and SIGXFSZ
# ignored or not, as the same command run without netjail.
# (caller_limits is set at the top, with the sanitizer's exceptions.)
probe='cat /proc/self/limits; grep SigIgn /proc/self/status'
for xfsz in default ignored; do
	trap_xfsz=""
	[[ $xfsz == ignored ]] && trap_xfsz='trap "" XFSZ;'
	as_nobody sh -c "$trap_xfsz"' exec prlimit "$@"' sh "${caller_limits[@]}" -- \
		sh -c "$probe" >"$LAB_TMP/without" 2>&1 </dev/null
	as_nobody sh -c "$trap_xfsz"' exec prlimit "$@"' sh "${caller_limits[@]}" -- \
		"$SUID_NJ" -i up1 -g 198.51.100.1 -- sh -c "$probe" >"$LAB_TMP/within" 2>&1 </dev/null
	RC=$?
	is "$RC" 0 "a jail of 65534 with lowered limits and SIGXFSZ $xfsz runs"
	if cmp -s "$LAB_TMP/without" "$LAB_TMP/within"; then
		ok "... and COMMAND has the caller's limits, soft and hard, and SIGXFSZ $xfsz"
	else
		not_ok "... and COMMAND has the caller's limits, soft and hard, and SIGXFSZ $xfsz"
		diag "$(diff "$LAB_TMP/without" "$LAB_TMP/within")"
	fi
done

# ---------------------------------------------------------------- limits netjail does not need
# RLIMIT_NPROC 0: the jail's child is forked holding CAP_SYS_ADMIN (exempt), the teardown
# child's fork fails and the supervisor deletes the retired link itself.
for limit in --nproc=0:0 --memlock=0:0 --sigpending=0:0 --msgqueue=0:0; do
	if [[ $sanitized == 1 && $limit == --nproc=* ]]; then
		skip "$limit: the run works" "a sanitizer's leak check needs a thread at exit"
		continue
	fi
	limited "$limit" -- -i up1 -g 198.51.100.1 -- true
	is "$RC" 0 "$limit: the run works"
	[[ $RC == 0 ]] || diag "$(cat "$LAB_TMP/err")"
	assert_host_unchanged "$with_root" "... and its teardown is complete without --cleanup"
done

as_nobody "$SUID_NJ" --cleanup
is "$?" 0 "netjail --cleanup by 65534 exits 0"
assert_host_unchanged "$with_root" "root's jail is as it was, and nothing else is left"
kill -TERM "$root_jail"
finish "$root_jail" 10
is "$RC" 143 "root's jail ends on SIGTERM with 128+15"
assert_host_unchanged "$before"
tap_done
