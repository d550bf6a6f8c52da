/* profile.c - netjail.profile(5) from text to struct profile, with no side effects.
 *
 *   [netjail]
 *   interface = wlan0          gateway = 192.168.1.1     dns = 9.9.9.9, 1.1.1.1
 *   ipv6 = yes|no              publish = 27036:27036, 27036:27036/udp
 *   dbus = host|none           command = steam -silent
 *   allow_host = yes|no        mkdir = ~/.local/share/netjail/firefox
 *   setenv = NAME=VALUE        unsetenv = NAME ...       (both may repeat)
 *
 * A profile is the user's own file, read with the user's rights, and can do nothing the
 * command line could not: every value goes through the same strict parsers as the options.
 * The command is split at blanks, without quotes or expansions: no shell ever sees it.  The
 * one exception, "~/" at the start of a command word or a mkdir directory, is made
 * COMMAND's $HOME in the jail, as COMMAND's user (homepaths.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "initext.h"
#include "profile.h"
#include "util.h"

enum profile_key {
	KEY_INTERFACE, KEY_GATEWAY, KEY_DNS, KEY_IPV6, KEY_PUBLISH, KEY_DBUS, KEY_COMMAND,
	KEY_SETENV, KEY_UNSETENV, KEY_ALLOW_HOST, KEY_MKDIR, KEY_NAME, KEY_COUNT,
};

static const struct {
	const char *name;
	bool repeatable;
} known_keys[KEY_COUNT] = {
	[KEY_INTERFACE] = { "interface", false }, [KEY_GATEWAY] = { "gateway", false },
	[KEY_DNS] = { "dns", false }, [KEY_IPV6] = { "ipv6", false },
	[KEY_PUBLISH] = { "publish", false }, [KEY_DBUS] = { "dbus", false },
	[KEY_COMMAND] = { "command", false }, [KEY_SETENV] = { "setenv", true },
	[KEY_UNSETENV] = { "unsetenv", true }, [KEY_ALLOW_HOST] = { "allow_host", false },
	[KEY_MKDIR] = { "mkdir", false }, [KEY_NAME] = { "name", false },
};

struct parse_state {
	struct ini_text text;	/* first: initext.c's reader uses it */
	struct profile *profile;
	bool seen[KEY_COUNT];
};

#define REFUSE(...) do { snprintf(ps->text.error, sizeof(ps->text.error), __VA_ARGS__); return -EINVAL; } while (0)
#define SHOW(text) printable((text), shown, sizeof(shown))
#define BLANKS " \t"
#define LIST_SEPARATORS ", \t"

/* A copy of @len bytes of @text that lives as long as the profile, or NULL when full. */
static char *keep(struct profile *profile, const char *text, size_t len)
{
	char *copy;

	if (len + 1 > sizeof(profile->text) - profile->text_used)
		return NULL;
	copy = profile->text + profile->text_used;
	memcpy(copy, text, len);
	copy[len] = '\0';
	profile->text_used += len + 1;
	return copy;
}

/* Call @take for each word of @value separated by @separators; stops at its error. */
static int for_each_word(struct parse_state *ps, const char *value, const char *separators,
			 int (*take)(struct parse_state *ps, char *word))
{
	size_t len;

	for (const char *at = value; *(at += strspn(at, separators)); at += len) {
		char *word;
		int err;

		len = strcspn(at, separators);
		word = keep(ps->profile, at, len);
		if (!word)
			REFUSE("profile too large: at most %d bytes of values", PROFILE_TEXT_MAX);
		err = take(ps, word);
		if (err)
			return err;
	}
	return 0;
}

static int take_dns(struct parse_state *ps, char *word)
{
	struct profile *p = ps->profile;

	return nameserver_append(p->dns, &p->dns_count, CLI_MAX_DNS, word, ps->text.error,
				 sizeof(ps->text.error));
}

static int take_publish(struct parse_state *ps, char *word)
{
	struct profile *p = ps->profile;

	return publish_append(p->publish, &p->publish_count, word, ps->text.error,
			      sizeof(ps->text.error));
}

