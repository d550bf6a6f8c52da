# shellcheck shell=bash
# attack.sh - what the security regression tests (t-attack-*.sh) share: a setuid copy of the
# binary under test and a hostile unprivileged user (uid 65534) to run it.  Sourced after
# lab.sh and lab_start_test.
#
#   setuid_copy           install $NETJAIL setuid root as /run/njsuid/netjail (the lab's /run is a
#                         tmpfs without nosuid) and set $SUID_NJ to it
#   as_nobody CMD...      run CMD as uid/gid 65534 with no groups, as a login session would
#   nobody_with OPT CMD...  the same with one more setpriv option
#
# An attack test runs the attack through "$SUID_NJ" as_nobody, asserts what a user (or the
# host's admin) would see, and ends with assert_host_unchanged "$before".
. "$(dirname "${BASH_SOURCE[0]}")/unprivileged.sh"

setuid_copy() {
	mkdir -p /run/njsuid
	chmod 0755 /run/njsuid
	cp "$NETJAIL" /run/njsuid/netjail
	chown root:root /run/njsuid/netjail
	chmod 4755 /run/njsuid/netjail
	SUID_NJ=/run/njsuid/netjail
}
