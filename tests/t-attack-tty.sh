#!/bin/bash
# t-attack-tty.sh - root runs `netjail -u 65534` on a terminal: the command, another user's,
# must not be able to type into root's shell (TIOCSTI on a shared controlling tty).  It runs
# in a session of its own with no controlling terminal; Ctrl-C on root's terminal still ends
# it (netjail forwards the terminal's SIGINT, exit 130), as a signal sent to netjail does.  The
# caller's own command keeps the terminal.
#
# A pseudo-terminal (python3's pty module) plays root's terminal: a shell on it runs netjail,
# then reads one line, as root's interactive shell would read its next command.  The jailed
# program pushes "echo INJECTED..." into the terminal with TIOCSTI; the test then types
# "clean": the shell must read "clean", not the injected line.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy

# Where dev.tty.legacy_tiocsti is 0 (CONFIG_LEGACY_TIOCSTI=n, e.g. Debian's 6.12) the kernel
# refuses TIOCSTI to every process without CAP_SYS_ADMIN with EIO, before it would look at
# whose terminal it is (EPERM): the refusal to expect.  The session and controlling-tty
# checks below still show netjail's part.
refusal="Operation not permitted"
if [[ $(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1) != 1 ]]; then
	diag "dev.tty.legacy_tiocsti is 0: TIOCSTI is off for everyone, the attack cannot succeed"
	refusal="Input/output error"
fi

mkdir -p /run/njtty
chmod 0755 /run/njtty
# ttyprobe [inject] [wait]: pid, session, controlling tty (stat's tty_nr) and, with inject,
# what TIOCSTI said; with wait, "ready" and then wait for a signal.
cat >"$LAB_TMP/ttyprobe.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *line = "echo INJECTED-BY-65534\n", *tiocsti = "not tried";
	char stat[512] = "", *end;
	int fd = open("/proc/self/stat", O_RDONLY), tty_nr = -1, dev_tty;
	ssize_t got = fd >= 0 ? read(fd, stat, sizeof(stat) - 1) : -1;

	/* After the ")" of comm: state ppid pgrp session tty_nr. */
	if (got > 0 && (end = strrchr(stat, ')')))
		sscanf(end + 1, " %*c %*d %*d %*d %d", &tty_nr);
	int dev_tty_errno;

	dev_tty = open("/dev/tty", O_RDWR | O_NOCTTY);
	dev_tty_errno = errno;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "inject"))
			continue;
		tiocsti = "ok";
		for (const char *c = line; *c; c++)
			if (ioctl(0, TIOCSTI, c)) {
				tiocsti = strerror(errno);
				break;
			}
	}
	printf("probe: own-session=%s tty_nr=%d /dev/tty=%s tiocsti=%s\n",
	       getsid(0) == getpid() ? "yes" : "no", tty_nr,
	       dev_tty >= 0 ? "opens" : strerror(dev_tty_errno), tiocsti);
	if (argc > 1 && !strcmp(argv[argc - 1], "wait")) {
		puts("ready");
		fflush(stdout);
		pause();
	}
	return 0;
}
EOF
# ptyrun MODE CMD...: run CMD on a new pseudo-terminal as its session leader; print what the
# terminal showed and "status=N".  MODE "shell": after CMD, a shell reads one line from the
# terminal and shows it as shell-read=[...]; the test types "clean" once CMD has exited.
# MODE "ctrl-c": type ^C once CMD printed "ready".
cat >"$LAB_TMP/ptyrun.py" <<'EOF'
import os, pty, select, signal, sys, time

mode, cmd = sys.argv[1], sys.argv[2:]
pid, master = pty.fork()
if pid == 0:
    # As on a login terminal: a test run in the background would pass on SIGINT ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    if mode == "shell":
        os.execvp("sh", ["sh", "-c", '"$@"; echo "nj-exit=$?"; IFS= read -r line; '
                         'echo "shell-read=[$line]"', "sh"] + cmd)
    os.execvp(cmd[0], cmd)
