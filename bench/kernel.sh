#!/bin/bash
# kernel.sh - the fast path and a realistic link, measured on a kernel that has nf_flow_table
# and sch_netem (Debian's 6.1 and 6.12, booted in QEMU by `make bench-kernels`; see
# tests/kernels/boot.sh).  Runs as root in a lab of its own (tests/lab.sh), like bench/run.sh.
#
#   bench/kernel.sh
#
# In one boot, each measure alternating its modes round after round (BENCH_REPEAT rounds):
#   1. forward-chain packets of a 4 MB upload (iperf3 -n), through a jail with its fast path
#      (src/fastpath.c) and without it (its offload rules flushed), counted by a lab-wide
#      forward-hook counter, and apart those with SYN, FIN or RST;
#   2. TCP throughput (iperf3, BENCH_SECONDS) out of up0: host direct, netjail with and
#      without the fast path, the bare namespace (bench/bare.sh);
#   3. the same through a link shaped by netem on the lab's router to 20 ms and 100 Mbit/s:
#      throughput netjail / host direct, and the round trip netjail adds (bench/rr); the
#      bare namespace's too, the cost of one more hop under emulation.
# Under TCG absolute numbers mean nothing; only the ratios of one boot do.  Each ratio is the
# median of the per-round ratios, its spread their min-max; it prints a table and appends
# one TSV line per ratio to BENCH_RESULTS_DIR/<uname -r>.tsv (default bench/results):
#   kernel section measure value unit ratio op goal verdict spread
# Only measures: no number makes it fail.
#
# Environment: NETJAIL, BENCH_BIN (rr, default ../build/bench), BENCH_SECONDS (3),
# BENCH_REPEAT (3), BENCH_RR (round trips per run on the shaped link, 50).
set -u
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/lab.sh
. "$bench_dir/../tests/lab.sh"
: "${BENCH_BIN:=$bench_dir/../build/bench}" "${BENCH_SECONDS:=3}" "${BENCH_REPEAT:=3}"
: "${BENCH_RR:=50}" "${BENCH_RESULTS_DIR:=$bench_dir/results}"
export BENCH_BIN BENCH_SECONDS BENCH_REPEAT BENCH_RR BENCH_RESULTS_DIR
lab_enter "$@"

say() { printf '%s\n' "$*" >&2; }
for tool in iperf3 tc; do
	command -v "$tool" >/dev/null || { say "bench: $tool is missing (make deps-bench)"; exit 1; }
done
[[ -x $BENCH_BIN/rr ]] || { say "bench: no $BENCH_BIN/rr (make build/bench/rr)"; exit 1; }
require_netjail >/dev/null
SERVER=203.0.113.10
kernel=$(uname -r)
mkdir -p "$BENCH_RESULTS_DIR"
tsv_file=$BENCH_RESULTS_DIR/$kernel.tsv

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# ratios "A1 A2 .." "B1 B2 ..": the per-round ratios Ai/Bi, one a line
ratios() { paste <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) |
	awk '$2 > 0 { printf "%.3f\n", $1 / $2 }'; }
# differences, in ms, of per-round values in us
differences() { paste <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) |
	awk '{ printf "%.3f\n", ($1 - $2) / 1000 }'; }
spread() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%s-%s", lo, hi; else printf "-" }'; }

# result SECTION MEASURE VALUE UNIT PER-ROUND-RATIOS OP GOAL: one table line, one TSV line.
result() {
	local section=$1 measure=$2 value=$3 unit=$4 per_round=$5 op=$6 goal=$7 ratio spr verdict
	ratio=$(median <<<"$per_round")
	spr=$(spread <<<"$per_round")
	verdict=$(awk -v r="${ratio:-0}" -v op="$op" -v g="$goal" 'BEGIN {
		if (op == "-") print "-"; else if (op == "<=") print (r <= g) ? "PASS" : "SHORT";
		else print (r >= g) ? "PASS" : "SHORT" }')
	printf '%-10s %-58s %12s %-9s %7s %s %-5s %-5s [%s]\n' "$section" "$measure" "$value" "$unit" \
		"${ratio:--}" "$op" "$goal" "$verdict" "$spr"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kernel" "$section" "$measure" "$value" \
		"$unit" "${ratio:--}" "$op" "$goal" "$verdict" "$spr" >>"$tsv_file"
}

