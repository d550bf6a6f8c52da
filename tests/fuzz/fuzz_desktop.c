/* libFuzzer harness for desktop_wrap(): the input is the text of a launcher, optionally
 * preceded by one more word for the netjail command line and a NUL ("-p" PATH's path, the
 * word a user controls most).
 *
 * Whatever the launcher says, desktop_wrap() must either refuse it with a printable
 * reason, or give a copy with as many lines, in which every Exec line of [Desktop Entry]
 * and [Desktop Action *] (localized ones too) splits, by the spec's rules, into exactly the
 * netjail command line, "--" and then the original's words, and every DBusActivatable of
 * [Desktop Entry] is false.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "desktop.h"
#include "fuzz.h"

#define MAX_WORDS 16

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static size_t count_lines(const char *text, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/* The Exec value @value..@end must split into @prefix, "--", and more. */
static void check_exec(const char *value, const char *end, const char *const *prefix)
{
	size_t len = (size_t)(end - value), n = 0;
	char *buf = malloc(len + 1), *words[MAX_WORDS];
	int count;

	if (!buf)
		return;
	count = desktop_exec_split(value, len, buf, len + 1, words, MAX_WORDS);
	for (; prefix[n]; n++)
		if (count <= (int)n || strcmp(words[n], prefix[n]))
			abort();
	if (count < (int)n + 2 || strcmp(words[n], "--"))
		abort();
	free(buf);
}

/* Walk the copy as a reader would and check what it would run. */
static void check_copy(const char *out, size_t len, const char *const *prefix)
{
	const char *end = out + len, *line, *next;
	int group = 0;	/* 0 none or other, 1 [Desktop Entry], 2 [Desktop Action *] */

	for (line = out; line < end; line = next) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *s = line, *eq, *key_end;
		const char *stop = nl ? nl : end;

		next = nl ? nl + 1 : end;
		if (stop > line && stop[-1] == '\r')
			stop--;
		while (s < stop && blank(*s))
			s++;
		if (s == stop || *s == '#')
			continue;
		if (*s == '[') {
			group = !strncmp(s, "[Desktop Entry]", 15) ? 1 :
				!strncmp(s, "[Desktop Action ", 16) ? 2 : 0;
			continue;
		}
		eq = memchr(s, '=', (size_t)(stop - s));
		if (!eq)
			abort();
		key_end = memchr(s, '[', (size_t)(eq - s));
		if (!key_end)
			key_end = eq;
		while (key_end > s && blank(key_end[-1]))
			key_end--;
		for (eq++; eq < stop && blank(*eq); eq++)
			;
		if (group && key_end - s == 4 && !memcmp(s, "Exec", 4))
			check_exec(eq, stop, prefix);
		if (group == 1 && key_end - s == 15 && !memcmp(s, "DBusActivatable", 15) &&
		    (stop - eq != 5 || memcmp(eq, "false", 5)))
			abort();
	}
}

static void check_why(const char *why, size_t size)
{
	size_t len = strnlen(why, size);

	if (len == 0 || len == size)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *prefix[] = { "/opt/net jail/netjail", "-i", "wlan0", "-p", "/h/\"$x\"/`y`\\%.conf",
				 "--no-ipv6", NULL, NULL };
	const uint8_t *nul = memchr(data, '\0', size);
	char why[320], *word = NULL, *out = NULL;
	const char *text = (const char *)data;
	size_t len = size, out_len = 0;
	int err;

	if (nul) {
		word = strndup((const char *)data, (size_t)(nul - data));
		if (!word)
			return 0;
		prefix[6] = word;
		text = (const char *)nul + 1;
		len = size - (size_t)(nul - data) - 1;
	}
	memset(why, 'x', sizeof(why));
	why[sizeof(why) - 1] = '\0';
	err = desktop_wrap(text, len, prefix, "wlan0", &out, &out_len, why, sizeof(why));
	if (err == 0) {
		if (!out || strlen(out) != out_len || count_lines(out, out_len) != count_lines(text, len))
			abort();
		check_copy(out, out_len, prefix);
	} else if (err == -EINVAL || err == -EFBIG) {
		if (out)
			abort();
		check_why(why, sizeof(why));
	} else if (err != -ENOMEM) {
		abort();
	}
	free(out);
	free(word);
	return 0;
}
