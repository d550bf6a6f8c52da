#!/bin/bash
# run.sh - netjail's benchmark: how close is a jail to what the kernel itself costs?
#
#   bench/run.sh          (as root; `make bench` builds what it needs and runs it)
#
# Everything happens in a private lab built by tests/lab.sh (its own network, mount and pid
# namespaces, /run and /sys): nothing on this machine's network is touched, and all
# traffic goes to addresses inside the lab.  It prints every measure and keeps them, with
# the machine it ran on, in BENCH_TSV (below).  It only measures: no number makes it fail,
# a missed goal is printed as SHORT.
#
# 1. Start and whole run: `netjail -i up0 -- PROBE` against `unshare -n PROBE`, run
#    alternately (netjail, unshare, netjail...) BENCH_RUNS times each by bench/alt: the
#    time from the fork that execs the command to PROBE running (the start), and to the
#    command's exit (the whole run).  Twice: "isolated", each run 100 ms after the last so
#    that the kernel has finished the previous run's background work (the namespace's
#    removal, the freeing of nftables objects), and "back to back", where it has not.
#    In the same turns, the floor with a jail's objects (bench/floor --objects --shared
#    -- PROBE: every kernel object netjail makes for a lone jail, its shared nftables
#    tables included, made by the cheapest means and removed as netjail removes them; and
#    without the shared tables), against unshare, and netjail against it.  Then
#    hyperfine's medians of the bare floor (bench/floor: a bare namespace plus one veth
#    pair, made and deleted through netlink; --lazy: left to go with the namespace, as
#    netjail does) and of the seed's way (bench/scripted.sh: the same jail made by
#    ip/nft/sysctl commands).
# 2. Data path, each repeat in the order netjail, bare namespace, host, pasta, so that
#    the pairs compared run next to each other: iperf3 TCP throughput (BENCH_SECONDS),
#    64-byte UDP packet rate (bench/pps, BENCH_SECONDS) and TCP request/response latency
#    (bench/rr, one byte each way, median of BENCH_RR round trips) from the host straight
#    out of up0, through a jail on up0, through a bare namespace behind NAT on up0
#    (bench/bare.sh: what any jail costs, netjail's own rules and checks left out), and
#    through pasta --outbound-if4 up0 (not for the packet rate); medians of BENCH_REPEAT
#    runs each, the spread being that of the ratio within each repeat.  The lab's links
#    are veths that cost nothing, so the throughput is measured again through a router
#    shaped to 1 Gbit/s (tbf), as a real uplink would be.
# 3. Footprint: the supervisor's peak RSS (VmHWM) while its command runs, and its context
#    switches and CPU time over BENCH_IDLE seconds of a command doing nothing.
# 4. Scale: BENCH_JAILS jails alive at once: the time until each one's command starts (the
#    first's against the last's), setup and teardown of one more jail with all but one of
#    them alive (the pool may be full) against with none, the rule and chain counts the
#    host's own traffic and a jail's go past, and the host's own latency (bench/rr) and
#    route lookups (bench/lookup: unconnected UDP, one lookup per datagram) with them.
#
# Every row is printed with its ratio, its goal and PASS or SHORT, and written as one line
# of BENCH_TSV (bench/results/$(uname -r).tsv), tab-separated:
#   kernel section measure value unit ratio op goal verdict spread
# ("-" for a field a row has not; verdict PASS, SHORT or -; spread: min-max of the ratio
# over the repeats), after "# key: value" lines about the machine and the run.
# bench/report.sh turns every bench/results/*.tsv into bench/RESULTS.md and charts.
#
# Environment: NETJAIL (binary, default ../netjail), BENCH_BIN (alt, floor, pps, rr,
# lookup, default ../build/bench), BENCH_RUNS (timed runs per command, 30), BENCH_SECONDS
# (4), BENCH_REPEAT (5), BENCH_RR (2000), BENCH_IDLE (5), BENCH_JAILS (255), BENCH_TSV
# (empty: do not write it).
set -u
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/lab.sh
. "$bench_dir/../tests/lab.sh"

