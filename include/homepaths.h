/* homepaths.h - a profile's paths in the user's home, settled in the jail as that user. */
#ifndef NETJAIL_HOMEPATHS_H
#define NETJAIL_HOMEPATHS_H

#include <stddef.h>

#include "env.h"

/* In the jail child, after the drop and with COMMAND's environment set: if
 * @changes->home_in_command, each word of @command that starts with "~/" becomes $HOME/...;
 * each of @changes->make_dirs ("~/...") is created, with the directories above it up from
 * $HOME, mode 0700 (less the umask), where missing.  0, or -errno with the path (or "HOME")
 * that failed in @failed: -EINVAL if HOME is not an absolute path, -ENOTDIR if a path is
 * there but no directory. */
int home_paths_apply(const struct env_changes *changes, char **command, char *failed,
		     size_t failed_len);

#endif
