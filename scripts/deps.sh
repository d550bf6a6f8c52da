#!/bin/sh
# Install the Debian packages that building, testing and the demo need, if missing.
# Runs as root on a fresh Debian 12; does nothing when everything is there.
# With arguments, installs those packages instead (make lint, make fuzz).
set -e
packages="gcc make libc6-dev pkg-config libmnl-dev libnftnl-dev libcap-dev libinih-dev
iproute2 nftables socat iputils-ping procps util-linux valgrind libcap2-bin
bash-completion zsh fish groff-base dnsmasq-base xvfb x11-utils xauth dbus-daemon dbus-bin desktop-file-utils
iptables ufw"
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
apt-get update -qq
# Some packages (ufw) ship a service: installing them must start nothing on this machine.
# A policy-rc.d that exits 101 forbids invoke-rc.d to start anything; one already there is
# the machine's and stays.
rcd=/usr/sbin/policy-rc.d
if [ ! -e "$rcd" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$rcd"
	chmod 0755 "$rcd"
	trap 'rm -f "$rcd"' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
