#!/bin/bash
# run.sh - the integration tests under each stock Debian kernel (make check-kernels).
#
#   tests/kernels/run.sh [TEST...]      default: every test; TEST as for tests/run.sh
#
# For each of KERNELS (default "6.1 6.12": Debian 12's and its backports'), one after the other:
# fetch it into KERNEL_CACHE (default build/kernels), build its initramfs, boot it under QEMU and
# run the tests there (fetch.sh, initramfs.sh, boot.sh).  One QEMU at a time: under TCG each
# takes a whole host CPU per vCPU.  Exit status 0 only if every kernel passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KERNEL_CACHE:-$here/../../build/kernels}
status=0
for series in ${KERNELS:-6.1 6.12}; do
	kdir=$("$here/fetch.sh" "$series" "$cache") || exit 1
	"$here/initramfs.sh" "$kdir" || exit 1
	if "$here/boot.sh" "$kdir" "$@"; then
		echo "# kernel $series: passed"
	else
		echo "# kernel $series: FAILED"
		status=1
	fi
done
exit $status
