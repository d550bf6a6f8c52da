#!/bin/bash
# run.sh - netjail's benchmark: how close is a jail to what the kernel itself costs?
#
#   bench/run.sh          (as root; `make bench` builds what it needs and runs it)
#
# Everything happens in a private lab built by tests/lab.sh (its own network, mount and pid
# namespaces, /run and /sys): nothing on this machine's network is touched, and all
# traffic goes to addresses inside the lab.  It prints a table and keeps a copy, with the
# machine it ran on, in bench/RESULTS.md.  It only measures: no number makes it fail, a
# missed goal is printed as such.
#
# 1. Setup + teardown: medians of `netjail -i up0 -- true` against `unshare -n true`, the
#    floor (bench/floor: a bare namespace plus one veth pair, made and deleted through
#    netlink; --lazy: left to go with the namespace, as netjail does) and the seed's way
#    (bench/scripted.sh: the same jail made by ip/nft/sysctl commands).  Twice: "isolated",
#    each run 100 ms after the last so that the kernel has finished the previous run's
#    background work (the namespace's removal, the freeing of nftables objects), and
#    "back to back", where it has not.
# 2. Data path: iperf3 TCP throughput (BENCH_SECONDS, 5 s) and request/response latency
#    (bench/rr, one byte each way, median of BENCH_RR round trips) from the host straight
#    out of up0, through a jail on up0, through a bare namespace behind NAT on up0
#    (bench/bare.sh: what any jail costs, netjail's own rules and checks left out), and
#    through pasta --outbound-if4 up0; medians of BENCH_REPEAT runs each.  The lab's links
#    are veths that cost nothing, so the throughput is measured again through a router
#    shaped to 1 Gbit/s (tbf), as a real uplink would be.
# 3. Footprint: the supervisor's peak RSS (VmHWM) while its command runs, and its context
#    switches and CPU time over BENCH_IDLE seconds of a command doing nothing.
# 4. Scale: BENCH_JAILS jails alive at once: the time until each one's command starts (the
#    first's against the last's), setup and teardown of one more jail with all of them
#    alive against with none, the rule and chain counts the host's own traffic goes past,
#    and the host's own latency (bench/rr) and route lookups (bench/lookup: unconnected
#    UDP, one lookup per datagram) with them.
#
# Environment: NETJAIL (binary, default ../netjail), BENCH_BIN (floor, rr, lookup, default
# ../build/bench), BENCH_RUNS (timed runs per command, 30), BENCH_SECONDS, BENCH_REPEAT (3),
# BENCH_RR (2000), BENCH_IDLE (5), BENCH_JAILS (100), BENCH_RESULTS (bench/RESULTS.md; empty:
# do not write it).
set -u
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/lab.sh
. "$bench_dir/../tests/lab.sh"

: "${BENCH_BIN:=$bench_dir/../build/bench}"
: "${BENCH_RUNS:=30}" "${BENCH_SECONDS:=5}" "${BENCH_REPEAT:=3}" "${BENCH_RR:=2000}"
: "${BENCH_IDLE:=5}" "${BENCH_JAILS:=100}"
BENCH_RESULTS=${BENCH_RESULTS-$bench_dir/RESULTS.md}
export BENCH_BIN BENCH_RUNS BENCH_SECONDS BENCH_REPEAT BENCH_RR BENCH_IDLE BENCH_JAILS BENCH_RESULTS

lab_enter "$@"

say() { printf '%s\n' "$*" >&2; }
for tool in hyperfine iperf3 pasta conntrack; do
	command -v "$tool" >/dev/null || { say "bench: $tool is missing (make deps-bench)"; exit 1; }
done
for helper in floor rr lookup; do
	[[ -x $BENCH_BIN/$helper ]] || { say "bench: no $BENCH_BIN/$helper (make bench builds it)"; exit 1; }
done
require_netjail >/dev/null

SERVER=203.0.113.10
ROWS=()	# "section|what|value|ratio|goal" lines of the table

# row SECTION WHAT VALUE [RATIO [GOAL]]
row() { ROWS+=("$1|$2|$3|${4:-}|${5:-}"); say "  $2: $3${4:+  ($4)}${5:+  $5}"; }

# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
# goal VALUE OP LIMIT [UNIT]: "goal OP LIMIT: holds" or "...: MISSED"
goal() {
	awk -v v="$1" -v op="$2" -v l="$3" -v u="${4:+ $4}" 'BEGIN {
		ok = (op == "<=") ? v <= l : v >= l
		printf "goal %s %s%s: %s", op, l, u, ok ? "holds" : "MISSED" }'
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

