#!/bin/bash
# t-fastpath.sh - the flowtable fast path (src/fastpath.c), where the kernel has nf_flow_table
# (Debian's 6.1 and 6.12: KERNELS=6.12 tests/kernels/run.sh t-fastpath.sh), and everything as
# before where it has none.
#   - offload happened: a 4 MB upload passes a few packets through the forward chain's
#     "egress" rule with the fast path, all of them without it (its chain flushed), and
#     --list counts all of them either way;
#   - the kill switch holds under a long-running offloaded upload: uplink down, uplink gone
#     (not one packet by the other uplink's router);
#   - an uplink address change: not one packet of the offloaded upload leaves as the lost
#     address ("leave" and "stale" are not skipped);
#   - without flowtables the kernel is asked once, until --cleanup;
#   - [network] fastpath = no in netjail.conf: no flowtable, every packet on the rules;
#   - a published port (DNAT) serves a 4 MB download.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# Does this kernel have flowtables?  A throwaway table in the lab's netns says.
probe_flowtable() {
	nft -f - <<'NFT'
table inet ftprobe { flowtable ft { hook ingress priority 0; devices = { up1 }; }; }
NFT
}
if probe_err=$(probe_flowtable 2>&1); then
	fast=1
	nft delete table inet ftprobe
else
	fast=0
	diag "no flowtables in kernel $(uname -r): the slow path alone" "$probe_err"
fi

size=4000000
lab_bg ip netns exec srv socat -u TCP-LISTEN:7002,fork,reuseaddr OPEN:/dev/null
wait_for 5 quiet ip netns exec srv sh -c 'ss -ltn | grep -q :7002'

table() { nft list tables | grep -o 'netjail[0-9]\+' | head -n1; }
# The packets of the first counter of chain $2 of table $1.
counted() { nft list chain inet "$1" "$2" 2>/dev/null | grep -o 'packets [0-9]*' | head -n1 | cut -d' ' -f2; }
# The bytes the forward chain's "egress" rule counted (per skb: GRO makes packets ~64 KB).
egress_rule() { nft list chain inet "$1" forward | grep 'comment "egress"' | grep -o 'bytes [0-9]*' | cut -d' ' -f2; }
offloaded() { echo $(($(counted "$1" offload_all) - $(counted "$1" offload_slow))); }
listed() { "$NETJAIL" --list --json | grep -o "\"$1\": *[0-9]*" | head -n1 | grep -o '[0-9]*$'; }

# ---- one jail, two uploads: with the fast path, then with its offload rule flushed
cmd="while [ ! -e $LAB_TMP/stop ]; do
	if [ -e $LAB_TMP/go ]; then rm -f $LAB_TMP/go
		head -c $size /dev/zero | socat -u - TCP:203.0.113.10:7002 && touch $LAB_TMP/done
	fi; sleep 0.1; done"
nj_bg -v -i up1 -g 198.51.100.1 -- sh -c "$cmd" >/dev/null 2>"$LAB_TMP/nj1.err" </dev/null
jail1=$NJ_PID
wait_for 10 jail_links_at_least 1 || { not_ok "the jail starts"; diag "$(cat "$LAB_TMP/nj1.err")"; tap_done; }
t=$(table)
upload() { rm -f "$LAB_TMP/done"; touch "$LAB_TMP/go"; wait_for 60 test -e "$LAB_TMP/done"; }
if [[ $fast == 1 ]]; then
	check "the jail's table has the flowtable on its link and the uplink" \
		sh -c "nft list flowtables | grep -A3 'flowtable ft' | grep -q 'devices = { .*up1'"
else
	check "no flowtable here, and the jail still starts (-v says why)" \
		grep -q "no flowtable, all on the slow path" "$LAB_TMP/nj1.err"
