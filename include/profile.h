/* profile.h - per-application profiles, netjail.profile(5): parsed without side effects. */
#ifndef NETJAIL_PROFILE_H
#define NETJAIL_PROFILE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "publish.h"

#define PROFILE_MAX_BYTES 65536
#define PROFILE_MAX_WORDS 64	/* of the command and its arguments */
#define PROFILE_MAX_ENV 32	/* setenv and unsetenv entries each */
#define PROFILE_TEXT_MAX 4096	/* all strings of a profile together */
#define PROFILE_MAX_DIRS 4	/* mkdir entries */

enum profile_dbus { DBUS_UNSET, DBUS_HOST, DBUS_NONE };

struct profile {
	const char *interface;
	bool has_gateway;
	struct in_addr gateway;
	const char *dns[CLI_MAX_DNS];
	size_t dns_count;
	int ipv6;			/* -1 unset, 0 off, 1 on */
	struct publish publish[PUBLISH_MAX];
	size_t publish_count;
	enum profile_dbus dbus;
	bool allow_host;		/* "allow_host = yes": as --allow-host */
	const char *name;		/* "name = NAME": as --name (jailname.c) */
	char *command[PROFILE_MAX_WORDS + 1];	/* NULL-terminated; command[0] NULL if unset;
						 * a word "~/..." is under COMMAND's $HOME */
	const char *mkdir[PROFILE_MAX_DIRS];	/* "~/...": made, as COMMAND's user, before it runs */
	size_t mkdir_count;
	const char *setenv[PROFILE_MAX_ENV];	/* "NAME=VALUE" */
	size_t setenv_count;
	const char *unsetenv[PROFILE_MAX_ENV];
	size_t unsetenv_count;
	char text[PROFILE_TEXT_MAX];	/* where the strings above live */
	size_t text_used;
};

/* Parse @text, the contents of profile file @name (for messages).  0, or -EINVAL with
 * "NAME:LINE: reason" in @why.  Unknown sections and keys, bad values, and single-valued
 * keys given twice are errors. */
int profile_parse(const char *text, const char *name, struct profile *profile,
		  char *why, size_t why_len);

/* Fill in what the command line left unset from @profile: the command line wins, option
 * by option (-d and -P replace the profile's whole list; --no-ipv6 or "ipv6 = no" turn IPv6
 * off; "allow_host = yes" is --allow-host; the profile's gateway only goes with the profile's interface).  @opts then points
 * into @profile, which must outlive it. */
void profile_merge(const struct profile *profile, struct cli_options *opts);

/* true if @name is a profile name (looked up in the profile directories) rather than a
 * path: letters, digits, '_', '-', '.', '+', not starting with '.'. */
bool profile_name_is_plain(const char *name);

/* Find and read profile @name_or_path as the caller (the fsuid is theirs): a path if it
 * has a '/', else NAME.conf in ~/.config/netjail/profiles, then /etc/netjail/profiles,
 * then the shipped directory.  0, or -errno with a one-line reason in @why. */
int profile_load(const char *name_or_path, struct profile *profile, char *why, size_t why_len);

#endif
