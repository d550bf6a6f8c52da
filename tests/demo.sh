#!/bin/bash
# demo.sh - show netjail at work in a private lab network (nothing on this machine is touched):
# the host's own traffic leaves by up0, a jailed command's by up1, and the host is unchanged.
#
#   tests/demo.sh        (as root; NETJAIL=/path/to/netjail to pick the binary)
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"

say() { printf '%s\n' "$*"; }

say "Building a lab network in private namespaces (this machine's network is not touched):"
say "  host uplink up0 192.0.2.2    -> router ra 192.0.2.1    -> server 203.0.113.10 (default route)"
say "  host uplink up1 198.51.100.2 -> router rb 198.51.100.1 -> server 203.0.113.10 (no default route)"
say "  the server answers with the source address it saw; the routers do not NAT."
lab_up >/dev/null
if [[ ! -x $NETJAIL ]]; then
	say "No netjail binary at $NETJAIL (build it first, or set NETJAIL)."
	exit 1
fi
before=$LAB_TMP/state.before
host_state >"$before"
say ""

say "\$ socat - TCP:203.0.113.10:7"
say "  server saw: $(seen_source)    (the host's own traffic leaves by up0)"
say ""
say "\$ netjail -i up1 -g 198.51.100.1 -- socat - TCP:203.0.113.10:7"
seen=$(seen_source nj -i up1 -g 198.51.100.1 --)
if [[ $seen == 198.51.100.2 ]]; then
	say "  server saw: $seen    (the jailed command's traffic leaves by up1)"
else
	say "  server saw: ${seen:-nothing}    (expected 198.51.100.2)"
fi
say ""
say "\$ netjail -i up0 -- socat - TCP:203.0.113.10:7      (gateway found from up0's default route)"
seen0=$(seen_source nj -i up0 --)
say "  server saw: ${seen0:-nothing}$([[ $seen0 == 192.0.2.2 ]] || echo '    (expected 192.0.2.2)')"
say ""

status=0
if wait_for 3 _host_state_is "$before"; then
	say "Host routes, rules, nftables, links and sysctls: unchanged after the jails ended."
else
	say "Host state CHANGED after the jails ended:"
	diff -u "$before" "$LAB_TMP/state.now" | tail -n +3 | head -n 20
	status=1
fi
[[ $seen == 198.51.100.2 && $seen0 == 192.0.2.2 ]] || status=1
[[ $status -eq 0 ]] && say "Demo OK." || say "Demo FAILED."
exit $status
