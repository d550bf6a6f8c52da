/* profilefile.c - find a profile and read it with the caller's rights.
 *
 * The name or path comes from the user, so it is opened as the user: netjail's fsuid is
 * the caller's (priv.c) and no capability is effective meanwhile (priv_as_caller_begin),
 * so a file the user cannot read gives "Permission denied", never its contents, and
 * whether it opens tells nothing the user could not learn alone (a 0600 net sysctl opens
 * by CAP_NET_ADMIN).  The user's own profiles come first, then the admin's, then the shipped
 * ones, so a user may adapt a shipped profile; none can grant what netjail.conf denies,
 * since the policy is checked on the uplink the run ends up with.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "priv.h"
#include "profile.h"
#include "textfile.h"
#include "util.h"

#ifndef NETJAIL_PROFILE_DIR
#define NETJAIL_PROFILE_DIR "/usr/local/share/netjail/profiles"
#endif

/* The user's profile directory: $XDG_CONFIG_HOME or ~/.config, then netjail/profiles. */
static void user_profile_dir(char *buf, size_t size)
{
	const char *config = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	const struct passwd *pw;

	if (config && config[0] == '/') {
		snprintf(buf, size, "%s/netjail/profiles", config);
		return;
	}
	if (!home || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/nonexistent";
	}
	snprintf(buf, size, "%s/.config/netjail/profiles", home);
}

/* text_file_read() with no effective capability; NULL with errno set if not read. */
static char *read_as_caller(const char *path, size_t *len)
{
	struct priv_caller caller;
	char *text;
	int err = priv_as_caller_begin(&caller);

	if (err) {
		errno = -err;
		return NULL;
	}
	text = text_file_read(path, PROFILE_MAX_BYTES, len);
	err = errno;
	priv_as_caller_end(&caller);
	errno = err;
	return text;
}

int profile_load(const char *name_or_path, struct profile *profile, char *why, size_t why_len)
{
	char user_dir[4096], path[4096 + 128], shown_path[72], shown_dir[72];
	const char *dirs[3] = { user_dir, NETJAIL_CONF_DIR "/profiles", NETJAIL_PROFILE_DIR };
	char *text = NULL;
	size_t text_len = 0;
	int err;

	if (strchr(name_or_path, '/')) {
		/* Never a shortened path: that would be another file. */
		if (strlen(name_or_path) >= sizeof(path)) {
			snprintf(why, why_len, "profile path too long");
			return -ENAMETOOLONG;
		}
		snprintf(path, sizeof(path), "%s", name_or_path);
		text = read_as_caller(path, &text_len);
	} else if (profile_name_is_plain(name_or_path)) {
		user_profile_dir(user_dir, sizeof(user_dir));
		errno = ENOENT;
		/* Not there (or a part of the path is no directory): try the next place. */
		for (int i = 0; i < 3 && !text && (errno == ENOENT || errno == ENOTDIR); i++) {
			snprintf(path, sizeof(path), "%s/%s.conf", dirs[i], name_or_path);
			text = read_as_caller(path, &text_len);
		}
	} else {
		snprintf(why, why_len, "invalid profile name: use letters, digits, '_', '-', '.' "
			 "or '+', or give a path with a '/'");
		return -EINVAL;
	}
	/* Paths and names are the user's text: shown as printable() makes them. */
	printable(path, shown_path, sizeof(shown_path));
	if (!text) {
		err = errno;
		if ((err == ENOENT || err == ENOTDIR) && !strchr(name_or_path, '/'))
			snprintf(why, why_len, "no profile named '%s' (looked in %s, %s and %s)",
				 name_or_path, printable(dirs[0], shown_dir, sizeof(shown_dir)),
				 dirs[1], dirs[2]);
		else
			snprintf(why, why_len, "cannot read profile %s: %s", shown_path,
				 err == EFBIG ? "larger than 64 KiB" :
				 err == EINVAL ? "not a regular file" : strerror(err));
		return -err;
	}
	/* A NUL would end the text early, and the rest would be ignored without a word. */
	if (strlen(text) != text_len) {
		snprintf(why, why_len, "%s: contains a NUL byte: not a profile", shown_path);
		free(text);
		return -EINVAL;
	}
	err = profile_parse(text, shown_path, profile, why, why_len);
	free(text);
	return err;
}