fi
e0=$(egress_rule "$t") p0=$(listed out_packets) b0=$(listed out_bytes)
check "a 4 MB upload from the jail arrives" upload
e1=$(egress_rule "$t") p1=$(listed out_packets) b1=$(listed out_bytes)
diag "upload 1: egress rule $((e1 - e0)) bytes, --list $((p1 - p0)) packets $((b1 - b0)) bytes"
check "--list counts every byte of it ($((b1 - b0)) >= $size)" test $((b1 - b0)) -ge $size
check "... and not twice ($((b1 - b0)) < $((size * 11 / 10)))" test $((b1 - b0)) -lt $((size * 11 / 10))
if [[ $fast == 1 ]]; then
	check "offloaded: the forward chain's egress rule saw $((e1 - e0)) bytes of it (< 1/10)" \
		test $((e1 - e0)) -lt $((size / 10))
	# The jail's table is its socket's (owned): it cannot be changed from here.  Its offload
	# rule skips a connection labelled "offloaded once" (fastpath.c): label them all, at every
	# packet (at the first alone, 6.1 offloaded a quarter of the upload; why is not known).
	nft -f - <<'NFT'
table inet noflow { chain forward { type filter hook forward priority 0; ct label set 127; }; }
NFT
	check "the same upload without the fast path arrives" upload
	e2=$(egress_rule "$t") b2=$(listed out_bytes)
	diag "upload 2 (slow path): egress rule $((e2 - e1)) bytes, --list $((b2 - b1)) bytes"
	check "... all of it through the forward chain ($((e2 - e1)) >= $size)" test $((e2 - e1)) -ge $size
	check "... and --list counts it once ($((b2 - b1)) < $((size * 11 / 10)))" \
		test $((b2 - b1)) -lt $((size * 11 / 10))
	nft delete table inet noflow
else
	check "on the slow path the egress rule saw all of it ($((e1 - e0)) >= $size)" test $((e1 - e0)) -ge $size
fi
touch "$LAB_TMP/stop"
finish "$jail1" 10
is "$RC" 0 "the jail ends with its command"
rm -f "$LAB_TMP/stop"

# ---- a kernel without flowtables is asked once: undoing its refusal waits out an RCU grace
# period each time (fastpathmemo.c), so later jails skip it, until netjail --cleanup.
out=$(nj -v -i up1 -g 198.51.100.1 -- true 2>&1)
if [[ $fast == 0 ]]; then
	check "no flowtables: a later jail does not ask the kernel again (-v says why)" \
		grep -q "no flowtable (this kernel refused one before; netjail --cleanup asks again)" <<<"$out"
	nj --cleanup >/dev/null 2>&1
	out=$(nj -v -i up1 -g 198.51.100.1 -- true 2>&1)
	check "... after --cleanup the next one asks again" grep -q "no flowtable, all on the slow path: " <<<"$out"
else
	check "flowtables: a later jail gets one too (nothing remembered)" \
		grep -q "flowtable: established connections offloaded" <<<"$out"
fi
[[ $TAP_FAILED -eq 0 ]] || diag "$out"

# ---- the admin's fastpath = no (netjail.conf): no flowtable, every packet on the rules
if lab_writable_etc && mkdir -p /etc/netjail &&
	printf '[network]\nfastpath = no\n' >/etc/netjail/netjail.conf; then
	nj_bg -v -i up1 -g 198.51.100.1 -- sh -c "$cmd" >/dev/null 2>"$LAB_TMP/nj4.err" </dev/null
	jail4=$NJ_PID
	wait_for 10 jail_links_at_least 1
	t=$(table)
	check "fastpath = no: -v names the setting" grep -q "no flowtable (netjail.conf: fastpath = no)" "$LAB_TMP/nj4.err"
	check "... the jail's table has no flowtable" fails quiet sh -c "nft list table inet $t | grep -q flowtable"
	e0=$(egress_rule "$t")
	check "... a 4 MB upload arrives" upload
	e1=$(egress_rule "$t")
	check "... all of it through the forward chain's egress rule ($((e1 - e0)) >= $size)" \
		test $((e1 - e0)) -ge $size
	touch "$LAB_TMP/stop"
	finish "$jail4" 10
	rm -f "$LAB_TMP/stop" /etc/netjail/netjail.conf
else
	not_ok "the lab's own /etc for netjail.conf"
fi

# ---- a published port (DNAT) with the fast path on
server="socat TCP-LISTEN:7,fork,reuseaddr SYSTEM:'head -c $size /dev/zero' &
	socat TCP-LISTEN:8,fork,reuseaddr SYSTEM:'echo up' & wait"
