#!/bin/bash
# t-badinput.sh - netjail refuses bad input with exit 125 and exactly one "netjail: " line on
# stderr, without running the command or touching the host; option parsing stops at COMMAND.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail

# An interface that exists but is down.
ip link add updown type veth peer name updown-p

before=$LAB_TMP/state.before
host_state >"$before"
marker=$LAB_TMP/ran

# refused TEXT ARGS...: netjail ARGS must exit 125 with one "netjail: " line and no stdout.
refused() {
	local text=$1; shift
	local out=$LAB_TMP/out err=$LAB_TMP/err rc
	nj "$@" >"$out" 2>"$err" </dev/null
	rc=$?
	LAST_ERR=$(cat "$err")
	if [[ $rc -eq 125 && $(wc -l <"$err") -eq 1 && $LAST_ERR == "netjail: "* && ! -s $out ]]; then
		ok "$text: 125, one line: $LAST_ERR"
	else
		not_ok "$text: want 125 and one 'netjail: ' line on stderr"
		diag "args: $*" "exit: $rc" "stderr:" "$(head -n 5 "$err")" "stdout:" "$(head -n 3 "$out")"
	fi
}

cmd=(touch "$marker")
refused "unknown interface"           -i nosuch0 -- "${cmd[@]}"
refused "interface that is down"      -i updown -- "${cmd[@]}"
refused "-i lo"                       -i lo -- "${cmd[@]}"
refused "20-character interface name" -i abcdefghijklmnopqrst -- "${cmd[@]}"
refused "16-character interface name" -i abcdefghijklmnop -- "${cmd[@]}"
refused "empty interface name"        -i '' -- "${cmd[@]}"
refused "interface name with /"       -i up/0 -- "${cmd[@]}"
refused "interface name with a space" -i 'up 0' -- "${cmd[@]}"
refused "interface name .."           -i .. -- "${cmd[@]}"
refused "interface name ../up0"       -i ../up0 -- "${cmd[@]}"
refused "interface name with newline" -i $'up0\n' -- "${cmd[@]}"
refused "-g notanaddress"             -i up0 -g notanaddress -- "${cmd[@]}"
refused "-g 192.0.2.1x"               -i up0 -g 192.0.2.1x -- "${cmd[@]}"
refused "-g 10.77.77.77 (off-link)"   -i up0 -g 10.77.77.77 -- "${cmd[@]}"
refused "-g of another uplink (198.51.100.1 on up0)" -i up0 -g 198.51.100.1 -- "${cmd[@]}"
refused "-i up1 without -g (no default route on up1)" -i up1 -- "${cmd[@]}"
if [[ $LAST_ERR == *-g* ]]; then
	ok "the no-gateway message mentions -g"
else
	not_ok "the no-gateway message mentions -g"
	diag "stderr: $LAST_ERR"
fi
refused "no command"                  -i up0
refused "no command after --"         -i up0 --
refused "no -i"                       -- "${cmd[@]}"
refused "no arguments at all"
refused "unknown option --bogus"      --bogus -i up0 -- "${cmd[@]}"
refused "unknown option -Z"           -Z -i up0 -- "${cmd[@]}"
refused "-i without argument"         -i
refused "-g without argument"         -i up0 -g
refused "-u unknown user"             -i up0 -u nj-no-such-user -- "${cmd[@]}"
# In the jail, loopback is the jail's own: no resolver listens there.
for addr in 127.0.0.1 127.0.0.53 ::1; do
	refused "-d $addr (the jail's own loopback)" -i up0 -d "$addr" -- "${cmd[@]}"
	check "... the line names $addr and loopback" grep -q "nameserver $addr is a loopback address" <<<"$LAST_ERR"
done

check "the command never ran in any refused case" test ! -e "$marker"
check "no jail link left behind" wait_for 3 no_jail_links
assert_host_unchanged "$before" "host state unchanged after all refusals"

# Option parsing stops at COMMAND.
is "$(nj -i up0 -- echo -i -v 2>/dev/null)" "-i -v" "options after -- go to the command (echo -i -v)"
# (not `echo --help`: coreutils echo prints its own help for a lone --help)
is "$(nj -i up0 printf '%s\n' --help 2>/dev/null)" "--help" "options after COMMAND go to the command (printf %s --help)"
is "$(nj -i up0 sh -c 'echo "$@"' sh --help -i 2>/dev/null)" "--help -i" "options after COMMAND go to the command (sh -c ... --help -i)"
is "$(nj -i up0 echo -- -x 2>/dev/null)" "-- -x" "a -- after COMMAND goes to the command"
is "$(nj --interface up0 -- echo long 2>/dev/null)" "long" "--interface works"
is "$(nj --interface=up0 -- echo long 2>/dev/null)" "long" "--interface=up0 works"
is "$(nj -iup0 -- echo short 2>/dev/null)" "short" "-iup0 works"

out=$(nj --help 2>/dev/null); rc=$?
check "--help exits 0 and prints usage mentioning --interface" test $rc -eq 0 -a -n "$(grep -- --interface <<<"$out")"
out=$(nj --version 2>/dev/null); rc=$?
check "--version exits 0 and prints something" test $rc -eq 0 -a -n "$out"

assert_host_unchanged "$before" "host state unchanged at the end"

# The jail pool (10.231.0.0/16) covered by a network of the host's: not "too many jails",
# but which network, and the setting that moves the pool.
ip addr add 10.231.7.1/16 dev updown
host_state >"$before"
refused "the pool covered by a host's address" -i up0 -- "${cmd[@]}"
check "... the line names the address, its interface and netjail.conf's pool setting" grep -q \
	"overlaps the host's address 10.231.7.1/16 on updown, .*\"pool = ADDRESS/LENGTH\" in \[network\] of /etc/netjail/netjail.conf" <<<"$LAST_ERR"
check "... and does not say 'too many jails'" fails grep -q "too many jails" <<<"$LAST_ERR"
assert_host_unchanged "$before" "host state unchanged by that refusal"
ip addr del 10.231.7.1/16 dev updown
ip route add 10.231.0.0/16 dev up1
host_state >"$before"
refused "the pool covered by a host's route" -i up0 -- "${cmd[@]}"
check "... the line names the route and its interface" grep -q \
	"overlaps the host's route 10.231.0.0/16 on up1, which leaves 255 of its 255 jail subnets unusable" <<<"$LAST_ERR"
assert_host_unchanged "$before" "host state unchanged by that refusal"
ip route del 10.231.0.0/16 dev up1
ip link del updown
tap_done
