/* desktop.c - a launcher rewritten to run its program in a jail: text in, text out, no I/O.
 *
 * Theory of operation
 *   A desktop entry (Desktop Entry Specification 1.5) is a key file: [groups] of KEY=VALUE
 *   lines, comments and blank lines.  What a menu, dock or file manager runs is an Exec
 *   line of [Desktop Entry] or of one of its [Desktop Action NAME] groups, so each of those
 *   becomes "NETJAIL OPTIONS -- ORIGINAL", with the original command line, field codes and
 *   all, left exactly as it was.  A launcher marked DBusActivatable is started over D-Bus
 *   instead, by the service's own Exec, which the jail would never see: it is set to false.
 *   Everything else is copied byte for byte, so a user's comments, translations and other
 *   groups survive, and CRLF line ends and a missing last newline stay as they were.
 *
 *   A key is matched the way the desktops' readers match it (GLib's GKeyFile, KDE's
 *   KConfig): blanks before the key and around '=' are skipped, and a [locale] suffix is
 *   ignored.  KConfig reads a localized Exec[xx] like Exec, so those are wrapped too: a
 *   line a desktop takes for Exec must never escape the wrapping.  For the same reason a
 *   line that is neither a group, a comment nor KEY=VALUE is refused, not copied: readers
 *   disagree on what it is.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desktop.h"
#include "util.h"

/* The characters the spec reserves in Exec: a word with one of them must be quoted. */
static const char exec_reserved[] = " \t\n\"'\\><~|&;$*?#()`";

#define FAIL(...) do { snprintf(why, why_len, __VA_ARGS__); return -EINVAL; } while (0)

struct out {
	char *text;
	size_t len, cap;
};

/* Append @n bytes to @o.  0, -EFBIG past DESKTOP_OUT_MAX, or -ENOMEM. */
static int put(struct out *o, const char *s, size_t n)
{
	if (n > DESKTOP_OUT_MAX - o->len)
		return -EFBIG;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *grown;

		while (cap < o->len + n + 1)
			cap *= 2;
		grown = realloc(o->text, cap);
		if (!grown)
			return -ENOMEM;
		o->text = grown;
		o->cap = cap;
	}
	memcpy(o->text + o->len, s, n);
	o->len += n;
	o->text[o->len] = '\0';
	return 0;
}

static int put_str(struct out *o, const char *s)
{
	return put(o, s, strlen(s));
}

/* One word of the netjail command line, as the spec wants it in an Exec value: quoted if
 * it has a reserved character, '"', '`', '$' and '\' escaped inside the quotes, '%'
 * doubled; then the string escape, which doubles every backslash ("\\\\" for one '\'). */
