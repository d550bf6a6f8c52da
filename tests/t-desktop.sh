#!/bin/bash
# t-desktop.sh - netjail --desktop-entry: the launcher is found by path or by desktop file ID
# (XDG_DATA_HOME, then XDG_DATA_DIRS), its copy in $XDG_DATA_HOME/applications runs the
# original command through netjail's absolute path and the options (canonical, a profile
# path made absolute), its Name says the uplink, D-Bus activation is off, everything else
# is as it was; refusals are one line, 125 and no file; through the setuid binary the copy
# is the user's; and the Exec line written really runs the command in a jail on its uplink.
# Every HOME and XDG directory is the test's own, under $LAB_TMP.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test

root=$LAB_TMP/desktop
home=$root/home
sys1=$root/share1
sys2=$root/share2
apps=$home/.local/share/applications
mkdir -p "$home" "$sys1/applications" "$sys2/applications" "$root/work"
chmod -R a+rX "$root"

cat >"$sys2/applications/game.desktop" <<'EOF'
# shipped by the game
[Desktop Entry]
Type=Application
Name=Game
Name[de]=Spiel
Comment=A game
TryExec=game
Exec=game --fullscreen %U
Icon=game
DBusActivatable=true
Actions=Store;

[Desktop Action Store]
Name=Store
Exec=game "store://front page"

[X-Vendor Extra]
Exec=not-run-by-menus
EOF

# dj ARGS...: netjail as root with the test's home and data directories.
dj() { HOME=$home XDG_DATA_HOME= XDG_DATA_DIRS=$sys1:$sys2 nj "$@"; }
# key FILE KEY: the value of the first KEY= line in FILE.
key() { sed -n "s/^$2=//p" "$1" | head -n 1; }
# only_originals: nothing but what the test put there is in $apps (no copy, no temporary file).
only_originals() { [[ -z $(ls -A "$apps" 2>/dev/null | grep -v '^game.desktop$') ]]; }

# ---------------------------------------------------------------------------- the copy

out=$(dj --desktop-entry game.desktop -i up1 2>&1); rc=$?
is "$rc" 0 "--desktop-entry game.desktop -i up1 exits 0"
copy=$apps/netjail-up1-game.desktop
is "$out" "$copy" "... printing the path it wrote: \$XDG_DATA_HOME/applications/netjail-UPLINK-NAME.desktop"
is "$(stat -c %a "$copy" 2>&1)" 644 "... mode 644"
if command -v desktop-file-validate >/dev/null; then
	v=$(desktop-file-validate "$copy" 2>&1)
	check "the copy passes desktop-file-validate" fails grep -q 'error:' <<<"$v"
	[[ $v != *error:* ]] || diag "$v"
else
	skip "the copy passes desktop-file-validate" "package desktop-file-utils not installed"
fi
is "$(key "$copy" Exec)" "$NETJAIL -i up1 -- game --fullscreen %U" \
	"Exec: netjail's absolute path, the options, --, then the original with its field code"
is "$(key "$copy" Name)" "Game (up1)" "Name says the uplink"
is "$(key "$copy" 'Name\[de\]')" "Spiel (up1)" "... and so do the translated names"
is "$(key "$copy" DBusActivatable)" false "DBusActivatable=true is turned off (it would bypass Exec)"
is "$(key "$copy" TryExec)" game "TryExec stays"
is "$(sed -n '/^\[Desktop Action Store\]/,/^$/s/^Exec=//p' "$copy")" \
	"$NETJAIL -i up1 -- game \"store://front page\"" "an action's Exec is wrapped too"
is "$(sed -n '/^\[X-Vendor Extra\]/,$s/^Exec=//p' "$copy")" not-run-by-menus "other groups are left alone"
is "$(diff <(grep -vE '^(Exec|Name|Name\[de\]|DBusActivatable)=' "$sys2/applications/game.desktop") \
	<(grep -vE '^(Exec|Name|Name\[de\]|DBusActivatable)=' "$copy") 2>&1)" "" \
	"every other line is as it was, comments and order included"

# Every option, canonical; a relative profile path made absolute (the menu runs it elsewhere).
printf '[netjail]\ninterface = up0\n' >"$root/work/game.conf"
(cd "$root/work" && dj --desktop-entry "$sys2/applications/game.desktop" -vi up1 -g 198.51.100.1 \
	-d 9.9.9.9 -d 2620:fe::fe -P 8080:80 -P 192.0.2.2:5353:53/udp -p ./game.conf --no-ipv6 \
	>/dev/null 2>&1)
is "$(key "$copy" Exec)" "$NETJAIL -i up1 -g 198.51.100.1 -d 9.9.9.9 -d 2620:fe::fe -P 8080:80/tcp -P 192.0.2.2:5353:53/udp -p $root/work/game.conf --no-ipv6 -v -- game --fullscreen %U" \
	"all options in canonical form, -p ./game.conf made absolute; run again, the copy is replaced"