lab_up >/dev/null
say "bench: kernel $kernel, $BENCH_REPEAT rounds, ${BENCH_SECONDS} s per throughput run"
if ! probe_err=$(nft -f - 2>&1 <<'NFT'
table inet ftprobe { flowtable ft { hook ingress priority 0; devices = { up0 }; }; }
NFT
); then
	say "bench: no flowtables in kernel $kernel (nf_flow_table): nothing to measure here" "$probe_err"
	exit 1
fi
nft delete table inet ftprobe

last_cpu=$(($(nproc) - 1))
lab_bg ip netns exec srv taskset -c "$last_cpu" iperf3 -s -p 5201 >/dev/null 2>&1
lab_bg ip netns exec srv taskset -c 0 "$BENCH_BIN/rr" -s 7001 >/dev/null 2>&1
wait_for 5 quiet "$BENCH_BIN/rr" -c $SERVER 7001 1
wait_for 5 quiet timeout 5 iperf3 -c $SERVER -p 5201 -n 1K

# Ways out of up0: each runs its arguments as a command.
host() { "$@"; }
fast() { "$NETJAIL" -i up0 -- "$@"; }
bare() { "$bench_dir/bare.sh" up0 -- "$@"; }
# A jail whose connections are never offloaded: its table is its socket's and cannot be
# changed from here, but its offload rule skips a connection labelled "offloaded once"
# (src/fastpath.c), which this lab-wide table does at every packet (at the first alone,
# Debian's 6.1 still offloaded a quarter of one upload; why is not known yet).
slow() {
	local status
	nft -f - <<'NFT'
table inet noflow { chain forward { type filter hook forward priority 0; ct label set 127; }; }
NFT
	"$NETJAIL" -i up0 -- "$@"
	status=$?
	nft delete table inet noflow
	return $status
}
# iperf_mbits MODE [IPERF3 ARGS]
iperf_mbits() {
	local mode=$1
	shift
	"$mode" timeout 120 taskset -c 0 iperf3 -c $SERVER -p 5201 -t "$BENCH_SECONDS" -f m "$@" \
		</dev/null 2>/dev/null | awk '/receiver/ { print $(NF - 2) }'
}
rtt_us() { "$1" timeout 120 taskset -c 0 "$BENCH_BIN/rr" -c $SERVER 7001 "$BENCH_RR" </dev/null 2>/dev/null | cut -d' ' -f1; }

# ---------------------------------------------------------------------------- 1. forward chain
say "1. forward-chain packets of a 4 MB upload"
# The second counter: packets with SYN, FIN or RST.  A flow is offloaded from its first
# packet in the established state and handed back to the rules by FIN or RST, so these
# stay on the rules with any flowtable; iperf3 makes two connections (control and data).
nft -f - <<'NFT'
table inet fwcount {
	chain forward {
		type filter hook forward priority -500; counter;
		tcp flags & (syn | fin | rst) != 0 counter;
	}
}
NFT
# counts: both counters' packets, all and SYN/FIN/RST, from one listing
counts() { nft list chain inet fwcount forward | grep -o 'packets [0-9]*' | cut -d' ' -f2 | paste -sd' '; }
declare -A fwd
for mode in fast slow; do fwd[$mode]=""; done
edges=""
for ((i = 0; i < BENCH_REPEAT; i++)); do
	for mode in fast slow; do
		read -r before before_edges < <(counts)
		"$mode" timeout 120 iperf3 -c $SERVER -p 5201 -n 4M </dev/null >/dev/null 2>&1
		read -r after after_edges < <(counts)
		fwd[$mode]+="$((after - before)) "
		[[ $mode == fast ]] && edges+="$((after_edges - before_edges)) "
	done
done
nft delete table inet fwcount
result fastpath "forward-chain packets per 4 MB, fast path / without" \
	"$(tr ' ' '\n' <<<"${fwd[fast]}" | grep . | median)" packets \
	"$(ratios "${fwd[fast]}" "${fwd[slow]}")" "<=" 0.05
result fastpath "forward-chain packets per 4 MB, without the fast path" \
	"$(tr ' ' '\n' <<<"${fwd[slow]}" | grep . | median)" packets "" - -
