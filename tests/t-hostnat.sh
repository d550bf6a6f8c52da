#!/bin/bash
# t-hostnat.sh - the host's own new connections skip the jails' NAT chains (the table
# netjail_hostnat, in front of them): while jails run, a NAT chain after theirs never sees
# the host's connections, which keep the host's own source, and jails are still NATed; the
# table holds one set of rules however many jails started; deleting it costs nothing but
# speed and the next jail makes it again; the last jail out takes it with it, and after a
# SIGKILL, --cleanup does.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# Another tool's NAT chain after the jails' (srcnat + 250), counting the new connections
# that reach it (its "ct" has conntrack track them, as the jails' NAT does).
nft -f - <<'EOF'
table ip probe {
	chain post {
		type nat hook postrouting priority srcnat + 250; policy accept;
		ct state new counter
	}
}
EOF
probe_count() { nft list chain ip probe post | awk '$1 == "ct" { print $6 }'; }
hostnat_rules() { nft list chain inet netjail_hostnat postrouting 2>/dev/null | grep -c 'snat ip6\? to'; }
# host_reaches_probe: one new TCP connection of the host's own (which the server must see
# from up0's address); succeeds if it reached the probe's chain
host_reaches_probe() {
	local n0 seen
	n0=$(probe_count)
	seen=$(seen_source)
	[[ $seen == 192.0.2.2 ]] || { diag "the host's connection was seen from '$seen'"; return 2; }
	[[ $(probe_count) -gt $n0 ]]
}

check "without jails, the host's new connections reach a later NAT chain" host_reaches_probe
check "no shortcut table without jails" fails quiet nft list table inet netjail_hostnat

nj_bg -i up0 -- sleep 3600 >/dev/null 2>&1 </dev/null
long=$NJ_PID
if wait_for 10 jail_links_at_least 1; then
	check "a jail writes the shortcut table" quiet nft list table inet netjail_hostnat
	is "$(hostnat_rules)" 2 "one rule per family"
	check "with a jail, the host's new TCP connection ends at the shortcut, from the host's source" \
		fails host_reaches_probe
	n0=$(probe_count)
	is "$(seen_source_udp)" 192.0.2.2 "the host's new UDP flow keeps the host's source"
	is "$(probe_count)" "$n0" "... and ends at the shortcut too"
	is "$(seen_source nj -i up0 --)" 192.0.2.2 "a second jail's connection is still NATed to up0"
	is "$(hostnat_rules)" 2 "after two jails started, still one rule per family"

	nft delete table inet netjail_hostnat
	check "shortcut deleted: the host's connections walk the jails' chains again, unchanged" \
		host_reaches_probe
	is "$(seen_source nj -i up0 --)" 192.0.2.2 "... and a new jail works"
	check "... and has made the shortcut again" quiet nft list table inet netjail_hostnat
	check "... which the host's connections end at again" fails host_reaches_probe
	is "$(hostnat_rules)" 2 "... with one rule per family"
else
	not_ok "a jail came up"
fi
kill -TERM "$long"
finish "$long" 5
check "the last jail out removes the shortcut" fails quiet nft list table inet netjail_hostnat
check "... and the host's connections reach the later chain again" host_reaches_probe

nj_bg -i up0 -- sleep 3600 >/dev/null 2>&1 </dev/null
if wait_for 10 jail_links_at_least 1; then
	kill -KILL "$NJ_PID"
	finish "$NJ_PID" 5
	wait_for 5 no_jail_links
	is "$(seen_source)" 192.0.2.2 "netjail SIGKILLed: the shortcut it left changes nothing for the host"
	nj --cleanup
	check "--cleanup removes the shortcut" fails quiet nft list table inet netjail_hostnat
else
	not_ok "a jail came up (for SIGKILL)"
fi
nft delete table ip probe
assert_host_unchanged "$before"
tap_done
