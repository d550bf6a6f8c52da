# shellcheck shell=bash
# unprivileged.sh - what an ordinary user may and may not do with an installed netjail.
# Sourced by t-setuid.sh and t-caps.sh, which differ only in how the copy under test got its
# privilege (the setuid bit, or file capabilities).  Sourced after lab_start_test.
#
#   check_unprivileged_use BINARY   every assertion below, run as uid/gid 65534
#
# BINARY must live on the lab's /run (a tmpfs without nosuid), in a directory 65534 can enter.

# as_nobody CMD...: run CMD as 65534 the way a login session would.  setpriv keeps root's
# permitted set across its uid change (PR_SET_KEEPCAPS); the exec of sh in between empties it,
# as it is in any real user's process.
as_nobody() { nobody_with "" "$@"; }
# nobody_with SETPRIV_OPTION CMD...: the same with one more setpriv option (or "").
nobody_with() {
	local extra=$1
	shift
	# shellcheck disable=SC2086  # $extra is one option or nothing
	timeout -k 3 $((30 * ${NJ_SLOW:-1})) setpriv --reuid=65534 --regid=65534 --clear-groups $extra -- \
		sh -c 'exec "$@"' sh "$@"
}

# CapEff of netjail's supervisor and its uids while a jail of uid 65534 runs: NET_ADMIN (12),
# SETUID (7) and SETGID (6) only, and never euid 0.
SUPERVISOR_CAPS=00000000000010c0

# user_supervisor: the one netjail process whose real uid is 65534 (its child has exec'd).
user_supervisor() { pgrep -x -U 65534 netjail; }

_identity_and_capabilities() {
	local out rc
	out=$(as_nobody "$1" -i up1 -g 198.51.100.1 -- \
		sh -c 'id -u; id -g; id -G; grep -E "^(Cap(Inh|Prm|Eff|Amb)|NoNewPrivs)" /proc/self/status' 2>&1)
	rc=$?
	is "$rc" 0 "netjail run by uid 65534 exits 0"
	is "$(sed -n 1,3p <<<"$out" | tr '\n' ' ')" "65534 65534 65534 " "command runs as uid/gid 65534 with only its own group"
	is "$(grep -c ':[[:space:]]*0000000000000000$' <<<"$out")" 4 "CapInh, CapPrm, CapEff and CapAmb are all zero"
	is "$(awk '/^NoNewPrivs/ {print $2}' <<<"$out")" 0 "NoNewPrivs is untouched (0)"
	[[ $rc == 0 ]] || diag "$out"
	is "$(seen_source as_nobody "$1" -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
		"traffic of the unprivileged user's command leaves by up1"
}

_refusals() {
	local err rc
	err=$(as_nobody "$1" -i up0 -u root -- id -u 2>&1 >/dev/null); rc=$?
	is "$rc" 125 "-u by an unprivileged user is refused with 125"
	check "... with one 'netjail: ' line naming -u" grep -q '^netjail: .*-u' <<<"$err"

	err=$(nobody_with --no-new-privs "$1" -i up0 -- id -u 2>&1 >/dev/null); rc=$?
	is "$rc" 125 "under no_new_privs the privileged binary refuses with 125"
	check "... and says no_new_privs is why" grep -q '^netjail: .*no_new_privs' <<<"$err"

	# A jailed user running netjail again could pick another uplink: a kill-switch bypass.
	err=$(as_nobody "$1" -i up1 -g 198.51.100.1 -- "$1" -i eth0 -g 10.231.0.5 -- true 2>&1); rc=$?
	is "$rc" 125 "netjail run by the user from inside a jail refuses with 125"
	check "... saying it is already inside a jail" grep -q '^netjail: already inside a jail' <<<"$err"
}

