/* homepaths.c - a profile's "~/" paths: made $HOME's, and its directories made.
 *
 * A profile may name a directory of the user's for its program (the shipped Firefox profile
 * runs `firefox --profile ~/.local/share/netjail/firefox`, which must exist first, or
 * Firefox opens its profile chooser).  All of it happens in the jail child after the drop
 * (jail.c): as COMMAND's user, with no privilege left, so nothing here can do what the user
 * could not do by hand, and HOME is the one COMMAND sees (for root's -u, the target's).
 * Directories are created one component at a time below HOME, never HOME itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "homepaths.h"

/* "$HOME/" and @tilde_path without its "~/", malloc'd; NULL if out of memory. */
static char *under_home(const char *home, const char *tilde_path)
{
	char *path = malloc(strlen(home) + strlen(tilde_path));

	if (path)
		sprintf(path, "%s/%s", home, tilde_path + 2);
	return path;
}

/* mkdir -p @path below @home_len bytes of it (the home, which must exist), mode 0700. */
static int make_below_home(char *path, size_t home_len)
{
	struct stat st;

	for (char *slash = strchr(path + home_len + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			int err = -errno;

			if (slash)
				*slash = '/';
			return err;
		}
		if (slash)
			*slash = '/';
		if (!slash)
			break;
	}
	if (stat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int home_paths_apply(const struct env_changes *changes, char **command, char *failed,
		     size_t failed_len)
{
	const char *home = getenv("HOME");
	bool any = changes->make_dir_count > 0;

	for (size_t i = 0; changes->home_in_command && command[i]; i++)
		any |= !strncmp(command[i], "~/", 2);
	if (!any)
		return 0;
	if (!home || home[0] != '/') {
		snprintf(failed, failed_len, "the profile's ~/ paths (HOME is not an absolute path)");
		return -EINVAL;
	}
	for (size_t i = 0; changes->home_in_command && command[i]; i++) {
		char *path;

		if (strncmp(command[i], "~/", 2) != 0)
			continue;
		path = under_home(home, command[i]);
		if (!path)
			return -ENOMEM;
		command[i] = path;	/* the child execs soon: never freed */
	}
	for (size_t i = 0; i < changes->make_dir_count; i++) {
		char *path = under_home(home, changes->make_dirs[i]);
		int err;

		if (!path)
			return -ENOMEM;
		err = make_below_home(path, strlen(home));
		if (err)
			snprintf(failed, failed_len, "%s", path);
		free(path);
		if (err)
			return err;
	}
	return 0;
}