: "${BENCH_BIN:=$bench_dir/../build/bench}"
: "${BENCH_RUNS:=30}" "${BENCH_SECONDS:=4}" "${BENCH_REPEAT:=5}" "${BENCH_RR:=2000}"
: "${BENCH_IDLE:=5}" "${BENCH_JAILS:=255}"
BENCH_TSV=${BENCH_TSV-$bench_dir/results/$(uname -r).tsv}
export BENCH_BIN BENCH_RUNS BENCH_SECONDS BENCH_REPEAT BENCH_RR BENCH_IDLE BENCH_JAILS BENCH_TSV

lab_enter "$@"

say() { printf '%s\n' "$*" >&2; }
for tool in hyperfine iperf3 pasta conntrack; do
	command -v "$tool" >/dev/null || { say "bench: $tool is missing (make deps-bench)"; exit 1; }
done
for helper in alt floor pps rr lookup; do
	[[ -x $BENCH_BIN/$helper ]] || { say "bench: no $BENCH_BIN/$helper (make bench builds it)"; exit 1; }
done
require_netjail >/dev/null

SERVER=203.0.113.10
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
TSV=()	# the lines of BENCH_TSV
KERNEL=$(uname -r)

# verdict VALUE OP GOAL: PASS or SHORT
verdict() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN { print ((op == "<=") ? v <= g : v >= g) ? "PASS" : "SHORT" }'; }
# row SECTION MEASURE VALUE UNIT [RATIO [OP GOAL] [SPREAD]]: print it, keep it for the TSV
row() {
	local section=$1 measure=$2 value=$3 unit=$4 r=${5:--} op=${6:--} g=${7:--} spread=${8:--} v=-
	[[ $op != - && $r != - ]] && v=$(verdict "$r" "$op" "$g")
	say "  $measure: $value $unit${5:+  (ratio $r${8:+, spread $spread})}$([[ $v != - ]] && echo "  goal $op $g: $v")"
	TSV+=("$(printf '%s\t' "$KERNEL" "$section" "$measure" "$value" "${unit:--}" "$r" "$op" "$g" "$v")$spread")
}

# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
# spread "A1 A2..." "B1 B2...": min-max of Ai/Bi
spread() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) {
			if (y[i] <= 0) continue
			r = x[i] / y[i]
			if (!k++ || r < lo) lo = r
			if (k == 1 || r > hi) hi = r
		}
		if (k) printf "%.2f-%.2f", lo, hi; else printf "-"
	}'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed_ms PREPARE RUNS CMD...: median wall time of CMD in ms (hyperfine, no shell).
timed_ms() {
	local prepare=$1 runs=$2 csv=$LAB_TMP/timed.csv
	shift 2
	local args=(-N --style none -w 3 -r "$runs" --export-csv "$csv")
	[[ -n $prepare ]] && args+=(--prepare "$prepare")
	if ! hyperfine "${args[@]}" -- "$*" >/dev/null 2>"$LAB_TMP/timed.err"; then
		say "bench: '$*' failed: $(tail -n 3 "$LAB_TMP/timed.err")"
		echo 0
		return
	fi
	awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$csv"
}

lab_up >/dev/null
before=$LAB_TMP/state.before
host_state >"$before"
NJ="$NETJAIL -i up0"
GW=192.0.2.1

