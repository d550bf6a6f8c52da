/* env.h - COMMAND gets the caller's environment, including what glibc hid from netjail. */
#ifndef NETJAIL_ENV_H
#define NETJAIL_ENV_H

#include <stdbool.h>
#include <stddef.h>

/* The caller's environment as exec'd, kept only while glibc ran netjail in secure mode. */
struct env_saved {
	char *block;	/* NAME=VALUE\0NAME=VALUE\0..., or NULL */
	size_t len;
};

/* Before the drop: if glibc removed LD_LIBRARY_PATH, TMPDIR, ... from netjail's environment
 * (AT_SECURE: setuid or file capabilities), keep the original from /proc/self/environ. */
void env_save_stripped(struct env_saved *saved);

/* After the drop, in the unprivileged child: set again every saved variable that is missing,
 * so COMMAND sees what it would have seen without netjail. */
void env_restore_stripped(struct env_saved *saved);

/* What a profile changes in COMMAND's environment, applied last. */
struct env_changes {
	const char *const *set;		/* "NAME=VALUE" */
	size_t set_count;
	const char *const *unset;
	size_t unset_count;
	bool no_session_bus;		/* dbus = none (desktopenv.c plans what that takes) */
	const char *session_bus_address;	/* DBUS_SESSION_BUS_ADDRESS for COMMAND, or NULL */
	const char *runtime_dir;	/* XDG_RUNTIME_DIR for COMMAND if it has none, or NULL */
	const char *const *make_dirs;	/* the profile's mkdir ("~/..."), made in the jail */
	size_t make_dir_count;
	bool home_in_command;		/* the command is the profile's: "~/" is $HOME */
};

/* In the child after the drop: unset, then set, then the session's bus and runtime dir. */
void env_apply_changes(const struct env_changes *changes);

#endif