# ---------------------------------------------------------------------------- 1. setup + teardown
say "1. setup + teardown ($BENCH_RUNS runs each, medians)"
for regime in isolated back-to-back; do
	prepare=""
	[[ $regime == isolated ]] && prepare="sleep 0.1"
	unshare_ms=$(timed_ms "$prepare" "$BENCH_RUNS" unshare -n true)
	floor_ms=$(timed_ms "$prepare" "$BENCH_RUNS" "$BENCH_BIN/floor")
	lazy_ms=$(timed_ms "$prepare" "$BENCH_RUNS" "$BENCH_BIN/floor" --lazy)
	nj_ms=$(timed_ms "$prepare" "$BENCH_RUNS" $NJ -- true)
	script_ms=$(timed_ms "$prepare" $(((BENCH_RUNS + 2) / 3)) "$bench_dir/scripted.sh" up0 $GW -- true)
	s="setup+teardown, $regime"
	row "$s" "unshare -n true" "$unshare_ms ms"
	row "$s" "floor: netns + veth, deleted" "$floor_ms ms" "$(ratio "$floor_ms" "$unshare_ms")x unshare"
	row "$s" "floor: netns + veth, left to the netns" "$lazy_ms ms" "$(ratio "$lazy_ms" "$unshare_ms")x unshare"
	r=$(ratio "$nj_ms" "$unshare_ms")
	row "$s" "netjail -i up0 -- true" "$nj_ms ms" "${r}x unshare" "$(goal "$r" "<=" 3)"
	r=$(ratio "$script_ms" "$nj_ms")
	row "$s" "scripted ip/nft/sysctl jail" "$script_ms ms" "${r}x netjail" "$(goal "$r" ">=" 10)"
done

# ---------------------------------------------------------------------------- 2. data path
say "2. data path ($BENCH_REPEAT runs each, medians)"
# Pinned, in every mode alike: iperf3's server to the last CPU and its client to the first;
# both ends of the round trips to the first, so that they measure the path's own cost (a
# wake-up on the other CPU costs ~40 us on a VM, and where the scheduler puts the two ends
# otherwise swings a round trip of a few microseconds tenfold).
last_cpu=$(($(nproc) - 1))
lab_bg ip netns exec srv taskset -c "$last_cpu" iperf3 -s -p 5201 >/dev/null 2>&1
lab_bg ip netns exec srv taskset -c 0 "$BENCH_BIN/rr" -s 7001 >/dev/null 2>&1
wait_for 5 quiet "$BENCH_BIN/rr" -c $SERVER 7001 1
wait_for 5 quiet timeout 5 iperf3 -c $SERVER -p 5201 -n 1K

# Prefixes that send a command's traffic out of up0: the host itself, a jail, a bare
# namespace (the floor of any jail: bench/bare.sh), pasta.  pasta refuses to keep root's
# uid; --runas 0 keeps it, the lab being root's.
declare -A via=(
	[host]=""
	[netjail]="$NJ --"
	[bare]="$bench_dir/bare.sh up0 --"
	[pasta]="pasta -f -q --runas 0 --config-net --outbound-if4 up0 --"
)
modes="host netjail bare pasta"
declare -A tput lat p99
for mode in $modes; do tput[$mode]="" lat[$mode]="" p99[$mode]=""; done
for ((i = 0; i < BENCH_REPEAT; i++)); do
	for mode in $modes; do
		# shellcheck disable=SC2086  # the prefix is a command line
		t=$(timeout 60 ${via[$mode]} taskset -c 0 iperf3 -c $SERVER -p 5201 -t "$BENCH_SECONDS" -f m </dev/null 2>/dev/null |
			awk '/receiver/ { print $(NF - 2) }')
		tput[$mode]+="${t:-0} "
		# shellcheck disable=SC2086
		read -r m p < <(timeout 60 ${via[$mode]} taskset -c 0 "$BENCH_BIN/rr" -c $SERVER 7001 "$BENCH_RR" </dev/null 2>/dev/null)
		lat[$mode]+="${m:-0} " p99[$mode]+="${p:-0} "
	done
done
# The same through an uplink of 1 Gbit/s, as real ones are: the router shapes what it
# forwards to the server (tbf; the lab's router, not the host, so host_state is unchanged).
declare -A gbit
for mode in host netjail pasta; do gbit[$mode]=""; done
if ip netns exec ra tc qdisc add dev ra-s root tbf rate 1gbit burst 512kb latency 20ms 2>/dev/null; then
	for ((i = 0; i < BENCH_REPEAT; i++)); do
		for mode in host netjail pasta; do
			# shellcheck disable=SC2086
			t=$(timeout 60 ${via[$mode]} taskset -c 0 iperf3 -c $SERVER -p 5201 -t "$BENCH_SECONDS" -f m </dev/null 2>/dev/null |
				awk '/receiver/ { print $(NF - 2) }')
			gbit[$mode]+="${t:-0} "
		done
	done
	ip netns exec ra tc qdisc del dev ra-s root