# ---------------------------------------------------------------------------- 1. start
say "1. start and whole run ($BENCH_RUNS alternations, medians)"
# alternate GAP_MS: in turn, BENCH_RUNS times each (bench/alt): the floor with a jail's
# objects (bench/floor --objects --shared), the same without netjail's shared tables
# (--objects), unshare -n, netjail, each running the probe (netjail's run follows unshare's,
# as when the two alternated alone); sets the medians (us) start_nj, start_un, whole_nj,
# whole_un, whole_obj (--shared), whole_own, and the spreads start_spread, whole_spread,
# obj_spread, own_spread (against unshare) and nj_obj_spread (netjail against --shared)
alternate() {
	local out=$LAB_TMP/alt.out probe=$BENCH_BIN/alt floor=$BENCH_BIN/floor
	# shellcheck disable=SC2086  # $NJ is a command line
	if ! "$BENCH_BIN/alt" "$BENCH_RUNS" "$1" "$floor" --objects --shared -- "$probe" -s :: \
		"$floor" --objects -- "$probe" -s :: unshare -n "$probe" -s :: $NJ -- "$probe" -s >"$out"; then
		say "bench: alternating runs failed"
	fi
	col() { awk -v w="$1" -v c="$2" '$1 == w { printf "%s ", $c }' "$out"; }
	med_col() { col "$1" "$2" | tr ' ' '\n' | grep . | median; }
	start_nj=$(med_col D 2) start_un=$(med_col C 2) whole_nj=$(med_col D 3) whole_un=$(med_col C 3)
	whole_obj=$(med_col A 3) whole_own=$(med_col B 3)
	start_spread=$(spread "$(col D 2)" "$(col C 2)") whole_spread=$(spread "$(col D 3)" "$(col C 3)")
	obj_spread=$(spread "$(col A 3)" "$(col C 3)") own_spread=$(spread "$(col B 3)" "$(col C 3)")
	nj_obj_spread=$(spread "$(col D 3)" "$(col A 3)")
}
# The floor's round trips (netlink sends), as it counts them
floor_trips=$("$BENCH_BIN/floor" --objects --shared -v 2>&1 >/dev/null | sed -n 's/^floor: \([0-9]*\) round trips.*/\1/p')
for regime in isolated back-to-back; do
	gap=0 prepare=""
	[[ $regime == isolated ]] && gap=100 prepare="sleep 0.1"
	alternate "$gap"
	s="start, $regime"
	row "$s" "unshare -n: program running" "$start_un" us
	row "$s" "netjail -i up0: program running" "$start_nj" us "$(ratio "$start_nj" "$start_un")" - - "$start_spread"
	row "$s" "unshare -n: whole run" "$whole_un" us
	row "$s" "netjail -i up0: whole run" "$whole_nj" us "$(ratio "$whole_nj" "$whole_un")" "<=" 1.5 "$whole_spread"
	floor_ms=$(timed_ms "$prepare" "$BENCH_RUNS" "$BENCH_BIN/floor")
	lazy_ms=$(timed_ms "$prepare" "$BENCH_RUNS" "$BENCH_BIN/floor" --lazy)
	script_ms=$(timed_ms "$prepare" $(((BENCH_RUNS + 2) / 3)) "$bench_dir/scripted.sh" up0 $GW -- true)
	un_ms=$(awk -v u="$whole_un" 'BEGIN { printf "%.2f", u / 1000 }')
	nj_ms=$(awk -v u="$whole_nj" 'BEGIN { printf "%.2f", u / 1000 }')
	row "$s" "floor: netns + veth, deleted, against unshare" "$floor_ms" ms "$(ratio "$floor_ms" "$un_ms")"
	row "$s" "floor: netns + veth, left to the netns, against unshare" "$lazy_ms" ms "$(ratio "$lazy_ms" "$un_ms")"
	row "$s" "netjail against the floor left to the netns" "$nj_ms" ms "$(ratio "$nj_ms" "$lazy_ms")"
	row "$s" "floor: a jail's kernel objects ($floor_trips round trips), against unshare" "$whole_obj" us \
		"$(ratio "$whole_obj" "$whole_un")" - - "$obj_spread"
	row "$s" "floor: a jail's kernel objects without netjail's shared tables, against unshare" "$whole_own" us \
		"$(ratio "$whole_own" "$whole_un")" - - "$own_spread"
	row "$s" "netjail against the floor with a jail's objects" "$whole_nj" us \
		"$(ratio "$whole_nj" "$whole_obj")" - - "$nj_obj_spread"
	row "$s" "scripted ip/nft/sysctl jail, against netjail" "$script_ms" ms "$(ratio "$script_ms" "$nj_ms")" ">=" 10
done

# ---------------------------------------------------------------------------- 2. data path
say "2. data path ($BENCH_REPEAT runs each, alternating, medians)"
# Pinned, in every mode alike: the servers to the last CPU, the clients to the first; both
# ends of the round trips to the first, so that they measure the path's own cost (a
# wake-up on the other CPU costs ~40 us on a VM, and where the scheduler puts the two ends
# otherwise swings a round trip of a few microseconds tenfold).
last_cpu=$(($(nproc) - 1))
lab_bg ip netns exec srv taskset -c "$last_cpu" iperf3 -s -p 5201 >/dev/null 2>&1
lab_bg ip netns exec srv taskset -c 0 "$BENCH_BIN/rr" -s 7001 >/dev/null 2>&1
lab_bg ip netns exec srv taskset -c "$last_cpu" "$BENCH_BIN/pps" -s 7002 >/dev/null 2>&1
wait_for 5 quiet "$BENCH_BIN/rr" -c $SERVER 7001 1
wait_for 5 quiet timeout 5 iperf3 -c $SERVER -p 5201 -n 1K
wait_for 5 quiet timeout 5 "$BENCH_BIN/pps" -c $SERVER 7002 0.01

