#!/bin/sh
# Install the Debian packages that building, testing and the demo need, if missing.
# Runs as root on a fresh Debian 12; does nothing when everything is there.
# With arguments, installs those packages instead (make lint, make fuzz).
set -e
packages="gcc make libc6-dev pkg-config libmnl-dev libnftnl-dev libcap-dev libinih-dev
iproute2 nftables socat iputils-ping procps util-linux valgrind libcap2-bin strace python3
bash-completion zsh fish groff-base dnsmasq-base xvfb x11-utils xauth dbus-daemon dbus-bin desktop-file-utils
firewalld iptables ufw openvpn
dpkg-dev debhelper fakeroot lintian
qemu-system-x86 busybox-static kmod cpio"
[ $# -gt 0 ] && packages="$*"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "missing Debian packages:$missing (run as root, or apt-get install them)" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Some of these packages ship a service (firewalld, ufw): installing must never start a daemon on this
# machine (a firewall daemon would take over the real host's network).  invoke-rc.d asks
# policy-rc.d; exit 101 means "action forbidden".  Put one there only for the install, if none is.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
# The tests run firewalld only inside their labs: on a machine with systemd its package's
# postinst also enables the service for the next boot, where it would firewall this
# machine.  Undo that for a firewalld this script installed.
case " $missing " in
*" firewalld "*) systemctl disable firewalld.service >/dev/null 2>&1 || true ;;
esac
