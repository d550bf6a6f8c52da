#!/bin/bash
# t-attack-ipv6global.sh - a user cannot make netjail turn IPv6 forwarding on for the whole
# host, nor leave it on.  uid 65534, through the setuid copy:
#   - without the admin's ipv6_forwarding = all, neither a jail on a dual-stack uplink nor a
#     profile that names the key turns net.ipv6.conf.all.forwarding on;
#   - with it, SIGKILLs its own netjail: the switch stays on until the next run, but meanwhile
#     the host forwards no IPv6 but jails' (the guard outlives the supervisor), and the next
#     run, the user's own, puts back the host's values.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_up
require_netjail
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay to give the lab its own /etc/netjail/netjail.conf"
	exit 0
fi
if ! lab_ipv6_on_up1 || ! lab_ipv6_across; then
	echo "Bail out! could not give the lab IPv6"
	exit 1
fi
setuid_copy
before=$LAB_TMP/state.before
host_state >"$before"
v6conf() { grep -H . /proc/sys/net/ipv6/conf/{all,default,up0,up1}/{forwarding,accept_ra}; }
v6_before=$(v6conf)

# user_jail ARGS...: uid 65534's netjail in the background, its pid in user_nj.
user_jail() {
	as_nobody "$SUID_NJ" "$@" </dev/null >"$LAB_TMP/nj.out" 2>&1 &
	user_nj=$!
	LAB_PIDS+=("$user_nj")
}

# ---- no admin setting: no global switch, whatever the user asks
user_jail -i up1 -g 198.51.100.1 -- sleep 30
if wait_for 10 jail_links_at_least 1; then
	is "$(sysctl -n net.ipv6.conf.all.forwarding)" 0 "without the admin's setting, a user's jail leaves all.forwarding off"
else
	not_ok "uid 65534's jail on up1 comes up"
	diag "$(cat "$LAB_TMP/nj.out")"
fi
kill -TERM "$(user_supervisor)"
finish "$user_nj" 10
home=$LAB_TMP/home
mkdir -p "$home/.config/netjail/profiles"
printf '[netjail]\ninterface = up1\nipv6_forwarding = all\ncommand = true\n' >"$home/.config/netjail/profiles/global.conf"
chown -R 65534:65534 "$home"
out=$(HOME=$home as_nobody "$SUID_NJ" -p global 2>&1); rc=$?
is "$rc" 125 "a profile naming ipv6_forwarding is refused (125)"
check "... as an unknown key: $out" grep -q "unknown key 'ipv6_forwarding'" <<<"$out"
is "$(v6conf)" "$v6_before" "... and all.forwarding and accept_ra are as before"

# ---- the admin's ipv6_forwarding = all: a user's jail has IPv6, and gives the host back
lab_ipv6_all
# An emulated guest (NJ_SLOW) stretches the server's answer (a cold exec over 9p): socat,
# its stdin at EOF, waits -t for it (0.5 s by default).
t6=$((3 * ${NJ_SLOW:-1}))
ask6="socat -t$t6 -T$t6 - \"TCP6:[2001:db8:ff::10]:7,connect-timeout=$t6\" </dev/null 2>&1 | tr -d '\r' | head -n1"
is "$(as_nobody "$SUID_NJ" -i up1 -g 198.51.100.1 -- sh -c "$ask6")" "[2001:0db8:0001:0000:0000:0000:0000:0002]" \
	"with ipv6_forwarding = all, uid 65534's jail has IPv6"
is "$(v6conf)" "$v6_before" "... and when it ends, all.forwarding and accept_ra are back"

# ---- the user SIGKILLs their own netjail
user_jail -i up1 -g 198.51.100.1 -- sleep 60
if wait_for 10 jail_links_at_least 1; then
	as_nobody kill -KILL "$(user_supervisor)"
	finish "$user_nj" 10
	is "$(sysctl -n net.ipv6.conf.all.forwarding)" 1 "the user SIGKILLed their netjail: all.forwarding is still 1"
	check "... but IPv6 between two other interfaces is not forwarded" fails across6
else
	not_ok "uid 65534's jail on up1 comes up"
	diag "$(cat "$LAB_TMP/nj.out")"
fi
out=$(as_nobody "$SUID_NJ" -i up0 -- true 2>&1)
is "$(v6conf)" "$v6_before" "the user's next run puts back all.forwarding and accept_ra ($out)"
check "... and removes the guard" fails grep -q 'ipv6:all' <<<"$(nft list ruleset)"
rm -f /etc/netjail/netjail.conf
assert_host_unchanged "$before"
tap_done