# Prefixes that send a command's traffic out of up0: the host itself, a jail, a bare
# namespace (the floor of any jail: bench/bare.sh), pasta.  pasta refuses to keep root's
# uid; --runas 0 keeps it, the lab being root's.
declare -A via=(
	[host]=""
	[netjail]="$NJ --"
	[bare]="$bench_dir/bare.sh up0 --"
	[pasta]="pasta -f -q --runas 0 --config-net --outbound-if4 up0 --"
)
modes="netjail bare host pasta"
# tcp MODE: Mbit/s; udp MODE: datagrams/s; rtt MODE: "median_us p99_us"
tcp() {
	# shellcheck disable=SC2086  # the prefix is a command line
	timeout 60 ${via[$1]} taskset -c 0 iperf3 -c $SERVER -p 5201 -t "$BENCH_SECONDS" -f m </dev/null 2>/dev/null |
		awk '/receiver/ { print $(NF - 2) }'
}
udp() {
	# shellcheck disable=SC2086
	timeout 60 ${via[$1]} taskset -c 0 "$BENCH_BIN/pps" -c $SERVER 7002 "$BENCH_SECONDS" </dev/null 2>/dev/null
}
rtt() {
	# shellcheck disable=SC2086
	timeout 60 ${via[$1]} taskset -c 0 "$BENCH_BIN/rr" -c $SERVER 7001 "$BENCH_RR" </dev/null 2>/dev/null
}
declare -A tput lat p99 pps gbit
for mode in $modes; do tput[$mode]="" lat[$mode]="" p99[$mode]="" pps[$mode]="" gbit[$mode]=""; done
for ((i = 0; i < BENCH_REPEAT; i++)); do
	for mode in $modes; do
		t=$(tcp "$mode")
		tput[$mode]+="${t:-0} "
		if [[ $mode != pasta ]]; then
			t=$(udp "$mode")
			pps[$mode]+="${t:-0} "
		fi
		read -r m p < <(rtt "$mode")
		lat[$mode]+="${m:-0} " p99[$mode]+="${p:-0} "
	done
done
# The same through an uplink of 1 Gbit/s, as real ones are: the router shapes what it
# forwards to the server (tbf; the lab's router, not the host, so host_state is unchanged).
if ip netns exec ra tc qdisc add dev ra-s root tbf rate 1gbit burst 512kb latency 20ms 2>/dev/null; then
	for ((i = 0; i < BENCH_REPEAT; i++)); do
		for mode in netjail host pasta; do
			t=$(tcp "$mode")
			gbit[$mode]+="${t:-0} "
		done
	done
	ip netns exec ra tc qdisc del dev ra-s root
fi
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
s="data path via up0"
for mode in netjail bare host pasta; do
	row "$s" "TCP throughput, $mode" "$(med "${tput[$mode]}")" Mbit/s
done
row "$s" "TCP throughput, netjail against the bare namespace" "$(med "${tput[netjail]}")" Mbit/s \
	"$(ratio "$(med "${tput[netjail]}")" "$(med "${tput[bare]}")")" ">=" 0.98 "$(spread "${tput[netjail]}" "${tput[bare]}")"
for mode in netjail bare pasta; do
	row "$s" "TCP throughput, $mode against host direct" "$(med "${tput[$mode]}")" Mbit/s \
		"$(ratio "$(med "${tput[$mode]}")" "$(med "${tput[host]}")")" - - "$(spread "${tput[$mode]}" "${tput[host]}")"
done
for mode in netjail bare host; do
	row "$s" "UDP 64-byte packet rate, $mode" "$(med "${pps[$mode]}")" pkt/s
done
row "$s" "UDP 64-byte packet rate, netjail against the bare namespace" "$(med "${pps[netjail]}")" pkt/s \
	"$(ratio "$(med "${pps[netjail]}")" "$(med "${pps[bare]}")")" ">=" 0.98 "$(spread "${pps[netjail]}" "${pps[bare]}")"
