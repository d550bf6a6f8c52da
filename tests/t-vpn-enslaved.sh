#!/bin/bash
# t-vpn-enslaved.sh - an uplink that became a bridge's or bond's port is refused by name,
# pointing at its master (issue 17, item 5).  up1 becomes a port of br0, which takes up1's
# address: --check -i up1 and a run with -i up1 say that up1 is a port of br0 and to use
# -i br0 (not "no default route ... pass -g", the symptom before); -i br0 works.  Then the
# same for a bond.  Nothing is left on the host.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail

ip addr del 198.51.100.2/24 dev up1
ip link add br0 type bridge forward_delay 0   # no timer running in host_state
ip link set up1 master br0
ip addr add 198.51.100.2/24 dev br0
ip link set br0 up
# br0 comes up with carrier and then its IPv6 link-local: let it settle before the snapshot
settled() { [[ -n $(ip -6 addr show dev "$1" scope link -tentative) ]]; }
check "br0 settles" wait_for 10 settled br0
before=$LAB_TMP/state.before
host_state >"$before"

out=$(nj --check -i up1 2>&1); rc=$?
is "$rc" 1 "--check -i up1 (a port of br0) fails"
check "... with the uplink line naming br0 and -i br0" \
	grep -q "^uplink .*'up1' is a port of br0 (its addresses and routes live there): use -i br0$" <<<"$out"
check "... and not with 'no default route'" fails grep -q "no default route" <<<"$out"
diag "$out"

out=$(nj -i up1 -- true 2>&1); rc=$?
is "$rc" 125 "netjail -i up1 -- true exits 125"
is "$out" "netjail: 'up1' is a port of br0 (its addresses and routes live there): use -i br0" \
	"... with one line naming br0"
out=$(nj -i up1 -g 198.51.100.1 -- true 2>&1); rc=$?
is "$rc:$out" "125:netjail: 'up1' is a port of br0 (its addresses and routes live there): use -i br0" \
	"... also with -g"

is "$(seen_source nj -i br0 -g 198.51.100.1 --)" 198.51.100.2 \
	"netjail -i br0 -g 198.51.100.1: the server sees 198.51.100.2"
check "netjail -i br0 left no jail" no_jail_links
assert_host_unchanged "$before" "nothing left on the host after the bridge runs"

# The same for a bond (when the kernel has bonding).
ip link set up1 nomaster
ip link del br0
if ip link add bond0 type bond mode active-backup 2>/dev/null; then
	ip link set up1 down
	ip link set up1 master bond0
	ip addr add 198.51.100.2/24 dev bond0
	ip link set bond0 up
	check "bond0 settles" wait_for 10 settled bond0
	host_state >"$before"
	out=$(nj --check -i up1 2>&1); rc=$?
	is "$rc" 1 "--check -i up1 (a port of bond0) fails"
	check "... naming bond0 and -i bond0" \
		grep -q "^uplink .*'up1' is a port of bond0 (its addresses and routes live there): use -i bond0$" <<<"$out"
	out=$(nj -i up1 -- true 2>&1); rc=$?
	is "$rc:$out" "125:netjail: 'up1' is a port of bond0 (its addresses and routes live there): use -i bond0" \
		"netjail -i up1 -- true (a port of bond0): 125, one line naming bond0"
	is "$(seen_source nj -i bond0 -g 198.51.100.1 --)" 198.51.100.2 \
		"netjail -i bond0 -g 198.51.100.1: the server sees 198.51.100.2"
	assert_host_unchanged "$before" "nothing left on the host after the bond runs"
else
	skip "bond0" "no bonding in this kernel"
fi
tap_done
