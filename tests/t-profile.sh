#!/bin/bash
# t-profile.sh - profiles: found in the user's directory first, then /etc/netjail/profiles,
# then the shipped one; a path works too; every key reaches the run (uplink and gateway,
# command, environment, dbus, ipv6), the command line wins option by option, bad files are
# refused with file:line and 125, and a profile cannot get past the admin's policy; the
# shipped Firefox profile makes and uses a Firefox profile directory of its own (mkdir, ~/).
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test
if ! lab_writable_etc || ! lab_writable "$(strings "$NETJAIL" | grep -m1 '/share/netjail/profiles$')"; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc and share directory"
	exit 0
fi
shipped=$(strings "$NETJAIL" | grep -m1 '/share/netjail/profiles$')
home=/run/njhome
mkdir -p "$home/.config/netjail/profiles" /etc/netjail/profiles
chmod -R a+rX "$home"
mine=$home/.config/netjail/profiles
# nj_as_home ARGS...: netjail as root with HOME pointing at the test's home.
nj_as_home() { HOME=$home XDG_CONFIG_HOME= nj "$@"; }

probe='socat -T3 -t3 - TCP:203.0.113.10:7'
printf '[netjail]\ninterface = up1\ngateway = 198.51.100.1\ncommand = %s\n' "$probe" >"$mine/probe.conf"
is "$(nj_as_home -p probe </dev/null 2>&1)" 198.51.100.2 "-p probe (the user's): uplink, gateway and command from the profile"
is "$(nj_as_home -p probe -i up0 </dev/null 2>&1)" 192.0.2.2 \
	"-i on the command line wins (and the profile's gateway, up1's, is not carried over)"
is "$(nj_as_home -p probe -- echo mine 2>&1)" mine "a COMMAND on the command line wins over the profile's"
is "$(nj -p "$mine/probe.conf" </dev/null 2>&1)" 198.51.100.2 "-p with a path reads that file"

# Search order: the user's, then /etc/netjail/profiles, then the shipped directory.
for where in "$shipped" /etc/netjail/profiles "$mine"; do
	printf '[netjail]\ninterface = up0\ncommand = echo %s\n' "$where" >"$where/order.conf"
done
is "$(nj_as_home -p order 2>&1)" "$mine" "a profile in ~/.config/netjail/profiles comes first"
rm "$mine/order.conf"
is "$(nj_as_home -p order 2>&1)" /etc/netjail/profiles "... then /etc/netjail/profiles"
rm /etc/netjail/profiles/order.conf
is "$(nj_as_home -p order 2>&1)" "$shipped" "... then the shipped $shipped"
rm "$shipped/order.conf"

# The environment keys, dbus and ipv6.
cat >"$mine/env.conf" <<'PROFILE'
[netjail]
interface = up0
command = env
setenv = GREETING=hello world
setenv = EMPTY=
unsetenv = DISPLAY
dbus = none
PROFILE
out=$(DISPLAY=:9 GREETING=old nj_as_home -p env 2>&1)
check "setenv sets a variable (replacing the caller's)" grep -qx 'GREETING=hello world' <<<"$out"
check "... also to an empty value" grep -qx 'EMPTY=' <<<"$out"
check "unsetenv removes the caller's DISPLAY" fails grep -q '^DISPLAY=' <<<"$out"
check "dbus = none gives the command a session bus address no library can use" \
	grep -qx 'DBUS_SESSION_BUS_ADDRESS=disabled:' <<<"$out"
printf '[netjail]\ninterface = up0\nipv6 = no\ncommand = cat /proc/sys/net/ipv6/conf/all/disable_ipv6\n' >"$mine/noipv6.conf"
is "$(nj_as_home -p noipv6 2>&1)" 1 "ipv6 = no switches IPv6 off in the jail, like --no-ipv6"

# Refusals: one line naming the file and line, 125, nothing left behind.
printf '[netjail]\ninterface = up0\nuplink = up1\ncommand = true\n' >"$mine/typo.conf"
err=$(nj_as_home -p typo 2>&1); rc=$?
is "$rc" 125 "an unknown key is refused with 125"
is "$err" "netjail: $mine/typo.conf:3: unknown key 'uplink'" "... naming the file, line and key"
printf '[netjail]\ninterface = up0\npublish = 80\ncommand = true\n' >"$mine/badport.conf"
check "a bad value is refused, with its line" sh -c "HOME=$home $NETJAIL -p badport 2>&1 | grep -q 'badport.conf:3: invalid port to publish'"
err=$(nj_as_home -p nosuch -- true 2>&1); rc=$?
is "$rc" 125 "a profile that exists nowhere is refused with 125"
check "... saying where netjail looked" grep -q "no profile named 'nosuch' (looked in $mine" <<<"$err"
mkfifo "$mine/fifo.conf"
check "a FIFO in place of a profile is refused at once, not waited on" \
	sh -c "HOME=$home timeout 5 $NETJAIL -p fifo -- true 2>&1 | grep -q 'fifo.conf: not a regular file'"