for mode in netjail bare; do
	row "$s" "UDP 64-byte packet rate, $mode against host direct" "$(med "${pps[$mode]}")" pkt/s \
		"$(ratio "$(med "${pps[$mode]}")" "$(med "${pps[host]}")")" - - "$(spread "${pps[$mode]}" "${pps[host]}")"
done
for mode in netjail bare host pasta; do
	row "$s" "TCP round trip, $mode" "$(med "${lat[$mode]}")" us
	row "$s" "TCP round trip p99, $mode" "$(med "${p99[$mode]}")" us
done
row "$s" "TCP round trip, netjail against the bare namespace" "$(med "${lat[netjail]}")" us \
	"$(ratio "$(med "${lat[netjail]}")" "$(med "${lat[bare]}")")" "<=" 1.03 "$(spread "${lat[netjail]}" "${lat[bare]}")"
for mode in netjail bare pasta; do
	row "$s" "TCP round trip, $mode against host direct" "$(med "${lat[$mode]}")" us \
		"$(ratio "$(med "${lat[$mode]}")" "$(med "${lat[host]}")")" - - "$(spread "${lat[$mode]}" "${lat[host]}")"
done
if [[ -n ${gbit[host]} ]]; then
	row "$s" "TCP throughput at 1 Gbit/s, host direct" "$(med "${gbit[host]}")" Mbit/s
	row "$s" "TCP throughput at 1 Gbit/s, netjail against host direct" "$(med "${gbit[netjail]}")" Mbit/s \
		"$(ratio "$(med "${gbit[netjail]}")" "$(med "${gbit[host]}")")" ">=" 0.95 "$(spread "${gbit[netjail]}" "${gbit[host]}")"
	row "$s" "TCP throughput at 1 Gbit/s, pasta against host direct" "$(med "${gbit[pasta]}")" Mbit/s \
		"$(ratio "$(med "${gbit[pasta]}")" "$(med "${gbit[host]}")")" - - "$(spread "${gbit[pasta]}" "${gbit[host]}")"
fi

# Where the sending CPU's time goes, for the packet rate: perf samples of its CPU while
# bench/pps sends (the whole path, forwarding and NAT included, runs in its softirqs),
# the share of them in nftables' code (the rule interpreter, its expressions, the fib
# lookups of "fib saddr type"), through netjail and through the bare namespace, whose
# only rule is a NAT chain that established flows skip.  And the base chains on the
# forward and postrouting hooks that are not NAT chains: each one a jail's packet passes.
# path_profile MODE: "nft_share_percent"
path_profile() {
	local data=$LAB_TMP/perf.$1
	# shellcheck disable=SC2086
	perf record -q -C 0 -o "$data" -- ${via[$1]} taskset -c 0 "$BENCH_BIN/pps" -c $SERVER 7002 "$BENCH_SECONDS" \
		</dev/null >/dev/null 2>&1 || return
	perf report -i "$data" --comm pps --sort sym --stdio 2>/dev/null | awk '
		$1 ~ /%$/ { p = $1 + 0; all += p; if ($3 ~ /^(nft_|nf_tables|__nft|inet_dev_addr_type|__inet_dev_addr_type)/) nft += p }
		END { if (all > 0) printf "%.1f\n", 100 * nft / all }'
}
path_chains() {
	nft list chains 2>/dev/null | grep 'hook \(forward\|postrouting\)' | grep -vc 'type nat'
}
if command -v perf >/dev/null; then
	nj_prof=$(path_profile netjail) bare_prof=$(path_profile bare)
	row "$s" "sending CPU's time in nftables for 64-byte UDP (perf), netjail" "${nj_prof:--}" "%"
	row "$s" "sending CPU's time in nftables for 64-byte UDP (perf), bare namespace" "${bare_prof:--}" "%"
fi
nj_bg -i up0 -- sleep 3600 </dev/null
wait_for 5 jail_links_at_least 1
row "$s" "nftables base chains (not NAT) a jail's forwarded packet passes, 1 jail" "$(path_chains)" chains
kill -TERM "$NJ_PID"
finish "$NJ_PID" 10