static int put_exec_word(struct out *o, const char *word)
{
	bool quoted = !word[0] || strpbrk(word, exec_reserved);
	int err = quoted ? put_str(o, "\"") : 0;

	for (const char *c = word; *c && !err; c++) {
		if (*c == '"' || *c == '`' || *c == '$')
			err = put_str(o, "\\\\");
		else if (*c == '\\')
			err = put_str(o, "\\\\\\");
		else if (*c == '%')
			err = put_str(o, "%");
		if (!err)
			err = put(o, c, 1);
	}
	if (!err && quoted)
		err = put_str(o, "\"");
	return err;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* What GKeyFile skips around keys and values (g_ascii_isspace, less the newline). */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

enum group { GROUP_NONE, GROUP_ENTRY, GROUP_ACTION, GROUP_OTHER };

/* One KEY=VALUE line, its parts pointing into the text. */
struct entry_line {
	const char *key, *key_end;	/* without a [locale] suffix or blanks */
	const char *value, *value_end;	/* after the blanks following '=', up to the line end */
	bool localized;
};

static bool key_is(const struct entry_line *l, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(l->key_end - l->key) == n && !memcmp(l->key, name, n);
}

/* Parse "[Name]" from @s to @end (blanks before it already skipped).  0 with *@group set,
 * or -EINVAL. */
static int parse_group(const char *s, const char *end, enum group *group)
{
	const char *close = end, *name = s + 1;
	static const char action[] = "Desktop Action ";

	while (close > name && is_blank(close[-1]))
		close--;
	if (close == name || close[-1] != ']')
		return -EINVAL;
	close--;
	for (const char *c = name; c < close; c++)
		if (*c == '[' || *c == ']' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return -EINVAL;
	if ((size_t)(close - name) == strlen("Desktop Entry") && !memcmp(name, "Desktop Entry", 13))
		*group = GROUP_ENTRY;
	else if ((size_t)(close - name) >= strlen(action) && !memcmp(name, action, strlen(action)))
		*group = GROUP_ACTION;
	else
		*group = GROUP_OTHER;
	return 0;
}

/* Parse KEY[locale] = VALUE from @s to @end.  0, or -EINVAL (no '=', no key). */
static int parse_key(const char *s, const char *end, struct entry_line *l)
{
	const char *eq = memchr(s, '=', (size_t)(end - s)), *bracket;

	if (!eq)
		return -EINVAL;
	l->key = s;
	l->key_end = eq;
	while (l->key_end > l->key && is_blank(l->key_end[-1]))
		l->key_end--;
	bracket = memchr(l->key, '[', (size_t)(l->key_end - l->key));
	l->localized = bracket != NULL;
	if (bracket) {
		l->key_end = bracket;
		while (l->key_end > l->key && is_blank(l->key_end[-1]))
			l->key_end--;
	}
	if (l->key_end == l->key)
		return -EINVAL;
	l->value = eq + 1;
	while (l->value < end && is_blank(*l->value))
		l->value++;
	l->value_end = end;
	return 0;
}

/* Check the original command line @value: 0, -EINVAL if a launcher could not split it
 * into words (the copy would not start either), -EEXIST if it runs netjail already (the
 * copy would be refused at every launch: "already inside a jail"). */
static int check_command(const char *value, size_t len)
{
	char *buf = malloc(len + 1), *word;
	const char *base;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	if (desktop_exec_split(value, len, buf, len + 1, NULL, 0) < 1) {
		err = -EINVAL;
	} else if (desktop_exec_split(value, len, buf, len + 1, &word, 1) == 1) {
		base = strrchr(word, '/');
		if (!strcmp(base ? base + 1 : word, "netjail"))
			err = -EEXIST;
	}
	free(buf);
	return err;
}

struct wrap {
	const char *const *prefix;
	const char *suffix;
	struct out out;
	unsigned exec_count, type_count;	/* in [Desktop Entry] */
	bool application, dbus_activatable;
	char type_shown[72];
};

/* "Exec=NETJAIL OPTIONS -- ORIGINAL" for the line @l, whose key part is @line..l->value. */
static int put_exec(struct wrap *w, const char *line, const struct entry_line *l)
{
	int err = put(&w->out, line, (size_t)(l->value - line));

	for (size_t i = 0; w->prefix[i] && !err; i++) {
		err = put_exec_word(&w->out, w->prefix[i]);
		if (!err)
			err = put_str(&w->out, " ");
	}
	if (!err)
		err = put_str(&w->out, "-- ");
	return err ? err : put(&w->out, l->value, (size_t)(l->value_end - l->value));
}

/* "Name=VALUE (SUFFIX)": the suffix string-escaped, a backslash being "\\". */
static int put_name(struct wrap *w, const char *line, const struct entry_line *l)
{
	int err = put(&w->out, line, (size_t)(l->value_end - line));

	if (!err)
		err = put_str(&w->out, " (");
	for (const char *c = w->suffix; *c && !err; c++)
		err = *c == '\\' ? put_str(&w->out, "\\\\") : put(&w->out, c, 1);
	return err ? err : put_str(&w->out, ")");
}

/* A backslash that escapes nothing ends @l's value: what we append would become its escape. */
static bool ends_in_lone_backslash(const struct entry_line *l)
{
	size_t run = 0;

	while (l->value_end - run > l->value && l->value_end[-1 - (ptrdiff_t)run] == '\\')
		run++;
	return run % 2 == 1;
}

/* Rewrite one KEY=VALUE line of @group.  0, -EINVAL with @why, or an error of put(). */
static int wrap_key_line(struct wrap *w, enum group group, const char *line,
			 const struct entry_line *l, unsigned line_no, char *why, size_t why_len)
{
	int err;

	if ((group == GROUP_ENTRY || group == GROUP_ACTION) && key_is(l, "Exec")) {
		if (l->value == l->value_end)
			FAIL("line %u: Exec is empty", line_no);
		err = check_command(l->value, (size_t)(l->value_end - l->value));
		if (err == -EINVAL)
			FAIL("line %u: Exec is not a command line a launcher can run (no word, an "
			     "unclosed quote, or a backslash escaping nothing)", line_no);
		if (err == -EEXIST)
			FAIL("line %u: this launcher runs netjail already: wrap the original one", line_no);
		if (err)
			return err;
		if (group == GROUP_ENTRY)
			w->exec_count++;
		return put_exec(w, line, l);
	}
	if (group != GROUP_ENTRY)
		return put(&w->out, line, (size_t)(l->value_end - line));
	if (key_is(l, "Name")) {
		if (ends_in_lone_backslash(l))
			FAIL("line %u: Name ends with a lone backslash", line_no);
		return put_name(w, line, l);
	}
	if (key_is(l, "DBusActivatable")) {
		w->dbus_activatable = w->dbus_activatable ||
			((size_t)(l->value_end - l->value) >= 4 && !memcmp(l->value, "true", 4));
		err = put(&w->out, line, (size_t)(l->value - line));
		return err ? err : put_str(&w->out, "false");
	}
	if (key_is(l, "Type") && !l->localized) {
		const char *end = l->value_end;
		char value[72];

		while (end > l->value && is_blank(end[-1]))
			end--;
		w->type_count++;
		w->application = (size_t)(end - l->value) == strlen("Application") &&
				 !memcmp(l->value, "Application", 11);
		if (!w->application) {
			snprintf(value, sizeof(value), "%.*s", (int)(end - l->value > 64 ? 64 : end - l->value),
				 l->value);
			printable(value, w->type_shown, sizeof(w->type_shown));
		}
	}
	return put(&w->out, line, (size_t)(l->value_end - line));
}

static int check_words(const char *const *prefix, const char *suffix, char *why, size_t why_len)
{
	if (!prefix || !prefix[0])
		FAIL("no netjail command line to put in the launcher");
	for (size_t i = 0; prefix[i]; i++)
		if (has_control(prefix[i]))
			FAIL("a word of the netjail command line has a control character: "
			     "it cannot go in a launcher");
	if (has_control(suffix))
		FAIL("the name suffix has a control character");
	return 0;
}

static int wrap_lines(struct wrap *w, const char *text, size_t len, char *why, size_t why_len)
{
	const char *end = text + len, *line, *next;
	enum group group = GROUP_NONE;
	bool has_entry = false;
	unsigned line_no = 0;
	int err = 0;

	for (line = text; line < end && !err; line = next) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *content_end = nl ? nl : end, *s = line;
		struct entry_line l;

		next = nl ? nl + 1 : end;
		line_no++;
		/* GKeyFile takes "\r\n" for a line end: the CR is the ending's, kept with it. */
		if (content_end > line && content_end[-1] == '\r')
			content_end--;
		while (s < content_end && is_blank(*s))
			s++;
		if (s == content_end || *s == '#') {
			err = put(&w->out, line, (size_t)(next - line));
			continue;
		}
		if (*s == '[') {
			if (parse_group(s, content_end, &group))
				FAIL("line %u: not a valid [group] header", line_no);
			has_entry = has_entry || group == GROUP_ENTRY;
			err = put(&w->out, line, (size_t)(next - line));
			continue;
		}
		if (group == GROUP_NONE)
			FAIL("line %u: a key before the first group", line_no);
		if (parse_key(s, content_end, &l))
			FAIL("line %u: neither a [group], a comment nor KEY=VALUE", line_no);
		err = wrap_key_line(w, group, line, &l, line_no, why, why_len);
		if (!err)
			err = put(&w->out, content_end, (size_t)(next - content_end));
	}
	if (err == -EFBIG)
		snprintf(why, why_len, "the wrapped launcher would be larger than %zu KiB",
			 DESKTOP_OUT_MAX / 1024);
	if (err)
		return err;
	if (!has_entry)
		FAIL("no [Desktop Entry] group: not a desktop entry");
	if (!w->type_count)
		FAIL("no Type in [Desktop Entry]");
	if (!w->application)
		FAIL("Type is '%s', not Application: only a launcher of a program can be wrapped",
		     w->type_shown);
	if (!w->exec_count)
		FAIL("no Exec in [Desktop Entry]%s", w->dbus_activatable ?
		     " (it is started over D-Bus, which would bypass the jail)" : "");
	return 0;
}

int desktop_wrap(const char *text, size_t len, const char *const *prefix, const char *suffix,
		 char **out, size_t *out_len, char *why, size_t why_len)
{
	struct wrap w = { .prefix = prefix, .suffix = suffix };
	int err;

	why[0] = '\0';
	*out = NULL;
	*out_len = 0;
	err = check_words(prefix, suffix, why, why_len);
	if (err)
		return err;
	if (len > DESKTOP_MAX_BYTES) {
		snprintf(why, why_len, "larger than %d KiB", DESKTOP_MAX_BYTES / 1024);
		return -EFBIG;
	}
	/* A NUL would end the text for some readers and not others. */
	if (memchr(text, '\0', len))
		FAIL("contains a NUL byte: not a desktop entry");
	err = wrap_lines(&w, text, len, why, why_len);
	if (!err && !w.out.text)
		err = put(&w.out, "", 0);
	if (err) {
		free(w.out.text);
		return err;
	}
	*out = w.out.text;
	*out_len = w.out.len;
	return 0;
}

/* The string escapes of a key file value: \s \n \t \r \\; any other is an error, as in
 * GKeyFile.  Writes to @buf, returns the length or -EINVAL. */
static long unescape_string(const char *value, size_t len, char *buf)
{
	static const char from[] = "sntr\\", to[] = " \n\t\r\\";
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		const char *which;

		if (value[i] != '\\') {
			buf[n++] = value[i];
			continue;
		}
		if (i + 1 == len || !value[i + 1] || !(which = strchr(from, value[i + 1])))
			return -EINVAL;
		buf[n++] = to[which - from];
		i++;
	}
	return (long)n;
}

