/* log.c - the only place that writes netjail's own messages.
 *
 * Every message is one line on stderr starting with "netjail: ", so that scripts and
 * launchers can show it as it is.  Verbose lines describe each step (-v).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

bool log_verbose_enabled;

static void vprint(const char *fmt, va_list ap)
{
	fputs("netjail: ", stderr);
	/* Every caller has called va_start; the analyzer does not follow it across calls. */
	vfprintf(stderr, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

void log_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose_enabled)
		return;
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
	exit(EXIT_NETJAIL_FAILED);
}
