#!/bin/bash
# t-deb.sh - the Debian package (debian/): `make deb` builds it, lintian finds nothing it does
# not expect (debian/netjail.lintian-overrides), and in a throwaway root dpkg installs it, an
# ordinary user (uid 65534) runs a jail with it, and `dpkg --purge` leaves nothing behind.
#
# The throwaway root is an overlay over this machine's / (read-only lower layer; upper and
# work on a tmpfs of the lab's), chrooted into from the lab's namespaces: dpkg there writes
# the overlay's copy of its database, never the real one (checked), and the jail runs in the
# lab's "host" network namespace, on its uplink up1.  Tests the package, not $NETJAIL: the
# binary is the one `make deb` builds from this tree.
set -u
. "$(dirname "$0")/lab.sh"
# $NETJAIL is not what this tests: under another binary (make check's ASan pass) it would
# only run the same test again.
if [[ $NETJAIL != "$(realpath -m "$LAB_DIR/../netjail")" ]]; then
	echo "ok 1 # SKIP tests the package built from this tree, not NETJAIL=$NETJAIL"
	echo "1..1"
	exit 0
fi
lab_enter "$@"
# The overlay shows /'s own file system only.
for dir in /usr /var /etc; do
	if mountpoint -q "$dir"; then
		echo "ok 1 # SKIP $dir is a file system of its own: an overlay over / would not hold it"
		echo "1..1"
		exit 0
	fi
done

src=$(cd "$LAB_DIR/.." && pwd)
version=$(sed -n 's/^VERSION *:= *//p' "$src/Makefile")
ovl=$LAB_TMP/ovl
root=$ovl/root
# The throwaway root's mounts go before lab_down's rm -rf of $LAB_TMP, which would otherwise
# walk into them.
trap 'umount -R -l "$ovl" 2>/dev/null; lab_down' EXIT

lab_up
before=$LAB_TMP/state.before
host_state >"$before"
# The real dpkg database: it must never learn of the package (other packages may come and go
# meanwhile: a plain checksum of it would fail on their account).
host_dpkg_knows() { grep -qx 'Package: netjail' /var/lib/dpkg/status || [[ -e /var/lib/dpkg/info/netjail.list ]]; }
if host_dpkg_knows; then
	echo "Bail out! this machine has a netjail package installed; the test needs a host without"
	exit 1
fi

# ---------------------------------------------------------------------------- build, lintian

if ! make -s -C "$src" deb DEB_DIR="$LAB_TMP/deb" >"$LAB_TMP/build.log" 2>&1; then
	not_ok "make deb builds the package"
	diag "$(tail -n 20 "$LAB_TMP/build.log")"
	echo "Bail out! no package to test (build dependencies: make deps)"
	exit 1
fi
deb=$(echo "$LAB_TMP"/deb/netjail_"$version"_*.deb)
check "make deb builds netjail_${version}_*.deb" test -f "$deb"
is "$(dpkg-deb -f "$deb" Version)" "$version" "the package's version is the Makefile's"
is "$(dpkg-deb -f "$deb" Depends | grep -o 'lib[a-z0-9]*' | sort | tr '\n' ' ')" \
	"libc6 libcap2 libinih1 libmnl0 libnftnl11 " "it depends on the libraries netjail links against"

lint=$(lintian --fail-on error,warning "$LAB_TMP"/deb/netjail_"$version"_*.changes 2>&1 |
	grep -v 'running with root privileges')
check "lintian: no error or warning beyond the overridden ones" test -z "$lint"
[[ -z $lint ]] || diag "$lint"

# ---------------------------------------------------------------------------- the throwaway root

mkdir -p "$ovl"
mount -t tmpfs -o mode=0755 tmpfs "$ovl"
mkdir "$ovl/upper" "$ovl/work" "$root"
if ! mount -t overlay overlay -o "lowerdir=/,upperdir=$ovl/upper,workdir=$ovl/work" "$root"; then
	echo "Bail out! cannot mount an overlay over /"
	exit 1
fi
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
# A /dev of its own with the few nodes dpkg and the shells use, bound one by one: nothing
# under the real /dev is reachable to remove.
mount -t tmpfs -o mode=0755 tmpfs "$root/dev"
for node in null zero random urandom; do
	touch "$root/dev/$node"
	mount --bind "/dev/$node" "$root/dev/$node"
done
ln -s /proc/self/fd "$root/dev/fd"
in_root() { chroot "$root" "$@"; }
cp "$deb" "$root/tmp/"
# man-db's trigger would rebuild the whole index in the throwaway root, twice: 7 s each here.
rm -f "$root/var/lib/man-db/auto-update"

if ! in_root dpkg -i "/tmp/${deb##*/}" >"$LAB_TMP/dpkg.log" 2>&1; then
	not_ok "dpkg -i installs the package in the throwaway root"
	diag "$(tail -n 20 "$LAB_TMP/dpkg.log")"
else
	ok "dpkg -i installs the package in the throwaway root"
fi
check "the real dpkg database knows no netjail package" fails host_dpkg_knows
check "... the install went to the overlay's copy of it" grep -qx 'Package: netjail' "$ovl/upper/var/lib/dpkg/status"

# ---------------------------------------------------------------------------- what it installed

