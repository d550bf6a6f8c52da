#!/bin/bash
# t-setuid.sh - the setuid path as an unprivileged user: the command runs with that user's
# uid, gid and groups and no capabilities, its traffic leaves by the uplink, root-only
# options and no_new_privs are refused with 125, and the host is left as it was.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# A setuid-root copy on the lab's own /run (a tmpfs without nosuid).
mkdir -p /run/njsuid
cp "$NETJAIL" /run/njsuid/netjail
chown root:root /run/njsuid/netjail
chmod 4755 /run/njsuid/netjail
as_nobody() { timeout -k 3 30 setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

out=$(as_nobody /run/njsuid/netjail -i up1 -g 198.51.100.1 -- \
	sh -c 'id -u; id -g; id -G; grep -E "^(Cap(Inh|Prm|Eff|Amb)|NoNewPrivs)" /proc/self/status' 2>&1)
rc=$?
is "$rc" 0 "setuid netjail run by uid 65534 exits 0"
is "$(sed -n 1,3p <<<"$out" | tr '\n' ' ')" "65534 65534 65534 " "command runs as uid/gid 65534 with only its own group"
is "$(grep -c ':[[:space:]]*0000000000000000$' <<<"$out")" 4 "CapInh, CapPrm, CapEff and CapAmb are all zero"
is "$(awk '/^NoNewPrivs/ {print $2}' <<<"$out")" 0 "NoNewPrivs is untouched (0)"
[[ $rc == 0 ]] || diag "$out"

is "$(seen_source as_nobody /run/njsuid/netjail -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"traffic of the unprivileged user's command leaves by up1"

err=$(as_nobody /run/njsuid/netjail -i up0 -u root -- id -u 2>&1 >/dev/null); rc=$?
is "$rc" 125 "-u by an unprivileged user is refused with 125"
check "... with one 'netjail: ' line naming -u" grep -q '^netjail: .*-u' <<<"$err"

err=$(timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs -- \
	/run/njsuid/netjail -i up0 -- id -u 2>&1 >/dev/null); rc=$?
is "$rc" 125 "under no_new_privs the setuid binary refuses with 125"
check "... and says no_new_privs is why" grep -q '^netjail: .*no_new_privs' <<<"$err"

# --list needs no privilege: an ordinary user sees root's jail, with its arguments made safe.
nj_bg -i up0 -- sh -c 'sleep 30' $'\e[31mred' >/dev/null 2>&1 </dev/null
if wait_for 10 jail_links_at_least 1; then
	list=$(as_nobody /run/njsuid/netjail --list 2>&1)
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
