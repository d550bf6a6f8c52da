#!/bin/bash
# initramfs.sh - build the initramfs that mounts the host's / for a kernel fetched by fetch.sh.
#
#   tests/kernels/initramfs.sh KDIR        KDIR: a directory fetch.sh printed
#
# Writes KDIR/initramfs.cpio: a static busybox, tests/kernels/init, and the modules the kernel
# needs before it has a root (virtio PCI, 9p over virtio, overlayfs), in the order modprobe
# would load them (listed in KDIR/initramfs.order).  Everything else the guest loads later from
# its own lib/modules with kmod, as an installed Debian would.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kdir=$(cd "${1:?kernel dir}" && pwd)
release=$(cat "$kdir/release")
busybox=/bin/busybox
# A dynamic busybox would need its libc in the initramfs.
if [[ ! -x $busybox ]] || readelf -l "$busybox" | grep -q INTERP; then
	echo "check-kernels: $busybox is not a static busybox (install busybox-static)" >&2
	exit 1
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,newroot,modules}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$here/init" "$stage/init"
chmod 0755 "$stage/init"
# modprobe --show-depends prints "insmod PATH" in load order, "builtin NAME" for built-ins.
# busybox insmod takes no compressed modules: store them decompressed.
: >"$stage/modules/order"
for mod in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$kdir/root" -S "$release" --show-depends "$mod" |
		awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r path; do
	name=$(basename "$path")
	name=${name%.xz}
	name=${name%.zst}
	case $path in
	*.xz) xz -dc "$path" >"$stage/modules/$name" ;;
	*.zst) zstd -qdc "$path" >"$stage/modules/$name" ;;
	*) cp "$path" "$stage/modules/$name" ;;
	esac
	echo "$name" >>"$stage/modules/order"
done
cp "$stage/modules/order" "$kdir/initramfs.order"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$kdir/initramfs.cpio"
