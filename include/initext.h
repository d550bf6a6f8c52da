/* initext.h - inih over a string, strictly: line numbers, overlong lines refused. */
#ifndef NETJAIL_INITEXT_H
#define NETJAIL_INITEXT_H

#include <ini.h>
#include <stddef.h>

/* The first member of a parser's state; its inih handler gets that state as @user and
 * reports an error by filling @error and returning 0. */
struct ini_text {
	const char *unread;	/* the text inih has not read yet */
	int line;		/* the last line inih read: the error's, once one stops the reading */
	char error[160];	/* the first error */
};

/* Parse @text (file @name, for messages) with @handler, @state starting with a struct
 * ini_text.  0, or -EINVAL with "NAME:LINE: reason" in @why. */
int ini_text_parse(const char *text, const char *name, ini_handler handler,
		   struct ini_text *state, char *why, size_t why_len);

#endif
