/* Unit tests for desktop_wrap() and desktop_exec_split(): the launcher netjail writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desktop.h"

#include "check.h"

static const char *const prefix[] = { "/usr/local/bin/netjail", "-i", "wlan0", NULL };
#define NJ "/usr/local/bin/netjail -i wlan0 -- "

static char *out;
static size_t out_len;
static char why[320];

static int wrap_with(const char *text, size_t len, const char *const *words, const char *suffix)
{
	free(out);
	out = NULL;
	return desktop_wrap(text, len, words, suffix, &out, &out_len, why, sizeof(why));
}

static int wrap(const char *text)
{
	return wrap_with(text, strlen(text), prefix, "wlan0");
}

/* A literal, its NUL bytes included. */
#define WRAP(text, words, suffix) wrap_with((text), sizeof(text) - 1, (words), (suffix))

/* @text is wrapped into exactly @want. */
static int wraps_to(const char *text, const char *want)
{
	if (wrap(text) != 0) {
		printf("# refused: %s\n", why);
		return 0;
	}
	if (strcmp(out, want) || out_len != strlen(want)) {
		printf("# got:\n%s\n# want:\n%s\n", out, want);
		return 0;
	}
	return 1;
}

/* @text is refused with -EINVAL and a reason containing @words. */
static int refused(const char *text, const char *words)
{
	int err = wrap(text);

	if (err != -EINVAL || !strstr(why, words)) {
		printf("# err %d, why '%s', want '%s'\n", err, why, words);
		return 0;
	}
	return out == NULL;
}

static void test_entry(void)
{
	CHECK(wraps_to(
		"# A comment\n"
		"[Desktop Entry]\n"
		"Type=Application\n"
		"Name=Steam\n"
		"Name[de]=Steam (Deutsch)\n"
		"GenericName=Game store\n"
		"Comment=Play games\n"
		"TryExec=steam\n"
		"Exec=/usr/bin/steam %U\n"
		"Icon=steam\n"
		"Actions=Store;Library;\n"
		"\n"
		"[Desktop Action Store]\n"
		"Name=Store\n"
		"Exec=steam steam://store\n"
		"\n"
		"[Desktop Action Library]\n"
		"Name=Library\n"
		"Exec=steam \"steam://open/games\"\n"
		"\n"
		"[X-Other Group]\n"
		"Exec=not-a-launcher\n"
		"Name=Other\n",
		"# A comment\n"
		"[Desktop Entry]\n"
		"Type=Application\n"
		"Name=Steam (wlan0)\n"
		"Name[de]=Steam (Deutsch) (wlan0)\n"
		"GenericName=Game store\n"
		"Comment=Play games\n"
		"TryExec=steam\n"
		"Exec=" NJ "/usr/bin/steam %U\n"
		"Icon=steam\n"
		"Actions=Store;Library;\n"
		"\n"
		"[Desktop Action Store]\n"
		"Name=Store\n"
		"Exec=" NJ "steam steam://store\n"
		"\n"
		"[Desktop Action Library]\n"
		"Name=Library\n"
		"Exec=" NJ "steam \"steam://open/games\"\n"
		"\n"
		"[X-Other Group]\n"
		"Exec=not-a-launcher\n"
		"Name=Other\n"));

	/* Keys as the readers find them: blanks around them, a localized Exec (KConfig runs it). */
	CHECK(wraps_to("[Desktop Entry]\n  Type = Application \n\tExec = a b\nExec[de]=c\nName =x\n",
		       "[Desktop Entry]\n  Type = Application \n\tExec = " NJ "a b\nExec[de]=" NJ "c\n"
		       "Name =x (wlan0)\n"));
	/* Keys that only look like them stay. */
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nExec=a\nNames=x\nX-Exec=b\nExecute=c\n",
		       "[Desktop Entry]\nType=Application\nExec=" NJ "a\nNames=x\nX-Exec=b\nExecute=c\n"));
	/* An action with an empty name is still an action to wrap. */
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nExec=a\n[Desktop Action ]\nExec=b\n",
		       "[Desktop Entry]\nType=Application\nExec=" NJ "a\n[Desktop Action ]\nExec=" NJ "b\n"));
	/* A [Desktop Entry] given twice is one group to GKeyFile: both are wrapped. */
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nExec=a\n[Other]\nExec=b\n[Desktop Entry]\nExec=c\n",
		       "[Desktop Entry]\nType=Application\nExec=" NJ "a\n[Other]\nExec=b\n"
		       "[Desktop Entry]\nExec=" NJ "c\n"));
}