nj_bg -i up1 -g 198.51.100.1 -P 8080:7 -P 8081:8 -- sh -c "$server" >/dev/null 2>"$LAB_TMP/nj2.err" </dev/null
jail2=$NJ_PID
port_up() { [[ $(ip netns exec rb socat -T1 - TCP:198.51.100.2:8081,connect-timeout=1 </dev/null 2>/dev/null) == up ]]; }
if wait_for 10 port_up; then
	got=$(timeout 60 ip netns exec rb socat -u TCP:198.51.100.2:8080,connect-timeout=2 - </dev/null 2>/dev/null | wc -c)
	is "$got" $size "a published port serves 4 MB to the uplink's router"
else
	not_ok "the jail's published ports answer"
	diag "$(cat "$LAB_TMP/nj2.err")"
fi
kill -TERM "$jail2"
finish "$jail2" 10

# ---- a long-running upload: uplink down, a new address, uplink gone
ip netns exec ra nft -f - <<'NFT'
table ip leakcount {
	chain forward { type filter hook forward priority 0; ip daddr 203.0.113.10 counter; }
}
NFT
ip netns exec rb nft -f - <<'NFT'
table ip oldsource {
	chain forward { type filter hook forward priority 0; ip saddr 198.51.100.2 ip daddr 203.0.113.10 counter; }
}
NFT
leaked() { ip netns exec ra nft list chain ip leakcount forward | grep -o 'packets [0-9]*' | cut -d' ' -f2; }
as_old() { ip netns exec rb nft list chain ip oldsource forward | grep -o 'packets [0-9]*' | cut -d' ' -f2; }
offload_above() { [[ $(offloaded "$(table)") -gt $1 ]]; }
old_above() { [[ $(as_old) -gt $1 ]]; }
bytes_above() { [[ $(listed out_bytes) -gt $1 ]]; }
# The upload is under way: 1 MB more within 10 s.
moving() { wait_for 10 bytes_above $(($(listed out_bytes) + 1000000)); }
# ... and on the fast path (where there is one): 200 packets more offloaded.
offloading() { wait_for 10 offload_above $(($(offloaded "$(table)") + 200)); }
check_fast() {
	if [[ $fast == 1 ]]; then check "$@"; else skip "$1" "no flowtables in this kernel"; fi
}
# Each upload lasts 10 s, then a new connection: a flow torn down stays on the slow path for
# the rest of its connection (fastpath.c), and each step below wants a fresh one.
nj_bg -i up1 -g 198.51.100.1 -- sh -c "while [ ! -e $LAB_TMP/stop ]; do
	timeout 10 socat -u /dev/zero TCP:203.0.113.10:7002; sleep 0.2; done" >/dev/null 2>"$LAB_TMP/nj3.err" </dev/null
jail3=$NJ_PID
wait_for 10 jail_links_at_least 1
check "a long upload from the jail is under way" moving
check_fast "... on the fast path" offloading
leak0=$(leaked)
ip link set up1 down
sleep 2	# time for a leak to show, not a bound on anything
is "$(leaked)" "$leak0" "uplink down under the upload: not one packet by the other uplink"
ip link set up1 up
check "uplink up again: the upload goes on" moving
check_fast "... and new connections on the fast path" offloading

# With netjail stopped, so that it cannot follow: the kernel alone must keep the offloaded
# connection from leaving as the lost address (the flowtable frees a torn-down flow within
# a second or two, after which a rule that still named the address would offload it again).
kill -STOP "$jail3"
ip addr del 198.51.100.2/24 dev up1
ip addr add 198.51.100.3/24 dev up1
sleep 0.5	# what was in flight when the address went
old=$(as_old)
sleep 4	# time for a leak to show
is "$(as_old)" "$old" "uplink address changed, netjail stopped: not one packet leaves as the lost address"
kill -CONT "$jail3"
ip addr del 198.51.100.3/24 dev up1
ip addr add 198.51.100.2/24 dev up1
check "the address back: the upload (a new connection) goes on" moving
check_fast "... on the fast path" offloading

leak0=$(leaked)
ip link del up1
sleep 2
is "$(leaked)" "$leak0" "uplink deleted under the upload: not one packet by the other uplink"
touch "$LAB_TMP/stop"
kill -TERM "$jail3"
finish "$jail3" 10
wait_for 5 no_jail_links
tap_done
