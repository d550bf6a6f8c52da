/* desktopenv.c - keep X11, Wayland, PipeWire/PulseAudio and the D-Bus session bus working
 * for a program in the jail, or keep the bus away from it when asked.
 *
 * The jail shares the host's files but not its network namespace, and abstract unix
 * sockets (the ones named "@...") belong to a network namespace.  So:
 *   - X11: Xlib/xcb try "@/tmp/.X11-unix/Xn" and then the file /tmp/.X11-unix/Xn; the file
 *     is reached from the jail.  A server that listens only on the abstract name (it is in
 *     /proc/net/unix, the file is not) cannot be reached: say so.  Nor can one on the host's
 *     loopback over TCP (ssh -X's localhost:10): say so, and how to relay it to a file.
 *   - Wayland, PipeWire, PulseAudio: sockets in $XDG_RUNTIME_DIR, reached as they are.
 *   - D-Bus: an address with only "unix:abstract=" is unreachable; systemd's user session
 *     also has the bus at $XDG_RUNTIME_DIR/bus, which is then used instead.
 *   - "dbus = none": programs like Firefox hand their work to a running instance over the
 *     session bus, which defeats the jail; the bus address is made unusable and its
 *     sockets are covered in the jail (jailfs.c), so nothing falls back to them either.
 * A sudo'ed netjail has lost XDG_RUNTIME_DIR; /run/user/UID is the user's if it exists.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "desktopenv.h"
#include "util.h"

static bool is_users_socket(const char *path, uid_t uid)
{
	struct stat st;

	return !lstat(path, &st) && S_ISSOCK(st.st_mode) && st.st_uid == uid;
}

static void find_runtime_dir(const struct target_user *target, struct desktop_plan *out)
{
	const char *env = target->set_login_env ? NULL : getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (env && env[0] == '/' && strlen(env) < sizeof(out->runtime_dir)) {
		snprintf(out->runtime_dir, sizeof(out->runtime_dir), "%s", env);
		return;
	}
	snprintf(out->runtime_dir, sizeof(out->runtime_dir), "/run/user/%u", (unsigned)target->uid);
	if (stat(out->runtime_dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != target->uid) {
		out->runtime_dir[0] = '\0';
		return;
	}
	out->set_runtime_dir = !env;
}

/* Decode a D-Bus address value (%XX escapes) into @out; false if malformed or too long. */
static bool unescape_value(const char *value, size_t len, char *out, size_t size)
{
	size_t used = 0;

	for (size_t i = 0; i < len; i++) {
		char c = value[i];

		if (c == '%') {
			char hex[3] = { 0 };
			char *end;

			if (i + 2 >= len)
				return false;
			hex[0] = value[i + 1];
			hex[1] = value[i + 2];
			c = (char)strtol(hex, &end, 16);
			if (*end || !c)
				return false;
			i += 2;
		}
		if (used + 1 >= size)
			return false;
		out[used++] = c;
	}
	out[used] = '\0';
	return true;
}

/* Walk the ';'-separated entries of D-Bus address @address: note whether any can be
 * reached from the jail, whether any is abstract, and mask each unix:path= socket of
 * @uid in @fs if @mask. */
static void scan_bus_address(const char *address, uid_t uid, bool mask, struct jailfs_plan *fs,
			     bool *reachable, bool *abstract)
{
	*reachable = *abstract = false;
	for (const char *entry = address; entry && *entry;) {
		const char *end = strchr(entry, ';'), *path;
		size_t len = end ? (size_t)(end - entry) : strlen(entry);
		char decoded[JAILFS_PATH_MAX];

		if (!strncmp(entry, "unix:", 5) && (path = strstr(entry, "path=")) && path < entry + len) {
			size_t value_len = strcspn(path + 5, ",;");

			*reachable = true;
			if (mask && unescape_value(path + 5, value_len, decoded, sizeof(decoded)) &&
			    is_users_socket(decoded, uid))
				jailfs_plan_mask(fs, decoded, true, uid);
		} else if (!strncmp(entry, "unix:", 5) && strstr(entry, "abstract=") &&
			   strstr(entry, "abstract=") < entry + len) {
			*abstract = true;
		} else if (len) {
			*reachable = true;	/* tcp:, autolaunch:...: not ours to judge */
		}
		entry = end ? end + 1 : NULL;
	}
}

/* "unix:path=" and @path, escaped as the D-Bus specification asks. */
static void path_address(const char *path, char *out, size_t size)
{
	size_t used = (size_t)snprintf(out, size, "unix:path=");

	for (; *path && used + 4 < size; path++) {
		unsigned char c = (unsigned char)*path;

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    strchr("-_/.\\*", c))
			out[used++] = (char)c;
		else
			used += (size_t)snprintf(out + used, size - used, "%%%02x", c);
	}
	out[used] = '\0';
}

static void plan_session_bus(const struct target_user *target, enum profile_dbus dbus,
			     struct jailfs_plan *fs, struct desktop_plan *out)
{
	const char *address = target->set_login_env ? NULL : getenv("DBUS_SESSION_BUS_ADDRESS");
	char bus[JAILFS_PATH_MAX + 8], shown[72];
	bool reachable, abstract;