int desktop_exec_split(const char *value, size_t len, char *buf, size_t size,
		       char **words, size_t max)
{
	long unescaped;
	char *r, *w, *end;
	int count = 0;

	if (size <= len)
		return -ENOSPC;
	unescaped = unescape_string(value, len, buf);
	if (unescaped < 0)
		return (int)unescaped;
	/* Unquoting only shortens: the words are written over what has been read. */
	r = w = buf;
	end = buf + unescaped;
	while (r < end) {
		if (*r == ' ' || *r == '\t' || *r == '\n') {
			r++;
			continue;
		}
		if (words && (size_t)count == max)
			break;
		if (words)
			words[count] = w;
		count++;
		while (r < end && *r != ' ' && *r != '\t' && *r != '\n') {
			bool quoted = *r == '"';

			if (quoted)
				r++;
			while (r < end && (quoted ? *r != '"' : *r != ' ' && *r != '\t' && *r != '\n' && *r != '"')) {
				/* An escape in quotes, or "%%": the second character stands. */
				if (r + 1 < end && ((quoted && *r == '\\' && strchr("\"`$\\", r[1])) ||
						    (*r == '%' && r[1] == '%')))
					r++;
				*w++ = *r++;
			}
			if (quoted && r == end)
				return -EINVAL;
			if (quoted)
				r++;
		}
		/* Past the blank first: the word's NUL may go where it was. */
		if (r < end)
			r++;
		*w++ = '\0';
	}
	return count;
}
