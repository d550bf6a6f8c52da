# shellcheck shell=bash
# lab.sh - hermetic network lab for netjail's integration tests.  Sourced, not run.
#
# Theory of operation
#   Every test (and the demo) calls lab_enter first.  Unless NJ_IN_LAB is set, lab_enter re-executes
#   the calling script under
#       unshare --net --mount --propagation private --pid --kill-child --mount-proc
#   so the lab gets its own network, mount and pid namespaces: nothing it does can reach this
#   machine's real network, and when the script ends (or is killed) the kernel kills every process
#   the lab started.  Inside, /run is a fresh tmpfs (so `ip netns add` bind mounts and netjail's
#   /run/netjail stay in the lab) and /sys a fresh sysfs (so /sys/class/net shows the lab's links).
#
#   The lab's own netns plays "the host".  lab_up builds:
#
#       host up0 192.0.2.2/24    --- ra-h 192.0.2.1/24    [ra]  ra-s 10.9.1.1/30 --- s-a 10.9.1.2/30 [srv]
#       host up1 198.51.100.2/24 --- rb-h 198.51.100.1/24 [rb]  rb-s 10.9.2.1/30 --- s-b 10.9.2.2/30 [srv]
#       srv: 203.0.113.10/32 on lo; TCP and UDP port 7 answer with the peer address they saw.
#
#   The host has a default route via 192.0.2.1 (up0) only, strict rp_filter, ip_forward 0.
#   The routers forward and do not NAT, so srv sees the host's uplink address; they only know
#   203.0.113.0/24 and their own subnets, so a packet from an un-NATed jail address is lost.
#
# Functions
#   lab_enter "$@"              first call of every script: re-exec inside the lab (see above)
#   lab_up                      build the topology, start the servers, wait until they answer
#   lab_down                    kill the lab's processes by pid, delete its netns (also run at EXIT)
#   lab_bg CMD...               run CMD in the background, remember its pid for lab_down
#   seen_source [PREFIX...]     TCP to 203.0.113.10:7, optionally through PREFIX (e.g. `nj -i up1 --`);
#                               prints the source address the server saw (empty on failure)
#   seen_source_udp [PREFIX...] the same over UDP
#   host_state                  normalized snapshot of the host's network configuration
#   assert_host_unchanged FILE [TEXT]   TAP assertion: host_state equals the snapshot in FILE
#   jail_links                  names of the host-side jail veths (nj<N>) now present
#   jail_links_at_least N       at least N jails fully set up (their nftables tables exist)
#   no_jail_links               no jail link left (for wait_for)
#   wait_for SECONDS CMD...     retry CMD every 0.1 s until it succeeds or SECONDS pass
#   nj ARGS...                  run $NETJAIL_WRAP $NETJAIL ARGS under a timeout (NJ_TIMEOUT, 30 s)
#   nj_bg ARGS...               start netjail in the background (no timeout); pid in NJ_PID
#   finish PID SECONDS          wait for a background PID; RC=its status, or "hung" (then killed)
#   lab_start_test              lab_up + require_netjail + host_state snapshot in $before
#   $prober                     a jailed command's script: a TCP connection to the server every 0.1 s,
#                               one line per try (the address the server saw, or "fail")
#   lines, got_since N ADDR, only_failures_since N
#                               on the prober's output in $log: its line count, whether a try
#                               after line N reached the server as ADDR, or all after N failed
#   lab_ipv6_on_up1             give up1's side IPv6 too: host 2001:db8:1::2/64, default route via
#                               rb 2001:db8:1::1; srv 2001:db8:ff::10 answers on TCP port 7 (up0
#                               stays IPv4-only)
#   lab_ipv6_across             give up0's side IPv6 as well (host 2001:db8:9::2/64, ra
#                               2001:db8:9::1/64) and routes between ra and rb through the host:
#                               across6 (ra pings rb's 2001:db8:1::1) then passes only while the
#                               host forwards IPv6 between its uplinks (needs lab_ipv6_on_up1)
#   lab_ipv6_all                write the lab's /etc/netjail/netjail.conf with [network]
#                               ipv6_forwarding = all (after lab_writable_etc)
#   lab_ipv6_if_jails_get_it    lab_ipv6_on_up1, and where the kernel has no per-interface
#                               forwarding (force_forwarding, Linux 6.17) or NJ_IPV6_FORWARDING=all,
#                               lab_ipv6_all; sets ipv6=1 and ipv6_mode=interface|all, else ipv6=0
#                               and a TAP skip naming what is missing; a Bail out if it cannot
#   lab_writable DIR            make DIR writable in the lab's mount namespace only (an overlay
#                               whose upper layer is a tmpfs); lab_writable_etc: /etc
#   require_netjail             TAP "Bail out!" (one `not ok`) unless $NETJAIL is executable
#   quiet CMD...                run CMD with stdout and stderr discarded
#   fails CMD...                succeed if CMD fails (for check)
#   TAP: ok TEXT, not_ok TEXT, skip TEXT REASON, diag TEXT, check TEXT CMD..., is GOT WANT TEXT,
#        tap_done (prints the plan, exits 1 if anything failed)
#
# Environment
#   NETJAIL       binary under test (default: ../netjail next to this directory, made absolute)
#   NETJAIL_WRAP  optional command prefix for it, e.g. "valgrind -q --error-exitcode=99"
#   NJ_TIMEOUT    seconds before a netjail run counts as hung (default 30)
#   LAB_TMP       scratch directory of the running test (created by lab_enter, removed at exit)
#   NJ_SLOW       multiplies every bound on waiting (wait_for, finish, nj, the probes' 20 s): an
#                 emulated guest (tests/kernels/) runs 10-100x slower; default 1

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------------------- TAP