# ---------------------------------------------------------------------------- 3. footprint
say "3. footprint"
# proc_field PID NAME: a field of /proc/PID/status, without its unit
proc_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# cpu_ticks PID: utime + stime
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
nj_bg -i up0 -- sleep 3600 </dev/null
sup=$NJ_PID
wait_for 5 jail_links_at_least 1
sleep 0.5	# past its own setup's last steps
switches() { echo $(($(proc_field "$sup" voluntary_ctxt_switches) + $(proc_field "$sup" nonvoluntary_ctxt_switches))); }
sw0=$(switches) cpu0=$(cpu_ticks "$sup")
sleep "$BENCH_IDLE"
sw1=$(switches) cpu1=$(cpu_ticks "$sup")
hwm=$(proc_field "$sup" VmHWM) rss=$(proc_field "$sup" VmRSS)
kill -TERM "$sup"
finish "$sup" 10
s="supervisor footprint"
row "$s" "peak RSS (VmHWM) while the command runs, in MiB" "$(awk -v k="$hwm" 'BEGIN { printf "%.2f", k / 1024 }')" MiB \
	"$(awk -v k="$hwm" 'BEGIN { printf "%.2f", k / 1024 }')" "<=" 3
row "$s" "RSS now" "$rss" KiB
row "$s" "wake-ups in ${BENCH_IDLE} s of nothing" "$((sw1 - sw0))" "context switches" "$((sw1 - sw0))" "<=" 0
row "$s" "CPU in ${BENCH_IDLE} s of nothing" "$((cpu1 - cpu0))" ticks

