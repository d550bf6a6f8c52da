#!/bin/bash
# t-caps.sh - netjail installed with file capabilities instead of setuid (make install-caps):
# the same guarantees for an ordinary user as t-setuid.sh, with exactly the capabilities the
# Makefile grants.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test

# What `make install-caps` grants, read off a real install into a scratch DESTDIR.
dest=$LAB_TMP/dest
if make -s -C "$LAB_DIR/.." install-caps DESTDIR="$dest" PREFIX=/usr >"$LAB_TMP/install.log" 2>&1; then
	granted=$(getcap "$dest/usr/bin/netjail" | awk '{print $2}')
	is "$granted" "cap_setgid,cap_setuid,cap_net_admin,cap_sys_chroot,cap_sys_ptrace,cap_sys_admin=p" \
		"make install-caps grants NET_ADMIN, SYS_ADMIN, SYS_CHROOT, SYS_PTRACE, SETUID, SETGID (permitted only)"
	check "... and does not set the setuid bit" test ! -u "$dest/usr/bin/netjail"
else
	not_ok "make install-caps into a scratch DESTDIR"
	diag "$(cat "$LAB_TMP/install.log")"
	granted=cap_setgid,cap_setuid,cap_net_admin,cap_sys_chroot,cap_sys_ptrace,cap_sys_admin=p
fi

mkdir -p /run/njpriv
cp "$NETJAIL" /run/njpriv/netjail
chmod 0755 /run/njpriv/netjail
setcap "$granted" /run/njpriv/netjail

check_unprivileged_use /run/njpriv/netjail

# --join with file capabilities: entering the jail takes SYS_CHROOT and SYS_PTRACE.
lab_bg setpriv --reuid=65534 --regid=65534 --clear-groups -- /run/njpriv/netjail --name capsjail \
	-i up1 -g 198.51.100.1 -- sleep $((30 * ${NJ_SLOW:-1}))
named=${LAB_PIDS[-1]}
wait_for 10 quiet as_nobody /run/njpriv/netjail --join capsjail -- true
is "$(seen_source as_nobody /run/njpriv/netjail --join capsjail --)" 198.51.100.2 \
	"install-caps: uid 65534's --join capsjail runs in its jail (the server saw up1's address)"
kill -TERM "$named"
finish "$named" 10
wait_for 10 no_jail_links

assert_host_unchanged "$before"
tap_done
