/* test_progname.c - launcher scripts read for the program they run; single-instance names. */
#include <string.h>

#include "check.h"
#include "progname.h"

static bool has(const struct prog_names *names, const char *name)
{
	for (size_t i = 0; i < names->count; i++)
		if (!strcmp(names->name[i], name))
			return true;
	return false;
}

int main(void)
{
	struct prog_names names = { .count = 0 };
	char paths[2][PATH_MAX];
	size_t n;

	/* Debian's firefox: the binary's name, and its path to follow. */
	n = prog_names_from_script("#!/bin/sh\n# comment: exec nothing\nexec /usr/lib/firefox-esr/firefox-esr \"$@\"\n",
				   &names, paths, 2);
	CHECK(n == 1 && !strcmp(paths[0], "/usr/lib/firefox-esr/firefox-esr"));
	CHECK(names.count == 1 && has(&names, "firefox-esr"));

	/* Chrome: exec -a NAME skipped; a variable directory still names the binary. */
	memset(&names, 0, sizeof(names));
	n = prog_names_from_script("#!/bin/bash\nexport X=1\nexec -a \"$0\" \"$HERE/chrome\" \"$@\"\n",
				   &names, paths, 2);
	CHECK(n == 0 && names.count == 1 && has(&names, "chrome"));

	/* A variable program, globs and operators are no names; VAR=value is skipped. */
	memset(&names, 0, sizeof(names));
	n = prog_names_from_script("#!/bin/sh\n[ -x \"$F\" ] && exec \"$F\" \"$@\"\nexec $(which x)\n"
				   "exec LANG=C /opt/app/app-bin --flag\nexec /opt/*/x\n",
				   &names, paths, 2);
	/* (a glob in the directory still names the program: x) */
	CHECK(names.count == 2 && has(&names, "app-bin") && has(&names, "x") && n == 1);

	/* Only single-instance programs, known by all their names and by no other. */
	memset(&names, 0, sizeof(names));
	prog_names_add(&names, "/usr/bin/firefox");
	prog_names_add(&names, "/usr/bin/snap");
	CHECK(prog_names_single_instance(&names));
	CHECK(has(&names, "firefox-esr") && has(&names, "firefox") && !has(&names, "snap"));
	static const char *const tools[] = { "bash", "sh", "python3", "python3.11", "sleep", "perl", "env" };
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		memset(&names, 0, sizeof(names));
		prog_names_add(&names, tools[i]);
		CHECK(!prog_names_single_instance(&names) && names.count == 1);
	}

	/* Full: nothing more is added, nothing overflows. */
	memset(&names, 0, sizeof(names));
	for (int i = 0; i < 40; i++) {
		char name[16];

		snprintf(name, sizeof(name), "n%d", i);
		prog_names_add(&names, name);
	}
	CHECK(names.count == PROG_NAMES_MAX);
	prog_names_add(&names, "");
	CHECK(names.count == PROG_NAMES_MAX);
	return CHECK_DONE("progname");
}
