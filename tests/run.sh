#!/bin/bash
# run.sh - run netjail's integration tests, each in its own private lab (see lab.sh).
#
#   tests/run.sh [TEST...]     TEST is t-foo.sh, t-foo or a path; default: every tests/t-*.sh
#
# Each test prints TAP.  The runner shows it, counts `ok` / `not ok` / `# SKIP` lines and ends with
#   N passed, N failed[, N skipped]
# A test script that dies, hangs (NJ_TEST_TIMEOUT, default 150 s) or ends without its plan line
# counts as one more failure.  Exit status: 0 only if nothing failed.
#
# Environment: NETJAIL (binary under test, default ../netjail), NETJAIL_WRAP (e.g. a valgrind
# command), NJ_TIMEOUT (per netjail run), NJ_TEST_TIMEOUT (per test script), NJ_SLOW (multiplies both
# and every bound on waiting in lab.sh; tests/kernels/ sets it in an emulated guest).  Needs root.

set -u
here=$(cd "$(dirname "$0")" && pwd)

if [[ $# -eq 0 ]]; then
	tests=("$here"/t-*.sh)
else
	tests=()
	for t in "$@"; do
		t=${t%.sh}.sh
		[[ $t == */* ]] || t=$here/$t
		tests+=("$t")
	done
fi

passed=0 failed=0 skipped=0
for t in "${tests[@]}"; do
	name=$(basename "$t")
	echo "# $name"
	if [[ ! -f $t ]]; then
		echo "not ok - $name: no such test"
		failed=$((failed + 1))
		continue
	fi
	out=$(mktemp)
	t0=$SECONDS
	# unshare inside the test ignores SIGTERM while it waits; -k makes sure the lab dies
	# (its pid 1 has a parent-death SIGKILL, so the whole lab goes with it).
	# Shown as it comes (tee), so that a test that hangs in a guest shows where.
	timeout -k 5 $((${NJ_TEST_TIMEOUT:-150} * ${NJ_SLOW:-1})) bash "$t" 2>&1 </dev/null | tee "$out"
	rc=${PIPESTATUS[0]}
	echo "# $name: $((SECONDS - t0)) s"
	p=$(grep -cE '^ok [0-9]+' "$out")
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out")
	f=$(grep -cE '^not ok [0-9]+' "$out")
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		echo "not ok - $name timed out"
		failed=$((failed + 1))
	elif ! tail -n 1 "$out" | grep -qE '^1\.\.[0-9]+' ; then
		echo "not ok - $name crashed (exit $rc, no plan line)"
		failed=$((failed + 1))
	elif [[ $rc -ne 0 && $f -eq 0 ]]; then
		echo "not ok - $name exited $rc without a failed assertion"
		failed=$((failed + 1))
	fi
	rm -f "$out"
done

if [[ $skipped -gt 0 ]]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[[ $failed -eq 0 ]]
