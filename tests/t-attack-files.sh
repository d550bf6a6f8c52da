#!/bin/bash
# t-attack-files.sh - a file the user names (-p FILE) is opened with that user's rights only:
# while setuid netjail opens it, no capability is effective, so nothing opens for the user
# that the user could not open alone.
#
#   - an fanotify permission watch on the profile holds netjail inside open() and reads its
#     CapEff there (it was the setup set: CAP_NET_ADMIN, CAP_SYS_ADMIN...);
#   - a 0600 net sysctl opens by CAP_NET_ADMIN (net_ctl_permissions): as a profile it opened
#     (and, empty, ran the command), though uid 65534 gets "Permission denied" itself;
#   - /dev/kmsg (dmesg_restrict=1): refused, and no kernel log text reaches the user.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/attack.sh"
lab_enter "$@"
lab_start_test
setuid_copy

mkdir -p /run/njfiles
chmod 0755 /run/njfiles
printf '[netjail]\ninterface = up1\ngateway = 198.51.100.1\n' >/run/njfiles/up1.conf
chmod 0644 /run/njfiles/up1.conf

# capwatch FILE: on the first open of FILE, print the opener's CapEff (from inside its open(),
# which waits for our answer), then allow the open.  Prints "ready" once the watch is set.
cat >"$LAB_TMP/capwatch.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct fanotify_event_metadata event;
	struct fanotify_response allow;
	char path[64], line[256];
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);
	FILE *status;

	if (argc != 2 || fd < 0 || fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, argv[1]))
		return perror("fanotify"), 2;
	puts("ready");
	fflush(stdout);
	if (read(fd, &event, sizeof(event)) < (ssize_t)sizeof(event) || !(event.mask & FAN_OPEN_PERM))
		return 3;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)event.pid);
	status = fopen(path, "r");
	while (status && fgets(line, sizeof(line), status))
		if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "Uid:", 4))
			fputs(line, stdout);
	allow = (struct fanotify_response){ .fd = event.fd, .response = FAN_ALLOW };
	if (write(fd, &allow, sizeof(allow)) != sizeof(allow))
		return 4;
	return 0;
}
EOF
if ! gcc -O2 -o "$LAB_TMP/capwatch" "$LAB_TMP/capwatch.c"; then
	echo "Bail out! cannot compile the fanotify watcher"
	exit 1
fi

# 1. CapEff inside the open of the user's profile.
"$LAB_TMP/capwatch" /run/njfiles/up1.conf >"$LAB_TMP/watch.out" 2>&1 &
watch_pid=$!
LAB_PIDS+=("$watch_pid")
if wait_for 5 grep -q ready "$LAB_TMP/watch.out"; then
	out=$(as_nobody "$SUID_NJ" -p /run/njfiles/up1.conf -- id -u 2>&1)
	rc=$?
	finish "$watch_pid" 5
	is "$rc:$out" "0:65534" "uid 65534 runs a command with its own profile (-p FILE)"
	is "$(awk '/^Uid:/ {print $2, $3}' "$LAB_TMP/watch.out")" "65534 65534" \
		"... opened by netjail as uid 65534 (real, effective)"
	is "$(awk '/^CapEff:/ {print $2}' "$LAB_TMP/watch.out")" 0000000000000000 \
		"... with no effective capability while it opens the profile"
	[[ $TAP_FAILED -eq 0 ]] || diag "$out" "$(cat "$LAB_TMP/watch.out")"
else
	not_ok "fanotify watch on the profile set up"
	diag "$(cat "$LAB_TMP/watch.out")"
fi

# 2. A file that opens by CAP_NET_ADMIN, not by uid.
key=/proc/sys/net/ipv4/tcp_fastopen_key
check "uid 65534 cannot open $key itself" fails quiet as_nobody cat "$key"
err=$(as_nobody "$SUID_NJ" -p "$key" -i up1 -g 198.51.100.1 -- true 2>&1)
rc=$?
is "$rc" 125 "-p $key is refused with 125 (it opened by CAP_NET_ADMIN before)"
is "$err" "netjail: cannot read profile $key: Permission denied" \
	"... with one line: Permission denied, as uid 65534 gets it"

# 3. The kernel log, readable only by capability (dmesg_restrict=1 here).
if [[ $(cat /proc/sys/kernel/dmesg_restrict) == 1 ]]; then
	err=$(as_nobody "$SUID_NJ" -p /dev/kmsg -i up1 -g 198.51.100.1 -- true 2>&1)
	rc=$?
	is "$rc" 125 "-p /dev/kmsg is refused with 125"
	is "$err" "netjail: cannot read profile /dev/kmsg: Operation not permitted" \
		"... with one line and no kernel log text"
else
	skip "-p /dev/kmsg" "kernel.dmesg_restrict is not 1"
	skip "... no kernel log text" "kernel.dmesg_restrict is not 1"
fi

assert_host_unchanged "$before"
tap_done