	bus[0] = '\0';
	if (out->runtime_dir[0])
		snprintf(bus, sizeof(bus), "%s/bus", out->runtime_dir);
	scan_bus_address(address, target->uid, dbus == DBUS_NONE, fs, &reachable, &abstract);
	if (dbus == DBUS_NONE) {
		/* No D-Bus library can use this address, and the fallback socket is covered. */
		snprintf(out->bus_address, sizeof(out->bus_address), "disabled:");
		if (bus[0])
			jailfs_plan_mask(fs, bus, true, target->uid);
		return;
	}
	if (!address || reachable || !abstract)
		return;
	if (bus[0] && is_users_socket(bus, target->uid)) {
		path_address(bus, out->bus_address, sizeof(out->bus_address));
		return;
	}
	snprintf(out->warnings[0], sizeof(out->warnings[0]), "the D-Bus session bus (%s) is an "
		 "abstract socket, which the jail cannot reach: programs in it will run without it",
		 printable(address, shown, sizeof(shown)));
}

/* Does the host's network namespace have abstract socket "@NAME"?  /proc/net/unix lists
 * each as "... @NAME" at the end of its line. */
static bool abstract_socket_exists(const char *name)
{
	FILE *f = fopen("/proc/net/unix", "re");
	char line[512];
	size_t len = strlen(name);
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char *at = strrchr(line, '@');

		found = at && !strncmp(at + 1, name, len) && (at[1 + len] == '\n' || !at[1 + len]);
	}
	if (f)
		fclose(f);
	return found;
}

/* Is X display host @host (@len bytes) the host's loopback?  "localhost", 127.0.0.0/8, ::1. */
static bool loopback_display_host(const char *host, size_t len)
{
	char copy[INET6_ADDRSTRLEN];
	struct in6_addr v6;
	struct in_addr v4;

	if (!len || len >= sizeof(copy))
		return false;
	memcpy(copy, host, len);
	copy[len] = '\0';
	if (!strcmp(copy, "localhost") || !strcmp(copy, "ip6-localhost") ||
	    !strcmp(copy, "ip6-loopback"))
		return true;
	if (inet_pton(AF_INET, copy, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, copy, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/* DISPLAY "HOST:N" with HOST the host's loopback, as ssh -X sets it (localhost:10.0, for
 * sshd's TCP port 6010 on 127.0.0.1): the jail has a loopback of its own, so it cannot be
 * reached from there.  Say so, and how to reach it instead: a unix socket is a file, which
 * the jail shares, and Xlib looks for display :N at /tmp/.X11-unix/XN (the cookie ssh added
 * is for that display too). */
static void check_tcp_display(const char *display, struct desktop_plan *out)
{
	const char *colon = strrchr(display, ':');
	char number[8], shown[72];
	uint32_t value;
	size_t digits;

	if (!colon || colon == display || !loopback_display_host(display, (size_t)(colon - display)))
		return;
	digits = strspn(colon + 1, "0123456789");
	snprintf(number, sizeof(number), "%.*s", (int)(digits < 5 ? digits : 5), colon + 1);
	if (!digits || parse_u32(number, 0, 9999, &value))
		return;
	snprintf(out->warnings[1], sizeof(out->warnings[1]), "DISPLAY=%s is an X server on the "
		 "host's loopback (ssh -X), which the jail cannot reach: X programs in it will fail; "
		 "relay it to a socket first, e.g. `socat UNIX-LISTEN:/tmp/.X11-unix/X%s,fork "
		 "TCP:localhost:%u &`, and use DISPLAY=:%s", printable(display, shown, sizeof(shown)),
		 number, 6000 + value, number);
}

/* DISPLAY ":N" or ":N.S" on this machine: an X server that listens only on the abstract
 * "@/tmp/.X11-unix/XN", and not on the file, cannot be reached from the jail. */
static void check_display(struct desktop_plan *out)
{
	const char *display = getenv("DISPLAY");
	char path[64], shown[72];
	uint32_t number;
	size_t digits;
	struct stat st;

	if (display && strrchr(display, ':') && strrchr(display, ':') != display)
		check_tcp_display(display, out);	/* HOST:N, HOST may be ::1 */
	if (!display || display[0] != ':' || strrchr(display, ':') != display)
		return;		/* none, or over TCP: nothing local to check */
	digits = strspn(display + 1, "0123456789");
	snprintf(path, sizeof(path), "%.*s", (int)(digits < 10 ? digits : 10), display + 1);
	if (!digits || parse_u32(path, 0, 65535, &number))
		return;
	snprintf(path, sizeof(path), "/tmp/.X11-unix/X%u", number);
	if ((!stat(path, &st) && S_ISSOCK(st.st_mode)) || !abstract_socket_exists(path))
		return;
	snprintf(out->warnings[1], sizeof(out->warnings[1]), "X display %s listens only on an "
		 "abstract socket, which the jail cannot reach, and not on %s: X programs in it "
		 "will fail", printable(display, shown, sizeof(shown)), path);
}

void desktop_plan(const struct target_user *target, enum profile_dbus dbus,
		  struct jailfs_plan *fs, struct desktop_plan *out)
{
	memset(out, 0, sizeof(*out));
	find_runtime_dir(target, out);
	plan_session_bus(target, dbus, fs, out);
	check_display(out);
}
