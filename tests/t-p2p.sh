#!/bin/bash
# t-p2p.sh - a point-to-point uplink (tun, like wg0/tun0/ppp0) needs no gateway: the jail's
# table gets "default dev tun0", and the host is left as it was.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_up
require_netjail

ip tuntap add dev tun7 mode tun
ip addr add 10.77.0.1 peer 10.77.0.2 dev tun7
ip link set tun7 up
before=$LAB_TMP/state.before
host_state >"$before"

nj_bg -i tun7 -- sleep 30 >/dev/null 2>"$LAB_TMP/err" </dev/null
if wait_for 10 jail_links_at_least 1; then
	routes=$(ip route show table all | grep -E '^(default|unreachable default).*table 1852440[0-9]+' )
	check "the jail's table routes straight out of tun7 (no gateway)" grep -q '^default dev tun7 table' <<<"$routes"
	check "... with the unreachable default behind it" grep -q '^unreachable default table .* metric 4294967295' <<<"$routes"
	[[ $TAP_FAILED -eq 0 ]] || diag "$routes" "$(cat "$LAB_TMP/err")"
else
	not_ok "a jail on tun7 starts ($(cat "$LAB_TMP/err"))"
fi
kill -TERM "$NJ_PID"
finish "$NJ_PID" 5
is "$RC" 143 "the jail on tun7 ends with 143 on SIGTERM"
assert_host_unchanged "$before"
tap_done
