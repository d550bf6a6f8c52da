/* progname.h - the names a program runs under, and whether it is a single-instance one. */
#ifndef NETJAIL_PROGNAME_H
#define NETJAIL_PROGNAME_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define PROG_NAMES_MAX 16

/* The names (last path components) one program is known by. */
struct prog_names {
	char name[PROG_NAMES_MAX][NAME_MAX + 1];
	size_t count;
};

/* Add the last component of @path to @names, unless it is empty, there already, or
 * @names is full. */
void prog_names_add(struct prog_names *names, const char *path);

/* @text is a script's beginning (it starts with "#!"): add the program each of its exec
 * commands runs ("exec /usr/lib/firefox-esr/firefox-esr "$@"", "exec -a "$0" "$HERE/chrome"")
 * to @names, when its last component is a plain name.  The literal absolute paths among
 * them go to @paths (at most @max, each under PATH_MAX), so that a wrapper of a wrapper can
 * be read too.  Returns the number of paths stored.  No shell ever sees @text. */
size_t prog_names_from_script(const char *text, struct prog_names *names,
			      char (*paths)[PATH_MAX], size_t max);

/* true if one of @names is that of a common single-instance program (a browser, a chat or
 * mail program, Steam...), whose second start hands its work to a running one; @names then
 * holds every name that program runs under (firefox, firefox-esr...) and no other (not
 * "snap" or "env", which a launcher may also have gone through).  Shells, interpreters and
 * other tools are none. */
bool prog_names_single_instance(struct prog_names *names);

#endif