result fastpath "forward-chain packets per 4 MB with the fast path: SYN, FIN or RST" \
	"$(tr ' ' '\n' <<<"$edges" | grep . | median)" packets "" - -

# ---------------------------------------------------------------------------- 2. throughput
say "2. TCP throughput out of up0"
modes="host fast slow bare"
declare -A tput
for mode in $modes; do tput[$mode]=""; done
for ((i = 0; i < BENCH_REPEAT; i++)); do
	for mode in $modes; do
		t=$(iperf_mbits "$mode")
		tput[$mode]+="${t:-0} "
	done
done
med() { tr ' ' '\n' <<<"${tput[$1]}" | grep . | median; }
result fastpath "TCP throughput, host direct" "$(med host)" Mbit/s "" - -
result fastpath "TCP throughput, netjail with fast path / host direct" "$(med fast)" Mbit/s \
	"$(ratios "${tput[fast]}" "${tput[host]}")" ">=" 0.95
result fastpath "TCP throughput, netjail with fast path / bare namespace" "$(med fast)" Mbit/s \
	"$(ratios "${tput[fast]}" "${tput[bare]}")" ">=" 1.00
result fastpath "TCP throughput, netjail without fast path / host direct" "$(med slow)" Mbit/s \
	"$(ratios "${tput[slow]}" "${tput[host]}")" ">=" 0.95
result fastpath "TCP throughput, netjail without fast path / bare namespace" "$(med slow)" Mbit/s \
	"$(ratios "${tput[slow]}" "${tput[bare]}")" ">=" 0.98
result fastpath "TCP throughput, bare namespace / host direct" "$(med bare)" Mbit/s \
	"$(ratios "${tput[bare]}" "${tput[host]}")" - -

# ---------------------------------------------------------------------------- 3. netem
say "3. through a link of 20 ms and 100 Mbit/s (netem on the lab's router, towards the server)"
if ! ip netns exec ra tc qdisc add dev ra-s root netem delay 20ms rate 100mbit limit 10000; then
	say "bench: no sch_netem in kernel $kernel"
	exit 1
fi
# The bare namespace too: under TCG every hop costs time of its own, and its added round trip
# is that cost with nothing of netjail's in the path.
declare -A shaped rtt
for mode in host fast bare; do shaped[$mode]="" rtt[$mode]=""; done
for ((i = 0; i < BENCH_REPEAT; i++)); do
	for mode in host fast bare; do
		# Twice as long, the first second left out: slow start over 20 ms is not the link.
		t=$(iperf_mbits "$mode" -t $((2 * BENCH_SECONDS)) -O 1)
		shaped[$mode]+="${t:-0} "
		r=$(rtt_us "$mode")
		rtt[$mode]+="${r:-0} "
	done
done
ip netns exec ra tc qdisc del dev ra-s root
smed() { tr ' ' '\n' <<<"${shaped[$1]}" | grep . | median; }
rmed() { tr ' ' '\n' <<<"${rtt[$1]}" | grep . | median; }
result netem "TCP throughput at 20 ms + 100 Mbit/s, host direct" "$(smed host)" Mbit/s "" - -
result netem "TCP throughput at 20 ms + 100 Mbit/s, netjail / host direct" "$(smed fast)" Mbit/s \
	"$(ratios "${shaped[fast]}" "${shaped[host]}")" ">=" 0.99
result netem "TCP round trip at 20 ms, host direct (us)" "$(rmed host)" us "" - -
result netem "TCP round trip at 20 ms, added by netjail (ms; not a ratio)" "$(rmed fast)" us \
	"$(differences "${rtt[fast]}" "${rtt[host]}")" "<=" 0.1
result netem "TCP throughput at 20 ms + 100 Mbit/s, bare namespace / host direct" "$(smed bare)" \
	Mbit/s "$(ratios "${shaped[bare]}" "${shaped[host]}")" - -
result netem "TCP round trip at 20 ms, added by the bare namespace (ms; not a ratio)" "$(rmed bare)" \
	us "$(differences "${rtt[bare]}" "${rtt[host]}")" - -
result netem "TCP round trip at 20 ms, netjail minus bare namespace (ms; not a ratio)" "$(rmed fast)" \
	us "$(differences "${rtt[fast]}" "${rtt[bare]}")" - -
say "bench: results appended to $tsv_file"
