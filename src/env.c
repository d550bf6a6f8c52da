/* env.c - give COMMAND back the variables glibc removed from a privileged netjail.
 *
 * glibc runs a setuid or file-capability program in secure mode (AT_SECURE): it ignores
 * LD_PRELOAD and friends and removes them, with TMPDIR, LOCPATH, RES_OPTIONS and others,
 * from the environment.  That protects netjail's privileged code.  COMMAND, though, runs
 * as the caller with nothing gained, so it must see the caller's environment whole: the
 * kernel still has it as exec'd, in /proc/self/environ.  It is put back only in the child
 * after the drop; if COMMAND is itself setuid, its own glibc strips it again.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <fcntl.h>
#include <unistd.h>

#include "env.h"
#include "priv.h"

#define ENV_MAX_BYTES (16u << 20)

void env_save_stripped(struct env_saved *saved)
{
	struct priv_files as;
	size_t size = 65536;
	ssize_t got;
	int fd;

	saved->block = NULL;
	saved->len = 0;
	if (!getauxval(AT_SECURE))
		return;
	/* Non-dumpable, so /proc/self is root's: a fixed kernel path, opened as root. */
	priv_files_as_root(&as);
	fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	priv_files_restore(&as);
	if (fd < 0)
		return;
	for (;;) {
		char *bigger = size <= ENV_MAX_BYTES ? realloc(saved->block, size) : NULL;

		if (!bigger)
			break;
		saved->block = bigger;
		got = read(fd, saved->block + saved->len, size - saved->len);
		if (got <= 0)
			break;
		saved->len += (size_t)got;
		if (saved->len == size)
			size *= 2;
	}
	close(fd);
}

void env_restore_stripped(struct env_saved *saved)
{
	for (size_t at = 0; saved->block && at < saved->len;) {
		char *entry = saved->block + at;
		size_t len = strnlen(entry, saved->len - at);
		char *equals = memchr(entry, '=', len);

		at += len + 1;
		if (!equals || equals == entry || at > saved->len)
			continue;	/* not NAME=VALUE, or cut off */
		*equals = '\0';
		setenv(entry, equals + 1, 0);	/* 0: never undo what netjail set on purpose */
		*equals = '=';
	}
	free(saved->block);
	saved->block = NULL;
}

void env_apply_changes(const struct env_changes *changes)
{
	if (!changes)
		return;
	for (size_t i = 0; i < changes->unset_count; i++)
		unsetenv(changes->unset[i]);
	for (size_t i = 0; i < changes->set_count; i++) {
		const char *entry = changes->set[i], *equals = strchr(entry, '=');
		char name[256];

		if (!equals || (size_t)(equals - entry) >= sizeof(name))
			continue;	/* profile.c checked both */
		memcpy(name, entry, (size_t)(equals - entry));
		name[equals - entry] = '\0';
		setenv(name, equals + 1, 1);
	}
	/* desktopenv.c: "disabled:" for dbus = none, or a path instead of an abstract socket. */
	if (changes->session_bus_address)
		setenv("DBUS_SESSION_BUS_ADDRESS", changes->session_bus_address, 1);
	if (changes->runtime_dir)
		setenv("XDG_RUNTIME_DIR", changes->runtime_dir, 0);
}