printf '[netjail]\ninterface = up0\n\0command = rm -rf x\n' >"$mine/nul.conf"
check "a profile with a NUL byte is refused, not read up to it" \
	sh -c "HOME=$home $NETJAIL -p nul -- true 2>&1 | grep -q 'contains a NUL byte'"
printf '[netjail]\ncommand = true\n' >"$mine/nouplink.conf"
check "a profile without an interface needs -i" \
	sh -c "HOME=$home $NETJAIL -p nouplink 2>&1 | grep -q 'neither the command line nor the profile gives an uplink'"

# An ordinary user: the profile is read with their rights, and the policy still holds.
mkdir -p /run/njpriv
cp "$NETJAIL" /run/njpriv/netjail
chmod 4755 /run/njpriv/netjail
chown -R 65534:65534 "$home"
printf '[policy]\ninterfaces = up1\n' >/etc/netjail/netjail.conf
printf '[netjail]\ninterface = up0\ncommand = true\n' >"$mine/up0.conf"
chown 65534:65534 "$mine/up0.conf"
err=$(HOME=$home as_nobody /run/njpriv/netjail -p up0 2>&1); rc=$?
is "$rc" 125 "a user's profile naming an uplink the policy denies is refused with 125"
check "... by the policy" grep -q "does not let users choose 'up0'" <<<"$err"
is "$(HOME=$home as_nobody /run/njpriv/netjail -p probe </dev/null 2>&1)" 198.51.100.2 \
	"the user's own profile for an allowed uplink works through the setuid binary"
chmod 0600 "$mine/probe.conf"
chown root:root "$mine/probe.conf"
err=$(HOME=$home as_nobody /run/njpriv/netjail -p probe </dev/null 2>&1); rc=$?
is "$rc" 125 "a profile the user cannot read is refused with 125 (read with the user's rights)"
check "... as permission denied" grep -q "Permission denied" <<<"$err"
rm -f /etc/netjail/netjail.conf

# The shipped Firefox profile, as installed: its own Firefox profile directory, made as the
# user before the first start (else Firefox opens its profile chooser).  A stand-in firefox
# on PATH reports what it was given and what it finds.
cp "$LAB_DIR/../profiles/firefox.conf" "$shipped/firefox.conf"
mkdir -p /run/njbin
# shellcheck disable=SC2016  # for the stand-in's shell
printf '#!/bin/sh
echo "$@"
stat -c "%%U %%a" "$3"
' >/run/njbin/firefox
chmod 755 /run/njbin/firefox
ffdir=$home/.local/share/netjail/firefox
out=$(HOME=$home PATH=/run/njbin:$PATH as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 -p firefox 2>&1)
is "$out" "--no-remote --profile $ffdir
nobody 700" "-p firefox: firefox --no-remote --profile ~/.local/share/netjail/firefox, made first, the user's, 0700"
is "$(stat -c '%U' "$home/.local" "$home/.local/share/netjail" 2>&1 | paste -sd ' ')" "nobody nobody" \
	"... the directories above it are the user's too"
out=$(HOME=$home PATH=/run/njbin:$PATH as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 -p firefox 2>&1)
is "$out" "--no-remote --profile $ffdir
nobody 700" "... and the second start uses it as it is"
printf '[netjail]\ninterface = up0\nmkdir = ~/../x\ncommand = true\n' >"$mine/updir.conf"
err=$(nj_as_home -p updir 2>&1); rc=$?
is "$rc:$err" "125:netjail: $mine/updir.conf:3: invalid mkdir '~/../x': expected a directory in the home, such as ~/.local/share/netjail/firefox" \
	"mkdir outside the home is refused with 125, naming file and line"
is "$(nj_as_home -i up0 -- echo '~/x' 2>&1)" "~/x" "~/ on the command line (quoted) stays as it is: only a profile's is expanded"

assert_host_unchanged "$before"
tap_done