static void test_dbus(void)
{
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nDBusActivatable=true\nExec=gedit %U\n",
		       "[Desktop Entry]\nType=Application\nDBusActivatable=false\nExec=" NJ "gedit %U\n"));
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nDBusActivatable = true \r\nExec=x\n",
		       "[Desktop Entry]\nType=Application\nDBusActivatable = false\r\nExec=" NJ "x\n"));
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nDBusActivatable=false\nExec=x\n",
		       "[Desktop Entry]\nType=Application\nDBusActivatable=false\nExec=" NJ "x\n"));
	CHECK(refused("[Desktop Entry]\nType=Application\nDBusActivatable=true\n",
		      "no Exec in [Desktop Entry] (it is started over D-Bus"));
}

static void test_line_ends(void)
{
	CHECK(wraps_to("[Desktop Entry]\r\nType=Application\r\nName=A\r\nExec=a %f\r\n",
		       "[Desktop Entry]\r\nType=Application\r\nName=A (wlan0)\r\nExec=" NJ "a %f\r\n"));
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nExec=a\nName=A",
		       "[Desktop Entry]\nType=Application\nExec=" NJ "a\nName=A (wlan0)"));
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nName=A\nExec=a",
		       "[Desktop Entry]\nType=Application\nName=A (wlan0)\nExec=" NJ "a"));
	CHECK(wraps_to("\n\n[Desktop Entry]\nType=Application\n\n   \n# c\nExec=a\n\n",
		       "\n\n[Desktop Entry]\nType=Application\n\n   \n# c\nExec=" NJ "a\n\n"));
}

/* Each word of the prefix comes back as it was through the spec's unquoting. */
static int round_trips(const char *const *words)
{
	char *exec, *buf, *split[16];
	int count, ok = 1;
	size_t n = 0;

	if (WRAP("[Desktop Entry]\nType=Application\nExec=prog %U\n", words, "x") != 0)
		return 0;
	exec = strstr(out, "Exec=");
	if (!exec)
		return 0;
	exec += 5;
	buf = malloc(strlen(exec) + 1);
	count = desktop_exec_split(exec, strlen(exec) - 1, buf, strlen(exec) + 1, split, 16);
	for (; words[n]; n++)
		ok = ok && (size_t)count > n && !strcmp(split[n], words[n]);
	ok = ok && count == (int)n + 3 && !strcmp(split[n], "--") && !strcmp(split[n + 1], "prog") &&
	     !strcmp(split[n + 2], "%U");
	if (!ok)
		printf("# %s", exec);
	free(buf);
	return ok;
}

