/* initext.c - run inih over a file's text, the way netjail's files need it.
 *
 * inih tells the handler no line number, and splits a line longer than its buffer into
 * two, so that the end of a long comment could be read as a setting.  This reader hands
 * inih one line at a time, counts them, refuses overlong ones, and stops at the handler's
 * first error, so the line it reports is the error's.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "initext.h"

static char *read_line(char *buf, int size, void *data)
{
	struct ini_text *it = data;
	size_t len = strcspn(it->unread, "\n");

	if (!it->unread[0] || it->error[0])
		return NULL;
	it->line++;
	if (len + 2 > (size_t)size) {
		snprintf(it->error, sizeof(it->error), "line too long: at most %d characters", size - 2);
		return NULL;
	}
	len += it->unread[len] == '\n';
	memcpy(buf, it->unread, len);
	buf[len] = '\0';
	it->unread += len;
	return buf;
}

int ini_text_parse(const char *text, const char *name, ini_handler handler,
		   struct ini_text *state, char *why, size_t why_len)
{
	int line;

	state->unread = text;
	state->line = 0;
	state->error[0] = '\0';
	line = ini_parse_stream(read_line, state, handler, state);
	/* inih returns its first bad line: a syntax error, or ours if none came before it. */
	if (line < 0)
		snprintf(why, why_len, "%s: cannot be parsed", name);
	else if (state->error[0] && (line == 0 || line == state->line))
		snprintf(why, why_len, "%s:%d: %s", name, state->line, state->error);
	else if (line > 0)
		snprintf(why, why_len, "%s:%d: syntax error: expected [section] or key = value",
			 name, line);
	else
		return 0;
	return -EINVAL;
}