# What the command inherits: the user's environment (including what glibc strips from a
# privileged program), cwd and stdio, and no descriptor of netjail's.  The shell lists its
# own fds with no pipe or redirection of its own: while dash sets up `ls | tr` or `ls >f` it
# holds the pipe's ends or a saved fd itself, and ls saw them now and then ("0 1 2 3 ").
_what_the_command_gets() {
	local out failed_before=$TAP_FAILED
	out=$(cd /run/njpriv && env -i PATH=/usr/bin:/bin HOME=/nonexistent DISPLAY=:7 \
		WAYLAND_DISPLAY=wayland-7 XDG_RUNTIME_DIR=/run/user/65534 \
		DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/65534/bus TMPDIR=/run/njpriv/tmp \
		LD_LIBRARY_PATH=/run/njpriv/lib \
		setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c 'exec "$@"' sh \
		"$1" -i up1 -g 198.51.100.1 -- sh -c 'pwd; env; echo fds:; ls /proc/$$/fd' \
		7</dev/null 9>/dev/null 2>&1)
	for var in PATH=/usr/bin:/bin HOME=/nonexistent DISPLAY=:7 WAYLAND_DISPLAY=wayland-7 \
		XDG_RUNTIME_DIR=/run/user/65534 DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/65534/bus; do
		check "command sees the caller's $var" grep -qxF "$var" <<<"$out"
	done
	check "command gets back TMPDIR, which glibc strips from privileged programs" \
		grep -qx 'TMPDIR=/run/njpriv/tmp' <<<"$out"
	check "... and LD_LIBRARY_PATH" grep -qx 'LD_LIBRARY_PATH=/run/njpriv/lib' <<<"$out"
	is "$(head -n 1 <<<"$out")" /run/njpriv "command runs in the caller's cwd"
	is "$(sed '1,/^fds:$/d' <<<"$out" | tr '\n' ' ')" "0 1 2 " "command has only fds 0-2 (the caller's 7 and 9 are closed, none of netjail's)"
	[[ $TAP_FAILED -eq $failed_before ]] || diag "$out"
}