fi
for mode in $modes; do
	gbit[$mode]=$(tr ' ' '\n' <<<"${gbit[$mode]:-}" | grep . | median)
	tput[$mode]=$(tr ' ' '\n' <<<"${tput[$mode]}" | grep . | median)
	lat[$mode]=$(tr ' ' '\n' <<<"${lat[$mode]}" | grep . | median)
	p99[$mode]=$(tr ' ' '\n' <<<"${p99[$mode]}" | grep . | median)
done
s="data path via up0"
row "$s" "TCP throughput, host direct" "${tput[host]} Mbit/s"
r=$(ratio "${tput[netjail]}" "${tput[host]}")
row "$s" "TCP throughput, netjail" "${tput[netjail]} Mbit/s" "${r}x host" "$(goal "$r" ">=" 0.95)"
row "$s" "TCP throughput, bare namespace + veth + NAT" "${tput[bare]} Mbit/s" \
	"$(ratio "${tput[bare]}" "${tput[host]}")x host"
r=$(ratio "${tput[netjail]}" "${tput[bare]}")
row "$s" "TCP throughput, netjail against the bare namespace" "" "${r}x bare" "$(goal "$r" ">=" 0.95)"
row "$s" "TCP throughput, pasta" "${tput[pasta]} Mbit/s" "$(ratio "${tput[pasta]}" "${tput[host]}")x host"
if [[ -n ${gbit[host]} ]]; then
	row "$s" "TCP throughput at 1 Gbit/s, host direct" "${gbit[host]} Mbit/s"
	r=$(ratio "${gbit[netjail]}" "${gbit[host]}")
	row "$s" "TCP throughput at 1 Gbit/s, netjail" "${gbit[netjail]} Mbit/s" "${r}x host" "$(goal "$r" ">=" 0.95)"
	row "$s" "TCP throughput at 1 Gbit/s, pasta" "${gbit[pasta]} Mbit/s" "$(ratio "${gbit[pasta]}" "${gbit[host]}")x host"
fi
row "$s" "TCP round trip, host direct" "${lat[host]} us (p99 ${p99[host]})"
r=$(ratio "${lat[netjail]}" "${lat[host]}")
row "$s" "TCP round trip, netjail" "${lat[netjail]} us (p99 ${p99[netjail]})" "${r}x host" "$(goal "$r" "<=" 1.1)"
row "$s" "TCP round trip, bare namespace + veth + NAT" "${lat[bare]} us (p99 ${p99[bare]})" \
	"$(ratio "${lat[bare]}" "${lat[host]}")x host"
r=$(ratio "${lat[netjail]}" "${lat[bare]}")
row "$s" "TCP round trip, netjail against the bare namespace" "" "${r}x bare" "$(goal "$r" "<=" 1.1)"
row "$s" "TCP round trip, pasta" "${lat[pasta]} us (p99 ${p99[pasta]})" "$(ratio "${lat[pasta]}" "${lat[host]}")x host"

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
row "$s" "peak RSS (VmHWM) while the command runs" "$hwm KiB (now $rss KiB)" "" \
	"$(goal "$(awk -v k="$hwm" 'BEGIN { printf "%.2f", k / 1024 }')" "<=" 3 MiB)"
row "$s" "wake-ups in ${BENCH_IDLE} s of nothing" "$((sw1 - sw0)) context switches" "" \
	"$(goal $((sw1 - sw0)) "<=" 0)"
row "$s" "CPU in ${BENCH_IDLE} s of nothing" "$((cpu1 - cpu0)) ticks"

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
	local pid=$!
	read -r -t 10 _ <&9
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
rttN=$(rtt_host)
lookupN=$(taskset -c 0 "$BENCH_BIN/lookup" $SERVER 9 20000)
flowsN=$(new_flows)
read -r setupN teardownN < <(one_runs)
t0=$EPOCHREALTIME
kill -TERM "${pids[@]}" 2>/dev/null
for pid in "${pids[@]}"; do finish "$pid" 20; done
all_down_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1e3 }')

n=$BENCH_JAILS
first5=$(printf '%s\n' "${starts[@]:0:5}" | median)
last5=$(printf '%s\n' "${starts[@]: -5}" | median)
s="scale: $n jails alive ($alive links)"
row "$s" "start of jail 1 / jail $n (command running)" "${starts[0]} / ${starts[n - 1]} us" \
	"$(ratio "${starts[n - 1]}" "${starts[0]}")x"
r=$(ratio "$last5" "$first5")
row "$s" "start, median of jails 1-5 / $((n - 4))-$n" "$first5 / $last5 us" "${r}x" "$(goal "$r" "<=" 1.2)"
r=$(ratio "$setupN" "$setup0")
row "$s" "one more jail's setup, with 0 / $n alive" "$setup0 / $setupN us" "${r}x" "$(goal "$r" "<=" 1.2)"
r=$(ratio "$teardownN" "$teardown0")
row "$s" "its teardown, with 0 / $n alive" "$teardown0 / $teardownN us" "${r}x" "$(goal "$r" "<=" 1.2)"
row "$s" "all $n torn down (SIGTERM to all)" "$all_down_ms ms"
row "$s" "nftables chains every host packet passes, 1 / $n jails" "$chains1 / $chainsN" "" \
	"$(goal "$chainsN" "<=" "$chains1")"
