#!/bin/bash
# t-policy.sh - the administrator's /etc/netjail/netjail.conf: which uplinks ordinary users
# may choose (root is not restricted), the jail address pool, table and rule priority, and
# refusal of a file anyone but root could have written or that does not parse.  Every
# refusal is exit 125 with one line and leaves the host as it was.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/unprivileged.sh"
lab_enter "$@"
lab_start_test
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi

mkdir -p /run/njpriv
cp "$NETJAIL" /run/njpriv/netjail
chmod 4755 /run/njpriv/netjail
conf=/etc/netjail/netjail.conf
mkdir -p /etc/netjail

# write_conf MODE TEXT: a root-owned config with MODE.
write_conf() {
	printf '%s\n' "$2" >"$conf"
	chown root:root "$conf"
	chmod "$1" "$conf"
}

# refused_for_user WHAT WANT_MESSAGE ARGS...: uid 65534 gets 125 and a one-line message.
refused_for_user() {
	local what=$1 want=$2 err rc
	shift 2
	err=$(as_nobody /run/njpriv/netjail "$@" -- true 2>&1); rc=$?
	is "$rc" 125 "$what: refused with 125"
	check "... with one line saying: $want" test "$(grep -c . <<<"$err")" = 1 -a -n "$(grep -F -- "$want" <<<"$err")"
	[[ $rc == 125 ]] || diag "$err"
}

# ---- [policy] interfaces
write_conf 0644 $'[policy]\ninterfaces = up1'
refused_for_user "policy 'up1', user asks for up0" "policy (/etc/netjail/netjail.conf) does not let users choose 'up0'" -i up0
refused_for_user "... user asks for an interface that does not exist" "does not let users choose 'nosuch0'" -i nosuch0
is "$(seen_source as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"policy 'up1': the user's jail on up1 works"
is "$(seen_source nj -i up0 --)" 192.0.2.2 "policy 'up1': root is not restricted (up0 works)"

write_conf 0600 $'[policy]\ninterfaces = up[1-9], eth*'
refused_for_user "policy 'up[1-9], eth*' in a file only root can read: up0" "does not let users choose 'up0'" -i up0
is "$(seen_source as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"... up1 matches the glob and works"

write_conf 0644 $'[policy]\ninterfaces ='
refused_for_user "an empty policy denies every uplink to users, up1 too" "does not let users choose 'up1'" -i up1 -g 198.51.100.1

# ---- a file anyone but root could have written is refused, for root too
write_conf 0664 $'[policy]\ninterfaces = up0 up1'
refused_for_user "group-writable netjail.conf" "owned by root and not writable by group or others" -i up1 -g 198.51.100.1
err=$(nj -i up0 -- true 2>&1); rc=$?
is "$rc" 125 "... refused for root as well (the policy cannot be trusted)"
write_conf 0646 $'[policy]\ninterfaces = up0 up1'
refused_for_user "world-writable netjail.conf" "owned by root and not writable by group or others" -i up1 -g 198.51.100.1
write_conf 0644 $'[policy]\ninterfaces = up0 up1'
chown 65534 "$conf"
refused_for_user "netjail.conf owned by another user" "owned by root and not writable by group or others" -i up1 -g 198.51.100.1
mv "$conf" /etc/netjail/real.conf
chown root /etc/netjail/real.conf
ln -s real.conf "$conf"
refused_for_user "netjail.conf that is a symlink" "is a symlink" -i up1 -g 198.51.100.1
rm -f "$conf" /etc/netjail/real.conf
chmod 0777 /etc/netjail
write_conf 0644 $'[policy]\ninterfaces = up1'
refused_for_user "world-writable /etc/netjail" "/etc/netjail: the directory must be owned by root" -i up1 -g 198.51.100.1
chmod 0755 /etc/netjail

# ---- a file that does not parse: file and line named
write_conf 0644 $'[policy]\ninterfaces = up1\nuplinks = up0'
refused_for_user "unknown key" "/etc/netjail/netjail.conf:3: unknown key 'uplinks' in section [policy]" -i up1 -g 198.51.100.1
write_conf 0644 $'[network]\npool = 10.77.0.1/24'
refused_for_user "pool with host bits" "/etc/netjail/netjail.conf:2: pool '10.77.0.1/24' has host bits set" -i up1 -g 198.51.100.1
assert_host_unchanged "$before" "host state unchanged after every refusal"

# ---- [network]: another pool, table base and rule priority
write_conf 0644 $'[network]\npool = 10.77.0.0/24\ntable_base = 5000\nrule_priority = 200'
out=$(as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 -- sh -c \
	'ip -4 -o addr show dev eth0 | awk "{print \$4}"; ip -4 route show default' 2>&1)
is "$(head -n 1 <<<"$out")" 10.77.0.6/30 "pool 10.77.0.0/24: the first jail is 10.77.0.6/30"
is "$(tail -n 1 <<<"$out" | awk '{print $3}')" 10.77.0.5 "... with its gateway 10.77.0.5"
nj_bg -i up0 -- sleep 30 </dev/null >/dev/null 2>&1
if wait_for 10 jail_links_at_least 1; then
	check "rule priority 200 sends the jail to table 5001" grep -q '^200:.*iif nj1 lookup 5001' <<<"$(ip rule)"
	check "table 5001 routes by up0" grep -q '^default via 192.0.2.1 dev up0' <<<"$(ip route show table 5001)"
	check "--list shows the jail's address from the configured pool" grep -q ' 10.77.0.6 ' \
		<<<"$(as_nobody /run/njpriv/netjail --list)"
else
	not_ok "a jail with the configured pool came up"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 5
is "$(seen_source as_nobody /run/njpriv/netjail -i up1 -g 198.51.100.1 --)" 198.51.100.2 \
	"traffic from the configured pool leaves by up1, NATed"

rm -f "$conf"
assert_host_unchanged "$before"
tap_done