# ---------------------------------------------------------------------------- 4. scale
say "4. scale ($BENCH_JAILS jails)"
# start_jail: one more long-lived jail; START_US: the microseconds until its command ran.
# (Not in $(...): the jail would hold the substitution's pipe open.)
start_jail() {
	local fifo=$LAB_TMP/start.fifo t0 line
	[[ -p $fifo ]] || mkfifo "$fifo"
	t0=$EPOCHREALTIME
	nj_bg -i up0 -- sh -c "echo >$fifo; exec sleep 3600" </dev/null >/dev/null
	START_US=0
	if read -r -t 10 line <>"$fifo"; then
		START_US=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1e6 }')
	fi
}
# one_run: setup (until the command runs) and teardown (from its end to netjail's exit) of
# one short jail, in microseconds
one_run() {
	local fifo=$LAB_TMP/run.fifo t0 t1
	[[ -p $fifo ]] || mkfifo "$fifo"
	exec 9<>"$fifo"
	t0=$EPOCHREALTIME
	$NJ -- sh -c "echo >$fifo" </dev/null >/dev/null &
	local pid=$! tries=0
	# Not one long read: a netjail that refuses to start would cost its whole timeout.
	while ! read -r -t 0.05 _ <&9 && ((tries++ < 200)); do
		kill -0 "$pid" 2>/dev/null || break
	done
	t1=$EPOCHREALTIME
	wait "$pid"
	exec 9<&-
	awk -v a="$t0" -v b="$t1" -v c="$EPOCHREALTIME" 'BEGIN { printf "%d %d\n", (b - a) * 1e6, (c - b) * 1e6 }'
}
one_runs() {
	local i out setup="" teardown=""
	for ((i = 0; i < BENCH_RUNS; i++)); do
		sleep 0.1
		out=$(one_run)
		setup+="${out% *} " teardown+="${out#* } "
	done
	echo "$(tr ' ' '\n' <<<"$setup" | grep . | median) $(tr ' ' '\n' <<<"$teardown" | grep . | median)"
}
# host_counts: the rules a route lookup of the host's own traffic (once per connection: a
# socket keeps its route) is matched against before the main table's (IPv4); the nftables
# base chains that every packet of it passes (any but NAT chains on prerouting, input,
# output, postrouting: forward sees only what the host routes for others); and the NAT
# chains on its hooks that the first packet of each connection goes past: on postrouting
# those up to netjail_hostnat's, which ends the walk for the host's own (all without it)
host_counts() {
	local rules per_packet nat chains
	# Walk the rules as the kernel does for a lookup of the host's own ("iif lo"), jumps
	# of "iif lo goto" included, and count those before main's.
	rules=$(ip rule show | awk -F':\t' '
		{ pref[NR] = $1 + 0; text[NR] = $2 }
		END {
			n = 0
			for (i = 1; i <= NR && pref[i] < 32766; i++) {
				if (pref[i] == 0)
					continue
				n++
				if (text[i] ~ /^from all iif lo goto [0-9]+$/) {
					split(text[i], w, " ")
					for (j = i + 1; j <= NR && pref[j] != w[6] + 0; j++)
						;
					if (j <= NR)
						i = j - 1
				}
			}
			print n
		}')
	chains=$(nft list chains 2>/dev/null | grep 'hook \(prerouting\|input\|output\|postrouting\)')
	per_packet=$(grep -vc 'type nat' <<<"$chains")
	nat=$(nft list chains 2>/dev/null | awk '
		BEGIN { split("raw -300 mangle -150 dstnat -100 filter 0 security 50 srcnat 100", w)
			for (i = 1; i < 12; i += 2) base[w[i]] = w[i + 1] }
		$1 == "table" { table = $3 }
		/type nat hook/ {
			hook = $0; sub(/.*hook /, "", hook); sub(/ .*/, "", hook)
			pr = $0; sub(/.*priority /, "", pr); sub(/;.*/, "", pr)
			split(pr, p, " ")
			prio = (p[1] in base) ? base[p[1]] : p[1] + 0
			if (p[2] == "+") prio += p[3]; else if (p[2] == "-") prio -= p[3]
			if (hook != "postrouting") { other++; next }
			post[++n] = prio
			if (table == "netjail_hostnat") { stop = prio; has_stop = 1 }
		}
		END {
			count = other
			for (i = 1; i <= n; i++)
				if (!has_stop || post[i] <= stop)
					count++
			print count + 0
		}')
	echo "$rules $per_packet $nat"
}
# new_flows: ns per datagram from a new socket each; the conntrack entries they leave are
# flushed, since a link that goes down has masquerade walk the whole table (teardowns
# measured later would pay for them)
new_flows() {
	taskset -c 0 "$BENCH_BIN/lookup" -n $SERVER 9 2000
	conntrack -F >/dev/null 2>&1
}
rtt_host() {
	local i all=""
	for ((i = 0; i < BENCH_REPEAT; i++)); do
		all+="$(taskset -c 0 "$BENCH_BIN/rr" -c $SERVER 7001 "$BENCH_RR" | cut -d' ' -f1) "
	done
	tr ' ' '\n' <<<"$all" | grep . | median
}

read -r setup0 teardown0 < <(one_runs)
nj_bg -i up0 -- sleep 3600 </dev/null
first_pid=$NJ_PID
wait_for 5 jail_links_at_least 1
read -r rules1 chains1 nat1 < <(host_counts)
rtt1=$(rtt_host)
lookup1=$(taskset -c 0 "$BENCH_BIN/lookup" $SERVER 9 20000)
flows1=$(new_flows)
kill -TERM "$first_pid"; finish "$first_pid" 10

starts=()
pids=()
for ((k = 1; k <= BENCH_JAILS; k++)); do
	start_jail
	starts+=("$START_US")
	pids+=("$NJ_PID")
done
alive=$(jail_links | wc -l)
read -r rulesN chainsN natN < <(host_counts)
pathN=$(path_chains)
rttN=$(rtt_host)
lookupN=$(taskset -c 0 "$BENCH_BIN/lookup" $SERVER 9 20000)
flowsN=$(new_flows)
# One more jail's start and end among the others: the last one ends first, so that there is
# a slot for it where BENCH_JAILS fills the pool (255 jails: the 8 bits of the default mark).
kill -TERM "${pids[-1]}"
finish "${pids[-1]}" 20
unset 'pids[-1]'
read -r setupN teardownN < <(one_runs)
t0=$EPOCHREALTIME
kill -TERM "${pids[@]}" 2>/dev/null
for pid in "${pids[@]}"; do finish "$pid" 60; done
all_down_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1e3 }')

n=$BENCH_JAILS
first5=$(printf '%s\n' "${starts[@]:0:5}" | median)
last5=$(printf '%s\n' "${starts[@]: -5}" | median)
s="scale: $n jails alive"
[[ $alive == "$n" ]] || say "bench: $alive of $n jails had their link"
row "$s" "start of jail $n against jail 1 (command running; jail 1: ${starts[0]} us)" "${starts[n - 1]}" us \
	"$(ratio "${starts[n - 1]}" "${starts[0]}")"
row "$s" "start, median of jails $((n - 4))-$n against 1-5 (1-5: $first5 us)" "$last5" us \
	"$(ratio "$last5" "$first5")" "<=" 1.2 \
	"$(printf '%s\n' "${starts[@]:0:5}" | sort -g | sed -n '1p;$p' | tr '\n' ' ' | {
		read -r lo hi
		printf '%s\n' "${starts[@]: -5}" | sort -g | sed -n '1p;$p' | tr '\n' ' ' | {
			read -r llo lhi
			awk -v a="$lo" -v b="$hi" -v c="$llo" -v d="$lhi" 'BEGIN { printf "%.2f-%.2f", c / b, d / a }'
		}
	})"
