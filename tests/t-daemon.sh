#!/bin/bash
# t-daemon.sh - issue 18, part 2: a jail lives as long as any of its programs.  A COMMAND that
# starts a program in the background (double fork and setsid, as daemons do) and exits: netjail
# returns COMMAND's status at once, the program still reaches the network by the jail's uplink
# afterwards, --list shows the jail with it and --cleanup leaves it alone, and the jail goes
# when the program ends, leaving nothing; it counts against max_jails_per_user.  netjail
# --stop ends such a jail (its user's or root's only: another user is refused); a SIGKILLed supervisor takes the jail's programs with
# it (no traffic by another uplink), and --cleanup removes the rest.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy
etc_writable=false
lab_writable_etc && etc_writable=true	# for a netjail.conf of the lab's own

# daemon GO OUT: a COMMAND for sh -c that leaves a daemon (forked twice, in a session of its
# own, its fds on /dev/null) waiting for a line on the fifo GO, then asking the server what
# address it sees into OUT; COMMAND itself exits 3 at once.  No timing: the test says go
# (go GO) when it wants.  Until then the daemon is one process, a shell blocked in open(2).
daemon() {
	mkfifo -m 0666 "$1"
	echo "setsid sh -c 'read x <$1; socat -T3 -t3 - TCP:203.0.113.10:7 >$2 2>&1' </dev/null >/dev/null 2>&1 & exit 3"
}
go() { echo go 1<>"$1"; }
reaper_of() { pgrep -x netjail-reaper; }
jail_programs() { pgrep -f "^sh -c read x <$1;"; }
# program_of GO: the daemon's pid, once it has exec'd (netjail may return before that).
program_of() { wait_for 10 jail_programs "$1" >/dev/null; jail_programs "$1"; }
# gone PID: PID has exited (a zombie or reaped): its locks are free.
gone() { [[ $(ps -o stat= -p "$1" 2>/dev/null) != [SRDT]* ]]; }

# ---- the daemon outlives COMMAND, and the jail with it
go=$LAB_TMP/go1 out=$LAB_TMP/seen1
NJ_TIMEOUT=10 nj -i up1 -g 198.51.100.1 -- sh -c "$(daemon "$go" "$out")" </dev/null >"$LAB_TMP/nj1" 2>&1
is "$?" 3 "COMMAND leaves a daemon and exits 3: netjail returns 3 at once, the daemon still waiting"
[[ -s $LAB_TMP/nj1 ]] && diag "$(cat "$LAB_TMP/nj1")"
program=$(program_of "$go")
check "... the daemon runs on (pid ${program:-none})" test -n "$program"
is "$(jail_links)" nj1 "... and its jail nj1 is still there"
list=$(nj --list 2>&1)
is "$(awk '$2 == "nj1" {print $8}' <<<"$list")" "1:$program" "--list shows nj1 with one process, the daemon's pid (PROCS 1:PID)"
[[ $TAP_FAILED -eq 0 ]] || diag "$list"
nj --list --json >"$LAB_TMP/list.json" 2>&1
check "--list --json has its pid under \"processes\"" grep -q "\"processes\":\[$program\]" "$LAB_TMP/list.json"
nj --cleanup >/dev/null 2>&1
is "$(jail_links)" nj1 "--cleanup takes the background jail for a live one"
go "$go"
wait_for 10 test -s "$out"
is "$(tr -d '\r' <"$out")" 198.51.100.2 "the daemon then reaches the server by up1 (the server saw 198.51.100.2)"
check "the jail goes when the daemon ends" wait_for 10 no_jail_links
check "... and its reaper with it" wait_for 5 fails reaper_of
assert_host_unchanged "$before" "nothing left of the background jail"

# ---- the fast path: nothing in the background, COMMAND's status, nothing left
is "$(nj -i up1 -g 198.51.100.1 -- sh -c 'exit 4' 2>&1; echo "rc=$?")" "rc=4" \
	"a COMMAND with nothing in the background: netjail exits with its status"
is "$(jail_links)" "" "... and its jail is gone when netjail returns"