row "$s" "NAT chains a new host connection passes, 1 / $n jails" "$nat1 / $natN" "" "$(goal "$natN" "<=" "$nat1")"
r=$(ratio "$flowsN" "$flows1")
row "$s" "host's own new UDP flow (new socket, new conntrack entry), 1 / $n jails" \
	"$flows1 / $flowsN ns" "${r}x" "$(goal "$r" "<=" 1.1)"
row "$s" "policy rules a lookup of the host's own goes past, 1 / $n jails" "$rules1 / $rulesN" "" \
	"$(goal "$rulesN" "<=" "$rules1")"
r=$(ratio "$lookupN" "$lookup1")
row "$s" "host's own UDP sendto (a route lookup each), 1 / $n jails" "$lookup1 / $lookupN ns" "${r}x" \
	"$(goal "$r" "<=" 1.1)"
r=$(ratio "$rttN" "$rtt1")
row "$s" "host's own TCP round trip, 1 / $n jails" "$rtt1 / $rttN us" "${r}x" "$(goal "$r" "<=" 1.1)"

# ---------------------------------------------------------------------------- the table
if wait_for 3 _host_state_is "$before"; then
	host_ok="the lab's host state is as before the bench"
else
	host_ok="the lab's host state DIFFERS from before the bench"
	diff -u "$before" "$LAB_TMP/state.now" | head -n 30 >&2
fi
table() {
	local last="" line section what value r g
	printf '| %s | %s | %s | %s |\n' "measure" "value" "ratio" "goal"
	printf '|---|---|---|---|\n'
	for line in "${ROWS[@]}"; do
		IFS='|' read -r section what value r g <<<"$line"
		if [[ $section != "$last" ]]; then
			printf '| **%s** | | | |\n' "$section"
			last=$section
		fi
		printf '| %s | %s | %s | %s |\n' "$what" "$value" "$r" "$g"
	done
}
machine() {
	echo "- kernel: $(uname -r) ($(uname -m))"
	echo "- CPU: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores"
	echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- netjail: $(cd "$bench_dir/.." && git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "- tools: $(hyperfine --version), $(iperf3 --version | head -n 1 | cut -d' ' -f1-2), pasta $(dpkg-query -W -f='${Version}' passt 2>/dev/null)"
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
}
echo
table
echo
echo "$host_ok"
if [[ -n $BENCH_RESULTS ]]; then
	{
		echo "# netjail benchmark: last run"
		echo
		echo "Written by \`make bench\` (bench/run.sh); see the README's Benchmark section."
		echo
		machine
		echo "- settings: BENCH_RUNS=$BENCH_RUNS BENCH_SECONDS=$BENCH_SECONDS BENCH_REPEAT=$BENCH_REPEAT BENCH_RR=$BENCH_RR BENCH_IDLE=$BENCH_IDLE BENCH_JAILS=$BENCH_JAILS"
		echo
		table
		echo
		echo "$host_ok."
		echo
		cat <<'NOTES'
How to read it:
- *isolated*: each run starts 100 ms after the last, once the kernel has finished the
  last run's background work (the namespace's removal, freeing deleted nftables objects);
  *back to back*: it has not.  The floor that deletes its veth pays an RCU barrier
  (~20 ms here); netjail, like the lazy floor, leaves the pair to the namespace.
- The lab's uplinks are veths that cost nothing, so the data path's ratios against the
  host show the cost of any jail (one more veth hop, forwarding, conntrack and NAT: ~5 us
  per round trip on this machine) undiluted: the bare namespace, which has nothing of
  netjail's, pays it as well.  Through an uplink of 1 Gbit/s it does not show.
- Each jail adds one policy rule, behind a gate all jails share that takes the host's
  own lookups past them (see the UDP sendto row), and one nftables table.  The table has
  no prerouting chain: its forward chain sees only routed packets, so the host's packets
  pass none of it (see the round trip).  Its NAT chain (the jail's masquerade) comes after
  netjail_hostnat's, which ends the NAT walk of every flow not from a jail's link: that
  is the "new UDP flow" row.
- Setup and teardown times are from a machine whose other core is never idle for long:
  back-to-back runs share it with the kernel's removal of the previous run's namespace.
NOTES
	} >"$BENCH_RESULTS.new" && mv "$BENCH_RESULTS.new" "$BENCH_RESULTS"
	echo "(kept in $BENCH_RESULTS)"
fi
