#!/bin/bash
# t-attack-pidreuse.sh - issue 15, finding 1: a user must not get the jail's veth into a
# namespace of its own by having the jail's child die and its pid come round again.
#
# The attack, run as uid 65534 through a setuid copy: start netjail with SIGCHLD ignored
# (so the kernel reaps netjail's child the moment it dies and frees its pid), hold the
# supervisor between the child's "ready" and the veth's creation, SIGKILL the child (it runs
# with the user's uids), take its pid for `unshare -Urn` and let the supervisor go on.  A
# netjail that names the jail's namespace by pid (IFLA_NET_NS_PID) then plugs the jail's
# veth into the user's namespace, where raw, spoofed packets are marked, NATed and routed
# out of the uplink.
#
# Made deterministic, with two shortcuts for what a real attacker does by retrying:
#   - the hold: netjail -v writes its verbose lines to a pipe the user filled all but the
#     bytes of the lines written before the fork (measured by a first run), so the
#     supervisor blocks on its first line after the fork, before it waits for "ready";
#     root's look at /proc/PID/syscall tells when both processes sit where they should;
#   - the pid: root writes ns_last_pid (the lab has its own pid namespace) where a real
#     attacker forks until the pid comes round.
# Also checked directly: netjail's supervisor runs with every signal at its default (but
# SIGXFSZ, which it ignores itself) and only its own signalfd's signals blocked, whatever the
# caller left ignored or blocked, and COMMAND still gets the caller's ignored signals and
# mask (`nohup netjail ...` works).
# shellcheck disable=SC2016  # perl and eval code, single-quoted on purpose
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy

# The caller's hostile signal state: SIGCHLD and SIGHUP ignored (nohup-like), SIGALRM and
# SIGPROF blocked; what it was is printed, then netjail is exec'd with it.
# (perl ignores SIGFPE itself and sets it back before exec: say default, so what it
# prints is what netjail gets.)
caller_perl='use POSIX;
	$SIG{CHLD} = "IGNORE"; $SIG{HUP} = "IGNORE"; $SIG{FPE} = "DEFAULT";
	sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGALRM, SIGPROF)) or die "sigprocmask: $!";
	open(my $s, "<", "/proc/self/status") or die; print grep(/^Sig(Ign|Blk):/, <$s>);
	exec @ARGV or die "exec: $!"'
# nobody_bg ARGS...: netjail run by 65534 with that signal state, in the background; its pid
# (the supervisor's: setpriv, perl and netjail exec one another) in NJ_PID.
nobody_bg() {
	lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- perl -e "$caller_perl" "$SUID_NJ" "$@"
	NJ_PID=${LAB_PIDS[-1]}
}
sig_field() { awk -v f="$1:" '$1 == f {print $2}' "$2"; }
# The same without glibc's own signals 32 and 33 (SIGCANCEL, SIGSETXID): glibc's sigaction
# refuses to touch them, so an ignore of them set by whoever started the test stays (exec
# keeps it); single-threaded netjail never uses them.
sig_field_but_glibcs() { printf '%016x' $((0x$(sig_field "$@") & ~0x180000000)); }
# netjail's own blocked signals, for its signalfd: HUP INT QUIT USR1 USR2 TERM CHLD WINCH.
NETJAIL_BLOCKED=0000000008014a07
# netjail's own ignored signal: SIGXFSZ, so that a write past the file size limit fails
# with EFBIG instead of ending it (t-attack-rlimits.sh).
NETJAIL_IGNORED=0000000001000000

# ---------------------------------------------------------------- what the processes carry
out=$LAB_TMP/caller
nobody_bg -i up1 -g 198.51.100.1 -- sleep 30 >"$out" 2>&1 </dev/null
# COMMAND is the child of the jail's reaper, the supervisor's child (reaper.c).
command_pid() { pgrep -P "$(pgrep -P "$NJ_PID" -x netjail-reaper)" -x sleep; }
if wait_for 10 quiet command_pid; then
	cp "/proc/$NJ_PID/status" "$LAB_TMP/supervisor"
	cp "/proc/$(command_pid)/status" "$LAB_TMP/command"
	is "$(sig_field_but_glibcs SigIgn "$LAB_TMP/supervisor")" "$NETJAIL_IGNORED" \
		"the supervisor ignores only SIGXFSZ, though the caller ignored SIGCHLD and SIGHUP"
	is "$(sig_field SigBlk "$LAB_TMP/supervisor")" "$NETJAIL_BLOCKED" \
		"the supervisor blocks only its signalfd's signals, not the caller's SIGALRM and SIGPROF"
	is "$(sig_field SigIgn "$LAB_TMP/command")" "$(sig_field SigIgn "$out")" \
		"COMMAND ignores what the caller ignored (SIGHUP for nohup, SIGCHLD)"
	is "$(sig_field SigBlk "$LAB_TMP/command")" "$(sig_field SigBlk "$out")" \
		"COMMAND gets the caller's signal mask"
	is "$(ls "/proc/$(command_pid)/fd" | sort -n | tr '\n' ' ')" "0 1 2 " \
		"COMMAND holds fds 0-2 only (nothing of the jail's namespace)"
	is "$(find "/proc/$NJ_PID/fd" -lname 'net:*' | wc -l)" 0 \
		"the supervisor no longer holds the jail's namespace once COMMAND runs"
else
	not_ok "a jail of uid 65534 came up"
	diag "$(cat "$out")"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 10
