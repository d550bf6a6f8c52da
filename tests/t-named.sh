#!/bin/bash
# t-named.sh - issue 21: named jails.  `netjail --name vpn -i up1 COMMAND` names its jail (shown
# by --list and --json); `netjail --join vpn COMMAND` runs one more program in it: it leaves by
# the same uplink (the server sees up1's address), from the same jail address, with its own exit
# status; the jail stays while a joined program lives after the first program ended, and goes
# with the last one; --stop ends joined programs too.  A second jail of a name already running
# is refused, --join of a name that runs nowhere is one clear line, and a joiner cannot pick
# the jail's settings.  --join-or-start starts the jail, then joins it; a launcher written with
# --name does that.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# The jail's address, as the program in it sees it on eth0.
jail_addr_cmd='ip -o -4 addr show dev eth0 | awk "{print \$4}"'
go() { echo go 1<>"$1"; }

# ---- a named jail, and a program joined to it
first_out=$LAB_TMP/first
nj_bg --name vpn -i up1 -g 198.51.100.1 -- sh -c "$jail_addr_cmd; exec sleep 60" >"$first_out" 2>&1
first=$NJ_PID
wait_for 10 test -s "$first_out"
first_addr=$(cat "$first_out")
check "a jail named vpn runs (its address $first_addr)" test -n "$first_addr" -a -d "/proc/$first"
list=$(nj --list 2>&1)
is "$(awk '$2 == "nj1" {print $9}' <<<"$list")" vpn "--list shows its name under NAME"
[[ $TAP_FAILED -eq 0 ]] || diag "$list"
nj --list --json >"$LAB_TMP/list.json" 2>&1
check "--list --json has \"name\":\"vpn\"" grep -q '"name":"vpn"' "$LAB_TMP/list.json"
is "$(nj --list-names 2>&1)" vpn "--list-names (for completion) prints vpn"

is "$(seen_source nj --join vpn --)" 198.51.100.2 \
	"netjail --join vpn: the joined program reaches the server by up1 (it saw 198.51.100.2)"
is "$(nj --join vpn -- sh -c "$jail_addr_cmd" 2>&1)" "$first_addr" \
	"... from the jail's own address ($first_addr)"
is "$(nj --join vpn -- sh -c 'exit 7' 2>&1; echo "rc=$?")" "rc=7" "... and netjail returns its own exit status"
is "$(nj --join vpn -- sh -c 'cat /etc/resolv.conf >/dev/null; pwd' 2>&1)" "$PWD" \
	"... in the directory it was started from"

# ---- refused: a clash, a name that runs nowhere, a joiner's own settings
out=$(nj --name vpn -i up0 -- true 2>&1); rc=$?
is "$rc|$out" "125|netjail: a jail named vpn is already running (pid $first); use --join vpn" \
	"a second jail named vpn is refused, naming the first"
is "$(jail_links)" nj1 "... and nothing of it is left"
out=$(nj --join nosuch -- true 2>&1); rc=$?
is "$rc|$out" "125|netjail: no jail named nosuch of yours is running (see netjail --list)" \
	"--join of a name that runs nowhere: one line, 125"
out=$(nj --join vpn -i up0 -- true 2>&1); rc=$?
is "$rc|${out%%:*}" "125|netjail" "--join with -i: refused, 125 ($out)"
out=$(nj --join vpn -P 8080:80 -- true 2>&1); rc=$?
is "$rc" 125 "--join with -P: refused, 125"

# ---- the jail lives while a joined program does, and goes with it
fifo=$LAB_TMP/go; mkfifo "$fifo"
joined_out=$LAB_TMP/joined
nj_bg --join vpn -- sh -c "read x <$fifo; socat -T3 -t3 - TCP:203.0.113.10:7 </dev/null" >"$joined_out" 2>&1
joined=$NJ_PID
wait_for 10 quiet pgrep -f "^sh -c read x <$fifo"
kill -TERM "$(pgrep -P "$(pgrep -P "$first" -x netjail-reaper)" -x sleep)"
finish "$first" 10
is "$RC" 143 "the first program ends (SIGTERM): its netjail returns 143"
is "$(jail_links)" nj1 "... the jail stays: a joined program still runs in it"
go "$fifo"
finish "$joined" 10
is "$RC|$(tr -d '\r' <"$joined_out")" "0|198.51.100.2" \
	"the joined program then still reaches the server by up1, and exits 0"
check "the jail goes with its last program" wait_for 10 no_jail_links
out=$(nj --join vpn -- true 2>&1); rc=$?
is "$rc|$out" "125|netjail: no jail named vpn of yours is running (see netjail --list)" \
	"--join once it ended: one line, 125"
assert_host_unchanged "$before" "nothing left of the named jail"

# ---- --stop ends the joined programs too
nj_bg --name vpn -i up1 -g 198.51.100.1 -- sleep 60 >/dev/null 2>&1
first=$NJ_PID
wait_for 10 quiet nj --join vpn -- true
nj_bg --join vpn -- sleep 60 >/dev/null 2>&1
joined=$NJ_PID
joined_sleep() { pgrep -P "$(pgrep -P "$joined")" -x sleep; }
wait_for 10 quiet joined_sleep
first_sleep=$(pgrep -P "$(pgrep -P "$first" -x netjail-reaper)" -x sleep)
is "$(nj --list 2>&1 | awk '$2 == "nj1" {print $8}')" "2:$(printf '%s\n' "$first_sleep" "$(joined_sleep)" | sort -n | paste -sd,)" \
	"--list counts the joined program with the jail's (PROCS 2:PID,PID)"
is "$(nj --stop nj1 2>&1; echo "rc=$?")" "rc=0" "--stop of a jail with a joined program: 0"
finish "$joined" 10
is "$RC" 143 "... the joined program was stopped too (SIGTERM: 143)"
finish "$first" 10
check "... and the jail is gone" wait_for 10 no_jail_links

# ---- --join-or-start: the first launch starts the jail, the next joins it
nj_bg --name web --join-or-start -i up1 -g 198.51.100.1 -- sh -c "$jail_addr_cmd >$LAB_TMP/web1; exec sleep 60" >/dev/null 2>&1
first=$NJ_PID
wait_for 10 test -s "$LAB_TMP/web1"
is "$(nj --name web --join-or-start -i up1 -- sh -c "$jail_addr_cmd" 2>&1)" "$(cat "$LAB_TMP/web1")" \
	"--join-or-start a second time joins the running jail web (same address)"
is "$(jail_links)" nj1 "... one jail"
out=$(nj --name web --join-or-start -i up0 -- true 2>&1); rc=$?
is "$rc|$out" "125|netjail: jail web runs on up1, not up0: not joining it" \
	"... but not if the launcher asks for another uplink"
kill -TERM "$first"
finish "$first" 10
check "... the jail goes" wait_for 10 no_jail_links

# ---- a launcher for a named jail starts it or joins it
mkdir -p "$LAB_TMP/data"
printf '[Desktop Entry]\nType=Application\nName=Game\nExec=game %%U\n' >"$LAB_TMP/game.desktop"
copy=$(HOME=$LAB_TMP XDG_DATA_HOME=$LAB_TMP/data nj --desktop-entry "$LAB_TMP/game.desktop" --name web -i up1 2>&1)
is "$(sed -n 's/^Exec=//p' "$copy" 2>&1)" "$NETJAIL -i up1 --name web --join-or-start -- game %U" \
	"--desktop-entry with --name: the launcher starts the jail web or joins it (--join-or-start)"
assert_host_unchanged "$before" "nothing left"
tap_done
