#!/bin/bash
# t-gui.sh - desktop programs in the jail, run by an ordinary user through the setuid
# binary: a real X server (Xvfb) and real X clients, the D-Bus session bus (by path; an
# abstract-only address replaced by $XDG_RUNTIME_DIR/bus; hidden with dbus = none), the
# Wayland/PipeWire/PulseAudio sockets in $XDG_RUNTIME_DIR, and errors in syslog when there is
# no terminal.  (The warning for a program already running outside: t-desktop-running.sh.)
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test
for tool in Xvfb xdpyinfo xprop xauth dbus-daemon dbus-send; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP $tool is not installed (make deps)"
		exit 0
	fi
done
# The lab's own /tmp and /dev (for /tmp/.X11-unix and /dev/log), seen by the lab only.
if ! lab_writable /tmp || ! lab_writable /dev; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /tmp and /dev"
	exit 0
fi

mkdir -p /run/njpriv && cp "$NETJAIL" /run/njpriv/netjail && chmod 4755 /run/njpriv/netjail
nj_user() { as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 "$@"; }
runtime=/run/user/65534
mkdir -p "$runtime" && chown 65534:65534 "$runtime" && chmod 0700 "$runtime"
export XDG_RUNTIME_DIR=$runtime

# ------------------------------------------------------------------ X11
mkdir -p /tmp/.X11-unix && chmod 1777 /tmp/.X11-unix
export XAUTHORITY=/run/njx.auth
xauth -q -f "$XAUTHORITY" add :7 . "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" 2>/dev/null
chown 65534 "$XAUTHORITY"
lab_bg Xvfb :7 -noreset -nolisten tcp -auth "$XAUTHORITY" -screen 0 320x200x24
export DISPLAY=:7
wait_for 10 test -S /tmp/.X11-unix/X7
check "(control) an X client outside the jail reaches Xvfb" as_nobody xdpyinfo -display :7 >/dev/null 2>&1
out=$(nj_user -- xdpyinfo 2>&1); rc=$?
is "$rc" 0 "xdpyinfo in the jail, as uid 65534, through the setuid binary, exits 0"
check "... and talked to display :7" grep -q '^name of display:[[:space:]]*:7' <<<"$out"
nj_user -- xprop -root -f NETJAIL_TEST 8s -set NETJAIL_TEST jailed 2>/dev/null
is "$(as_nobody xprop -display :7 -root NETJAIL_TEST 2>/dev/null)" 'NETJAIL_TEST(STRING) = "jailed"' \
	"a property an X client in the jail set is seen outside"
xauth -q -f /run/njx.wrong add :7 . 00000000000000000000000000000000 2>/dev/null && chown 65534 /run/njx.wrong
with_wrong_cookie() { XAUTHORITY=/run/njx.wrong "$@" >/dev/null 2>&1; }
check "(control) with the wrong cookie the X server refuses the jailed client" \
	fails with_wrong_cookie nj_user -- xdpyinfo

# An X server on the abstract socket only cannot be reached from another network namespace.
xauth -q -f "$XAUTHORITY" add :8 . "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" 2>/dev/null
lab_bg Xvfb :8 -nolisten tcp -nolisten unix -auth "$XAUTHORITY" -screen 0 320x200x24
wait_for 10 grep -q '@/tmp/.X11-unix/X8' /proc/net/unix
err=$(DISPLAY=:8 nj_user -- true 2>&1)
check "an X server only on an abstract socket: one warning line says X programs will fail" \
	grep -q '^netjail: warning: X display :8 listens only on an abstract socket' <<<"$err"
is "$(nj_user -- true 2>&1)" "" "... and no warning for a display with a socket file"

# ------------------------------------------------------------------ D-Bus session bus
bus=$runtime/bus
lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	dbus-daemon --session --nofork --address="unix:path=$bus"
lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	dbus-daemon --session --nofork --address=unix:abstract=/tmp/njtest-bus
wait_for 10 test -S "$bus"
wait_for 10 grep -q '@/tmp/njtest-bus' /proc/net/unix
# shellcheck disable=SC2016
list_names=(sh -c 'dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames >/dev/null 2>&1')
export DBUS_SESSION_BUS_ADDRESS="unix:path=$bus"
check "the session bus (unix:path=) works from the jail" nj_user -- "${list_names[@]}"
export DBUS_SESSION_BUS_ADDRESS=unix:abstract=/tmp/njtest-bus
check "(control) the abstract-only bus works outside the jail" as_nobody "${list_names[@]}"
check "(control) ... and not from another network namespace" \
	fails ip netns exec srv setpriv --reuid=65534 --regid=65534 --clear-groups -- "${list_names[@]}"
