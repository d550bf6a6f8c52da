#!/bin/bash
# t-desktop-running.sh - the warning for a single-instance program already running outside a
# jail, as an ordinary user through the setuid binary in a desktop session (DISPLAY set):
# what the program really is (Debian's firefox script runs firefox-esr; a wrapper script's
# exec line; Chrome's "$HERE/chrome"; a symlink), and no warning for shells, interpreters and
# tools, none for one that is itself in a jail, none outside a session.  The launcher script
# is read as the user, and a FIFO or an unreadable script does not trip netjail.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test

mkdir -p /run/njpriv && cp "$NETJAIL" /run/njpriv/netjail && chmod 4755 /run/njpriv/netjail
export DISPLAY=:97	# a desktop session (no X server needed: nothing here draws)
nj_user() { as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 "$@"; }
# outside NAME ARGS...: run the binary /run/njbin/NAME as uid 65534 outside any jail; OUT_PID.
outside() {
	lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	OUT_PID=$!
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
warned_about() { grep -q "^netjail: warning: $1 is already running outside a jail (pid $2)" <<<"$3"; }

bin=/run/njbin
mkdir -p "$bin"
sleep_bin=$(command -v sleep)
# The "browsers": copies of sleep, so each process goes by the binary's name as a browser does.
cp "$sleep_bin" "$bin/firefox-esr"
cp "$sleep_bin" "$bin/chrome"
printf '#!/bin/sh\n# as Debian ships it\nexec %s/firefox-esr "$@"\n' "$bin" >"$bin/firefox"
printf '#!/bin/sh\nHERE=%s\nexport CHROME_WRAPPER=x\nexec -a "$0" "$HERE/chrome" "$@"\n' "$bin" >"$bin/google-chrome"
printf '#!/bin/sh\n[ -n "$X" ] || X=1\nexec env\nexec %s/firefox "$@"\n' "$bin" >"$bin/my-browser"
chmod 755 "$bin"/*
export PATH=$bin:$PATH

outside "$bin/firefox-esr" 60
ff=$OUT_PID
wait_for 5 pgrep -x firefox-esr >/dev/null
err=$(nj_user -- firefox 0 2>&1)
check "firefox (a script that runs firefox-esr) while firefox-esr runs outside: one warning with its pid" \
	warned_about firefox "$ff" "$err"
err=$(nj_user -- my-browser 0 2>&1)
check "... a wrapper of that wrapper (its exec lines followed) too" \
	warned_about my-browser "$ff" "$err"
ln -s "$bin/firefox-esr" /run/njlink
err=$(nj_user -- /run/njlink 0 2>&1)
check "... a symlink to the running program's file too" warned_about /run/njlink "$ff" "$err"
is "$(unset DISPLAY; nj_user -- firefox 0 2>&1)" "" "... and no warning (no scan) outside a desktop session"
stop "$ff"
wait_for 5 fails pgrep -x firefox-esr

outside "$bin/chrome" 60
chrome=$OUT_PID
wait_for 5 pgrep -x chrome >/dev/null
err=$(nj_user -- google-chrome 0 2>&1)
check "google-chrome (exec -a \"\$0\" \"\$HERE/chrome\") while chrome runs outside: warned" \
	warned_about google-chrome "$chrome" "$err"
stop "$chrome"

# Shells, interpreters and tools are not single-instance: one running outside is no news.
outside sleep 60
s1=$OUT_PID
outside bash -c 'sleep 60; true'
s2=$OUT_PID
outside /usr/bin/python3 -c 'import time; time.sleep(60)'
s3=$OUT_PID
wait_for 5 pgrep -x -U 65534 python3 >/dev/null
is "$(nj_user -- sleep 0 2>&1)" "" "sleep while a sleep runs outside: no warning"
is "$(nj_user -- bash -c true 2>&1)" "" "bash while a bash runs outside: no warning"
is "$(nj_user -- /usr/bin/python3 -c pass 2>&1)" "" "python3 while a python3 runs outside: no warning"
stop "$s1"; stop "$s2"; stop "$s3"

# Itself in a jail: no warning.
as_nobody /run/njpriv/netjail -i up0 -- "$bin/firefox-esr" 30 </dev/null >/dev/null 2>&1 &
injail=$!
wait_for 5 pgrep -x firefox-esr >/dev/null
is "$(nj_user -- firefox 0 2>&1)" "" "no warning when the running one is itself in a jail"
kill "$(pgrep -x -U 65534 netjail)"; wait "$injail" 2>/dev/null

# The launcher is read as the user, only if it is a regular file, and never hangs netjail.
outside "$bin/firefox-esr" 60
ff=$OUT_PID
wait_for 5 pgrep -x firefox-esr >/dev/null
printf '#!/bin/sh\nexec %s/firefox-esr "$@"\n' "$bin" >"$bin/secret-browser"
chmod 711 "$bin/secret-browser"
err=$(nj_user -- secret-browser 0 2>&1)
check "a launcher script the user cannot read is not read (as root it could be): no warning" \
	fails grep -q 'already running' <<<"$err"
mkfifo -m 755 "$bin/fifo-browser"
timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	/run/njpriv/netjail -i up1 -g 198.51.100.1 -- fifo-browser >/dev/null 2>&1
rc=$?
check "a FIFO for a command does not hang netjail (exit $rc)" test "$rc" -ne 124
stop "$ff"

assert_host_unchanged "$before"
tap_done