/* A directory in the user's home: "~/" and a relative path with no "." or ".." in it. */
static int take_mkdir(struct parse_state *ps, char *word)
{
	struct profile *profile = ps->profile;
	char shown[72];

	if (strncmp(word, "~/", 2) != 0 || !word[2] || strstr(word, "//") ||
	    !strcmp(word + strlen(word) - 2, "/.") || !strcmp(word + strlen(word) - 3, "/..") ||
	    strstr(word, "/./") || strstr(word, "/../"))
		REFUSE("invalid mkdir '%s': expected a directory in the home, such as "
		       "~/.local/share/netjail/firefox", SHOW(word));
	if (profile->mkdir_count == PROFILE_MAX_DIRS)
		REFUSE("too many mkdir directories: at most %d", PROFILE_MAX_DIRS);
	profile->mkdir[profile->mkdir_count++] = word;
	return 0;
}

static int take_command_word(struct parse_state *ps, char *word)
{
	struct profile *profile = ps->profile;
	size_t count = 0;

	while (profile->command[count])
		count++;
	if (count == PROFILE_MAX_WORDS)
		REFUSE("command too long: at most %d words", PROFILE_MAX_WORDS);
	profile->command[count] = word;
	return 0;
}

static bool env_name_is_valid(const char *name, size_t len)
{
	if (len == 0 || isdigit((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

static int take_unsetenv(struct parse_state *ps, char *word)
{
	struct profile *profile = ps->profile;
	char shown[72];

	if (!env_name_is_valid(word, strlen(word)))
		REFUSE("invalid variable name '%s'", SHOW(word));
	if (profile->unsetenv_count == PROFILE_MAX_ENV)
		REFUSE("too many unsetenv names: at most %d", PROFILE_MAX_ENV);
	profile->unsetenv[profile->unsetenv_count++] = word;
	return 0;
}

static int take_setenv(struct parse_state *ps, const char *value)
{
	struct profile *profile = ps->profile;
	const char *equals = strchr(value, '=');
	char shown[72], *copy;

	if (!equals || !env_name_is_valid(value, (size_t)(equals - value)))
		REFUSE("invalid setenv '%s': expected NAME=VALUE", SHOW(value));
	if (profile->setenv_count == PROFILE_MAX_ENV)
		REFUSE("too many setenv entries: at most %d", PROFILE_MAX_ENV);
	copy = keep(profile, value, strlen(value));
	if (!copy)
		REFUSE("profile too large: at most %d bytes of values", PROFILE_TEXT_MAX);
	profile->setenv[profile->setenv_count++] = copy;
	return 0;
}

static int take_choice(struct parse_state *ps, const char *value, const char *key,
		       const char *yes, const char *no, int *out)
{
	char shown[72];

	if (!strcmp(value, yes))
		*out = 1;
	else if (!strcmp(value, no))
		*out = 0;
	else
		REFUSE("invalid %s '%s': expected %s or %s", key, SHOW(value), yes, no);
	return 0;
}

static int take(struct parse_state *ps, enum profile_key key, const char *value)
{
	struct profile *profile = ps->profile;
	char shown[72];
	int choice = 0, err;

	switch (key) {
	case KEY_INTERFACE:
		if (!ifname_is_valid(value))
			REFUSE("invalid interface name '%s'", SHOW(value));
		profile->interface = keep(profile, value, strlen(value));
		break;
	case KEY_GATEWAY:
		if (parse_ipv4(value, &profile->gateway))
			REFUSE("invalid gateway '%s': expected an IPv4 address", SHOW(value));
		profile->has_gateway = true;
		return 0;
	case KEY_DNS:
		return for_each_word(ps, value, LIST_SEPARATORS, take_dns);
	case KEY_PUBLISH:
		return for_each_word(ps, value, LIST_SEPARATORS, take_publish);
	case KEY_IPV6:
		err = take_choice(ps, value, "ipv6", "yes", "no", &choice);
		profile->ipv6 = choice;
		return err;
	case KEY_ALLOW_HOST:
		err = take_choice(ps, value, "allow_host", "yes", "no", &choice);
		profile->allow_host = choice;
		return err;
	case KEY_DBUS:
		err = take_choice(ps, value, "dbus", "host", "none", &choice);
		profile->dbus = choice ? DBUS_HOST : DBUS_NONE;
		return err;
	case KEY_COMMAND:
		err = for_each_word(ps, value, BLANKS, take_command_word);
		if (!err && !profile->command[0])
			REFUSE("empty command");
		return err;
	case KEY_SETENV:
		return take_setenv(ps, value);
	case KEY_UNSETENV:
		return for_each_word(ps, value, BLANKS, take_unsetenv);
	case KEY_MKDIR:
		return for_each_word(ps, value, LIST_SEPARATORS, take_mkdir);
	case KEY_NAME:
		if (!jail_name_is_valid(value))
			REFUSE("invalid jail name '%s'", SHOW(value));
		profile->name = keep(profile, value, strlen(value));
		if (!profile->name)
			REFUSE("profile too large: at most %d bytes of values", PROFILE_TEXT_MAX);
		return 0;
	case KEY_COUNT:
		return -EINVAL;
	}
	if (!profile->interface)
		REFUSE("profile too large: at most %d bytes of values", PROFILE_TEXT_MAX);
	return 0;
}

/* inih's callback: 1 to go on, 0 to report an error on this line. */
static int on_pair(void *data, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = data;
	char shown[72], shown_section[72];
	int key;

	if (strcmp(section, "netjail") != 0) {
		snprintf(ps->text.error, sizeof(ps->text.error), "unknown section [%s]: expected [netjail]",
			 printable(section, shown_section, sizeof(shown_section)));
		return 0;
	}
	for (key = 0; key < KEY_COUNT; key++)
		if (!strcmp(name, known_keys[key].name))
			break;
	if (key == KEY_COUNT) {
		snprintf(ps->text.error, sizeof(ps->text.error), "unknown key '%s'", SHOW(name));
		return 0;
	}
	if (ps->seen[key] && !known_keys[key].repeatable) {
		snprintf(ps->text.error, sizeof(ps->text.error), "'%s' is set twice", known_keys[key].name);
		return 0;
	}
	ps->seen[key] = true;
	return take(ps, (enum profile_key)key, value) == 0;
}

int profile_parse(const char *text, const char *name, struct profile *profile,
		  char *why, size_t why_len)
{
	struct parse_state ps = { .profile = profile };

	int err;

	memset(profile, 0, sizeof(*profile));
	profile->ipv6 = -1;
	err = ini_text_parse(text, name, on_pair, &ps.text, why, why_len);
	/* A gateway is an interface's: alone it would be silently unused. */
	if (!err && profile->has_gateway && !profile->interface) {
		snprintf(why, why_len, "%s: 'gateway' needs 'interface' in the same profile", name);
		err = -EINVAL;
	}
	return err;
}

bool profile_name_is_plain(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < 64 && name[0] != '.' &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_-.+") == len;
}

void profile_merge(const struct profile *profile, struct cli_options *opts)
{
	bool same_uplink = !opts->uplink ||
			   (profile->interface && !strcmp(opts->uplink, profile->interface));

	if (!opts->uplink)
		opts->uplink = profile->interface;
	/* A gateway belongs to its interface: not carried over to another -i. */
	if (!opts->has_gateway && profile->has_gateway && same_uplink) {
		opts->has_gateway = true;
		opts->gateway = profile->gateway;
	}
	if (!opts->dns_count) {
		memcpy(opts->dns, profile->dns, sizeof(profile->dns));
		opts->dns_count = profile->dns_count;
	}
	if (profile->ipv6 == 0)
		opts->no_ipv6 = true;
	if (profile->allow_host)
		opts->allow_host = true;
	if (!opts->publish_count) {
		memcpy(opts->publish, profile->publish, sizeof(profile->publish));
		opts->publish_count = profile->publish_count;
	}
	if (!opts->command || !opts->command[0])
		opts->command = (char **)profile->command;
	if (!opts->name)
		opts->name = profile->name;
}
