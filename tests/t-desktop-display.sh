#!/bin/bash
# t-desktop-display.sh - X over ssh -X: DISPLAY=localhost:10.0 is sshd's TCP port 6010 on
# the host's loopback, which the jail (with a loopback of its own) cannot reach.  netjail
# says so in one warning line before the program starts, naming DISPLAY and what to do; and
# what it says works: a relay to /tmp/.X11-unix/X10 and DISPLAY=:10 reach the server from the
# jail.  A real Xvfb listening on TCP only plays sshd's forwarded display.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test
for tool in Xvfb xdpyinfo socat; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP $tool is not installed (make deps)"
		exit 0
	fi
done
if ! lab_writable /tmp; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /tmp"
	exit 0
fi
mkdir -p /tmp/.X11-unix && chmod 1777 /tmp/.X11-unix
ip link set lo up

lab_bg Xvfb :10 -listen tcp -nolisten unix -nolisten local -ac -screen 0 320x200x24
wait_for 10 sh -c 'ss -ltn | grep -q ":6010 "'
check "(control) outside the jail, DISPLAY=localhost:10.0 reaches the X server" \
	quiet xdpyinfo -display localhost:10.0

err=$(DISPLAY=localhost:10.0 nj -i up0 -- xdpyinfo 2>&1 >/dev/null); rc=$?
check "in the jail it cannot (xdpyinfo fails)" test "$rc" -ne 0
line=$(grep '^netjail: warning: DISPLAY=' <<<"$err")
is "$(grep -c '^netjail: ' <<<"$err")" 1 "one netjail line, before the program's own error"
check "... a warning naming DISPLAY=localhost:10.0, ssh -X and that the jail cannot reach it" \
	grep -q "^netjail: warning: DISPLAY=localhost:10.0 is an X server on the host's loopback (ssh -X), which the jail cannot reach" <<<"$line"
check "... and the relay to use: socat to /tmp/.X11-unix/X10 and TCP:localhost:6010, then DISPLAY=:10" \
	grep -q 'socat UNIX-LISTEN:/tmp/.X11-unix/X10,fork TCP:localhost:6010 &`, and use DISPLAY=:10$' <<<"$line"
for display in 127.0.0.1:10 ::1:10.0; do
	check "... also for DISPLAY=$display" grep -q "^netjail: warning: DISPLAY=$display is an X server on the host's loopback" \
		<<<"$(DISPLAY=$display nj -i up0 -- true 2>&1)"
done
is "$(DISPLAY=203.0.113.10:0 nj -i up0 -- true 2>&1)" "" "no warning for a display on another host (reached by the uplink)"
is "$(DISPLAY=:10 nj -i up0 -- true 2>&1)" "" "... nor for a local display"

# What the warning says to do works.
lab_bg socat UNIX-LISTEN:/tmp/.X11-unix/X10,fork TCP:localhost:6010
wait_for 5 test -S /tmp/.X11-unix/X10
out=$(DISPLAY=:10 nj -i up0 -- xdpyinfo 2>&1)
check "with the relay, DISPLAY=:10 reaches the server from the jail" grep -q '^name of display:[[:space:]]*:10' <<<"$out"

assert_host_unchanged "$before"
tap_done