is "$(stat -c '%a %U:%G' "$root/usr/bin/netjail" 2>&1)" "4755 root:root" "/usr/bin/netjail is setuid root"
files=$(in_root dpkg -L netjail)
want="/usr/share/man/man1/netjail.1.gz /usr/share/man/man5/netjail.conf.5.gz
/usr/share/man/man5/netjail.profile.5.gz
/usr/share/bash-completion/completions/netjail /usr/share/zsh/vendor-completions/_netjail
/usr/share/fish/vendor_completions.d/netjail.fish
/usr/lib/firewalld/zones/netjail.xml /usr/lib/firewalld/policies/netjail-egress.xml"
for p in "$src"/profiles/*.conf; do
	want+=" /usr/share/netjail/profiles/${p##*/}"
done
missing=$(for f in $want; do grep -qx "$f" <<<"$files" || echo "$f"; done)
check "man pages, completions, profiles and firewalld files are where Debian looks" test -z "$missing"
[[ -z $missing ]] || diag "missing: $missing"
# shellcheck disable=SC2016  # ${Conffiles} is dpkg-query's
is "$(in_root dpkg-query -W -f='${Conffiles}' netjail | awk '{print $1}' | tr -d '\n')" \
	/etc/netjail/netjail.conf "/etc/netjail/netjail.conf is its one conffile"
check "... every setting in it commented out" fails grep -qvE '^(;.*)?$' "$root/etc/netjail/netjail.conf"

# Each shell finds its completion where the package put it.
check "bash-completion loads netjail's completion" quiet in_root bash -c \
	'. /usr/share/bash-completion/bash_completion; _completion_loader netjail; complete -p netjail'
# shellcheck disable=SC2016  # for zsh
check "zsh's default fpath holds netjail's _netjail" in_root zsh -fc \
	'for d in $fpath; do [[ -e $d/_netjail ]] && exit 0; done; exit 1'
check "fish completes netjail's options" grep -q -- '--no-ipv6' \
	<<<"$(in_root fish -c 'complete -C"netjail --no-"' 2>/dev/null)"

# ---------------------------------------------------------------------------- a user's jail

# uid 65534 as a login would start it (HOME its own), its permitted capabilities emptied by
# the exec of sh (see as_nobody in unprivileged.sh).
as_user() {
	timeout -k 3 $((30 * ${NJ_SLOW:-1})) chroot "$root" setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		env HOME=/nonexistent sh -c 'exec "$@"' sh "$@"
}
# -p: the shipped profile is found where the package put it (its directory is compiled in).
out=$(as_user netjail -p whatismyip -i up1 -g 198.51.100.1 -- id -u 2>&1)
is "$out" 65534 "the installed netjail, run by uid 65534 with the shipped profile whatismyip, runs its command as 65534"
is "$(seen_source as_user netjail -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"... and the server sees the jail's traffic from up1's address"

# ---------------------------------------------------------------------------- purge

if ! in_root dpkg --purge netjail >"$LAB_TMP/purge.log" 2>&1; then
	not_ok "dpkg --purge removes the package"
	diag "$(tail -n 20 "$LAB_TMP/purge.log")"
else
	ok "dpkg --purge removes the package"
fi
# A directory the package shares with others (/usr/share/man/man1) may stay if the host has it.
left=$(for f in $files; do
	[[ -e $root$f || -L $root$f ]] && ! [[ -d $root$f && -d $f ]] && echo "$f"
done)
check "none of the package's files is left" test -z "$left"
[[ -z $left ]] || diag "left: $left"
check "... no /etc/netjail" test ! -e "$root/etc/netjail"
check "... no /run/netjail (the jail's state)" test ! -e "$root/run/netjail"
named=$(cd "$ovl/upper" && find . -name '*netjail*')
check "... nothing named netjail in what the install changed" test -z "$named"
[[ -z $named ]] || diag "$named"

# ---------------------------------------------------------------------------- purged while a jail runs

# The running netjail keeps its deleted binary and needs its state to tear down: the purge
# must leave /run/netjail, and the jail must still end cleanly (the last assertion).
if in_root dpkg -i "/tmp/${deb##*/}" >"$LAB_TMP/dpkg.log" 2>&1; then
	as_user netjail -i up1 -g 198.51.100.1 -- sleep $((20 * ${NJ_SLOW:-1})) >/dev/null 2>&1 </dev/null &
	jail_pid=$!
	LAB_PIDS+=("$jail_pid")
	if wait_for 10 jail_links_at_least 1; then
		in_root dpkg --purge netjail >"$LAB_TMP/purge.log" 2>&1
		check "dpkg --purge while a user's jail runs keeps /run/netjail" test -d "$root/run/netjail"
		check "... and says why" grep -q '^netjail: /run/netjail kept: a jail still runs' "$LAB_TMP/purge.log"
		# The user's netjail itself ($jail_pid is the subshell running as_user); in the
		# lab's pid namespace it is the only one of uid 65534.
		kill -TERM "$(pgrep -x -U 65534 netjail)"
		finish "$jail_pid" 10
		check "the jail of the purged package ends and takes its link" wait_for 5 no_jail_links
	else
		not_ok "a user's jail runs in the background"
	fi
else
	not_ok "dpkg -i installs the package again"
	diag "$(tail -n 20 "$LAB_TMP/dpkg.log")"
fi
check "the real dpkg database still knows no netjail package" fails host_dpkg_knows

assert_host_unchanged "$before" "the lab's host network is as it was"
tap_done
