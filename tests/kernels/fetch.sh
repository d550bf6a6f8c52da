#!/bin/bash
# fetch.sh - fetch one stock Debian kernel and make it bootable by QEMU without a disk.
#
#   tests/kernels/fetch.sh SERIES CACHE     SERIES: 6.1 (Debian 12) or 6.12 (Debian 12's backports)
#
# Picks the newest linux-image-SERIES...-amd64-unsigned that apt knows, downloads it with
# `apt-get download` into CACHE/debs and unpacks it into CACHE/<package version>/, where it leaves:
#   vmlinux      the kernel as an ELF: QEMU boots it by PVH, skipping the bzImage's decompressor
#                (about 8 s under TCG, more than the rest of the boot)
#   release      the kernel release (what `uname -r` says in the guest)
#   root/lib/modules/<release>   its modules, with modules.dep (depmod -b)
# Prints that directory.  Already unpacked: prints it and does nothing else.
# Cannot fetch: one line on stderr, exit 1.
set -euo pipefail
series=${1:?series}
cache=${2:?cache dir}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
# The unsigned image: the signed one is the same kernel plus a signature we do not need.
case $series in
6.1) pattern='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
6.12) pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
*) echo "fetch.sh: unknown kernel series '$series' (6.1 or 6.12)" >&2; exit 1 ;;
esac
pkg=$(apt-cache pkgnames linux-image- 2>/dev/null | grep -E "$pattern" | sort -V | tail -n 1 || true)
if [[ -z $pkg ]]; then
	echo "check-kernels: no linux-image for $series in apt (apt-get update? Debian 12 sources?)" >&2
	exit 1
fi
dir=$cache/$pkg
if [[ -s $dir/vmlinux && -s $dir/release ]]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache/debs"
# apt's _apt user may not write into the cache: download as the caller (root in make check).
if ! deb=$(cd "$cache/debs" && apt-get download "$pkg" >/dev/null 2>&1 &&
	ls -t "$cache/debs/${pkg}"_*.deb | head -n 1); then
	echo "check-kernels: cannot download $pkg from Debian's archive (no network?)" >&2
	exit 1
fi
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/root"
dpkg-deb -x "$deb" "$dir.tmp/root"
image=$(ls "$dir.tmp/root/boot/"vmlinuz-*)
release=${image##*/vmlinuz-}

# The kernel tree's scripts/extract-vmlinux: find the compressed payload inside the bzImage by
# its magic and decompress from there until the result is an ELF.  Debian's are xz or zstd.
extract() { # magic-as-grep-P decompressor...
	local off
	for off in $(LC_ALL=C grep -obUaP "$1" "$image" | cut -d: -f1); do
		tail -c +$((off + 1)) "$image" | "${@:2}" >"$dir.tmp/vmlinux" 2>/dev/null || true
		if [[ $(head -c 4 "$dir.tmp/vmlinux" | od -An -c | tr -d ' ') == 177ELF ]]; then
			return 0
		fi
	done
	return 1
}
extract '\xFD\x37\x7A\x58\x5A\x00' xz -dc ||
	extract '\x28\xB5\x2F\xFD' zstd -dc ||
	{ echo "check-kernels: no xz or zstd payload in $image" >&2; exit 1; }
depmod -b "$dir.tmp/root" "$release"
echo "$release" >"$dir.tmp/release"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$dir"
