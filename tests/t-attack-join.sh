#!/bin/bash
# t-attack-join.sh - issue 21: joining a named jail through the setuid binary, as uid 65534.
#   - names are per user: 65534 and root each run a jail named work; 65534's --join work lands
#     in 65534's (its address, up1, as 65534); uid 65533's --join work finds none of its own;
#     root joins its own, and 65534's with -u nobody (as 65534);
#   - names that are not names ('/', '..', a newline, a leading '-' or '.', too long): one line,
#     125, for --name and --join alike;
#   - a stale record: the jail's netjail SIGKILLed while its namespace is held (its veth and
#     alias stay): --join says the jail ended; then 65534 takes the reaper's pid for a process
#     named netjail-reaper in namespaces of its own (ns_last_pid stands for forking until the
#     pid comes round): the start time in the alias tells it apart, --join refuses and runs
#     nothing;
#   - joining while the jail is being stopped (--stop, its program ignoring SIGTERM): refused,
#     nothing runs.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy
w=/run/njsuid/w; mkdir -m 1777 "$w"	# where uid 65534 writes

addr_cmd='id -u; ip -o -4 addr show dev eth0 | awk "{print \$4}"'
# nobody_bg ARGS...: the setuid netjail as 65534 in the background; its pid in NJ_PID.
nobody_bg() {
	lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- "$SUID_NJ" "$@"
	NJ_PID=${LAB_PIDS[-1]}
}
reaper_of() { pgrep -P "$1" -x netjail-reaper; }
links_are() { [[ $(jail_links | wc -w) == "$1" ]]; }

# ---- names are per user; another user cannot join; root can
nobody_bg --name work -i up1 -g 198.51.100.1 -- sh -c "($addr_cmd) >$w/work.new && mv $w/work.new $w/work; exec sleep $((60 * ${NJ_SLOW:-1}))" \
	</dev/null >/dev/null 2>&1
nobody_nj=$NJ_PID
nj_bg --name work -i up0 -- sh -c "($addr_cmd) >$LAB_TMP/rootwork.new && mv $LAB_TMP/rootwork.new $LAB_TMP/rootwork; exec sleep $((60 * ${NJ_SLOW:-1}))" >/dev/null 2>&1
root_nj=$NJ_PID
wait_for 10 test -s $w/work -a -s "$LAB_TMP/rootwork"
nobody_work=$(cat $w/work)
check "uid 65534 and root each run a jail named work ($(tr '\n' ' ' <$w/work)/ $(tr '\n' ' ' <"$LAB_TMP/rootwork"))" \
	links_are 2
is "$(as_nobody "$SUID_NJ" --join work -- sh -c "$addr_cmd" 2>&1)" "$nobody_work" \
	"65534's --join work runs in 65534's jail, as 65534"
is "$(seen_source as_nobody "$SUID_NJ" --join work --)" 198.51.100.2 "... and leaves by its uplink, up1"
out=$(timeout -k 3 $((30 * ${NJ_SLOW:-1})) setpriv --reuid=65533 --regid=65533 --clear-groups -- "$SUID_NJ" --join work -- \
	touch /tmp/joined-by-65533 2>&1); rc=$?
is "$rc|$out" "125|netjail: no jail named work of yours is running (see netjail --list)" \
	"uid 65533's --join work: refused, 125 (65534's and root's jails are not its own)"
check "... and nothing ran" fails test -e /tmp/joined-by-65533
is "$(seen_source nj --join work --)" 192.0.2.2 "root's --join work runs in root's own jail (up0)"
is "$(nj -u nobody --join work -- sh -c "$addr_cmd" 2>&1)" "$nobody_work" \
	"root's -u nobody --join work runs in 65534's jail, as 65534"

# ---- what is not a name
for name in a/b .. ../x $'a\nb' -x .hidden "a b" "" 012345678901234567890123456789012; do
	shown=${name//$'\n'/\\n}
	out=$(as_nobody "$SUID_NJ" --join "$name" -- true 2>&1); rc=$?
	check "--join '$shown': 125 with one 'invalid jail name' line ($rc)" \
		test "$rc" = 125 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep '^netjail: invalid jail name' <<<"$out")"
done
out=$(as_nobody "$SUID_NJ" --name ../x -i up1 -- true 2>&1); rc=$?
is "$rc|${out%%:*}" "125|netjail" "--name ../x: refused the same way ($out)"
check "... naming it" grep -q "^netjail: invalid jail name '../x'" <<<"$out"
check "... no jail was made" links_are 2

# ---- a stale record, and a pid that came round
reaper=$(reaper_of "$nobody_nj")
ip netns attach held "${reaper:-0}"	# the jail's namespace outlives its processes
kill -KILL "$nobody_nj"; wait "$nobody_nj" 2>/dev/null
wait_for 10 fails quiet kill -0 "${reaper:-0}"
check "the jail's netjail and reaper are gone, its veth (and alias) held" \
	links_are 2
out=$(as_nobody "$SUID_NJ" --join work -- true 2>&1); rc=$?
is "$rc|${out% (*}" "125|netjail: jail work has ended" "--join of the stale record: it ended, 125 ($out)"
cp "$(command -v sleep)" /run/njsuid/netjail-reaper
echo $((reaper - 1)) >/proc/sys/kernel/ns_last_pid
lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- unshare -rnm /run/njsuid/netjail-reaper 60
fake=${LAB_PIDS[-1]}
# Read at each try: setpriv and unshare come first, and under emulation (NJ_SLOW) the name
# changes well after the first look.
named_reaper() { [[ $(cat "/proc/$1/comm" 2>/dev/null) == netjail-reaper ]]; }
wait_for 5 named_reaper "$fake"
if [[ $fake == "$reaper" ]] && named_reaper "$fake"; then
	out=$(as_nobody "$SUID_NJ" --join work -- touch $w/joined-fake 2>&1); rc=$?
	is "$rc|${out% (*}" "125|netjail: jail work has ended" \
		"65534's process at the reaper's pid, named netjail-reaper, in its own namespaces: refused"
	check "... and nothing ran" fails test -e $w/joined-fake
else
	skip "a process at the reaper's pid is refused" "pid $fake (the reaper was $reaper: ns_last_pid), named $(cat "/proc/$fake/comm" 2>&1): no user namespace for 65534?"
fi
kill -KILL "$fake"; wait "$fake" 2>/dev/null
ip netns delete held
check "the stale jail's veth goes with its namespace" wait_for 10 links_are 1

# ---- joining while the jail is being stopped
nobody_bg --name ending -i up1 -g 198.51.100.1 -- \
	sh -c "trap 'echo TERM >$w/term' TERM; while :; do sleep 0.1; done" </dev/null >/dev/null 2>&1
ending=$NJ_PID
wait_for 10 quiet as_nobody "$SUID_NJ" --join ending -- true
lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- "$SUID_NJ" --stop ending
stopper=${LAB_PIDS[-1]}
wait_for 10 test -s $w/term
out=$(as_nobody "$SUID_NJ" --join ending -- touch $w/joined-ending 2>&1); rc=$?
is "$rc|$out" "125|netjail: jail ending is ending: it takes no more programs" \
	"--join of a jail being stopped: refused, 125"
check "... and nothing ran" fails test -e $w/joined-ending
finish "$stopper" 15
is "$RC" 0 "... --stop then ends it (SIGKILL after the grace period)"
finish "$ending" 10

kill -TERM "$root_nj"
finish "$root_nj" 10
check "every jail is gone" wait_for 10 no_jail_links
nj --cleanup >/dev/null 2>&1
assert_host_unchanged "$before" "nothing left after --cleanup"
tap_done