row "$s" "one more jail's setup, with $((n - 1)) others alive against 0 (0: $setup0 us)" "$setupN" us "$(ratio "$setupN" "$setup0")" "<=" 1.2
row "$s" "its teardown, with $((n - 1)) others alive against 0 (0: $teardown0 us)" "$teardownN" us \
	"$(ratio "$teardownN" "$teardown0")" "<=" 1.2
row "$s" "all $((n - 1)) torn down (SIGTERM to all)" "$all_down_ms" ms
row "$s" "nftables chains every host packet passes, $n jails (1 jail: $chains1)" "$chainsN" chains "$chainsN" "<=" "$chains1"
row "$s" "nftables base chains (not NAT) a jail's forwarded packet passes, $n jails" "$pathN" chains
row "$s" "NAT chains a new host connection passes, $n jails (1 jail: $nat1)" "$natN" chains "$natN" "<=" "$nat1"
row "$s" "host's own new UDP flow (new socket, new conntrack entry), $n jails against 1 (1: $flows1 ns)" \
	"$flowsN" ns "$(ratio "$flowsN" "$flows1")" "<=" 1.1
row "$s" "policy rules a lookup of the host's own goes past, $n jails (1 jail: $rules1)" "$rulesN" rules \
	"$rulesN" "<=" "$rules1"
row "$s" "host's own UDP sendto (a route lookup each), $n jails against 1 (1: $lookup1 ns)" "$lookupN" ns \
	"$(ratio "$lookupN" "$lookup1")" "<=" 1.1
row "$s" "host's own TCP round trip, $n jails against 1 (1: $rtt1 us)" "$rttN" us "$(ratio "$rttN" "$rtt1")" "<=" 1.1

# ---------------------------------------------------------------------------- the table
if wait_for 3 _host_state_is "$before"; then
	host_ok="the lab's host state is as before the bench"
else
	host_ok="the lab's host state DIFFERS from before the bench"
	diff -u "$before" "$LAB_TMP/state.now" | head -n 30 >&2
fi
machine() {
	echo "# kernel: $KERNEL ($(uname -m))"
	echo "# machine: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores, $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "# commit: $(cd "$bench_dir/.." && git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "# tools: $(hyperfine --version), $(iperf3 --version | head -n 1 | cut -d' ' -f1-2), pasta $(dpkg-query -W -f='${Version}' passt 2>/dev/null)"
	echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "# load: $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (1, 5, 15 min load averages)"
	echo "# settings: BENCH_RUNS=$BENCH_RUNS BENCH_SECONDS=$BENCH_SECONDS BENCH_REPEAT=$BENCH_REPEAT BENCH_RR=$BENCH_RR BENCH_IDLE=$BENCH_IDLE BENCH_JAILS=$BENCH_JAILS"
	echo "# host state: $host_ok"
}
say "$host_ok"
shorts=$(printf '%s\n' "${TSV[@]}" | awk -F'\t' '$9 == "SHORT"' | wc -l)
passes=$(printf '%s\n' "${TSV[@]}" | awk -F'\t' '$9 == "PASS"' | wc -l)
say "goals: $passes PASS, $shorts SHORT"
if [[ -n $BENCH_TSV ]]; then
	mkdir -p "$(dirname "$BENCH_TSV")"
	{
		machine
		printf 'kernel\tsection\tmeasure\tvalue\tunit\tratio\top\tgoal\tverdict\tspread\n'
		printf '%s\n' "${TSV[@]}"
	} >"$BENCH_TSV.new" && mv "$BENCH_TSV.new" "$BENCH_TSV"
	say "(kept in $BENCH_TSV)"
fi
