#!/bin/bash
# t-list-churn.sh - `netjail --list --json` under churn: while jails start and end on both
# uplinks, every listing exits 0 with JSON a script can parse (issue 17, item 7).  The
# kernel marks a dump of the links interrupted (NLM_F_DUMP_INTR) when a link comes or goes
# during it; netjail reads it again instead of failing with "Interrupted system call".
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# Churn: short jails one after another on each uplink, for as long as the listings run.
churn() { while [[ ! -e $LAB_TMP/stop ]]; do nj -i "$1" -- true >/dev/null 2>&1; done; }
lab_bg churn up0
lab_bg churn up1

bad=0 runs=150
for ((i = 0; i < runs; i++)); do
	out=$(nj --list --json 2>&1)
	rc=$?
	if [[ $rc -ne 0 ]] || ! python3 -c 'import json, sys; json.load(sys.stdin)' <<<"$out" 2>/dev/null; then
		bad=$((bad + 1))
		[[ $bad -le 3 ]] && diag "run $i: exit $rc: $out"
	fi
done
touch "$LAB_TMP/stop"
is "$bad" 0 "$runs listings under churn: each exits 0 with valid JSON"
wait_for 30 no_jail_links
assert_host_unchanged "$before"
tap_done
