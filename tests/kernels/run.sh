#!/bin/bash
# run.sh - the integration tests under each stock Debian kernel (make check-kernels).
#
#   tests/kernels/run.sh [TEST...]      default: every test; TEST as for tests/run.sh
#
# For each of KERNELS (default "6.1 6.12": Debian 12's and its backports'), one after the other:
# fetch it into KERNEL_CACHE (default build/kernels), build its initramfs, boot it under QEMU and
# run the tests there (fetch.sh, initramfs.sh, boot.sh).  One QEMU at a time: under TCG each
# takes a whole host CPU per vCPU.  Each kernel's TAP is also kept in KDIR/tap.log, and a table
# of seconds per test ends it.  Exit status 0 only if every kernel passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KERNEL_CACHE:-$here/../../build/kernels}
status=0
for series in ${KERNELS:-6.1 6.12}; do
	kdir=$("$here/fetch.sh" "$series" "$cache") || exit 1
	"$here/initramfs.sh" "$kdir" || exit 1
	# The guest's serial port ends lines with CR LF: drop the CR so the log reads as TAP.
	"$here/boot.sh" "$kdir" "$@" | sed -u 's/\r$//' | tee "$kdir/tap.log"
	rc=${PIPESTATUS[0]}
	# Where the time goes: tests/run.sh's "# t-foo.sh: N s" lines, slowest first.
	echo "# kernel $series: seconds per test, slowest first"
	sed -nE 's/^# (t-[^ ]*\.sh): ([0-9]+) s$/\2 \1/p' "$kdir/tap.log" | sort -rn |
		awk '{ printf "#   %5d  %s\n", $1, $2; sum += $1 } END { printf "#   %5d  in all\n", sum }'
	if [[ $rc == 0 ]]; then
		echo "# kernel $series: passed"
	else
		echo "# kernel $series: FAILED"
		status=1
	fi
done
exit $status