is "$RC" 143 "... and it ends on SIGTERM with 128+15"

# ---------------------------------------------------------------- the attack
# The bytes netjail -v writes before it forks the child, measured on a run like the attack's.
nobody_bg -v -i up1 -g 198.51.100.1 -- true >/dev/null 2>"$LAB_TMP/calibration" </dev/null
finish "$NJ_PID" 20
before_fork=$(awk '{n += length($0) + 1} /^netjail: jail nj[0-9]+: host / {print n; exit}' \
	"$LAB_TMP/calibration")
if [[ -z $before_fork ]]; then
	not_ok "netjail -v says which jail it made before it forks"
	diag "$(cat "$LAB_TMP/calibration")"
	tap_done
fi

# The user's pipe for netjail's stderr: one page, all but $before_fork bytes full.  It is
# drained (SIGUSR1) once the attacker holds the pid.
fifo=$LAB_TMP/stderr
mkfifo "$fifo"
lab_bg perl -e 'use Fcntl;
	my ($fifo, $fill, $drained) = @ARGV;
	sysopen(my $p, $fifo, O_RDWR) or die "open: $!";
	fcntl($p, 1031, 4096) or die "F_SETPIPE_SZ: $!";
	syswrite($p, "x" x $fill) == $fill or die "fill: $!";
	my $go = 0; $SIG{USR1} = sub { $go = 1 };
	open(my $ready, ">", "$drained.ready") or die; close($ready);
	sleep 1 until $go;
	open(my $out, ">", $drained) or die;
	while (sysread($p, my $buf, 4096)) { syswrite($out, $buf) }' \
	"$fifo" $((4096 - before_fork)) "$LAB_TMP/drained" </dev/null
holder=${LAB_PIDS[-1]}
wait_for 5 test -e "$LAB_TMP/drained.ready"

nobody_bg -v -i up1 -g 198.51.100.1 -- true >/dev/null 2>"$fifo" </dev/null
supervisor=$NJ_PID
# in_syscall PID NR FD: PID sleeps in syscall NR (0 read, 1 write) on FD, which is the user's
# fifo or (FD "ours") one of netjail's own pipes or sockets.
in_syscall() {
	local fields fd
	read -ra fields <"/proc/$1/syscall" 2>/dev/null || return 1
	[[ ${fields[0]} == "$2" ]] || return 1
	fd=$((fields[1]))
	case $3 in
	ours) [[ $(readlink "/proc/$1/fd/$fd") =~ ^(pipe|socket): ]] ;;
	*) [[ $(readlink "/proc/$1/fd/$fd") == "$3" ]] ;;
	esac
}
jail_child() { pgrep -P "$supervisor" -x netjail; }
if wait_for 10 in_syscall "$supervisor" 1 "$fifo" && child=$(jail_child) &&
	wait_for 10 in_syscall "$child" 0 ours; then
	ok "the supervisor is held on its stderr while the child waits, its namespaces made"
	# Killing the child is the user's right: it runs with the user's uids.
	setpriv --reuid=65534 --regid=65534 --clear-groups -- kill -KILL "$child"
	child_state() { ps -o stat= -p "$child" 2>/dev/null; }
	# A dying process sits in D a moment (its namespaces go) before it is a zombie.
	wait_for 5 eval '[[ $(child_state) != [SRD]* ]]'
	is "$(child_state)" Z "the killed child's pid stays taken (a zombie) until netjail reaps it"
	# Test shortcut for "fork until the pid comes round": the next pid is the child's.
	echo $((child - 1)) >/proc/sys/kernel/ns_last_pid
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		unshare -Urn ip -o monitor link >"$LAB_TMP/monitor" 2>&1 </dev/null &
	attacker=$!
	LAB_PIDS+=("$attacker")
	diag "the jail's child was pid $child; the attacker's namespace is held by pid $attacker"
	# The monitor listens (it sleeps in recvmsg) before the supervisor goes on.
	wait_for 5 eval '[[ $(cat /proc/$attacker/comm) == ip && $(cut -d" " -f1 /proc/$attacker/syscall) != running ]]'
	kill -USR1 "$holder"
	finish "$supervisor" 20
	check "netjail ends with 125, or 137 for its killed child, after its own teardown (got $RC)" \
		test "$RC" = 125 -o "$RC" = 137
	is "$(cat "$LAB_TMP/monitor")" "" "no link ever appears in the attacker's namespace"
	is "$(nsenter -t "$attacker" -n ip -o link | grep -vc ': lo:')" 0 \
		"... and none is there at the end"
	check "the jail is set up in the namespace its child handed over, though that child is dead" \
		grep -q '^netjail: running true in jail nj' "$LAB_TMP/drained"
	[[ $TAP_FAILED -eq 0 ]] || diag "$(sed 's/^x*//' "$LAB_TMP/drained")"
	kill -KILL "$attacker"
	wait "$attacker" 2>/dev/null
else
	not_ok "the supervisor is held on its stderr while the child waits, its namespaces made"
	diag "supervisor: $(cat "/proc/$supervisor/syscall" 2>&1)" "calibration:" "$(cat "$LAB_TMP/calibration")"
	kill -USR1 "$holder"
	finish "$supervisor" 20
fi
{ kill -KILL "$holder" && wait "$holder"; } 2>/dev/null

wait_for 5 no_jail_links
assert_host_unchanged "$before"
tap_done