TAP_N=0
TAP_FAILED=0

ok()     { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
skip()   { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
diag()   { printf '%s\n' "$@" | sed 's/^/#   /'; }
quiet()  { "$@" >/dev/null 2>&1; }
fails()  { ! "$@"; }

# check TEXT CMD...: ok if CMD succeeds.
check() {
	local text=$1; shift
	if "$@"; then ok "$text"; else not_ok "$text"; fi
}

# is GOT WANT TEXT: ok if the strings are equal; shows both otherwise.
is() {
	if [[ "$1" == "$2" ]]; then
		ok "$3"
	else
		not_ok "$3"
		diag "want: '$2'" "got:  '$1'"
	fi
}

tap_done() {
	echo "1..$TAP_N"
	[[ $TAP_FAILED -eq 0 ]]
	exit
}

# ---------------------------------------------------------------------------- entering the lab

: "${NETJAIL:=$LAB_DIR/../netjail}"
[[ $NETJAIL == /* ]] || NETJAIL=$PWD/$NETJAIL
NETJAIL=$(realpath -m "$NETJAIL")
export NETJAIL

lab_enter() {
	if [[ -z ${NJ_IN_LAB:-} ]]; then
		if [[ $(id -u) -ne 0 ]]; then
			echo "1..0 # SKIP the lab needs root (unshare, ip netns)"
			exit 0
		fi
		export NJ_IN_LAB=1
		exec unshare --net --mount --propagation private --pid --kill-child --mount-proc \
			-- "$BASH" "$0" "$@"
	fi
	# Belt and braces: refuse to build anything unless we really are in a fresh netns, i.e. one
	# whose only link is lo.  This is what keeps a mistaken NJ_IN_LAB=1 from touching the host.
	if [[ $$ -ne 1 ]] || [[ $(ip -o link show | grep -vc ': lo:') -ne 0 ]]; then
		echo "Bail out! NJ_IN_LAB is set but this is not a fresh lab namespace; refusing to run"
		exit 1
	fi
	mount -t tmpfs -o mode=0755 tmpfs /run || exit 1
	mount -t sysfs sysfs /sys || exit 1
	LAB_TMP=$(mktemp -d /tmp/njlab.XXXXXX) || exit 1
	chmod 0755 "$LAB_TMP"
	trap lab_down EXIT
}

# ---------------------------------------------------------------------------- topology

LAB_PIDS=()
LAB_NETNS=()

lab_bg() {
	"$@" <&0 &
	LAB_PIDS+=($!)
}

lab_ns_add() {
	ip netns add "$1" || return 1
	LAB_NETNS+=("$1")
	ip -n "$1" link set lo up
	# Routers see asymmetric paths on purpose; don't let an inherited rp_filter drop them.
	ip netns exec "$1" sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
}

# wait_for SECONDS CMD...: try CMD every 0.1 s until it succeeds or SECONDS (x NJ_SLOW) have
# passed.  A bound in time, not a count of tries: where CMD itself is slow (host_state takes
# seconds in an emulated guest) a count stretched the bound by CMD's cost, to over an hour.
# ${EPOCHREALTIME//[!0-9]/}: the clock in microseconds, whatever the locale's decimal mark.
wait_for() {
	local end=$((${EPOCHREALTIME//[!0-9]/} + $1 * 1000000 * ${NJ_SLOW:-1})); shift
	while ! "$@"; do
		[[ ${EPOCHREALTIME//[!0-9]/} -lt $end ]] || return 1
		sleep 0.1
	done
}

lab_up() {
	trap 'echo "Bail out! lab_up failed: $BASH_COMMAND"' ERR
	set -e
	# Stable `ip addr` snapshots: no IPv6 "tentative" flag flipping while DAD runs.
	sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
	ip link set lo up

	lab_ns_add ra
	lab_ns_add rb
	lab_ns_add srv

	ip -n srv addr add 203.0.113.10/32 dev lo
	_lab_uplink up0 ra 192.0.2 s-a 10.9.1
	_lab_uplink up1 rb 198.51.100 s-b 10.9.2

	ip route add default via 192.0.2.1 dev up0
	sysctl -qw net.ipv4.ip_forward=0
	local i
	for i in all default up0 up1; do
		sysctl -qw "net.ipv4.conf.$i.rp_filter=1"
	done
	set +e
	trap - ERR

	# The "internet" server: reply with the peer address it saw.  Its -t: after the client's
	# end of input, socat waits that long for sh's answer, then its write fails (EIO); with 20
	# clients at once in an emulated guest sh took longer than 5 s to start.
	# shellcheck disable=SC2016  # $SOCAT_PEERADDR is for the server's shell
	lab_bg ip netns exec srv socat -t$((5 * ${NJ_SLOW:-1})) TCP-LISTEN:7,fork,reuseaddr \
		SYSTEM:'echo $SOCAT_PEERADDR'
	# The UDP answer reads the datagram first: socat writes it to the command's stdin, and
	# a command gone already made that write fail (EPIPE) and the answer get lost, in about
	# one try in 15 on a busy machine.
	# shellcheck disable=SC2016
	# Its -t: after the datagram, socat waits that long for the answer (default 0.5 s) and the
	# answer's write then fails (EIO); starting sh and cat can take longer in an emulated guest.
	lab_bg ip netns exec srv socat -t$((5 * ${NJ_SLOW:-1})) UDP-RECVFROM:7,bind=203.0.113.10,fork \
		SYSTEM:'cat >/dev/null; echo $SOCAT_PEERADDR'

	if ! wait_for 5 _lab_answers; then
		echo "Bail out! lab did not come up (server unreachable)"
		ip -br addr; ip route
		exit 1
	fi
}

# _lab_uplink UPLINK ROUTER NET SRV_IF LINK_NET: host UPLINK NET.2/24 <-> ROUTER NET.1/24, and
# ROUTER LINK_NET.1/30 <-> srv's SRV_IF LINK_NET.2/30; the router forwards, without NAT.
_lab_uplink() {
	local up=$1 router=$2 net=$3 srv_if=$4 link_net=$5
	ip link add "$up" type veth peer name "$router-h" netns "$router"
	ip -n "$router" link add "$router-s" type veth peer name "$srv_if" netns srv
	ip addr add "$net.2/24" dev "$up"
	ip -n "$router" addr add "$net.1/24" dev "$router-h"
	ip -n "$router" addr add "$link_net.1/30" dev "$router-s"
	ip -n srv addr add "$link_net.2/30" dev "$srv_if"
	ip link set "$up" up
	ip -n "$router" link set "$router-h" up
	ip -n "$router" link set "$router-s" up
	ip -n srv link set "$srv_if" up
	ip -n srv route add "$net.0/24" via "$link_net.1" src 203.0.113.10
	ip -n "$router" route add 203.0.113.0/24 via "$link_net.2"
	ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1
}

_lab_answers() {
	[[ $(seen_source) == 192.0.2.2 ]] &&
		ping -c1 -W1 -q 198.51.100.1 >/dev/null 2>&1 &&
		ip netns exec rb ping -c1 -W1 -q -I 198.51.100.1 203.0.113.10 >/dev/null 2>&1
}

lab_down() {
	local pid ns
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	LAB_PIDS=()
	for ns in "${LAB_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	LAB_NETNS=()
	[[ -n ${LAB_TMP:-} && -d $LAB_TMP ]] && rm -rf "$LAB_TMP"
	LAB_TMP=
}

# ---------------------------------------------------------------------------- observations

# _run_prefixed PREFIX... CMD...: run under `timeout` unless the first word is a shell function
# (like nj, which has its own timeout).
_run_prefixed() {
	if declare -F "$1" >/dev/null; then
		"$@"
	else
		timeout -k 2 $((20 * ${NJ_SLOW:-1})) "$@"
	fi
}

seen_source() {
	_run_prefixed "$@" socat -T3 -t3 - TCP:203.0.113.10:7 </dev/null 2>/dev/null | tr -d '\r' | head -n1
}

seen_source_udp() {
	# The probe is made inside, so this does not depend on stdin reaching the command.
	# The wait for the answer is a bound, not the expected time (an emulated guest: NJ_SLOW).
	_run_prefixed "$@" sh -c "echo probe | socat -T${NJ_SLOW:-1} -t${NJ_SLOW:-1} - UDP:203.0.113.10:7" \
		</dev/null 2>/dev/null |
		tr -d '\r' | head -n1
}

host_state() {
	echo "== link"
	# A bridge's running timers are not configuration.
	ip -d -o link show | sed -E 's/^[0-9]+: //; s/@if[0-9]+/@if/; s/ link-netns(id)? [^ ]+//g;
		s/ (hello_timer|tcn_timer|topology_change_timer|gc_timer) +[0-9.]+//g'
	echo "== addr"
	ip -o addr show | sed -E 's/^[0-9]+: //; s/ (tentative|dadfailed)//g; s/\\ +valid_lft.*//'
	echo "== rule"
	ip rule show
	ip -6 rule show
	echo "== route"
	ip route show table all
	ip -6 route show table all
	echo "== nft"
	# Counters count traffic, not configuration (iptables-nft's rules all have one); nft's
	# warnings about iptables-nft's tables go to stderr, which a snapshot may not keep.
	nft list ruleset 2>/dev/null | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
	echo "== sysctl"
	local f name
	for f in /proc/sys/net/ipv4/ip_forward \
		/proc/sys/net/ipv4/conf/*/forwarding \
		/proc/sys/net/ipv4/conf/*/rp_filter \
		/proc/sys/net/ipv4/conf/*/src_valid_mark \
		/proc/sys/net/ipv6/conf/*/forwarding; do
		name=${f#/proc/sys/}
		echo "${name//\//.} = $(cat "$f")"
	done
}

# assert_host_unchanged FILE [TEXT]
# A dead jail's netns (and so its veth) is torn down by the kernel asynchronously, so allow the
# state 3 s to settle before calling it a difference.
_host_state_is() {
	host_state >"$LAB_TMP/state.now" 2>&1
	cmp -s "$1" "$LAB_TMP/state.now"
}
assert_host_unchanged() {
	if wait_for 3 _host_state_is "$1"; then
		ok "${2:-host state unchanged}"
	else
		not_ok "${2:-host state unchanged}"
		diag "$(diff -u "$1" "$LAB_TMP/state.now" | tail -n +3 | head -n 40)"
	fi
}

jail_links() {
	ip -o link show | sed -nE 's/^[0-9]+: (nj[0-9]+)[@:].*/\1/p'
}

# jail_links_at_least N: at least N jails are fully set up on the host (for wait_for); a
# jail's nftables table is the last thing netjail adds, after its link, routes and rules.
jail_links_at_least() { [[ $(nft list tables 2>/dev/null | grep -c '^table inet netjail[0-9]') -ge $1 ]]; }
no_jail_links() { [[ -z $(jail_links) ]]; }

# ---------------------------------------------------------------------------- the binary under test

nj() {
	# shellcheck disable=SC2086  # NETJAIL_WRAP is a command line, split on purpose
	timeout -k 3 $((${NJ_TIMEOUT:-30} * ${NJ_SLOW:-1})) ${NETJAIL_WRAP:-} "$NETJAIL" "$@"
}

# nj_bg ARGS...: start netjail in the background, with no timeout wrapper so that signals can go
# to netjail itself; its pid is in NJ_PID (and is killed by lab_down if still there).
nj_bg() {
	# <&0: an async command's stdin is otherwise /dev/null in a non-interactive shell, which
	# would ignore the caller's redirection of nj_bg.
	# shellcheck disable=SC2086
	${NETJAIL_WRAP:-} "$NETJAIL" "$@" <&0 &
	NJ_PID=$!
	LAB_PIDS+=("$NJ_PID")
}

# finish PID SECONDS: wait up to SECONDS for background PID to exit; set RC to its status, or
# to "hung" (then it is SIGKILLed).  kill -0 succeeds on zombies, so look at the state instead.
# Not in $(...): only the shell that started PID can wait for it.
finish() {
	local end=$((${EPOCHREALTIME//[!0-9]/} + $2 * 1000000 * ${NJ_SLOW:-1})) st
	while :; do
		st=$(ps -o stat= -p "$1" 2>/dev/null)
		[[ -z $st || $st == Z* ]] && break
		if [[ ${EPOCHREALTIME//[!0-9]/} -ge $end ]]; then
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			RC=hung
			return
		fi
		sleep 0.1
	done
	wait "$1"
	RC=$?
}

# lab_start_test: the usual start of a test: build the lab, insist on the binary, and keep
# the host's state in $before for assert_host_unchanged.
lab_start_test() {
	lab_up
	require_netjail
	before=$LAB_TMP/state.before
	host_state >"$before"
}

# shellcheck disable=SC2034,SC2016  # used by the tests; $r is the prober's
prober='while :; do r=$(socat -T1 -t1 - TCP:203.0.113.10:7,connect-timeout=1 </dev/null 2>/dev/null | tr -d "\r" | head -n1); echo "${r:-fail}"; sleep 0.1; done'
lines() { wc -l <"$log"; }
got_since() { tail -n +"$(($1 + 1))" "$log" | grep -qx "$2"; }
only_failures_since() {
	local after
	after=$(tail -n +"$(($1 + 1))" "$log")
	[[ -n $after ]] && ! grep -qvx fail <<<"$after"
}

lab_ipv6_on_up1() {
	ip addr add 2001:db8:1::2/64 dev up1 nodad &&
		ip -n rb addr add 2001:db8:1::1/64 dev rb-h nodad &&
		ip -n rb addr add 2001:db8:2::1/64 dev rb-s nodad &&
		ip -n srv addr add 2001:db8:2::2/64 dev s-b nodad &&
		ip -n srv addr add 2001:db8:ff::10/128 dev lo &&
		ip netns exec rb sysctl -qw net.ipv6.conf.all.forwarding=1 &&
		ip -n rb route add 2001:db8:ff::10/128 via 2001:db8:2::2 &&
		ip -n srv route add 2001:db8:1::/64 via 2001:db8:2::1 src 2001:db8:ff::10 &&
		ip -6 route add default via 2001:db8:1::1 dev up1 || return 1
	# shellcheck disable=SC2016  # $SOCAT_PEERADDR is for the server's shell
	lab_bg ip netns exec srv socat -t5 TCP6-LISTEN:7,fork,reuseaddr,ipv6only=1 SYSTEM:'echo $SOCAT_PEERADDR'
	wait_for 5 sh -c 'socat -T1 - "TCP6:[2001:db8:ff::10]:7" </dev/null 2>/dev/null | grep -q .'
}

lab_ipv6_across() {
	ip addr add 2001:db8:9::2/64 dev up0 nodad &&
		ip -n ra addr add 2001:db8:9::1/64 dev ra-h nodad &&
		ip -n ra route add 2001:db8:1::/64 via 2001:db8:9::2 &&
		ip -n rb route add 2001:db8:9::/64 via 2001:db8:1::2
}
across6() { ip netns exec ra ping -6 -c1 -W"$((2 * ${NJ_SLOW:-1}))" 2001:db8:1::1 >/dev/null 2>&1; }

lab_ipv6_all() {
	mkdir -p /etc/netjail &&
		printf '[network]\nipv6_forwarding = all\n' >/etc/netjail/netjail.conf &&
		chmod 0644 /etc/netjail/netjail.conf
}

lab_ipv6_if_jails_get_it() {
	ipv6=0
	ipv6_mode=${NJ_IPV6_FORWARDING:-interface}
	[[ -e /proc/sys/net/ipv6/conf/lo/force_forwarding ]] || ipv6_mode=all
	# /etc may be the lab's own already (a test's lab_writable_etc): one overlay is enough.
	if [[ $ipv6_mode == all ]] &&
		! { { [[ -d /run/lab-overlay/_etc ]] || lab_writable_etc; } && lab_ipv6_all; }; then
		skip "the IPv6 half of this test" "no per-interface IPv6 forwarding (force_forwarding, Linux 6.17), and no /etc of the lab's own for ipv6_forwarding = all"
		return 0
	fi
	if ! lab_ipv6_on_up1; then
		echo "Bail out! could not give up1 IPv6"
		exit 1
	fi
	ipv6=1
}

lab_writable_etc() { lab_writable /etc; }

# lab_writable DIR: DIR writable in the lab's mount namespace only (an overlay whose upper
# layer is on the lab's /run tmpfs, which goes with the lab); DIR is created in the overlay
# of its parent if it does not exist.
lab_writable() {
	local dir=$1 layer
	if [[ ! -d $dir ]]; then
		lab_writable "$(dirname "$dir")" && mkdir -p "$dir" && return 0
		return 1
	fi
	layer=/run/lab-overlay/$(tr / _ <<<"$dir")
	mkdir -p "$layer/upper" "$layer/work" &&
		mount -t overlay overlay -o "lowerdir=$dir,upperdir=$layer/upper,workdir=$layer/work" "$dir"
}

require_netjail() {
	if [[ ! -x $NETJAIL ]]; then
		not_ok "netjail binary is present at $NETJAIL"
		echo "Bail out! no netjail binary (build it, or set NETJAIL=/path/to/netjail)"
		echo "1..$TAP_N"
		exit 1
	fi
}