out=$(nj_user -- sh -c "echo \$DBUS_SESSION_BUS_ADDRESS; dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames >/dev/null 2>&1 && echo reached" 2>&1)
is "$out" "unix:path=$bus
reached" "an abstract-only bus address becomes \$XDG_RUNTIME_DIR/bus in the jail, which works"
mv "$bus" "$bus.away"
err=$(nj_user -- true 2>&1)
check "without \$XDG_RUNTIME_DIR/bus: one warning line that the abstract bus is out of reach" \
	grep -q '^netjail: warning: the D-Bus session bus .* abstract socket' <<<"$err"
mv "$bus.away" "$bus"

export DBUS_SESSION_BUS_ADDRESS="unix:path=$bus"
printf '[netjail]\ndbus = none\n' >/run/nobus.conf && chmod 644 /run/nobus.conf
out=$(nj_user -p /run/nobus.conf -- sh -c 'echo "$DBUS_SESSION_BUS_ADDRESS"; socat -T1 - "UNIX-CONNECT:$XDG_RUNTIME_DIR/bus" </dev/null && echo reached' 2>/dev/null)
is "$out" "disabled:" "dbus = none: no usable address, and \$XDG_RUNTIME_DIR/bus cannot be reached"
check "(control) the bus still works outside the jail" as_nobody "${list_names[@]}"
# shellcheck disable=SC2016  # for the jail's shell
by_path='dbus-send --bus="unix:path=$XDG_RUNTIME_DIR/bus" --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames >/dev/null 2>&1 && echo reached'
is "$(nj_user -- sh -c "$by_path")" reached "(control) without dbus = none, the jail reaches the bus by its path"
is "$(nj_user -p /run/nobus.conf -- sh -c "$by_path")" "" "... with it, not even by naming the socket's path"

# ------------------------------------------------------------------ Wayland, PipeWire, PulseAudio
mkdir -p "$runtime/pulse" && chown 65534 "$runtime/pulse"
for sock in wayland-0 pipewire-0 pulse/native; do
	lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		socat UNIX-LISTEN:"$runtime/$sock",fork SYSTEM:"echo $sock"
done
wait_for 5 test -S "$runtime/pulse/native"
# shellcheck disable=SC2016  # for the jail's shell
out=$(WAYLAND_DISPLAY=wayland-0 nj_user -- sh -c '
	for s in "$WAYLAND_DISPLAY" pipewire-0 pulse/native; do
		socat -T2 - "UNIX-CONNECT:$XDG_RUNTIME_DIR/$s" </dev/null
	done' 2>&1)
is "$(echo $out)" "wayland-0 pipewire-0 pulse/native" \
	"the Wayland, PipeWire and PulseAudio sockets in \$XDG_RUNTIME_DIR answer in the jail"
# sudo netjail: sudo drops XDG_RUNTIME_DIR; the user's /run/user/UID is given back.
# shellcheck disable=SC2016  # for the jail's shell
is "$(unset XDG_RUNTIME_DIR; SUDO_UID=65534 SUDO_GID=65534 nj -i up1 -g 198.51.100.1 -- sh -c 'echo $XDG_RUNTIME_DIR' 2>/dev/null)" \
	"$runtime" "sudo netjail: the command gets XDG_RUNTIME_DIR=/run/user/UID back"

# ------------------------------------------------------------------ syslog without a terminal
lab_bg socat -u UNIX-RECV:/dev/log,mode=666 OPEN:"$LAB_TMP/syslog",creat,append
wait_for 5 test -S /dev/log
nj_user -i nosuchif -- true >/dev/null 2>&1
wait_for 3 grep -q 'netjail\[[0-9]*\]: .*nosuchif' "$LAB_TMP/syslog"
check "with stderr not a terminal, the error also goes to syslog as netjail[PID]" \
	grep -q 'netjail\[[0-9]*\]: .*nosuchif' "$LAB_TMP/syslog"
check "... at priority user.err (<11>)" grep -q '^<11>.*nosuchif' "$LAB_TMP/syslog"

assert_host_unchanged "$before"
tap_done