static void test_quoting(void)
{
	static const char *const spaced[] = { "/opt/my apps/netjail", "-p", "/home/u/a b.conf", NULL };
	static const char *const nasty[] = {
		"/x/netjail", "-p", "/h/\"q\"/$HOME/`id`/back\\slash/100%/x.conf", NULL,
	};
	static const char *const reserved[] = {
		"/n", "a'b", "a>b", "a<b", "~a", "a|b", "a&b", "a;b", "a*b", "a?b", "#a", "(a)", "", NULL,
	};
	static const char *const plain[] = { "/n", "a=b", "a,b", "a:b", "a@b", "ä", "a%b", NULL };

	CHECK(WRAP("[Desktop Entry]\nType=Application\nExec=prog\n", spaced, "x") == 0 &&
	      strstr(out, "\nExec=\"/opt/my apps/netjail\" -p \"/home/u/a b.conf\" -- prog\n"));
	/* '"' '`' '$' escaped by a backslash inside the quotes, then every backslash doubled
	 * by the string escape: "\\$" for '$' and "\\\\" for '\'; '%' doubled. */
	CHECK(WRAP("[Desktop Entry]\nType=Application\nExec=prog\n", nasty, "x") == 0 &&
	      strstr(out, "\nExec=/x/netjail -p \"/h/\\\\\"q\\\\\"/\\\\$HOME/\\\\`id\\\\`/back\\\\\\\\slash/"
			  "100%%/x.conf\" -- prog\n"));
	CHECK(WRAP("[Desktop Entry]\nType=Application\nExec=prog\n", plain, "x") == 0 &&
	      strstr(out, "\nExec=/n a=b a,b a:b a@b ä a%%b -- prog\n"));
	CHECK(round_trips(prefix));
	CHECK(round_trips(spaced));
	CHECK(round_trips(nasty));
	CHECK(round_trips(reserved));
	CHECK(round_trips(plain));
}

