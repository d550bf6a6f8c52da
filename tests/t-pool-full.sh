#!/bin/bash
# t-pool-full.sh - a pool that jails fill says so: the next jail is refused with one line
# naming too many jails, not a host network in the way (the jails' own links used to be
# named as what overlaps the pool), and the host is left as it was.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test
if ! lab_writable_etc; then
	echo "1..0 # SKIP no overlay filesystem to give the lab its own /etc"
	exit 0
fi
mkdir -p /etc/netjail
# A /28: three /30 slots (the first is the pool's network address).
printf '[network]\npool = 10.77.0.0/28\n' >/etc/netjail/netjail.conf
chmod 0644 /etc/netjail/netjail.conf

pids=()
for _ in 1 2 3; do
	nj_bg -i up0 -- sleep 60 </dev/null >/dev/null 2>&1
	pids+=("$NJ_PID")
done
if wait_for 20 jail_links_at_least 3; then
	ok "three jails fill the pool"
else
	not_ok "three jails fill the pool"
fi
err=$(nj -i up0 -- true 2>&1); rc=$?
is "$rc" 125 "a fourth jail is refused with 125"
check "... with one line" test "$(grep -c . <<<"$err")" = 1
check "... saying too many jails run" grep -q 'too many jails running' <<<"$err"
check "... not blaming a jail's link as an overlapping network" fails grep -q 'overlaps' <<<"$err"
[[ $err == *'too many jails running'* ]] || diag "$err"

kill -TERM "${pids[@]}"
for pid in "${pids[@]}"; do finish "$pid" 20; done
wait_for 10 no_jail_links
assert_host_unchanged "$before" "the host is as before"
tap_done
