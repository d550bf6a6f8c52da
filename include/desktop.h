/* desktop.h - netjail --desktop-entry: a launcher that runs its program in a jail. */
#ifndef NETJAIL_DESKTOP_H
#define NETJAIL_DESKTOP_H

#include <stddef.h>

#include "cli.h"

#define DESKTOP_MAX_BYTES 65536		/* a launcher read, like a profile */
#define DESKTOP_OUT_MAX ((size_t)4 * DESKTOP_MAX_BYTES)	/* the wrapped copy */

/* Rewrite @len bytes of @text, a desktop entry (Desktop Entry Specification 1.5), so that
 * it runs its program through netjail: every Exec of [Desktop Entry] and of each
 * [Desktop Action *] becomes the words of @prefix (NULL-terminated: netjail's absolute
 * path, then its options), quoted as the spec says, then "--", then the original command
 * line as it was; each Name of [Desktop Entry], localized ones too, gets " (@suffix)";
 * DBusActivatable is set to false.  Every other byte is copied.  On success *@out is the
 * malloc'd, NUL-terminated copy and *@out_len its length.  Returns 0; -EINVAL with the
 * reason in @why (not an application, no Exec, a line that is not KEY=VALUE, a NUL byte,
 * a control character in @prefix or @suffix...); -EFBIG (@text over DESKTOP_MAX_BYTES or
 * the copy over DESKTOP_OUT_MAX) with the reason; -ENOMEM. */
int desktop_wrap(const char *text, size_t len, const char *const *prefix, const char *suffix,
		 char **out, size_t *out_len, char *why, size_t why_len);

/* Split the Exec value @value (@len bytes, as written in the file: string escapes and
 * quoting included) into the words a launcher passes to exec, "%%" made "%" and other
 * field codes left as they are.  The words go to @buf, which needs @len + 1 bytes, and
 * @words gets pointers to them.  Returns the number of words, at most @max (the rest of
 * the line is left unread; with @words NULL, all are counted and none kept), or -EINVAL
 * (an unknown escape, an unclosed quote), or -ENOSPC (@buf too small). */
int desktop_exec_split(const char *value, size_t len, char *buf, size_t size,
		       char **words, size_t max);

/* Write a wrapped copy of launcher @opts->desktop_entry into the user's applications
 * directory, with no privilege left.  Prints the path written.  Returns netjail's exit
 * status: 0, or 125 after a one-line error. */
int desktop_entry_install(const struct cli_options *opts);

#endif