is "$(ls -A "$apps" | paste -sd ' ')" netjail-up1-game.desktop "... and no temporary file is left"
(cd "$root/work" && dj --desktop-entry game -p ./game.conf >/dev/null 2>&1)
is "$(key "$apps/netjail-up0-game.desktop" Name)" "Game (up0)" "with -p alone, the profile's interface names the copy"
rm -f "$apps"/netjail-*

# Lookup by ID: $XDG_DATA_HOME/applications first, then each of $XDG_DATA_DIRS in order.
sed 's/^Name=Game$/Name=Mine/' "$sys2/applications/game.desktop" >"$apps/game.desktop"
sed 's/^Name=Game$/Name=First/' "$sys2/applications/game.desktop" >"$sys1/applications/game.desktop"
dj --desktop-entry game.desktop -i up1 >/dev/null 2>&1
is "$(key "$copy" Name)" "Mine (up1)" "an ID is looked up in \$XDG_DATA_HOME/applications first"
rm "$apps/game.desktop"
dj --desktop-entry game.desktop -i up1 >/dev/null 2>&1
is "$(key "$copy" Name)" "First (up1)" "... then in the first of \$XDG_DATA_DIRS"
rm "$sys1/applications/game.desktop"
dj --desktop-entry game -i up1 >/dev/null 2>&1
is "$(key "$copy" Name)" "Game (up1)" "... then the next (and .desktop may be left out)"
rm -f "$copy"
out=$(HOME=$home XDG_DATA_HOME=$root/data XDG_DATA_DIRS=$sys2 nj --desktop-entry game.desktop -i up1 2>&1)
is "$out" "$root/data/applications/netjail-up1-game.desktop" "an absolute XDG_DATA_HOME is where the copy goes (created)"
out=$(cd "$root" && HOME=$home XDG_DATA_HOME=data XDG_DATA_DIRS=$sys2 nj --desktop-entry game.desktop -i up1 2>&1)
is "$out" "$copy" "a relative XDG_DATA_HOME is ignored, as the XDG spec says"
rm -rf "$root/data" "$apps"/*

# ---------------------------------------------------------------------------- refusals

# refused TEXT WORDS ARGS...: dj ARGS exits 125, one line "netjail: ..." containing WORDS on
# stderr, nothing on stdout, and no file is left in $apps.
refused() {
	local text=$1 words=$2 out err rc
	shift 2
	out=$(dj "$@" 2>"$root/err"); rc=$?
	err=$(cat "$root/err")
	if [[ $rc == 125 && -z $out && $(wc -l <<<"$err") == 1 && $err == "netjail: "*"$words"* ]] &&
		only_originals; then
		ok "$text"
	else
		not_ok "$text"
		diag "rc $rc, stdout '$out', stderr:" "$err" "in $apps:" "$(ls -A "$apps" 2>&1)"
	fi
}
refused "a launcher ID found nowhere: 125, saying where it looked" \
	"no launcher 'nosuch.desktop' in $apps, $sys1/applications, $sys2/applications" \
	--desktop-entry nosuch.desktop -i up1
refused "a missing launcher file: 125" "No such file or directory" --desktop-entry ./nosuch.desktop -i up1
printf '[Desktop Entry]\nType=Link\nName=Site\nURL=https://example.org/\n' >"$root/link.desktop"
refused "a launcher that is not an Application: 125" "Type is 'Link', not Application" \
	--desktop-entry "$root/link.desktop" -i up1
printf '[Desktop Entry]\nType=Application\nName=Ed\nDBusActivatable=true\n' >"$root/dbus.desktop"
refused "a launcher with no Exec (D-Bus only): 125" "no Exec in [Desktop Entry]" \
	--desktop-entry "$root/dbus.desktop" -i up1
refused "no uplink: 125" "needs an uplink" --desktop-entry game.desktop
printf '[netjail]\ncommand = game\n' >"$root/noif.conf"
refused "a profile that gives no uplink either: 125" "neither the command line nor the profile gives an uplink" \
	--desktop-entry game.desktop -p "$root/noif.conf"
printf '[netjail]\ninterface = up1\nuplink = up0\n' >"$root/typo.conf"
refused "a broken profile is refused now, not at each launch: 125" "typo.conf:3: unknown key 'uplink'" \
	--desktop-entry game.desktop -p "$root/typo.conf"
refused "a command after the options: 125" "unexpected argument" --desktop-entry game.desktop -i up1 steam
mkdir -p "$apps"
dj --desktop-entry game.desktop -i up0 >/dev/null 2>&1
mv "$apps/netjail-up0-game.desktop" "$root/wrapped.desktop"
refused "a copy netjail wrote is not wrapped again: 125" "runs netjail already" \
	--desktop-entry "$root/wrapped.desktop" -i up1
ln -s "$sys2/applications/game.desktop" "$apps/netjail-up1-game.desktop"
out=$(dj --desktop-entry "$sys2/applications/game.desktop" -i up1 2>&1); rc=$?
is "$rc" 125 "a destination that is the launcher itself (a link to it) is refused with 125"
check "... and the launcher is untouched" cmp -s <(key "$sys2/applications/game.desktop" Exec) <(echo 'game --fullscreen %U')
rm -f "$apps/netjail-up1-game.desktop"
mkdir "$apps/netjail-up1-game.desktop"
out=$(dj --desktop-entry game.desktop -i up1 2>&1); rc=$?
is "$rc" 125 "a destination that cannot be replaced (a directory) is refused with 125"
is "$(ls -A "$apps" | paste -sd ' ')" netjail-up1-game.desktop "... and the temporary file is removed"
rmdir "$apps/netjail-up1-game.desktop"
# A long path is named whole (base cut it at 64 characters).
deep=$root/a-directory-with-a-rather-long-name/and-another-one-below-it-for-good-measure
mkdir -p "$deep/x.desktop"
refused "a launcher path of $((${#deep} + 10)) characters is named whole" \
	"cannot read $deep/x.desktop: not a regular file" --desktop-entry "$deep/x.desktop" -i up1

# An uplink that does not exist now: the launcher is written (a VPN may come later), with a word.
out=$(dj --desktop-entry game.desktop -i nosuch0 2>"$root/err"); rc=$?
is "$rc:$out" "0:$apps/netjail-nosuch0-game.desktop" "an uplink that does not exist: the launcher is still written"
is "$(cat "$root/err")" "netjail: warning: there is no interface named 'nosuch0' at the moment: the launcher will fail until there is" \
	"... with one warning line naming it"
is "$(dj --desktop-entry game.desktop -i up1 2>&1 >/dev/null)" "" "... and no warning for one that exists"
rm -f "$apps"/netjail-*

# ---------------------------------------------------------------------------- an ordinary user

mkdir -p /run/njpriv
cp "$NETJAIL" /run/njpriv/netjail
chown root:root /run/njpriv/netjail
chmod 4755 /run/njpriv/netjail
nhome=$root/nobody
mkdir -p "$nhome"
chown 65534:65534 "$nhome"
# nobody_dj ARGS...: the setuid copy run by uid 65534 with its own home.
nobody_dj() { HOME=$nhome XDG_DATA_HOME= XDG_DATA_DIRS=$sys2 as_nobody /run/njpriv/netjail "$@"; }
out=$(nobody_dj --desktop-entry game.desktop -i up1 2>&1); rc=$?
ncopy=$nhome/.local/share/applications/netjail-up1-game.desktop
is "$rc" 0 "uid 65534 through the setuid binary: exits 0"
is "$out" "$ncopy" "... writing in its own home"
is "$(stat -c '%u:%g %a' "$ncopy" "$nhome/.local/share/applications" 2>&1 | paste -sd ' ')" \
	"65534:65534 644 65534:65534 755" "... a copy and directories owned by the user, not root"
is "$(key "$ncopy" Exec)" "/run/njpriv/netjail -i up1 -- game --fullscreen %U" "... running the binary it was made with"
cp "$sys2/applications/game.desktop" "$root/secret.desktop"
chmod 0600 "$root/secret.desktop"
out=$(nobody_dj --desktop-entry "$root/secret.desktop" -i up1 2>&1); rc=$?
is "$rc" 125 "a launcher the user cannot read is refused with 125 (read with the user's rights)"
check "... as permission denied" grep -q '^netjail: cannot read .*Permission denied' <<<"$out"
chmod 0555 "$nhome/.local/share/applications"
rm -f "$ncopy"
out=$(nobody_dj --desktop-entry game.desktop -i up1 2>&1); rc=$?
is "$rc" 125 "an applications directory the user cannot write: 125 (written with the user's rights)"
is "$(ls -A "$nhome/.local/share/applications")" "" "... and nothing is left in it"

# ---------------------------------------------------------------------------- the copy runs

# The Exec line as a launcher runs it: string escapes undone ("\\" is "\"), then the spec's
# quoting, which for what netjail writes is the shell's double quotes.
cat >"$sys2/applications/probe.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Name=Probe
Exec=socat -T3 -t3 - TCP:203.0.113.10:7
EOF
dj --desktop-entry probe.desktop -i up1 -g 198.51.100.1 >/dev/null 2>&1
exec_line=$(key "$apps/netjail-up1-probe.desktop" Exec | sed 's/\\\\/\\/g')
is "$(timeout 20 sh -c "$exec_line" </dev/null 2>&1 | tr -d '\r')" 198.51.100.2 \
	"the Exec line written runs the command in a jail whose traffic leaves by up1"

assert_host_unchanged "$before"
tap_done