# ---- netjail --stop ends a jail and every program in it
go=$LAB_TMP/go2 out=$LAB_TMP/seen2
NJ_TIMEOUT=10 nj -i up1 -g 198.51.100.1 -- sh -c "$(daemon "$go" "$out")" </dev/null >/dev/null 2>&1
program=$(program_of "$go")
out_stop=$(nj --stop nj1 2>&1); rc=$?
is "$rc|$out_stop" "0|" "netjail --stop nj1 exits 0, saying nothing"
check "... the daemon is gone" fails quiet kill -0 "${program:-0}"
check "... and so is the jail" wait_for 5 no_jail_links
out_stop=$(nj --stop nj1 2>&1); rc=$?
is "$rc|$out_stop" "125|netjail: no jail 'nj1' is running (see netjail --list)" \
	"--stop of a jail that is not there: one line, 125"

# ---- another user cannot stop it; its user can (by netjail's pid, as --list shows)
go=/run/njsuid/go3 out=/run/njsuid/seen3	# where uid 65534 can look
as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- sh -c "$(daemon "$go" "$out")" </dev/null >/dev/null 2>&1
is "$?" 3 "uid 65534's COMMAND leaves a daemon: 3 at once"
supervisor=$(nj --list 2>/dev/null | awk '$2 == "nj1" {print $1}')
program=$(program_of "$go")
if $etc_writable; then
	mkdir -p /etc/netjail
	printf '[policy]\nmax_jails_per_user = 1\n' >/etc/netjail/netjail.conf
	out_stop=$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
	check "with max_jails_per_user = 1, uid 65534's background jail counts: a second is refused ($rc)" \
		test "$rc" = 125 -a -n "$(grep -F 'max_jails_per_user = 1' <<<"$out_stop")"
	[[ $rc == 125 ]] || diag "$out_stop"
	rm /etc/netjail/netjail.conf
else
	skip "max_jails_per_user counts a background jail" "no overlay filesystem for the lab's /etc"
fi
out_stop=$(timeout -k 3 $((30 * ${NJ_SLOW:-1})) setpriv --reuid=65533 --regid=65533 --clear-groups -- "$SUID_NJ" --stop nj1 2>&1); rc=$?
is "$rc|$out_stop" "125|netjail: jail nj1 is not yours to stop" "uid 65533's --stop of 65534's jail: refused"
check "... its daemon lives on" kill -0 "${program:-0}"
is "$(jail_links)" nj1 "... and so does the jail"
out_stop=$(as_nobody "$SUID_NJ" --stop "${supervisor:-0}" 2>&1); rc=$?
is "$rc|$out_stop" "0|" "uid 65534's own --stop PID (the PID --list shows) ends it"
check "... the jail goes" wait_for 5 no_jail_links
assert_host_unchanged "$before" "nothing left of the stopped jails"

# ---- SIGTERM to netjail while a program of the jail holds on (ignores it): netjail returns
# once the jail is gone, as a service manager's stop expects, not while a background copy
# of it still tears the jail down
ready=$LAB_TMP/ready5
printf "trap '' TERM\ntouch %s\nsleep 2\n" "$ready" >"$LAB_TMP/holdon.sh"
nj_bg -i up1 -g 198.51.100.1 -- sh -c "sh $LAB_TMP/holdon.sh & wait" </dev/null >/dev/null 2>&1
wait_for 10 test -e "$ready"
kill -TERM "$NJ_PID"
finish "$NJ_PID" 30
is "$RC" 143 "SIGTERM to netjail while a program ignores it: 143, COMMAND's end by SIGTERM"
is "$(jail_links)" "" "... and its jail is gone when netjail returns"

# ---- SIGKILL of the supervisor of a background jail: its programs go, nothing leaks
go=$LAB_TMP/go4 out=$LAB_TMP/seen4
NJ_TIMEOUT=10 nj -i up1 -g 198.51.100.1 -- sh -c "$(daemon "$go" "$out")" </dev/null >/dev/null 2>&1
supervisor=$(nj --list 2>/dev/null | awk '$2 == "nj1" {print $1}')
program=$(program_of "$go")
check "a background jail's supervisor (pid ${supervisor:-none}) is not the one the shell waited for" \
	test -n "$supervisor" -a -d "/proc/${supervisor:-0}"
[[ -n $supervisor ]] && kill -KILL "$supervisor"
wait_for 5 gone "${supervisor:-0}"
check "after SIGKILL of it, the daemon is gone (within 10 s)" wait_for 10 fails quiet kill -0 "${program:-0}"
go "$go"
check "... it never reached the server by any uplink" fails test -s "$out"
nj --cleanup >/dev/null 2>&1
is "$?" 0 "netjail --cleanup exits 0"
assert_host_unchanged "$before" "nothing left after --cleanup"
tap_done
