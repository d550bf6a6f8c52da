#!/bin/bash
# t-setuid.sh - a setuid-root netjail used by an ordinary user (uid 65534): the command gets
# that user's identity, environment and nothing more, netjail's own process never runs as
# euid 0 after its first lines and narrows its bounding set, what the user may not do is
# refused with 125, and the host is left as it was (assertions in unprivileged.sh).
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test

# The copy under test, installed as `make install` does it, on the lab's /run.
mkdir -p /run/njpriv
cp "$NETJAIL" /run/njpriv/netjail
chown root:root /run/njpriv/netjail
chmod 4755 /run/njpriv/netjail

check_unprivileged_use /run/njpriv/netjail
is "$SUPERVISOR_BOUNDING" "$SUPERVISOR_CAPS" "setuid: the supervisor's bounding set is narrowed to the same three"

# --list needs no privilege: an ordinary user sees root's jail, with its arguments made safe.
nj_bg -i up0 -- sh -c 'sleep 30' $'\e[31mred' >/dev/null 2>&1 </dev/null
if wait_for 10 jail_links_at_least 1; then
	list=$(as_nobody /run/njpriv/netjail --list 2>&1)
	check "--list run by uid 65534 shows root's jail on up0" grep -q ' up0 .*sleep 30' <<<"$list"
	check "... with control characters in its arguments shown as '?'" grep -q 'sleep 30 ?\[31mred$' <<<"$list"
	[[ $TAP_FAILED -eq 0 ]] || diag "$list"
else
	not_ok "a root jail for --list came up"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 5

assert_host_unchanged "$before"
tap_done