static void test_suffix(void)
{
	static const char *const words[] = { "/n", NULL };

	CHECK(WRAP("[Desktop Entry]\nType=Application\nExec=a\nName=A\n", words, "a\\b") == 0 &&
	      strstr(out, "\nName=A (a\\\\b)\n"));
	CHECK(WRAP("[Desktop Entry]\nType=Application\nExec=a\nName=A\n", words, "a\nb") == -EINVAL &&
	      strstr(why, "suffix has a control character"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=a\nName=A\\\n", "line 4: Name ends with a lone backslash"));
	CHECK(wraps_to("[Desktop Entry]\nType=Application\nExec=a\nName=A\\\\\n",
		       "[Desktop Entry]\nType=Application\nExec=" NJ "a\nName=A\\\\ (wlan0)\n"));
}

static void test_refusals(void)
{
	static const char *const newline[] = { "/home/u/net\njail", "-i", "wlan0", NULL };
	static const char *const empty[] = { NULL };
	char *big;

	CHECK(refused("[Desktop Entry]\nType=Link\nURL=https://example.org/\n", "Type is 'Link', not Application"));
	CHECK(refused("[Desktop Entry]\nType=Directory\nExec=x\n", "Type is 'Directory'"));
	CHECK(refused("[Desktop Entry]\nType=\x1b[31m\nExec=x\n", "Type is '?[31m'"));
	CHECK(refused("[Desktop Entry]\nExec=x\n", "no Type in [Desktop Entry]"));
	CHECK(refused("[Desktop Entry]\nType=Application\nName=x\n", "no Exec in [Desktop Entry]"));
	CHECK(refused("[Desktop Entry]\nType=Application\n[Desktop Action a]\nExec=x\n", "no Exec in [Desktop Entry]"));
	CHECK(refused("[Other]\nType=Application\nExec=x\n", "no [Desktop Entry] group"));
	CHECK(refused("", "no [Desktop Entry] group"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=x\njust words\n",
		      "line 4: neither a [group], a comment nor KEY=VALUE"));
	CHECK(refused("[Desktop Entry]\nType=Application\n=x\nExec=x\n", "line 3: neither"));
	CHECK(refused("Exec=x\n[Desktop Entry]\nType=Application\n", "line 1: a key before the first group"));
	CHECK(refused("[Desktop Entry\nType=Application\nExec=x\n", "line 1: not a valid [group] header"));
	CHECK(refused("[Desktop Entry] x\nType=Application\nExec=x\n", "line 1: not a valid"));
	CHECK(refused("[Desktop [Entry]\nType=Application\nExec=x\n", "line 1: not a valid"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=\n", "line 3: Exec is empty"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=x\n[Desktop Action a]\nExec=  \n",
		      "line 5: Exec is empty"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=/usr/bin/netjail -i eth0 -- steam\n",
		      "line 3: this launcher runs netjail already"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=netjail -p steam\n", "runs netjail already"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=a \"b\n", "line 3: Exec is not a command line"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=a \\$HOME\n", "line 3: Exec is not a command line"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=\\s\n", "line 3: Exec is not a command line"));
	CHECK(refused("[Desktop Entry]\nType=Application\nExec=x\n[Desktop Action a]\nExec=a\\\n",
		      "line 5: Exec is not a command line"));
	CHECK(WRAP("[Desktop Entry]\nType=Application\n\0Exec=x\n", prefix, "x") == -EINVAL &&
	      strstr(why, "NUL byte") && !out);
	CHECK(WRAP("[Desktop Entry]\nType=Application\nExec=x\n", newline, "x") == -EINVAL &&
	      strstr(why, "control character") && !out);
	CHECK(WRAP("[Desktop Entry]\nType=Application\nExec=x\n", empty, "x") == -EINVAL);

	big = malloc(DESKTOP_MAX_BYTES + 2);
	memset(big, '#', DESKTOP_MAX_BYTES + 1);
	big[DESKTOP_MAX_BYTES + 1] = '\0';
	CHECK(wrap_with(big, DESKTOP_MAX_BYTES + 1, prefix, "x") == -EFBIG && strstr(why, "64 KiB"));
	/* Many short Exec lines and a long prefix: the copy has a limit of its own. */
	for (size_t i = 0; i + 7 < DESKTOP_MAX_BYTES; i += 7)
		memcpy(big + i, "Exec=x\n", 7);
	memcpy(big, "[Desktop Entry]\nType=Application\n\n\n", 35);
	big[DESKTOP_MAX_BYTES - DESKTOP_MAX_BYTES % 7] = '\0';
	CHECK(wrap_with(big, strlen(big), prefix, "x") == -EFBIG && strstr(why, "would be larger") && !out);
	free(big);
}

static void test_exec_split(void)
{
	char buf[128], *w[8];
	const char *v;

	v = "a  \"b c\" d\\\\\\\\e \"\" %%f %U";
	CHECK(desktop_exec_split(v, strlen(v), buf, sizeof(buf), w, 8) == 6 && !strcmp(w[0], "a") &&
	      !strcmp(w[1], "b c") && !strcmp(w[2], "d\\\\e") && !strcmp(w[3], "") &&
	      !strcmp(w[4], "%f") && !strcmp(w[5], "%U"));
	v = "x\\sy \"q\\\\\"z\"";
	CHECK(desktop_exec_split(v, strlen(v), buf, sizeof(buf), w, 8) == 3 && !strcmp(w[0], "x") &&
	      !strcmp(w[1], "y") && !strcmp(w[2], "q\"z"));
	v = "a\"b c\"d";
	CHECK(desktop_exec_split(v, strlen(v), buf, sizeof(buf), w, 8) == 1 && !strcmp(w[0], "ab cd"));
	v = "\"open";
	CHECK(desktop_exec_split(v, strlen(v), buf, sizeof(buf), w, 8) == -EINVAL);
	v = "a\\q";
	CHECK(desktop_exec_split(v, strlen(v), buf, sizeof(buf), w, 8) == -EINVAL);
	v = "a\\";
	CHECK(desktop_exec_split(v, strlen(v), buf, sizeof(buf), w, 8) == -EINVAL);
	v = "a b c";
	CHECK(desktop_exec_split(v, strlen(v), buf, sizeof(buf), w, 2) == 2 && !strcmp(w[1], "b"));
	CHECK(desktop_exec_split(v, strlen(v), buf, 5, w, 8) == -ENOSPC);
	CHECK(desktop_exec_split("", 0, buf, 1, w, 8) == 0);
}

int main(void)
{
	test_entry();
	test_dbus();
	test_line_ends();
	test_quoting();
	test_suffix();
	test_refusals();
	test_exec_split();
	free(out);
	return CHECK_DONE("test_desktop");
}