# LD_PRELOAD must not reach netjail's own (privileged) code, yet reach the command.
_preload_spy() {
	local log=/run/njpriv/preload.log
	cat >"$LAB_TMP/spy.c" <<-'EOF'
	#include <stdio.h>
	#include <string.h>
	#include <unistd.h>
	__attribute__((constructor)) static void spy(void)
	{
		char comm[32] = "";
		FILE *f = fopen("/proc/self/comm", "r"), *log = fopen("/run/njpriv/preload.log", "a");
		if (f && fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = 0;
		if (log)
			fprintf(log, "%s %d\n", comm, (int)geteuid());
		if (f) fclose(f);
		if (log) fclose(log);
	}
	EOF
	if ! gcc -shared -fPIC -o /run/njpriv/spy.so "$LAB_TMP/spy.c"; then
		not_ok "build the LD_PRELOAD spy library"
		return
	fi
	: >"$log"
	chmod 0666 "$log"
	LD_PRELOAD=/run/njpriv/spy.so as_nobody "$1" -i up1 -g 198.51.100.1 -- /bin/true
	check "LD_PRELOAD reaches the command, as uid 65534" grep -qx 'true 65534' "$log"
	check "... and never netjail itself" fails grep -q '^netjail ' "$log" || diag "$(cat "$log")"
}

# While a jail of uid 65534 runs: the supervisor holds only what teardown needs, never euid 0;
# netjail's state is root's; another user's --cleanup leaves the jail alone.
_while_a_user_jail_runs() {
	local pid status jail_before
	# Long enough for the checks, where host_state is slow (NJ_SLOW); it is ended below.
	as_nobody "$1" -i up1 -g 198.51.100.1 -- sleep $((30 * ${NJ_SLOW:-1})) </dev/null >/dev/null 2>&1 &
	pid=$!
	LAB_PIDS+=("$pid")
	if ! wait_for 10 jail_links_at_least 1; then
		not_ok "a jail of uid 65534 came up"
		return
	fi
	status=$(cat "/proc/$(user_supervisor)/status")
	is "$(awk '/^CapEff/ {print $2}' <<<"$status")" "$SUPERVISOR_CAPS" "supervisor's CapEff is NET_ADMIN, SETUID, SETGID only"
	is "$(awk '/^CapPrm/ {print $2}' <<<"$status")" "$SUPERVISOR_CAPS" "supervisor's CapPrm is the same"
	is "$(awk '/^Uid/ {print $2, $3, $4, $5}' <<<"$status")" "65534 65534 65534 65534" "supervisor's uids are all the caller's: euid is never 0"
	SUPERVISOR_BOUNDING=$(awk '/^CapBnd/ {print $2}' <<<"$status")
	is "$(stat -c '%u:%g %a' /run/netjail/*/slot-1)" "0:0 600" "the jail's slot lock is root's, mode 600"
	is "$(stat -c '%u:%g %a' /run/netjail/*/ | head -n 1)" "0:0 700" "the state directory is root's, mode 700"

	jail_before=$(host_state)
	is "$(as_nobody "$1" --cleanup; echo $?)" 0 "--cleanup by uid 65534 while its jail runs exits 0"
	check "... and leaves the running jail alone" test "$(host_state)" = "$jail_before"
	is "$(setpriv --reuid=65533 --regid=65533 --clear-groups -- sh -c 'exec "$@"' sh "$1" --cleanup; echo $?)" 0 \
		"--cleanup by another user (65533) exits 0"
	check "... and leaves uid 65534's jail alone" test "$(host_state)" = "$jail_before"
	kill -TERM "$(user_supervisor)"
	finish "$pid" 10
	is "$RC" 143 "the user's jail ends on SIGTERM with 128+15"
}

# Nothing after COMMAND is netjail's option, and no option makes netjail read a root-only file.
_options_and_files() {
	local secret=/run/njpriv/secret out rc leaked=""
	is "$(as_nobody "$1" -i up1 -g 198.51.100.1 echo -u root --cleanup -h 2>&1)" "-u root --cleanup -h" \
		"options after COMMAND go to COMMAND, never to netjail"
	echo TOPSECRET >"$secret"
	chmod 0600 "$secret"
	for opt in -p -i -g -d -u; do
		out=$(as_nobody "$1" "$opt" "$secret" -i up1 -- cat "$secret" 2>&1); rc=$?
		[[ $rc == 125 && $out != *TOPSECRET* ]] || leaked+=" $opt($rc)"
	done
	is "$leaked" "" "no option makes netjail read a root-only file for the user (125, nothing shown)"
}

# A user's stopped netjail holding the state lock delays others a bounded time, with a reason.
_bounded_lock_wait() {
	local lock err rc
	lock=$(ls /run/netjail/*/lock | head -n 1)
	# The lock is held by the open file of this sleep: killing it releases the lock.
	(exec 8<"$lock" && flock 8 && exec sleep 60) &
	LAB_PIDS+=($!)
	wait_for 5 fails flock -n "$lock" true
	err=$(as_nobody "$1" -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
	kill "${LAB_PIDS[-1]}"
	is "$rc" 125 "a held state lock makes netjail give up with 125 (no endless wait)"
	# Held by a process that is not stopped: "busy", with who holds it and for how long.
	check "... saying another process holds the lock" grep -qE \
		'^netjail: busy: .*the state lock on /run/netjail held by pid [0-9]+ for [0-9]+ s' <<<"$err"
	[[ $TAP_FAILED -eq 0 ]] || diag "it said: $err"
}

check_unprivileged_use() {
	_identity_and_capabilities "$1"
	_refusals "$1"
	_what_the_command_gets "$1"
	_preload_spy "$1"
	_while_a_user_jail_runs "$1"
	_options_and_files "$1"
	_bounded_lock_wait "$1"
}
