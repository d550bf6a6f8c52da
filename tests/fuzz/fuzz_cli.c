/* libFuzzer harness for cli_parse(): the input, split at NUL bytes, is netjail's argv.
 *
 * cli_parse() reads argv of a setuid program, so whatever it gets it must return 0 or
 * -EINVAL, never touch memory it was not given, and leave a one-line printable reason.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"

#define MAX_ARGS 64

static void check_why(const char *why, size_t size)
{
	size_t len = strnlen(why, size);

	if (len == size)
		abort();	/* not NUL-terminated */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2] = { "netjail" };
	char why[256];
	struct cli_options opts;
	char *text = malloc(size + 1);
	int argc = 1, err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* Words separated by NUL; a trailing NUL does not add an empty word. */
	for (size_t at = 0; at < size && argc <= MAX_ARGS; at += strlen(text + at) + 1)
		argv[argc++] = text + at;
	argv[argc] = NULL;

	memset(why, 'x', sizeof(why));
	err = cli_parse(argc, argv, &opts, why, sizeof(why));
	check_why(why, sizeof(why));
	if (err == 0) {
		if (why[0])
			abort();
		if (opts.command < argv + 1 || opts.command > argv + argc)
			abort();
		/* What cli.h and --help promise for each action: a profile may give the command
		 * and the uplink ("-p NAME" alone runs the profile's command). */
		switch (opts.action) {
		case ACTION_RUN:
			if ((!opts.command[0] && !opts.profile) || (!opts.uplink && !opts.profile))
				abort();
			break;
		case ACTION_CHECK:
			if (opts.command[0] || (!opts.uplink && !opts.profile))
				abort();
			break;
		case ACTION_DESKTOP_ENTRY:
			if (opts.command[0] || (!opts.uplink && !opts.profile) || opts.user ||
			    !opts.desktop_entry || !opts.desktop_entry[0])
				abort();
			break;
		case ACTION_HELP:
		case ACTION_VERSION:
		case ACTION_CLEANUP:
		case ACTION_LIST:
			if (opts.command[0])
				abort();
			break;
		default:
			abort();
		}
		if (opts.json && opts.action != ACTION_LIST)
			abort();
		if ((opts.profile && !opts.profile[0]) || (opts.user && !opts.user[0]))
			abort();
		if (opts.dns_count > CLI_MAX_DNS)
			abort();
		if (opts.uplink && (!opts.uplink[0] || strlen(opts.uplink) >= 16))
			abort();
	} else if (err != -EINVAL || !why[0]) {
		abort();
	}
	free(text);
	return 0;
}
