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

assert_host_unchanged "$before"
tap_done
