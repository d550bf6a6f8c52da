/* progname.c - what a command really runs, and whether it is a single-instance program.
 *
 * Pure string work (running.c reads the files), so that it can be unit-tested.
 *
 * A desktop program is often started through a launcher script: Debian's /usr/bin/firefox
 * runs /usr/lib/firefox-esr/firefox-esr, Google Chrome's runs "$HERE/chrome".  The process
 * then goes by the binary's name, not the launcher's.  So a script's exec commands are read
 * for the program they run, and each single-instance program is known by all its names.
 *
 * Only single-instance programs hand a new start to a running instance; a shell, an
 * interpreter or sleep running outside a jail has nothing to do with the one in it.  So
 * only the programs below are looked for: a known list, rather than a guess that would
 * warn about every bash in a desktop session.
 */
#include <string.h>

#include "progname.h"

#define FAMILY_MAX 4

/* Each line: the names one program runs under (launcher, binary, packaging variants). */
static const char *const families[][FAMILY_MAX] = {
	{ "firefox", "firefox-esr", "firefox-bin" },
	{ "librewolf" },
	{ "chromium", "chromium-browser" },
	{ "google-chrome", "google-chrome-stable", "chrome" },
	{ "brave", "brave-browser", "brave-browser-stable" },
	{ "vivaldi", "vivaldi-stable", "vivaldi-bin" },
	{ "opera" },
	{ "microsoft-edge", "microsoft-edge-stable", "msedge" },
	{ "thunderbird", "thunderbird-bin" },
	{ "evolution" },
	{ "signal-desktop" },
	{ "telegram-desktop", "Telegram" },
	{ "discord", "Discord" },
	{ "slack" },
	{ "element-desktop", "Element" },
	{ "skypeforlinux" },
	{ "zoom" },
	{ "teams", "teams-for-linux" },
	{ "spotify" },
	{ "steam" },
	{ "code" },
	{ "transmission-gtk", "transmission-qt" },
	{ "qbittorrent" },
};

#define BLANKS " \t"
/* Characters of a plain program name: anything else is a variable, a glob, an operator. */
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-"

void prog_names_add(struct prog_names *names, const char *path)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;

	if (!name[0] || strlen(name) > NAME_MAX || names->count == PROG_NAMES_MAX)
		return;
	for (size_t i = 0; i < names->count; i++)
		if (!strcmp(names->name[i], name))
			return;
	memcpy(names->name[names->count++], name, strlen(name) + 1);
}

/* The next blank-separated word of *@at into @word, quotes removed; false at the end of the
 * line or at a comment.  A word too long for @word comes back empty. */
static bool next_word(const char **at, char *word, size_t size)
{
	size_t len, used = 0;

	*at += strspn(*at, BLANKS);
	if (!**at || **at == '\n' || **at == '#')
		return false;
	len = strcspn(*at, BLANKS "\n");
	for (size_t i = 0; i < len; i++)
		if ((*at)[i] != '"' && (*at)[i] != '\'' && used + 1 < size)
			word[used++] = (*at)[i];
	word[len < size ? used : 0] = '\0';
	*at += len;
	return true;
}

/* After "exec" on a line: the word it runs (options and VAR=value assignments skipped). */
static bool exec_target(const char **at, char *word, size_t size)
{
	while (next_word(at, word, size)) {
		if (!strcmp(word, "-a")) {	/* exec -a NAME: argv[0], not the program */
			if (!next_word(at, word, size))
				return false;
			continue;
		}
		if (word[0] == '-' || (strchr(word, '=') && word[0] != '/'))
			continue;
		return true;
	}
	return false;
}

size_t prog_names_from_script(const char *text, struct prog_names *names,
			      char (*paths)[PATH_MAX], size_t max)
{
	char word[PATH_MAX];
	size_t stored = 0;

	for (const char *line = text; line && *line;) {
		const char *at = line;

		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
		while (next_word(&at, word, sizeof(word))) {
			const char *slash, *name;

			/* Wherever it is on the line ("[ -x $F ] && exec $F"): a guess, for a
			 * warning only, and no word is ever run. */
			if (strcmp(word, "exec") != 0 || !exec_target(&at, word, sizeof(word)))
				continue;
			slash = strrchr(word, '/');
			name = slash ? slash + 1 : word;
			if (!name[0] || strspn(name, NAME_CHARS) != strlen(name))
				break;
			prog_names_add(names, name);
			if (word[0] == '/' && strspn(word, NAME_CHARS "/") == strlen(word) &&
			    stored < max)
				memcpy(paths[stored++], word, strlen(word) + 1);
			break;
		}
	}
	return stored;
}

bool prog_names_single_instance(struct prog_names *names)
{
	struct prog_names known = { .count = 0 };

	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		bool member = false;

		for (size_t n = 0; n < names->count && !member; n++)
			for (size_t m = 0; m < FAMILY_MAX && families[f][m] && !member; m++)
				member = !strcmp(names->name[n], families[f][m]);
		for (size_t m = 0; member && m < FAMILY_MAX && families[f][m]; m++)
			prog_names_add(&known, families[f][m]);
	}
	if (known.count)
		*names = known;
	return known.count > 0;
}
