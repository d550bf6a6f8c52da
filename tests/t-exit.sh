#!/bin/bash
# t-exit.sh - netjail exits with its command's status (128+N for signal N, 126/127 when the
# command cannot run); stdin and stdout pass through; -u runs the command as another user.
set -u
. "$(dirname "$0")/lab.sh"
lab_enter "$@"
lab_start_test

# status CMD...: netjail's exit status running CMD in a jail on up0.
status() {
	nj -i up0 -- "$@" >/dev/null 2>&1 </dev/null
	echo $?
}

is "$(status true)" 0 "-- true exits 0"
is "$(status false)" 1 "-- false exits 1"
is "$(status sh -c 'exit 3')" 3 "-- sh -c 'exit 3' exits 3"
is "$(status sh -c 'exit 255')" 255 "-- sh -c 'exit 255' exits 255"
# shellcheck disable=SC2016
is "$(status sh -c 'kill -TERM $$')" 143 "command killed by SIGTERM: 143"
# shellcheck disable=SC2016
is "$(status sh -c 'kill -KILL $$')" 137 "command killed by SIGKILL: 137"
is "$(status nj-no-such-command-$$)" 127 "command not found: 127"
is "$(status "$LAB_TMP/no/such/file")" 127 "command path does not exist: 127"

printf '#!/bin/sh\necho should-not-run\n' >"$LAB_TMP/script"
chmod 0644 "$LAB_TMP/script"
is "$(status "$LAB_TMP/script")" 126 "command not executable (mode 644): 126"
mkdir "$LAB_TMP/adir"
is "$(status "$LAB_TMP/adir")" 126 "command is a directory: 126"
chmod 0755 "$LAB_TMP/script"
is "$(nj -i up0 -- "$LAB_TMP/script" 2>/dev/null)" should-not-run "the same script made executable runs"

is "$(nj -i up0 -- echo hello world 2>/dev/null)" "hello world" "stdout passes through"
is "$(echo from-stdin | nj -i up0 -- cat 2>/dev/null)" from-stdin "stdin passes through"
is "$(nj -i up0 -- sh -c 'echo oops >&2' 2>&1 >/dev/null)" oops "stderr passes through"
is "$(nj -i up0 -- sh -c 'echo "$0|$1|$2"' 'a b' '' 'c*' 2>/dev/null)" "a b||c*" \
	"arguments arrive intact (spaces, empty, glob)"

is "$(nj -i up0 -- id -u 2>/dev/null)" 0 "root without -u: command runs as uid 0"
if id nobody >/dev/null 2>&1; then
	is "$(nj -i up0 -u nobody -- id -u 2>/dev/null)" "$(id -u nobody)" "-u nobody: command runs as nobody"
	is "$(nj -i up0 -u nobody -- sh -c 'grep ^CapEff /proc/self/status' 2>/dev/null | awk '{print $2}')" \
		0000000000000000 "-u nobody: command has no effective capabilities"
	is "$(seen_source nj -i up1 -g 198.51.100.1 -u nobody --)" 198.51.100.2 \
		"-u nobody: traffic still leaves by up1"
else
	skip "-u nobody" "no user nobody"
fi

assert_host_unchanged "$before"
tap_done
