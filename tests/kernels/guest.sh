#!/bin/bash
# guest.sh - pid 1 in the guest once the host's / is its root (see init): run the integration
# tests (or NJ_GUEST_CMD, see boot.sh), leave their exit status in /nj-out/rc, power off.
#
#   njargs: the worktree (as seen on the host's /), then the tests, comma-separated (empty: all)
#
# The TAP goes to the second serial port, which boot.sh hands to its stdout; the kernel's own
# console is the first.  Timeouts are stretched by NJ_SLOW (lab.sh, run.sh): under TCG netjail
# runs 10-20x slower than natively and exec-heavy shell 50-100x.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
mount -t sysfs sys /sys
mount -t tmpfs -o mode=0755 run /run
mount -t tmpfs -o mode=1777 tmp /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
# What udev would add to devtmpfs: bash's <(...) opens /dev/fd/N.
ln -s /proc/self/fd /dev/fd
ln -s fd/0 /dev/stdin; ln -s fd/1 /dev/stdout; ln -s fd/2 /dev/stderr
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
hostname netjail-guest
ip link set lo up
# What udev would load on first use of /dev/net/tun (t-p2p, OpenVPN's tun).
modprobe tun 2>/dev/null
# What Docker loads, and this project's own machines have built in: bridged traffic through
# the IP hooks (t-vpn-bridge skips without it).
modprobe br_netfilter 2>/dev/null
exec >/dev/ttyS1 2>&1
IFS=, read -r -a words <<<"$1"
cd "${words[0]}" || { echo 1 >/nj-out/rc; echo b >/proc/sysrq-trigger; }
export NJ_SLOW=${NJ_SLOW:-15} BENCH_RESULTS_DIR=/nj-out/results
echo "# kernel $(uname -r), NJ_SLOW=$NJ_SLOW, up $(cut -d" " -f1 /proc/uptime) s"
"${NJ_GUEST_CMD:-tests/run.sh}" "${words[@]:1}"
echo $? >/nj-out/rc
sync
echo b >/proc/sysrq-trigger
