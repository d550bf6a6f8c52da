#!/bin/bash
# boot.sh - boot one fetched kernel under QEMU and run integration tests in it.
#
#   tests/kernels/boot.sh KDIR [TEST...]     KDIR: a directory fetch.sh printed; default: all tests
#
# No disk: the guest's root is this machine's / over virtio-9p, read-only, under a tmpfs overlay
# (see init), so it runs this worktree's netjail and tests with this machine's tools, and only
# the kernel (and its modules) is Debian's.  The TAP comes out on stdout; the kernel's console
# goes to KDIR/console.log.  Exit status: the guest's tests/run.sh's, or 1 if the guest never
# wrote one (crash, panic, timeout: see the console log).
#
# NJ_GUEST_CMD (a script of the worktree, default tests/run.sh) runs in the guest instead of the
# tests, with the TESTs as its arguments; what it leaves in BENCH_RESULTS_DIR (the guest's
# /nj-out/results) is copied to the worktree's bench/results/ (make bench-kernels).
# Environment: KERNEL_SMP (vCPUs, default 2), KERNEL_MEM (default 2G), KERNEL_TIMEOUT (seconds
# for the whole boot, default 14400), NJ_SLOW (timeout multiplier inside the guest, default 15),
# NJ_TEST_TIMEOUT (per test script before NJ_SLOW, default 80: 20 min; t-chaos ran past 10 min
# on 6.12 under load; tests/run.sh's native 150 x 15 let one hung test cost 37 min).
# There is no KVM on the machines this runs on: QEMU emulates the CPU (TCG), one vCPU per thread.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/../.." && pwd)
kdir=$(cd "${1:?kernel dir}" && pwd)
shift
release=$(cat "$kdir/release")
[[ -s $kdir/initramfs.cpio ]] || "$here/initramfs.sh" "$kdir"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tests=$(IFS=,; echo "$*")
# The guest's root is the host's / over 9p: paths on the host are paths in the guest.
cmdline="console=ttyS0 quiet panic=-1 rdinit=/init"
cmdline+=" njrun=$here/guest.sh njmods=$kdir/root/lib/modules/$release njargs=$tree,$tests"
cmdline+=" NJ_SLOW=${NJ_SLOW:-15} NJ_TEST_TIMEOUT=${NJ_TEST_TIMEOUT:-80} NJ_GUEST_CMD=${NJ_GUEST_CMD:-tests/run.sh}"
# bench/kernel.sh's rounds and seconds per run (make bench-kernels BENCH_REPEAT=5): numbers
# only, since each word of the command line becomes a parameter or an init variable.
for n in "${BENCH_REPEAT:-3}" "${BENCH_SECONDS:-3}"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "boot.sh: BENCH_REPEAT and BENCH_SECONDS are numbers, not '$n'" >&2; exit 1; }
done
cmdline+=" BENCH_REPEAT=${BENCH_REPEAT:-3} BENCH_SECONDS=${BENCH_SECONDS:-3}"
start=$(date +%s)
timeout -k 10 "${KERNEL_TIMEOUT:-14400}" qemu-system-x86_64 \
	-M pc -accel tcg,thread=multi -cpu max -smp "${KERNEL_SMP:-2}" -m "${KERNEL_MEM:-2G}" \
	-display none -monitor none -no-reboot -nic none \
	-kernel "$kdir/vmlinux" -initrd "$kdir/initramfs.cpio" -append "$cmdline" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$out",mount_tag=out,security_model=none \
	-serial file:"$kdir/console.log" -serial stdio </dev/null || true
echo "# $release: $(($(date +%s) - start)) s in QEMU"
if compgen -G "$out/results/*.tsv" >/dev/null; then
	mkdir -p "$tree/bench/results"
	cp "$out"/results/*.tsv "$tree/bench/results/"
fi
if [[ ! -s $out/rc ]]; then
	echo "not ok - $release: the guest ended without a result (see $kdir/console.log)"
	tail -n 20 "$kdir/console.log" | sed 's/^/#   /'
	exit 1
fi
exit "$(cat "$out/rc")"