seen, typed, deadline = b"", False, time.monotonic() + 40
while time.monotonic() < deadline:
    ready, _, _ = select.select([master], [], [], 0.5)
    if not ready:
        continue
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    seen += data
    if not typed and mode == "shell" and b"nj-exit=" in seen:
        os.write(master, b"clean\n")
        typed = True
    if not typed and mode == "ctrl-c" and b"ready" in seen:
        os.write(master, b"\x03")
        typed = True
else:
    os.kill(pid, signal.SIGKILL)
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace").replace("\r", ""))
print("\nstatus=%d" % os.waitstatus_to_exitcode(status))
EOF
if ! gcc -O2 -o /run/njtty/ttyprobe "$LAB_TMP/ttyprobe.c"; then
	echo "Bail out! cannot compile the tty probe"
	exit 1
fi
chmod 0755 /run/njtty/ttyprobe
ptyrun() { timeout -k 3 60 python3 "$LAB_TMP/ptyrun.py" "$@"; }

# 1. The attack: root's shell runs another user's command, which types into the terminal.
out=$(ptyrun shell "$NETJAIL" -u 65534 -i up1 -g 198.51.100.1 -- /run/njtty/ttyprobe inject)
probe=$(grep '^probe:' <<<"$out")
check "root's netjail -u 65534 ran the probe and exited 0" grep -q '^nj-exit=0$' <<<"$out"
is "$(grep '^shell-read=' <<<"$out")" "shell-read=[clean]" \
	"root's shell reads what root typed, nothing the command injected"
check "... TIOCSTI was refused ($refusal)" grep -q "tiocsti=$refusal" <<<"$probe"
check "... the command is in a session of its own" grep -q 'own-session=yes' <<<"$probe"
check "... without a controlling terminal (tty_nr 0, /dev/tty does not open)" \
	grep -q 'tty_nr=0 /dev/tty=No such device or address' <<<"$probe"
[[ $TAP_FAILED -eq 0 ]] || diag "$out"

# 2. Ctrl-C on root's terminal still ends another user's command: netjail exits 130.
out=$(ptyrun ctrl-c "$NETJAIL" -u 65534 -i up1 -g 198.51.100.1 -- /run/njtty/ttyprobe wait)
check "Ctrl-C ends root's netjail -u 65534 with status 130" grep -q '^status=130$' <<<"$out"
check "... whose command was in its own session" grep -q 'own-session=yes' <<<"$out"
[[ $(grep -c '^status=130$' <<<"$out") == 1 ]] || diag "$out"

# ... and so does a signal sent to netjail (root's supervisor needs CAP_KILL for that).
nj_bg -u 65534 -i up1 -g 198.51.100.1 -- sh -c 'echo ready; exec sleep 3002' \
	>"$LAB_TMP/term.out" 2>&1 </dev/null
if wait_for 10 grep -q ready "$LAB_TMP/term.out"; then
	kill -TERM "$NJ_PID"
	finish "$NJ_PID" 5
	is "$RC" 143 "SIGTERM to root's netjail -u 65534 reaches the command: exit 143"
else
	not_ok "root's netjail -u 65534 -- sleep came up"
	diag "$(cat "$LAB_TMP/term.out")"
fi

# 3. The caller's own command keeps the terminal: the user through the setuid copy, and root.
out=$(ptyrun shell setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	"$SUID_NJ" -i up1 -g 198.51.100.1 -- /run/njtty/ttyprobe)
check "uid 65534's own netjail: the command keeps its session and terminal" \
	grep -q '^probe: own-session=no tty_nr=[1-9][0-9]* /dev/tty=opens' <<<"$out"
out=$(ptyrun ctrl-c setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	"$SUID_NJ" -i up1 -g 198.51.100.1 -- /run/njtty/ttyprobe wait)
check "... and Ctrl-C ends it with status 130" grep -q '^status=130$' <<<"$out"
out=$(ptyrun shell "$NETJAIL" -i up1 -g 198.51.100.1 -- /run/njtty/ttyprobe)
check "root's own netjail: the command keeps its session and terminal" \
	grep -q '^probe: own-session=no tty_nr=[1-9][0-9]* /dev/tty=opens' <<<"$out"

wait_for 5 no_jail_links
assert_host_unchanged "$before"
tap_done
